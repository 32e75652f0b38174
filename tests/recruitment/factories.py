import datetime

import factory
from factory.django import DjangoModelFactory

from partners.choices import CooperationModel
from partners.recruitment.choices import ProspectSource, ProspectStatus
from partners.recruitment.models import Prospect
from partners.recruitment.services import company_key, email_key
from tests import factories as f


class ProspectFactory(DjangoModelFactory):
    class Meta:
        model = Prospect

    company_name = factory.Sequence(lambda n: f"招募测试{n}有限公司")
    company_key = factory.LazyAttribute(lambda p: company_key(p.company_name))
    partner_type = factory.LazyFunction(f.partner_type)
    cooperation_model = CooperationModel.CHANNEL_SHARING
    city = factory.LazyFunction(f.city)
    contact_name = "王磊"
    contact_phone = "028-88886666"
    contact_email = factory.Sequence(lambda n: f"applicant{n}@example.com")
    email_key = factory.LazyAttribute(lambda p: email_key(p.contact_email))
    source = ProspectSource.APPLICATION
    status = ProspectStatus.APPLIED
    entered_on = datetime.date(2026, 1, 10)
    applied_on = factory.LazyAttribute(lambda p: p.entered_on if p.status != ProspectStatus.PROSPECT else None)
