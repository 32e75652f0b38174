import django_filters as filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from partners.choices import Role
from partners.models import CityBranch, PartnerType, User
from prm.api.filters import MultipleChoiceFilter, TypedMultipleChoiceFilter

from .choices import ActionStatus, Lever, PlanKind, PlanOutcome, PlanStatus, RiskLevel, RunMode, RunStatus, Severity, Stage, StageChangeSource
from .models import (
    LifecycleRun,
    LifecycleSettings,
    LifecycleSnapshot,
    PartnerLifecycle,
    PlanNote,
    RetentionAction,
    RetentionPlan,
    RiskFlag,
    StageChange,
)


@extend_schema_field(OpenApiTypes.INT)
class UserIdFilter(filters.ModelChoiceFilter):
    """A user given by id (filtered through a method, so the schema is said here)."""


@extend_schema_field(OpenApiTypes.STR)
class CodesFilter(filters.ModelMultipleChoiceFilter):
    """Reference rows given by code, repeatable (?city=CD&city=MY)."""


class PartnerScopeFilters(filters.FilterSet):
    """Filters by the partner a row belongs to: owner, city, type, text. `partner_path` leads
    from the filtered model to partners.Partner."""

    partner_path = "partner"

    partner = filters.NumberFilter(method="filter_partner", label=_("Partner id"))
    owner = UserIdFilter(
        queryset=User.objects.filter(role__in=[Role.CHANNEL_MANAGER, Role.ADMIN]),
        method="filter_owner",
        label=_("Channel manager (user id)"),
    )
    managed_by_me = filters.BooleanFilter(method="filter_managed_by_me", label=_("Only partners I manage"))
    city = CodesFilter(
        queryset=CityBranch.objects.all(), to_field_name="code", method="filter_city", label=_("City branch")
    )
    type = CodesFilter(
        queryset=PartnerType.objects.all(), to_field_name="code", method="filter_type", label=_("Partner type")
    )
    q = filters.CharFilter(method="filter_search", max_length=100, label=_("Search partner code or name"))

    def _p(self, lookup):
        return f"{self.partner_path}__{lookup}"

    def filter_partner(self, queryset, name, value):
        return queryset.filter(**{self._p("id"): value})

    def filter_owner(self, queryset, name, value):
        return queryset.filter(**{self._p("channel_manager"): value}) if value else queryset

    def filter_managed_by_me(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if value is None or user is None:
            return queryset
        condition = Q(**{self._p("channel_manager_id"): user.pk})
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_city(self, queryset, name, value):
        return queryset.filter(**{self._p("city__in"): value}) if value else queryset

    def filter_type(self, queryset, name, value):
        return queryset.filter(**{self._p("partner_type__in"): value}) if value else queryset

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(**{self._p("code__icontains"): value}) | Q(**{self._p("name__icontains"): value})
            | Q(**{self._p("name_en__icontains"): value})
        )


class PartnerLifecycleFilterSet(PartnerScopeFilters):
    stage = MultipleChoiceFilter(choices=Stage.choices, label=_("Stage"))
    risk_level = TypedMultipleChoiceFilter(choices=RiskLevel.choices, coerce=int, label=_("Risk level"))
    flag_kind = filters.CharFilter(method="filter_flag_kind", max_length=40, label=_("Has an open flag of this kind"))
    min_value = filters.NumberFilter(field_name="value_score", lookup_expr="gte", label=_("Value score at least"))
    high_value = filters.BooleanFilter(method="filter_high_value", label=_("Valuable partners only"))
    has_active_plan = filters.BooleanFilter(method="filter_has_plan", label=_("Has an active plan"))
    overridden = filters.BooleanFilter(field_name="override", lookup_expr="isnull", exclude=True, label=_("Stage overridden"))

    class Meta:
        model = PartnerLifecycle
        fields = []

    def filter_flag_kind(self, queryset, name, value):
        open_flag = RiskFlag.objects.filter(partner_id=OuterRef("partner_id"), kind=value, cleared_on__isnull=True)
        return queryset.filter(Exists(open_flag))

    def filter_high_value(self, queryset, name, value):
        if value is None:
            return queryset
        threshold = LifecycleSettings.load().high_value_score
        return queryset.filter(value_score__gte=threshold) if value else queryset.filter(value_score__lt=threshold)

    def filter_has_plan(self, queryset, name, value):
        if value is None:
            return queryset
        active = RetentionPlan.objects.filter(partner_id=OuterRef("partner_id"), status=PlanStatus.ACTIVE)
        return queryset.filter(Exists(active)) if value else queryset.exclude(Exists(active))


class StageChangeFilterSet(PartnerScopeFilters):
    source = filters.ChoiceFilter(choices=StageChangeSource.choices)
    to_stage = MultipleChoiceFilter(choices=Stage.choices, label=_("To stage"))
    from_stage = MultipleChoiceFilter(choices=Stage.choices, label=_("From stage"))
    date_from = filters.DateFilter(field_name="as_of", lookup_expr="gte", label=_("From day"))
    date_to = filters.DateFilter(field_name="as_of", lookup_expr="lte", label=_("To day"))
    moves_only = filters.BooleanFilter(method="filter_moves", label=_("Leave out first classifications"))

    class Meta:
        model = StageChange
        fields = []

    def filter_moves(self, queryset, name, value):
        return queryset.exclude(from_stage="") if value else queryset


class SnapshotFilterSet(PartnerScopeFilters):
    as_of = filters.DateFilter()
    as_of_from = filters.DateFilter(field_name="as_of", lookup_expr="gte")
    as_of_to = filters.DateFilter(field_name="as_of", lookup_expr="lte")
    stage = MultipleChoiceFilter(choices=Stage.choices)
    risk_level = TypedMultipleChoiceFilter(choices=RiskLevel.choices, coerce=int)

    class Meta:
        model = LifecycleSnapshot
        fields = []


class RiskFlagFilterSet(PartnerScopeFilters):
    kind = MultipleChoiceFilter(method="filter_kind", choices=[], label=_("Kind"))
    severity = TypedMultipleChoiceFilter(choices=Severity.choices, coerce=int)
    open = filters.BooleanFilter(field_name="cleared_on", lookup_expr="isnull", label=_("Still open"))
    stage = MultipleChoiceFilter(field_name="partner__lifecycle__stage", choices=Stage.choices)
    raised_from = filters.DateFilter(field_name="first_raised_on", lookup_expr="gte")
    raised_to = filters.DateFilter(field_name="first_raised_on", lookup_expr="lte")

    class Meta:
        model = RiskFlag
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .risk_rules import registered_rules
        from .choices import FlagKind

        kinds = dict(FlagKind.choices)
        kinds.update({rule.kind: rule.label for rule in registered_rules()})
        self.filters["kind"].extra["choices"] = sorted(kinds.items())

    def filter_kind(self, queryset, name, value):
        return queryset.filter(kind__in=value) if value else queryset


class RetentionPlanFilterSet(PartnerScopeFilters):
    kind = filters.ChoiceFilter(choices=PlanKind.choices)
    status = MultipleChoiceFilter(choices=PlanStatus.choices)
    outcome = MultipleChoiceFilter(choices=PlanOutcome.choices)
    lever = MultipleChoiceFilter(choices=Lever.choices)
    plan_owner = filters.ModelChoiceFilter(
        field_name="owner", queryset=User.objects.filter(role__in=[Role.CHANNEL_MANAGER, Role.ADMIN]), label=_("Plan owner")
    )
    mine = filters.BooleanFilter(method="filter_mine", label=_("Plans I own"))
    review_before = filters.DateFilter(field_name="review_on", lookup_expr="lte")

    class Meta:
        model = RetentionPlan
        fields = []

    def filter_mine(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if value is None or user is None:
            return queryset
        return queryset.filter(owner_id=user.pk) if value else queryset.exclude(owner_id=user.pk)


class RetentionActionFilterSet(filters.FilterSet):
    plan = filters.NumberFilter(field_name="plan_id")
    status = MultipleChoiceFilter(choices=ActionStatus.choices)
    assignee = filters.NumberFilter(field_name="assignee_id")
    due_before = filters.DateFilter(field_name="due_on", lookup_expr="lte")

    class Meta:
        model = RetentionAction
        fields = []


class PlanNoteFilterSet(filters.FilterSet):
    plan = filters.NumberFilter(field_name="plan_id")

    class Meta:
        model = PlanNote
        fields = []


class LifecycleRunFilterSet(filters.FilterSet):
    status = MultipleChoiceFilter(choices=RunStatus.choices)
    mode = filters.ChoiceFilter(choices=RunMode.choices)
    as_of_from = filters.DateFilter(field_name="as_of", lookup_expr="gte")
    as_of_to = filters.DateFilter(field_name="as_of", lookup_expr="lte")

    class Meta:
        model = LifecycleRun
        fields = []
