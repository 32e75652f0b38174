"""The three-contradictions dashboard in a real browser: a channel manager opens it from the
navigation, reads each lever's indicators (value, change, trend, breakdown, explain link) and
the empty state of a lever nobody measures yet; on a phone the columns stack."""
import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from django.utils import timezone

from lifecycle import indicators as registry
from lifecycle.indicators import Lever, month_end, months_before
from lifecycle.models import IndicatorSnapshot
from tests.browser.conftest import PHONE, browser, new_page, shot, sign_in  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def prepared(monkeypatch):
    """Month-end snapshots of the retain and regulate indicators; no attract indicator registered."""
    kept = {k: i for k, i in registry._REGISTRY.items() if i.lever != Lever.ATTRACT}
    monkeypatch.setattr(registry, "_REGISTRY", kept)
    latest = timezone.localdate() - datetime.timedelta(days=1)
    days = [month_end(months_before(latest, back)) for back in range(6, 0, -1)] + [latest]
    now = timezone.now()
    rows = []
    for n, day in enumerate(days):
        rows.append(IndicatorSnapshot(key="retain.active_12m", as_of=day, value=Decimal(80 + n), numerator=80 + n,
                                      denominator=100, breakdown={"SA": 85.0, "ISV": 70.0}, computed_at=now))
        rows.append(IndicatorSnapshot(key="regulate.breaches", as_of=day, value=Decimal(30 - n), numerator=30 - n,
                                      breakdown={"BAS": 10, "COS": 20 - n}, computed_at=now))
    IndicatorSnapshot.objects.bulk_create(rows)


def test_dashboard_answers_the_question(new_page, shot, prepared, channel_manager):
    page = new_page()
    sign_in(page, "cm")
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Three contradictions").click()
    expect(page.get_by_role("heading", name="Three contradictions", level=1)).to_be_visible()
    expect(page.get_by_text("The system exists but does not run smoothly")).to_be_visible()

    attract = page.locator('[data-lever="attract"]')
    expect(attract).to_contain_text("Many target partners, few willing partners.")
    expect(attract).to_contain_text("No indicator measures this contradiction yet.")

    active = page.locator('[data-indicator="retain.active_12m"]')
    expect(active).to_contain_text("86%")
    expect(active).to_contain_text("86 of 100")
    expect(active.locator(".indicator-change-good")).to_contain_text("1 pts")  # up is better
    expect(active.locator("canvas")).to_be_visible()
    expect(active.locator(".indicator-breakdown")).to_contain_text("ISV")

    breaches = page.locator('[data-indicator="regulate.breaches"]')
    expect(breaches.locator(".indicator-value")).to_have_text("24")
    expect(breaches.locator(".indicator-change-good")).to_be_visible()  # down is better
    expect(page.locator('[data-indicator="retain.high_risk"]')).to_contain_text("Not computed yet.")
    shot(page, "contradictions-laptop")

    active.get_by_role("link", name="Explain").click()
    expect(page.get_by_role("heading", name="Lifecycle funnel")).to_be_visible()


def test_dashboard_on_a_phone(new_page, shot, prepared, product_manager):
    page = new_page(viewport=PHONE)
    sign_in(page, "pm")
    page.goto("/lifecycle/contradictions/")
    retain = page.locator('[data-lever="retain"]')
    regulate = page.locator('[data-lever="regulate"]')
    expect(regulate.locator('[data-indicator="regulate.breaches"] .indicator-value')).to_have_text("24")
    box_retain, box_regulate = retain.bounding_box(), regulate.bounding_box()
    assert box_regulate["y"] > box_retain["y"] + box_retain["height"] - 1  # stacked, not side by side
    assert box_retain["width"] <= PHONE["width"]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1
    shot(page, "contradictions-phone")
