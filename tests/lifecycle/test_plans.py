"""Retention and win-back plans: rules of the services and the outcome measured by the job."""
import datetime

import pytest
from django.core.exceptions import ValidationError

from lifecycle import services
from lifecycle.choices import ActionStatus, Lever, PlanEventKind, PlanKind, PlanOutcome, PlanStatus, Stage
from lifecycle.models import PartnerLifecycle, RetentionPlan
from partners.choices import PartnerStatus
from partners.models import Partner
from tests import factories as f

from .conftest import D, days_before
from .factories import PartnerLifecycleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(services, "_today", lambda: D)
    return D


def declining(sell, channel_manager):
    partner = f.PartnerFactory(joined_on=days_before(800), channel_manager=channel_manager)
    sell(partner, days_before(130))
    return partner


def test_create_plan_records_the_start(sell, run_job, channel_manager, today):
    partner = declining(sell, channel_manager)
    run_job(D)
    plan = services.retention_plan_create(partner=partner, by=channel_manager, lever=Lever.TARGETED, goal="恢复销售")
    assert (plan.owner, plan.opened_on, plan.review_on) == (channel_manager, D, D + datetime.timedelta(days=90))
    assert (plan.start_stage, plan.status, plan.outcome) == (Stage.D, PlanStatus.ACTIVE, PlanOutcome.PENDING)
    assert plan.events.get().kind == PlanEventKind.CREATED
    with pytest.raises(ValidationError) as error:
        services.retention_plan_create(partner=partner, by=channel_manager, lever=Lever.LOYALTY, goal="again")
    assert "partner" in error.value.message_dict


def test_plan_rules(sell, run_job, channel_manager, product_manager, today):
    partner = declining(sell, channel_manager)
    run_job(D)
    with pytest.raises(ValidationError) as error:
        services.retention_plan_create(partner=partner, by=channel_manager, lever="A", goal="x", kind=PlanKind.WIN_BACK)
    assert "kind" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.retention_plan_create(partner=partner, by=channel_manager, lever="A", goal="x", owner=product_manager)
    assert "owner" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.retention_plan_create(partner=partner, by=channel_manager, lever="A", goal="x", review_on=D)
    assert "review_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.retention_plan_create(partner=partner, by=channel_manager, lever="Z", goal="x")
    assert "lever" in error.value.message_dict


def test_actions_and_notes_on_an_open_plan_only(sell, run_job, channel_manager, today):
    partner = declining(sell, channel_manager)
    run_job(D)
    plan = services.retention_plan_create(partner=partner, by=channel_manager, lever=Lever.OPERATIONAL, goal="改善服务")
    action = services.retention_action_create(plan=plan, by=channel_manager, title="上门拜访", due_on=D + datetime.timedelta(days=7))
    action = services.retention_action_update(action=action, by=channel_manager, status=ActionStatus.DONE)
    assert action.done_on == D
    action = services.retention_action_update(action=action, by=channel_manager, status=ActionStatus.IN_PROGRESS)
    assert action.done_on is None
    services.plan_note_add(plan=plan, by=channel_manager, body="客户反馈结算慢")
    services.retention_plan_cancel(plan=plan, by=channel_manager, reason="合作伙伴已恢复")
    with pytest.raises(ValidationError):
        services.retention_action_update(action=action, by=channel_manager, title="changed")
    with pytest.raises(ValidationError):
        services.retention_action_create(plan=plan, by=channel_manager, title="x", due_on=D)
    kinds = list(plan.events.order_by("id").values_list("kind", flat=True))
    assert kinds == ["created", "action_added", "action_updated", "action_updated", "note_added", "cancelled"]


@pytest.mark.parametrize(
    "recover, outcome",
    [("sell", PlanOutcome.RETAINED), ("nothing", PlanOutcome.NOT_RECOVERED), ("exit", PlanOutcome.LOST)],
)
def test_outcome_is_measured_on_the_review_day(sell, run_job, channel_manager, today, recover, outcome):
    partner = declining(sell, channel_manager)
    run_job(D)
    review = D + datetime.timedelta(days=30)
    plan = services.retention_plan_create(partner=partner, by=channel_manager, lever=Lever.TARGETED, goal="恢复",
                                          review_on=review)
    if recover == "sell":
        sell(partner, review - datetime.timedelta(days=1), "5000.00")
    elif recover == "exit":
        Partner.objects.filter(pk=partner.pk).update(status=PartnerStatus.EXITED)
    day_before = review - datetime.timedelta(days=1)
    run_job(day_before)
    plan.refresh_from_db()
    assert plan.outcome == PlanOutcome.PENDING
    run = run_job(review)
    plan.refresh_from_db()
    assert (plan.outcome, plan.status, plan.outcome_on) == (outcome, PlanStatus.CLOSED, review)
    assert plan.outcome_detail["stage"] == PartnerLifecycle.objects.get(partner=partner).stage
    assert run.plans_reviewed == 1
    assert plan.events.filter(kind=PlanEventKind.OUTCOME).count() == 1
    run_job(review)  # again: nothing more to review
    assert plan.events.filter(kind=PlanEventKind.OUTCOME).count() == 1


def test_win_back_plan(sell, run_job, channel_manager, today):
    partner = f.PartnerFactory(joined_on=days_before(800), channel_manager=channel_manager, status=PartnerStatus.EXITED)
    sell(partner, days_before(30), "50000.00")
    run_job(D)
    assert PartnerLifecycle.objects.get(partner=partner).stage == Stage.E
    with pytest.raises(ValidationError):
        services.retention_plan_create(partner=partner, by=channel_manager, lever="B", goal="x")
    review = D + datetime.timedelta(days=10)
    plan = services.retention_plan_create(partner=partner, by=channel_manager, lever=Lever.TARGETED, goal="重新签约",
                                          kind=PlanKind.WIN_BACK, review_on=review)
    Partner.objects.filter(pk=partner.pk).update(status=PartnerStatus.ACTIVE)
    sell(partner, review, "8000.00")
    run_job(review)
    plan.refresh_from_db()
    assert plan.outcome == PlanOutcome.WON_BACK


def test_value_before_exit_is_kept(sell, run_job):
    partner = f.PartnerFactory(joined_on=days_before(1200))
    sell(partner, days_before(5), "90000.00")
    run_job(D)
    state = PartnerLifecycle.objects.get(partner=partner)
    score = state.value_score
    Partner.objects.filter(pk=partner.pk).update(status=PartnerStatus.EXITED)
    later = D + datetime.timedelta(days=200)
    run_job(later)
    state.refresh_from_db()
    assert state.stage == Stage.E
    assert state.last_active_value_score == score
    assert state.value_score < score


def test_plan_update_records_changes(channel_manager, other_channel_manager, today):
    plan = RetentionPlan.objects.create(
        partner=f.PartnerFactory(channel_manager=channel_manager), lever="A", owner=channel_manager, goal="g",
        opened_on=D, review_on=D + datetime.timedelta(days=90),
    )
    plan = services.retention_plan_update(plan=plan, by=channel_manager, owner=other_channel_manager, lever="C")
    event = plan.events.get()
    assert event.details["changes"]["owner"] == {"from": channel_manager.pk, "to": other_channel_manager.pk}
    with pytest.raises(ValidationError):
        services.retention_plan_update(plan=plan, by=channel_manager, review_on=D)


def test_state_factory_is_consistent(db):
    state = PartnerLifecycleFactory()
    assert state.rule_stage == state.stage
