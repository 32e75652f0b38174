"""The support risk rule registered with the lifecycle early warning (lifecycle/risk_rules.py)."""
import datetime as dt

from django.db import connection

from lifecycle.choices import FlagKind, Severity
from lifecycle.models import LifecycleSettings
from lifecycle.risk_rules import RuleContext, compile_rule, registered_rules
from support import services
from support.choices import Priority, TicketStatus as S
from support.escalation import sla_sweep
from support.risk import long_open_or_breached_requests
from tests import factories as f

from .conftest import at


def rows(ctx):
    return {row["partner_id"]: row for row in long_open_or_breached_requests(ctx).values("partner_id", "severity", "evidence")}


def test_rule_is_registered():
    assert FlagKind.SUPPORT in {rule.kind for rule in registered_rules()}


def test_long_open_and_breached_requests(open_ticket, partner_a, partner_b, admin_user):
    settings = LifecycleSettings.load()
    settings.support_open_days = 10
    old = open_ticket(partner_a, priority=Priority.LOW, when=at(2026, 3, 2, 10, 0))  # long open, no breach yet
    services.ticket_reply(ticket=old, by=admin_user, body="收到", now=at(2026, 3, 2, 11, 0))
    services.ticket_transition(ticket=old, by=admin_user, status=S.WAITING_ON_PARTNER, now=at(2026, 3, 2, 11, 0))
    breached = open_ticket(partner_b, priority=Priority.URGENT, when=at(2026, 3, 16, 10, 0))
    sla_sweep(now=at(2026, 3, 16, 12, 0))
    quiet = f.PartnerFactory()
    done = open_ticket(quiet, when=at(2026, 2, 2, 10, 0))
    services.ticket_transition(ticket=done, by=admin_user, status=S.RESOLVED, now=at(2026, 2, 3, 10, 0))
    low, high = min(partner_a.pk, partner_b.pk, quiet.pk), max(partner_a.pk, partner_b.pk, quiet.pk)

    found = rows(RuleContext(as_of=dt.date(2026, 3, 16), partner_lo=low, partner_hi=high, settings=settings))
    assert set(found) == {partner_a.pk, partner_b.pk}
    assert found[partner_a.pk]["severity"] == Severity.WARNING
    assert found[partner_b.pk]["severity"] == Severity.SERIOUS
    evidence = found[partner_b.pk]["evidence"]
    if isinstance(evidence, str):  # SQLite hands JSON back as text through values()
        import json

        evidence = json.loads(evidence)
    assert evidence["tickets"] == 1 and evidence["breached_tickets"] == 1 and evidence["threshold_days"] == 10

    # As of an earlier day only what was true then counts: on 10 March the old ticket was 8 days
    # old and the breached one did not exist.
    assert rows(RuleContext(as_of=dt.date(2026, 3, 10), partner_lo=low, partner_hi=high, settings=settings)) == {}
    # Once resolved, the partner is clear from that day on (and still flagged the day before).
    services.ticket_transition(ticket=breached, by=admin_user, status=S.RESOLVED, now=at(2026, 3, 17, 10, 0))
    assert partner_b.pk not in rows(RuleContext(as_of=dt.date(2026, 3, 17), partner_lo=low, partner_hi=high, settings=settings))
    assert partner_b.pk in rows(RuleContext(as_of=dt.date(2026, 3, 16), partner_lo=low, partner_hi=high, settings=settings))
    # Outside the chunk's partner range nothing is returned.
    assert rows(RuleContext(as_of=dt.date(2026, 3, 16), partner_lo=high + 1, partner_hi=high + 10, settings=settings)) == {}


def test_rule_compiles_to_one_select_the_engine_can_insert_from(open_ticket, partner_a):
    open_ticket(partner_a, when=at(2026, 3, 2, 10, 0))
    settings = LifecycleSettings.load()
    rule = next(rule for rule in registered_rules() if rule.kind == FlagKind.SUPPORT)
    ctx = RuleContext(as_of=dt.date(2026, 3, 20), partner_lo=partner_a.pk, partner_hi=partner_a.pk, settings=settings)
    sql, params = compile_rule(rule, ctx, connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        result = cursor.fetchall()
    assert [row[0] for row in result] == [partner_a.pk]
