"""Reference data: /api/v1/products/ (administrators write), /cities/ and /partner-types/ (read-only)."""
import pytest

from partners.choices import ProductType
from partners.models import CityBranch, PartnerType, Product
from tests import factories as f
from tests.api_suite import ADMIN_ONLY, APIIsolationSuite, ids_of


class TestProductAPI(APIIsolationSuite):
    url = "/api/v1/products/"
    model = Product
    partner_owned = False
    create_roles = update_roles = delete_roles = ADMIN_ONLY
    scope_error_field = "code"

    def make_object(self, world, partner):
        return f.ProductFactory()

    def create_payload(self, world, partner):
        return {"code": f"NEW{world.unique()}", "name": "Group ring", "name_zh": "集团彩铃",
                "product_type": ProductType.SIMPLE_STANDARD}

    def update_payload(self, world, obj):
        return {"description": "企业彩铃", "active": False}


class TestCityBranchAPI(APIIsolationSuite):
    url = "/api/v1/cities/"
    model = CityBranch
    partner_owned = False
    create_roles = update_roles = delete_roles = None

    def make_object(self, world, partner):
        n = world.unique()
        return CityBranch.objects.create(code=f"T{n}", name=f"Town {n}", name_zh=f"镇{n}", sort_order=100 + n)


class TestPartnerTypeAPI(APIIsolationSuite):
    url = "/api/v1/partner-types/"
    model = PartnerType
    partner_owned = False
    create_roles = update_roles = delete_roles = None

    def make_object(self, world, partner):
        n = world.unique()
        return PartnerType.objects.create(code=f"X{n}", name=f"Extra {n}", name_zh=f"其他{n}")


PRODUCTS = "/api/v1/products/"


@pytest.fixture
def catalogue(db):
    return {
        "ring": f.ProductFactory(code="RING", name="Group colour ring", name_zh="集团彩铃"),
        "mail": f.ProductFactory(code="MAIL", name="Enterprise mail", name_zh="企业邮箱", active=False),
        "mas": f.ProductFactory(code="MAS", name="MAS gateway", name_zh="MAS信息机",
                                product_type=ProductType.CONFIGURATION),
    }


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"q": "ring"}, {"ring"}),
        ({"q": "邮箱"}, {"mail"}),
        ({"q": "ma"}, {"mail", "mas"}),
        ({"product_type": "configuration"}, {"mas"}),
        ({"product_type": "simple_standard"}, {"ring", "mail"}),
        ({"active": "false"}, {"mail"}),
        ({"active": "true"}, {"ring", "mas"}),
    ],
)
def test_product_filters(as_user, partner_user_a, catalogue, params, expected):
    body = as_user(partner_user_a).get(PRODUCTS, params).json()
    assert set(ids_of(body)) == {catalogue[name].pk for name in expected}


@pytest.mark.parametrize(
    "params, field",
    [({"product_type": "hardware"}, "product_type"), ({"active": "sometimes"}, "active"),
     ({"ordering": "description"}, "ordering")],
)
def test_product_bad_filters(as_user, admin_user, catalogue, params, field):
    response = as_user(admin_user).get(PRODUCTS, params)
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("ordering", ["code", "-code", "name", "-product_type"])
def test_product_ordering(as_user, admin_user, catalogue, ordering):
    rows = as_user(admin_user).get(PRODUCTS, {"ordering": ordering}).json()["results"]
    key = ordering.lstrip("-")
    values = [row[key] for row in rows]
    assert values == sorted(values, reverse=ordering.startswith("-"))


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"code": "lower"}, "code"),
        ({"code": "RING"}, "code"),
        ({"code": "X" * 21}, "code"),
        ({"product_type": "hardware"}, "product_type"),
        ({"name": ""}, "name"),
    ],
)
def test_product_validation(as_user, admin_user, catalogue, payload, field):
    body = {"code": "NEWP", "name": "New", "name_zh": "新", "product_type": "simple_standard", **payload}
    response = as_user(admin_user).post(PRODUCTS, body, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_product_with_sales_cannot_be_deleted(as_user, admin_user, catalogue, partner_a):
    f.SaleRecordFactory(partner=partner_a, product=catalogue["ring"])
    response = as_user(admin_user).delete(f"{PRODUCTS}{catalogue['ring'].pk}/")
    assert response.status_code == 409
    assert Product.objects.filter(pk=catalogue["ring"].pk).exists()


def test_product_labels_follow_the_language(as_user, partner_user_a, catalogue):
    client = as_user(partner_user_a)
    row = client.get(f"{PRODUCTS}{catalogue['ring'].pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert row["label"] == "集团彩铃"
    assert client.get(f"{PRODUCTS}{catalogue['ring'].pk}/").json()["label"] == "Group colour ring"


def test_cities_are_seeded_and_ordered(as_user, partner_user_a):
    rows = as_user(partner_user_a).get("/api/v1/cities/").json()
    assert isinstance(rows, list) and len(rows) == 21
    assert [r["code"] for r in rows[:3]] == ["CD", "ZG", "PZH"]
    assert {"code": "MY", "name": "Mianyang", "name_zh": "绵阳"}.items() <= rows[5].items()
    assert [r["code"] for r in as_user(partner_user_a).get("/api/v1/cities/", {"ordering": "code"}).json()][:2] == [
        "AB", "BZ"]
    assert as_user(partner_user_a).get("/api/v1/cities/", {"ordering": "name_zh"}).status_code == 400


def test_partner_types_core_first(as_user, partner_user_a):
    PartnerType.objects.create(code="OEM", name="OEM", name_zh="原始设备制造商")
    rows = as_user(partner_user_a).get("/api/v1/partner-types/").json()
    assert [r["code"] for r in rows] == ["ISV", "SA", "SI", "OEM"]
    assert [r["is_core"] for r in rows] == [True, True, True, False]
