import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partners.models import CityBranch, PartnerType
from prm.api.filters import CodeMultipleChoiceFilter, IdFilter, MultipleChoiceFilter, StrictBooleanFilter

from .choices import OPEN_STATUSES, ProspectSource, ProspectStatus
from .models import Prospect


class ProspectFilterSet(filters.FilterSet):
    q = filters.CharFilter(method="filter_search", max_length=100, label=_("Search company, contact or e-mail"))
    status = MultipleChoiceFilter(choices=ProspectStatus.choices, label=_("Status"))
    source = filters.ChoiceFilter(choices=ProspectSource.choices, label=_("Source"))
    type = CodeMultipleChoiceFilter(field_name="partner_type", queryset=PartnerType.objects.all(), label=_("Partner type"))
    city = CodeMultipleChoiceFilter(field_name="city", queryset=CityBranch.objects.all(), label=_("City branch"))
    owner = IdFilter(field_name="owner_id", label=_("Owner (user id)"))
    is_open = StrictBooleanFilter(method="filter_open", label=_("Open (prospect or applied)"))
    entered_from = filters.DateFilter(field_name="entered_on", lookup_expr="gte", label=_("Entered from"))
    entered_to = filters.DateFilter(field_name="entered_on", lookup_expr="lte", label=_("Entered to"))

    class Meta:
        model = Prospect
        fields = []

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(company_name__icontains=value) | Q(contact_name__icontains=value) | Q(contact_email__icontains=value)
        )

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(status__in=OPEN_STATUSES) if value else queryset.exclude(status__in=OPEN_STATUSES)
