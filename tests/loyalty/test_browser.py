"""The loyalty pages in a real browser: a partner redeems a reward; a product manager approves a
tier review."""
import datetime

import pytest
from playwright.sync_api import expect

from loyalty import services
from loyalty.models import PointsBalance, Redemption, Reward, TierReview
from partners.choices import Tier
from partners.models import PartnerChange
from tests.browser.conftest import browser, new_page, shot, sign_in  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_partner_redeems_a_reward(new_page, shot, partner_a, partner_user_a):
    services.points_adjust(partner=partner_a, points=1000, reason="Welcome bonus", by=None)
    reward = Reward.objects.create(code="browser-seat", category="training", name="Training seat (browser)",
                                   name_zh="培训名额", cost_points=800, stock=2, sort_order=0)
    page = new_page()
    sign_in(page, "pa")
    page.goto("/loyalty/")
    expect(page.locator('[data-kpi="points"]')).to_have_text("1,000")
    expect(page.locator("[data-ledger]")).to_contain_text("Welcome bonus")
    shot(page, "loyalty-01-my-points")

    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Rewards").click()
    card = page.locator(f'[data-reward="{reward.code}"]')
    expect(card).to_contain_text("800 points")
    shot(page, "loyalty-02-rewards")
    page.once("dialog", lambda dialog: dialog.accept())
    card.get_by_role("button", name="Redeem").click()
    expect(page).to_have_url(f"{page.url.split('/loyalty/')[0]}/loyalty/redemptions/")
    expect(page.locator("#messages")).to_contain_text("You redeemed Training seat (browser)")
    expect(page.locator("[data-rows]")).to_contain_text("Awaiting fulfilment")
    shot(page, "loyalty-03-my-redemptions")

    redemption = Redemption.objects.get()
    assert redemption.partner_id == partner_a.pk and redemption.points == 800
    assert PointsBalance.objects.get(partner=partner_a).points == 200
    page.goto("/loyalty/")
    expect(page.locator('[data-kpi="points"]')).to_have_text("200")


def test_product_manager_approves_a_tier_review(new_page, shot, partner_a, product_manager, partner_user_a):
    today = datetime.date.today()
    review = TierReview.objects.create(
        partner=partner_a, from_tier=Tier.REGISTERED, to_tier=Tier.CERTIFIED, direction="upgrade",
        opened_on=today, eligible_on=today, last_evaluated_on=today, window_start=today.replace(year=today.year - 1),
        window_end=today, qualifying_points=5200, active_customers=4, trained_people=1, open_compliance_issues=0,
    )
    page = new_page()
    sign_in(page, "pm")
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Tier reviews").click()
    row = page.locator(f'[data-review="{review.pk}"]')
    expect(row).to_contain_text("Registered partner → Certified partner")
    expect(row).to_contain_text("5,200")
    shot(page, "loyalty-04-tier-reviews")
    row.get_by_role("button", name="Approve").click()
    expect(page.locator("#messages")).to_contain_text("1 review decided.")
    expect(page.locator("[data-rows]")).to_contain_text("No tier reviews.")
    partner_a.refresh_from_db()
    assert partner_a.tier == Tier.CERTIFIED
    assert PartnerChange.objects.filter(partner=partner_a, field="tier", new_value="certified",
                                        changed_by=product_manager).exists()
    page.locator("[data-status-filter]").select_option("approved")
    expect(page.locator(f'[data-review="{review.pk}"]')).to_contain_text("Approved")
    shot(page, "loyalty-05-tier-review-approved")
