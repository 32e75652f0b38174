"""Reads that are more than a filter: the funnel, the early-warning board, the win-back list."""
from __future__ import annotations

import datetime

from django.db.models import Count, F, Max, OuterRef, Prefetch, Q, QuerySet, Subquery

from .choices import STAGE_ORDER, PlanStatus, RiskLevel, Stage
from .models import LifecycleSettings, PartnerLifecycle, RetentionPlan, RiskFlag, StageChange


def partner_lifecycles(user) -> QuerySet:
    """Current lifecycle states the user may see, with what the lists show (constant queries)."""
    return (
        PartnerLifecycle.objects.visible_to(user)
        .select_related(
            "partner__partner_type", "partner__city", "partner__channel_manager", "override__created_by"
        )
        .prefetch_related(
            Prefetch(
                "partner__risk_flags",
                queryset=RiskFlag.objects.filter(cleared_on__isnull=True).order_by("-severity", "kind"),
                to_attr="open_flags",
            ),
            Prefetch(
                "partner__retention_plans",
                queryset=RetentionPlan.objects.filter(status=PlanStatus.ACTIVE).select_related("owner"),
                to_attr="active_plans",
            ),
        )
    )


def early_warning_board(user) -> QuerySet:
    """High-risk partners (valuable, with a serious flag), most valuable first."""
    return partner_lifecycles(user).filter(risk_level=RiskLevel.HIGH).order_by("-value_score", "partner__code")


def win_back_list(user) -> QuerySet:
    """Exited partners whose value score before exit was high, most valuable first."""
    threshold = LifecycleSettings.load().high_value_score
    return (
        partner_lifecycles(user)
        .filter(stage=Stage.E, last_active_value_score__gte=threshold)
        .order_by("-last_active_value_score", "partner__code")
    )


def _partner_filters(prefix: str, *, owner=None, city=None, partner_type=None) -> Q:
    condition = Q()
    if owner is not None:
        condition &= Q(**{f"{prefix}channel_manager": owner})
    if city:
        condition &= Q(**{f"{prefix}city__code__in": city})
    if partner_type:
        condition &= Q(**{f"{prefix}partner_type__code__in": partner_type})
    return condition


def lifecycle_funnel(
    *, user, date_from: datetime.date, date_to: datetime.date, owner=None, city=None, partner_type=None
) -> dict:
    """Partners per stage on `date_to` and the moves between stages from `date_from` to `date_to`.

    Stage counts come from the current state when `date_to` is on or after the latest computed
    day, otherwise from the stage history (each partner's last change on or before `date_to`).
    """
    where = _partner_filters("partner__", owner=owner, city=city, partner_type=partner_type)
    states = PartnerLifecycle.objects.visible_to(user).filter(where)
    latest = PartnerLifecycle.objects.aggregate(latest=Max("as_of"))["latest"]
    if latest is not None and date_to >= latest:
        rows = states.values("stage").annotate(n=Count("pk")).order_by()
        counts = {row["stage"]: row["n"] for row in rows}
        as_of = latest
    else:
        last_change = (
            StageChange.objects.filter(partner=OuterRef("partner"), as_of__lte=date_to).order_by("-as_of", "-id").values("id")[:1]
        )
        rows = (
            StageChange.objects.visible_to(user)
            .filter(where, as_of__lte=date_to, id=Subquery(last_change))
            .values("to_stage")
            .annotate(n=Count("id"))
            .order_by()
        )
        counts = {row["to_stage"]: row["n"] for row in rows}
        as_of = date_to if latest is not None else None
    moves = list(
        StageChange.objects.visible_to(user)
        .filter(where, as_of__gte=date_from, as_of__lte=date_to)
        .exclude(from_stage="")
        .exclude(from_stage=F("to_stage"))
        .values("from_stage", "to_stage")
        .annotate(count=Count("id"))
        .order_by("from_stage", "to_stage")
    )
    entered = {stage: 0 for stage in Stage.values}
    left = {stage: 0 for stage in Stage.values}
    for move in moves:
        entered[move["to_stage"]] += move["count"]
        left[move["from_stage"]] += move["count"]
    return {
        "date_from": date_from,
        "date_to": date_to,
        "as_of": as_of,
        "stages": [
            {
                "stage": stage.value,
                "label": str(stage.label),
                "count": counts.get(stage.value, 0),
                "entered": entered[stage.value],
                "left": left[stage.value],
            }
            for stage in STAGE_ORDER
        ],
        "moves": moves,
    }


def plan_owner_choices() -> list[tuple[int, str]]:
    """Active channel managers and administrators who may own a plan, as (id, display name)."""
    from partners.choices import Role
    from partners.models import User

    users = (
        User.objects.filter(is_active=True)
        .filter(Q(role__in=[Role.CHANNEL_MANAGER, Role.ADMIN]))
        .order_by("first_name", "last_name", "username")
        .only("pk", "username", "first_name", "last_name")
    )
    return [(user.pk, str(user)) for user in users]
