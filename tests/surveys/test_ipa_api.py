"""The analysis API: who may read it, strict query parameters (400s) and what it answers; the
per-partner satisfaction index list through the isolation suite."""
import datetime
from decimal import Decimal

import pytest

from support.surveys.models import PartnerSatisfaction
from tests.api_suite import ADMIN, ALL_ROLES, APIIsolationSuite

from .ipa_world import campaign, partner, respond
from .test_ipa import RESPONSES, A, G, example  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

IPA = "/api/v1/survey-analysis/ipa/"
MOVEMENT = "/api/v1/survey-analysis/movement/"
CATEGORIES = "/api/v1/survey-analysis/categories/"


@pytest.mark.parametrize("url", [IPA, CATEGORIES])
def test_staff_read_partners_are_refused(url, as_user, api, admin_user, channel_manager, product_manager,
                                          integration_ro, partner_user_a, example):
    for user in (admin_user, channel_manager, product_manager, integration_ro):
        assert as_user(user).get(url).status_code == 200, user
    assert as_user(partner_user_a).get(url).status_code == 403
    assert api.get(url).status_code in (401, 403)


def test_movement_permissions(as_user, api, channel_manager, partner_user_a, example):
    later = campaign(name="later", opens_on=datetime.date(2026, 4, 1))
    url = f"{MOVEMENT}?from={example.pk}&to={later.pk}"
    assert as_user(channel_manager).get(url).status_code == 200
    assert as_user(partner_user_a).get(url).status_code == 403
    assert api.get(url).status_code in (401, 403)


def test_writes_are_not_offered(as_user, admin_user, example):
    assert as_user(admin_user).post(IPA, {}).status_code in (403, 405)


def test_ipa_answer(as_user, admin_user, example):
    body = as_user(admin_user).get(IPA, {"campaign": example.pk, "min_answers": 3}).json()
    assert body["campaign"]["id"] == example.pk
    assert body["lines"] == {"kind": "mean", "importance": "3.39", "satisfaction": "3.00"}
    assert [row["code"] for row in body["fix_first"]] == [A, G]
    point = next(row for row in body["factors"] if row["code"] == A)
    assert (point["importance"], point["satisfaction"], point["gap"], point["answers"]) == ("4.67", "2.00", "2.67", 3)
    assert point["quadrant"] == "fix_first" and point["quadrant_label"] == "Important weakness: fix first"
    # the default campaign is the latest with answers; repeated filters are several values
    default = as_user(admin_user).get(f"{IPA}?min_answers=3&lines=midpoint&tier=registered&tier=gold&city=CD").json()
    assert default["campaign"]["id"] == example.pk
    assert default["filters"]["tier"] == ["registered", "gold"]
    assert default["lines"]["importance"] == "3.00"
    empty = as_user(admin_user).get(IPA, {"campaign": example.pk, "city": "MY"}).json()
    assert empty["answers"] == 0 and empty["fix_first"] == []


def test_ipa_without_any_answers(as_user, admin_user):
    body = as_user(admin_user).get(IPA).json()
    assert body["campaign"] is None and body["factors"] == []


def test_movement_and_categories(as_user, admin_user, example):
    later = campaign(name="later", opens_on=datetime.date(2026, 4, 1), codes=[A])
    respond(later, partner(), {A: (4, 4)})
    body = as_user(admin_user).get(MOVEMENT, {"from": example.pk, "to": later.pk, "min_answers": 1,
                                              "lines": "midpoint"}).json()
    row = next(r for r in body["factors"] if r["code"] == A)
    assert (row["delta_importance"], row["delta_satisfaction"], row["old_quadrant"], row["new_quadrant"]) == (
        "-0.67", "2.00", "fix_first", "keep_up")
    cats = as_user(admin_user).get(CATEGORIES, {"campaign": example.pk, "by": "city"}).json()
    assert cats["segments"][0]["key"] == "CD"
    assert cats["segments"][0]["scores"]["experience"] == "39.58"
    assert [c["code"] for c in cats["categories"]] == ["posture", "fairness", "process", "experience", "technology"]


@pytest.mark.parametrize(
    "url, params, field",
    [
        (IPA, "tier=platinum", "tier"),
        (IPA, "city=XX", "city"),
        (IPA, "partner_type=ZZZ", "partner_type"),
        (IPA, "cooperation_model=friends", "cooperation_model"),
        (IPA, "lines=median", "lines"),
        (IPA, "campaign=abc", "campaign"),
        (IPA, "campaign=0", "campaign"),
        (IPA, "campaign=999999", "campaign"),
        (IPA, "campaign=99999999999999999999999", "campaign"),
        (IPA, "min_answers=0", "min_answers"),
        (IPA, "tiers=gold", "tiers"),
        (CATEGORIES, "by=colour", "by"),
        (CATEGORIES, "tier=gold&tier=bronze", "tier"),
        (CATEGORIES, "lines=mean", "lines"),
        (MOVEMENT, "to=1", "from"),
        (MOVEMENT, "from=abc&to=1", "from"),
    ],
)
def test_bad_parameters_are_400(as_user, admin_user, example, url, params, field):
    response = as_user(admin_user).get(f"{url}?{params}")
    assert response.status_code == 400, response.content
    assert field in response.json()


class TestPartnerSatisfactionAPI(APIIsolationSuite):
    url = "/api/v1/survey-satisfaction/"
    model = PartnerSatisfaction
    read_roles = ALL_ROLES
    create_roles = None
    update_roles = None
    delete_roles = None

    def make_object(self, world, partner):
        day = datetime.date(2026, 6, 30) - datetime.timedelta(days=world.unique())
        return PartnerSatisfaction.objects.create(partner=partner, as_of=day, index=Decimal("55.50"), responses=2,
                                                  category_scores={"process": 50})


def test_satisfaction_filters(as_user, admin_user, partner_user_a, partner_a, partner_b):
    day = datetime.date(2026, 6, 30)
    PartnerSatisfaction.objects.create(partner=partner_a, as_of=day, index=Decimal("35.00"), responses=1)
    PartnerSatisfaction.objects.create(partner=partner_b, as_of=day, index=Decimal("80.00"), responses=1)
    PartnerSatisfaction.objects.create(partner=partner_b, as_of=datetime.date(2026, 5, 31), index=Decimal("20.00"), responses=1)
    client = as_user(admin_user)
    rows = client.get("/api/v1/survey-satisfaction/", {"index_below": 60}).json()["results"]
    assert sorted(r["index"] for r in rows) == ["20.00", "35.00"]
    rows = client.get("/api/v1/survey-satisfaction/?latest=true&ordering=-index").json()["results"]
    assert [r["partner"] for r in rows] == [partner_b.pk, partner_a.pk]
    rows = client.get("/api/v1/survey-satisfaction/", {"city": "MY"}).json()["results"]
    assert {r["partner"] for r in rows} == {partner_b.pk}
    for bad in ("city=XX", "latest=maybe", "as_of=yesterday", "partner=abc", "ordering=secret", "tier=bronze"):
        assert client.get(f"/api/v1/survey-satisfaction/?{bad}").status_code == 400, bad
    own = as_user(partner_user_a).get("/api/v1/survey-satisfaction/").json()["results"]
    assert [r["partner"] for r in own] == [partner_a.pk]
    assert ADMIN  # the suite's role names are imported for readers of this module


def test_analysis_reads_a_fixed_number_of_queries(as_user, admin_user, example, django_assert_max_num_queries):
    """The endpoints read the prepared aggregates: more answers never mean more queries."""
    client = as_user(admin_user)
    urls = [f"{IPA}?min_answers=1", f"{CATEGORIES}?by=tier", f"{MOVEMENT}?from={example.pk}&to={example.pk}"]
    for url in urls:
        client.get(url)  # warm (sessions, content types)
    counts = {}
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for url in urls:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts[url] = len(ctx)
    for n in range(10):
        respond(example, partner(), RESPONSES[n % 3])
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            assert client.get(url).status_code == 200
