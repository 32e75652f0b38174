import django_filters as filters
from django.utils.translation import gettext_lazy as _

from lifecycle.filtersets import PartnerScopeFilters
from partners.choices import Tier
from prm.api.filters import MultipleChoiceFilter, TypedMultipleChoiceFilter

from .grid import SEGMENTS
from .models import PartnerAllocation

SEGMENT_CHOICES = [(n, str(n)) for n in range(1, SEGMENTS + 1)]


class PartnerAllocationFilterSet(PartnerScopeFilters):
    segment = TypedMultipleChoiceFilter(choices=SEGMENT_CHOICES, coerce=int, label=_("Segment"))
    tier = MultipleChoiceFilter(choices=Tier.choices, label=_("Certification tier"))
    attractiveness_band = filters.TypedChoiceFilter(choices=[(n, str(n)) for n in range(3)], coerce=int,
                                                    label=_("Attractiveness band (0 = low)"))
    fit_band = filters.TypedChoiceFilter(choices=[(n, str(n)) for n in range(3)], coerce=int,
                                         label=_("Capability fit band (0 = low)"))

    class Meta:
        model = PartnerAllocation
        fields = []
