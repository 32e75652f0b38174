import django_filters as filters
from django.utils.translation import gettext_lazy as _

from partners.choices import Tier
from prm.api.filters import MultipleChoiceFilter

from .choices import EntryKind, RedemptionStatus, ReviewDirection, ReviewStatus, RewardCategory, RuleKind, SourceType
from .models import (
    AccrualRun,
    ComplianceIssue,
    EarningRule,
    LedgerEntry,
    PointsAdjustment,
    PointsBalance,
    Redemption,
    Reward,
    TierReview,
    TrainedPerson,
)

BIG = 2**62


class PartnerFilterMixin(filters.FilterSet):
    partner = filters.NumberFilter(field_name="partner_id", min_value=1, max_value=BIG, label=_("Partner id"))


class LedgerEntryFilterSet(PartnerFilterMixin):
    kind = MultipleChoiceFilter(choices=EntryKind.choices)
    source_type = filters.ChoiceFilter(choices=SourceType.choices)
    source_id = filters.NumberFilter(min_value=0, max_value=BIG)
    date_from = filters.DateFilter(field_name="effective_on", lookup_expr="gte", label=_("Business date from"))
    date_to = filters.DateFilter(field_name="effective_on", lookup_expr="lte", label=_("Business date to"))
    open_lots = filters.BooleanFilter(method="filter_open_lots", label=_("Only lots with points left"))

    class Meta:
        model = LedgerEntry
        fields = []

    def filter_open_lots(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(remaining__gt=0) if value else queryset.exclude(remaining__gt=0)


class PointsBalanceFilterSet(PartnerFilterMixin):
    tier = MultipleChoiceFilter(field_name="partner__tier", choices=Tier.choices, label=_("Tier"))
    qualified_tier = MultipleChoiceFilter(choices=Tier.choices)
    points_min = filters.NumberFilter(field_name="points", lookup_expr="gte", min_value=-BIG, max_value=BIG)
    q = filters.CharFilter(method="filter_q", max_length=100, label=_("Search partner code or name"))

    class Meta:
        model = PointsBalance
        fields = []

    def filter_q(self, queryset, name, value):
        from django.db.models import Q

        value = value.strip()
        return queryset.filter(Q(partner__code__icontains=value) | Q(partner__name__icontains=value)) if value else queryset


class PointsAdjustmentFilterSet(PartnerFilterMixin):
    class Meta:
        model = PointsAdjustment
        fields = []


class RedemptionFilterSet(PartnerFilterMixin):
    status = MultipleChoiceFilter(choices=RedemptionStatus.choices)
    reward = filters.NumberFilter(field_name="reward_id", min_value=1, max_value=BIG)
    requested_from = filters.DateFilter(field_name="requested_at", lookup_expr="date__gte")
    requested_to = filters.DateFilter(field_name="requested_at", lookup_expr="date__lte")

    class Meta:
        model = Redemption
        fields = []


class RewardFilterSet(filters.FilterSet):
    category = MultipleChoiceFilter(choices=RewardCategory.choices)
    active = filters.BooleanFilter()
    min_tier = MultipleChoiceFilter(choices=Tier.choices)

    class Meta:
        model = Reward
        fields = []


class EarningRuleFilterSet(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=RuleKind.choices)
    active = filters.BooleanFilter()
    valid_on = filters.DateFilter(method="filter_valid_on", label=_("Valid on date"))

    class Meta:
        model = EarningRule
        fields = []

    def filter_valid_on(self, queryset, name, value):
        from django.db.models import Q

        if value is None:
            return queryset
        return queryset.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=value)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=value)
        )


class TierReviewFilterSet(PartnerFilterMixin):
    status = MultipleChoiceFilter(choices=ReviewStatus.choices)
    direction = filters.ChoiceFilter(choices=ReviewDirection.choices)
    to_tier = MultipleChoiceFilter(choices=Tier.choices)
    eligible = filters.BooleanFilter(method="filter_eligible", label=_("May be approved today"))

    class Meta:
        model = TierReview
        fields = []

    def filter_eligible(self, queryset, name, value):
        from .nightly import business_today

        if value is None:
            return queryset
        today = business_today()
        return queryset.filter(eligible_on__lte=today) if value else queryset.filter(eligible_on__gt=today)


class TrainedPersonFilterSet(PartnerFilterMixin):
    class Meta:
        model = TrainedPerson
        fields = []


class ComplianceIssueFilterSet(PartnerFilterMixin):
    open = filters.BooleanFilter(field_name="resolved_on", lookup_expr="isnull", label=_("Still open"))

    class Meta:
        model = ComplianceIssue
        fields = []


class AccrualRunFilterSet(filters.FilterSet):
    class Meta:
        model = AccrualRun
        fields = ["status", "as_of"]
