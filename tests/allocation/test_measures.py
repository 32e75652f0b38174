"""The built-in support-behaviour measure and the registry's contract."""
import datetime as dt

from django.db import connection

from lifecycle.allocation import measures as registry
from lifecycle.allocation.builtin_measures import ticket_measure
from lifecycle.allocation.measures import MeasureContext
from support.choices import Priority
from support.escalation import sla_sweep
from tests import factories as f
from tests.support.conftest import at, centres, open_ticket  # noqa: F401  (fixtures)


def scores(ctx):
    return {row["partner_id"]: row["score"] for row in ticket_measure(ctx).values("partner_id", "score")}


def test_builtin_measures_are_registered():
    keys = {m.key for m in registry.registered_measures()}
    assert {"value", "growth", "breadth", "market_potential", "certification", "tickets"} <= keys
    assert registry.get_measure("tickets").missing == 100


def test_ticket_measure_share_without_breach(open_ticket, partner_a, partner_b):  # noqa: F811
    open_ticket(partner_a, priority=Priority.URGENT, when=at(2026, 3, 16, 10, 0))
    sla_sweep(now=at(2026, 3, 18, 12, 0))  # the urgent one breaches
    open_ticket(partner_a, priority=Priority.LOW, when=at(2026, 3, 19, 10, 0))
    open_ticket(partner_b, priority=Priority.LOW, when=at(2024, 1, 5, 10, 0))  # outside the 365 days
    quiet = f.PartnerFactory()
    lo, hi = min(partner_a.pk, partner_b.pk, quiet.pk), max(partner_a.pk, partner_b.pk, quiet.pk)
    found = scores(MeasureContext(as_of=dt.date(2026, 3, 20), partner_lo=lo, partner_hi=hi))
    assert found == {partner_a.pk: 50}
    # the urgent request's committed time passed on its first day (breached_at is the due time)
    assert scores(MeasureContext(as_of=dt.date(2026, 3, 16), partner_lo=lo, partner_hi=hi)) == {partner_a.pk: 0}
    # a year later the requests are outside the window: no row (the measure's missing score, 100)
    assert scores(MeasureContext(as_of=dt.date(2027, 3, 20), partner_lo=lo, partner_hi=hi)) == {}
    sql, params = registry.compile_measure(registry.get_measure("tickets"), MeasureContext(as_of=dt.date(2026, 3, 20), partner_lo=lo, partner_hi=hi), connection)
    assert "partner_id" in sql
