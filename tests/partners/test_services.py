"""partners.services on the real database: registration, history, codes, contacts, bulk sales."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings, strategies as st

from partners import services
from partners.choices import CooperationModel, PartnerStatus, SaleStatus, Tier, TrackedField
from partners.models import Contact, Partner, PartnerChange, PartnerCodeSequence, SaleRecord, User
from tests import factories as f


def register(by=None, **overrides):
    fields = {
        "name": "成都新伙伴", "partner_type": f.partner_type("SA"), "city": f.city("CD"),
        "cooperation_model": CooperationModel.CHANNEL_SHARING, "joined_on": datetime.date(2025, 1, 2),
    }
    fields.update(overrides)
    return services.partner_register(by=by, **fields)


# --- partner_register / partner_code_next ---------------------------------------------------------
def test_register_hands_out_codes_per_prefix(db):
    codes = [register(partner_type=f.partner_type(t), city=f.city(c)).code
             for t, c in [("SA", "CD"), ("SA", "CD"), ("SI", "CD"), ("SA", "YB"), ("SA", "CD")]]
    assert codes == ["SA-CD-0001", "SA-CD-0002", "SI-CD-0001", "SA-YB-0001", "SA-CD-0003"]
    assert PartnerCodeSequence.objects.get(prefix="SA-CD").last_value == 3


def test_code_sequence_continues_from_its_stored_value(db):
    PartnerCodeSequence.objects.create(prefix="ISV-MY", last_value=41)
    assert register(partner_type=f.partner_type("ISV"), city=f.city("MY")).code == "ISV-MY-0042"


def test_codes_grow_past_four_digits(db):
    PartnerCodeSequence.objects.create(prefix="SA-CD", last_value=9999)
    assert register().code == "SA-CD-10000"


def test_register_records_initial_tier_status_and_owner(db, channel_manager):
    partner = register(by=channel_manager, channel_manager=channel_manager, tier=Tier.CERTIFIED, reason="招募")
    rows = {c.field: (c.old_value, c.new_value, c.changed_by_id, c.reason) for c in partner.changes.all()}
    assert rows == {
        TrackedField.TIER: ("", "certified", channel_manager.pk, "招募"),
        TrackedField.STATUS: ("", "prospect", channel_manager.pk, "招募"),
        TrackedField.CHANNEL_MANAGER: ("", "cm", channel_manager.pk, "招募"),
    }


def test_register_without_owner_records_no_owner_row(db):
    partner = register()
    assert set(partner.changes.values_list("field", flat=True)) == {"tier", "status"}


def test_register_sets_authorised_products(db):
    products = [f.ProductFactory(code="ECM"), f.ProductFactory(code="MAS")]
    partner = register(authorised_products=products)
    assert set(partner.authorised_products.values_list("code", flat=True)) == {"ECM", "MAS"}


@pytest.mark.parametrize(
    "overrides",
    [{"revenue_share": Decimal("1.5")}, {"customer_classes": "CBA"}, {"name": ""}, {"tier": "platinum"}],
)
def test_invalid_registration_writes_nothing_and_keeps_the_sequence(db, overrides):
    with pytest.raises(ValidationError):
        register(**overrides)
    assert not Partner.objects.exists() and not PartnerChange.objects.exists()
    assert register().code == "SA-CD-0001"


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["SA", "ISV", "SI"]), st.sampled_from(["CD", "MY", "LSZ"])),
                min_size=1, max_size=8))
def test_codes_are_unique_and_consecutive_per_prefix(db, registrations):
    for type_code, city_code in registrations:
        prefix = f"{type_code}-{city_code}"
        before = Partner.objects.filter(code__startswith=f"{prefix}-").count()
        partner = register(partner_type=f.partner_type(type_code), city=f.city(city_code))
        assert partner.code == f"{prefix}-{before + 1:04d}"
    codes = list(Partner.objects.values_list("code", flat=True))
    assert len(codes) == len(set(codes))


# --- partner_update -------------------------------------------------------------------------------
def test_update_records_each_tracked_change(db, admin_user, channel_manager, other_channel_manager):
    partner = register(channel_manager=channel_manager)
    PartnerChange.objects.all().delete()
    services.partner_update(
        partner=partner, by=admin_user, reason="年度评审", tier=Tier.GOLD, status=PartnerStatus.ACTIVE,
        channel_manager=other_channel_manager, name="改名不记录",
    )
    rows = {c.field: (c.old_value, c.new_value) for c in PartnerChange.objects.all()}
    assert rows == {
        "tier": ("registered", "gold"), "status": ("prospect", "active"), "channel_manager": ("cm", "cm2"),
    }
    assert set(PartnerChange.objects.values_list("changed_by", "reason")) == {(admin_user.pk, "年度评审")}
    partner.refresh_from_db()
    assert (partner.tier, partner.name) == (Tier.GOLD, "改名不记录")


def test_update_with_equal_values_records_nothing(db, admin_user):
    partner = register(revenue_share=Decimal("0.15"))
    PartnerChange.objects.all().delete()
    services.partner_update(partner=partner, by=admin_user, tier=Tier.REGISTERED, revenue_share=Decimal("0.15"))
    services.partner_update(partner=partner, by=admin_user, revenue_share="0.15")
    assert not PartnerChange.objects.exists()
    services.partner_update(partner=partner, by=admin_user, revenue_share=Decimal("0.2"))
    assert list(PartnerChange.objects.values_list("field", "old_value", "new_value")) == [
        ("revenue_share", "0.1500", "0.2000")]


def test_update_uses_the_stored_row_not_a_stale_copy(db, admin_user):
    partner = register()
    stale = Partner.objects.get(pk=partner.pk)
    Partner.objects.filter(pk=partner.pk).update(tier=Tier.CERTIFIED)
    services.partner_update(partner=stale, by=admin_user, tier=Tier.GOLD)
    change = PartnerChange.objects.filter(field="tier").latest("id")
    assert (change.old_value, change.new_value) == ("certified", "gold")


def test_invalid_update_changes_nothing(db, admin_user):
    partner = register()
    with pytest.raises(ValidationError):
        services.partner_update(partner=partner, by=admin_user, tier=Tier.GOLD, revenue_share=Decimal("3"))
    partner.refresh_from_db()
    assert partner.tier == Tier.REGISTERED
    assert not PartnerChange.objects.filter(field="tier", new_value="gold").exists()


def test_update_replaces_authorised_products_only_when_given(db, admin_user):
    ecm, mas = f.ProductFactory(code="ECM"), f.ProductFactory(code="MAS")
    partner = register(authorised_products=[ecm])
    services.partner_update(partner=partner, by=admin_user, name="x")
    assert list(partner.authorised_products.all()) == [ecm]
    services.partner_update(partner=partner, by=admin_user, authorised_products=[mas])
    assert list(partner.authorised_products.all()) == [mas]
    services.partner_update(partner=partner, by=admin_user, authorised_products=[])
    assert not partner.authorised_products.exists()


# --- contacts ---------------------------------------------------------------------------------------
def test_contact_primary_switches(db, partner_a, partner_b):
    first = services.contact_create(by=None, partner=partner_a, name="王伟", is_primary=True)
    other = services.contact_create(by=None, partner=partner_b, name="张强", is_primary=True)
    second = services.contact_create(by=None, partner=partner_a, name="李娜", is_primary=True)
    third = services.contact_create(by=None, partner=partner_a, name="赵敏")
    primaries = set(Contact.objects.filter(is_primary=True).values_list("name", flat=True))
    assert primaries == {"李娜", "张强"}

    services.contact_update(contact=third, by=None, is_primary=True)
    assert set(Contact.objects.filter(is_primary=True).values_list("pk", flat=True)) == {third.pk, other.pk}
    services.contact_update(contact=third, by=None, is_primary=False)
    assert set(Contact.objects.filter(is_primary=True).values_list("pk", flat=True)) == {other.pk}
    first.refresh_from_db()
    second.refresh_from_db()
    assert not first.is_primary and not second.is_primary


def test_saving_the_primary_contact_again_keeps_it_primary(db, partner_a):
    contact = services.contact_create(by=None, partner=partner_a, name="王伟", is_primary=True)
    services.contact_update(contact=contact, by=None, title="CEO")
    contact.refresh_from_db()
    assert contact.is_primary and contact.title == "CEO"


def test_the_database_allows_one_primary_contact_per_partner(db, partner_a):
    from django.db import IntegrityError, transaction

    Contact.objects.create(partner=partner_a, name="王伟", is_primary=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Contact.objects.create(partner=partner_a, name="李娜", is_primary=True)
    Contact.objects.create(partner=partner_a, name="李娜", is_primary=False)
    assert Contact.objects.filter(partner=partner_a).count() == 2


def test_invalid_contact_is_refused(db, partner_a):
    with pytest.raises(ValidationError):
        services.contact_create(by=None, partner=partner_a, name="", email="bad")
    assert not Contact.objects.exists()


# --- partner users ------------------------------------------------------------------------------------
def test_partner_user_create(db, partner_a):
    user = services.partner_user_create(by=None, username="login-a", role="partner", partner=partner_a,
                                        password="Sichuan-2025-strong")
    assert user.check_password("Sichuan-2025-strong") and user.partner == partner_a
    blank = services.partner_user_create(by=None, username="login-b", role="partner", partner=partner_a)
    assert not blank.has_usable_password()


def test_partner_user_needs_a_partner(db):
    with pytest.raises(ValidationError):
        services.partner_user_create(by=None, username="orphan", role="partner", partner=None)
    assert not User.objects.filter(username="orphan").exists()


def test_partner_user_update_keeps_the_password_unless_given(db, partner_user_a):
    services.partner_user_update(user=partner_user_a, by=None, first_name="Mei")
    partner_user_a.refresh_from_db()
    assert partner_user_a.check_password("pass-1234-word")
    services.partner_user_update(user=partner_user_a, by=None, password="Another-strong-2025")
    partner_user_a.refresh_from_db()
    assert partner_user_a.check_password("Another-strong-2025")


# --- sales -----------------------------------------------------------------------------------------------
def sale_rows(partner, product, numbers, amount="10.00"):
    return [
        {"partner_id": partner.pk, "product_id": product.pk, "customer_name": f"客户{n}", "customer_class": "C",
         "amount": Decimal(amount), "sold_on": datetime.date(2025, 5, 1), "status": "booked",
         "external_id": f"X-{n}"}
        for n in numbers
    ]


def test_bulk_import_is_idempotent(db, partner_a, monkeypatch):
    monkeypatch.setattr(services, "BULK_INSERT_BATCH", 2)  # several chunks with a few rows
    product = f.ProductFactory()
    first = services.sales_bulk_import(by=None, source_system="crm", rows=sale_rows(partner_a, product, range(5)))
    assert (first.created, first.existing) == (5, 0)
    assert first.ids == dict(SaleRecord.objects.values_list("external_id", "id"))
    again = services.sales_bulk_import(by=None, source_system="crm", rows=sale_rows(partner_a, product, range(5)))
    assert (again.created, again.existing, again.ids) == (0, 5, first.ids)
    overlap = services.sales_bulk_import(
        by=None, source_system="crm", rows=sale_rows(partner_a, product, range(3, 8), amount="99.00")
    )
    assert (overlap.created, overlap.existing) == (3, 2)
    assert SaleRecord.objects.count() == 8
    assert SaleRecord.objects.get(external_id="X-3").amount == Decimal("10.00")
    other = services.sales_bulk_import(by=None, source_system="erp", rows=sale_rows(partner_a, product, range(2)))
    assert other.created == 2 and SaleRecord.objects.count() == 10


def test_sale_record_create_validates(db, partner_a):
    product = f.ProductFactory()
    fields = {"partner": partner_a, "product": product, "customer_name": "客户", "customer_class": "A",
              "sold_on": datetime.date(2025, 1, 1), "external_id": "M-1"}
    with pytest.raises(ValidationError):
        services.sale_record_create(by=None, amount=Decimal("0"), **fields)
    with pytest.raises(ValidationError):
        services.sale_record_create(by=None, amount=Decimal("100000000.01"), **fields)
    sale = services.sale_record_create(by=None, amount=Decimal("1.00"), **fields)
    assert sale.source_system == "manual" and sale.status == SaleStatus.BOOKED


def test_set_status(db, partner_a):
    sale = f.SaleRecordFactory(partner=partner_a)
    updated = services.sale_record_set_status(sale=sale, by=None, status=SaleStatus.REFUNDED)
    assert updated.status == SaleStatus.REFUNDED
    sale.refresh_from_db()
    assert sale.status == SaleStatus.REFUNDED
