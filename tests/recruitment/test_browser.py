"""Recruitment in a real browser: a company applies from a phone, an administrator rejects one
application (a reason is required) and accepts another, then reads the funnel."""
import datetime

import pytest
from django.core import mail
from playwright.sync_api import expect

from partners.models import Partner
from partners.recruitment.choices import ProspectStatus
from partners.recruitment.funnel import funnel_refresh
from partners.recruitment.models import Prospect
from tests import factories as f
from tests.browser.conftest import PHONE, browser, new_page, shot, sign_in  # noqa: F401 (fixtures)

from .factories import ProspectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_apply_from_a_phone(new_page, shot):
    f.partner_type("SA"), f.city("CD")
    f.ProductFactory(code="QYYX", name="Enterprise mail", name_zh="企业邮箱")
    page = new_page(PHONE)
    page.goto("/apply/")
    expect(page.get_by_role("heading", name="Apply to become a partner")).to_be_visible()
    page.get_by_label("Company name").fill("成都锦程通信有限公司")
    page.get_by_label("Partner type").select_option(label="Sales agent")
    page.get_by_label("Cooperation model").select_option("channel_sharing")
    page.get_by_label("City branch").select_option(label="Chengdu")
    page.get_by_label("Enterprise mail").check()
    page.get_by_label("Contact person").fill("刘洋")
    page.get_by_label("Phone").fill("13800001111")
    page.get_by_label("E-mail").fill("not-an-email")
    page.get_by_role("button", name="Send application").click()
    expect(page.locator(".field-error").first).to_be_visible()
    shot(page, "recruitment-apply-error-phone")
    page.get_by_label("E-mail").fill("liu.yang@example.com")
    page.get_by_role("button", name="Send application").click()
    expect(page.get_by_role("heading", name="Thank you for your application")).to_be_visible()
    prospect = Prospect.objects.get()
    assert prospect.contact_email == "liu.yang@example.com" and prospect.products.get().code == "QYYX"


def test_review_and_funnel(new_page, shot, admin_user, channel_manager, city_cd):
    good = ProspectFactory(company_name="成都好伙伴科技有限公司", city=city_cd, contact_email="good@example.com",
                           contact_name="Wang Lei", entered_on=datetime.date.today() - datetime.timedelta(days=3))
    bad = ProspectFactory(company_name="成都不合适有限公司", city=city_cd)
    page = new_page()
    sign_in(page, "admin")
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Recruitment", exact=True).click()
    expect(page.locator(f'tr[data-prospect="{good.pk}"]')).to_be_visible()
    shot(page, "recruitment-queue")

    page.locator(f'tr[data-prospect="{bad.pk}"] a').click()
    expect(page.get_by_role("heading", name=bad.company_name)).to_be_visible()
    page.get_by_test_id("reject").click()
    dialog = page.locator("#reject-dialog")
    dialog.get_by_role("button", name="Reject").click()
    expect(dialog.locator('[data-error-for="reason"]')).to_be_visible()
    dialog.get_by_label("Reason").fill("No telecom resale licence yet.")
    dialog.get_by_role("button", name="Reject").click()
    expect(page.locator('[data-event="rejected"]')).to_contain_text("No telecom resale licence yet.")
    bad.refresh_from_db()
    assert bad.status == ProspectStatus.REJECTED

    page.goto(f"/recruitment/{good.pk}/")
    page.get_by_test_id("accept").click()
    page.locator("#accept-dialog").get_by_role("button", name="Accept and invite").click()
    expect(page.locator('[data-event="invited"]')).to_be_visible()
    shot(page, "recruitment-accepted")
    good.refresh_from_db()
    assert good.status == ProspectStatus.ACCEPTED and Partner.objects.filter(pk=good.partner_id).exists()
    assert [m.to for m in mail.outbox] == [[bad.contact_email], ["good@example.com"]]

    funnel_refresh(as_of=datetime.date.today())
    page.goto("/recruitment/funnel/")
    expect(page.locator('[data-step="registered"] .kpi-value')).to_have_text("1")
    expect(page.locator('tr[data-group="SA"]')).to_contain_text("50%")
    shot(page, "recruitment-funnel")


def test_channel_manager_enters_a_prospect(new_page, channel_manager, city_cd):
    f.partner_type("SI")
    f.ProductFactory(code="MAS", name="MAS gateway", name_zh="MAS 信息机")
    page = new_page()
    sign_in(page, "cm")
    page.goto("/recruitment/")
    page.get_by_test_id("new-prospect").click()
    page.get_by_role("button", name="Create prospect").click()
    expect(page.locator('[data-error-for="company_name"]')).to_be_visible()
    page.get_by_label("Company name").fill("成都蜀达系统集成有限公司")
    page.get_by_label("Partner type").select_option("SI")
    page.get_by_label("Cooperation model").select_option("co_operation")
    page.get_by_label("City branch").select_option("CD")
    page.get_by_label("MAS gateway").check()
    page.get_by_label("Contact person").fill("周敏")
    page.get_by_label("E-mail").fill("zhou.min@example.com")
    page.get_by_role("button", name="Create prospect").click()
    expect(page.locator('[data-event="created"]')).to_be_visible()
    prospect = Prospect.objects.get()
    assert prospect.owner == channel_manager and prospect.status == ProspectStatus.PROSPECT
    assert list(prospect.products.values_list("code", flat=True)) == ["MAS"]
    page.locator('[data-action="mark-applied"]').click()
    expect(page.locator('[data-event="marked_applied"]')).to_be_visible()
