import datetime

import factory
from factory.django import DjangoModelFactory

from lifecycle.allocation.models import MeasureValue, PartnerAllocation
from tests import factories as f

AS_OF = datetime.date(2026, 11, 28)


class PartnerAllocationFactory(DjangoModelFactory):
    """A placed partner (scores and segment as given; bands/segment are not re-derived)."""

    class Meta:
        model = PartnerAllocation

    partner = factory.SubFactory(f.PartnerFactory)
    as_of = AS_OF
    city = factory.LazyAttribute(lambda o: o.partner.city)
    partner_type = factory.LazyAttribute(lambda o: o.partner.partner_type)
    tier = factory.LazyAttribute(lambda o: o.partner.tier)
    attractiveness = 60
    fit = 50
    attractiveness_band = 1
    fit_band = 1
    segment = 2


class MeasureValueFactory(DjangoModelFactory):
    class Meta:
        model = MeasureValue

    partner = factory.SubFactory(f.PartnerFactory)
    measure = "value"
    as_of = AS_OF
    score = 50
