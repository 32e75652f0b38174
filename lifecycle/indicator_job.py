"""The nightly indicator job: compute every registered three-contradictions indicator as of a day
and store one IndicatorSnapshot row per (indicator, day).

Idempotent per business date: a snapshot row is replaced (upsert on its unique key), so a re-run
or a retry for the same day leaves the rows of one clean run. Each indicator runs in its own
savepoint: one that fails is rolled back whole (no half-written row), logged and recorded in the
run's `errors`, the run is marked partial, and the other indicators' rows are kept.
"""
from __future__ import annotations

import datetime
import logging
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from .indicators import Indicator, indicators, month_end, months_before
from .models import IndicatorRun, IndicatorRunStatus, IndicatorSnapshot

logger = logging.getLogger(__name__)


def _numbers(breakdown: dict | None) -> dict:
    """The breakdown as JSON numbers (an indicator handing over anything else fails, recorded)."""
    rows = {}
    for key, value in (breakdown or {}).items():
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            raise TypeError(f"breakdown {key!r}: {value!r} is not a number")
        rows[str(key)] = value if isinstance(value, int) else float(value)
    return rows


def _store(indicator: Indicator, as_of: datetime.date, now: datetime.datetime) -> IndicatorSnapshot:
    result = indicator.compute(as_of)
    value = None if result.value is None else Decimal(str(result.value))
    if value is not None and not value.is_finite():
        raise ValueError(f"{indicator.key}: value {value} is not a finite number")
    snapshot, _ = IndicatorSnapshot.objects.update_or_create(
        key=indicator.key,
        as_of=as_of,
        defaults=dict(
            value=None if value is None else value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
            numerator=result.numerator,
            denominator=result.denominator,
            breakdown=_numbers(result.breakdown),
            computed_at=now,
        ),
    )
    return snapshot


def indicators_compute(*, as_of: datetime.date, keys: list[str] | None = None) -> IndicatorRun:
    """Compute the registered indicators (or only `keys`) as of the day and store their snapshots."""
    now = timezone.now()
    run = IndicatorRun.objects.create(as_of=as_of, started_at=now)
    computed, errors = 0, {}
    for indicator in indicators():
        if keys is not None and indicator.key not in keys:
            continue
        try:
            with transaction.atomic():
                _store(indicator, as_of, now)
            computed += 1
        except Exception as exc:  # one indicator's failure must not lose the others
            logger.exception("indicator %s failed for %s", indicator.key, as_of)
            errors[indicator.key] = f"{type(exc).__name__}: {exc}"[:1000]
    if errors:
        status = IndicatorRunStatus.PARTIAL if computed else IndicatorRunStatus.FAILED
    else:
        status = IndicatorRunStatus.SUCCEEDED
    IndicatorRun.objects.filter(pk=run.pk).update(
        status=status, computed=computed, failed=len(errors), errors=errors, finished_at=timezone.now()
    )
    run.refresh_from_db()
    return run


def history_days(as_of: datetime.date, months: int) -> list[datetime.date]:
    """The month ends of the `months` months before the day's month, oldest first, then the day."""
    days = [month_end(months_before(as_of, back)) for back in range(months, 0, -1)]
    return [d for d in days if d < as_of] + [as_of]


def lifecycle_backfill_needed(day: datetime.date) -> bool:
    """Whether the lifecycle job has no figures for a past day that a later nightly run makes a
    back-fill (snapshots and risk levels only: stages, flags and plans are left as they are).
    The lifecycle job keeps its daily snapshots for a few weeks only, so month ends further back
    have none; the RETAIN indicators read them (high-risk partners)."""
    from .choices import RunMode, RunStatus
    from .models import LifecycleRun, LifecycleSnapshot

    later_forward = LifecycleRun.objects.filter(mode=RunMode.FORWARD, status=RunStatus.SUCCEEDED, as_of__gt=day).exists()
    return later_forward and not LifecycleSnapshot.objects.filter(as_of=day).exists()


def indicators_backfill(*, as_of: datetime.date, months: int, lifecycle: bool = True,
                        log=None) -> list[IndicatorRun]:
    """Month-end history for a new installation, each day computed from facts up to that day only.
    With `lifecycle`, a past month end the lifecycle job has no figures for is first back-filled
    by it (see lifecycle_backfill_needed)."""
    from .engine import lifecycle_run_execute

    runs = []
    for day in history_days(as_of, months):
        if lifecycle and day < as_of and lifecycle_backfill_needed(day):
            run = lifecycle_run_execute(as_of=day)
            if log:
                log(f"Lifecycle back-fill for {day}: run {run.pk}, {run.get_status_display()}.")
        runs.append(indicators_compute(as_of=day))
    return runs
