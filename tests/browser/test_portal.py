"""The portal in a real browser: what a channel manager and a partner user do all day."""
import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from partners import services
from partners.choices import PartnerStatus, Tier
from tests import factories as f

from .conftest import PHONE, sign_in

def path(value):
    """The page's address ends with this path and query."""
    return re.compile(re.escape(value) + "$")


# Data migrations (cities, partner types) must survive the live server's flushes.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def portfolio(channel_manager, partner_a, partner_b):
    """The fixtures' two partners plus a few more, with contacts and sales, for charts and lists."""
    contact = f.ContactFactory(partner=partner_a, name="张三", title="销售经理", phone="028-11112222", is_primary=True)
    f.ContactFactory(partner=partner_a, name="李娜", title="技术总监")
    f.PartnerFactory(name="德阳丙公司", city=f.city("DY"), tier=Tier.GOLD, partner_type=f.partner_type("ISV"),
                     channel_manager=channel_manager)
    f.PartnerFactory(name="宜宾丁公司", city=f.city("YB"), tier=Tier.CERTIFIED, status=PartnerStatus.PROSPECT,
                     partner_type=f.partner_type("SI"))
    product = f.ProductFactory(code="EMAIL", name="Enterprise mail", name_zh="企业邮箱")
    for day in range(1, 4):
        f.SaleRecordFactory(partner=partner_a, product=product, amount=Decimal("12800.50"),
                            sold_on=datetime.date(2025, 6, day))
    services.partner_update(partner=partner_a, by=channel_manager, reason="年度认证评审", tier=Tier.CERTIFIED)
    return {"contact": contact}


def test_channel_manager_filters_opens_a_partner_and_edits_a_contact(new_page, shot, portfolio, partner_a, partner_b):
    page = new_page()
    page.goto("/")
    expect(page).to_have_url(path("/accounts/login/?next=/"))
    shot(page, "01-login")
    sign_in(page, "cm")

    # The dashboard: counts from the stats API, drawn as charts.
    expect(page).to_have_url(path("/dashboard/"))
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.locator('[data-kpi="total"] .kpi-value')).to_have_text("4")
    expect(page.locator('[data-legend="city"] li')).to_have_count(4)
    shot(page, "02-dashboard")

    # The partner list, filtered by city: the filter goes into the address.
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Partners").click()
    expect(page.locator("[data-results-summary]")).to_have_text("1–4 of 4 partners")
    page.locator('details[data-filter="city"] summary').click()
    page.locator('details[data-filter="city"]').get_by_label("Chengdu").check()
    expect(page).to_have_url(path("/partners/?city=CD"))
    expect(page.locator("[data-results-summary]")).to_have_text("1–1 of 1 partner")
    expect(page.locator("[data-rows]")).to_contain_text(partner_a.code)
    expect(page.locator("[data-rows]")).not_to_contain_text(partner_b.code)
    page.get_by_label("Sort by").select_option("-joined_on")
    expect(page).to_have_url(path("/partners/?city=CD&ordering=-joined_on"))
    shot(page, "03-partner-list-filtered")

    # The same address reopened shows the same view (bookmarks and shared links work).
    page.reload()
    expect(page.locator("[data-chips]")).to_contain_text("Chengdu")
    expect(page.locator("[data-rows] tr")).to_have_count(1)

    # The partner's page: profile, contacts, sales, history from the API.
    page.get_by_role("link", name=partner_a.name).click()
    expect(page).to_have_url(path(f"/partners/{partner_a.pk}/"))
    expect(page.locator("[data-profile]")).to_contain_text("Chengdu")
    expect(page.locator("[data-sales]")).to_contain_text("¥12,800.50")
    expect(page.locator("[data-history]")).to_contain_text("Certification tier")
    contacts = page.locator("[data-contacts]")
    expect(contacts).to_contain_text("张三")
    shot(page, "04-partner-detail")

    # Edit a contact: the API's field error shows beside the field, then the change saves.
    contacts.get_by_role("link", name="Edit contact 张三").click()
    expect(page).to_have_url(path(f"/contacts/{portfolio['contact'].pk}/edit/"))
    expect(page.get_by_label("Phone")).to_have_value("028-11112222")
    page.get_by_label("E-mail").fill("not-an-e-mail")
    page.get_by_role("button", name="Save changes").click()
    error = page.locator('[data-error-for="email"]')
    expect(error).to_be_visible()
    expect(error).to_contain_text("valid email")
    expect(page.get_by_label("E-mail")).to_have_attribute("aria-invalid", "true")
    shot(page, "05-contact-form-error")
    page.get_by_label("E-mail").fill("zhangsan@example.com")
    page.get_by_label("Phone").fill("028-99998888")
    page.get_by_label("Job title").fill("渠道总监")
    page.get_by_role("button", name="Save changes").click()

    expect(page).to_have_url(path(f"/partners/{partner_a.pk}/#contacts"))
    expect(page.locator("#messages")).to_contain_text("Contact 张三 saved.")
    expect(contacts).to_contain_text("028-99998888")
    expect(contacts).to_contain_text("渠道总监")
    portfolio["contact"].refresh_from_db()
    assert portfolio["contact"].phone == "028-99998888"

    # The partner form (edit) loads the partner from the API.
    page.get_by_role("link", name="Edit partner").click()
    expect(page.locator("#id_name")).to_have_value(partner_a.name)
    expect(page.get_by_label("City branch")).to_have_value("CD")
    shot(page, "06-partner-form")

    page.get_by_role("link", name="Notifications").first.click()
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    expect(page.locator("[data-list]")).to_contain_text("No notifications yet.")
    shot(page, "07-notifications")


def test_new_partner_form_shows_field_errors_and_creates(new_page, channel_manager):
    page = new_page()
    sign_in(page, "cm")
    page.goto("/partners/new/")
    expect(page.get_by_label("City branch")).to_contain_text("Chengdu")
    page.get_by_role("button", name="Create partner").click()
    expect(page.locator('[data-error-for="name"]')).to_have_text("This field is required.")
    expect(page.locator('[data-error-for="joined_on"]')).to_be_visible()
    page.locator("#id_name").fill("成都新伙伴科技有限公司")
    page.get_by_label("Partner type").select_option("SA")
    page.get_by_label("Cooperation model").select_option("co_operation")
    page.get_by_label("City branch").select_option("CD")
    page.get_by_label("Join date").fill("2025-03-01")
    page.get_by_label("Revenue-share ratio").fill("1.5")
    page.get_by_role("button", name="Create partner").click()
    expect(page.locator('[data-error-for="revenue_share"]')).to_be_visible()
    page.get_by_label("Revenue-share ratio").fill("0.12")
    page.get_by_role("button", name="Create partner").click()
    expect(page.locator("#messages")).to_contain_text("Partner SA-CD-0001 created.")
    expect(page.get_by_role("heading", level=1)).to_have_text("成都新伙伴科技有限公司")
    expect(page.locator("[data-profile]")).to_contain_text("12%")


def test_partner_user_sees_only_their_organisation_and_gets_404_elsewhere(new_page, shot, portfolio, partner_user_a, partner_a, partner_b):
    page = new_page()
    sign_in(page, "pa")
    expect(page).to_have_url(path("/my-organisation/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(partner_a.name)
    nav = page.get_by_role("navigation", name="Main navigation")
    expect(nav.get_by_role("link", name="My organisation")).to_be_visible()
    expect(nav.get_by_role("link", name="Partners")).to_have_count(0)
    expect(nav.get_by_role("link", name="Dashboard")).to_have_count(0)
    expect(page.locator("[data-contacts]")).to_contain_text("张三")
    expect(page.locator("[data-sales]")).to_contain_text("¥12,800.50")
    expect(page.locator("[data-tier]")).to_contain_text("Certified partner")
    expect(page.locator("body")).not_to_contain_text(partner_b.name)
    shot(page, "08-my-organisation")

    response = page.goto(f"/partners/{partner_b.pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text(partner_b.name)
    expect(nav.get_by_role("link", name="My organisation")).to_be_visible()
    shot(page, "09-not-found")

    response = page.goto("/partners/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="Access denied")).to_be_visible()


def test_language_switch_turns_the_portal_chinese_and_remembers(new_page, shot, portfolio):
    page = new_page()
    sign_in(page, "cm")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_label("Language").select_option("zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page).to_have_url(path("/dashboard/"))
    expect(page.get_by_role("heading", name="仪表板")).to_be_visible()
    expect(page.get_by_role("navigation", name="主导航").get_by_role("link", name="合作伙伴")).to_be_visible()
    expect(page.locator('[data-legend="tier"]')).to_contain_text("金牌认证合作伙伴")
    expect(page.locator('[data-legend="city"]')).to_contain_text("成都")
    shot(page, "10-dashboard-zh-hans")

    # Remembered on the next page; JS strings, dates and money in Chinese too.
    page.goto("/partners/")
    expect(page.get_by_role("heading", name="合作伙伴", exact=True)).to_be_visible()
    expect(page.locator("[data-results-summary]")).to_contain_text("4")
    expect(page.locator("[data-results-summary]")).to_contain_text("合作伙伴")
    expect(page.locator("[data-rows]")).to_contain_text("2024年1月15日")
    shot(page, "11-partner-list-zh-hans")


def test_phone_sized_window_shows_the_navigation_behind_the_menu_button(new_page, shot, portfolio):
    page = new_page(PHONE)
    sign_in(page, "cm")
    nav = page.get_by_role("navigation", name="Main navigation")
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_be_visible()
    expect(nav).to_be_hidden()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="Partners")).to_be_visible()
    shot(page, "12-phone-navigation", full_page=False)
    nav.get_by_role("link", name="Partners").click()
    expect(page.locator("[data-results-summary]")).to_have_text("1–4 of 4 partners")
    expect(nav).to_be_hidden()
    shot(page, "13-phone-partner-list")
