"""The loyalty rule registered with lifecycle's early warning: points about to expire unused."""
import pytest
from django.db import connection

from lifecycle.models import LifecycleSettings
from lifecycle.risk_rules import RuleContext, compile_rule, registered_rules

from .conftest import D, sale

pytestmark = pytest.mark.django_db


def test_points_expiring_rule_flags_partners_with_enough_points_expiring(partner_a, partner_b, simple_product,
                                                                        base_rule):
    from loyalty.nightly import run_nightly

    settings = LifecycleSettings.load()
    settings.points_expiry_days = 30
    settings.points_expiry_min_points = 50
    settings.save()
    sale(partner_a, simple_product, "6000", D(2024, 6, 5))  # 60 points expiring 2026-06-30
    sale(partner_b, simple_product, "4000", D(2024, 6, 5))  # 40: below the threshold
    run_nightly(as_of=D(2026, 6, 1))
    rule = next(r for r in registered_rules() if r.kind == "points_expiring")
    ctx = RuleContext(as_of=D(2026, 6, 1), partner_lo=min(partner_a.pk, partner_b.pk),
                      partner_hi=max(partner_a.pk, partner_b.pk), settings=settings)
    sql, params = compile_rule(rule, ctx, connection)
    with connection.cursor() as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
    assert [row[0] for row in rows] == [partner_a.pk]
    import json

    evidence = json.loads(rows[0][2]) if isinstance(rows[0][2], str) else rows[0][2]
    assert evidence["points"] == 60 and evidence["lots"] == 1 and evidence["first_expiry"] == "2026-06-30"
    early = RuleContext(as_of=D(2026, 5, 1), partner_lo=partner_a.pk, partner_hi=partner_a.pk, settings=settings)
    sql, params = compile_rule(rule, early, connection)
    with connection.cursor() as cur:
        cur.execute(sql, params)
        assert cur.fetchall() == []  # more than 30 days before the expiry
