"""Between the database and the pure SLA engine: calendars, timelines, and syncing SLA records.

`sla_sync` is the one place where a ticket's SLA records are (re)computed: after it is opened,
after every status change, reply or milestone, after a priority or policy change, and after a
calendar edit. It rebuilds each clock from the ticket's history, then applies the rules that
history alone cannot know: a breach stays a breach, and a target already met is left alone
when only its definition changes (policy, priority, calendar).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Min

from .business_time import WorkingCalendar
from .choices import EventKind, SlaStatus, TicketStatus
from .models import BusinessCalendar, SlaPolicy, SlaRecord, Ticket, TicketEvent, TicketMessage
from .sla import TargetSpec, Timeline, evaluate, target_duration

_calendars: dict[tuple[int, int], WorkingCalendar] = {}


def working_calendar(calendar: BusinessCalendar) -> WorkingCalendar:
    """The arithmetic view of a calendar, cached per process by (id, version)."""
    key = (calendar.pk, calendar.version)
    cached = _calendars.get(key)
    if cached is None:
        weekly: dict[int, list] = {}
        for weekday, start, end in calendar.windows.values_list("weekday", "start", "end"):
            weekly.setdefault(weekday, []).append((start, end))
        holidays, workdays = set(), {}
        for date, kind, works_as in calendar.days.values_list("date", "kind", "works_as"):
            if kind == "workday":
                workdays[date] = works_as
            else:
                holidays.add(date)
        cached = WorkingCalendar(tz=calendar.timezone, weekly=weekly, holidays=holidays, workdays=workdays, key=key)
        if len(_calendars) > 64:
            _calendars.clear()
        _calendars[key] = cached
    return cached


def default_calendar() -> BusinessCalendar:
    calendar = BusinessCalendar.objects.filter(is_default=True).first()
    if calendar is None:
        calendar = BusinessCalendar.objects.order_by("pk").first()
    if calendar is None:
        raise BusinessCalendar.DoesNotExist("no business calendar is configured")
    return calendar


def policy_calendar(policy: SlaPolicy | None, default: BusinessCalendar | None = None) -> BusinessCalendar:
    if policy is not None and policy.calendar_id:
        return policy.calendar
    return default or default_calendar()


def ticket_timeline(ticket: Ticket) -> Timeline:
    statuses = [(ticket.opened_at, TicketStatus.NEW)]
    statuses += list(
        TicketEvent.objects.filter(ticket=ticket, kind=EventKind.STATUS).order_by("at", "id").values_list("at", "new_value")
    )
    responses = list(
        TicketMessage.objects.filter(ticket=ticket, internal=False, by_partner=False)
        .order_by("created_at")
        .values_list("created_at", flat=True)[:1]
    )
    milestones = dict(
        TicketEvent.objects.filter(ticket=ticket, kind=EventKind.MILESTONE)
        .values("new_value")
        .annotate(first=Min("at"))
        .values_list("new_value", "first")
    )
    return Timeline(opened_at=ticket.opened_at, statuses=statuses, responses=responses, milestones=milestones)


@dataclass
class SyncResult:
    breached: list[SlaRecord]  # records that became breached now, clock still running or paused
    changed: int


def _next_escalation(record: SlaRecord, policy: SlaPolicy | None) -> dt.datetime | None:
    """When the next escalation is due; None once met, while paused, or after the last level."""
    if record.status != SlaStatus.BREACHED or record.met_at is not None or record.paused_since is not None:
        return None
    if policy is None or record.breached_at is None:
        return None
    if record.escalation_level <= 1:
        return record.breached_at + dt.timedelta(minutes=policy.escalate_after_minutes)
    if record.escalation_level == 2:
        return record.breached_at + dt.timedelta(minutes=policy.escalate_further_after_minutes)
    return None


def sla_sync(*, ticket: Ticket, now: dt.datetime, definition_changed: bool = False) -> SyncResult:
    """Recompute the ticket's SLA records from its history. Call inside a transaction.

    `definition_changed`: the policy, priority or calendar changed; records already met stay
    as they were. Records of targets the policy no longer has are removed unless met or
    breached (those are facts). A breach is never undone.
    """
    policy = ticket.policy
    existing = {record.code: record for record in SlaRecord.objects.select_for_update().filter(ticket=ticket)}
    if policy is None:
        stale = [r.pk for r in existing.values() if r.status not in (SlaStatus.MET, SlaStatus.BREACHED)]
        SlaRecord.objects.filter(pk__in=stale).delete()
        return SyncResult([], len(stale))
    cal = working_calendar(policy_calendar(policy))
    timeline = ticket_timeline(ticket)
    breached, to_create, to_update = [], [], []
    for target in policy.targets.all():
        spec = TargetSpec(
            code=target.code,
            kind=target.kind,
            amount=target_duration(cal, target.amount, target.unit),
            pauses=target.pauses,
            warn_percent=policy.warn_percent,
        )
        result = evaluate(cal, spec, timeline, now)
        record = existing.pop(target.code, None)
        is_new = record is None
        if is_new:
            record = SlaRecord(ticket=ticket, code=target.code, started_at=ticket.opened_at)
        was = record.status if not is_new else None
        if was == SlaStatus.MET and definition_changed:
            continue
        record.target = target
        record.kind = target.kind
        record.name, record.name_zh = target.name, target.name_zh
        record.pauses = target.pauses
        record.met_at = result.met_at
        record.paused_seconds = int(result.paused.total_seconds())
        record.paused_since = result.paused_since
        record.consumed_seconds = max(0, int(result.consumed.total_seconds()))
        if was == SlaStatus.BREACHED:
            # A breach stays a breach, with the due time and breach time it had.
            pass
        else:
            record.target_seconds = int(spec.amount.total_seconds())
            record.started_at = ticket.opened_at
            record.status = result.status
            record.due_at = result.due_at
            record.warn_at = result.warn_at
            record.breached_at = result.breached_at
            if result.status == SlaStatus.BREACHED:
                record.escalation_level = 1
                if result.met_at is None:
                    breached.append(record)
        record.next_escalation_at = _next_escalation(record, policy)
        record.updated_at = now
        (to_create if is_new else to_update).append(record)
    stale = [r.pk for r in existing.values() if r.status not in (SlaStatus.MET, SlaStatus.BREACHED)]
    if stale:
        SlaRecord.objects.filter(pk__in=stale).delete()
    if to_create:
        SlaRecord.objects.bulk_create(to_create)
    if to_update:
        SlaRecord.objects.bulk_update(
            to_update,
            [
                "target", "kind", "name", "name_zh", "pauses", "met_at", "paused_seconds", "paused_since",
                "consumed_seconds", "target_seconds", "started_at", "status", "due_at", "warn_at", "breached_at",
                "escalation_level", "next_escalation_at", "updated_at",
            ],
        )
    if any(r.pk is None for r in breached):
        codes = [r.code for r in breached]
        breached = list(SlaRecord.objects.filter(ticket=ticket, code__in=codes))
    return SyncResult(breached, len(to_create) + len(to_update) + len(stale))
