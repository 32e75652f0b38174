"""The importance–performance page in a real browser: a channel manager reads the IPA chart
(points and quadrant lines), the fix-first list, filters through the address, the movement
between two campaigns and the category scores; the page also works at phone width."""
import datetime

import pytest
from playwright.sync_api import expect

from partners.choices import Tier
from tests import factories as f
from tests.browser.conftest import PHONE, browser, new_page, shot, sign_in  # noqa: F401 (fixtures)

from .ipa_world import campaign, partner, respond

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MH, RT, TC, BI = "market_heat", "response_time", "training_coaching", "brand_influence"

READ_CHART = """() => {
    const chart = Chart.getChart(document.getElementById("ipa-chart"));
    return {
        lines: chart.options.plugins.ipaQuadrants,
        points: chart.data.datasets.flatMap((d) => d.data.map((p) => [p.code, d.quadrant, p.x, p.y])),
    };
}"""


@pytest.fixture
def surveyed(channel_manager):
    """Five partners answer the same (five answers per factor, the minimum):
    market heat 5/2, response time 4/4, training 2/2, brand 2/5 → lines 3.25 / 3.25:
    market heat fix first, response time keep up, training low priority, brand overkill.
    An earlier campaign had market heat at 4/4 (keep up)."""
    earlier = campaign(name="2025 Q4 survey", opens_on=datetime.date(2025, 10, 1), codes=[MH, RT, TC, BI])
    latest = campaign(name="2026 Q1 survey", opens_on=datetime.date(2026, 1, 1), codes=[MH, RT, TC, BI])
    for n in range(5):
        p = partner(city=f.city("CD"), tier=Tier.CERTIFIED)
        respond(latest, p, {MH: (5, 2), RT: (4, 4), TC: (2, 2), BI: (2, 5)})
        respond(earlier, p, {MH: (4, 4), RT: (4, 4), TC: (2, 2), BI: (2, 5)})
    return {"earlier": earlier, "latest": latest}


def test_reading_the_ipa_page(new_page, shot, surveyed):
    page = new_page()
    sign_in(page, "cm")
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Importance–performance").click()
    expect(page.get_by_role("heading", name="Importance–performance", exact=True)).to_be_visible()
    expect(page.locator("[data-ipa-summary]")).to_contain_text("2026 Q1 survey")

    # The chart: each factor at (satisfaction, importance) in its quadrant, and the two lines.
    expect(page.locator("#surveys-ipa[data-loaded='true']")).to_have_count(1)
    chart = page.evaluate(READ_CHART)
    assert chart["lines"] == {"importance": "3.25", "satisfaction": "3.25"}
    assert sorted(chart["points"]) == sorted([
        [MH, "fix_first", 2, 5], [RT, "keep_up", 4, 4], [TC, "low_priority", 2, 2], [BI, "overkill", 5, 2],
    ])
    expect(page.locator("[data-ipa-lines]")).to_contain_text("importance 3.25, satisfaction 3.25")

    # The fix-first list.
    fix = page.locator("[data-fix-table] tbody tr")
    expect(fix).to_have_count(1)
    expect(fix.first).to_contain_text("Market heat")
    expect(fix.first.locator("[data-gap]")).to_have_text("3.00")
    expect(page.locator(f'[data-factor-table] tr[data-factor="{BI}"] [data-quadrant]')).to_have_text(
        "Unimportant strength: possible overkill")

    # The category scores per segment (by tier by default): experience (15·1 + 5·4)/20 … → shown.
    expect(page.locator('[data-category-table] tr[data-segment="certified"]')).to_be_visible()
    shot(page, "surveys-ipa-01")

    # Movement against the earlier campaign.
    page.get_by_label("Compare with").select_option(str(surveyed["earlier"].pk))
    row = page.locator(f'[data-movement-table] tr[data-factor="{MH}"]')
    expect(row).to_have_attribute("data-moved", "true")
    expect(row).to_contain_text("+1.00")
    expect(row).to_contain_text("-2.00")
    assert f"from={surveyed['earlier'].pk}" in page.url

    # Midpoint lines, then a filter nobody matches; the address keeps the state.
    page.get_by_label("Quadrant lines").select_option("midpoint")
    expect(page.locator("[data-ipa-lines]")).to_contain_text("importance 3.00, satisfaction 3.00")
    tiers = page.locator('details[data-multi="tier"]')
    tiers.locator("summary").click()
    tiers.get_by_label("Gold certified partner").check()
    expect(page.locator("[data-chart-state]")).to_contain_text("Not enough answers")
    assert "tier=gold" in page.url and "lines=midpoint" in page.url
    tiers.get_by_label("Certified partner", exact=True).check()  # gold or certified: the answers are back
    expect(page.locator("[data-fix-table] tbody tr")).to_have_count(1)
    assert "tier=certified" in page.url and "tier=gold" in page.url
    tiers.get_by_label("Certified partner", exact=True).uncheck()
    expect(page.locator("[data-chart-state]")).to_contain_text("Not enough answers")
    page.reload()
    expect(tiers.locator("[data-summary]")).to_have_text("Gold certified partner")
    expect(page.locator("[data-chart-state]")).to_contain_text("Not enough answers")


def test_phone_width_and_partner_users(new_page, shot, surveyed, partner_user_a):
    page = new_page(PHONE)
    sign_in(page, "cm")
    page.goto("/surveys/importance-performance/")
    expect(page.locator("[data-fix-table] tbody tr")).to_have_count(1)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1
    shot(page, "surveys-ipa-02-phone")
    other = new_page()
    sign_in(other, "pa")
    response = other.goto("/surveys/importance-performance/")
    assert response.status == 403


def test_partner_page_shows_the_satisfaction_index(new_page, partner_a, partner_user_a, channel_manager):
    from decimal import Decimal

    from django.urls import reverse

    from support.surveys.models import PartnerSatisfaction

    PartnerSatisfaction.objects.create(partner=partner_a, as_of=datetime.date(2026, 10, 31), index=Decimal("71.25"),
                                       responses=1, category_scores={"process": 80})
    PartnerSatisfaction.objects.create(partner=partner_a, as_of=datetime.date(2026, 11, 29), index=Decimal("37.50"),
                                       responses=2, category_scores={"experience": 25, "process": 75})
    url = reverse("portal:partner-detail", args=[partner_a.pk])
    for username in ("cm", "pa"):  # staff, and the partner's own user
        page = new_page()
        sign_in(page, username)
        page.goto(url)
        section = page.locator("#satisfaction-section")
        expect(section.locator("[data-satisfaction-index]")).to_have_text("37.50")
        expect(section.locator('[data-category="experience"]')).to_contain_text("Cooperation experience")
        expect(section.locator('[data-category="experience"]')).to_contain_text("25.00")
        expect(section.locator("[data-satisfaction-history]")).to_contain_text("71.25")
