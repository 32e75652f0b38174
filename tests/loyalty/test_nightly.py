"""The nightly job: accrual once, back-dated sales, reversal policy, expiry, idempotency."""
import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings, strategies as st

from loyalty.choices import EntryKind, RuleKind
from loyalty.models import AccrualRun, EarningRule, ExpiryWarning, LedgerEntry, PointsBalance
from loyalty.nightly import lot_expiry, run_nightly
from loyalty import services
from partners.choices import SaleStatus
from partners.services import sale_record_set_status
from prm.models import Notification
from tests import factories as f

from .conftest import D, ledger_snapshot, sale

pytestmark = pytest.mark.django_db


def balance(partner):
    return PointsBalance.objects.get(partner=partner).points


def test_sale_is_credited_once_across_reruns(partner_a, simple_product, base_rule, nightly):
    s = sale(partner_a, simple_product, "1234.56", D(2026, 5, 10))
    nightly(D(2026, 5, 11))
    first = ledger_snapshot()
    nightly(D(2026, 5, 11))
    nightly(D(2026, 5, 12))
    assert ledger_snapshot() == first
    entry = LedgerEntry.objects.get(source_id=s.pk, kind=EntryKind.EARN)
    assert entry.points == 12 and entry.remaining == 12 and entry.rule_id == base_rule.pk
    assert entry.expires_on == D(2028, 5, 31) == lot_expiry(D(2026, 5, 10))
    assert balance(partner_a) == 12


def test_database_refuses_a_second_credit_of_the_same_sale(partner_a, simple_product, base_rule, nightly):
    from django.db import IntegrityError

    s = sale(partner_a, simple_product, "500", D(2026, 5, 10))
    nightly(D(2026, 5, 11))
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(
            partner=partner_a, kind=EntryKind.EARN, points=5, source_type="sale", source_id=s.pk,
            effective_on=s.sold_on, expires_on=D(2028, 5, 31), remaining=5,
        )


def test_sale_dated_after_as_of_waits(partner_a, simple_product, base_rule, nightly):
    sale(partner_a, simple_product, "500", D(2026, 5, 12))
    nightly(D(2026, 5, 11))
    assert not LedgerEntry.objects.exists()
    nightly(D(2026, 5, 12))
    assert balance(partner_a) == 5


def test_back_dated_sale_arriving_late_is_credited(partner_a, simple_product, base_rule, nightly):
    sale(partner_a, simple_product, "300", D(2026, 5, 1))
    nightly(D(2026, 5, 2))
    late = sale(partner_a, simple_product, "700", D(2026, 3, 15))  # arrives after the run
    nightly(D(2026, 5, 3))
    entry = LedgerEntry.objects.get(source_id=late.pk, kind=EntryKind.EARN)
    assert entry.points == 7 and entry.effective_on == D(2026, 3, 15) and entry.expires_on == D(2028, 3, 31)
    assert balance(partner_a) == 10


def test_rule_change_leaves_past_credits_alone(partner_a, simple_product, base_rule, nightly):
    old = sale(partner_a, simple_product, "1000", D(2026, 5, 1))
    nightly(D(2026, 5, 2))
    services.earning_rule_save(rule=base_rule, by=None, points=5)
    new = sale(partner_a, simple_product, "1000", D(2026, 5, 2))
    nightly(D(2026, 5, 3))
    assert LedgerEntry.objects.get(source_id=old.pk, kind=EntryKind.EARN).points == 10
    assert LedgerEntry.objects.get(source_id=new.pk, kind=EntryKind.EARN).points == 50
    assert balance(partner_a) == 60


def test_most_specific_rule_wins_and_tier_multiplies(partner_a, simple_product, config_product, base_rule, nightly):
    from loyalty.models import TierLevel

    EarningRule.objects.create(name="Config", name_zh="配置", points=2, per_amount=Decimal("100"),
                               product_type="configuration")
    special = EarningRule.objects.create(name="MAS", name_zh="MAS", points=4, per_amount=Decimal("100"),
                                         product=config_product, cap_per_sale=30)
    TierLevel.objects.filter(tier="registered").update(earn_multiplier_pct=150)
    a = sale(partner_a, simple_product, "1000", D(2026, 5, 1))
    b = sale(partner_a, config_product, "1000", D(2026, 5, 1))
    nightly(D(2026, 5, 2))
    assert LedgerEntry.objects.get(source_id=a.pk).points == 15  # 10 × 150 %
    earn = LedgerEntry.objects.get(source_id=b.pk)
    assert earn.rule_id == special.pk and earn.points == 30  # 60 capped at 30 per sale


def test_dated_rule_applies_by_sale_date(partner_a, simple_product, base_rule, nightly):
    EarningRule.objects.create(name="May double", name_zh="五月", points=2, per_amount=Decimal("100"),
                               product=simple_product, valid_from=D(2026, 5, 1), valid_to=D(2026, 5, 31))
    before = sale(partner_a, simple_product, "1000", D(2026, 4, 30))
    inside = sale(partner_a, simple_product, "1000", D(2026, 5, 31))
    after = sale(partner_a, simple_product, "1000", D(2026, 6, 1))
    nightly(D(2026, 6, 2))
    points = {e.source_id: e.points for e in LedgerEntry.objects.filter(kind=EntryKind.EARN)}
    assert points == {before.pk: 10, inside.pk: 20, after.pk: 10}


def test_promotion_bonus_capped_per_sale_and_partner_across_runs(partner_a, simple_product, base_rule, nightly):
    promo = EarningRule.objects.create(
        name="Spring", name_zh="春季", kind=RuleKind.PROMOTION, points=1, per_amount=Decimal("10"),
        valid_from=D(2026, 3, 1), valid_to=D(2026, 3, 31), cap_per_sale=60, cap_per_partner=100,
    )
    s1 = sale(partner_a, simple_product, "1000", D(2026, 3, 2))  # 100 → 60 per sale
    nightly(D(2026, 3, 3))
    s2 = sale(partner_a, simple_product, "300", D(2026, 3, 4))  # 30
    s3 = sale(partner_a, simple_product, "500", D(2026, 3, 5))  # 50 → only 10 left of the cap
    s4 = sale(partner_a, simple_product, "500", D(2026, 4, 1))  # outside the promotion
    nightly(D(2026, 4, 2))
    nightly(D(2026, 4, 3))
    bonus = {e.source_id: e.points for e in LedgerEntry.objects.filter(kind=EntryKind.BONUS, rule_key=promo.pk)}
    assert bonus == {s1.pk: 60, s2.pk: 30, s3.pk: 10}
    assert s4.pk not in bonus
    assert balance(partner_a) == 10 + 3 + 5 + 5 + 100


def test_refund_after_points_were_spent_leaves_a_debt_settled_by_later_points(
    partner_a, partner_user_a, simple_product, base_rule, reward, nightly, monkeypatch
):
    """Policy: a reversal takes back everything the sale earned. What is no longer there is
    owed (negative balance, `unsettled` on the reversal), never silently clamped; the next
    points earned settle it first; no redemption is possible meanwhile."""
    monkeypatch.setattr("loyalty.services.business_today", lambda: D(2026, 5, 3))
    big = sale(partner_a, simple_product, "10000", D(2026, 5, 1))  # 100 points
    nightly(D(2026, 5, 2))
    services.points_redeem(partner=partner_a, reward=reward, by=partner_user_a)  # spends 100
    sale_record_set_status(sale=big, by=None, status=SaleStatus.REFUNDED)
    nightly(D(2026, 5, 3))
    reverse = LedgerEntry.objects.get(source_id=big.pk, kind=EntryKind.REVERSE)
    assert reverse.points == -100 and reverse.unsettled == 100
    assert balance(partner_a) == -100
    sale(partner_a, simple_product, "6000", D(2026, 5, 3))  # 60 points
    nightly(D(2026, 5, 4))
    reverse.refresh_from_db()
    assert reverse.unsettled == 40 and balance(partner_a) == -40
    assert not LedgerEntry.objects.filter(remaining__gt=0).exists()
    with pytest.raises(Exception):
        services.points_redeem(partner=partner_a, reward=reward, by=partner_user_a)
    call_command("loyalty_balances")  # still agrees with the ledger


def test_refund_before_spending_takes_the_points_back(partner_a, simple_product, base_rule, nightly):
    s = sale(partner_a, simple_product, "1000", D(2026, 5, 1))
    keep = sale(partner_a, simple_product, "500", D(2026, 5, 1))
    nightly(D(2026, 5, 2))
    sale_record_set_status(sale=s, by=None, status=SaleStatus.CANCELLED)
    nightly(D(2026, 5, 3))
    nightly(D(2026, 5, 4))
    assert LedgerEntry.objects.filter(kind=EntryKind.REVERSE).count() == 1
    assert LedgerEntry.objects.get(source_id=s.pk, kind=EntryKind.EARN).remaining == 0
    assert LedgerEntry.objects.get(source_id=keep.pk, kind=EntryKind.EARN).remaining == 5
    assert balance(partner_a) == 5


def test_sale_refunded_before_credit_earns_nothing(partner_a, simple_product, base_rule, nightly):
    sale(partner_a, simple_product, "1000", D(2026, 5, 1), status=SaleStatus.REFUNDED)
    nightly(D(2026, 5, 2))
    assert not LedgerEntry.objects.exists() and balance(partner_a) == 0


def test_partly_spent_lot_expires_at_end_of_its_day(
    partner_a, partner_user_a, simple_product, base_rule, reward, nightly, monkeypatch
):
    monkeypatch.setattr("loyalty.services.business_today", lambda: D(2026, 6, 1))
    s = sale(partner_a, simple_product, "25000", D(2024, 6, 5))  # 250 points, expires 2026-06-30
    nightly(D(2026, 6, 1))
    services.points_redeem(partner=partner_a, reward=reward, by=partner_user_a)  # 100
    nightly(D(2026, 6, 30))  # still the expiry day: nothing expires
    assert not LedgerEntry.objects.filter(kind=EntryKind.EXPIRE).exists()
    nightly(D(2026, 7, 1))
    nightly(D(2026, 7, 2))
    expire = LedgerEntry.objects.get(kind=EntryKind.EXPIRE)
    assert expire.points == -150 and expire.source_id == LedgerEntry.objects.get(source_id=s.pk, kind="earn").pk
    assert expire.effective_on == D(2026, 6, 30)
    assert balance(partner_a) == 0
    assert LedgerEntry.objects.get(source_id=s.pk, kind="earn").remaining == 0


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sold_on=st.dates(min_value=D(2019, 1, 1), max_value=D(2030, 12, 31)), days_after=st.integers(-3, 3))
def test_expiry_boundary(partner_a, simple_product, base_rule, sold_on, days_after):
    """A lot is spendable through its whole expiry day and expired by the run of the day after."""
    with transaction.atomic():
        sale(partner_a, simple_product, "1000", sold_on)
        expires = lot_expiry(sold_on)
        as_of = expires + datetime.timedelta(days=days_after)
        run_nightly(as_of=max(as_of, sold_on))
        expired = LedgerEntry.objects.filter(kind=EntryKind.EXPIRE).exists()
        assert expired == (max(as_of, sold_on) > expires)
        # the expiry date is the last day of the month, 24 months after the month of the sale
        assert (expires + datetime.timedelta(days=1)).day == 1
        assert (expires.year - sold_on.year) * 12 + expires.month - sold_on.month == 24
        transaction.set_rollback(True)


def test_expiry_warning_once_per_expiry_date(partner_a, partner_user_a, simple_product, base_rule, nightly):
    sale(partner_a, simple_product, "1000", D(2024, 6, 5))  # expires 2026-06-30
    nightly(D(2026, 5, 20))  # more than 30 days before: no warning
    assert not ExpiryWarning.objects.exists()
    nightly(D(2026, 6, 1))
    nightly(D(2026, 6, 2))
    warning = ExpiryWarning.objects.get()
    assert warning.points == 10 and warning.expires_on == D(2026, 6, 30)
    assert Notification.objects.filter(recipient=partner_user_a, kind="loyalty.expiry").count() == 1


def _two_chunk_setup(simple_product):
    partners = [f.PartnerFactory() for _ in range(3)]
    for index, partner in enumerate(partners):
        sale(partner, simple_product, 1000 * (index + 1), D(2024, 4, 2))  # expires 2026-04-30
        sale(partner, simple_product, 500, D(2026, 4, 20))
    return partners


def test_chunk_failing_halfway_then_rerun_equals_one_clean_run(simple_product, base_rule):
    partners = _two_chunk_setup(simple_product)
    size = 1
    with transaction.atomic():
        run_nightly(as_of=D(2026, 5, 2), chunk_size=size)
        clean = ledger_snapshot()
        clean_balances = sorted(PointsBalance.objects.values_list("partner_id", "points"))
        transaction.set_rollback(True)
    assert not LedgerEntry.objects.exists()

    def boom(ctx):
        if ctx.lo == partners[1].pk:
            raise RuntimeError("worker killed")

    with pytest.raises(RuntimeError):
        run_nightly(as_of=D(2026, 5, 2), chunk_size=size, hooks={"expire": boom})
    failed = AccrualRun.objects.get()
    assert failed.status == "failed" and failed.chunks_done >= 1
    # the first chunk is complete, the failing one left nothing behind
    assert LedgerEntry.objects.filter(partner=partners[0]).exists()
    assert not LedgerEntry.objects.filter(partner=partners[1]).exists()
    run_nightly(as_of=D(2026, 5, 2), chunk_size=size)
    assert ledger_snapshot() == clean
    assert sorted(PointsBalance.objects.values_list("partner_id", "points")) == clean_balances
    run_nightly(as_of=D(2026, 5, 2), chunk_size=2)
    assert ledger_snapshot() == clean
    call_command("loyalty_balances")


def test_balance_check_command_detects_and_rebuilds(partner_a, simple_product, base_rule, nightly):
    from django.core.management.base import CommandError

    sale(partner_a, simple_product, "1000", D(2026, 5, 1))
    nightly(D(2026, 5, 2))
    call_command("loyalty_balances")
    PointsBalance.objects.filter(partner=partner_a).update(points=999)
    with pytest.raises(CommandError):
        call_command("loyalty_balances")
    call_command("loyalty_balances", "--fix")
    assert balance(partner_a) == 10
    call_command("loyalty_balances")


def test_management_command_and_task(partner_a, simple_product, base_rule):
    from io import StringIO

    from loyalty.tasks import loyalty_nightly

    sale(partner_a, simple_product, "1000", D(2026, 5, 1))
    out = StringIO()
    call_command("loyalty_nightly", "--as-of", "2026-05-02", "--no-progress", stdout=out)
    assert "1 sales credited" in out.getvalue()
    result = loyalty_nightly.apply(kwargs={"as_of": "2026-05-03"}).get()
    assert result["as_of"] == "2026-05-03" and result["earned"] == 0 and result["status"] == "succeeded"
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("loyalty_nightly", "--as-of", "2026-13-01")


def test_incremental_runs_look_at_new_and_changed_sales_only(partner_a, simple_product, config_product, base_rule,
                                                            nightly):
    """Sales examined by a clean run are not examined again: a rule added later does not reach
    back (rule changes never rewrite the past) unless a full run is asked for. A sale that was
    refunded before its credit and is booked again counts as changed, and is credited."""
    EarningRule.objects.filter(pk=base_rule.pk).update(product_type="configuration")
    uncovered = sale(partner_a, simple_product, "1000", D(2026, 5, 1))
    flip = sale(partner_a, config_product, "2000", D(2026, 5, 1), status=SaleStatus.REFUNDED)
    # recorded well before the run (the job allows a day's margin for long import transactions)
    from django.utils import timezone
    from partners.models import SaleRecord

    SaleRecord.objects.update(updated_at=timezone.now() - datetime.timedelta(days=3))
    nightly(D(2026, 5, 2))
    assert not LedgerEntry.objects.exists()
    EarningRule.objects.create(name="Simple", name_zh="简单", points=1, per_amount=Decimal("100"),
                               product_type="simple_standard")
    sale_record_set_status(sale=flip, by=None, status=SaleStatus.BOOKED)
    nightly(D(2026, 5, 3))
    assert set(LedgerEntry.objects.values_list("source_id", flat=True)) == {flip.pk}
    run_nightly(as_of=D(2026, 5, 3), full=True)
    assert set(LedgerEntry.objects.values_list("source_id", flat=True)) == {flip.pk, uncovered.pk}
