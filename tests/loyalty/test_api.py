"""/api/v1/loyalty/…: the isolation suite on every endpoint, plus behaviour through the API."""
import datetime
from decimal import Decimal

import pytest

from loyalty import services
from loyalty.choices import RedemptionStatus, ReviewStatus
from loyalty.models import (
    AccrualRun,
    ComplianceIssue,
    EarningRule,
    LedgerEntry,
    PointsAdjustment,
    PointsBalance,
    Redemption,
    Reward,
    TierReview,
    TrainedPerson,
)
from loyalty.nightly import run_nightly
from partners.choices import Tier
from tests import factories as f
from tests.api_suite import (
    ADMIN,
    ALL_ROLES,
    CHANNEL_MANAGER,
    FOREIGN,
    INTEGRATION_RO,
    INTEGRATION_RW,
    OWN,
    PARTNER,
    PLACES,
    PRODUCT_MANAGER,
    STAFF,
    APIIsolationSuite,
    DetailAction,
    ids_of,
)

from .conftest import D, sale

PROGRAMME = frozenset({ADMIN, PRODUCT_MANAGER})
FULFILLERS = frozenset({ADMIN, CHANNEL_MANAGER})


def _reward(code="seat", cost=10, **kwargs):
    return Reward.objects.create(code=code, category="training", name=f"Seat {code}", name_zh="名额",
                                 cost_points=cost, **kwargs)


def _points(partner, points=100):
    return services.points_adjust(partner=partner, points=points, reason="Test credit", by=None)


class ProgrammeScope:
    """Programme set-up: every signed-in role reads; administrators and product managers change."""

    partner_owned = False

    def change_scope(self, role):
        return frozenset(PLACES) if role in PROGRAMME else frozenset()


class TestLedgerAPI(APIIsolationSuite):
    url = "/api/v1/loyalty/ledger/"
    model = LedgerEntry
    create_roles = update_roles = delete_roles = None

    def make_object(self, world, partner):
        return _points(partner, 10)


class TestBalanceAPI(APIIsolationSuite):
    url = "/api/v1/loyalty/balances/"
    model = PointsBalance
    create_roles = update_roles = delete_roles = None

    def make_object(self, world, partner):
        return PointsBalance.objects.get_or_create(partner=partner)[0]

    def make_many(self, world, count):
        return [self.make_object(world, f.PartnerFactory()) for _ in range(count)]


class TestAdjustmentAPI(APIIsolationSuite):
    url = "/api/v1/loyalty/adjustments/"
    model = PointsAdjustment
    create_roles = FULFILLERS
    update_roles = delete_roles = None

    def make_object(self, world, partner):
        return PointsAdjustment.objects.get(pk=_points(partner, 5).source_id)

    def create_payload(self, world, partner):
        return {"partner": partner.pk, "points": 7, "reason": f"Fair {world.unique()}"}

    def check_created(self, world, response, partner):
        super().check_created(world, response, partner)
        assert PointsBalance.objects.get(partner=partner).points >= 7


class TestRewardAPI(ProgrammeScope, APIIsolationSuite):
    url = "/api/v1/loyalty/rewards/"
    model = Reward
    create_roles = update_roles = delete_roles = PROGRAMME

    def make_object(self, world, partner):
        return _reward(code=f"r{world.unique()}")

    def create_payload(self, world, partner):
        return {"code": f"new-{world.unique()}", "category": "marketing", "name": "Kit", "name_zh": "套餐",
                "cost_points": 500, "min_tier": "registered"}

    def update_payload(self, world, obj):
        return {"cost_points": 650, "stock": 3}


class TestRuleAPI(ProgrammeScope, APIIsolationSuite):
    url = "/api/v1/loyalty/rules/"
    model = EarningRule
    create_roles = update_roles = delete_roles = PROGRAMME

    def make_object(self, world, partner):
        return EarningRule.objects.create(name=f"R{world.unique()}", name_zh="规则", points=1, per_amount=Decimal("100"))

    def create_payload(self, world, partner):
        return {"name": f"Rule {world.unique()}", "name_zh": "规则", "kind": "promotion", "points": 2,
                "per_amount": "50.00", "valid_from": "2026-01-01", "valid_to": "2026-03-31", "cap_per_partner": 100}

    def update_payload(self, world, obj):
        return {"points": 3, "active": False}


class TestRedemptionAPI(APIIsolationSuite):
    url = "/api/v1/loyalty/redemptions/"
    model = Redemption
    create_roles = frozenset({ADMIN, PARTNER})
    update_roles = delete_roles = None
    detail_actions = [
        DetailAction("fulfil", roles=FULFILLERS, payload=lambda suite, world, obj: {"note": "Sent"}),
        DetailAction("reject", roles=FULFILLERS, payload=lambda suite, world, obj: {"note": "Unavailable"}),
    ]

    @pytest.fixture(autouse=True)
    def catalogue(self, db):
        self.reward = _reward(code="suite", cost=10)

    def make_object(self, world, partner):
        _points(partner, 10)
        return services.points_redeem(partner=partner, reward=self.reward, by=None)

    def create_payload(self, world, partner):
        _points(partner, 10)
        return {"partner": partner.pk, "reward": self.reward.pk}

    def check_created(self, world, response, partner):
        super().check_created(world, response, partner)
        assert response.json()["points"] == 10 and response.json()["status"] == "pending"


class TestTierReviewAPI(APIIsolationSuite):
    url = "/api/v1/loyalty/tier-reviews/"
    model = TierReview
    read_roles = STAFF | {INTEGRATION_RO, INTEGRATION_RW}
    create_roles = update_roles = delete_roles = None
    detail_actions = [
        DetailAction("approve", roles=PROGRAMME, payload=lambda suite, world, obj: {"reason": "Qualified"}),
        DetailAction("reject", roles=PROGRAMME, payload=lambda suite, world, obj: {"reason": "Audit first"}),
        DetailAction("history", method="get"),
    ]

    def change_scope(self, role):
        return frozenset(PLACES) if role in PROGRAMME else frozenset()

    def make_object(self, world, partner, status=ReviewStatus.PENDING):
        today = datetime.date.today()
        if status == ReviewStatus.PENDING:  # one pending review per partner: earlier ones lapse
            TierReview.objects.filter(partner=partner, status=status).update(status=ReviewStatus.LAPSED)
        return TierReview.objects.create(
            partner=partner, from_tier=partner.tier, to_tier=Tier.CERTIFIED, direction="upgrade", status=status,
            opened_on=today, eligible_on=today, last_evaluated_on=today, window_start=today, window_end=today,
            qualifying_points=6000, active_customers=3, trained_people=1, open_compliance_issues=0,
        )

    def make_many(self, world, count):
        return [self.make_object(world, world.partners[OWN], status=ReviewStatus.LAPSED) for _ in range(count)]


class TestTrainedPersonAPI(APIIsolationSuite):
    url = "/api/v1/loyalty/trained-people/"
    model = TrainedPerson
    create_roles = update_roles = delete_roles = frozenset({ADMIN, CHANNEL_MANAGER, INTEGRATION_RW})

    def make_object(self, world, partner):
        return TrainedPerson.objects.create(partner=partner, name="王", course="MAS", trained_on=D(2026, 1, 5))

    def create_payload(self, world, partner):
        return {"partner": partner.pk, "name": f"李{world.unique()}", "course": "Push Mail", "trained_on": "2026-02-01"}

    def update_payload(self, world, obj):
        return {"valid_until": "2027-02-01"}


class TestComplianceIssueAPI(APIIsolationSuite):
    url = "/api/v1/loyalty/compliance-issues/"
    model = ComplianceIssue
    create_roles = update_roles = delete_roles = FULFILLERS

    def make_object(self, world, partner):
        return ComplianceIssue.objects.create(partner=partner, summary="Price dumping", opened_on=D(2026, 1, 5))

    def create_payload(self, world, partner):
        return {"partner": partner.pk, "summary": f"Issue {world.unique()}", "opened_on": "2026-02-01"}

    def update_payload(self, world, obj):
        return {"resolved_on": "2026-03-01"}


class TestRunAPI(APIIsolationSuite):
    url = "/api/v1/loyalty/runs/"
    model = AccrualRun
    partner_owned = False
    read_roles = STAFF
    create_roles = update_roles = delete_roles = None

    def make_object(self, world, partner):
        return AccrualRun.objects.create(as_of=D(2026, 5, 1), chunk_size=100)


# --- behaviour through the API ------------------------------------------------------------------
@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr("loyalty.services.business_today", lambda: D(2026, 5, 10))


def test_partner_redeems_through_the_api_and_sees_only_own_ledger(
    as_user, partner_a, partner_b, partner_user_a, simple_product, base_rule, today
):
    sale(partner_a, simple_product, "20000", D(2026, 5, 1))
    sale(partner_b, simple_product, "20000", D(2026, 5, 1))
    run_nightly(as_of=D(2026, 5, 9))
    reward = _reward(code="api", cost=150)
    client = as_user(partner_user_a)
    response = client.post("/api/v1/loyalty/redemptions/", {"reward": reward.pk}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["partner"] == partner_a.pk
    response = client.post("/api/v1/loyalty/redemptions/", {"reward": reward.pk}, format="json")
    assert response.status_code == 400 and "reward" in response.json()
    ledger = client.get("/api/v1/loyalty/ledger/").json()["results"]
    assert {row["partner"] for row in ledger} == {partner_a.pk}
    assert [row["kind"] for row in ledger] == ["redeem", "earn"]
    assert "Earned for sale" in ledger[1]["explanation"] and "Redeemed" in ledger[0]["explanation"]
    balance = client.get(f"/api/v1/loyalty/balances/{partner_a.pk}/").json()
    assert balance["points"] == 50 and balance["spendable"] == 50
    assert balance["expiry_schedule"] == [{"expires_on": "2028-05-31", "points": 50}]
    assert balance["progress"]["qualifying_points"] == 200
    assert client.get(f"/api/v1/loyalty/balances/{partner_b.pk}/").status_code == 404


def test_ledger_cursor_pagination_and_filters(as_user, admin_user, partner_a, partner_b):
    for _ in range(5):
        _points(partner_a, 3)
    _points(partner_b, 4)
    client = as_user(admin_user)
    first = client.get("/api/v1/loyalty/ledger/", {"page_size": 2, "partner": partner_a.pk}).json()
    assert len(first["results"]) == 2 and first["next"]
    second = client.get(first["next"]).json()
    assert not set(ids_of(first)) & set(ids_of(second))
    assert client.get("/api/v1/loyalty/ledger/", {"kind": "adjust", "partner": partner_b.pk}).json()["results"][0][
        "points"] == 4
    assert client.get("/api/v1/loyalty/ledger/", {"cursor": "garbage"}).status_code == 400
    assert client.get("/api/v1/loyalty/ledger/", {"page_size": 201}).status_code == 400
    assert client.get("/api/v1/loyalty/ledger/", {"kind": "bogus"}).status_code == 400
    assert client.get("/api/v1/loyalty/ledger/", {"partner": "99999999999999999999"}).status_code == 400


def test_bulk_tier_decisions(as_user, product_manager, channel_manager, partner_a, partner_b, simple_product,
                             base_rule):
    from loyalty.models import TierLevel

    TierLevel.objects.filter(tier=Tier.CERTIFIED).update(min_points=100, min_trained_people=0,
                                                         max_open_compliance_issues=None)
    for partner in (partner_a, partner_b):
        sale(partner, simple_product, "10000", D(2026, 5, 1))
    run_nightly(as_of=D(2026, 5, 2))
    ids = list(TierReview.objects.values_list("id", flat=True))
    assert as_user(channel_manager).post("/api/v1/loyalty/tier-reviews/bulk/", {"ids": ids, "decision": "approve"},
                                          format="json").status_code == 403
    client = as_user(product_manager)
    assert client.post("/api/v1/loyalty/tier-reviews/bulk/", {"ids": [], "decision": "approve"},
                       format="json").status_code == 400
    response = client.post("/api/v1/loyalty/tier-reviews/bulk/", {"ids": ids + [10**12], "decision": "approve"},
                           format="json")
    assert response.status_code == 200
    assert sorted(response.json()["done"]) == sorted(ids) and list(response.json()["errors"]) == [str(10**12)]
    partner_a.refresh_from_db()
    assert partner_a.tier == Tier.CERTIFIED
    history = client.get(f"/api/v1/loyalty/tier-reviews/{ids[0]}/history/").json()
    assert history[0]["new_value"] == "certified"


def test_reject_needs_reasons_through_the_api(as_user, product_manager, channel_manager, partner_a, today):
    _points(partner_a, 50)
    redemption = services.points_redeem(partner=partner_a, reward=_reward(cost=20), by=None)
    response = as_user(channel_manager).post(f"/api/v1/loyalty/redemptions/{redemption.pk}/reject/", {}, format="json")
    assert response.status_code == 400 and "note" in response.json()
    redemption.refresh_from_db()
    assert redemption.status == RedemptionStatus.PENDING


def test_adjustment_validation(as_user, channel_manager, partner_a):
    client = as_user(channel_manager)
    for body in ({"partner": partner_a.pk, "points": 0, "reason": "x"},
                 {"partner": partner_a.pk, "points": "ten", "reason": "x"},
                 {"partner": partner_a.pk, "points": -5, "reason": "more than there is"},
                 {"partner": partner_a.pk, "points": 5, "reason": ""}):
        response = client.post("/api/v1/loyalty/adjustments/", body, format="json")
        assert response.status_code == 400, (body, response.content)
    assert not LedgerEntry.objects.exists()


def test_rule_validation(as_user, product_manager):
    client = as_user(product_manager)
    bad = client.post("/api/v1/loyalty/rules/", {"name": "P", "name_zh": "P", "kind": "promotion", "points": 1,
                                                 "per_amount": "100"}, format="json")
    assert bad.status_code == 400 and "valid_to" in bad.json()
    bad = client.post("/api/v1/loyalty/rules/", {"name": "P", "name_zh": "P", "points": 1, "per_amount": "100",
                                                 "valid_from": "2026-05-01", "valid_to": "2026-04-01"}, format="json")
    assert bad.status_code == 400 and "valid_to" in bad.json()


def test_rule_that_credited_points_cannot_be_deleted(as_user, admin_user, partner_a, simple_product, base_rule):
    sale(partner_a, simple_product, "1000", D(2026, 5, 1))
    run_nightly(as_of=D(2026, 5, 2))
    response = as_user(admin_user).delete(f"/api/v1/loyalty/rules/{base_rule.pk}/")
    assert response.status_code == 400
    assert EarningRule.objects.filter(pk=base_rule.pk).exists()


def test_programme_report_and_tier_levels(as_user, product_manager, partner_user_a, partner_a, simple_product,
                                          base_rule):
    sale(partner_a, simple_product, "1000", D(2026, 5, 1))
    run_nightly(as_of=D(2026, 5, 2))
    client = as_user(product_manager)
    report = client.get("/api/v1/loyalty/report/", {"months": 36}).json()
    may = [m for m in report["months"] if m["month"] == "2026-05-01"]
    assert may and may[0]["earned"] == 10
    assert report["outstanding_liability"] == 10 and report["top_earners"][0]["partner"] == partner_a.pk
    assert client.get("/api/v1/loyalty/report/", {"months": 0}).status_code == 400
    assert as_user(partner_user_a).get("/api/v1/loyalty/report/").status_code == 403
    levels = client.get("/api/v1/loyalty/tier-levels/").json()
    assert [level["tier"] for level in levels] == ["registered", "certified", "gold"]
    gold = levels[2]["id"]
    assert client.patch(f"/api/v1/loyalty/tier-levels/{gold}/", {"min_points": 30000}, format="json").status_code == 200
    assert as_user(partner_user_a).patch(f"/api/v1/loyalty/tier-levels/{gold}/", {"min_points": 1},
                                         format="json").status_code == 403


def test_partner_sees_only_active_rewards(as_user, partner_user_a):
    _reward(code="on")
    _reward(code="off", active=False)
    codes = {row["code"] for row in as_user(partner_user_a).get("/api/v1/loyalty/rewards/").json()["results"]}
    assert "on" in codes and "off" not in codes
