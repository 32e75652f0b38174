"""The lifecycle pages in a real browser: a channel manager works the early-warning board, opens
a retention plan and runs it; an administrator reads the funnel and starts a job run."""
import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from django.utils import timezone

from lifecycle.engine import default_as_of, lifecycle_run_execute
from lifecycle.models import LifecycleRun, PartnerLifecycle, RetentionPlan
from partners.choices import PartnerStatus
from partners.services import partner_update
from tests import factories as f
from tests.browser.conftest import browser, new_page, shot, sign_in  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sell(partner, days_ago, amount, product, customer):
    f.SaleRecordFactory(partner=partner, product=product, amount=Decimal(amount), customer_name=customer,
                        sold_on=default_as_of() - datetime.timedelta(days=days_ago))


@pytest.fixture
def computed(channel_manager, other_channel_manager, partner_a):
    """A valuable partner whose sales fell 70 % (high-risk), a healthy one, an exited star."""
    today = default_as_of()
    products = [f.ProductFactory(code=f"LC{n}", name=f"Product {n}", name_zh=f"产品{n}") for n in range(5)]
    star = f.PartnerFactory(name="成都天府通信有限公司", joined_on=today - datetime.timedelta(days=1500),
                            channel_manager=channel_manager)
    for n in range(15):
        _sell(star, 100 + n, "2000.00", products[n % 5], f"客户{n}")
    _sell(star, 5, "9000.00", products[0], "客户0")
    healthy = f.PartnerFactory(name="绵阳稳健科技有限公司", joined_on=today - datetime.timedelta(days=900),
                               channel_manager=other_channel_manager, city=f.city("MY"))
    _sell(healthy, 3, "800.00", products[1], "客户A")
    _sell(partner_a, 2, "300.00", products[2], "客户B")
    gone = f.PartnerFactory(name="德阳旧伙伴有限公司", joined_on=today - datetime.timedelta(days=1500),
                            channel_manager=channel_manager, city=f.city("DY"))
    for n in range(15):
        _sell(gone, 10 + n, "5000.00", products[n % 5], f"客户{n}")
    lifecycle_run_execute(as_of=today)
    partner_update(partner=gone, by=channel_manager, status=PartnerStatus.EXITED, reason="合作协议到期未续签")
    lifecycle_run_execute(as_of=timezone.localdate())  # today: the exit (recorded now) counts
    assert PartnerLifecycle.objects.get(partner=star).risk_level == 3
    assert PartnerLifecycle.objects.get(partner=gone).stage == "E"
    return {"star": star, "healthy": healthy, "gone": gone}


def test_early_warning_board_and_partner_section(new_page, shot, computed):
    star = computed["star"]
    page = new_page()
    sign_in(page, "cm")
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Early warning").click()
    expect(page.get_by_role("heading", name="Early-warning board")).to_be_visible()
    row = page.locator(f'[data-board-table] tr[data-partner="{star.pk}"]')
    expect(row).to_contain_text(star.name)
    expect(row).to_contain_text("Sales drop")
    expect(row).to_contain_text("down 70 %")
    expect(row.locator("[data-stage]")).to_have_text("D · Decline")
    expect(row.locator("[data-start-plan]")).to_be_visible()
    expect(page.locator("[data-board-table] tbody tr")).to_have_count(1)
    shot(page, "lifecycle-01-early-warning")

    # Filters go into the address; a flag kind nobody has empties the board.
    page.get_by_label("Flag").select_option("no_sales")
    expect(page).to_have_url(f"{page.url.split('?')[0]}?risk_level=3&flag_kind=no_sales")
    expect(page.locator("[data-rows]")).to_contain_text("Nobody on this list.")
    page.get_by_label("Flag").select_option("")

    # The partner's page: stage, score components, flags with evidence, playbook, timeline.
    page.get_by_role("link", name=star.name).click()
    section = page.locator("#lifecycle-section")
    expect(section.locator("[data-lc-stage]")).to_contain_text("D · Decline")
    expect(section.locator('[data-component="sales"]')).to_be_visible()
    expect(section.locator("[data-lc-question]")).to_have_text("Which partners are at high risk, and how do we retain them?")
    expect(section.locator("[data-lc-timeline-list] li")).to_have_count(1)  # classified D on its first day
    expect(section.locator("[data-lc-timeline-list]")).to_contain_text("Sales of the last 90 days dropped")
    shot(page, "lifecycle-02-partner-section")

    # Override the stage with a reason until a day; the timeline shows who did it.
    section.locator("summary", has_text="Override the stage").click()
    section.get_by_label("Stage").select_option("B")
    section.get_by_label("Until").fill((datetime.date.today() + datetime.timedelta(days=10)).isoformat())
    section.get_by_label("Reason").fill("新签年度合同，销售将恢复")
    section.get_by_role("button", name="Override", exact=True).click()
    expect(section.locator("[data-lc-overridden]")).to_contain_text("新签年度合同")
    expect(section.locator("[data-lc-timeline-list] li").first).to_contain_text("新签年度合同")
    assert PartnerLifecycle.objects.get(partner=star).stage == "B"
    section.locator("[data-lc-end-override]").click()
    expect(section.locator("[data-lc-stage] [data-stage]")).to_have_text("D · Decline")


def test_retention_plan_from_the_board(new_page, shot, computed):
    star = computed["star"]
    page = new_page()
    sign_in(page, "cm")
    page.goto("/lifecycle/early-warning/")
    page.locator(f'[data-start-plan="{star.pk}"]').click()
    expect(page.get_by_role("heading", name="New retention plan")).to_be_visible()
    page.get_by_role("button", name="Open the plan").click()
    expect(page.locator('[data-error-for="goal"]')).to_be_visible()  # the API's field error, beside the field
    page.get_by_text("C · Loyalty reward programme").click()
    page.get_by_label("Goal").fill("三个月内恢复季度销售")
    shot(page, "lifecycle-03-plan-form")
    page.get_by_role("button", name="Open the plan").click()

    expect(page).to_have_url(re.compile(r"/lifecycle/plans/\d+/$"))
    plan = RetentionPlan.objects.get(partner=star)
    assert page.url.endswith(f"/lifecycle/plans/{plan.pk}/")
    expect(page.locator("#messages")).to_contain_text("The plan is open")
    expect(page.locator("[data-plan-goal]")).to_have_text("三个月内恢复季度销售")
    expect(page.locator("[data-summary]")).to_contain_text("C · Loyalty reward programme")

    actions = page.locator("#action-form")
    actions.get_by_label("New action").fill("上门拜访，了解结算问题")
    actions.get_by_label("Due").fill((datetime.date.today() + datetime.timedelta(days=7)).isoformat())
    actions.get_by_role("button", name="Add the action").click()
    row = page.locator("[data-actions-table] tbody tr")
    expect(row).to_have_count(1)
    row.locator("[data-action-status]").select_option("done")
    expect(row).to_contain_text(datetime.date.today().strftime("%b"))
    page.locator("#note-form").get_by_label("Add a note").fill("客户反映结算周期太长")
    page.locator("#note-form").get_by_role("button", name="Add the note").click()
    expect(page.locator("[data-notes]")).to_contain_text("客户反映结算周期太长")
    expect(page.locator('[data-events] [data-event="note_added"]')).to_be_visible()
    shot(page, "lifecycle-04-plan")
    action = plan.actions.get()
    assert action.status == "done" and action.done_on == datetime.date.today()

    # The board now shows the plan instead of the button.
    page.goto("/lifecycle/early-warning/")
    expect(page.locator(f'[data-plan-link="{plan.pk}"]')).to_contain_text("C · Loyalty reward programme")

    # Plans list, then cancel with a reason.
    page.goto("/lifecycle/plans/")
    expect(page.locator(f'tr[data-plan="{plan.pk}"]')).to_contain_text("1 / 1")
    page.goto(f"/lifecycle/plans/{plan.pk}/")
    page.once("dialog", lambda dialog: dialog.accept("合作伙伴已恢复"))
    page.get_by_role("button", name="Cancel the plan").click()
    expect(page.locator("[data-plan-status]")).to_have_text("Cancelled")
    assert RetentionPlan.objects.get(pk=plan.pk).cancel_reason == "合作伙伴已恢复"


def test_funnel_win_back_and_job_runs(new_page, shot, computed, admin_user):
    page = new_page()
    sign_in(page, "admin", password="pass-1234-word")
    page.goto("/lifecycle/funnel/")
    expect(page.locator('[data-stage-count="D"] .kpi-value')).to_have_text("1")
    expect(page.locator('[data-stage-count="E"] .kpi-value')).to_have_text("1")
    expect(page.locator('[data-move="BE"]')).to_contain_text("1")
    shot(page, "lifecycle-05-funnel")

    page.goto("/lifecycle/win-back/")
    row = page.locator(f'tr[data-partner="{computed["gone"].pk}"]')
    expect(row).to_contain_text(computed["gone"].name)
    expect(row.locator("[data-start-plan]")).to_contain_text("Win-back plan")
    shot(page, "lifecycle-06-win-back")

    page.get_by_role("link", name="Lifecycle job runs").click()
    expect(page.locator("[data-run]")).to_have_count(2)
    page.get_by_role("button", name="Start a run").click()
    expect(page.locator("[data-run]")).to_have_count(3)
    run = LifecycleRun.objects.order_by("-id").first()
    assert run.triggered_by == admin_user and run.status == "succeeded"
    page.locator(f'[data-run="{run.pk}"] button').click()
    expect(page.locator("[data-chunks] tbody tr")).to_have_count(run.chunks_total)
    shot(page, "lifecycle-07-job-runs")
