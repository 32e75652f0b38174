"""GET /api/v1/partners/stats/: dashboard counts over the partners the user may see."""
import pytest

from partners.choices import PartnerStatus, Tier
from tests import factories as f

pytestmark = pytest.mark.django_db
URL = "/api/v1/partners/stats/"


def buckets(body, key):
    return {b["key"]: b["count"] for b in body[key]}


@pytest.fixture
def world(partner_a, partner_b, channel_manager):
    f.PartnerFactory(tier=Tier.GOLD, status=PartnerStatus.SUSPENDED, partner_type=f.partner_type("ISV"),
                     city=f.city("DY"), channel_manager=channel_manager)
    f.PartnerFactory(tier=Tier.CERTIFIED, status=PartnerStatus.PROSPECT, partner_type=f.partner_type("SI"))


def test_counts_by_type_tier_status_and_city(as_user, channel_manager, world):
    response = as_user(channel_manager).get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 4
    assert buckets(body, "by_type") == {"SA": 2, "ISV": 1, "SI": 1}
    assert buckets(body, "by_tier") == {"registered": 2, "certified": 1, "gold": 1}
    assert buckets(body, "by_status") == {"prospect": 1, "active": 2, "suspended": 1, "exited": 0}
    assert buckets(body, "by_city") == {"CD": 2, "MY": 1, "DY": 1}
    # Tiers and statuses keep their natural order; types and cities go largest first.
    assert [b["key"] for b in body["by_tier"]] == Tier.values
    assert [b["key"] for b in body["by_status"]] == PartnerStatus.values
    assert body["by_type"][0]["key"] == "SA" and body["by_city"][0]["key"] == "CD"
    assert sum(b["count"] for b in body["by_city"]) == body["total"]


def test_partner_user_counts_only_their_own_partner(as_user, partner_user_a, world):
    body = as_user(partner_user_a).get(URL).json()
    assert body["total"] == 1
    assert buckets(body, "by_city") == {"CD": 1}


def test_filters_of_the_list_apply(as_user, channel_manager, world):
    client = as_user(channel_manager)
    assert client.get(URL, {"tier": "gold"}).json()["total"] == 1
    assert client.get(URL, {"city": ["CD", "MY"]}).json()["total"] == 3
    mine = client.get(URL, {"managed_by_me": "true"}).json()
    assert mine["total"] == 2
    assert buckets(mine, "by_city") == {"CD": 1, "DY": 1}


def test_bad_filters_are_400(as_user, channel_manager):
    client = as_user(channel_manager)
    response = client.get(URL, {"tier": "platinum", "joined_from": "yesterday"})
    assert response.status_code == 400
    assert set(response.json()) == {"tier", "joined_from"}


def test_labels_follow_the_request_language(as_user, channel_manager, world):
    client = as_user(channel_manager)
    english = client.get(URL).json()
    assert {b["label"] for b in english["by_tier"]} == {"Registered partner", "Certified partner", "Gold certified partner"}
    assert next(b["label"] for b in english["by_city"] if b["key"] == "CD") == "Chengdu"
    chinese = client.get(URL, HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert {b["label"] for b in chinese["by_tier"]} == {"注册合作伙伴", "认证合作伙伴", "金牌认证合作伙伴"}
    assert next(b["label"] for b in chinese["by_city"] if b["key"] == "CD") == "成都"
    assert next(b["label"] for b in chinese["by_type"] if b["key"] == "SA") == "销售代理"
    assert next(b["label"] for b in chinese["by_status"] if b["key"] == "active") == "活跃"


def test_aggregated_in_the_database(as_user, channel_manager, django_assert_max_num_queries):
    for index in range(30):
        f.PartnerFactory(city=f.city("CD" if index % 2 else "MY"))
    client = as_user(channel_manager)
    with django_assert_max_num_queries(4):
        body = client.get(URL).json()
    assert body["total"] == 30


def test_anonymous_is_refused(api):
    assert api.get(URL).status_code in (401, 403)
