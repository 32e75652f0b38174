"""Tier qualification: the rolling 12-month window, prerequisites, reviews and their decisions."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings, strategies as st

from loyalty import services
from loyalty.choices import ReviewDirection, ReviewStatus
from loyalty.models import ComplianceIssue, PointsBalance, TierLevel, TierReview, TrainedPerson
from loyalty.nightly import add_months, run_nightly, window_bounds
from partners.choices import Tier
from partners.models import PartnerChange
from prm.models import Notification

from .conftest import D, sale

pytestmark = pytest.mark.django_db


@pytest.fixture
def thresholds(db):
    """Certified at 100 qualifying points (no other requirement); gold at 1,000 points plus one
    trained person, no open compliance issue and 2 active customers."""
    TierLevel.objects.filter(tier=Tier.CERTIFIED).update(
        min_points=100, min_trained_people=0, max_open_compliance_issues=None, min_active_customers=0
    )
    TierLevel.objects.filter(tier=Tier.GOLD).update(
        min_points=1000, min_trained_people=1, max_open_compliance_issues=0, min_active_customers=2
    )


def qualifying(partner):
    return PointsBalance.objects.get(partner=partner).qualifying_points


@pytest.mark.parametrize(
    "as_of, sold_on, inside",
    [
        # a leap-year window (it spans 29 Feb 2028): 366 days long
        (D(2028, 3, 1), D(2027, 3, 2), True),  # day 365 before: inside
        (D(2028, 3, 1), D(2027, 3, 1), False),  # day 366 before: the same date a year earlier, outside
        (D(2028, 2, 29), D(2027, 2, 28), False),  # 29 Feb looks back to 28 Feb
        (D(2028, 2, 29), D(2027, 3, 1), True),
        # an ordinary window: 365 days long
        (D(2027, 3, 1), D(2026, 3, 2), True),  # day 364
        (D(2027, 3, 1), D(2026, 3, 1), False),  # day 365: the same date a year earlier
        (D(2027, 3, 1), D(2027, 3, 1), True),  # the as-of day itself counts
    ],
)
def test_window_edges(partner_a, simple_product, base_rule, thresholds, as_of, sold_on, inside):
    sale(partner_a, simple_product, "1000", sold_on)
    run_nightly(as_of=as_of)
    assert qualifying(partner_a) == (10 if inside else 0)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(as_of=st.dates(min_value=D(2020, 1, 1), max_value=D(2032, 12, 31)), back=st.integers(0, 400))
def test_window_holds_twelve_calendar_months(partner_a, simple_product, base_rule, as_of, back):
    start, end = window_bounds(as_of)
    assert end == as_of and add_months(start, 12) == as_of or (as_of.month == 2 and as_of.day == 29)
    length = (end - start).days
    assert length in (365, 366)
    with transaction.atomic():
        sold_on = as_of - datetime.timedelta(days=back)
        sale(partner_a, simple_product, "1000", sold_on)
        run_nightly(as_of=as_of)
        assert qualifying(partner_a) == (10 if back < length else 0)
        transaction.set_rollback(True)


def test_single_sale_crossing_threshold_opens_upgrade_and_approval_changes_tier(
    partner_a, partner_user_a, product_manager, simple_product, base_rule, thresholds, monkeypatch
):
    sale(partner_a, simple_product, "9900", D(2026, 5, 1))  # 99 points
    run_nightly(as_of=D(2026, 5, 2))
    assert not TierReview.objects.exists()
    sale(partner_a, simple_product, "100", D(2026, 5, 2))  # the 100th point
    run_nightly(as_of=D(2026, 5, 3))
    review = TierReview.objects.get()
    assert (review.from_tier, review.to_tier, review.direction) == (Tier.REGISTERED, Tier.CERTIFIED, "upgrade")
    assert review.qualifying_points == 100 and review.eligible_on == D(2026, 5, 3)
    assert Notification.objects.filter(recipient=product_manager, kind="loyalty.tier_reviews").exists()
    run_nightly(as_of=D(2026, 5, 3))
    assert TierReview.objects.count() == 1  # a re-run opens nothing new
    services.tier_review_approve(review=review, by=product_manager, reason="Qualified")
    partner_a.refresh_from_db()
    assert partner_a.tier == Tier.CERTIFIED
    change = PartnerChange.objects.get(partner=partner_a, field="tier", old_value="registered")
    assert change.new_value == "certified" and change.changed_by == product_manager and change.reason == "Qualified"
    assert Notification.objects.filter(recipient=partner_user_a, kind="loyalty.tier").count() == 1
    with pytest.raises(ValidationError):
        services.tier_review_approve(review=review, by=product_manager)


def test_prerequisites_hold_back_gold(partner_a, simple_product, base_rule, thresholds):
    sale(partner_a, simple_product, "100000", D(2026, 5, 1), customer_name="甲")
    sale(partner_a, simple_product, "100", D(2026, 5, 1), customer_name="乙")
    run_nightly(as_of=D(2026, 5, 2))
    assert PointsBalance.objects.get(partner=partner_a).qualified_tier == Tier.CERTIFIED  # nobody trained
    TrainedPerson.objects.create(partner=partner_a, name="王", course="MAS", trained_on=D(2026, 4, 1))
    issue = ComplianceIssue.objects.create(partner=partner_a, summary="price dumping", opened_on=D(2026, 4, 1))
    run_nightly(as_of=D(2026, 5, 3))
    assert PointsBalance.objects.get(partner=partner_a).qualified_tier == Tier.CERTIFIED  # open issue
    issue.resolved_on = D(2026, 5, 3)
    issue.save()
    run_nightly(as_of=D(2026, 5, 4))
    balance = PointsBalance.objects.get(partner=partner_a)
    assert balance.qualified_tier == Tier.GOLD
    assert (balance.trained_people, balance.open_compliance_issues, balance.active_customers) == (1, 0, 2)
    review = TierReview.objects.get(status=ReviewStatus.PENDING)
    assert review.to_tier == Tier.GOLD


def test_downgrade_waits_for_grace_and_lapses_on_requalification(
    partner_a, product_manager, simple_product, base_rule, thresholds, monkeypatch
):
    partner_a.tier = Tier.CERTIFIED
    partner_a.save()
    sale(partner_a, simple_product, "5000", D(2026, 5, 1))  # 50 points: below certified
    run_nightly(as_of=D(2026, 5, 2))
    review = TierReview.objects.get()
    assert review.direction == ReviewDirection.DOWNGRADE and review.eligible_on == D(2026, 7, 31)
    monkeypatch.setattr("loyalty.services.business_today", lambda: D(2026, 6, 1))
    with pytest.raises(ValidationError) as excinfo:
        services.tier_review_approve(review=review, by=product_manager)
    assert "eligible_on" in excinfo.value.message_dict
    sale(partner_a, simple_product, "5000", D(2026, 6, 1))  # back to 100 points
    run_nightly(as_of=D(2026, 6, 2))
    review.refresh_from_db()
    assert review.status == ReviewStatus.LAPSED
    partner_a.refresh_from_db()
    assert partner_a.tier == Tier.CERTIFIED
    assert not TierReview.objects.filter(status=ReviewStatus.PENDING).exists()


def test_downgrade_after_grace_may_be_approved(partner_a, product_manager, simple_product, base_rule, thresholds,
                                               monkeypatch):
    partner_a.tier = Tier.CERTIFIED
    partner_a.save()
    run_nightly(as_of=D(2026, 5, 2))
    review = TierReview.objects.get()
    monkeypatch.setattr("loyalty.services.business_today", lambda: D(2026, 7, 31))
    services.tier_review_approve(review=review, by=product_manager, reason="No sales for a year")
    partner_a.refresh_from_db()
    assert partner_a.tier == Tier.REGISTERED


def test_redeeming_never_lowers_the_tier(partner_a, partner_user_a, simple_product, base_rule, thresholds, reward,
                                         monkeypatch):
    partner_a.tier = Tier.CERTIFIED
    partner_a.save()
    monkeypatch.setattr("loyalty.services.business_today", lambda: D(2026, 5, 3))
    sale(partner_a, simple_product, "10000", D(2026, 5, 1))  # 100 points: exactly certified
    run_nightly(as_of=D(2026, 5, 2))
    services.points_redeem(partner=partner_a, reward=reward, by=partner_user_a)  # balance 0
    run_nightly(as_of=D(2026, 5, 3))
    balance = PointsBalance.objects.get(partner=partner_a)
    assert balance.points == 0 and balance.qualifying_points == 100 and balance.qualified_tier == Tier.CERTIFIED
    assert not TierReview.objects.exists()


def test_reject_needs_a_reason_and_bulk_decides_each(partner_a, partner_b, product_manager, simple_product,
                                                    base_rule, thresholds):
    for partner in (partner_a, partner_b):
        sale(partner, simple_product, "10000", D(2026, 5, 1))
    run_nightly(as_of=D(2026, 5, 2))
    reviews = list(TierReview.objects.order_by("id"))
    assert len(reviews) == 2
    with pytest.raises(ValidationError):
        services.tier_review_reject(review=reviews[0], by=product_manager, reason=" ")
    services.tier_review_reject(review=reviews[0], by=product_manager, reason="Audit pending")
    outcome = services.tier_reviews_decide(reviews=reviews, by=product_manager, approve=True, reason="")
    assert outcome.done == [reviews[1].pk] and list(outcome.errors) == [reviews[0].pk]
    partner_b.refresh_from_db()
    assert partner_b.tier == Tier.CERTIFIED
