"""The breach sweep: warnings, breaches and escalations, set-based and exactly-once.

Each step asks one indexed question (a partial index per step on the SLA records), takes the
rows it found in batches under `FOR UPDATE SKIP LOCKED` (PostgreSQL; SQLite serialises writers),
moves them on with a few bulk UPDATEs, writes their history rows with one bulk INSERT, and
notifies with one bulk INSERT … ON CONFLICT DO NOTHING (support.notify.send_many). No step looks
at a ticket whose clock is not due: the database decides which rows are.

Escalation levels: 1 at the breach (the assignee, or the centre head while unassigned);
2 `escalate_after_minutes` after the breach (the centre head and the partner's channel manager);
3 `escalate_further_after_minutes` after it (the administrators). A clock that is met or paused
stops escalating. Notification keys are per (record, level), so a sweep that runs twice or two
sweeps in parallel notify each person once: the database's unique key decides.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.choices import Role
from partners.models import User

from . import notify
from .choices import EventKind, SlaStatus
from .models import SlaRecord, TicketEvent

WARN, BREACH, ESCALATE = "warn", "breach", "escalate"
MAX_LEVEL = 3

_FIELDS = (
    "id", "code", "name", "due_at", "breached_at", "escalation_level", "ticket_id", "ticket__subject",
    "ticket__assignee_id", "ticket__centre__head_id", "ticket__partner__channel_manager_id",
    "ticket__policy__escalate_after_minutes", "ticket__policy__escalate_further_after_minutes",
)


@dataclass(frozen=True)
class SweepResult:
    warned: int
    breached: int
    escalated: int


def _due(step: str, now: dt.datetime):
    """The indexed question of each step: which records are due for it now."""
    if step == BREACH:
        return SlaRecord.objects.filter(status=SlaStatus.RUNNING, due_at__lt=now).order_by("due_at")
    if step == WARN:
        return SlaRecord.objects.filter(
            status=SlaStatus.RUNNING, warned_at__isnull=True, warn_at__lte=now, due_at__gte=now
        ).order_by("warn_at")
    return SlaRecord.objects.filter(
        status=SlaStatus.BREACHED, next_escalation_at__isnull=False, next_escalation_at__lte=now
    ).order_by("next_escalation_at")


def _reference(ticket_id: int) -> str:
    return f"T{ticket_id:06d}"


def _apply(step: str, rows: list[dict], now: dt.datetime) -> list[dict]:
    """Move the rows on in bulk; return them with the level they were moved to."""
    ids = [row["id"] for row in rows]
    if step == WARN:
        SlaRecord.objects.filter(pk__in=ids).update(warned_at=now, updated_at=now)
        for row in rows:
            row["level"] = 0
        return rows
    groups: dict[tuple, list[int]] = defaultdict(list)
    for row in rows:
        if step == BREACH:
            row["level"] = 1
            groups[(1, row["ticket__policy__escalate_after_minutes"])].append(row["id"])
        else:
            row["level"] = row["escalation_level"] + 1
            minutes = row["ticket__policy__escalate_further_after_minutes"] if row["level"] == 2 else None
            groups[(row["level"], minutes)].append(row["id"])
    for (level, minutes), group in groups.items():
        changes = {"escalation_level": level, "updated_at": now}
        if step == BREACH:
            changes.update(status=SlaStatus.BREACHED, breached_at=F("due_at"))
            base = F("due_at")
        else:
            base = F("breached_at")
        changes["next_escalation_at"] = (
            base + dt.timedelta(minutes=minutes) if minutes is not None and level < MAX_LEVEL else None
        )
        SlaRecord.objects.filter(pk__in=group).update(**changes)
    return rows


def _recipients(row: dict, users: dict[int, User], admins: list[User]) -> list[User]:
    level = row["level"]
    handler = row["ticket__assignee_id"] or row["ticket__centre__head_id"]
    if level <= 1:
        ids = [handler]
    elif level == 2:
        ids = [row["ticket__centre__head_id"], row["ticket__partner__channel_manager_id"]]
    else:
        return admins
    return [users[i] for i in ids if i in users]


def _messages(step: str, row: dict) -> tuple[str, str, str]:
    params = {"ref": _reference(row["ticket_id"]), "target": row["name"], "subject": row["ticket__subject"]}
    with notify.site_language():
        if step == WARN:
            return (
                "support.sla_warning",
                _("%(ref)s: %(target)s due soon") % params,
                _("“%(subject)s” is close to its committed time.") % params,
            )
        if row["level"] == 1:
            return (
                "support.sla_breach",
                _("%(ref)s: %(target)s breached") % params,
                _("The committed time for “%(subject)s” has passed.") % params,
            )
        return (
            "support.sla_escalation",
            _("%(ref)s escalated (level %(level)d): %(target)s breached") % {**params, "level": row["level"]},
            _("“%(subject)s” is still past its committed time.") % params,
        )


def _notify(step: str, rows: list[dict], now: dt.datetime) -> int:
    user_ids = {
        row[key]
        for row in rows
        for key in ("ticket__assignee_id", "ticket__centre__head_id", "ticket__partner__channel_manager_id")
        if row[key]
    }
    users = User.objects.in_bulk(user_ids)
    admins = []
    if any(row["level"] >= MAX_LEVEL for row in rows):
        admins = list(User.objects.filter(Q(role=Role.ADMIN) | Q(is_superuser=True), is_active=True))
    events, items = [], []
    for row in rows:
        level = row["level"]
        kind, title, body = _messages(step, row)
        events.append(
            TicketEvent(
                ticket_id=row["ticket_id"],
                kind=EventKind.SLA_WARNING if step == WARN else (EventKind.SLA_BREACH if level == 1 else EventKind.ESCALATED),
                new_value=row["code"] if level <= 1 else str(level),
                data={"record": row["id"], "level": level},
                internal=step != BREACH,
                at=now,
            )
        )
        key = f"support:sla:{row['id']}:{'warn' if step == WARN else level}"
        items.append((row["ticket_id"], _recipients(row, users, admins), kind, title, body, key))
    TicketEvent.objects.bulk_create(events)
    return notify.send_many(items)


def sweep_step(step: str, *, now: dt.datetime, batch_size: int = 500) -> int:
    """Run one step to the end, batch after batch; returns how many records it moved."""
    moved = 0
    while True:
        with transaction.atomic():
            rows = list(
                _due(step, now).select_for_update(skip_locked=True, of=("self",)).values(*_FIELDS)[:batch_size]
            )
            if not rows:
                return moved
            _notify(step, _apply(step, rows, now), now)
            moved += len(rows)
        if len(rows) < batch_size:
            return moved


def sla_sweep(*, now: dt.datetime | None = None, batch_size: int = 500) -> SweepResult:
    """Breaches first (so a clock past due is not also warned), then escalations, then warnings."""
    now = now or timezone.now()
    breached = sweep_step(BREACH, now=now, batch_size=batch_size)
    escalated = sweep_step(ESCALATE, now=now, batch_size=batch_size)
    warned = sweep_step(WARN, now=now, batch_size=batch_size)
    return SweepResult(warned=warned, breached=breached, escalated=escalated)
