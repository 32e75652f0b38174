"""The breach sweep: warnings, breaches, escalation levels, exactly-once notifications."""
import datetime as dt
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partners.choices import Role
from prm.models import Notification
from support import services
from support.choices import EventKind, Priority, SlaStatus, TicketStatus as S
from support.escalation import sla_sweep
from support.models import SlaRecord, TicketEvent
from support.tasks import sla_sweep as sla_sweep_task
from tests import factories as f

from .conftest import at

H = dt.timedelta(hours=1)
MON = at(2026, 3, 9, 10, 0)


def first_response(ticket):
    return SlaRecord.objects.get(ticket=ticket, code="first_response")


def keys(record):
    return sorted(Notification.objects.filter(dedupe_key__startswith=f"support:sla:{record.pk}:")
                  .values_list("dedupe_key", "recipient__username"))


@pytest.fixture
def urgent(open_ticket, partner_a, agent, admin_user):
    """An urgent ticket (first response within 1 working hour) assigned to the centre agent."""
    ticket = open_ticket(partner_a, priority=Priority.URGENT, when=MON)
    services.ticket_assign(ticket=ticket, by=admin_user, assignee=agent, now=MON)
    return ticket


def test_warning_then_breach_then_escalation_each_once(urgent, agent, centre_head, channel_manager, admin_user):
    record = first_response(urgent)
    assert record.warn_at == MON + dt.timedelta(minutes=48)

    assert sla_sweep(now=MON + dt.timedelta(minutes=30)).warned == 0
    assert sla_sweep(now=MON + dt.timedelta(minutes=50)).warned == 1
    assert keys(record) == [(f"support:sla:{record.pk}:warn", "bas-agent")]

    result = sla_sweep(now=MON + dt.timedelta(minutes=61))
    assert (result.breached, result.escalated) == (1, 0)
    record.refresh_from_db()
    assert record.status == SlaStatus.BREACHED and record.breached_at == MON + H
    assert record.escalation_level == 1 and record.next_escalation_at == MON + 5 * H  # 4 h after the breach

    sla_sweep(now=MON + 5 * H)
    record.refresh_from_db()
    assert record.escalation_level == 2 and record.next_escalation_at == MON + 25 * H
    sla_sweep(now=MON + 25 * H)
    record.refresh_from_db()
    assert record.escalation_level == 3 and record.next_escalation_at is None
    sla_sweep(now=MON + 100 * H)

    assert keys(record) == [
        (f"support:sla:{record.pk}:1", "bas-agent"),
        (f"support:sla:{record.pk}:2", "bas-head"),
        (f"support:sla:{record.pk}:2", "cm"),
        (f"support:sla:{record.pk}:3", "admin"),
        (f"support:sla:{record.pk}:warn", "bas-agent"),
    ]
    kinds = list(TicketEvent.objects.filter(ticket=urgent, data__record=record.pk).values_list("kind", flat=True))
    assert kinds == [EventKind.SLA_WARNING, EventKind.SLA_BREACH, EventKind.ESCALATED, EventKind.ESCALATED]


def test_a_sweep_run_twice_sends_one_notification(urgent, agent):
    later = MON + 2 * H
    first = sla_sweep(now=later)
    second = sla_sweep(now=later)
    assert first.breached == 1 and second.breached == 0
    record = first_response(urgent)
    assert Notification.objects.filter(dedupe_key=f"support:sla:{record.pk}:1").count() == 1


def test_sweep_e_mails_go_out_once(urgent, agent, django_capture_on_commit_callbacks, mailoutbox):
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            sla_sweep(now=MON + 2 * H)
    breach = [m for m in mailoutbox if "breached" in m.subject]
    assert len(breach) == 1 and breach[0].to == [agent.email]
    record = first_response(urgent)
    assert Notification.objects.get(dedupe_key=f"support:sla:{record.pk}:1").emailed_at is not None


def test_a_sweep_that_sees_stale_rows_still_notifies_once(urgent, agent):
    """Like a second worker that read the rows before the first one committed: the key decides."""
    sla_sweep(now=MON + 2 * H)
    record = first_response(urgent)
    SlaRecord.objects.filter(pk=record.pk).update(status=SlaStatus.RUNNING, escalation_level=0)
    assert sla_sweep(now=MON + 2 * H).breached == 1
    assert Notification.objects.filter(dedupe_key=f"support:sla:{record.pk}:1").count() == 1


def test_the_celery_task_runs_the_sweep(urgent):
    assert sla_sweep_task.delay((MON + 2 * H).isoformat()).get() == {"warned": 0, "breached": 1, "escalated": 0}


def test_met_or_paused_clocks_stop_escalating(open_ticket, partner_a, admin_user, agent, centre_head):
    ticket = open_ticket(partner_a, priority=Priority.URGENT, when=MON)
    sla_sweep(now=MON + 2 * H)
    services.ticket_reply(ticket=ticket, by=agent, body="迟到的回复", now=MON + 3 * H)
    record = first_response(ticket)
    assert record.status == SlaStatus.BREACHED and record.met_at == MON + 3 * H
    assert record.next_escalation_at is None
    assert sla_sweep(now=MON + 50 * H).escalated == 0

    paused = open_ticket(partner_a, priority=Priority.URGENT, when=MON)
    resolution = SlaRecord.objects.get(ticket=paused, code="resolution")
    services.ticket_transition(ticket=paused, by=admin_user, status=S.IN_PROGRESS, now=MON)
    sla_sweep(now=at(2026, 3, 11, 11, 0))  # the 2-day urgent resolution breached at Wed 10:00
    resolution.refresh_from_db()
    assert resolution.status == SlaStatus.BREACHED
    services.ticket_transition(ticket=paused, by=admin_user, status=S.WAITING_ON_PARTNER, now=at(2026, 3, 11, 11, 0))
    resolution.refresh_from_db()
    assert resolution.status == SlaStatus.BREACHED and resolution.next_escalation_at is None
    level = resolution.escalation_level
    sla_sweep(now=at(2026, 3, 20, 11, 0))  # (its first response, which never pauses, escalates on)
    resolution.refresh_from_db()
    assert resolution.escalation_level == level


def test_unassigned_breach_goes_to_the_centre_head(open_ticket, partner_a, centre_head):
    ticket = open_ticket(partner_a, priority=Priority.URGENT, when=MON)
    sla_sweep(now=MON + 2 * H)
    record = first_response(ticket)
    assert keys(record) == [(f"support:sla:{record.pk}:1", "bas-head")]


def test_partner_users_never_get_escalations(urgent, partner_user_a):
    sla_sweep(now=MON + 100 * H)
    assert not Notification.objects.filter(recipient=partner_user_a, kind__startswith="support.sla").exists()


def test_the_sweep_reads_only_due_rows(open_ticket, partner_a, agent):
    """Set-based: the queries do not grow with the number of open tickets that are not due."""
    open_ticket(partner_a, priority=Priority.URGENT, when=MON)
    with CaptureQueriesContext(connection) as few:
        sla_sweep(now=MON + 2 * H)
    for _ in range(15):
        open_ticket(partner_a, priority=Priority.LOW, when=MON + 2 * H)
    open_ticket(partner_a, priority=Priority.URGENT, when=MON)
    with CaptureQueriesContext(connection) as many:
        result = sla_sweep(now=MON + 2 * H)
    assert result.breached == 1
    assert len(many) == len(few)


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_in_parallel_notify_once(partner_a, centre_head):
    if connection.vendor != "postgresql":
        pytest.skip("parallel transactions need PostgreSQL (SQLite serialises writers)")
    admin = f.UserFactory(username="admin-p", role=Role.ADMIN)
    tickets = [
        services.ticket_open(by=admin, partner=partner_a, category="sales", priority=Priority.URGENT,
                             subject=f"并发 {i}", description="x", now=MON)
        for i in range(30)
    ]
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(sla_sweep(now=MON + 2 * H, batch_size=7))
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    # Each first response (1 working hour) breached once, by one sweep or the other.
    assert sum(r.breached for r in results) == len(tickets)
    breach_keys = Notification.objects.filter(dedupe_key__startswith="support:sla:", dedupe_key__endswith=":1")
    assert breach_keys.count() == len(tickets)
    assert TicketEvent.objects.filter(kind=EventKind.SLA_BREACH).count() == len(tickets)
