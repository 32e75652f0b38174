"""REGULATE (规范) indicators of the three-contradictions dashboard (lifecycle/indicators.py):
"partners are complex, channel management is not standardised" — are commitments kept?

  regulate.sla_compliance  share of the committed times started in the 30 days up to the day and
                           decided by its end (met or breached) that were met — the definition of
                           the SLA compliance report (support.selectors.compliance_report), read
                           as of the day from the met/breached times instead of today's status
  regulate.complaints      requests the partner complained about in those 30 days: rated 1 or 2
                           out of 5, or reopened after being marked resolved (each request once)
  regulate.breaches        committed times breached in those 30 days, by service centre

Each is a few aggregate queries over all tickets; only facts dated before the end of the day count.
"""
from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

WINDOW_DAYS = 30
LOW_SCORE = 2
NO_CENTRE = "-"


def _window(as_of: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    from lifecycle.indicators import day_end

    return day_end(as_of - datetime.timedelta(days=WINDOW_DAYS)), day_end(as_of)


def sla_compliance(as_of: datetime.date):
    from lifecycle.indicators import IndicatorValue, percent

    from .models import SlaRecord

    start, end = _window(as_of)
    met = Q(met_at__lt=end, breached_at__isnull=True)
    breached = Q(breached_at__lt=end)
    rows = (
        SlaRecord.objects.filter(started_at__gte=start, started_at__lt=end)
        .filter(met | breached)
        .values("ticket__centre__code")
        .annotate(total=Count("id"), met=Count("id", filter=met))
        .order_by("ticket__centre__code")
    )
    total = met_count = 0
    breakdown = {}
    for row in rows:  # one row per centre
        total += row["total"]
        met_count += row["met"]
        breakdown[row["ticket__centre__code"] or NO_CENTRE] = float(percent(row["met"], row["total"]))
    return IndicatorValue(value=percent(met_count, total), numerator=met_count, denominator=total, breakdown=breakdown)


def complaints(as_of: datetime.date):
    from lifecycle.indicators import IndicatorValue

    from .choices import EventKind, TicketStatus
    from .models import SatisfactionRating, Ticket, TicketEvent

    start, end = _window(as_of)
    low = SatisfactionRating.objects.filter(score__lte=LOW_SCORE, created_at__gte=start, created_at__lt=end)
    reopened = TicketEvent.objects.filter(
        kind=EventKind.STATUS, new_value=TicketStatus.REOPENED, at__gte=start, at__lt=end
    )
    counts = Ticket.objects.aggregate(
        total=Count("id", filter=Q(pk__in=low.values("ticket_id")) | Q(pk__in=reopened.values("ticket_id"))),
        low_rating=Count("id", filter=Q(pk__in=low.values("ticket_id"))),
        reopened=Count("id", filter=Q(pk__in=reopened.values("ticket_id"))),
    )
    total = counts.pop("total")
    return IndicatorValue(value=Decimal(total), numerator=total, breakdown=counts)


def breaches(as_of: datetime.date):
    from lifecycle.indicators import IndicatorValue

    from .models import SlaRecord

    start, end = _window(as_of)
    rows = (
        SlaRecord.objects.filter(breached_at__gte=start, breached_at__lt=end)
        .values("ticket__centre__code")
        .annotate(n=Count("id"))
        .order_by("ticket__centre__code")
    )
    breakdown = {(row["ticket__centre__code"] or NO_CENTRE): row["n"] for row in rows}
    total = sum(breakdown.values())
    return IndicatorValue(value=Decimal(total), numerator=total, breakdown=breakdown)


def register() -> bool:
    """Register the REGULATE indicators (False when the lifecycle app is not installed)."""
    try:
        from lifecycle.indicators import Indicator, Lever, register_indicator
    except ImportError:  # pragma: no cover
        return False
    register_indicator(Indicator(
        key="regulate.sla_compliance", lever=Lever.REGULATE, order=10, unit="percent", better="up",
        label=_("SLA compliance, last 30 days"),
        help_text=_("Of the committed times started in the 30 days up to the day and decided by its end, "
                    "the share met in time (as the SLA compliance report counts). By service centre."),
        url_name="support:report", compute=sla_compliance,
    ))
    register_indicator(Indicator(
        key="regulate.complaints", lever=Lever.REGULATE, order=20, unit="count", better="down",
        label=_("Complaints, last 30 days"),
        help_text=_("Support requests the partner rated 1 or 2 out of 5, or reopened after they were marked "
                    "resolved, in the 30 days up to the day (each request counted once)."),
        url_name="support:tickets", compute=complaints,
        breakdown_labels={"low_rating": _("Rated 1–2"), "reopened": _("Reopened")},
    ))
    register_indicator(Indicator(
        key="regulate.breaches", lever=Lever.REGULATE, order=30, unit="count", better="down",
        label=_("Committed times breached, last 30 days"),
        help_text=_("Committed times (first response, resolution, milestones) that passed their due time in "
                    "the 30 days up to the day. By service centre."),
        url_name="support:report", compute=breaches,
    ))
    return True
