"""Helpers for the lifecycle tests: sales on given days, a job run, and a dump of every row the
job writes (to compare runs)."""
import datetime
from decimal import Decimal

import pytest

from lifecycle.engine import lifecycle_run_execute
from lifecycle.models import LifecycleSnapshot, PartnerLifecycle, RiskFlag, RiskHit, StageChange
from tests import factories as f

D = datetime.date(2025, 6, 30)


def days_before(n: int, day: datetime.date = D) -> datetime.date:
    return day - datetime.timedelta(days=n)


@pytest.fixture
def product(db):
    return f.ProductFactory(code="JTCL", name="Group colour ring", name_zh="集团彩铃")


@pytest.fixture
def sell(product):
    """sell(partner, day, amount="1000.00", product=None, customer="客户甲", status="booked")."""

    def make(partner, day, amount="1000.00", *, product_=None, customer="客户甲", status="booked"):
        return f.SaleRecordFactory(
            partner=partner,
            sold_on=day,
            amount=Decimal(amount),
            product=product_ or product,
            customer_name=customer,
            status=status,
        )

    return make


@pytest.fixture
def run_job(db):
    """run_job(as_of, chunk_size=None) -> the finished run (in this process)."""

    def run(as_of=D, **kwargs):
        return lifecycle_run_execute(as_of=as_of, **kwargs)

    return run


def dump() -> dict:
    """Every row the job writes, without surrogate ids and wall-clock times."""
    return {
        "snapshots": sorted(
            LifecycleSnapshot.objects.values_list(
                "as_of", "partner_id", "status", "tenure_days", "first_sale_on", "last_sale_on", "days_since_sale",
                "sales_90d_cents", "sales_prev_90d_cents", "sales_12m_cents", "products_12m", "customers_12m",
                "in_population", "rule_stage", "rule_reason", "stage", "previous_stage", "stage_since",
                "override_id", "growth_score", "breadth_score", "customer_score", "tenure_score",
                "sales_percentile", "value_score", "max_severity", "previous_risk_level", "risk_level",
            )
        ),
        "stage_changes": sorted(
            StageChange.objects.values_list("partner_id", "as_of", "from_stage", "to_stage", "source", "reason", "note")
        ),
        "stage_change_evidence": sorted(
            (row["partner_id"], str(row["as_of"]), sorted(row["evidence"].items()))
            for row in StageChange.objects.values("partner_id", "as_of", "evidence")
        ),
        "hits": sorted(
            (row["as_of"], row["partner_id"], row["kind"], row["severity"], sorted(row["evidence"].items()))
            for row in RiskHit.objects.values("as_of", "partner_id", "kind", "severity", "evidence")
        ),
        "flags": sorted(
            (r["partner_id"], r["kind"], r["severity"], sorted(r["evidence"].items()), r["first_raised_on"],
             r["last_seen_on"], r["cleared_on"])
            for r in RiskFlag.objects.values(
                "partner_id", "kind", "severity", "evidence", "first_raised_on", "last_seen_on", "cleared_on"
            )
        ),
        "state": sorted(
            PartnerLifecycle.objects.values_list(
                "partner_id", "as_of", "stage", "stage_since", "rule_stage", "rule_reason", "override_id",
                "value_score", "sales_percentile", "growth_score", "breadth_score", "customer_score", "tenure_score",
                "sales_12m_cents", "risk_level", "max_severity", "high_risk_since", "last_active_value_score",
            )
        ),
    }
