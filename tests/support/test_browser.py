"""Support in a real browser: a partner opens a ticket, centre staff answer it, the partner sees
the answer (never the internal note), confirms the resolution and rates it."""
import re

import pytest
from playwright.sync_api import expect

from support.models import Ticket
from tests.browser.conftest import browser, new_page, shot, sign_in  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_partner_opens_a_ticket_and_staff_answer_it(new_page, shot, partner_user_a, partner_a, agent, centres):  # noqa: F811
    # The partner user opens a request.
    page = new_page()
    sign_in(page, "pa")
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Support requests").click()
    expect(page.get_by_role("heading", name="Support requests")).to_be_visible()
    page.get_by_test_id("open-ticket").click()
    expect(page.get_by_role("heading", name="Open a ticket")).to_be_visible()
    page.get_by_label("Support point").select_option("sales")
    page.get_by_label("Subject").fill("集团彩铃开通咨询")
    page.get_by_label("Description").fill("客户希望本周开通集团彩铃，请协助确认资源。")
    shot(page, "support-01-open-ticket")
    page.get_by_role("button", name="Open the ticket").click()
    expect(page).to_have_url(re.compile(r"/support/tickets/\d+/$"))
    ticket = Ticket.objects.get(subject="集团彩铃开通咨询")
    expect(page.locator('[data-clock="first_response"]')).to_contain_text("First response")
    expect(page.locator('[data-clock="resolution"]')).to_be_visible()
    expect(page.locator("[data-badges]")).to_contain_text("New")
    shot(page, "support-02-partner-ticket")

    # Staff of the business agent service centre find it in their queue and answer.
    staff = new_page()
    sign_in(staff, "bas-agent")
    staff.goto("/support/tickets/?queue=my_centres")
    rows = staff.locator("[data-rows]")
    expect(rows).to_contain_text("集团彩铃开通咨询")
    shot(staff, "support-03-staff-queue")
    staff.get_by_role("link", name="集团彩铃开通咨询").click()
    expect(staff).to_have_url(re.compile(rf"/support/tickets/{ticket.pk}/$"))
    staff.get_by_label("Your reply").fill("内部：资源已在核查")
    staff.get_by_label("Internal note (never shown to the partner)").check()
    staff.get_by_role("button", name="Send").click()
    expect(staff.locator("[data-thread]")).to_contain_text("内部：资源已在核查")
    staff.get_by_label("Your reply").fill("您好，资源已确认，今天内开通。")
    staff.get_by_role("button", name="Send").click()
    expect(staff.locator("[data-thread]")).to_contain_text("今天内开通")
    expect(staff.locator('[data-clock="first_response"]')).to_contain_text("Met")
    staff.get_by_label("Change status").select_option("resolved")
    staff.get_by_role("button", name="Apply").click()
    expect(staff.locator("[data-badges]")).to_contain_text("Resolved")
    shot(staff, "support-04-staff-ticket")

    # The partner sees the public reply, never the internal note, confirms and rates.
    page.reload()
    thread = page.locator("[data-thread]")
    expect(thread).to_contain_text("今天内开通")
    expect(thread).not_to_contain_text("内部")
    page.get_by_label("Your decision").select_option("closed")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("[data-badges]")).to_contain_text("Closed")
    page.locator("[data-rating-form] input[name=score][value='5']").check()
    page.get_by_label("Comment").fill("响应很快")
    page.get_by_role("button", name="Send rating").click()
    expect(page.locator("[data-details]")).to_contain_text("5 / 5")
    shot(page, "support-05-partner-rated")
    ticket.refresh_from_db()
    assert ticket.status == "closed" and ticket.rating.score == 5


def test_staff_see_the_compliance_report_and_settings(new_page, shot, channel_manager, open_ticket, partner_a):  # noqa: F811
    open_ticket(partner_a)
    page = new_page()
    sign_in(page, "cm")
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="SLA compliance").click()
    expect(page.get_by_role("heading", name="SLA compliance")).to_be_visible()
    expect(page.locator('[data-kpi="total"] .kpi-value')).to_have_text("0")
    shot(page, "support-06-compliance")
    page.goto("/support/settings/")
    expect(page.locator("[data-policies]")).to_contain_text("Delivery requests")
    expect(page.locator("[data-calendars]")).to_contain_text("Asia/Shanghai")
    shot(page, "support-07-settings")
