"""Runs of the nightly job: start (plan the chunks), chunk, finish, fail; and in-process execution.

A run fixes its configuration when it starts (thresholds, weights, rules, recorded on the run),
so every chunk of the run, and every retry of a chunk, computes with the same values even if an
administrator edits them meanwhile. Chunks are partner-id ranges of `chunk_size` ids; they can
run in any order, in parallel (a Celery group), and again: each is one transaction that
recomputes and replaces its rows for the as-of day.

A run is *forward* (the nightly case) unless a later day has already been run forward: then it is
a *back-fill* that recomputes that day's snapshots and risk hits only, leaving stage history,
flag episodes, current state and plans (which only move forward in time) alone.
"""
from __future__ import annotations

import datetime
from typing import Callable

from django.db import transaction
from django.db.models import F, Max, Min, Sum
from django.utils import timezone

from partners.models import Partner

from .. import risk_rules
from ..choices import RunMode, RunStatus, RunTrigger
from ..models import LifecycleRun, LifecycleRunChunk, LifecycleSettings
from ..models.runs import COUNTERS
from .finish import run_finish
from .measure import ChunkJob, ChunkResult, run_chunk, thresholds_by_type


def default_as_of() -> datetime.date:
    """The last complete business day (yesterday in Asia/Shanghai)."""
    return timezone.localdate() - datetime.timedelta(days=1)


def chunk_ranges(chunk_size: int) -> list[tuple[int, int]]:
    bounds = Partner.objects.aggregate(lo=Min("id"), hi=Max("id"))
    lo, hi = bounds["lo"], bounds["hi"]
    if lo is None:
        return []
    return [(start, min(start + chunk_size - 1, hi)) for start in range(lo, hi + 1, chunk_size)]


def _config(settings: LifecycleSettings) -> dict:
    default, per_type = thresholds_by_type()
    return {
        "settings": settings.as_config(),
        "thresholds": {"default": default, "per_type": {str(k): v for k, v in sorted(per_type.items())}},
        "rules": [rule.kind for rule in risk_rules.registered_rules()],
    }


def _settings_from(config: dict) -> LifecycleSettings:
    settings = LifecycleSettings(pk=1)
    for field in settings._meta.concrete_fields:
        if field.name in config["settings"]:
            setattr(settings, field.attname, field.to_python(config["settings"][field.name]))
    return settings


def _thresholds_from(config: dict) -> tuple[dict, dict]:
    thresholds = config["thresholds"]
    return thresholds["default"], {int(k): v for k, v in thresholds["per_type"].items()}


@transaction.atomic
def lifecycle_run_start(
    *, as_of: datetime.date, trigger: str = RunTrigger.SCHEDULE, by=None, chunk_size: int | None = None
) -> LifecycleRun:
    """Record a run and its chunks (status pending); nothing is computed yet."""
    settings = LifecycleSettings.load()
    size = chunk_size or settings.chunk_size
    later_forward = LifecycleRun.objects.filter(
        mode=RunMode.FORWARD, status=RunStatus.SUCCEEDED, as_of__gt=as_of
    ).exists()
    ranges = chunk_ranges(size)
    run = LifecycleRun.objects.create(
        as_of=as_of,
        mode=RunMode.BACKFILL if later_forward else RunMode.FORWARD,
        trigger=trigger,
        triggered_by=by,
        status=RunStatus.RUNNING,
        chunk_size=size,
        chunks_total=len(ranges),
        config=_config(settings),
    )
    LifecycleRunChunk.objects.bulk_create(
        LifecycleRunChunk(run=run, partner_lo=lo, partner_hi=hi) for lo, hi in ranges
    )
    return run


def lifecycle_run_chunk(*, run_id: int, partner_lo: int) -> ChunkResult:
    """Compute one chunk in one transaction (idempotent: safe to retry or repeat)."""
    run = LifecycleRun.objects.get(pk=run_id)
    chunk = LifecycleRunChunk.objects.get(run=run, partner_lo=partner_lo)
    LifecycleRunChunk.objects.filter(pk=chunk.pk).update(
        status=RunStatus.RUNNING, attempts=F("attempts") + 1, started_at=timezone.now(), error=""
    )
    job = ChunkJob(
        as_of=run.as_of,
        partner_lo=chunk.partner_lo,
        partner_hi=chunk.partner_hi,
        forward=run.mode == RunMode.FORWARD,
        settings=_settings_from(run.config),
        thresholds=_thresholds_from(run.config),
        now=timezone.now(),
    )
    try:
        with transaction.atomic():
            result = run_chunk(job)
            LifecycleRunChunk.objects.filter(pk=chunk.pk).update(
                status=RunStatus.SUCCEEDED,
                finished_at=timezone.now(),
                partners=result.partners,
                stage_changes=result.stage_changes,
                flags_raised=result.flags_raised,
                flags_cleared=result.flags_cleared,
            )
    except Exception as exc:
        LifecycleRunChunk.objects.filter(pk=chunk.pk).update(
            status=RunStatus.FAILED, finished_at=timezone.now(), error=f"{type(exc).__name__}: {exc}"[:4000]
        )
        raise
    return result


def lifecycle_run_finish(*, run_id: int) -> LifecycleRun:
    """Rank, score, state, notifications, plan reviews; then the run's totals. One transaction."""
    run = LifecycleRun.objects.get(pk=run_id)
    unfinished = run.chunks.exclude(status=RunStatus.SUCCEEDED).count()
    if unfinished:
        raise RuntimeError(f"run {run.pk}: {unfinished} chunk(s) not done; re-run them before finishing")
    with transaction.atomic():
        result = run_finish(
            as_of=run.as_of,
            forward=run.mode == RunMode.FORWARD,
            settings=_settings_from(run.config),
            today=timezone.localdate(),
            now=timezone.now(),
        )
        totals = run.chunks.aggregate(**{name: Sum(name) for name in COUNTERS})
        finished = timezone.now()
        LifecycleRun.objects.filter(pk=run.pk).update(
            status=RunStatus.SUCCEEDED,
            chunks_done=run.chunks_total,
            new_high_risk=result.new_high_risk,
            plans_reviewed=result.plans_reviewed,
            finished_at=finished,
            duration=finished - run.started_at,
            error="",
            **{name: totals[name] or 0 for name in COUNTERS},
        )
    run.refresh_from_db()
    return run


def lifecycle_run_fail(*, run_id: int, error: str) -> None:
    finished = timezone.now()
    run = LifecycleRun.objects.filter(pk=run_id).first()
    if run is None:
        return
    LifecycleRun.objects.filter(pk=run_id).update(
        status=RunStatus.FAILED,
        finished_at=finished,
        duration=finished - run.started_at,
        chunks_done=run.chunks.filter(status=RunStatus.SUCCEEDED).count(),
        error=error[:4000],
    )


def lifecycle_run_execute(
    *,
    as_of: datetime.date,
    trigger: str = RunTrigger.COMMAND,
    by=None,
    chunk_size: int | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> LifecycleRun:
    """Start a run and compute it in this process, chunk after chunk, then finish it.

    `progress(event, n)` is called with ("chunks", total) once, ("chunk", 1) per chunk done and
    ("finish", 1) at the end (the management command draws its progress bar from it).
    """
    run = lifecycle_run_start(as_of=as_of, trigger=trigger, by=by, chunk_size=chunk_size)
    report = progress or (lambda event, n: None)
    report("chunks", run.chunks_total)
    try:
        for partner_lo in run.chunks.order_by("partner_lo").values_list("partner_lo", flat=True):
            lifecycle_run_chunk(run_id=run.pk, partner_lo=partner_lo)
            report("chunk", 1)
        run = lifecycle_run_finish(run_id=run.pk)
        report("finish", 1)
    except Exception as exc:
        lifecycle_run_fail(run_id=run.pk, error=f"{type(exc).__name__}: {exc}")
        raise
    return run
