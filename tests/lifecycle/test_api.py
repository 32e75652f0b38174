"""Lifecycle API behaviour beyond isolation: filters, components, overrides, plans, funnel,
settings, runs, rules — through URLs, after real job runs."""
import datetime

import pytest
from django.utils import timezone

from lifecycle.choices import RiskLevel, Stage
from lifecycle.models import LifecycleRun, LifecycleSettings, PartnerLifecycle, RetentionPlan
from partners.choices import PartnerStatus
from tests import factories as f

from .conftest import D, days_before
from .factories import PartnerLifecycleFactory, RiskFlagFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/lifecycle/partners/"


@pytest.fixture
def computed(sell, run_job, channel_manager, other_channel_manager, city_my):
    """Partners in B, C, D and E, after a run as of D."""
    growing = f.PartnerFactory(name="成长", joined_on=days_before(800), channel_manager=channel_manager)
    sell(growing, days_before(3), "20000.00")
    mature = f.PartnerFactory(name="成熟", joined_on=days_before(800), channel_manager=channel_manager)
    sell(mature, days_before(3), "400000.00")
    dormant = f.PartnerFactory(name="休眠", joined_on=days_before(800), channel_manager=other_channel_manager, city=city_my)
    sell(dormant, days_before(150), "30000.00")
    gone = f.PartnerFactory(name="离网", joined_on=days_before(800), status=PartnerStatus.EXITED, channel_manager=other_channel_manager)
    sell(gone, days_before(40), "50000.00")
    run_job(D)
    return {"B": growing, "C": mature, "D": dormant, "E": gone}


def codes(response):
    assert response.status_code == 200, response.content
    body = response.json()
    return sorted(row["partner"]["code"] for row in body["results"])


def test_list_shows_stage_score_components_and_flags(as_user, product_manager, computed):
    body = as_user(product_manager).get(f"{URL}{computed['D'].pk}/").json()
    assert body["id"] == computed["D"].pk
    assert body["stage"] == "D" and body["rule_reason"] == "inactive_decline"
    assert [c["key"] for c in body["components"]] == ["sales", "growth", "breadth", "customers", "tenure"]
    assert sum(c["weight"] for c in body["components"]) == 100
    # No sale for 150 days (serious), so stage D (serious); its last sale in the prior quarter: a 100 % drop.
    assert {flag["kind"]: flag["severity"] for flag in body["open_flags"]} == {
        "no_sales": 3, "stage_decline": 3, "sales_drop": 3}
    assert body["open_flags"][0]["evidence"]
    assert body["sales_12m"] == "30000.00"
    assert body["partner"]["channel_manager"]["username"] == "cm2"


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"stage": "D"}, ["D"]),
        ({"stage": ["B", "C"]}, ["B", "C"]),
        ({"risk_level": "0"}, ["B", "C", "E"]),
        ({"flag_kind": "no_sales"}, ["D"]),
        ({"city": "MY"}, ["D"]),
        ({"managed_by_me": "true"}, ["B", "C"]),
        ({"q": "成熟"}, ["C"]),
    ],
)
def test_filters(as_user, channel_manager, computed, params, expected):
    got = codes(as_user(channel_manager).get(URL, params))
    assert got == sorted(computed[key].code for key in expected)


def test_filter_by_owner_and_bad_filter_values(as_user, admin_user, other_channel_manager, computed):
    assert codes(as_user(admin_user).get(URL, {"owner": other_channel_manager.pk})) == sorted(
        [computed["D"].code, computed["E"].code])
    for params in ({"stage": "Z"}, {"risk_level": "9"}, {"owner": "abc"}, {"ordering": "nope"}, {"page_size": "1000"}):
        response = as_user(admin_user).get(URL, params)
        assert response.status_code == 400, params
        assert set(response.json()) & {*params.keys()}


def test_ordering_by_value(as_user, admin_user, computed):
    rows = as_user(admin_user).get(URL, {"ordering": "-value_score"}).json()["results"]
    scores = [row["value_score"] for row in rows]
    assert scores == sorted(scores, reverse=True)


def test_override_through_the_api(as_user, channel_manager, other_channel_manager, computed):
    url = f"{URL}{computed['B'].pk}/override/"
    until = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    response = as_user(channel_manager).post(url, {"stage": "C", "reason": "年度战略伙伴", "until": until}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["stage"] == "C" and response.json()["override"]["reason"] == "年度战略伙伴"
    history = as_user(channel_manager).get("/api/v1/lifecycle/stage-changes/", {"partner": computed["B"].pk, "source": "manual"}).json()
    assert history["results"][0]["changed_by"]["username"] == "cm"
    bad = as_user(channel_manager).post(url, {"stage": "C", "reason": "", "until": "2001-01-01"}, format="json")
    assert bad.status_code == 400 and {"reason", "until"} <= set(bad.json())
    bad = as_user(channel_manager).post(url, {"stage": "X", "until": "soon"}, format="json")
    assert bad.status_code == 400 and {"stage", "until", "reason"} <= set(bad.json())
    foreign = f"{URL}{computed['D'].pk}/override/"
    assert as_user(channel_manager).post(foreign, {"stage": "C", "reason": "x", "until": until}, format="json").status_code == 403
    end = as_user(channel_manager).post(f"{URL}{computed['B'].pk}/end-override/", {}, format="json")
    assert end.status_code == 200 and end.json()["stage"] == "B" and end.json()["override"] is None
    again = as_user(channel_manager).post(f"{URL}{computed['B'].pk}/end-override/", {}, format="json")
    assert again.status_code == 400


def test_high_risk_and_win_back_lists(as_user, product_manager, channel_manager):
    valuable = PartnerLifecycleFactory(partner=f.PartnerFactory(channel_manager=channel_manager), stage=Stage.D,
                                       value_score=90, risk_level=RiskLevel.HIGH, max_severity=3)
    RiskFlagFactory(partner=valuable.partner, kind="sales_drop", evidence={"drop_pct": 70})
    PartnerLifecycleFactory(value_score=95, risk_level=RiskLevel.MEDIUM)
    lower = PartnerLifecycleFactory(value_score=61, risk_level=RiskLevel.HIGH, stage=Stage.D)
    rows = as_user(product_manager).get("/api/v1/lifecycle/high-risk/").json()["results"]
    assert [row["id"] for row in rows] == [valuable.pk, lower.pk]
    assert rows[0]["open_flags"][0]["evidence"] == {"drop_pct": 70}
    exited_valuable = PartnerLifecycleFactory(stage=Stage.E, value_score=5, last_active_value_score=70)
    PartnerLifecycleFactory(stage=Stage.E, value_score=5, last_active_value_score=40)
    rows = as_user(product_manager).get("/api/v1/lifecycle/win-back/").json()["results"]
    assert [row["id"] for row in rows] == [exited_valuable.pk]


def test_plan_lifecycle_through_the_api(as_user, channel_manager, computed):
    client = as_user(channel_manager)
    created = client.post("/api/v1/lifecycle/plans/", {"partner": computed["B"].pk, "lever": "A", "goal": "提升服务"}, format="json")
    assert created.status_code == 201, created.content
    plan = created.json()
    assert plan["owner"] == channel_manager.pk and plan["start_stage"] == "B" and plan["status"] == "active"
    duplicate = client.post("/api/v1/lifecycle/plans/", {"partner": computed["B"].pk, "lever": "B", "goal": "x"}, format="json")
    assert duplicate.status_code == 400 and "partner" in duplicate.json()
    action = client.post("/api/v1/lifecycle/plan-actions/",
                         {"plan": plan["id"], "title": "培训", "due_on": "2030-01-01"}, format="json")
    assert action.status_code == 201, action.content
    done = client.patch(f"/api/v1/lifecycle/plan-actions/{action.json()['id']}/", {"status": "done"}, format="json")
    assert done.json()["done_on"] == timezone.localdate().isoformat()
    note = client.post("/api/v1/lifecycle/plan-notes/", {"plan": plan["id"], "body": "已沟通"}, format="json")
    assert note.status_code == 201
    detail = client.get(f"/api/v1/lifecycle/plans/{plan['id']}/").json()
    assert [a["title"] for a in detail["actions"]] == ["培训"]
    assert [e["kind"] for e in detail["events"]] == ["note_added", "action_updated", "action_added", "created"]
    board = client.get(f"{URL}{computed['B'].pk}/").json()
    assert board["active_plans"][0]["id"] == plan["id"]
    assert codes(client.get(URL, {"has_active_plan": "true"})) == [computed["B"].code]
    cancelled = client.post(f"/api/v1/lifecycle/plans/{plan['id']}/cancel/", {"reason": "已恢复"}, format="json")
    assert cancelled.json()["status"] == "cancelled"
    assert client.patch(f"/api/v1/lifecycle/plans/{plan['id']}/", {"goal": "x"}, format="json").status_code == 400
    win_back = client.post("/api/v1/lifecycle/plans/", {"partner": computed["B"].pk, "kind": "win_back", "lever": "B",
                                                        "goal": "x"}, format="json")
    assert win_back.status_code == 400 and "kind" in win_back.json()


def test_plan_input_errors(as_user, channel_manager, product_manager, computed):
    client = as_user(channel_manager)
    response = client.post("/api/v1/lifecycle/plans/", {"partner": computed["B"].pk, "lever": "Q", "goal": "x" * 400,
                                                        "owner": product_manager.pk, "review_on": "yesterday"}, format="json")
    assert response.status_code == 400
    assert {"lever", "goal", "owner", "review_on"} <= set(response.json())
    assert client.post("/api/v1/lifecycle/plans/", "{bad json", content_type="application/json").status_code == 400


def test_funnel(as_user, product_manager, computed, run_job, sell):
    sell(computed["D"], D + datetime.timedelta(days=1), "30000.00")  # D back to B the next day
    run_job(D + datetime.timedelta(days=1))
    body = as_user(product_manager).get("/api/v1/lifecycle/funnel/", {"date_from": D.isoformat()}).json()
    counts = {row["stage"]: row["count"] for row in body["stages"]}
    assert counts == {"A": 0, "B": 2, "C": 1, "D": 0, "E": 1}
    assert body["moves"] == [{"from_stage": "D", "to_stage": "B", "count": 1}]
    past = as_user(product_manager).get("/api/v1/lifecycle/funnel/", {"date_from": days_before(30), "date_to": D}).json()
    assert {row["stage"]: row["count"] for row in past["stages"]} == {"A": 0, "B": 1, "C": 1, "D": 1, "E": 1}
    assert past["moves"] == []
    mine = as_user(product_manager).get("/api/v1/lifecycle/funnel/", {"city": "MY"}).json()
    assert sum(row["count"] for row in mine["stages"]) == 1
    bad = as_user(product_manager).get("/api/v1/lifecycle/funnel/", {"date_from": "2025-07-10", "date_to": "2025-07-01", "city": "XX"})
    assert bad.status_code == 400


def test_settings_read_by_staff_changed_by_admins(as_user, admin_user, channel_manager):
    url = "/api/v1/lifecycle/settings/"
    assert as_user(channel_manager).get(url).json()["high_value_score"] == 60
    assert as_user(channel_manager).patch(url, {"high_value_score": 70}, format="json").status_code == 403
    response = as_user(admin_user).patch(url, {"high_value_score": 70, "weight_tenure": 5}, format="json")
    assert response.status_code == 200 and response.json()["high_value_score"] == 70
    assert LifecycleSettings.load().updated_by == admin_user
    bad = as_user(admin_user).patch(url, {"chunk_size": 0, "high_value_score": 101}, format="json")
    assert bad.status_code == 400 and {"high_value_score", "chunk_size"} <= set(bad.json())
    bad = as_user(admin_user).patch(url, {"flag_drop_pct": 80, "flag_drop_serious_pct": 50}, format="json")
    assert bad.status_code == 400 and "flag_drop_serious_pct" in bad.json()
    assert LifecycleSettings.load().flag_drop_pct == 30


def test_thresholds_default_row_cannot_be_deleted(as_user, admin_user):
    rows = as_user(admin_user).get("/api/v1/lifecycle/thresholds/").json()
    default = next(row for row in rows if row["partner_type"] is None)
    assert as_user(admin_user).delete(f"/api/v1/lifecycle/thresholds/{default['id']}/").status_code == 400
    bad = as_user(admin_user).patch(f"/api/v1/lifecycle/thresholds/{default['id']}/",
                                    {"decline_inactive_days": 400, "exit_inactive_days": 300}, format="json")
    assert bad.status_code == 400 and "decline_inactive_days" in bad.json()


def test_admin_starts_a_run(as_user, admin_user, computed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(admin_user).post("/api/v1/lifecycle/runs/", {"as_of": D.isoformat()}, format="json")
    assert response.status_code == 201
    run = LifecycleRun.objects.get(pk=response.json()["id"])
    assert run.status == "succeeded" and run.triggered_by == admin_user and run.trigger == "api"
    detail = as_user(admin_user).get(f"/api/v1/lifecycle/runs/{run.pk}/").json()
    assert detail["chunks"][0]["status"] == "succeeded" and detail["partners"] == 4
    future = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    assert as_user(admin_user).post("/api/v1/lifecycle/runs/", {"as_of": future}, format="json").status_code == 400


def test_rules_list(as_user, product_manager):
    rows = as_user(product_manager).get("/api/v1/lifecycle/rules/").json()
    kinds = {row["kind"] for row in rows}
    assert {"sales_drop", "no_sales", "stage_decline"} <= kinds
    assert all(row["label"] for row in rows)


def test_flags_filters(as_user, product_manager, computed):
    rows = as_user(product_manager).get("/api/v1/lifecycle/flags/", {"kind": "no_sales", "open": "true"}).json()["results"]
    assert [row["partner"]["id"] for row in rows] == [computed["D"].pk]
    assert as_user(product_manager).get("/api/v1/lifecycle/flags/", {"kind": "bogus"}).status_code == 400


def test_snapshots_by_day(as_user, product_manager, computed):
    rows = as_user(product_manager).get("/api/v1/lifecycle/snapshots/", {"partner": computed["C"].pk, "as_of": D}).json()["results"]
    assert len(rows) == 1 and rows[0]["stage"] == "C" and rows[0]["sales_12m"] == "400000.00"
    assert rows[0]["components"][0]["key"] == "sales"


def test_state_ids_are_partner_ids(db):
    state = PartnerLifecycleFactory()
    assert PartnerLifecycle.objects.get(pk=state.partner_id) == state
    assert not RetentionPlan.objects.exists()
