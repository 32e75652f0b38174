"""Reads for support: live clocks, queues and the SLA compliance report."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from partners.choices import Role
from partners.models import User

from .business_time import WorkingCalendar, working_time
from .choices import SlaStatus
from .clocks import default_calendar, working_calendar
from .models import BusinessCalendar, ServiceCentre, SlaRecord, Ticket


class CalendarResolver:
    """Working calendars for many tickets at once: one query for the default, cached per process."""

    def __init__(self):
        self._default: BusinessCalendar | None = None

    def for_ticket(self, ticket: Ticket) -> WorkingCalendar:
        policy = ticket.policy if ticket.policy_id else None
        if policy is not None and policy.calendar_id:
            return working_calendar(policy.calendar)
        if self._default is None:
            self._default = default_calendar()
        return working_calendar(self._default)


@dataclass(frozen=True)
class Clock:
    """What a partner or an agent sees of one target: state and working time left."""

    left_seconds: int  # negative when overdue; frozen while paused or once met
    running: bool


def clock(cal: WorkingCalendar, record: SlaRecord, now: dt.datetime) -> Clock:
    if record.met_at is not None or record.paused_since is not None or record.due_at is None:
        return Clock(record.target_seconds - record.consumed_seconds, False)
    if now <= record.due_at:
        left = working_time(cal, now, record.due_at)
    else:
        left = -working_time(cal, record.due_at, now)
    return Clock(int(left.total_seconds()), True)


def centres_of(user) -> QuerySet:
    """The service centres a user works in (as a member or as the head)."""
    return ServiceCentre.objects.filter(Q(members=user.pk) | Q(head=user.pk)).distinct()


def assignable_staff() -> QuerySet:
    return User.objects.filter(is_active=True).exclude(role__in=[Role.PARTNER, Role.INTEGRATION]).order_by("username")


def with_sla_flags(tickets: QuerySet, now: dt.datetime | None = None, due_within: dt.timedelta | None = None) -> QuerySet:
    """Annotate `breached` (any target breached) and `due_soon` (a running clock due within the window)."""
    now = now or timezone.now()
    due_within = due_within or dt.timedelta(hours=4)
    records = SlaRecord.objects.filter(ticket=OuterRef("pk"))
    return tickets.annotate(
        is_breached=Exists(records.filter(status=SlaStatus.BREACHED)),
        is_due_soon=Exists(records.filter(status=SlaStatus.RUNNING, due_at__lte=now + due_within)),
    )


GROUPS = {
    "centre": ("ticket__centre__code", "ticket__centre__name", "ticket__centre__name_zh"),
    "category": ("ticket__category",),
    "priority": ("ticket__priority",),
    "city": ("ticket__partner__city__code", "ticket__partner__city__name", "ticket__partner__city__name_zh"),
    "target": ("code",),
}


def compliance_report(
    *, records: QuerySet, date_from: dt.date | None = None, date_to: dt.date | None = None, top: int = 10
) -> dict:
    """Share of decided targets (met or breached) that were met, by centre, category, priority,
    city, target and month, and the partners most affected by misses. `records` comes scoped."""
    decided = records.filter(status__in=[SlaStatus.MET, SlaStatus.BREACHED])
    if date_from:
        decided = decided.filter(started_at__date__gte=date_from)
    if date_to:
        decided = decided.filter(started_at__date__lte=date_to)
    counts = dict(total=Count("id"), met=Count("id", filter=Q(status=SlaStatus.MET)))

    def rows(*fields):
        result = []
        for row in decided.values(*fields).annotate(**counts).order_by(*fields):
            row["breached"] = row["total"] - row["met"]
            row["met_share"] = round(row["met"] / row["total"], 4) if row["total"] else None
            result.append(row)
        return result

    report = {name: rows(*fields) for name, fields in GROUPS.items()}
    month = TruncMonth("started_at", tzinfo=timezone.get_default_timezone())
    months = []
    for row in decided.annotate(month=month).values("month").annotate(**counts).order_by("month"):
        row["month"] = row["month"].strftime("%Y-%m") if row["month"] else None
        row["breached"] = row["total"] - row["met"]
        row["met_share"] = round(row["met"] / row["total"], 4) if row["total"] else None
        months.append(row)
    report["month"] = months
    overall = decided.aggregate(**counts)
    overall["breached"] = overall["total"] - overall["met"]
    overall["met_share"] = round(overall["met"] / overall["total"], 4) if overall["total"] else None
    report["overall"] = overall
    report["most_affected_partners"] = list(
        decided.filter(status=SlaStatus.BREACHED)
        .values("ticket__partner_id", "ticket__partner__code", "ticket__partner__name")
        .annotate(breached=Count("id"), tickets=Count("ticket", distinct=True))
        .order_by("-breached", "ticket__partner__code")[:top]
    )
    return report
