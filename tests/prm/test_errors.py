"""Bad input never causes a 500: each mistake is a 400 with a message per field (per row for bulk).

Runs on SQLite and on PostgreSQL (CI): NUL bytes, lone surrogates and integer overflow fail
differently on each, so every case goes through the real database.
"""
import json

import pytest
from django.conf import settings
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from partners.models import Contact, Partner, Product, SaleRecord, User
from tests import factories as f
from tests.partners.test_api_sales import BULK, bulk, row

HUGE = "99999999999999999999"  # past a 64-bit integer


@pytest.fixture
def sms(db):
    return f.ProductFactory(code="SMS")


@pytest.fixture
def admin(as_user, admin_user):
    return as_user(admin_user)


def payloads(partner, product):
    """A valid body for every create endpoint, and the model it creates."""
    return {
        "/api/v1/partners/": (Partner, {
            "name": "成都新伙伴", "partner_type": "SA", "city": "CD", "cooperation_model": "channel_sharing",
            "joined_on": "2025-01-01"}),
        "/api/v1/contacts/": (Contact, {"partner": partner.pk, "name": "王伟", "email": "w@example.com"}),
        "/api/v1/partner-users/": (User, {"username": "new-login", "partner": partner.pk,
                                          "password": "Sichuan-2025-strong"}),
        "/api/v1/products/": (Product, {"code": "NEWP", "name": "New", "name_zh": "新", "product_type": "configuration"}),
        "/api/v1/sales/": (SaleRecord, {
            "partner": partner.pk, "product": product.code, "customer_name": "客户", "customer_class": "A",
            "amount": "10.00", "sold_on": "2025-01-01", "external_id": "E-1"}),
    }


TEXT_FIELDS = {
    "/api/v1/partners/": ["name", "name_en", "address", "phone", "description"],
    "/api/v1/contacts/": ["name", "title", "phone", "notes"],
    "/api/v1/partner-users/": ["username", "first_name", "last_name", "phone"],
    "/api/v1/products/": ["code", "name", "name_zh", "description"],
    "/api/v1/sales/": ["customer_name", "external_id", "source_system"],
}
CREATE_URLS = list(TEXT_FIELDS)
LIST_URLS = ["/api/v1/partners/", "/api/v1/contacts/", "/api/v1/partner-users/", "/api/v1/products/",
             "/api/v1/sales/", "/api/v1/partner-changes/"]


def model_count(model):
    return model._base_manager.count()


# --- the request body ------------------------------------------------------------------------
MALFORMED = [
    b'{"name": ', b"{'single': 'quotes'}", b"not json at all", b'{"a": NaN}', b'{"a": Infinity}', b"\x00",
    b"[" * 50000 + b"]" * 50000,  # deeper than Python's parser can go
    b'{"a": ' + b"9" * 5000 + b"}",  # past Python's integer-string limit
    b"\xff\xfe{}",  # not UTF-8
]


@pytest.mark.parametrize("url", CREATE_URLS + ["/api/v1/sales/bulk/"])
def test_malformed_json_is_400(admin, partner_a, sms, url):
    for body in MALFORMED:
        response = admin.generic("POST", url, body, content_type="application/json")
        assert response.status_code == 400, (body[:20], response.content[:300])
        assert "detail" in response.json()


@pytest.mark.parametrize("url", CREATE_URLS + ["/api/v1/sales/bulk/"])
def test_a_body_that_is_not_an_object_is_400(admin, partner_a, sms, url):
    for body in ([], [1, 2], "text", 5, None, True):
        response = admin.post(url, json.dumps(body), content_type="application/json")
        assert response.status_code == 400, (body, response.content)
        assert "non_field_errors" in response.json()


def test_unsupported_media_type_is_415(admin, partner_a):
    response = admin.post("/api/v1/contacts/", "partner=1&name=x", content_type="text/plain")
    assert response.status_code == 415


def test_patch_with_malformed_json_changes_nothing(admin, partner_a):
    response = admin.generic("PATCH", f"/api/v1/partners/{partner_a.pk}/", b'{"tier": "gold"', content_type="application/json")
    assert response.status_code == 400
    partner_a.refresh_from_db()
    assert partner_a.tier == "registered"


# --- fields ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("url", CREATE_URLS)
def test_nul_characters_are_refused_per_field(admin, partner_a, sms, url):
    model, base = payloads(partner_a, sms)[url]
    count = model_count(model)
    for field in TEXT_FIELDS[url]:
        response = admin.post(url, {**base, field: "ab\x00cd"}, format="json")
        assert response.status_code == 400, (field, response.content)
        assert field in response.json(), field
    assert model_count(model) == count


@pytest.mark.parametrize("url", CREATE_URLS)
def test_lone_surrogates_are_refused_per_field(admin, partner_a, sms, url):
    model, base = payloads(partner_a, sms)[url]
    for field in TEXT_FIELDS[url]:
        body = json.dumps({**base, field: "PLACEHOLDER"}).replace("PLACEHOLDER", "ab\\ud800cd")
        response = admin.post(url, body, content_type="application/json")
        assert response.status_code == 400, (field, response.content)
        assert field in response.json(), field


@pytest.mark.parametrize("url", CREATE_URLS)
def test_over_long_strings_are_refused_per_field(admin, partner_a, sms, url):
    model, base = payloads(partner_a, sms)[url]
    for field in TEXT_FIELDS[url]:
        response = admin.post(url, {**base, field: "长" * 5000}, format="json")
        assert response.status_code == 400, (field, response.content)
        assert field in response.json(), field


@pytest.mark.parametrize("url", CREATE_URLS)
def test_wrong_types_are_refused(admin, partner_a, sms, url):
    model, base = payloads(partner_a, sms)[url]
    field = TEXT_FIELDS[url][0]
    for value in ({"nested": "object"}, ["a", "list"], True):
        response = admin.post(url, {**base, field: value}, format="json")
        assert response.status_code == 400, (value, response.content)
        assert field in response.json()


@pytest.mark.parametrize(
    "url, field",
    [("/api/v1/partners/", "cooperation_model"), ("/api/v1/partners/", "tier"), ("/api/v1/partners/", "status"),
     ("/api/v1/partners/", "partner_type"), ("/api/v1/partners/", "city"), ("/api/v1/products/", "product_type"),
     ("/api/v1/sales/", "customer_class"), ("/api/v1/sales/", "status"), ("/api/v1/sales/", "product")],
)
def test_unknown_choices_are_refused(admin, partner_a, sms, url, field):
    model, base = payloads(partner_a, sms)[url]
    response = admin.post(url, {**base, field: "no-such-choice"}, format="json")
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("url, field", [("/api/v1/contacts/", "partner"), ("/api/v1/partner-users/", "partner"),
                                        ("/api/v1/sales/", "partner"), ("/api/v1/partners/", "channel_manager")])
def test_absurd_ids_in_bodies_are_400(admin, partner_a, sms, url, field):
    model, base = payloads(partner_a, sms)[url]
    count = model_count(model)
    for value in (int(HUGE), -1, 0, 2**63, "1e5", float(partner_a.pk) + 0.5, float(partner_a.pk), True, [1]):
        response = admin.post(url, {**base, field: value}, format="json")
        assert response.status_code == 400, (value, response.content)
        assert field in response.json()
    assert model_count(model) == count


def test_absurd_amounts_are_400(admin, partner_a, sms):
    _model, base = payloads(partner_a, sms)["/api/v1/sales/"]
    for amount in ("-1", "0", "0.001", "-0.01", "100000000.01", "1e15", "1" * 40, "NaN", "-NaN", "sNaN",
                   "Infinity", "-Infinity", "1e999999", 1e308, -5, "", None, "1,000", [5], {"value": 5}):
        response = admin.post("/api/v1/sales/", {**base, "amount": amount}, format="json")
        assert response.status_code == 400, (amount, response.content)
        assert "amount" in response.json()
    assert not SaleRecord.objects.exists()


def test_absurd_revenue_shares_are_400(admin, partner_a):
    for ratio in ("-0.0001", "1.0001", "NaN", "Infinity", "1e3", "0.00001", "abc", [0.1]):
        response = admin.patch(f"/api/v1/partners/{partner_a.pk}/", {"revenue_share": ratio}, format="json")
        assert response.status_code == 400, (ratio, response.content)
        assert "revenue_share" in response.json()
    partner_a.refresh_from_db()
    assert str(partner_a.revenue_share) == "0.1500"


# --- URLs and query strings -------------------------------------------------------------------------
DETAIL_URLS = ["/api/v1/partners/{}/", "/api/v1/contacts/{}/", "/api/v1/partner-users/{}/", "/api/v1/products/{}/",
               "/api/v1/sales/{}/", "/api/v1/partner-changes/{}/", "/api/v1/cities/{}/", "/api/v1/partner-types/{}/",
               "/api/v1/partners/{}/history/"]


@pytest.mark.parametrize("template", DETAIL_URLS)
def test_absurd_ids_in_paths_are_404(admin, template):
    for pk in (HUGE, "-1", "0", "1e5", "abc", "%00", "9" * 400):
        url = template.format(pk)
        assert admin.get(url).status_code == 404, url
        if "history" not in url:
            assert admin.patch(url, {}, format="json").status_code in (404, 405), url
            assert admin.delete(url).status_code in (404, 405), url


@pytest.mark.parametrize("pk", [HUGE, "abc"])
def test_absurd_ids_in_action_paths_are_404(admin, sms, pk):
    assert admin.post(f"/api/v1/sales/{pk}/set-status/", {"status": "refunded"}, format="json").status_code == 404


ID_FILTERS = [("/api/v1/partners/", "channel_manager"), ("/api/v1/contacts/", "partner"),
              ("/api/v1/partner-users/", "partner"), ("/api/v1/sales/", "partner"),
              ("/api/v1/partner-changes/", "partner"), ("/api/v1/partner-changes/", "changed_by")]


@pytest.mark.parametrize("url, name", ID_FILTERS)
def test_absurd_id_filters_are_400(admin, partner_a, url, name):
    for value in (HUGE, "9" * 400, "-1", "1.5", "1e999999", "abc", "%00"):
        response = admin.get(f"{url}?{name}={value}")
        assert response.status_code == 400, (value, response.content)
        assert name in response.json()


DATE_FILTERS = [("/api/v1/partners/", "joined_from"), ("/api/v1/partners/", "joined_to"),
                ("/api/v1/sales/", "sold_from"), ("/api/v1/sales/", "sold_to"),
                ("/api/v1/partner-changes/", "changed_from"), ("/api/v1/partner-changes/", "changed_to")]


@pytest.mark.parametrize("url, name", DATE_FILTERS)
def test_invalid_dates_in_filters_are_400(admin, url, name):
    for value in ("2025-02-30", "2025-13-01", "0000-01-01", "99999-01-01", "yesterday", "%00"):
        response = admin.get(f"{url}?{name}={value}")
        assert response.status_code == 400, (value, response.content)
        assert name in response.json()


BAD_PAGING = [("page_size=201", "page_size"), ("page_size=0", "page_size"), (f"page_size={HUGE}", "page_size"),
              ("page_size=abc", "page_size"), ("page=abc", "page"), ("page=-1", "page"),
              ("ordering=nonsense", "ordering"), ("ordering=-password", "ordering"), ("ordering=%00", "ordering")]


@pytest.mark.parametrize("url", LIST_URLS)
def test_bad_paging_and_ordering_are_400(admin, url):
    for query, name in BAD_PAGING:
        response = admin.get(f"{url}?{query}")
        assert response.status_code == 400, (query, response.content)
        assert name in response.json()
    assert admin.get(f"{url}?page_size=200").status_code == 200


@pytest.mark.parametrize("url", LIST_URLS)
def test_text_filters_refuse_nul(admin, url):
    name = "field" if url.endswith("partner-changes/") else "q"
    response = admin.get(f"{url}?{name}=a%00b")
    assert response.status_code == 400
    assert name in response.json()


def test_odd_bytes_in_query_strings_never_500(admin):
    for query in ("q=%ED%A0%80", "q=%FF", "city=%ED%A0%80", "type=" + "A" * 5000, "q=" + "x" * 5000, "tier=%00"):
        assert admin.get(f"/api/v1/partners/?{query}").status_code in (200, 400), query


filter_names = st.sampled_from(
    ["type", "tier", "cooperation_model", "city", "status", "channel_manager", "customer_class", "product",
     "joined_from", "joined_to", "q", "managed_by_me", "ordering", "page", "page_size", "partner", "partner_code",
     "amount_min", "amount_max", "sold_from", "is_primary", "field", "changed_by"]
)
query_values = st.one_of(
    st.text(max_size=20), st.integers().map(str), st.floats().map(str), st.sampled_from(["", HUGE, "1e999", "NaN"])
)


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(url=st.sampled_from(LIST_URLS), params=st.dictionaries(filter_names, query_values, max_size=4))
def test_random_query_strings_never_500(admin, partner_a, url, params):
    response = admin.get(url, params)
    assert response.status_code in (200, 400, 404), response.content[:300]


# --- bulk sales ---------------------------------------------------------------------------------------
def test_bad_rows_are_reported_by_index_and_nothing_is_written(as_user, integration_rw, partner_a, sms):
    rows = [
        row(0, partner_a),
        row(1, partner_a, amount="-5"),
        row(2, partner_a),
        row(3, partner_a, product="NOPE"),
        row(4, partner_a, external_id="B-0"),
        row(5, code="SA-XX-0000"),
        row(6),
        row(7, partner_a, code="SI-MY-9999"),
    ]
    response = bulk(as_user(integration_rw), rows)
    assert response.status_code == 400
    errors = response.json()["records"]
    assert {index: sorted(e) for index, e in errors.items()} == {
        "1": ["amount"], "3": ["product"], "4": ["external_id"], "5": ["partner_code"], "6": ["partner"],
        "7": ["partner_code"],
    }
    assert "row 0" in errors["4"]["external_id"][0]
    assert not SaleRecord.objects.exists()


def test_field_errors_are_aligned_to_rows(as_user, integration_rw, partner_a, sms):
    rows = [row(0, partner_a), "not a row", row(2, partner_a, sold_on="2025-02-30", customer_class="Q"), row(3, partner_a)]
    response = bulk(as_user(integration_rw), rows)
    assert response.status_code == 400
    errors = response.json()["records"]
    assert set(errors) == {"1", "2"}
    assert "non_field_errors" in errors["1"]
    assert set(errors["2"]) == {"sold_on", "customer_class"}
    assert not SaleRecord.objects.exists()


def test_duplicate_external_ids_in_one_request_are_refused(as_user, integration_rw, partner_a, sms):
    response = bulk(as_user(integration_rw), [row(1, partner_a), row(2, partner_a), row(1, partner_a, amount="5")])
    assert response.status_code == 400
    errors = response.json()["records"]
    assert set(errors) == {"2"} and "external_id" in errors["2"]
    assert not SaleRecord.objects.exists()


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"source_system": "crm", "records": []}, "records"),
        ({"source_system": "crm"}, "records"),
        ({"source_system": "crm", "records": {"a": 1}}, "records"),
        ({"source_system": "crm", "records": "rows"}, "records"),
        ({"source_system": "crm", "records": None}, "records"),
        ({"records": [{"external_id": "x"}]}, "source_system"),
        ({"source_system": "my crm", "records": []}, "source_system"),
        ({"source_system": "c" * 33, "records": []}, "source_system"),
        ({"source_system": "crm\x00", "records": []}, "source_system"),
    ],
)
def test_bulk_request_validation(as_user, integration_rw, partner_a, sms, payload, field):
    response = as_user(integration_rw).post(BULK, payload, format="json")
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"amount": "0"}, "amount"),
        ({"amount": "NaN"}, "amount"),
        ({"amount": "Infinity"}, "amount"),
        ({"amount": "1e20"}, "amount"),
        ({"amount": 1e308}, "amount"),
        ({"partner": 99999999999999999999}, "partner"),
        ({"partner": 0}, "partner"),
        ({"partner": "x"}, "partner"),
        ({"partner_code": "C" * 21}, "partner_code"),
        ({"customer_name": "客户\x00"}, "customer_name"),
        ({"external_id": ""}, "external_id"),
        ({"external_id": "e" * 65}, "external_id"),
        ({"sold_on": "yesterday"}, "sold_on"),
        ({"status": "lost"}, "status"),
        ({"product": ""}, "product"),
    ],
)
def test_bulk_row_validation(as_user, integration_rw, partner_a, sms, overrides, field):
    response = bulk(as_user(integration_rw), [row(0, partner_a), {**row(1, partner_a), **overrides}])
    assert response.status_code == 400, response.content
    errors = response.json()["records"]
    assert set(errors) == {"1"} and field in errors["1"]
    assert not SaleRecord.objects.exists()


def test_bulk_over_the_row_limit_is_refused_without_writing(as_user, integration_rw, partner_a, sms):
    limit = settings.SALES_BULK_MAX_ROWS
    response = bulk(as_user(integration_rw), [row(n, partner_a) for n in range(limit + 1)])
    assert response.status_code == 400
    assert "records" in response.json()
    assert str(limit) in str(response.json()["records"])
    assert not SaleRecord.objects.exists()


# --- authentication headers -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "header",
    ["Token a\x00b", "Token " + "f" * 41, "Token " + "x" * 5000, "Token", "Token a b", "Token ", "Bearer abc"],
)
def test_impossible_tokens_are_refused_not_500(api, db, header):
    api.credentials(HTTP_AUTHORIZATION=header)
    response = api.get("/api/v1/partners/")
    assert response.status_code in (401, 403)
    assert "detail" in response.json()


def test_a_real_token_still_works(as_user, integration_ro):
    assert as_user(integration_ro).get("/api/v1/partners/").status_code == 200
