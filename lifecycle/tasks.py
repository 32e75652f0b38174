"""Celery tasks of the nightly lifecycle job: thin wrappers around lifecycle.engine.

    lifecycle.nightly       (beat, 01:30 Asia/Shanghai) start a run for yesterday and dispatch it
    lifecycle.run_chunk     one partner-id range; retried on database errors; idempotent
    lifecycle.run_finish    after every chunk (the chord's body)
    lifecycle.run_failed    the chord's error callback: marks the run failed

The chunks form a Celery group, so any number of workers share them; the finish step runs once
all have succeeded. Without a broker (eager mode) they simply run one after another here.
"""
import datetime

from celery import chord, shared_task
from django.db import DatabaseError

from .choices import RunTrigger
from .engine import default_as_of, lifecycle_run_chunk, lifecycle_run_fail, lifecycle_run_finish, lifecycle_run_start
from .models import LifecycleRun


@shared_task(name="lifecycle.nightly")
def lifecycle_nightly(as_of: str | None = None) -> int:
    day = datetime.date.fromisoformat(as_of) if as_of else default_as_of()
    run = lifecycle_run_start(as_of=day, trigger=RunTrigger.SCHEDULE)
    dispatch_run(run.pk)
    return run.pk


def dispatch_run(run_id: int) -> None:
    """Queue the run's chunks as a group and its finishing step as the chord's body."""
    run = LifecycleRun.objects.get(pk=run_id)
    los = list(run.chunks.order_by("partner_lo").values_list("partner_lo", flat=True))
    body = lifecycle_finish_task.si(run_id).on_error(lifecycle_failed_task.si(run_id))
    if not los:
        body.apply_async()
        return
    try:
        chord([lifecycle_chunk_task.si(run_id, lo) for lo in los], body).apply_async()
    except Exception as exc:  # eager mode propagates a chunk's error here
        lifecycle_run_fail(run_id=run_id, error=f"{type(exc).__name__}: {exc}")
        raise


@shared_task(
    name="lifecycle.run_chunk",
    autoretry_for=(DatabaseError,),
    retry_backoff=10,
    retry_kwargs={"max_retries": 3},
)
def lifecycle_chunk_task(run_id: int, partner_lo: int) -> dict:
    result = lifecycle_run_chunk(run_id=run_id, partner_lo=partner_lo)
    return {"partners": result.partners, "stage_changes": result.stage_changes}


@shared_task(name="lifecycle.run_finish", autoretry_for=(DatabaseError,), retry_backoff=10, retry_kwargs={"max_retries": 3})
def lifecycle_finish_task(run_id: int) -> int:
    return lifecycle_run_finish(run_id=run_id).pk


@shared_task(name="lifecycle.run_failed")
def lifecycle_failed_task(run_id: int, *args) -> None:
    lifecycle_run_fail(run_id=run_id, error="A chunk or the finishing step failed; see the chunks' errors.")


@shared_task(name="lifecycle.indicators_nightly", autoretry_for=(DatabaseError,), retry_backoff=10,
             retry_kwargs={"max_retries": 3})
def indicators_nightly(as_of: str | None = None) -> int:
    """The three-contradictions indicators for yesterday (after every other nightly job)."""
    from .indicator_job import indicators_compute

    day = datetime.date.fromisoformat(as_of) if as_of else default_as_of()
    return indicators_compute(as_of=day).pk
