"""Loyalty fixtures: an explicit, simple programme so each test states the rules it relies on."""
import datetime
from decimal import Decimal

import pytest

from loyalty.choices import RuleKind
from loyalty.models import EarningRule, Reward, TierLevel
from loyalty.nightly import run_nightly
from partners.choices import ProductType
from tests import factories as f


@pytest.fixture
def simple_product(db):
    return f.ProductFactory(code="SMS", name="Enterprise SMS", product_type=ProductType.SIMPLE_STANDARD)


@pytest.fixture
def config_product(db):
    return f.ProductFactory(code="MAS", name="MAS gateway", product_type=ProductType.CONFIGURATION)


@pytest.fixture
def base_rule(db):
    """Default rules off; one base rule: 1 point per 100 CNY; tier multipliers neutral."""
    EarningRule.objects.update(active=False)
    TierLevel.objects.update(earn_multiplier_pct=100)
    return EarningRule.objects.create(
        name="Base", name_zh="基础", kind=RuleKind.BASE, points=1, per_amount=Decimal("100.00")
    )


@pytest.fixture
def reward(db):
    return Reward.objects.create(
        code="seat", category="training", name="Training seat", name_zh="培训名额", cost_points=100, stock=None
    )


@pytest.fixture
def nightly():
    def run(as_of, **kwargs):
        return run_nightly(as_of=as_of, **kwargs)

    return run


def sale(partner, product, amount, sold_on, **kwargs):
    return f.SaleRecordFactory(
        partner=partner, product=product, amount=Decimal(str(amount)), sold_on=sold_on, **kwargs
    )


def ledger_snapshot():
    """The ledger as comparable tuples: no ids, timestamps or job bookkeeping. An expiry names
    its lot by the lot's own natural key (ids differ between runs on PostgreSQL, whose
    sequences do not roll back)."""
    from loyalty.models import LedgerEntry, LotAllocation

    rows = list(
        LedgerEntry.objects.values_list(
            "id", "partner_id", "kind", "points", "source_type", "source_id", "rule_key", "rule_id",
            "effective_on", "expires_on", "remaining", "unsettled",
        )
    )
    by_id = {row[0]: row for row in rows}

    def natural(entry_id):
        row = by_id[entry_id]
        source = natural(row[5]) if row[4] == "lot" else row[5]
        return (row[2], row[4], source, row[6])

    entries = sorted((row[1], *natural(row[0]), row[3], *row[7:]) for row in rows)
    allocations = sorted(
        (natural(debit), natural(lot), points)
        for debit, lot, points in LotAllocation.objects.values_list("debit_id", "lot_id", "points")
    )
    return entries, allocations


D = datetime.date
