"""The SLA engine: a target's clock rebuilt from a ticket's history. Pure functions, no database.

A clock starts when the ticket is opened and runs in working time only (business_time). For a
target that pauses (resolution and milestones), it stops while the ticket waits on the partner
and while it is resolved; a resolved ticket that is reopened runs again, the resolved stretch
counting as paused. Pauses are not stored as they happen but rebuilt from the status history,
so two pauses in a row, a pause over a weekend, or a pause that ends in a resolution all count
the same way: the working time inside the stopped stretches is the paused time.

A target is met at its stop point (first response: the first public reply from the operator,
or the ticket resolved; resolution: the ticket resolved or closed and not reopened since;
milestone: the milestone recorded, or the ticket resolved). The due time is the opening time
plus the target plus the paused time, in working time. A target whose running clock passed its
due time is breached, at that due time; a stop exactly at the due time is still in time.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Mapping, Sequence

from .business_time import ZERO, WorkingCalendar, add_working_time, working_time
from .choices import DONE_STATUSES, PAUSING_STATUSES, DurationUnit, SlaStatus, TargetKind


@dataclass(frozen=True)
class TargetSpec:
    code: str
    kind: str
    amount: dt.timedelta
    pauses: bool = True
    warn_percent: int = 80


@dataclass(frozen=True)
class Timeline:
    """What the engine needs of a ticket's history, in order of time."""

    opened_at: dt.datetime
    statuses: Sequence[tuple[dt.datetime, str]]  # (when, new status); the first is the opening
    responses: Sequence[dt.datetime] = ()  # public replies from the operator's side
    milestones: Mapping[str, dt.datetime] = field(default_factory=dict)  # code -> when first recorded


@dataclass(frozen=True)
class Evaluation:
    status: str
    due_at: dt.datetime | None  # None while paused (the due time moves on when the clock runs again)
    warn_at: dt.datetime | None
    met_at: dt.datetime | None
    breached_at: dt.datetime | None
    paused: dt.timedelta  # working time inside stopped stretches, up to the stop point or now
    paused_since: dt.datetime | None
    consumed: dt.timedelta  # working time the clock has run


def target_duration(cal: WorkingCalendar, amount: int, unit: str) -> dt.timedelta:
    """A target's length in working time: days are the calendar's standard working day."""
    if unit == DurationUnit.MINUTES:
        return dt.timedelta(minutes=amount)
    if unit == DurationUnit.HOURS:
        return dt.timedelta(hours=amount)
    if unit == DurationUnit.DAYS:
        return cal.standard_day() * amount
    raise ValueError(f"unknown unit {unit!r}")


def _first_done(timeline: Timeline) -> dt.datetime | None:
    for at, status in timeline.statuses:
        if status in DONE_STATUSES:
            return at
    return None


def met_point(target: TargetSpec, timeline: Timeline) -> dt.datetime | None:
    """When the target's clock stopped for good, or None while it still counts."""
    if target.kind == TargetKind.RESOLUTION:
        last_at, last_status = timeline.statuses[-1]
        if last_status not in DONE_STATUSES:
            return None
        # The latest entry into a done state (resolved → closed keeps the resolution time).
        met = last_at
        for at, status in reversed(timeline.statuses):
            if status not in DONE_STATUSES:
                break
            met = at
        return met
    candidates = []
    done = _first_done(timeline)
    if done is not None:
        candidates.append(done)
    if target.kind == TargetKind.FIRST_RESPONSE:
        candidates.extend(at for at in timeline.responses if at >= timeline.opened_at)
    elif target.kind == TargetKind.MILESTONE and target.code in timeline.milestones:
        candidates.append(timeline.milestones[target.code])
    return min(candidates) if candidates else None


def stopped_stretches(
    target: TargetSpec, timeline: Timeline, until: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime | None]]:
    """Stretches in which a pausing target's clock stood still, clipped to [opened, until].

    The last stretch is open (end None) when the ticket still waits at `until`.
    """
    if not target.pauses:
        return []
    stopping = PAUSING_STATUSES | DONE_STATUSES
    stretches: list[tuple[dt.datetime, dt.datetime | None]] = []
    statuses = list(timeline.statuses)
    for index, (at, status) in enumerate(statuses):
        if status not in stopping:
            continue
        end = statuses[index + 1][0] if index + 1 < len(statuses) else None
        begin = max(at, timeline.opened_at)
        if begin > until or (begin == until and end is not None):
            continue  # (a wait that starts exactly now is an open stretch of zero length)
        if end is not None and end <= begin:
            continue
        if end is not None and end > until:
            end = until
        if stretches and stretches[-1][1] is not None and stretches[-1][1] >= begin:
            # Two stopping statuses in a row (waiting → resolved): one stretch.
            stretches[-1] = (stretches[-1][0], end)
        else:
            stretches.append((begin, end))
    return stretches


def evaluate(cal: WorkingCalendar, target: TargetSpec, timeline: Timeline, now: dt.datetime) -> Evaluation:
    """The state of one target's clock at `now`, rebuilt from the ticket's history."""
    start = timeline.opened_at
    met_at = met_point(target, timeline)
    if met_at is not None and met_at > now:
        met_at = None
    end_point = met_at if met_at is not None else now
    stretches = stopped_stretches(target, timeline, end_point)

    paused = ZERO
    breached_at = None
    paused_since = None
    for begin, end in stretches:
        # The clock ran up to `begin`; did it pass the due time in force then?
        due = add_working_time(cal, start, target.amount + paused)
        if breached_at is None and begin > due:
            breached_at = due
        if end is None:
            paused_since = begin
            paused += working_time(cal, begin, end_point)
            break
        paused += working_time(cal, begin, end)

    if paused_since is not None and met_at is None:
        consumed = working_time(cal, start, end_point) - paused
        status = SlaStatus.BREACHED if breached_at else SlaStatus.PAUSED
        return Evaluation(status, None, None, None, breached_at, paused, paused_since, consumed)

    due = add_working_time(cal, start, target.amount + paused)
    if breached_at is None and end_point > due:
        breached_at = due
    consumed = working_time(cal, start, end_point) - paused
    warn_at = add_working_time(cal, start, target.amount * target.warn_percent / 100 + paused)
    if met_at is not None:
        status = SlaStatus.BREACHED if breached_at else SlaStatus.MET
    else:
        status = SlaStatus.BREACHED if breached_at else SlaStatus.RUNNING
    return Evaluation(status, due, warn_at, met_at, breached_at, paused, None, consumed)


def time_left(cal: WorkingCalendar, *, target: dt.timedelta, evaluation: Evaluation, now: dt.datetime) -> dt.timedelta:
    """Working time left on the clock (negative when overdue), as the calendar counts it."""
    if evaluation.met_at is not None:
        return target - evaluation.consumed
    if evaluation.paused_since is not None:
        return target - evaluation.consumed
    if evaluation.due_at is None:
        return target - evaluation.consumed
    if now <= evaluation.due_at:
        return working_time(cal, now, evaluation.due_at)
    return -working_time(cal, evaluation.due_at, now)
