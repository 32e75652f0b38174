"""/api/v1/sales/: isolation, filters, validation, set-status and the idempotent bulk upload."""
import datetime
from decimal import Decimal

import pytest
from django.conf import settings

from partners.choices import SaleStatus
from partners.models import SaleRecord
from tests import factories as f
from tests.api_suite import ADMIN, CHANNEL_MANAGER, INTEGRATION_RW, APIIsolationSuite, DetailAction, ids_of

URL = "/api/v1/sales/"
BULK = "/api/v1/sales/bulk/"
SALE_WRITERS = frozenset({ADMIN, CHANNEL_MANAGER, INTEGRATION_RW})


class TestSaleRecordAPI(APIIsolationSuite):
    url = URL
    model = SaleRecord
    create_roles = SALE_WRITERS
    update_roles = delete_roles = None  # a booked sale changes only through set-status
    detail_actions = [
        DetailAction("set-status", roles=SALE_WRITERS, payload=lambda suite, world, obj: {"status": "refunded"})
    ]

    def make_object(self, world, partner):
        return f.SaleRecordFactory(partner=partner)

    def create_payload(self, world, partner):
        f.ProductFactory(code="SMS")
        return {
            "partner": partner.pk, "product": "SMS", "customer_name": "成都某中学", "customer_class": "C",
            "amount": "1280.00", "sold_on": "2025-05-20", "source_system": "crm", "external_id": f"S-{world.unique()}",
        }


# --- create ---------------------------------------------------------------------------------------
def sale_body(for_partner, **overrides):
    body = {
        "partner": for_partner.pk, "product": "SMS", "customer_name": "绵阳某医院", "customer_class": "B",
        "amount": "5000.00", "sold_on": "2025-06-01", "source_system": "crm", "external_id": "CRM-1",
    }
    body.update(overrides)
    return body


@pytest.fixture
def sms(db):
    return f.ProductFactory(code="SMS", name="Enterprise SMS", name_zh="企信通")


def test_create_and_read_back(as_user, channel_manager, partner_a, sms):
    response = as_user(channel_manager).post(URL, sale_body(partner_a), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["partner_code"], body["product"], body["product_label"]) == (partner_a.code, "SMS", "Enterprise SMS")
    assert (body["amount"], body["status"], body["status_display"]) == ("5000.00", "booked", "Booked")
    sale = SaleRecord.objects.get(pk=body["id"])
    assert sale.amount == Decimal("5000.00") and sale.sold_on == datetime.date(2025, 6, 1)


def test_source_system_defaults_to_manual(as_user, admin_user, partner_a, sms):
    body = sale_body(partner_a)
    del body["source_system"]
    assert as_user(admin_user).post(URL, body, format="json").json()["source_system"] == "manual"


def test_external_id_is_unique_per_source_system(as_user, admin_user, partner_a, sms):
    client = as_user(admin_user)
    assert client.post(URL, sale_body(partner_a), format="json").status_code == 201
    again = client.post(URL, sale_body(partner_a, amount="1.00"), format="json")
    assert again.status_code == 400
    assert "external_id" in again.json()
    assert client.post(URL, sale_body(partner_a, source_system="erp"), format="json").status_code == 201
    assert SaleRecord.objects.count() == 2


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"amount": "0"}, "amount"),
        ({"amount": "0.00"}, "amount"),
        ({"amount": "-10"}, "amount"),
        ({"amount": "100000000.01"}, "amount"),
        ({"amount": "1e20"}, "amount"),
        ({"amount": "12.345"}, "amount"),
        ({"amount": "NaN"}, "amount"),
        ({"amount": "Infinity"}, "amount"),
        ({"amount": "-Infinity"}, "amount"),
        ({"amount": "lots"}, "amount"),
        ({"amount": None}, "amount"),
        ({"amount": [1]}, "amount"),
        ({"product": "NOPE"}, "product"),
        ({"product": None}, "product"),
        ({"partner": 99999999999999999999}, "partner"),
        ({"partner": -1}, "partner"),
        ({"partner": "one"}, "partner"),
        ({"customer_class": "D"}, "customer_class"),
        ({"customer_name": ""}, "customer_name"),
        ({"customer_name": "名" * 201}, "customer_name"),
        ({"sold_on": "2025-02-29"}, "sold_on"),
        ({"sold_on": 20250101}, "sold_on"),
        ({"sold_on": "0001-01-01"}, "sold_on"),
        ({"sold_on": "1999-12-31"}, "sold_on"),
        ({"sold_on": "2999-01-01"}, "sold_on"),
        ({"status": "lost"}, "status"),
        ({"external_id": ""}, "external_id"),
        ({"external_id": "x" * 65}, "external_id"),
        ({"source_system": "s" * 33}, "source_system"),
    ],
)
def test_create_validation(as_user, admin_user, partner_a, sms, overrides, field):
    response = as_user(admin_user).post(URL, sale_body(partner_a, **overrides), format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not SaleRecord.objects.exists()


def test_sale_dates_from_the_programme_start_to_tomorrow_are_accepted(as_user, admin_user, partner_a, sms):
    from django.utils import timezone

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    for n, day in enumerate([datetime.date(2000, 1, 1), tomorrow]):
        body = sale_body(partner_a, sold_on=day.isoformat(), external_id=f"CRM-{n}")
        assert as_user(admin_user).post(URL, body, format="json").status_code == 201
    body = sale_body(partner_a, sold_on=(tomorrow + datetime.timedelta(days=1)).isoformat(), external_id="CRM-9")
    response = as_user(admin_user).post(URL, body, format="json")
    assert response.status_code == 400 and response.json()["sold_on"] == ["A sale cannot be dated in the future."]


def test_bulk_names_the_row_with_an_implausible_date(as_user, integration_rw, partner_a, sms):
    response = bulk(as_user(integration_rw), [row(1, partner_a), row(2, partner_a, sold_on="1970-01-01")])
    assert response.status_code == 400
    assert "sold_on" in response.json()["records"]["1"]
    assert not SaleRecord.objects.exists()


def test_largest_amount_is_accepted(as_user, admin_user, partner_a, sms):
    response = as_user(admin_user).post(URL, sale_body(partner_a, amount="100000000.00"), format="json")
    assert response.status_code == 201
    assert response.json()["amount"] == "100000000.00"


def test_partner_users_do_not_book_sales(as_user, partner_user_a, partner_a, sms):
    assert as_user(partner_user_a).post(URL, sale_body(partner_a), format="json").status_code == 403


def test_sales_cannot_be_edited_or_deleted(as_user, admin_user, partner_a):
    sale = f.SaleRecordFactory(partner=partner_a)
    client = as_user(admin_user)
    assert client.patch(f"{URL}{sale.pk}/", {"amount": "1.00"}, format="json").status_code == 405
    assert client.delete(f"{URL}{sale.pk}/").status_code == 405


# --- set-status -------------------------------------------------------------------------------------
@pytest.mark.parametrize("new_status", [SaleStatus.REFUNDED, SaleStatus.CANCELLED, SaleStatus.BOOKED])
def test_set_status(as_user, channel_manager, partner_a, new_status):
    sale = f.SaleRecordFactory(partner=partner_a)
    response = as_user(channel_manager).post(f"{URL}{sale.pk}/set-status/", {"status": new_status}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == new_status
    sale.refresh_from_db()
    assert sale.status == new_status


@pytest.mark.parametrize("payload", [{}, {"status": "lost"}, {"status": None}, {"status": ["refunded"]}])
def test_set_status_validation(as_user, admin_user, partner_a, payload):
    sale = f.SaleRecordFactory(partner=partner_a)
    response = as_user(admin_user).post(f"{URL}{sale.pk}/set-status/", payload, format="json")
    assert response.status_code == 400
    assert "status" in response.json()
    sale.refresh_from_db()
    assert sale.status == SaleStatus.BOOKED


# --- filters and ordering -------------------------------------------------------------------------
@pytest.fixture
def ledger(partner_a, partner_b, sms):
    mas = f.ProductFactory(code="MAS")
    return {
        "s1": f.SaleRecordFactory(partner=partner_a, product=sms, customer_name="成都七中", customer_class="A",
                                  amount=Decimal("100.00"), sold_on=datetime.date(2025, 1, 10),
                                  source_system="crm", external_id="C-1"),
        "s2": f.SaleRecordFactory(partner=partner_a, product=mas, customer_name="华西医院", customer_class="B",
                                  amount=Decimal("2500.50"), sold_on=datetime.date(2025, 3, 1),
                                  source_system="erp", external_id="E-9", status=SaleStatus.REFUNDED),
        "s3": f.SaleRecordFactory(partner=partner_b, product=sms, customer_name="绵阳九洲", customer_class="C",
                                  amount=Decimal("99999.99"), sold_on=datetime.date(2025, 6, 30),
                                  source_system="crm", external_id="C-2", status=SaleStatus.CANCELLED),
    }


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"partner_code": "A"}, {"s1", "s2"}),
        ({"product": "MAS"}, {"s2"}),
        ({"customer_class": "C"}, {"s3"}),
        ({"status": "refunded"}, {"s2"}),
        ({"status": ["booked", "cancelled"]}, {"s1", "s3"}),
        ({"source_system": "crm"}, {"s1", "s3"}),
        ({"external_id": "E-9"}, {"s2"}),
        ({"source_system": "crm", "external_id": "C-2"}, {"s3"}),
        ({"sold_from": "2025-03-01"}, {"s2", "s3"}),
        ({"sold_to": "2025-03-01"}, {"s1", "s2"}),
        ({"sold_from": "2025-02-01", "sold_to": "2025-04-01"}, {"s2"}),
        ({"amount_min": "2500.50"}, {"s2", "s3"}),
        ({"amount_max": "2500.5"}, {"s1", "s2"}),
        ({"amount_min": "1e49"}, set()),
        ({"q": "医院"}, {"s2"}),
        ({"q": "c-"}, {"s1", "s3"}),
        ({}, {"s1", "s2", "s3"}),
    ],
)
def test_filters(as_user, admin_user, ledger, partner_a, params, expected):
    if params.get("partner_code") == "A":
        params = {"partner_code": partner_a.code}
    body = as_user(admin_user).get(URL, params).json()
    assert set(ids_of(body)) == {ledger[name].pk for name in expected}


def test_filter_by_partner(as_user, admin_user, ledger, partner_a, partner_b):
    client = as_user(admin_user)
    assert set(ids_of(client.get(URL, {"partner": partner_b.pk}).json())) == {ledger["s3"].pk}
    assert set(ids_of(client.get(URL, {"partner": partner_a.pk}).json())) == {ledger["s1"].pk, ledger["s2"].pk}


def test_partner_user_sees_own_sales_only(as_user, partner_user_a, ledger, partner_b):
    client = as_user(partner_user_a)
    assert set(ids_of(client.get(URL).json())) == {ledger["s1"].pk, ledger["s2"].pk}
    assert ids_of(client.get(URL, {"partner": partner_b.pk}).json()) == []
    assert ids_of(client.get(URL, {"partner_code": partner_b.code}).json()) == []


@pytest.mark.parametrize(
    "params, field",
    [
        ({"partner": "abc"}, "partner"),
        ({"partner": "99999999999999999999"}, "partner"),
        ({"partner": "1e999999"}, "partner"),
        ({"product": "NOPE"}, "product"),
        ({"customer_class": "Z"}, "customer_class"),
        ({"status": "lost"}, "status"),
        ({"sold_from": "2025-13-01"}, "sold_from"),
        ({"sold_to": "2025/13/45"}, "sold_to"),
        ({"amount_min": "NaN"}, "amount_min"),
        ({"amount_max": "Infinity"}, "amount_max"),
        ({"amount_min": "cheap"}, "amount_min"),
        ({"amount_max": "1e51"}, "amount_max"),
        ({"external_id": "x" * 65}, "external_id"),
        ({"ordering": "customer_name"}, "ordering"),
    ],
)
def test_bad_filters_are_400(as_user, admin_user, ledger, params, field):
    response = as_user(admin_user).get(URL, params)
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("ordering", ["sold_on", "-sold_on", "amount", "-amount", "created_at", "-created_at"])
def test_ordering(as_user, admin_user, ledger, ordering):
    rows = as_user(admin_user).get(URL, {"ordering": ordering}).json()["results"]
    key = ordering.lstrip("-")
    values = [Decimal(row[key]) if key == "amount" else row[key] for row in rows]
    assert len(values) == 3
    assert values == sorted(values, reverse=ordering.startswith("-"))


def test_default_ordering_is_newest_sale_first(as_user, admin_user, ledger):
    assert ids_of(as_user(admin_user).get(URL).json()) == [ledger[k].pk for k in ("s3", "s2", "s1")]


# --- bulk ----------------------------------------------------------------------------------------
def row(n, partner=None, code=None, **overrides):
    data = {
        "product": "SMS", "customer_name": f"客户{n}", "customer_class": "C", "amount": "99.90",
        "sold_on": "2025-07-01", "external_id": f"B-{n}",
    }
    if partner is not None:
        data["partner"] = partner.pk
    if code is not None:
        data["partner_code"] = code
    data.update(overrides)
    return data


def bulk(client, rows, source="crm"):
    return client.post(BULK, {"source_system": source, "records": rows}, format="json")


def test_bulk_creates_every_row(as_user, integration_rw, partner_a, partner_b, sms):
    rows = [row(1, partner_a), row(2, code=partner_b.code), row(3, partner_a, code=partner_a.code)]
    response = bulk(as_user(integration_rw), rows)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["created"], body["existing"]) == (3, 0)
    sales = {s.external_id: s for s in SaleRecord.objects.all()}
    assert body["ids"] == {ext: sale.pk for ext, sale in sales.items()}
    assert {ext: s.partner_id for ext, s in sales.items()} == {"B-1": partner_a.pk, "B-2": partner_b.pk,
                                                                "B-3": partner_a.pk}
    assert {s.source_system for s in sales.values()} == {"crm"}
    assert sales["B-1"].amount == Decimal("99.90") and sales["B-1"].status == SaleStatus.BOOKED


def test_the_same_batch_twice_leaves_one_copy(as_user, integration_rw, partner_a, sms):
    client = as_user(integration_rw)
    rows = [row(n, partner_a) for n in range(5)]
    first = bulk(client, rows).json()
    second = bulk(client, rows)
    assert second.status_code == 200
    assert (second.json()["created"], second.json()["existing"]) == (0, 5)
    assert second.json()["ids"] == first["ids"]
    assert SaleRecord.objects.count() == 5


def test_a_partly_overlapping_batch_adds_only_the_new_rows(as_user, integration_rw, partner_a, sms):
    client = as_user(integration_rw)
    bulk(client, [row(n, partner_a) for n in (1, 2, 3)])
    response = bulk(client, [row(n, partner_a, amount="1.00") for n in (2, 3, 4, 5)])
    assert response.status_code == 201
    assert (response.json()["created"], response.json()["existing"]) == (2, 2)
    assert sorted(SaleRecord.objects.values_list("external_id", flat=True)) == ["B-1", "B-2", "B-3", "B-4", "B-5"]
    # a re-sent row keeps what was first recorded
    assert SaleRecord.objects.get(external_id="B-2").amount == Decimal("99.90")
    assert SaleRecord.objects.get(external_id="B-4").amount == Decimal("1.00")


def test_external_ids_are_per_source_system(as_user, integration_rw, partner_a, sms):
    client = as_user(integration_rw)
    bulk(client, [row(1, partner_a)], source="crm")
    response = bulk(client, [row(1, partner_a)], source="erp")
    assert response.json()["created"] == 1
    assert SaleRecord.objects.count() == 2


def test_bulk_knows_rows_booked_one_by_one(as_user, admin_user, partner_a, sms):
    client = as_user(admin_user)
    single = client.post(URL, sale_body(partner_a, external_id="B-1"), format="json").json()
    response = bulk(client, [row(1, partner_a), row(2, partner_a)])
    assert (response.json()["created"], response.json()["existing"]) == (1, 1)
    assert response.json()["ids"]["B-1"] == single["id"]


def test_channel_manager_writes_only_partners_in_scope(as_user, channel_manager, partner_a, partner_b, sms):
    covered = f.PartnerFactory(city=partner_a.city)
    rows = [row(1, partner_a), row(2, covered), row(3, partner_b), row(4, code=partner_b.code)]
    response = bulk(as_user(channel_manager), rows)
    assert response.status_code == 400
    errors = response.json()["records"]
    assert set(errors) == {"2", "3"}
    assert "partner" in errors["2"] and "partner_code" in errors["3"]
    assert not SaleRecord.objects.exists()
    ok = bulk(as_user(channel_manager), rows[:2])
    assert ok.status_code == 201 and ok.json()["created"] == 2


@pytest.mark.parametrize("role", ["partner_user_a", "product_manager", "integration_ro"])
def test_bulk_refused_to_roles_that_do_not_write_sales(request, as_user, partner_a, sms, role):
    response = bulk(as_user(request.getfixturevalue(role)), [row(1, partner_a)])
    assert response.status_code == 403
    assert not SaleRecord.objects.exists()


def test_bulk_refused_to_anonymous(api, partner_a, sms):
    assert bulk(api, [row(1, partner_a)]).status_code in (401, 403)


def test_bulk_at_the_row_limit(as_user, integration_rw, partner_a, partner_b, sms):
    limit = settings.SALES_BULK_MAX_ROWS
    rows = [row(n, partner_a if n % 2 else None, code=None if n % 2 else partner_b.code) for n in range(limit)]
    client = as_user(integration_rw)
    response = bulk(client, rows)
    assert response.status_code == 201, response.content[:500]
    assert (response.json()["created"], len(response.json()["ids"])) == (limit, limit)
    assert SaleRecord.objects.count() == limit
