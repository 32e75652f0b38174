"""Stage rules as of a day, each threshold exactly at its edge (thresholds from the data migration:
SA maturity 150,000 CNY, drop rule from 10,000 CNY prior sales, 50 % drop, D after 120 days
without a sale, E after 365, E when never sold for 365 days, C from a tenure of 365 days)."""
import datetime

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from lifecycle.choices import Stage, StageReason
from lifecycle.models import LifecycleSnapshot, PartnerLifecycle, StageThreshold
from partners.choices import PartnerStatus, TrackedField
from partners.models import PartnerChange
from tests import factories as f

from .conftest import D, days_before

pytestmark = pytest.mark.django_db


def snap(partner, day=D):
    return LifecycleSnapshot.objects.get(partner=partner, as_of=day)


def sa(**kwargs):
    kwargs.setdefault("joined_on", days_before(800))
    return f.PartnerFactory(partner_type=f.partner_type("SA"), **kwargs)


def test_defaults_come_from_the_data_migration():
    sa_row = StageThreshold.objects.get(partner_type__code="SA")
    default = StageThreshold.objects.get(partner_type__isnull=True)
    assert sa_row.as_rule_values()["maturity_12m_cents"] == 15_000_000
    assert default.as_rule_values()["maturity_12m_cents"] == 20_000_000
    assert (default.decline_inactive_days, default.exit_inactive_days, default.decline_drop_pct) == (120, 365, 50)


def test_sales_windows_have_exact_edges(sell, run_job):
    partner = sa()
    sell(partner, days_before(89), "1.00")   # last 90 days: (D-90, D]
    sell(partner, days_before(90), "2.00")   # the 90 days before: (D-180, D-90]
    sell(partner, days_before(179), "4.00")
    sell(partner, days_before(180), "8.00")  # neither 90-day window, still the last 12 months
    sell(partner, days_before(364), "16.00")
    sell(partner, days_before(365), "32.00")  # before the 12 months
    sell(partner, D + datetime.timedelta(days=1), "64.00")  # after the day: ignored
    sell(partner, days_before(1), "128.00", status="refunded")  # only booked sales count
    run_job(D)
    s = snap(partner)
    assert (s.sales_90d_cents, s.sales_prev_90d_cents, s.sales_12m_cents) == (100, 600, 3100)
    assert s.first_sale_on == days_before(365)
    assert s.last_sale_on == days_before(89)
    assert s.days_since_sale == 89


@pytest.mark.parametrize(
    "days, stage, reason",
    [
        (119, Stage.B, StageReason.BUILD_UP),
        (120, Stage.D, StageReason.INACTIVE_DECLINE),
        (364, Stage.D, StageReason.INACTIVE_DECLINE),
        (365, Stage.E, StageReason.INACTIVE_EXIT),
    ],
)
def test_days_without_a_sale(sell, run_job, days, stage, reason):
    partner = sa()
    sell(partner, days_before(days))
    run_job(D)
    s = snap(partner)
    assert (s.days_since_sale, s.stage, s.rule_reason) == (days, stage, reason)


@pytest.mark.parametrize(
    "prior, recent, stage",
    [
        ("10000.00", "5000.00", Stage.D),   # exactly 50 % down, exactly the minimum prior sales
        ("10000.00", "5000.01", Stage.B),   # a fen less than 50 % down
        ("9999.99", "1000.00", Stage.B),    # prior sales below the minimum: the drop rule does not apply
        ("20000.00", "10000.00", Stage.D),
        ("20000.00", "25000.00", Stage.B),  # growing
    ],
)
def test_sales_drop_edge(sell, run_job, prior, recent, stage):
    partner = sa()
    sell(partner, days_before(100), prior)
    sell(partner, days_before(10), recent)
    run_job(D)
    s = snap(partner)
    assert s.stage == stage
    assert (s.rule_reason == StageReason.SALES_DROP) == (stage == Stage.D)


@pytest.mark.parametrize(
    "amount, tenure, stage",
    [
        ("150000.00", 365, Stage.C),
        ("149999.99", 365, Stage.B),
        ("150000.00", 364, Stage.B),
    ],
)
def test_maturity_edge(sell, run_job, amount, tenure, stage):
    partner = sa(joined_on=days_before(tenure))
    sell(partner, days_before(5), amount)
    run_job(D)
    assert snap(partner).stage == stage


def test_maturity_threshold_is_per_partner_type(sell, run_job):
    sa_partner = sa()
    isv_partner = f.PartnerFactory(partner_type=f.partner_type("ISV"), joined_on=days_before(800))
    for partner in (sa_partner, isv_partner):
        sell(partner, days_before(5), "200000.00")
    run_job(D)
    assert snap(sa_partner).stage == Stage.C
    assert snap(isv_partner).stage == Stage.B  # ISV matures at 500,000


@pytest.mark.parametrize("tenure, stage, reason", [(364, Stage.A, StageReason.NO_FIRST_SALE), (365, Stage.E, StageReason.NEVER_SOLD_LONG)])
def test_never_sold(run_job, tenure, stage, reason):
    partner = sa(joined_on=days_before(tenure))
    run_job(D)
    assert (snap(partner).stage, snap(partner).rule_reason) == (stage, reason)


@pytest.mark.parametrize(
    "status, stage",
    [(PartnerStatus.PROSPECT, Stage.A), (PartnerStatus.SUSPENDED, Stage.D), (PartnerStatus.EXITED, Stage.E)],
)
def test_status_decides_first(sell, run_job, status, stage):
    partner = sa(status=status)
    sell(partner, days_before(3), "900000.00")
    run_job(D)
    assert snap(partner).stage == stage


def test_partners_joining_after_the_day_are_not_evaluated(run_job):
    partner = sa(joined_on=D + datetime.timedelta(days=1))
    run_job(D)
    assert not LifecycleSnapshot.objects.filter(partner=partner).exists()


def _status_change(partner, old, new, at):
    change = PartnerChange.objects.create(partner=partner, field=TrackedField.STATUS, old_value=old, new_value=new)
    PartnerChange.objects.filter(pk=change.pk).update(changed_at=at)


def test_status_on_the_day_comes_from_the_change_history(sell, run_job):
    """Exited now, but active on D: stage as of D is decided by D's status."""
    partner = sa(status=PartnerStatus.EXITED)
    sell(partner, days_before(3), "1000.00")
    noon = datetime.datetime.combine(D + datetime.timedelta(days=10), datetime.time(12), tzinfo=datetime.timezone.utc)
    _status_change(partner, PartnerStatus.ACTIVE, PartnerStatus.EXITED, noon)
    run_job(D)
    assert (snap(partner).status, snap(partner).stage) == (PartnerStatus.ACTIVE, Stage.B)
    later = D + datetime.timedelta(days=10)
    run_job(later)
    assert (snap(partner, later).status, snap(partner, later).stage) == (PartnerStatus.EXITED, Stage.E)


def test_a_status_change_late_on_the_day_counts_for_that_day(sell, run_job):
    partner = sa(status=PartnerStatus.SUSPENDED)
    sell(partner, days_before(3))
    # 23:59 in Shanghai on D is 15:59 UTC: still D.
    _status_change(partner, PartnerStatus.ACTIVE, PartnerStatus.SUSPENDED,
                   datetime.datetime.combine(D, datetime.time(15, 59), tzinfo=datetime.timezone.utc))
    run_job(D)
    assert snap(partner).status == PartnerStatus.SUSPENDED


def test_state_follows_the_latest_run(sell, run_job):
    partner = sa()
    sell(partner, days_before(3))
    run_job(D)
    state = PartnerLifecycle.objects.get(partner=partner)
    assert (state.as_of, state.stage, state.stage_since) == (D, Stage.B, D)


PROFILE = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@PROFILE
@given(pairs=st.lists(st.tuples(st.integers(1_000_000, 5_000_000), st.integers(0, 10_000_000)), min_size=1, max_size=6))
def test_drop_rule_property(sell, run_job, pairs):
    """D for a sales drop exactly when (prior − recent)·100 ≥ 50·prior (prior ≥ the minimum)."""
    partners = []
    for prior, recent in pairs:
        partner = sa()
        sell(partner, days_before(100), f"{prior // 100}.{prior % 100:02d}")
        if recent:
            sell(partner, days_before(10), f"{recent // 100}.{recent % 100:02d}")
        partners.append((partner, prior, recent))
    run_job(D)
    for partner, prior, recent in partners:
        s = snap(partner)
        dropped = (prior - recent) * 100 >= 50 * prior
        assert (s.stage == Stage.D) == dropped, (prior, recent, s.stage)


@PROFILE
@given(days=st.lists(st.integers(0, 500), min_size=1, max_size=8))
def test_inactivity_property(sell, run_job, days):
    partners = []
    for n in days:
        partner = sa(joined_on=days_before(900))
        sell(partner, days_before(n))
        partners.append((partner, n))
    run_job(D)
    for partner, n in partners:
        expected = Stage.E if n >= 365 else Stage.D if n >= 120 else Stage.B
        assert snap(partner).stage == expected, n
