"""The set-based jobs: invitations after resolved support requests (once per request, notified),
the nightly reminders (due ones only, at most max_reminders, idempotent per business date) and
the expiry of what can no longer be answered."""
import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from prm.models import Notification
from support.models import Ticket
from support.surveys import jobs
from support.surveys.choices import TICKET_CAMPAIGN_CODE
from support.surveys.models import Campaign, Invitation
from support.surveys.tasks import surveys_nightly, surveys_ticket_invitations
from tests import factories as f

from .factories import campaign, invitation

pytestmark = pytest.mark.django_db


def _ticket(partner, *, status="resolved", resolved_ago=datetime.timedelta(hours=1)):
    now = timezone.now()
    return Ticket.objects.create(
        partner=partner, category="sales", subject=f"Help {partner.pk}", description="…", status=status,
        opened_at=now - datetime.timedelta(days=2), resolved_at=None if resolved_ago is None else now - resolved_ago,
    )


def test_ticket_survey_invites_once_per_resolved_request(partner_a, partner_b, partner_user_a):
    resolved = _ticket(partner_a)
    closed = _ticket(partner_b, status="closed")
    _ticket(partner_a, status="in_progress", resolved_ago=None)  # not resolved
    _ticket(partner_a, resolved_ago=datetime.timedelta(days=40))  # too long ago
    assert surveys_ticket_invitations.apply().result == {"invited": 2}
    standing = Campaign.objects.get(code=TICKET_CAMPAIGN_CODE)
    rows = Invitation.objects.filter(campaign=standing)
    assert {(i.ticket_id, i.partner_id) for i in rows} == {(resolved.pk, partner_a.pk), (closed.pk, partner_b.pk)}
    note = Notification.objects.get(recipient=partner_user_a, kind="surveys.invitation")
    assert note.url == f"/surveys/{rows.get(ticket=resolved).pk}/"
    assert jobs.ticket_invitations_create() == 0  # a re-run invites nobody twice
    assert Notification.objects.filter(kind="surveys.invitation").count() == 1
    standing.status = "closed"
    standing.save()
    _ticket(partner_a)
    assert jobs.ticket_invitations_create() == 0  # switched off


def test_reminders_due_only_and_idempotent_per_date(partner_a, partner_b, partner_user_a, partner_user_b):
    today = timezone.localdate()
    c = campaign(remind_every_days=7, max_reminders=2, opens_on=today - datetime.timedelta(days=30),
                 closes_on=today + datetime.timedelta(days=30))
    long_ago = timezone.now() - datetime.timedelta(days=8)
    due = invitation(partner_a, c, invited_at=long_ago)
    invitation(partner_b, c, invited_at=timezone.now() - datetime.timedelta(days=2))  # not due yet
    answered = invitation(f.PartnerFactory(), c, invited_at=long_ago, status="answered")
    assert jobs.reminders_send(as_of=today) == 1
    due.refresh_from_db()
    assert due.reminders_sent == 1 and due.last_reminded_on == today
    notes = Notification.objects.filter(kind="surveys.reminder")
    assert [n.recipient_id for n in notes] == [partner_user_a.pk]
    # The same business date again: nothing more.
    assert jobs.reminders_send(as_of=today) == 0
    assert surveys_nightly.apply(kwargs={"as_of": today.isoformat()}).result["reminded"] == 0
    assert Notification.objects.filter(kind="surveys.reminder").count() == 1
    # The next day it is not due (reminded less than 7 days ago); a week later it is, then the cap.
    assert jobs.reminders_send(as_of=today + datetime.timedelta(days=1)) == 0
    later = today + datetime.timedelta(days=8)
    assert jobs.reminders_send(as_of=later, now=timezone.now() + datetime.timedelta(days=8)) == 2  # both now
    assert jobs.reminders_send(as_of=later + datetime.timedelta(days=8),
                               now=timezone.now() + datetime.timedelta(days=16)) == 1  # partner_b's second
    assert jobs.reminders_send(as_of=later + datetime.timedelta(days=16),
                               now=timezone.now() + datetime.timedelta(days=24)) == 0  # max 2 each
    due.refresh_from_db()
    assert due.reminders_sent == 2
    answered.refresh_from_db()
    assert answered.reminders_sent == 0
    assert Notification.objects.filter(kind="surveys.reminder", recipient=partner_user_b).count() == 2


def test_expiry_of_closed_past_and_stale_ticket_invitations(partner_a, partner_b):
    today = timezone.localdate()
    closed = invitation(partner_a, campaign(name="closed", status="closed"))
    past = invitation(partner_a, campaign(name="past", opens_on=today - datetime.timedelta(days=40),
                                          closes_on=today - datetime.timedelta(days=1)))
    current = invitation(partner_a, campaign(name="current"))
    standing = Campaign.objects.get(code=TICKET_CAMPAIGN_CODE)
    stale = invitation(partner_b, standing, ticket=_ticket(partner_b),
                       invited_at=timezone.now() - datetime.timedelta(days=31))
    fresh = invitation(partner_b, standing, ticket=_ticket(partner_b))
    result = jobs.surveys_nightly(as_of=today)
    assert result["expired"] == 3
    status = dict(Invitation.objects.values_list("pk", "status"))
    assert [status[i.pk] for i in (closed, past, current, stale, fresh)] == [
        "expired", "expired", "pending", "expired", "pending"]


def test_jobs_are_scheduled():
    assert "surveys.nightly" in settings.PRM_NIGHTLY_JOBS
    assert settings.PRM_NIGHTLY_JOBS.index("surveys.nightly") < settings.PRM_NIGHTLY_JOBS.index(
        "lifecycle.indicators_nightly")
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"surveys.nightly", "surveys.ticket_invitations"} <= tasks

