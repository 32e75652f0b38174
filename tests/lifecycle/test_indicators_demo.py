"""The support demo step (support/demo.py) writes requests whose committed-time records are exactly
what the SLA engine rebuilds from their history, and gives the REGULATE indicators figures."""
import datetime

import pytest
from django.utils import timezone

from prm.demo import DemoContext, demo_steps
from support.clocks import sla_sync
from support.demo import seed_support_tickets
from support.indicators import breaches, sla_compliance
from support.models import SatisfactionRating, SlaRecord, Ticket
from tests import factories as f

TODAY = datetime.date(2025, 6, 30)
FIELDS = ("code", "status", "due_at", "warn_at", "met_at", "breached_at", "paused_seconds", "paused_since",
          "consumed_seconds", "target_seconds", "started_at")
pytestmark = pytest.mark.django_db


def records(ticket):
    return sorted(SlaRecord.objects.filter(ticket=ticket).values_list(*FIELDS))


def test_support_demo_step_is_registered():
    assert "support" in [step.key for step in demo_steps()]


def test_demo_requests_are_consistent_with_the_sla_engine():
    for n in range(8):
        f.PartnerFactory(joined_on=datetime.date(2023, 1, 1), tier=["registered", "gold"][n % 2])
    ctx = DemoContext(seed=7, today=TODAY, partners=8)
    summary = seed_support_tickets(ctx)
    assert "support requests" in summary
    tickets = list(Ticket.objects.select_related("policy"))
    assert len(tickets) == 24
    assert all(t.policy_id and t.opened_at.date() <= TODAY for t in tickets)
    assert SlaRecord.objects.filter(breached_at__isnull=False).exists()
    assert SlaRecord.objects.filter(met_at__isnull=False, breached_at__isnull=True).exists()
    assert SatisfactionRating.objects.exists()
    now = timezone.make_aware(datetime.datetime.combine(TODAY, datetime.time(23, 0)))
    for ticket in tickets:
        before = records(ticket)
        sla_sync(ticket=ticket, now=now)
        assert records(ticket) == before, ticket.pk

    # Deterministic for a seed.
    first = sorted(Ticket.objects.values_list("partner_id", "category", "priority", "opened_at", "status"))
    Ticket.objects.all().delete()
    seed_support_tickets(ctx)
    assert sorted(Ticket.objects.values_list("partner_id", "category", "priority", "opened_at", "status")) == first

    months = [TODAY - datetime.timedelta(days=30 * k) for k in range(1, 10)]
    assert any(sla_compliance(day).denominator for day in months)
    assert any(breaches(day).value for day in months)
