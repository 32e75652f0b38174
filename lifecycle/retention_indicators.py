"""RETAIN (保留) indicators of the three-contradictions dashboard: "short-term attraction is easy,
long-term cooperation is hard". Registered into lifecycle.indicators from LifecycleConfig.ready().

Every function takes the as-of day and answers with a few aggregate queries over all partners,
using only facts dated on or before the end of that day, so month ends can be back-filled:

  retain.active_12m   partners that joined 12–24 months before the day and are still active on it
  retain.active_24m   the same for partners that joined 24–36 months before
  retain.moves_to_e   moves into stage E (exit) during the 30 days up to the day
  retain.high_risk    partners at high risk on the lifecycle job's latest day up to the day
  retain.plan_outcome share of the retention plans measured in the 90 days up to the day that
                      kept the partner (outcome "retained")

A partner's status on a day is read from the partner change history the way the lifecycle job
reads it (the last status change before the day ended; else the value before the first later
change; else the current status).
"""
from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count, F, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import gettext_lazy as _

from partners.choices import PartnerStatus, TrackedField

from .choices import PlanKind, PlanOutcome, PlanStatus, RiskLevel, Stage
from .indicators import Indicator, IndicatorValue, Lever, day_end, months_before, percent, register_indicator

# How old the latest lifecycle computation may be for the high-risk count to stand for the day.
HIGH_RISK_MAX_AGE_DAYS = 31
MOVES_WINDOW_DAYS = 30
PLAN_WINDOW_DAYS = 90


def partners_with_status_on(as_of: datetime.date):
    """Partners that had joined by the day, annotated `status_on` (their status at its end)."""
    from partners.models import Partner, PartnerChange

    cutoff = day_end(as_of)
    changes = PartnerChange.objects.filter(partner=OuterRef("pk"), field=TrackedField.STATUS)
    last_before = changes.filter(changed_at__lt=cutoff).order_by("-changed_at", "-id")
    first_after = changes.filter(changed_at__gte=cutoff).order_by("changed_at", "id")
    return Partner.objects.filter(joined_on__lte=as_of).annotate(
        status_on=Coalesce(
            Subquery(last_before.values("new_value")[:1]),
            NullIf(Subquery(first_after.values("old_value")[:1]), Value("")),
            Subquery(first_after.values("new_value")[:1]),
            F("status"),
        )
    )


def _cohort_still_active(as_of: datetime.date, *, older_than: int, younger_than: int) -> IndicatorValue:
    """Of the partners that joined between `younger_than` and `older_than` months before the day
    (and were more than prospects on it), the share still active on the day, by partner type."""
    joined_after = months_before(as_of, younger_than)
    joined_by = months_before(as_of, older_than)
    rows = (
        partners_with_status_on(as_of)
        .filter(joined_on__gt=joined_after, joined_on__lte=joined_by)
        .exclude(status_on=PartnerStatus.PROSPECT)
        .values("partner_type__code")
        .annotate(total=Count("id"), active=Count("id", filter=Q(status_on=PartnerStatus.ACTIVE)))
        .order_by("partner_type__code")
    )
    total = active = 0
    breakdown = {}
    for row in rows:  # one row per partner type
        total += row["total"]
        active += row["active"]
        breakdown[row["partner_type__code"]] = float(percent(row["active"], row["total"]))
    return IndicatorValue(value=percent(active, total), numerator=active, denominator=total, breakdown=breakdown)


def active_after_12_months(as_of: datetime.date) -> IndicatorValue:
    return _cohort_still_active(as_of, older_than=12, younger_than=24)


def active_after_24_months(as_of: datetime.date) -> IndicatorValue:
    return _cohort_still_active(as_of, older_than=24, younger_than=36)


def moves_to_stage_e(as_of: datetime.date) -> IndicatorValue:
    """Moves into stage E in the 30 days up to the day (by rule or by a channel manager), by the
    stage the partner left; a partner's first stage is not a move."""
    from .models import StageChange

    since = as_of - datetime.timedelta(days=MOVES_WINDOW_DAYS)
    rows = (
        StageChange.objects.filter(to_stage=Stage.E, as_of__gt=since, as_of__lte=as_of)
        # A first stage (from nothing: the job's first run, or a new partner) is no move.
        .exclude(from_stage__in=[Stage.E, ""])
        .values("from_stage")
        .annotate(n=Count("id"))
        .order_by("from_stage")
    )
    breakdown = {row["from_stage"]: row["n"] for row in rows}
    total = sum(breakdown.values())
    return IndicatorValue(value=Decimal(total), numerator=total, breakdown=breakdown)


def high_risk_partners(as_of: datetime.date) -> IndicatorValue:
    """Partners at high risk on the lifecycle job's latest computed day up to the as-of day (at
    most a month old; none computed → no value), by stage."""
    from .models import LifecycleSnapshot

    day = LifecycleSnapshot.objects.filter(
        as_of__lte=as_of, as_of__gt=as_of - datetime.timedelta(days=HIGH_RISK_MAX_AGE_DAYS)
    ).aggregate(day=Max("as_of"))["day"]
    if day is None:
        return IndicatorValue(value=None)
    rows = (
        LifecycleSnapshot.objects.filter(as_of=day)
        .values("stage")
        .annotate(n=Count("id", filter=Q(risk_level=RiskLevel.HIGH)), partners=Count("id"))
        .order_by("stage")
    )
    breakdown = {}
    partners = 0
    for row in rows:
        partners += row["partners"]
        if row["n"]:
            breakdown[row["stage"]] = row["n"]
    total = sum(breakdown.values())
    return IndicatorValue(value=Decimal(total), numerator=total, denominator=partners, breakdown=breakdown)


def retention_plan_outcomes(as_of: datetime.date) -> IndicatorValue:
    """Of the retention plans whose outcome was measured in the 90 days up to the day, the share
    that kept the partner (retained), with the count of each outcome."""
    from .models import RetentionPlan

    since = as_of - datetime.timedelta(days=PLAN_WINDOW_DAYS)
    rows = (
        RetentionPlan.objects.filter(
            kind=PlanKind.RETENTION, status=PlanStatus.CLOSED, outcome_on__gt=since, outcome_on__lte=as_of
        )
        .exclude(outcome=PlanOutcome.PENDING)
        .values("outcome")
        .annotate(n=Count("id"))
        .order_by("outcome")
    )
    breakdown = {row["outcome"]: row["n"] for row in rows}
    total = sum(breakdown.values())
    retained = breakdown.get(PlanOutcome.RETAINED.value, 0)
    return IndicatorValue(value=percent(retained, total), numerator=retained, denominator=total, breakdown=breakdown)


def register() -> None:
    register_indicator(Indicator(
        key="retain.active_12m", lever=Lever.RETAIN, order=10, unit="percent", better="up",
        label=_("Still active after 12 months"),
        help_text=_("Of the partners that joined 12 to 24 months before the day (prospects left out), "
                    "the share whose status is still active on the day. By partner type."),
        url_name="lifecycle:funnel", compute=active_after_12_months,
    ))
    register_indicator(Indicator(
        key="retain.active_24m", lever=Lever.RETAIN, order=20, unit="percent", better="up",
        label=_("Still active after 24 months"),
        help_text=_("Of the partners that joined 24 to 36 months before the day (prospects left out), "
                    "the share whose status is still active on the day. By partner type."),
        url_name="lifecycle:funnel", compute=active_after_24_months,
    ))
    register_indicator(Indicator(
        key="retain.moves_to_e", lever=Lever.RETAIN, order=30, unit="count", better="down",
        label=_("Moves to stage E (exit), last 30 days"),
        help_text=_("Partners that moved into stage E during the 30 days up to the day, by rule or by a "
                    "channel manager. By the stage they left."),
        url_name="lifecycle:win-back", compute=moves_to_stage_e,
    ))
    register_indicator(Indicator(
        key="retain.high_risk", lever=Lever.RETAIN, order=40, unit="count", better="down",
        label=_("High-risk partners"),
        help_text=_("Partners at high risk in the early warning on the day (the lifecycle job's latest "
                    "computation up to the day). By stage."),
        url_name="lifecycle:early-warning", compute=high_risk_partners,
    ))
    register_indicator(Indicator(
        key="retain.plan_outcome", lever=Lever.RETAIN, order=50, unit="percent", better="up",
        label=_("Retention plans that kept the partner, last 90 days"),
        help_text=_("Of the retention plans whose outcome was measured in the 90 days up to the day, the "
                    "share with the outcome \"retained\" (risk cleared, stage recovered). By outcome."),
        url_name="lifecycle:plan-list", compute=retention_plan_outcomes,
        breakdown_labels={PlanOutcome.RETAINED.value: _("Retained"), PlanOutcome.NOT_RECOVERED.value: _("Not recovered"),
                          PlanOutcome.LOST.value: _("Lost")},
    ))
