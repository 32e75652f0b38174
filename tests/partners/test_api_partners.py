"""/api/v1/partners/: the isolation suite, every filter, ordering, pagination, history, codes."""
import datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from partners.choices import CooperationModel, PartnerStatus, Tier, TrackedField
from partners.models import Partner, PartnerChange, PartnerType
from tests import factories as f
from tests.api_suite import ADMIN_ONLY, OWN, APIIsolationSuite, DetailAction, ids_of

URL = "/api/v1/partners/"


def create_body(**overrides):
    body = {
        "name": "成都新伙伴科技有限公司",
        "partner_type": "SA",
        "city": "CD",
        "cooperation_model": CooperationModel.CHANNEL_SHARING,
        "joined_on": "2025-03-01",
    }
    body.update(overrides)
    return body


class TestPartnerAPI(APIIsolationSuite):
    url = URL
    model = Partner
    delete_roles = ADMIN_ONLY
    create_roles = frozenset({"admin", "channel_manager", "integration_rw"})
    scope_error_field = "channel_manager"
    detail_actions = [DetailAction("history", method="get")]

    def make_object(self, world, partner):
        return partner

    def make_many(self, world, count):
        own = world.partners[OWN]
        return [f.PartnerFactory(city=own.city, channel_manager=own.channel_manager) for _ in range(count)]

    def create_payload(self, world, partner):
        return create_body(
            name=f"新伙伴{world.unique()}", city=partner.city.code, channel_manager=partner.channel_manager_id
        )

    def check_created(self, world, response, partner):
        created = Partner.objects.get(pk=response.json()["id"])
        assert (created.city_id, created.channel_manager_id) == (partner.city_id, partner.channel_manager_id)

    def update_payload(self, world, obj):
        return {"address": "成都市高新区天府大道北段1700号", "phone": "028-85550000"}


# --- filters ---------------------------------------------------------------------------------
@pytest.fixture
def registry(db, channel_manager, other_channel_manager):
    """Three partners that differ in every filtered attribute."""
    x = f.ProductFactory(code="ECM")
    y = f.ProductFactory(code="MAS")
    p1 = f.PartnerFactory(
        name="成都云网科技", name_en="Cloudnet", partner_type=f.partner_type("SA"), city=f.city("CD"),
        tier=Tier.GOLD, status=PartnerStatus.ACTIVE, cooperation_model=CooperationModel.CHANNEL_SHARING,
        channel_manager=channel_manager, customer_classes="AB", joined_on=datetime.date(2023, 5, 1),
    )
    p2 = f.PartnerFactory(
        name="绵阳软件园", name_en="Mianyang Soft", partner_type=f.partner_type("ISV"), city=f.city("MY"),
        tier=Tier.CERTIFIED, status=PartnerStatus.SUSPENDED, cooperation_model=CooperationModel.CUSTOMER_SHARING,
        channel_manager=other_channel_manager, customer_classes="C", joined_on=datetime.date(2024, 2, 10),
    )
    p3 = f.PartnerFactory(
        name="天府集成", name_en="Tianfu Integration", partner_type=f.partner_type("SI"), city=f.city("CD"),
        tier=Tier.REGISTERED, status=PartnerStatus.PROSPECT, cooperation_model=CooperationModel.CO_OPERATION,
        channel_manager=None, customer_classes="BC", joined_on=datetime.date(2025, 3, 3),
    )
    p1.authorised_products.set([x])
    p3.authorised_products.set([x, y])
    return {"p1": p1, "p2": p2, "p3": p3}


def listed(client, params):
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    return {row["code"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    "params, expected",
    [
        ({}, {"p1", "p2", "p3"}),
        ({"type": "SA"}, {"p1"}),
        ({"type": ["SA", "SI"]}, {"p1", "p3"}),
        ({"tier": "gold"}, {"p1"}),
        ({"tier": ["certified", "registered"]}, {"p2", "p3"}),
        ({"cooperation_model": "customer_sharing"}, {"p2"}),
        ({"cooperation_model": ["channel_sharing", "co_operation"]}, {"p1", "p3"}),
        ({"city": "CD"}, {"p1", "p3"}),
        ({"city": ["MY", "DY"]}, {"p2"}),
        ({"status": "suspended"}, {"p2"}),
        ({"status": ["active", "prospect"]}, {"p1", "p3"}),
        ({"customer_class": "B"}, {"p1", "p3"}),
        ({"customer_class": "A"}, {"p1"}),
        ({"product": "ECM"}, {"p1", "p3"}),
        ({"product": "MAS"}, {"p3"}),
        ({"joined_from": "2024-01-01"}, {"p2", "p3"}),
        ({"joined_to": "2024-02-10"}, {"p1", "p2"}),
        ({"joined_from": "2024-02-10", "joined_to": "2024-02-10"}, {"p2"}),
        ({"q": "云网"}, {"p1"}),
        ({"q": "cloudNET"}, {"p1"}),
        ({"q": "ISV-MY"}, {"p2"}),
        ({"q": "  "}, {"p1", "p2", "p3"}),
        ({"q": "nothing like this"}, set()),
        ({"tier": "gold", "city": "MY"}, set()),
        ({"type": "SI", "city": "CD", "status": "prospect", "customer_class": "C"}, {"p3"}),
    ],
)
def test_filters(as_user, admin_user, registry, params, expected):
    assert listed(as_user(admin_user), params) == {registry[name].code for name in expected}


def test_filter_by_channel_manager(as_user, admin_user, registry, channel_manager, other_channel_manager):
    client = as_user(admin_user)
    assert listed(client, {"channel_manager": channel_manager.pk}) == {registry["p1"].code}
    assert listed(client, {"channel_manager": other_channel_manager.pk}) == {registry["p2"].code}


def test_managed_by_me(as_user, channel_manager, registry):
    client = as_user(channel_manager)
    assert listed(client, {"managed_by_me": "true"}) == {registry["p1"].code}
    assert listed(client, {"managed_by_me": "false"}) == {registry["p2"].code, registry["p3"].code}


def test_filters_never_widen_a_partner_users_scope(as_user, registry):
    user = f.PartnerUserFactory(partner=registry["p1"])
    client = as_user(user)
    assert listed(client, {}) == {registry["p1"].code}
    assert listed(client, {"city": "MY"}) == set()
    assert listed(client, {"q": "绵阳"}) == set()


@pytest.mark.parametrize(
    "params, field",
    [
        ({"type": "XX"}, "type"),
        ({"tier": "platinum"}, "tier"),
        ({"cooperation_model": "barter"}, "cooperation_model"),
        ({"city": "ZZZ"}, "city"),
        ({"status": "deleted"}, "status"),
        ({"channel_manager": "abc"}, "channel_manager"),
        ({"channel_manager": "99999999999999999999"}, "channel_manager"),
        ({"customer_class": "D"}, "customer_class"),
        ({"product": "NOPE"}, "product"),
        ({"joined_from": "2024-13-01"}, "joined_from"),
        ({"joined_to": "yesterday"}, "joined_to"),
        ({"managed_by_me": "maybe"}, "managed_by_me"),
        ({"q": "x" * 101}, "q"),
    ],
)
def test_bad_filter_values_are_400(as_user, admin_user, registry, params, field):
    response = as_user(admin_user).get(URL, params)
    assert response.status_code == 400
    assert field in response.json()


def test_channel_manager_filter_accepts_only_channel_managers(as_user, admin_user, registry, product_manager):
    response = as_user(admin_user).get(URL, {"channel_manager": product_manager.pk})
    assert response.status_code == 400
    assert "channel_manager" in response.json()


def test_partner_users_cannot_probe_staff_ids_with_the_channel_manager_filter(
    as_user, partner_user_a, partner_a, channel_manager, other_channel_manager, product_manager
):
    client = as_user(partner_user_a)
    own = client.get(URL, {"channel_manager": partner_a.channel_manager_id})
    assert own.status_code == 200 and [row["code"] for row in own.json()["results"]] == [partner_a.code]
    # another channel manager, a product manager and an unknown id all answer alike: nothing
    for pk in (other_channel_manager.pk, product_manager.pk, 987654):
        response = client.get(URL, {"channel_manager": pk})
        assert (response.status_code, response.json()["count"]) == (200, 0)


# --- ordering and pagination -----------------------------------------------------------------
@pytest.mark.parametrize("field", ["code", "name", "joined_on", "status", "created_at", "updated_at"])
@pytest.mark.parametrize("descending", [False, True])
def test_ordering(as_user, admin_user, registry, field, descending):
    # ASCII names so that every database collation agrees with Python's sort
    for index, partner in enumerate(registry.values()):
        Partner.objects.filter(pk=partner.pk).update(name=["Gamma", "Alpha", "Beta"][index])
    response = as_user(admin_user).get(URL, {"ordering": f"-{field}" if descending else field})
    assert response.status_code == 200
    values = [row[field] for row in response.json()["results"]]
    assert len(values) == 3
    assert values == sorted(values, reverse=descending)


@pytest.mark.parametrize("descending", [False, True])
def test_ordering_by_tier_follows_its_rank_not_the_alphabet(as_user, admin_user, registry, descending):
    for partner, tier in zip(registry.values(), ["gold", "registered", "certified"]):
        Partner.objects.filter(pk=partner.pk).update(tier=tier)
    response = as_user(admin_user).get(URL, {"ordering": "-tier" if descending else "tier"})
    tiers = [row["tier"] for row in response.json()["results"]]
    rank = ["registered", "certified", "gold"]
    assert tiers == (rank[::-1] if descending else rank)


def test_ordering_by_several_fields(as_user, admin_user, registry):
    response = as_user(admin_user).get(URL, {"ordering": "city,-joined_on"})
    assert response.status_code == 400  # city is not offered
    response = as_user(admin_user).get(URL, {"ordering": "status,-joined_on"})
    assert [row["status"] for row in response.json()["results"]] == ["active", "prospect", "suspended"]


def test_default_ordering_is_by_code(as_user, admin_user, registry):
    codes = [row["code"] for row in as_user(admin_user).get(URL).json()["results"]]
    assert codes == sorted(codes)


@pytest.mark.parametrize("ordering", ["bogus", "-bogus", "revenue_share", "code,bogus", "-", "channel_manager__password"])
def test_unknown_ordering_is_400(as_user, admin_user, registry, ordering):
    response = as_user(admin_user).get(URL, {"ordering": ordering})
    assert response.status_code == 400
    assert "ordering" in response.json()


def test_pagination(as_user, admin_user, registry):
    client = as_user(admin_user)
    body = client.get(URL, {"page_size": 2}).json()
    assert (body["count"], body["page"], body["page_size"], body["pages"]) == (3, 1, 2, 2)
    assert len(body["results"]) == 2 and body["next"] and body["previous"] is None
    second = client.get(URL, {"page_size": 2, "page": 2}).json()
    assert len(second["results"]) == 1 and second["next"] is None
    assert set(ids_of(body)) | set(ids_of(second)) == {p.pk for p in registry.values()}
    assert client.get(URL, {"page_size": 200}).status_code == 200
    assert client.get(URL, {"page": "last", "page_size": 2}).json()["page"] == 2


@pytest.mark.parametrize(
    "params, field",
    [
        ({"page_size": 201}, "page_size"),
        ({"page_size": 0}, "page_size"),
        ({"page_size": -5}, "page_size"),
        ({"page_size": "ten"}, "page_size"),
        ({"page_size": "99999999999999999999"}, "page_size"),
        ({"page": "abc"}, "page"),
        ({"page": 0}, "page"),
        ({"page": "1.5"}, "page"),
    ],
)
def test_bad_pagination_is_400(as_user, admin_user, registry, params, field):
    response = as_user(admin_user).get(URL, params)
    assert response.status_code == 400
    assert field in response.json()


def test_page_past_the_end_is_404(as_user, admin_user, registry):
    assert as_user(admin_user).get(URL, {"page": 99}).status_code == 404
    assert as_user(admin_user).get(URL, {"page": "99999999999999999999"}).status_code == 404


def test_list_query_count_is_the_same_for_1_and_50_rows_with_filters(as_user, channel_manager, registry):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(8):
        f.PartnerFactory(channel_manager=channel_manager, customer_classes="AB")
    client = as_user(channel_manager)
    params = {"city": "CD", "status": "active", "customer_class": "A"}
    client.get(URL, params)
    counts = []
    for size in (1, 50):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, {**params, "page_size": size})
        counts.append((len(queries), len(response.json()["results"])))
    assert counts[0][1] == 1 and counts[1][1] == 9
    assert counts[0][0] == counts[1][0]


# --- create ----------------------------------------------------------------------------------
def test_codes_follow_a_sequence_per_type_and_city(as_user, admin_user, db):
    client = as_user(admin_user)
    codes = [
        client.post(URL, create_body(partner_type=t, city=c), format="json").json()["code"]
        for t, c in [("SA", "CD"), ("SA", "CD"), ("ISV", "CD"), ("SA", "MY"), ("SA", "CD")]
    ]
    assert codes == ["SA-CD-0001", "SA-CD-0002", "ISV-CD-0001", "SA-MY-0001", "SA-CD-0003"]


def test_code_cannot_be_chosen_or_changed(as_user, admin_user, db):
    client = as_user(admin_user)
    created = client.post(URL, create_body(code="MINE-001"), format="json").json()
    assert created["code"] == "SA-CD-0001"
    client.patch(f"{URL}{created['id']}/", {"code": "OTHER"}, format="json")
    assert Partner.objects.get(pk=created["id"]).code == "SA-CD-0001"


def test_channel_manager_becomes_owner_by_default(as_user, channel_manager, db):
    response = as_user(channel_manager).post(URL, create_body(city="MY"), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["channel_manager"] == channel_manager.pk
    partner = Partner.objects.get(pk=response.json()["id"])
    assert partner.channel_manager == channel_manager
    initial = {c.field: (c.old_value, c.new_value, c.changed_by) for c in partner.changes.all()}
    assert initial == {
        TrackedField.TIER: ("", Tier.REGISTERED, channel_manager),
        TrackedField.STATUS: ("", PartnerStatus.PROSPECT, channel_manager),
        TrackedField.CHANNEL_MANAGER: ("", channel_manager.username, channel_manager),
    }


def test_channel_manager_may_register_for_a_colleague_in_a_covered_city(
    as_user, channel_manager, other_channel_manager
):
    client = as_user(channel_manager)
    ok = client.post(URL, create_body(city="CD", channel_manager=other_channel_manager.pk), format="json")
    assert ok.status_code == 201
    assert ok.json()["channel_manager"] == other_channel_manager.pk
    refused = client.post(URL, create_body(city="MY", channel_manager=other_channel_manager.pk), format="json")
    assert refused.status_code == 400
    assert "channel_manager" in refused.json()


def test_admin_and_integrations_create_without_owner(as_user, admin_user, integration_rw, db):
    for user in (admin_user, integration_rw):
        response = as_user(user).post(URL, create_body(), format="json")
        assert response.status_code == 201
        assert response.json()["channel_manager"] is None


def test_create_with_every_field(as_user, admin_user, channel_manager, db):
    f.ProductFactory(code="ECM")
    f.ProductFactory(code="SMS")
    body = create_body(
        name_en="Chengdu New Partner", tier=Tier.CERTIFIED, status=PartnerStatus.ACTIVE,
        cooperation_model=CooperationModel.CO_EXPANSION, channel_manager=channel_manager.pk,
        customer_classes=["C", "A", "C"], revenue_share="0.2500", address="成都市锦江区", phone="028-1",
        website="https://partner.example.com", description="主营企业信息化", authorised_products=["SMS", "ECM"],
        change_reason="签约",
    )
    response = as_user(admin_user).post(URL, body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["customer_classes"] == ["A", "C"]
    assert data["authorised_products"] == ["ECM", "SMS"]
    assert data["revenue_share"] == "0.2500"
    assert data["tier_display"] == "Certified partner"
    assert data["city_label"] == "Chengdu"
    assert data["contacts_count"] == 0
    assert "change_reason" not in data
    assert set(PartnerChange.objects.filter(partner_id=data["id"]).values_list("reason", flat=True)) == {"签约"}


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"name": ""}, "name"),
        ({"name": "名" * 201}, "name"),
        ({"partner_type": "XX"}, "partner_type"),
        ({"partner_type": None}, "partner_type"),
        ({"city": "ZZZ"}, "city"),
        ({"city": 5}, "city"),
        ({"cooperation_model": "barter"}, "cooperation_model"),
        ({"tier": "platinum"}, "tier"),
        ({"status": "deleted"}, "status"),
        ({"joined_on": "2024-02-30"}, "joined_on"),
        ({"joined_on": "tomorrow"}, "joined_on"),
        ({"revenue_share": "1.5"}, "revenue_share"),
        ({"revenue_share": "-0.1"}, "revenue_share"),
        ({"revenue_share": "0.123456"}, "revenue_share"),
        ({"revenue_share": "NaN"}, "revenue_share"),
        ({"revenue_share": "Infinity"}, "revenue_share"),
        ({"revenue_share": "abc"}, "revenue_share"),
        ({"customer_classes": "AB"}, "customer_classes"),
        ({"customer_classes": ["D"]}, "customer_classes"),
        ({"customer_classes": [1]}, "customer_classes"),
        ({"customer_classes": [["A"]]}, "customer_classes"),
        ({"website": "not a url"}, "website"),
        ({"description": "x" * 4001}, "description"),
        ({"channel_manager": 99999999999999999999}, "channel_manager"),
        ({"channel_manager": "abc"}, "channel_manager"),
        ({"authorised_products": ["NOPE"]}, "authorised_products"),
        ({"authorised_products": "ECM"}, "authorised_products"),
        ({"change_reason": "r" * 501}, "change_reason"),
    ],
)
def test_create_validation(as_user, admin_user, db, overrides, field):
    response = as_user(admin_user).post(URL, create_body(**overrides), format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Partner.objects.exists()


def test_missing_fields_are_named(as_user, admin_user, db):
    response = as_user(admin_user).post(URL, {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"name", "partner_type", "city", "cooperation_model", "joined_on"}


def test_only_channel_managers_can_own_partners(as_user, admin_user, product_manager, partner_user_a):
    client = as_user(admin_user)
    for user in (product_manager, partner_user_a):
        response = client.post(URL, create_body(channel_manager=user.pk), format="json")
        assert response.status_code == 400
        assert "channel_manager" in response.json()
    inactive = f.UserFactory(role="channel_manager", is_active=False)
    assert client.post(URL, create_body(channel_manager=inactive.pk), format="json").status_code == 400


def test_inactive_partner_types_cannot_be_chosen(as_user, admin_user, db):
    PartnerType.objects.create(code="OEM", name="OEM", name_zh="原始设备制造商", active=False)
    response = as_user(admin_user).post(URL, create_body(partner_type="OEM"), format="json")
    assert response.status_code == 400
    assert "partner_type" in response.json()


# --- update and history -----------------------------------------------------------------------
def test_tier_status_and_owner_changes_are_recorded(as_user, channel_manager, other_channel_manager, partner_a):
    client = as_user(channel_manager)
    response = client.patch(
        f"{URL}{partner_a.pk}/",
        {"tier": "gold", "status": "suspended", "channel_manager": other_channel_manager.pk,
         "change_reason": "年度评审"},
        format="json",
    )
    assert response.status_code == 200, response.content
    changes = {c.field: c for c in PartnerChange.objects.filter(partner=partner_a)}
    assert set(changes) == {TrackedField.TIER, TrackedField.STATUS, TrackedField.CHANNEL_MANAGER}
    assert (changes["tier"].old_value, changes["tier"].new_value) == ("registered", "gold")
    assert (changes["status"].old_value, changes["status"].new_value) == ("active", "suspended")
    assert (changes["channel_manager"].old_value, changes["channel_manager"].new_value) == ("cm", "cm2")
    for change in changes.values():
        assert change.changed_by == channel_manager
        assert change.reason == "年度评审"
        assert change.changed_at is not None

    history = client.get(f"{URL}{partner_a.pk}/history/").json()
    assert history["count"] == 3
    row = next(r for r in history["results"] if r["field"] == "tier")
    assert row["changed_by"]["username"] == "cm"
    assert (row["old_value"], row["new_value"], row["reason"]) == ("registered", "gold", "年度评审")
    assert row["field_display"] == "Certification tier"
    assert row["partner_code"] == partner_a.code


def test_unchanged_values_are_not_recorded(as_user, admin_user, partner_a):
    client = as_user(admin_user)
    response = client.patch(
        f"{URL}{partner_a.pk}/",
        {"tier": partner_a.tier, "status": partner_a.status, "revenue_share": "0.15", "name": "新名字"},
        format="json",
    )
    assert response.status_code == 200
    assert not PartnerChange.objects.filter(partner=partner_a).exists()


def test_every_tracked_field_is_recorded(as_user, admin_user, partner_a):
    response = as_user(admin_user).patch(
        f"{URL}{partner_a.pk}/",
        {"partner_type": "ISV", "city": "MY", "cooperation_model": "co_expansion", "revenue_share": "0.2",
         "channel_manager": None},
        format="json",
    )
    assert response.status_code == 200, response.content
    recorded = {c.field: (c.old_value, c.new_value) for c in PartnerChange.objects.filter(partner=partner_a)}
    assert recorded == {
        "partner_type": ("SA", "ISV"),
        "city": ("CD", "MY"),
        "cooperation_model": ("channel_sharing", "co_expansion"),
        "revenue_share": ("0.1500", "0.2000"),
        "channel_manager": ("cm", ""),
    }
    partner_a.refresh_from_db()
    assert partner_a.code.startswith("SA-CD-")  # the code stays what it was


def test_history_is_newest_first_and_paginated(as_user, admin_user, partner_a):
    client = as_user(admin_user)
    for tier in ("certified", "gold", "registered"):
        client.patch(f"{URL}{partner_a.pk}/", {"tier": tier}, format="json")
    body = client.get(f"{URL}{partner_a.pk}/history/", {"page_size": 2}).json()
    assert body["count"] == 3 and len(body["results"]) == 2
    assert [r["new_value"] for r in body["results"]] == ["registered", "gold"]
    assert client.get(f"{URL}{partner_a.pk}/history/", {"page_size": 500}).status_code == 400


def test_partner_user_edits_only_profile_fields(as_user, partner_user_a, partner_a):
    client = as_user(partner_user_a)
    response = client.patch(
        f"{URL}{partner_a.pk}/",
        {"tier": "gold", "status": "exited", "name": "改名", "revenue_share": "0.9", "channel_manager": None,
         "city": "MY", "customer_classes": ["A"], "authorised_products": [],
         "name_en": "Chengdu A Co", "address": "成都市武侯区", "phone": "028-66668888",
         "website": "https://a.example.com", "description": "我们做企业短信"},
        format="json",
    )
    assert response.status_code == 200, response.content
    partner = Partner.objects.get(pk=partner_a.pk)
    assert (partner.tier, partner.status, partner.name, partner.revenue_share) == (
        Tier.REGISTERED, PartnerStatus.ACTIVE, "成都甲公司", Decimal("0.1500"))
    assert partner.channel_manager_id == partner_a.channel_manager_id and partner.city.code == "CD"
    assert (partner.name_en, partner.address, partner.phone, partner.website, partner.description) == (
        "Chengdu A Co", "成都市武侯区", "028-66668888", "https://a.example.com", "我们做企业短信")
    assert not PartnerChange.objects.filter(partner=partner_a).exists()


def test_partner_user_put_needs_only_profile_fields(as_user, partner_user_a, partner_a):
    response = as_user(partner_user_a).put(f"{URL}{partner_a.pk}/", {"phone": "028-1"}, format="json")
    assert response.status_code == 200, response.content
    assert Partner.objects.get(pk=partner_a.pk).phone == "028-1"


def test_partner_user_profile_validation(as_user, partner_user_a, partner_a):
    response = as_user(partner_user_a).patch(
        f"{URL}{partner_a.pk}/", {"website": "nonsense", "phone": "1" * 41}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"website", "phone"}


def test_authorised_products_are_replaced(as_user, channel_manager, partner_a):
    f.ProductFactory(code="ECM")
    f.ProductFactory(code="MAS")
    client = as_user(channel_manager)
    url = f"{URL}{partner_a.pk}/"
    assert client.patch(url, {"authorised_products": ["MAS", "ECM"]}, format="json").json()[
        "authorised_products"] == ["ECM", "MAS"]
    assert client.patch(url, {"authorised_products": ["MAS"]}, format="json").json()["authorised_products"] == ["MAS"]
    assert client.patch(url, {"name": "x"}, format="json").json()["authorised_products"] == ["MAS"]


def test_detail_counts_contacts(as_user, admin_user, partner_a):
    f.ContactFactory(partner=partner_a)
    f.ContactFactory(partner=partner_a)
    body = as_user(admin_user).get(f"{URL}{partner_a.pk}/").json()
    assert body["contacts_count"] == 2
    assert "description" in body and "authorised_products" in body


def test_delete_of_a_partner_with_sales_is_refused(as_user, admin_user, partner_a):
    f.SaleRecordFactory(partner=partner_a)
    response = as_user(admin_user).delete(f"{URL}{partner_a.pk}/")
    assert response.status_code == 409
    assert Partner.objects.filter(pk=partner_a.pk).exists()


def test_history_of_an_out_of_scope_partner_is_404(as_user, partner_user_a, partner_b):
    assert as_user(partner_user_a).get(f"{URL}{partner_b.pk}/history/").status_code == 404


# --- property tests --------------------------------------------------------------------------
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(classes=st.lists(st.sampled_from(["A", "B", "C"]), max_size=6))
def test_customer_classes_round_trip(as_user, admin_user, partner_a, classes):
    client = as_user(admin_user)
    response = client.patch(f"{URL}{partner_a.pk}/", {"customer_classes": classes}, format="json")
    assert response.status_code == 200, response.content
    expected = sorted(set(classes))
    assert response.json()["customer_classes"] == expected
    assert client.get(f"{URL}{partner_a.pk}/").json()["customer_classes"] == expected
    assert Partner.objects.get(pk=partner_a.pk).customer_classes == "".join(expected)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=6,
)
partner_fields = st.sampled_from(
    ["name", "name_en", "partner_type", "city", "cooperation_model", "tier", "status", "joined_on",
     "channel_manager", "customer_classes", "revenue_share", "website", "authorised_products", "change_reason"]
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(garbage=st.dictionaries(partner_fields, json_values, min_size=1, max_size=5))
def test_random_partner_payloads_never_500(as_user, channel_manager, garbage):
    client = as_user(channel_manager)
    response = client.post(URL, create_body(**garbage), format="json")
    assert response.status_code in (201, 400), response.content
    if response.status_code == 400:
        assert set(response.json()) <= set(create_body(**garbage)) | {"non_field_errors"}
    partner = Partner.objects.first()
    if partner is not None:
        patched = client.patch(f"{URL}{partner.pk}/", garbage, format="json")
        assert patched.status_code in (200, 400, 403), patched.content


def test_history_query_count_does_not_grow_with_rows(as_user, admin_user, partner_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user(admin_user)
    url = f"{URL}{partner_a.pk}/history/"
    for tier in ("certified", "gold", "registered", "gold"):
        client.patch(f"{URL}{partner_a.pk}/", {"tier": tier}, format="json")
    client.get(url)
    counts = []
    for size in (1, 50):
        with CaptureQueriesContext(connection) as queries:
            rows = client.get(url, {"page_size": size}).json()["results"]
        counts.append((len(queries), len(rows)))
    assert counts[0][1] == 1 and counts[1][1] == 4
    assert counts[0][0] == counts[1][0]


def test_filter_state_never_carries_over_between_requests(as_user, channel_manager, partner_a, partner_b):
    """The partner filterset reuses its form class and copies filters shallowly (speed): two
    requests with different filters each get their own answer, in either order."""
    client = as_user(channel_manager)
    for _ in range(2):
        chengdu = client.get("/api/v1/partners/", {"city": "CD"}).json()
        mianyang = client.get("/api/v1/partners/", {"city": "MY"}).json()
        everyone = client.get("/api/v1/partners/").json()
        assert [p["code"] for p in chengdu["results"]] == [partner_a.code]
        assert [p["code"] for p in mianyang["results"]] == [partner_b.code]
        assert everyone["count"] == 2
    assert client.get("/api/v1/partners/", {"city": "XX"}).status_code == 400
    assert client.get("/api/v1/partners/", {"city": "CD"}).json()["count"] == 1
