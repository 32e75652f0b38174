"""prm/api/filters.py: the shared filter classes every app's filtersets use."""
import pytest

from partners.choices import PartnerStatus, Tier
from partners.models import Partner
from prm.api.filters import MultipleChoiceFilter, TypedMultipleChoiceFilter
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_multiple_choice_filters_match_any_value_without_distinct():
    active = f.PartnerFactory(status=PartnerStatus.ACTIVE, tier=Tier.GOLD)
    f.PartnerFactory(status=PartnerStatus.SUSPENDED, tier=Tier.REGISTERED)
    status = MultipleChoiceFilter(field_name="status", choices=PartnerStatus.choices)
    both = status.filter(Partner.objects.all(), [PartnerStatus.ACTIVE, PartnerStatus.SUSPENDED])
    assert both.count() == 2 and not both.query.distinct
    only = MultipleChoiceFilter(field_name="tier", choices=Tier.choices).filter(Partner.objects.all(), [Tier.GOLD])
    assert list(only) == [active] and not only.query.distinct


def test_typed_multiple_choice_filter_coerces_and_can_still_ask_for_distinct():
    typed = TypedMultipleChoiceFilter(field_name="id", choices=[(1, "1"), (2, "2")], coerce=int)
    assert typed.field.clean(["1", "2"]) == [1, 2]
    assert typed.distinct is False
    assert MultipleChoiceFilter(field_name="x", choices=[], distinct=True).distinct is True
