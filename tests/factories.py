"""factory_boy factories for the partner registry; later apps add theirs beside their tests."""
import datetime
from decimal import Decimal
from importlib import import_module

import factory
from factory.django import DjangoModelFactory

from partners.choices import CooperationModel, CustomerClass, PartnerStatus, ProductType, Role, Tier
from partners.models import CityBranch, Contact, Partner, PartnerType, Product, SaleRecord, User

REFERENCE = import_module("partners.migrations.0002_reference_data")


def _reference(model, table, code):
    """The row a migration seeded; re-created if a transactional test flushed the tables."""
    row = model.objects.filter(code=code).first()
    if row is None:
        names = {c: (name, name_zh) for c, name, name_zh in table}
        name, name_zh = names[code]
        row = model.objects.create(code=code, name=name, name_zh=name_zh)
    return row


def city(code="CD"):
    return _reference(CityBranch, REFERENCE.CITIES, code)


def partner_type(code="SA"):
    return _reference(PartnerType, REFERENCE.TYPES, code)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    role = Role.CHANNEL_MANAGER
    password = factory.PostGenerationMethodCall("set_password", "pass-1234-word")

    @factory.post_generation
    def cities(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.covered_cities.set(extracted)
        if create:
            obj.save()


class ProductFactory(DjangoModelFactory):
    class Meta:
        model = Product
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"P{n:04d}")
    name = factory.Sequence(lambda n: f"Product {n}")
    name_zh = factory.Sequence(lambda n: f"产品{n}")
    product_type = ProductType.SIMPLE_STANDARD


class PartnerFactory(DjangoModelFactory):
    """Partners get codes the way the service hands them out: TYPE-CITY-NNNN."""

    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"测试伙伴{n}有限公司")
    partner_type = factory.LazyFunction(partner_type)
    cooperation_model = CooperationModel.CHANNEL_SHARING
    tier = Tier.REGISTERED
    city = factory.LazyFunction(city)
    status = PartnerStatus.ACTIVE
    joined_on = datetime.date(2024, 1, 15)
    customer_classes = "C"
    revenue_share = Decimal("0.1500")
    code = factory.LazyAttributeSequence(lambda p, n: f"{p.partner_type.code}-{p.city.code}-{9000 + n:04d}")


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    partner = factory.SubFactory(PartnerFactory)
    name = factory.Sequence(lambda n: f"联系人{n}")
    email = factory.Sequence(lambda n: f"contact{n}@example.com")
    phone = "028-88886666"


class PartnerUserFactory(UserFactory):
    role = Role.PARTNER
    partner = factory.SubFactory(PartnerFactory)


class SaleRecordFactory(DjangoModelFactory):
    class Meta:
        model = SaleRecord

    partner = factory.SubFactory(PartnerFactory)
    product = factory.SubFactory(ProductFactory)
    customer_name = factory.Sequence(lambda n: f"客户{n}")
    customer_class = CustomerClass.C
    amount = Decimal("1200.00")
    sold_on = datetime.date(2025, 6, 1)
    source_system = "crm"
    external_id = factory.Sequence(lambda n: f"EXT-{n:07d}")
