"""Factories for lifecycle rows the tests need without running the job."""
import datetime

import factory
from factory.django import DjangoModelFactory

from lifecycle.choices import ActionStatus, Lever, PlanKind, RiskLevel, Severity, Stage, StageChangeSource, StageReason
from lifecycle.models import (
    LifecycleRun,
    LifecycleSnapshot,
    PartnerLifecycle,
    PlanNote,
    RetentionAction,
    RetentionPlan,
    RiskFlag,
    StageChange,
)
from tests.factories import PartnerFactory, UserFactory

DAY = datetime.date(2025, 6, 30)


class PartnerLifecycleFactory(DjangoModelFactory):
    class Meta:
        model = PartnerLifecycle

    partner = factory.SubFactory(PartnerFactory)
    as_of = DAY
    stage = Stage.B
    stage_since = DAY
    rule_stage = factory.SelfAttribute("stage")
    rule_reason = StageReason.BUILD_UP
    value_score = 50
    sales_percentile = 50
    growth_score = 50
    breadth_score = 40
    customer_score = 40
    tenure_score = 100
    sales_12m_cents = 12_345_600
    risk_level = RiskLevel.NONE
    max_severity = None
    last_active_value_score = factory.SelfAttribute("value_score")
    updated_at = factory.LazyFunction(lambda: datetime.datetime(2025, 7, 1, 2, 0, tzinfo=datetime.timezone.utc))


class SnapshotFactory(DjangoModelFactory):
    class Meta:
        model = LifecycleSnapshot

    as_of = DAY
    partner = factory.SubFactory(PartnerFactory)
    partner_type = factory.SelfAttribute("partner.partner_type")
    status = "active"
    tenure_days = 500
    first_sale_on = datetime.date(2024, 2, 1)
    last_sale_on = datetime.date(2025, 6, 20)
    days_since_sale = 10
    sales_90d_cents = 1_000_000
    sales_prev_90d_cents = 900_000
    sales_12m_cents = 4_000_000
    products_12m = 2
    customers_12m = 5
    in_population = True
    rule_stage = Stage.B
    rule_reason = StageReason.BUILD_UP
    stage = Stage.B
    previous_stage = Stage.B
    stage_since = datetime.date(2025, 1, 1)
    growth_score = 55
    breadth_score = 40
    customer_score = 33
    tenure_score = 45
    sales_percentile = 50
    value_score = 47
    risk_level = RiskLevel.NONE


class StageChangeFactory(DjangoModelFactory):
    class Meta:
        model = StageChange

    partner = factory.SubFactory(PartnerFactory)
    as_of = DAY
    from_stage = Stage.B
    to_stage = Stage.D
    source = StageChangeSource.RULE
    reason = StageReason.INACTIVE_DECLINE
    evidence = factory.LazyFunction(lambda: {"days_since_sale": 130})


class RiskFlagFactory(DjangoModelFactory):
    class Meta:
        model = RiskFlag

    partner = factory.SubFactory(PartnerFactory)
    kind = factory.Iterator(["sales_drop", "no_sales", "stage_decline"])
    severity = Severity.SERIOUS
    evidence = factory.LazyFunction(lambda: {"days_since_sale": 130})
    first_raised_on = DAY
    last_seen_on = DAY


class RetentionPlanFactory(DjangoModelFactory):
    class Meta:
        model = RetentionPlan

    partner = factory.SubFactory(PartnerFactory)
    kind = PlanKind.RETENTION
    lever = Lever.TARGETED
    owner = factory.LazyAttribute(lambda plan: plan.partner.channel_manager or UserFactory())
    goal = "恢复季度销售"
    opened_on = DAY
    review_on = DAY + datetime.timedelta(days=90)
    start_stage = Stage.D


class RetentionActionFactory(DjangoModelFactory):
    class Meta:
        model = RetentionAction

    plan = factory.SubFactory(RetentionPlanFactory)
    title = factory.Sequence(lambda n: f"拜访合作伙伴 {n}")
    due_on = DAY + datetime.timedelta(days=14)
    status = ActionStatus.PLANNED


class PlanNoteFactory(DjangoModelFactory):
    class Meta:
        model = PlanNote

    plan = factory.SubFactory(RetentionPlanFactory)
    body = "已电话沟通"


class LifecycleRunFactory(DjangoModelFactory):
    class Meta:
        model = LifecycleRun

    as_of = DAY
    chunk_size = 5000
