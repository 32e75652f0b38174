"""The resource allocation page in a real browser: an administrator reads the grid, lists a
cell's partners, proposes a budget split and moves a boundary; a channel manager on a phone."""
import pytest
from playwright.sync_api import expect

from lifecycle.allocation import engine
from lifecycle.allocation.models import AllocationSettings, AllocationWeight
from partners.choices import Tier
from tests import factories as f
from tests.browser.conftest import PHONE, browser, new_page, shot, sign_in  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def placed(admin_user, channel_manager):
    """Attractiveness = the city's market potential, fit = the tier's points (gold 100,
    certified 60, registered 20): Chengdu gold → segment 1, Chengdu certified → 2, Aba gold → 4."""
    settings = AllocationSettings.load()
    settings.trained_people_share = 0
    settings.tier_points_registered, settings.tier_points_certified, settings.tier_points_gold = 20, 60, 100
    settings.save()
    AllocationWeight.objects.all().delete()
    AllocationWeight.objects.create(axis="attractiveness", measure="market_potential", weight=1)
    AllocationWeight.objects.create(axis="fit", measure="certification", weight=1)
    star = f.PartnerFactory(name="成都金牌科技有限公司", city=f.city("CD"), tier=Tier.GOLD)
    rising = [f.PartnerFactory(name=f"成都成长伙伴{n}", city=f.city("CD"), tier=Tier.CERTIFIED) for n in range(3)]
    remote = f.PartnerFactory(name="阿坝能手有限公司", city=f.city("AB"), tier=Tier.GOLD)
    f.PartnerFactory(name="甘孜新伙伴", city=f.city("GZ"), tier=Tier.REGISTERED)
    engine.allocation_run(as_of=engine.default_as_of())
    return {"star": star, "rising": rising, "remote": remote}


def test_grid_cell_budget_and_settings(new_page, shot, placed):
    page = new_page()
    sign_in(page, "admin")
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Resource allocation").click()
    expect(page.get_by_role("heading", name="Resource allocation balance model")).to_be_visible()
    grid = page.locator("[data-grid-table]")
    expect(grid.locator('[data-count-of="1"]')).to_have_text("1")
    expect(grid.locator('[data-count-of="2"]')).to_have_text("3")
    expect(grid.locator('[data-count-of="4"]')).to_have_text("1")
    expect(grid.locator('[data-count-of="6"]')).to_have_text("1")
    expect(page.locator('[data-segment="2"]')).to_contain_text("Priority 1")

    # A cell lists its partners, linked to their pages.
    page.locator('[data-segment="2"]').click()
    table = page.locator("[data-partners-table]")
    expect(table.locator("tbody tr")).to_have_count(3)
    expect(table).to_contain_text("成都成长伙伴0")
    expect(page.locator("[data-partners-export]")).to_have_attribute("href", "/api/v1/allocation/partners/export/?segment=2")

    # The budget split: 50 / 30 / 20 % to segments 2, 1, 4.
    page.get_by_label("Market funds (CNY)").fill("1000")
    page.get_by_label("Training seats").fill("10")
    page.get_by_role("button", name="Propose a split").click()
    budget = page.locator("[data-budget-table]")
    expect(budget.locator('[data-budget-segment="2"]')).to_contain_text("500.00")
    expect(budget.locator('[data-budget-segment="1"]')).to_contain_text("300.00")
    expect(budget.locator("[data-budget-total]")).to_contain_text("1,000.00")
    expect(page.locator("[data-budget-export]")).to_have_attribute("href", "/api/v1/allocation/budget/export/?market_funds=1000&training_seats=10")
    shot(page, "allocation-01-grid")

    # Bad input is answered next to the field.
    page.get_by_label("Market funds (CNY)").fill("-5")
    page.get_by_role("button", name="Propose a split").click()
    expect(page.locator('[data-error-for="market_funds"]')).to_be_visible()

    # Moving the attractiveness boundary to 20 puts Aba (25) among the attractive: segment 1.
    page.get_by_label("Attractiveness boundaries").fill("20")
    page.get_by_role("button", name="Save grid").click()
    expect(page.get_by_text("Grid saved; every partner was placed again.")).to_be_visible()
    expect(grid.locator('[data-count-of="1"]')).to_have_text("2")
    expect(grid.locator('[data-count-of="4"]')).to_have_text("0")

    # Overlapping boundaries are refused.
    page.get_by_label("Capability fit boundaries").fill("67, 34")
    page.get_by_role("button", name="Save grid").click()
    expect(page.locator('[data-error-for="fit_bounds"]')).to_contain_text("rise strictly")

    # The partner's page shows its place and the measures.
    page.goto(f"/partners/{placed['star'].pk}/")
    section = page.locator("[data-allocation-section]")
    expect(section.locator("[data-allocation-summary]")).to_contain_text("Segment 1: intrinsic attractiveness 100, capability fit 100")
    expect(section.locator('[data-measure="market_potential"]')).to_contain_text("100")


def test_channel_manager_on_a_phone(new_page, shot, placed):
    page = new_page(viewport=PHONE)
    sign_in(page, "cm")
    page.goto("/allocation/")
    expect(page.locator('[data-count-of="2"]')).to_have_text("3")
    expect(page.get_by_role("button", name="Save grid")).to_have_count(0)  # read-only for channel managers
    shot(page, "allocation-02-phone")
    wide = page.evaluate("""() => Array.from(document.querySelectorAll('body *')).filter((el) => {
        const r = el.getBoundingClientRect(); return r.right > window.innerWidth + 1 && !el.closest('.table-wrap');
    }).map((el) => el.tagName + '.' + el.className + ' ' + Math.round(el.getBoundingClientRect().right)).slice(0, 10)""")
    assert wide == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
