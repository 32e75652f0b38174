"""The indicator registry and the nightly indicator job: snapshots stored, idempotent, a failing
indicator isolated, back-fill history computed from facts up to each day only."""
import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command

from lifecycle import indicators as registry
from lifecycle.indicator_job import history_days, indicators_compute
from lifecycle.indicators import Indicator, IndicatorValue, Lever, month_end, months_before, register_indicator
from lifecycle.models import IndicatorRun, IndicatorRunStatus, IndicatorSnapshot
from tests import factories as f

D = datetime.date(2025, 6, 30)


@pytest.fixture
def only(monkeypatch):
    """only(*indicators): the registry holds just these for the test (restored afterwards)."""

    def install(*items):
        monkeypatch.setattr(registry, "_REGISTRY", {})
        for item in items:
            register_indicator(item)

    return install


def constant(key, value, lever=Lever.RETAIN, **kwargs):
    return Indicator(key=key, lever=lever, label=key, compute=lambda as_of: IndicatorValue(value=value, **kwargs))


# --- registry ----------------------------------------------------------------------------------
def test_built_in_retain_and_regulate_indicators_are_registered():
    keys = {i.key for i in registry.indicators()}
    assert {"retain.active_12m", "retain.active_24m", "retain.moves_to_e", "retain.high_risk",
            "retain.plan_outcome"} <= keys
    assert {"regulate.sla_compliance", "regulate.complaints", "regulate.breaches"} <= keys
    assert all(i.lever == Lever.RETAIN for i in registry.indicators(Lever.RETAIN))


def test_register_replace_unregister(only):
    only()
    register_indicator(constant("x.one", Decimal("1")))
    register_indicator(Indicator(key="x.two", lever=Lever.ATTRACT, label="two", order=1,
                                 compute=lambda d: IndicatorValue(value=None)))
    assert [i.key for i in registry.indicators()] == ["x.two", "x.one"]  # attract first, then retain
    register_indicator(constant("x.one", Decimal("2"), lever=Lever.REGULATE))
    assert registry.get_indicator("x.one").lever == Lever.REGULATE
    assert len(registry.indicators()) == 2
    registry.unregister_indicator("x.one")
    registry.unregister_indicator("x.missing")
    assert [i.key for i in registry.indicators()] == ["x.two"]


@pytest.mark.parametrize("bad", [dict(lever="charm"), dict(unit="kg"), dict(better="sideways"), dict(key="")])
def test_indicator_rejects_bad_definitions(bad):
    fields = dict(key="x.k", lever=Lever.RETAIN, label="k", compute=lambda d: None) | bad
    with pytest.raises(ValueError):
        Indicator(**fields)


def test_month_helpers():
    assert months_before(datetime.date(2025, 3, 31), 1) == datetime.date(2025, 2, 28)
    assert month_end(datetime.date(2024, 2, 3)) == datetime.date(2024, 2, 29)
    assert history_days(datetime.date(2025, 6, 15), 3) == [
        datetime.date(2025, 3, 31), datetime.date(2025, 4, 30), datetime.date(2025, 5, 31), datetime.date(2025, 6, 15)]
    # A month end as the day: the same month end is not listed twice.
    assert history_days(D, 1) == [datetime.date(2025, 5, 31), D]


# --- the job -----------------------------------------------------------------------------------
@pytest.mark.django_db
def test_job_stores_one_snapshot_per_indicator_and_is_idempotent(only):
    only(constant("x.share", Decimal("12.345"), numerator=1, denominator=8, breakdown={"SA": 12.3}),
         constant("x.none", None))
    run = indicators_compute(as_of=D)
    assert (run.status, run.computed, run.failed) == (IndicatorRunStatus.SUCCEEDED, 2, 0)
    row = IndicatorSnapshot.objects.get(key="x.share", as_of=D)
    assert (row.value, row.numerator, row.denominator, row.breakdown) == (Decimal("12.35"), 1, 8, {"SA": 12.3})
    assert IndicatorSnapshot.objects.get(key="x.none").value is None

    before = list(IndicatorSnapshot.objects.values_list("key", "as_of", "value", "numerator", "denominator", "breakdown"))
    indicators_compute(as_of=D)
    after = list(IndicatorSnapshot.objects.values_list("key", "as_of", "value", "numerator", "denominator", "breakdown"))
    assert sorted(before) == sorted(after)
    assert IndicatorSnapshot.objects.count() == 2
    assert IndicatorRun.objects.count() == 2


@pytest.mark.django_db
def test_a_failing_indicator_loses_nothing_else(only):
    def broken(as_of):
        # Writes something first: the savepoint must roll it back.
        IndicatorSnapshot.objects.create(key="x.leak", as_of=as_of, value=1, computed_at="2025-07-01T00:00Z")
        raise ZeroDivisionError("boom")

    only(constant("x.good", Decimal("5")),
         Indicator(key="x.bad", lever=Lever.REGULATE, label="bad", compute=broken),
         constant("x.later", Decimal("7"), lever=Lever.REGULATE))
    indicators_compute(as_of=D - datetime.timedelta(days=1))
    run = indicators_compute(as_of=D)
    assert run.status == IndicatorRunStatus.PARTIAL
    assert (run.computed, run.failed) == (2, 1)
    assert "ZeroDivisionError" in run.errors["x.bad"]
    assert set(IndicatorSnapshot.objects.filter(as_of=D).values_list("key", flat=True)) == {"x.good", "x.later"}
    assert not IndicatorSnapshot.objects.filter(key__in=["x.leak", "x.bad"]).exists()

    only(Indicator(key="x.bad", lever=Lever.REGULATE, label="bad", compute=broken))
    assert indicators_compute(as_of=D).status == IndicatorRunStatus.FAILED


@pytest.mark.django_db
def test_backfill_counts_only_facts_up_to_each_day(only):
    """A partner that joined later does not count in an earlier month end's value."""
    from partners.models import Partner

    def partners_joined(as_of):
        n = Partner.objects.filter(joined_on__lte=as_of).count()
        return IndicatorValue(value=Decimal(n), numerator=n)

    only(Indicator(key="x.partners", lever=Lever.ATTRACT, label="partners", compute=partners_joined))
    f.PartnerFactory(joined_on=datetime.date(2025, 1, 10))
    f.PartnerFactory(joined_on=datetime.date(2025, 4, 10))
    call_command("indicators_recompute", "--as-of", D.isoformat(), "--history-months", "6", stdout=open("/dev/null", "w"))
    values = dict(IndicatorSnapshot.objects.filter(key="x.partners").values_list("as_of", "value"))
    assert values == {
        datetime.date(2024, 12, 31): 0,
        datetime.date(2025, 1, 31): 1,
        datetime.date(2025, 2, 28): 1,
        datetime.date(2025, 3, 31): 1,
        datetime.date(2025, 4, 30): 2,
        datetime.date(2025, 5, 31): 2,
        D: 2,
    }


@pytest.mark.django_db
def test_nightly_task_and_command_validation(only, settings):
    from django.core.management.base import CommandError

    from lifecycle.tasks import indicators_nightly

    only(constant("x.one", Decimal("1")))
    run = IndicatorRun.objects.get(pk=indicators_nightly(D.isoformat()))
    assert run.as_of == D and run.status == IndicatorRunStatus.SUCCEEDED
    assert settings.PRM_NIGHTLY_JOBS[-1] == "lifecycle.indicators_nightly"
    with pytest.raises(CommandError):
        call_command("indicators_recompute", "--history-months", "99")
    with pytest.raises(CommandError):
        call_command("indicators_recompute", "--as-of", "2999-01-01")


@pytest.mark.django_db
def test_a_breakdown_that_is_not_numbers_is_a_recorded_failure(only):
    only(constant("x.text", Decimal("1"), breakdown={"SA": "many"}),
         constant("x.dec", Decimal("1"), breakdown={"SA": Decimal("2.5"), "SI": 3}))
    run = indicators_compute(as_of=D)
    assert run.status == IndicatorRunStatus.PARTIAL and "x.text" in run.errors
    assert IndicatorSnapshot.objects.get(key="x.dec").breakdown == {"SA": 2.5, "SI": 3}
