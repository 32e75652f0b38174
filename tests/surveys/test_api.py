"""The survey API: the isolation suite for invitations and responses (a partner never sees
another's answers), the factor weights, campaigns (staff only; partners see theirs without
counts), launch/close/stats, and answering through the API with per-factor errors."""
import datetime

import pytest
from django.utils import timezone

from support.surveys import services
from support.surveys.models import Campaign, Invitation, Response, SurveyFactor
from tests import factories as f
from tests.api_suite import PARTNER, APIIsolationSuite

from .factories import answers, campaign, invitation


class TestInvitationAPI(APIIsolationSuite):
    url = "/api/v1/survey-invitations/"
    model = Invitation
    create_roles = None
    update_roles = None
    delete_roles = None

    def make_object(self, world, partner):
        return invitation(partner, campaign(name=f"Survey {world.unique()}"))


class TestResponseAPI(APIIsolationSuite):
    url = "/api/v1/survey-responses/"
    model = Response
    create_roles = frozenset({PARTNER})
    update_roles = None
    delete_roles = None
    scope_error_field = "invitation"

    def make_object(self, world, partner):
        c = campaign(name=f"Survey {world.unique()}", codes=["market_heat", "response_time"])
        inv = invitation(partner, c)
        user = f.PartnerUserFactory(partner=partner)
        return services.response_submit(invitation=inv, by=user, answers=answers(c))

    def create_payload(self, world, partner):
        c = campaign(name=f"Survey {world.unique()}", codes=["market_heat", "response_time"])
        return {"invitation": invitation(partner, c).pk, "answers": answers(c, 5, 1), "comment": "Faster please."}

    def check_created(self, world, response, partner):
        super().check_created(world, response, partner)
        body = response.json()
        assert body["respondent"] == world.users[PARTNER].pk
        assert sorted((a["importance"], a["satisfaction"]) for a in body["answers"]) == [(5, 1), (5, 1)]


pytestmark = pytest.mark.django_db


def test_partner_sees_own_answers_only(as_user, partner_a, partner_b, partner_user_a, partner_user_b):
    c = campaign()
    mine = services.response_submit(invitation=invitation(partner_a, c), by=partner_user_a, answers=answers(c, 5, 5))
    theirs = services.response_submit(invitation=invitation(partner_b, c), by=partner_user_b, answers=answers(c, 1, 1))
    client = as_user(partner_user_a)
    assert [r["id"] for r in client.get("/api/v1/survey-responses/").json()["results"]] == [mine.pk]
    assert client.get(f"/api/v1/survey-responses/{theirs.pk}/").status_code == 404
    assert client.get("/api/v1/survey-responses/", {"partner": partner_b.pk}).json()["results"] == []
    assert client.get("/api/v1/survey-responses/", {"campaign": c.pk}).json()["count"] == 1
    assert client.get("/api/v1/survey-responses/", {"has_comment": "true"}).json()["count"] == 0
    assert client.get("/api/v1/survey-responses/", {"has_comment": "perhaps"}).status_code == 400
    # Invitations and campaigns: own only, and no counts for partner users.
    assert [i["partner"] for i in client.get("/api/v1/survey-invitations/").json()["results"]] == [partner_a.pk]
    body = client.get(f"/api/v1/survey-campaigns/{c.pk}/").json()
    assert body["invited"] is None and body["response_rate"] is None
    assert client.get(f"/api/v1/survey-campaigns/{c.pk}/stats/").status_code == 404
    other = campaign(name="Not invited")
    assert client.get(f"/api/v1/survey-campaigns/{other.pk}/").status_code == 404
    ids = [row["id"] for row in client.get("/api/v1/survey-campaigns/").json()["results"]]
    assert ids == [c.pk]


def test_staff_read_comments(as_user, channel_manager, partner_a, partner_b, partner_user_a, partner_user_b):
    c = campaign()
    said = services.response_submit(invitation=invitation(partner_a, c), by=partner_user_a, answers=answers(c),
                                    comment="Please speed up settlement.")
    services.response_submit(invitation=invitation(partner_b, c), by=partner_user_b, answers=answers(c))
    rows = as_user(channel_manager).get("/api/v1/survey-responses/", {"campaign": c.pk, "has_comment": "true"}).json()
    assert [r["id"] for r in rows["results"]] == [said.pk]
    assert rows["results"][0]["comment"] == "Please speed up settlement."


def test_answer_through_the_api(as_user, partner_a, partner_user_a):
    c = campaign(codes=["market_heat", "response_time"])
    inv = invitation(partner_a, c)
    client = as_user(partner_user_a)
    detail = client.get(f"/api/v1/survey-invitations/{inv.pk}/").json()
    assert detail["can_answer"] is True and detail["answered_by_me"] is False
    assert [q["code"] for q in detail["questions"]] == ["response_time", "market_heat"]  # by category order
    market = SurveyFactor.objects.get(code="market_heat").pk
    bad = client.post("/api/v1/survey-responses/", {"invitation": inv.pk, "answers": [
        {"factor": market, "importance": 0, "satisfaction": 3}]}, format="json")
    assert bad.status_code == 400
    errors = bad.json()["answers"]
    assert str(market) in errors and "__all__" in errors
    assert client.post("/api/v1/survey-responses/", {"invitation": inv.pk, "answers": "x"},
                       format="json").status_code == 400
    assert client.post("/api/v1/survey-responses/", {"invitation": "abc", "answers": []},
                       format="json").status_code == 400
    long = client.post("/api/v1/survey-responses/",
                       {"invitation": inv.pk, "answers": answers(c), "comment": "x" * 2001}, format="json")
    assert long.status_code == 400 and "comment" in long.json()
    ok = client.post("/api/v1/survey-responses/", {"invitation": inv.pk, "answers": answers(c)}, format="json")
    assert ok.status_code == 201, ok.content
    again = client.post("/api/v1/survey-responses/", {"invitation": inv.pk, "answers": answers(c)}, format="json")
    assert again.status_code == 400 and "invitation" in again.json()
    detail = client.get(f"/api/v1/survey-invitations/{inv.pk}/").json()
    assert detail["can_answer"] is False and detail["answered_by_me"] is True and detail["status"] == "answered"


def test_factor_weights_editable_by_admin_and_product_manager(as_user, admin_user, product_manager, channel_manager,
                                                             partner_user_a):
    factor = SurveyFactor.objects.get(code="market_heat")
    url = f"/api/v1/survey-factors/{factor.pk}/"
    rows = as_user(partner_user_a).get("/api/v1/survey-factors/").json()
    assert len(rows) == 12 and rows[0]["category_code"] == "posture"
    assert as_user(partner_user_a).patch(url, {"weight": "20"}, format="json").status_code == 403
    assert as_user(channel_manager).patch(url, {"weight": "20"}, format="json").status_code == 403
    assert as_user(product_manager).patch(url, {"weight": "-1"}, format="json").status_code == 400
    assert as_user(product_manager).patch(url, {"weight": "abc"}, format="json").status_code == 400
    response = as_user(product_manager).patch(url, {"weight": "20.5"}, format="json")
    assert response.status_code == 200 and response.json()["weight"] == "20.50"
    assert as_user(admin_user).patch(url, {"active": False}, format="json").json()["active"] is False
    assert as_user(admin_user).get("/api/v1/survey-factors/", {"active": "maybe"}).status_code == 400
    assert len(as_user(admin_user).get("/api/v1/survey-factors/", {"active": "true"}).json()) == 11
    assert as_user(admin_user).post("/api/v1/survey-factors/", {}, format="json").status_code == 405
    assert as_user(admin_user).delete(url).status_code == 405


def test_campaign_lifecycle_through_the_api(as_user, admin_user, product_manager, channel_manager, partner_a,
                                            partner_b, city_cd):
    pm = as_user(product_manager)
    today = timezone.localdate()
    payload = {"name": "Chengdu Q1", "name_zh": "成都一季度", "opens_on": str(today),
               "closes_on": str(today + datetime.timedelta(days=30)), "target_cities": [city_cd.pk]}
    assert as_user(channel_manager).post("/api/v1/survey-campaigns/", payload, format="json").status_code == 403
    created = pm.post("/api/v1/survey-campaigns/", payload, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "draft" and body["invited"] == 0 and len(body["factors"]) == 12
    url = f"/api/v1/survey-campaigns/{body['id']}/"
    bad = pm.patch(url, {"closes_on": str(today - datetime.timedelta(days=1))}, format="json")
    assert bad.status_code == 400 and "closes_on" in bad.json()
    assert pm.patch(url, {"target_tiers": ["nope"]}, format="json").status_code == 400
    assert pm.patch(url, {"factors": []}, format="json").status_code == 400
    assert pm.patch(url, {"name": "Chengdu 2026 Q1"}, format="json").json()["name"] == "Chengdu 2026 Q1"
    launched = pm.post(f"{url}launch/")
    assert launched.status_code == 200 and launched.json()["invited"] == 1  # partner_a only (Chengdu)
    assert pm.patch(url, {"name": "x"}, format="json").status_code == 400
    assert pm.delete(url).status_code == 400
    assert pm.post(f"{url}launch/").status_code == 400
    stats = as_user(channel_manager).get(f"{url}stats/").json()
    assert stats["invited"] == 1 and stats["pending"] == 1 and stats["by_city"][0]["code"] == "CD"
    assert as_user(channel_manager).post(f"{url}close/").status_code == 403
    closed = pm.post(f"{url}close/")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    listing = as_user(channel_manager).get("/api/v1/survey-campaigns/", {"status": "closed"}).json()["results"]
    assert [row["id"] for row in listing] == [body["id"]]
    assert as_user(channel_manager).get("/api/v1/survey-campaigns/", {"status": "bad"}).status_code == 400
    draft = pm.post("/api/v1/survey-campaigns/", payload, format="json").json()
    assert pm.delete(f"/api/v1/survey-campaigns/{draft['id']}/").status_code == 204
    assert not Campaign.objects.filter(pk=draft["id"]).exists()


def test_campaign_list_query_count_is_constant(as_user, admin_user, partner_a, django_assert_max_num_queries):
    client = as_user(admin_user)
    campaign()
    client.get("/api/v1/survey-campaigns/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get("/api/v1/survey-campaigns/")
    for n in range(5):
        invitation(partner_a, campaign(name=f"More {n}"))
    with CaptureQueriesContext(connection) as big:
        assert len(client.get("/api/v1/survey-campaigns/").json()["results"]) == 7  # + the ticket campaign
    assert len(small) == len(big)
