"""The built-in allocation measures (see measures.py for the contract). Each scores 0–100.

    value             the lifecycle value score (LifecycleSnapshot.value_score of the latest
                      lifecycle day on or before the as-of day); none yet: 0
    growth            the lifecycle growth component (last 90 days against the 90 before)
    breadth           the lifecycle product-breadth component (distinct products in 12 months)
    market_potential  the market potential of the partner's city branch (CityMarketPotential,
                      editable; defaults by the data migration, Chengdu highest)
    certification     certification and trained people: tier points (registered 20, certified
                      60, gold 100 by default) weighted (100 − s) % and trained people valid on
                      the day (loyalty's TrainedPerson, full at `trained_people_target`)
                      weighted s % (s = `trained_people_share`, default 40)
    tickets           support behaviour: the share of the partner's support requests opened in
                      the last `ticket_window_days` (365) whose committed times were never
                      breached by the end of the as-of day; no request at all scores 100
    satisfaction      registered by the surveys app (satisfaction index), when installed
"""
from __future__ import annotations

import datetime

from django.apps import apps
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least
from django.utils.translation import gettext_lazy as _

from .measures import Measure, MeasureContext, register_measure


def _settings(ctx: MeasureContext):
    settings = ctx.extra.get("settings")
    if settings is None:
        from .models import AllocationSettings

        settings = AllocationSettings.load()
    return settings


def _lifecycle_day(ctx: MeasureContext) -> datetime.date | None:
    from lifecycle.models import LifecycleSnapshot

    if "lifecycle_day" not in ctx.extra:
        ctx.extra["lifecycle_day"] = LifecycleSnapshot.objects.filter(as_of__lte=ctx.as_of).aggregate(d=Max("as_of"))["d"]
    return ctx.extra["lifecycle_day"]


def _snapshot_measure(field: str):
    def query(ctx: MeasureContext) -> QuerySet:
        from lifecycle.models import LifecycleSnapshot

        day = _lifecycle_day(ctx)
        return (
            LifecycleSnapshot.objects.filter(ctx.partner_range("partner_id"), as_of=day, **{f"{field}__isnull": False})
            .values("partner_id")
            .annotate(score=F(field))
        )

    return query


def market_potential_measure(ctx: MeasureContext) -> QuerySet:
    from partners.models import Partner

    return (
        Partner.objects.filter(ctx.partner_range("id"), city__market_potential__isnull=False)
        .annotate(partner_id=F("id"), score=F("city__market_potential__score"))
        .values("partner_id", "score")
    )


def certification_measure(ctx: MeasureContext) -> QuerySet:
    from partners.choices import Tier
    from partners.models import Partner

    s = _settings(ctx)
    share = s.trained_people_share
    tier_points = Case(
        When(tier=Tier.GOLD, then=Value(s.tier_points_gold)),
        When(tier=Tier.CERTIFIED, then=Value(s.tier_points_certified)),
        default=Value(s.tier_points_registered),
        output_field=IntegerField(),
    )
    if apps.is_installed("loyalty"):
        from loyalty.models import TrainedPerson

        trained = Subquery(
            TrainedPerson.objects.filter(partner_id=OuterRef("pk"), trained_on__lte=ctx.as_of)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=ctx.as_of))
            .order_by()
            .values("partner_id")
            .annotate(n=Count("id"))
            .values("n"),
            output_field=IntegerField(),
        )
        people = Least(Coalesce(trained, Value(0)), Value(s.trained_people_target))
    else:
        people = Value(0)
    # (tier points · (100 − share) + 100 · people / target · share) / 100, in integers
    score = (tier_points * (100 - share) * s.trained_people_target + people * 100 * share) / (100 * s.trained_people_target)
    return (
        Partner.objects.filter(ctx.partner_range("id"))
        .annotate(partner_id=F("id"), score=score)
        .values("partner_id", "score")
    )


def ticket_measure(ctx: MeasureContext) -> QuerySet:
    from support.models import SlaRecord, Ticket

    s = _settings(ctx)
    since = ctx.day_end - datetime.timedelta(days=s.ticket_window_days)
    breached = SlaRecord.objects.filter(ticket=OuterRef("pk"), breached_at__lt=ctx.day_end)
    return (
        Ticket.objects.filter(ctx.partner_range("partner_id"), opened_at__gte=since, opened_at__lt=ctx.day_end)
        .alias(was_breached=Exists(breached))
        .values("partner_id")
        .annotate(score=Count("id", filter=Q(was_breached=False)) * 100 / Count("id"))
    )


register_measure(Measure(
    key="value", label=_("Value score"), order=10, query=_snapshot_measure("value_score"),
    description=_("The lifecycle value score (sales percentile, growth, breadth, customers, tenure)."),
))
register_measure(Measure(
    key="growth", label=_("Growth"), order=20, query=_snapshot_measure("growth_score"),
    description=_("Sales of the last 90 days against the 90 days before (lifecycle growth component)."),
))
register_measure(Measure(
    key="market_potential", label=_("Market potential by city"), order=30, query=market_potential_measure,
    description=_("The market potential of the partner's city branch (editable per city)."),
))
register_measure(Measure(
    key="certification", label=_("Certification and trained people"), order=40, query=certification_measure,
    description=_("Points for the certification tier, plus trained people valid on the day up to a target."),
))
register_measure(Measure(
    key="breadth", label=_("Product breadth"), order=50, query=_snapshot_measure("breadth_score"),
    description=_("Distinct products sold in the last 12 months (lifecycle breadth component)."),
))
if apps.is_installed("support"):
    register_measure(Measure(
        key="tickets", label=_("Support behaviour"), order=60, query=ticket_measure, missing=100,
        description=_("Share of the partner's support requests of the last 12 months without a breached "
                      "committed time; no requests scores 100."),
    ))
