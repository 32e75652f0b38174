"""The REGULATE indicators' arithmetic on small hand-built examples (support/indicators.py)."""
import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from support import indicators as reg
from support.choices import Category, EventKind, SlaStatus, TargetKind, TicketStatus
from support.models import SatisfactionRating, ServiceCentre, SlaRecord, Ticket, TicketEvent
from tests import factories as f

D = datetime.date(2025, 6, 30)
pytestmark = pytest.mark.django_db


def at(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def ago(days, hour=10):
    return at(D - datetime.timedelta(days=days), hour)


@pytest.fixture
def centre():
    return {c.code: c for c in ServiceCentre.objects.all()}


@pytest.fixture
def ticket(centre):
    partner = f.PartnerFactory()

    def make(code="BAS", **fields):
        return Ticket.objects.create(partner=partner, category=Category.SALES, subject="s", description="d",
                                     centre=centre[code] if code else None, **fields)

    return make


def record(ticket, code, started, *, met=None, breached=None):
    status = SlaStatus.BREACHED if breached else SlaStatus.MET if met else SlaStatus.RUNNING
    return SlaRecord.objects.create(ticket=ticket, code=code, kind=TargetKind.RESOLUTION, name=code,
                                    target_seconds=3600, started_at=started, met_at=met, breached_at=breached,
                                    status=status)


def test_sla_compliance_counts_decided_targets_started_in_the_window(ticket, centre):
    assert len(centre) >= 2
    other = next(code for code in centre if code != "BAS")
    t1, t2, t3 = ticket(), ticket(), ticket(other)
    record(t1, "a", ago(2), met=ago(1))                     # met
    record(t1, "b", ago(29, 1), met=ago(29, 5))              # met, first day of the window
    record(t2, "a", ago(3), breached=ago(2))                 # breached
    record(t2, "b", ago(3), breached=ago(2), met=ago(1))     # breached, met late: still a breach
    record(t3, "a", ago(5), met=ago(4))                      # met, other centre
    record(t3, "b", ago(1), met=at(D + datetime.timedelta(days=1)))  # decided after the day: left out
    record(t3, "c", ago(1))                                  # still running: left out
    record(t3, "d", ago(31), met=ago(29))                    # started before the window
    value = reg.sla_compliance(D)
    assert (value.numerator, value.denominator, value.value) == (3, 5, Decimal("60.0"))
    assert value.breakdown == {"BAS": 50.0, other: 100.0}


def test_complaints_are_low_ratings_and_reopenings_once_per_request(ticket):
    low, reopened, both, fine, old = ticket(), ticket(), ticket(), ticket(), ticket()
    SatisfactionRating.objects.create(ticket=low, partner=low.partner, score=2, created_at=ago(3))
    SatisfactionRating.objects.create(ticket=fine, partner=fine.partner, score=4, created_at=ago(3))
    SatisfactionRating.objects.create(ticket=old, partner=old.partner, score=1, created_at=ago(40))
    SatisfactionRating.objects.create(ticket=both, partner=both.partner, score=1, created_at=ago(1))
    for t in (reopened, both):
        TicketEvent.objects.create(ticket=t, kind=EventKind.STATUS, old_value=TicketStatus.RESOLVED,
                                   new_value=TicketStatus.REOPENED, at=ago(2))
    TicketEvent.objects.create(ticket=fine, kind=EventKind.STATUS, old_value=TicketStatus.NEW,
                               new_value=TicketStatus.RESOLVED, at=ago(2))
    TicketEvent.objects.create(ticket=fine, kind=EventKind.STATUS, old_value=TicketStatus.RESOLVED,
                               new_value=TicketStatus.REOPENED, at=at(D + datetime.timedelta(days=1)))  # later
    value = reg.complaints(D)
    assert value.value == 3
    assert value.breakdown == {"low_rating": 2, "reopened": 2}


def test_breaches_by_centre_in_the_window(ticket, centre):
    other = next(code for code in centre if code != "BAS")
    t1, t2, t3 = ticket(), ticket(other), ticket(None)
    record(t1, "a", ago(3), breached=ago(2))
    record(t1, "b", ago(40), breached=ago(29, 0))
    record(t2, "a", ago(3), breached=ago(1))
    record(t2, "b", ago(40), breached=ago(31))  # before the window
    record(t3, "a", ago(3), breached=at(D + datetime.timedelta(days=1)))  # after the day
    record(t3, "b", ago(3), breached=ago(1))
    value = reg.breaches(D)
    assert value.value == 4
    assert value.breakdown == {"BAS": 2, other: 1, "-": 1}
