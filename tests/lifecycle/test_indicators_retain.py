"""The RETAIN indicators' arithmetic on small hand-built examples (lifecycle/retention_indicators.py)."""
import datetime
from decimal import Decimal

import pytest

from lifecycle import retention_indicators as r
from lifecycle.choices import PlanKind, PlanOutcome, PlanStatus, RiskLevel, Stage, StageChangeSource
from partners.choices import PartnerStatus, TrackedField
from partners.models import PartnerChange
from tests import factories as f
from tests.lifecycle.factories import RetentionPlanFactory, SnapshotFactory, StageChangeFactory

D = datetime.date(2025, 6, 30)
pytestmark = pytest.mark.django_db


def status_change(partner, old, new, when):
    change = PartnerChange.objects.create(partner=partner, field=TrackedField.STATUS, old_value=old, new_value=new)
    PartnerChange.objects.filter(pk=change.pk).update(changed_at=when)


def aware(day, hour=12):
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def test_still_active_after_12_months_reads_the_status_on_the_day():
    sa, isv = f.partner_type("SA"), f.partner_type("ISV")
    # In the cohort (joined 2023-07-01 … 2024-06-30):
    f.PartnerFactory(joined_on=datetime.date(2024, 6, 30), partner_type=sa)  # active, no history
    exited_later = f.PartnerFactory(joined_on=datetime.date(2024, 1, 1), partner_type=sa, status=PartnerStatus.EXITED)
    status_change(exited_later, PartnerStatus.ACTIVE, PartnerStatus.EXITED, aware(D + datetime.timedelta(days=1), 1))
    exited = f.PartnerFactory(joined_on=datetime.date(2023, 7, 1), partner_type=isv, status=PartnerStatus.ACTIVE)
    status_change(exited, PartnerStatus.ACTIVE, PartnerStatus.EXITED, aware(D - datetime.timedelta(days=40)))
    status_change(exited, PartnerStatus.EXITED, PartnerStatus.ACTIVE, aware(D + datetime.timedelta(days=3)))
    f.PartnerFactory(joined_on=datetime.date(2024, 2, 1), partner_type=isv, status=PartnerStatus.SUSPENDED)
    f.PartnerFactory(joined_on=datetime.date(2024, 2, 1), partner_type=isv, status=PartnerStatus.PROSPECT)  # left out
    # Outside the cohort:
    f.PartnerFactory(joined_on=datetime.date(2024, 7, 1), partner_type=sa)  # too young
    f.PartnerFactory(joined_on=datetime.date(2023, 6, 30), partner_type=sa)  # too old (24-month cohort)

    value = r.active_after_12_months(D)
    # SA: 2 of 2 active (the exit happened after the day); ISV: 0 of 2 (exited on the day, suspended).
    assert (value.numerator, value.denominator, value.value) == (2, 4, Decimal("50.0"))
    assert value.breakdown == {"SA": 100.0, "ISV": 0.0}

    older = r.active_after_24_months(D)
    assert (older.numerator, older.denominator) == (1, 1)


def test_still_active_is_empty_without_a_cohort():
    value = r.active_after_12_months(D)
    assert (value.value, value.numerator, value.denominator, value.breakdown) == (None, 0, 0, {})


def test_moves_to_stage_e_in_the_last_30_days_by_stage_left():
    StageChangeFactory(as_of=D, from_stage=Stage.D, to_stage=Stage.E)
    StageChangeFactory(as_of=D - datetime.timedelta(days=29), from_stage=Stage.A, to_stage=Stage.E,
                       source=StageChangeSource.MANUAL)
    StageChangeFactory(as_of=D - datetime.timedelta(days=5), from_stage=Stage.D, to_stage=Stage.E)
    StageChangeFactory(as_of=D - datetime.timedelta(days=30), from_stage=Stage.D, to_stage=Stage.E)  # too early
    StageChangeFactory(as_of=D + datetime.timedelta(days=1), from_stage=Stage.D, to_stage=Stage.E)  # later
    StageChangeFactory(as_of=D, from_stage=Stage.B, to_stage=Stage.D)  # not an exit
    StageChangeFactory(as_of=D, from_stage="", to_stage=Stage.E)  # a first stage, not a move
    value = r.moves_to_stage_e(D)
    assert value.value == 3
    assert value.breakdown == {"A": 1, "D": 2}


def test_high_risk_uses_the_latest_computed_day_up_to_the_as_of_day():
    day = D - datetime.timedelta(days=2)
    SnapshotFactory(as_of=day, stage=Stage.D, risk_level=RiskLevel.HIGH)
    SnapshotFactory(as_of=day, stage=Stage.D, risk_level=RiskLevel.HIGH)
    SnapshotFactory(as_of=day, stage=Stage.B, risk_level=RiskLevel.HIGH)
    SnapshotFactory(as_of=day, stage=Stage.C, risk_level=RiskLevel.MEDIUM)
    SnapshotFactory(as_of=D - datetime.timedelta(days=20), risk_level=RiskLevel.HIGH)  # an older run
    SnapshotFactory(as_of=D + datetime.timedelta(days=1), risk_level=RiskLevel.HIGH)  # a later run
    value = r.high_risk_partners(D)
    assert (value.value, value.numerator, value.denominator) == (3, 3, 4)
    assert value.breakdown == {"B": 1, "D": 2}
    # Nothing computed within a month before the day: no value rather than a stale one.
    assert r.high_risk_partners(D - datetime.timedelta(days=60)).value is None


def test_retention_plan_outcomes_of_the_last_90_days():
    def closed(outcome, on, kind=PlanKind.RETENTION):
        return RetentionPlanFactory(kind=kind, status=PlanStatus.CLOSED, outcome=outcome, outcome_on=on,
                                    opened_on=datetime.date(2025, 1, 1), review_on=datetime.date(2025, 1, 1))

    closed(PlanOutcome.RETAINED, D)
    closed(PlanOutcome.RETAINED, D - datetime.timedelta(days=89))
    closed(PlanOutcome.NOT_RECOVERED, D - datetime.timedelta(days=10))
    closed(PlanOutcome.LOST, D - datetime.timedelta(days=10))
    closed(PlanOutcome.RETAINED, D - datetime.timedelta(days=90))  # too early
    closed(PlanOutcome.RETAINED, D + datetime.timedelta(days=1))  # later
    closed(PlanOutcome.WON_BACK, D, kind=PlanKind.WIN_BACK)  # not a retention plan
    RetentionPlanFactory(opened_on=datetime.date(2025, 5, 1), review_on=D)  # still active
    value = r.retention_plan_outcomes(D)
    assert (value.numerator, value.denominator, value.value) == (2, 4, Decimal("50.0"))
    assert value.breakdown == {"lost": 1, "not_recovered": 1, "retained": 2}
