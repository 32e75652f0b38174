import django_filters as filters
from django.utils.translation import gettext_lazy as _

from prm.api.filters import IdFilter, MultipleChoiceFilter, StrictBooleanFilter

from .choices import CampaignKind, CampaignStatus, InvitationStatus
from .models import Campaign, Invitation, Response, SurveyFactor


class FactorFilterSet(filters.FilterSet):
    active = StrictBooleanFilter()
    category = filters.CharFilter(field_name="category__code", max_length=20, label=_("Category code"))

    class Meta:
        model = SurveyFactor
        fields = []


class CampaignFilterSet(filters.FilterSet):
    status = MultipleChoiceFilter(choices=CampaignStatus.choices)
    kind = filters.ChoiceFilter(choices=CampaignKind.choices)

    class Meta:
        model = Campaign
        fields = []


class InvitationFilterSet(filters.FilterSet):
    campaign = IdFilter(field_name="campaign_id", label=_("Campaign id"))
    partner = IdFilter(field_name="partner_id", label=_("Partner id"))
    status = MultipleChoiceFilter(choices=InvitationStatus.choices)
    kind = filters.ChoiceFilter(field_name="campaign__kind", choices=CampaignKind.choices)

    class Meta:
        model = Invitation
        fields = []


class ResponseFilterSet(filters.FilterSet):
    campaign = IdFilter(field_name="campaign_id", label=_("Campaign id"))
    partner = IdFilter(field_name="partner_id", label=_("Partner id"))
    invitation = IdFilter(field_name="invitation_id", label=_("Invitation id"))
    submitted_from = filters.DateFilter(field_name="submitted_at", lookup_expr="date__gte")
    submitted_to = filters.DateFilter(field_name="submitted_at", lookup_expr="date__lte")
    has_comment = StrictBooleanFilter(method="filter_has_comment", label=_("Only responses with a comment"))

    class Meta:
        model = Response
        fields = []

    def filter_has_comment(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.exclude(comment="") if value else queryset.filter(comment="")
