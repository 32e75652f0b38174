"""Redemption: soonest-expiring lots first, stock, tiers, rejection, concurrency."""
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from loyalty import services
from loyalty.choices import EntryKind, RedemptionStatus
from loyalty.models import LedgerEntry, LotAllocation, PointsBalance, Redemption, Reward
from loyalty.nightly import run_nightly
from partners.choices import Tier

from .conftest import D, sale

pytestmark = pytest.mark.django_db


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr("loyalty.services.business_today", lambda: D(2026, 5, 10))
    return D(2026, 5, 10)


def lots(partner):
    return {e.effective_on: e.remaining for e in LedgerEntry.objects.filter(partner=partner, remaining__isnull=False)}


def test_redemption_takes_soonest_expiring_lots_first(partner_a, partner_user_a, simple_product, base_rule, today):
    sale(partner_a, simple_product, "6000", D(2025, 3, 1))  # 60, expires 2027-03-31
    sale(partner_a, simple_product, "5000", D(2024, 8, 1))  # 50, expires 2026-08-31
    sale(partner_a, simple_product, "8000", D(2026, 1, 1))  # 80, expires 2028-01-31
    run_nightly(as_of=D(2026, 5, 9))
    reward = Reward.objects.create(code="r", category="other", name="R", name_zh="R", cost_points=70)
    redemption = services.points_redeem(partner=partner_a, reward=reward, by=partner_user_a)
    assert lots(partner_a) == {D(2024, 8, 1): 0, D(2025, 3, 1): 40, D(2026, 1, 1): 80}
    debit = LedgerEntry.objects.get(kind=EntryKind.REDEEM, source_id=redemption.pk)
    assert debit.points == -70
    assert sorted(debit.allocations.values_list("lot__effective_on", "points")) == [
        (D(2024, 8, 1), 50), (D(2025, 3, 1), 20)
    ]
    assert PointsBalance.objects.get(partner=partner_a).points == 120


def test_rejection_gives_the_same_lots_back(partner_a, partner_user_a, channel_manager, simple_product, base_rule,
                                            today):
    sale(partner_a, simple_product, "5000", D(2024, 8, 1))
    sale(partner_a, simple_product, "6000", D(2025, 3, 1))
    run_nightly(as_of=D(2026, 5, 9))
    reward = Reward.objects.create(code="r", category="other", name="R", name_zh="R", cost_points=70, stock=3)
    redemption = services.points_redeem(partner=partner_a, reward=reward, by=partner_user_a)
    reward.refresh_from_db()
    assert reward.stock == 2
    services.redemption_reject(redemption=redemption, by=channel_manager, note="Course cancelled")
    releases = LedgerEntry.objects.filter(kind=EntryKind.RELEASE).order_by("expires_on")
    assert [(e.points, e.expires_on) for e in releases] == [(50, D(2026, 8, 31)), (20, D(2027, 3, 31))]
    assert PointsBalance.objects.get(partner=partner_a).points == 110
    reward.refresh_from_db()
    assert reward.stock == 3
    with pytest.raises(ValidationError):
        services.redemption_fulfil(redemption=redemption, by=channel_manager)


def test_fulfil_and_refusals(partner_a, partner_user_a, channel_manager, simple_product, base_rule, today):
    sale(partner_a, simple_product, "10000", D(2026, 5, 1))
    run_nightly(as_of=D(2026, 5, 9))
    gold_only = Reward.objects.create(code="g", category="other", name="G", name_zh="G", cost_points=10,
                                      min_tier=Tier.GOLD)
    with pytest.raises(ValidationError):
        services.points_redeem(partner=partner_a, reward=gold_only, by=partner_user_a)
    dear = Reward.objects.create(code="d", category="other", name="D", name_zh="D", cost_points=101)
    with pytest.raises(ValidationError):
        services.points_redeem(partner=partner_a, reward=dear, by=partner_user_a)
    sold_out = Reward.objects.create(code="s", category="other", name="S", name_zh="S", cost_points=1, stock=0)
    with pytest.raises(ValidationError):
        services.points_redeem(partner=partner_a, reward=sold_out, by=partner_user_a)
    ok = Reward.objects.create(code="o", category="other", name="O", name_zh="O", cost_points=50)
    redemption = services.points_redeem(partner=partner_a, reward=ok, by=partner_user_a, quantity=2)
    services.redemption_fulfil(redemption=redemption, by=channel_manager, note="Sent")
    redemption.refresh_from_db()
    assert redemption.status == RedemptionStatus.FULFILLED and redemption.points == 100
    assert PointsBalance.objects.get(partner=partner_a).points == 0
    assert not Redemption.objects.filter(reward__in=[gold_only, dear, sold_out]).exists()


def test_expired_lot_cannot_be_spent_before_the_night_runs(partner_a, partner_user_a, simple_product, base_rule,
                                                           monkeypatch):
    sale(partner_a, simple_product, "10000", D(2024, 4, 1))  # expires 2026-04-30
    run_nightly(as_of=D(2026, 4, 30))
    reward = Reward.objects.create(code="r", category="other", name="R", name_zh="R", cost_points=100)
    monkeypatch.setattr("loyalty.services.business_today", lambda: D(2026, 5, 1))
    with pytest.raises(ValidationError):
        services.points_redeem(partner=partner_a, reward=reward, by=partner_user_a)
    monkeypatch.setattr("loyalty.services.business_today", lambda: D(2026, 4, 30))
    services.points_redeem(partner=partner_a, reward=reward, by=partner_user_a)


def test_adjustments(partner_a, channel_manager, simple_product, base_rule, today):
    entry = services.points_adjust(partner=partner_a, points=30, reason="Trade fair", by=channel_manager)
    assert entry.remaining == 30 and entry.expires_on == D(2028, 5, 31)
    services.points_adjust(partner=partner_a, points=-10, reason="Correction", by=channel_manager)
    assert PointsBalance.objects.get(partner=partner_a).points == 20
    with pytest.raises(ValidationError):
        services.points_adjust(partner=partner_a, points=-21, reason="Too much", by=channel_manager)
    with pytest.raises(ValidationError):
        services.points_adjust(partner=partner_a, points=5, reason="", by=channel_manager)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL; SQLite serialises writers")
def test_twenty_concurrent_redemptions_against_a_balance_for_five(partner_a, partner_user_a, simple_product, base_rule,
                                                                 monkeypatch):
    monkeypatch.setattr("loyalty.services.business_today", lambda: D(2026, 5, 10))
    sale(partner_a, simple_product, "20000", D(2026, 1, 1))  # 200
    sale(partner_a, simple_product, "30000", D(2026, 2, 1))  # 300
    run_nightly(as_of=D(2026, 5, 9))
    reward = Reward.objects.create(code="r", category="other", name="R", name_zh="R", cost_points=100)
    barrier = threading.Barrier(20)
    outcomes = []

    def worker():
        try:
            barrier.wait()
            services.points_redeem(partner=partner_a, reward=reward, by=partner_user_a)
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 5 and outcomes.count("refused") == 15
    assert PointsBalance.objects.get(partner=partner_a).points == 0
    assert Redemption.objects.count() == 5
    assert not LedgerEntry.objects.filter(remaining__lt=0).exists()
    assert sum(LotAllocation.objects.values_list("points", flat=True)) == 500
