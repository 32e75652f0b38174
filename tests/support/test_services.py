"""Ticket services and the SLA records they keep, against the database (the issue's named cases)."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from partners.choices import CooperationModel, Tier
from prm.models import Notification
from support import services
from support.choices import Category, EventKind, Priority, SlaStatus, TicketStatus as S
from support.escalation import sla_sweep
from support.models import BusinessCalendar, CalendarDay, SlaPolicy, SlaRecord, TicketEvent
from tests import factories as f

from .conftest import at

H = dt.timedelta(hours=1)
MON = at(2026, 3, 9, 10, 0)


def records(ticket):
    return {r.code: r for r in SlaRecord.objects.filter(ticket=ticket)}


def test_open_routes_to_a_centre_and_starts_the_standard_clocks(open_ticket, partner_a, centres):
    ticket = open_ticket(partner_a, when=MON)
    assert ticket.centre == centres["BAS"]
    assert ticket.policy.is_default
    clocks = records(ticket)
    assert set(clocks) == {"first_response", "resolution"}
    assert clocks["first_response"].due_at == at(2026, 3, 10, 10, 0)  # one 7-hour working day
    assert clocks["resolution"].due_at == at(2026, 3, 16, 10, 0)  # five working days
    assert all(r.status == SlaStatus.RUNNING for r in clocks.values())
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.CREATED).count() == 1


@pytest.mark.parametrize(
    "category, model, centre",
    [
        (Category.CAPABILITY, CooperationModel.CHANNEL_SHARING, "COS"),
        (Category.SALES, CooperationModel.CAPABILITY_PROVISION, "COS"),
        (Category.SALES, CooperationModel.CO_OPERATION, "COP"),
        (Category.REGULATION, CooperationModel.CHANNEL_SHARING, "COP"),
        (Category.TRAINING, CooperationModel.CUSTOMER_SHARING, "BAS"),
    ],
)
def test_routing_rules(open_ticket, category, model, centre):
    partner = f.PartnerFactory(cooperation_model=model)
    assert open_ticket(partner, category=category, when=MON).centre.code == centre


def test_delivery_request_carries_the_3_and_11_working_day_commitments(open_ticket, partner_a):
    ticket = open_ticket(partner_a, category=Category.CAPABILITY, when=MON)
    clocks = records(ticket)
    assert clocks["resources_confirmed"].due_at == at(2026, 3, 12, 10, 0)
    assert clocks["delivered"].due_at == at(2026, 3, 24, 10, 0)


def test_gold_partners_are_promised_faster_times(open_ticket):
    gold = f.PartnerFactory(tier=Tier.GOLD)
    registered = f.PartnerFactory(tier=Tier.REGISTERED)
    fast = records(open_ticket(gold, category=Category.CAPABILITY, when=MON))
    slow = records(open_ticket(registered, category=Category.CAPABILITY, when=MON))
    for code in ("first_response", "resources_confirmed", "delivered", "resolution"):
        assert fast[code].due_at < slow[code].due_at, code


@pytest.mark.parametrize(
    "case, opened, first_response_due",
    [
        ("after hours", at(2026, 3, 9, 19, 0), at(2026, 3, 10, 17, 30)),
        ("at a weekend", at(2026, 3, 14, 11, 0), at(2026, 3, 16, 17, 30)),
        ("on a holiday", at(2026, 5, 1, 10, 0), at(2026, 5, 6, 17, 30)),
        ("on a make-up working day", at(2026, 5, 9, 10, 0), at(2026, 5, 11, 10, 0)),
    ],
)
def test_opened_outside_ordinary_days(open_ticket, partner_a, case, opened, first_response_due):
    assert records(open_ticket(partner_a, when=opened))["first_response"].due_at == first_response_due, case


def test_internal_notes_are_not_responses(open_ticket, partner_a, admin_user):
    ticket = open_ticket(partner_a, when=MON)
    services.ticket_reply(ticket=ticket, by=admin_user, body="内部：先查资源", internal=True, now=MON + H)
    assert records(ticket)["first_response"].status == SlaStatus.RUNNING
    services.ticket_reply(ticket=ticket, by=admin_user, body="您好，已收到。", now=MON + 2 * H)
    first = records(ticket)["first_response"]
    assert first.status == SlaStatus.MET and first.met_at == MON + 2 * H
    ticket.refresh_from_db()
    assert ticket.status == S.ACKNOWLEDGED and ticket.first_response_at == MON + 2 * H


def test_reply_exactly_at_the_due_time_meets_the_target(open_ticket, partner_a, admin_user):
    ticket = open_ticket(partner_a, when=MON)
    due = records(ticket)["first_response"].due_at
    services.ticket_reply(ticket=ticket, by=admin_user, body="按时回复", now=due)
    assert records(ticket)["first_response"].status == SlaStatus.MET


def test_two_consecutive_pauses(open_ticket, partner_a, admin_user):
    ticket = open_ticket(partner_a, when=MON)
    for start, status in [(11, S.WAITING_ON_PARTNER), (14, S.IN_PROGRESS), (15, S.WAITING_ON_PARTNER), (16, S.IN_PROGRESS)]:
        services.ticket_transition(ticket=ticket, by=admin_user, status=status, now=at(2026, 3, 9, start, 0))
    resolution = records(ticket)["resolution"]
    assert resolution.paused_seconds == int(2.5 * 3600)  # 11:00–12:00, 13:30–14:00 and 15:00–16:00
    assert resolution.due_at == at(2026, 3, 16, 14, 0)  # five days plus 2.5 h, across the lunch break
    assert records(ticket)["first_response"].paused_seconds == 0  # the first response never pauses


def test_pause_across_a_weekend(open_ticket, partner_a, admin_user):
    ticket = open_ticket(partner_a, when=at(2026, 3, 13, 9, 0))  # a Friday
    services.ticket_transition(ticket=ticket, by=admin_user, status=S.WAITING_ON_PARTNER, now=at(2026, 3, 13, 16, 0))
    paused = records(ticket)["resolution"]
    assert paused.status == SlaStatus.PAUSED and paused.due_at is None
    services.ticket_transition(ticket=ticket, by=admin_user, status=S.IN_PROGRESS, now=at(2026, 3, 16, 10, 0))
    resolution = records(ticket)["resolution"]
    assert resolution.paused_seconds == int(2.5 * 3600)
    assert resolution.due_at == at(2026, 3, 20, 11, 30)


def test_partner_reply_ends_the_wait(open_ticket, partner_a, partner_user_a, admin_user):
    ticket = open_ticket(partner_a, by=partner_user_a, when=MON)
    services.ticket_transition(ticket=ticket, by=admin_user, status=S.WAITING_ON_PARTNER, now=MON + H)
    services.ticket_reply(ticket=ticket, by=partner_user_a, body="资料已补充", now=MON + 3 * H)
    ticket.refresh_from_db()
    assert ticket.status == S.IN_PROGRESS
    assert records(ticket)["resolution"].paused_seconds == 3600  # 11:00–13:00 is one working hour


def test_paused_straight_to_resolved(open_ticket, partner_a, admin_user):
    ticket = open_ticket(partner_a, when=MON)
    services.ticket_transition(ticket=ticket, by=admin_user, status=S.WAITING_ON_PARTNER, now=MON + H)
    services.ticket_transition(ticket=ticket, by=admin_user, status=S.RESOLVED, now=at(2026, 3, 25, 10, 0))
    resolution = records(ticket)["resolution"]
    assert resolution.status == SlaStatus.MET
    assert resolution.met_at == at(2026, 3, 25, 10, 0)
    assert resolution.consumed_seconds == 3600


def test_reopen_after_resolve(open_ticket, partner_a, partner_user_a, admin_user):
    ticket = open_ticket(partner_a, by=partner_user_a, when=MON)
    services.ticket_transition(ticket=ticket, by=admin_user, status=S.RESOLVED, now=MON + H)
    assert records(ticket)["resolution"].status == SlaStatus.MET
    services.ticket_transition(ticket=ticket, by=partner_user_a, status=S.REOPENED, now=at(2026, 3, 10, 10, 0))
    resolution = records(ticket)["resolution"]
    assert resolution.status == SlaStatus.RUNNING and resolution.met_at is None
    assert resolution.paused_seconds == 6 * 3600  # resolved from Mon 11:00 to Tue 10:00
    assert resolution.due_at == at(2026, 3, 16, 10, 0) + dt.timedelta(hours=6) + dt.timedelta(hours=1, minutes=30)
    ticket.refresh_from_db()
    assert ticket.resolved_at is None


def test_partner_users_may_only_confirm_or_reopen(open_ticket, partner_a, partner_user_a):
    ticket = open_ticket(partner_a, by=partner_user_a, when=MON)
    with pytest.raises(ValidationError):
        services.ticket_transition(ticket=ticket, by=partner_user_a, status=S.RESOLVED, now=MON + H)


def test_priority_raised_after_due_breaches_at_once_and_notifies_once(open_ticket, partner_a, admin_user, centre_head):
    ticket = open_ticket(partner_a, when=MON)
    later = at(2026, 3, 11, 10, 0)  # two working days on: the urgent 2-day resolution has passed
    services.ticket_reclassify(ticket=ticket, by=admin_user, priority=Priority.URGENT, now=later)
    clocks = records(ticket)
    ticket.refresh_from_db()
    assert ticket.policy.name == "Urgent"
    assert clocks["first_response"].status == SlaStatus.BREACHED
    assert clocks["first_response"].breached_at == MON + H
    assert clocks["resolution"].status == SlaStatus.RUNNING and clocks["resolution"].due_at == at(2026, 3, 11, 10, 0)
    breach_key = f"support:sla:{clocks['first_response'].pk}:1"
    assert Notification.objects.filter(dedupe_key=breach_key, recipient=centre_head).count() == 1
    sla_sweep(now=later)
    sla_sweep(now=later)
    assert Notification.objects.filter(dedupe_key=breach_key).count() == 1


def test_priority_lowered_after_a_breach_stays_breached(open_ticket, partner_a, admin_user):
    ticket = open_ticket(partner_a, priority=Priority.URGENT, when=MON)
    first = records(ticket)["first_response"]
    assert first.due_at == MON + H
    sla_sweep(now=MON + 2 * H)
    breached = records(ticket)["first_response"]
    assert breached.status == SlaStatus.BREACHED and breached.breached_at == MON + H
    services.ticket_reclassify(ticket=ticket, by=admin_user, priority=Priority.LOW, now=MON + 3 * H)
    after = records(ticket)["first_response"]
    assert after.status == SlaStatus.BREACHED
    assert after.breached_at == MON + H and after.due_at == MON + H
    assert records(ticket)["resolution"].due_at == at(2026, 3, 16, 10, 0)  # the standard 5 days now


def test_policy_change_keeps_the_paused_time(open_ticket, partner_a, admin_user):
    ticket = open_ticket(partner_a, when=MON)
    services.ticket_transition(ticket=ticket, by=admin_user, status=S.WAITING_ON_PARTNER, now=MON + H)
    services.ticket_transition(ticket=ticket, by=admin_user, status=S.IN_PROGRESS, now=MON + 2 * H)
    services.ticket_set_policy(ticket=ticket, by=admin_user, policy=SlaPolicy.objects.get(name="High priority"),
                               now=MON + 3 * H)
    resolution = records(ticket)["resolution"]
    assert resolution.paused_seconds == 3600
    assert resolution.due_at == at(2026, 3, 12, 11, 0)  # 3 days + the paused hour, from the original start


def test_calendar_edit_recomputes_open_tickets_only(open_ticket, partner_a, admin_user, django_capture_on_commit_callbacks):
    open_one = open_ticket(partner_a, when=MON)
    closed_one = open_ticket(partner_a, when=MON)
    services.ticket_transition(ticket=closed_one, by=admin_user, status=S.CLOSED, now=MON + H)
    closed_before = {code: (r.due_at, r.status, r.updated_at) for code, r in records(closed_one).items()}
    calendar = BusinessCalendar.objects.get(is_default=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.config_save(
            instance=CalendarDay(calendar=calendar, date=dt.date(2026, 3, 10), kind="holiday", name="Training day"),
            by=admin_user,
        )
    assert records(open_one)["first_response"].due_at == at(2026, 3, 11, 10, 0)  # Tuesday is now off
    assert {code: (r.due_at, r.status, r.updated_at) for code, r in records(closed_one).items()} == closed_before


def test_milestones(open_ticket, partner_a, admin_user):
    ticket = open_ticket(partner_a, category=Category.CAPABILITY, when=MON)
    services.ticket_milestone(ticket=ticket, by=admin_user, code="resources_confirmed", now=at(2026, 3, 11, 10, 0))
    clocks = records(ticket)
    assert clocks["resources_confirmed"].status == SlaStatus.MET
    assert clocks["delivered"].status == SlaStatus.RUNNING
    with pytest.raises(ValidationError):
        services.ticket_milestone(ticket=ticket, by=admin_user, code="resources_confirmed", now=MON + 5 * H)
    with pytest.raises(ValidationError):
        services.ticket_milestone(ticket=ticket, by=admin_user, code="no_such_thing", now=MON + 5 * H)


def test_rating_after_resolution_once(open_ticket, partner_a, partner_user_a, admin_user):
    ticket = open_ticket(partner_a, by=partner_user_a, when=MON)
    with pytest.raises(ValidationError):
        services.ticket_rate(ticket=ticket, by=partner_user_a, score=5, now=MON + H)
    services.ticket_transition(ticket=ticket, by=admin_user, status=S.RESOLVED, now=MON + H)
    rating = services.ticket_rate(ticket=ticket, by=partner_user_a, score=4, comment="及时", now=MON + 2 * H)
    assert rating.partner_id == partner_a.pk and rating.score == 4
    with pytest.raises(ValidationError):
        services.ticket_rate(ticket=ticket, by=partner_user_a, score=1, now=MON + 3 * H)
    with pytest.raises(ValidationError):
        services.ticket_rate(ticket=ticket, by=admin_user, score=1, now=MON + 3 * H)


def test_contact_and_product_must_belong_to_the_partner(partner_a, partner_b, admin_user):
    foreign_contact = f.ContactFactory(partner=partner_b)
    unauthorised = f.ProductFactory(code="MAS")
    with pytest.raises(ValidationError) as error:
        services.ticket_open(by=admin_user, partner=partner_a, category=Category.SALES, subject="x", description="y",
                             contact=foreign_contact, product=unauthorised)
    assert set(error.value.message_dict) == {"contact", "product"}


def test_notifications_on_status_reply_and_assignment(open_ticket, partner_a, partner_user_a, agent, admin_user, channel_manager):
    ticket = open_ticket(partner_a, by=partner_user_a, when=MON)
    assert Notification.objects.filter(recipient=channel_manager, kind="support.created").count() == 1
    services.ticket_assign(ticket=ticket, by=admin_user, assignee=agent, now=MON + H)
    assert Notification.objects.filter(recipient=agent, kind="support.assigned").count() == 1
    services.ticket_reply(ticket=ticket, by=agent, body="正在处理", now=MON + 2 * H)
    assert Notification.objects.filter(recipient=partner_user_a, kind="support.reply").count() == 1
    services.ticket_reply(ticket=ticket, by=agent, body="内部备注", internal=True, now=MON + 2 * H)
    assert not Notification.objects.filter(recipient=partner_user_a, kind="support.note").exists()
    services.ticket_reply(ticket=ticket, by=partner_user_a, body="谢谢", now=MON + 3 * H)
    assert Notification.objects.filter(recipient=agent, kind="support.reply").count() == 1
    services.ticket_transition(ticket=ticket, by=agent, status=S.RESOLVED, now=MON + 4 * H)
    assert Notification.objects.filter(recipient=partner_user_a, kind="support.status").count() == 1
    assert Notification.objects.filter(recipient=channel_manager, kind="support.status").count() == 1
