"""The isolation suite (tests/api_suite.py) on every lifecycle endpoint. Partner users may read
none of them (403), so their row of the matrix is "refused" throughout."""
import datetime

import pytest
from django.utils import timezone

from lifecycle.choices import RiskLevel, Stage
from lifecycle.models import (
    LifecycleRun,
    LifecycleSnapshot,
    PartnerLifecycle,
    PlanNote,
    RetentionAction,
    RetentionPlan,
    RiskFlag,
    StageChange,
    StageOverride,
    StagePlaybook,
    StageThreshold,
)
from partners.models import PartnerType
from tests import factories as f
from tests.api_suite import (
    ADMIN,
    ADMIN_ONLY,
    CHANNEL_MANAGER,
    INTEGRATION_RO,
    INTEGRATION_RW,
    OWN,
    PRODUCT_MANAGER,
    APIIsolationSuite,
    DetailAction,
)

from .factories import (
    LifecycleRunFactory,
    PartnerLifecycleFactory,
    PlanNoteFactory,
    RetentionActionFactory,
    RetentionPlanFactory,
    RiskFlagFactory,
    SnapshotFactory,
    StageChangeFactory,
)

READERS = frozenset({ADMIN, CHANNEL_MANAGER, PRODUCT_MANAGER, INTEGRATION_RO, INTEGRATION_RW})
MANAGERS = frozenset({ADMIN, CHANNEL_MANAGER})


class ReadOnlySuite(APIIsolationSuite):
    read_roles = READERS
    create_roles = None
    update_roles = None
    delete_roles = None

    def make_many(self, world, count):
        own = world.partners[OWN]
        return [
            self.make_object(world, f.PartnerFactory(city=own.city, channel_manager=own.channel_manager))
            for _ in range(count)
        ]


def _state_with_override(partner, **kwargs):
    """A fresh state (one per partner: made again for each action the suite checks)."""
    PartnerLifecycle.objects.filter(partner=partner).delete()
    StageOverride.objects.filter(partner=partner).delete()
    today = timezone.localdate()
    override = StageOverride.objects.create(
        partner=partner, stage=Stage.C, reason="战略伙伴", valid_from=today, valid_until=today + datetime.timedelta(days=5)
    )
    return PartnerLifecycleFactory(partner=partner, override=override, stage=Stage.C, rule_stage=Stage.B, **kwargs)


class TestLifecyclePartnerAPI(ReadOnlySuite):
    url = "/api/v1/lifecycle/partners/"
    model = PartnerLifecycle
    detail_actions = [
        DetailAction(
            "override",
            roles=MANAGERS,
            payload=lambda suite, world, obj: {
                "stage": "D", "reason": "业务萎缩", "until": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
            },
        ),
        DetailAction("end-override", roles=MANAGERS, payload=lambda suite, world, obj: {"reason": "评估结束"}),
    ]

    def make_object(self, world, partner):
        return _state_with_override(partner)


class TestHighRiskAPI(ReadOnlySuite):
    url = "/api/v1/lifecycle/high-risk/"
    model = PartnerLifecycle

    def make_object(self, world, partner):
        return PartnerLifecycleFactory(partner=partner, stage=Stage.D, risk_level=RiskLevel.HIGH, value_score=80, max_severity=3)


class TestWinBackAPI(ReadOnlySuite):
    url = "/api/v1/lifecycle/win-back/"
    model = PartnerLifecycle

    def make_object(self, world, partner):
        return PartnerLifecycleFactory(partner=partner, stage=Stage.E, value_score=10, last_active_value_score=75)


class TestStageChangeAPI(ReadOnlySuite):
    url = "/api/v1/lifecycle/stage-changes/"
    model = StageChange

    def make_object(self, world, partner):
        return StageChangeFactory(partner=partner)


class TestSnapshotAPI(ReadOnlySuite):
    url = "/api/v1/lifecycle/snapshots/"
    model = LifecycleSnapshot

    def make_object(self, world, partner):
        return SnapshotFactory(partner=partner)


class TestRiskFlagAPI(ReadOnlySuite):
    url = "/api/v1/lifecycle/flags/"
    model = RiskFlag

    def make_object(self, world, partner):
        return RiskFlagFactory(partner=partner)


class TestRetentionPlanAPI(APIIsolationSuite):
    url = "/api/v1/lifecycle/plans/"
    model = RetentionPlan
    read_roles = READERS
    create_roles = MANAGERS
    update_roles = MANAGERS
    delete_roles = ADMIN_ONLY
    detail_actions = [DetailAction("cancel", roles=MANAGERS, payload=lambda suite, world, obj: {"reason": "已恢复合作"})]

    def make_object(self, world, partner):
        return RetentionPlanFactory(partner=partner, owner=world.users[CHANNEL_MANAGER])

    def make_many(self, world, count):
        own = world.partners[OWN]
        return [
            self.make_object(world, f.PartnerFactory(city=own.city, channel_manager=own.channel_manager))
            for _ in range(count)
        ]

    def create_payload(self, world, partner):
        return {"partner": partner.pk, "lever": "B", "goal": f"恢复销售 {world.unique()}"}

    def update_payload(self, world, obj):
        return {"goal": "把季度销售恢复到去年水平", "lever": "C"}


def plan_for(world, partner):
    """The partner's active plan (one per partner and kind)."""
    return RetentionPlan.objects.filter(partner=partner, status="active").first() or RetentionPlanFactory(
        partner=partner, owner=world.users[CHANNEL_MANAGER]
    )


class TestRetentionActionAPI(APIIsolationSuite):
    url = "/api/v1/lifecycle/plan-actions/"
    model = RetentionAction
    read_roles = READERS
    create_roles = MANAGERS
    update_roles = MANAGERS
    delete_roles = MANAGERS
    scope_error_field = "plan"

    def make_object(self, world, partner):
        return RetentionActionFactory(plan=plan_for(world, partner))

    def create_payload(self, world, partner):
        return {"plan": plan_for(world, partner).pk, "title": f"上门拜访 {world.unique()}", "due_on": "2030-01-15"}

    def update_payload(self, world, obj):
        return {"status": "done", "title": "已拜访"}


class TestPlanNoteAPI(APIIsolationSuite):
    url = "/api/v1/lifecycle/plan-notes/"
    model = PlanNote
    read_roles = READERS
    create_roles = MANAGERS
    update_roles = None
    delete_roles = None
    scope_error_field = "plan"

    def make_object(self, world, partner):
        return PlanNoteFactory(plan=plan_for(world, partner))

    def create_payload(self, world, partner):
        return {"plan": plan_for(world, partner).pk, "body": f"电话沟通 {world.unique()}"}


class TestPlaybookAPI(APIIsolationSuite):
    url = "/api/v1/lifecycle/playbooks/"
    model = StagePlaybook
    partner_owned = False
    read_roles = READERS
    create_roles = None
    update_roles = ADMIN_ONLY
    delete_roles = None

    def make_object(self, world, partner):
        return StagePlaybook.objects.get(stage="ABCDE"[world.unique() % 5])

    def detail_url(self, obj):
        return f"{self.url}{obj.stage}/"

    def update_payload(self, world, obj):
        return {"question_en": "What does the partner need now?", "actions_zh": "走访\n培训"}

    def test_list_query_count_is_constant(self, world, django_assert_num_queries):
        """Five fixed rows, one query (after the permission's own lookups)."""
        client = world.client(ADMIN)
        assert len(client.get(self.url).json()) == 5
        with django_assert_num_queries(2):  # lifecycle settings (serializer context) + the playbooks
            assert [row["stage"] for row in client.get(self.url).json()] == list("ABCDE")

    def test_playbook_in_the_requests_language(self, world):
        body = world.client(ADMIN).get(f"{self.url}D/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
        assert body["stage"] == "D" and body["question"] == body["question_zh"]
        assert body["actions"] == body["actions_zh"].splitlines()


class TestStageThresholdAPI(APIIsolationSuite):
    url = "/api/v1/lifecycle/thresholds/"
    model = StageThreshold
    partner_owned = False
    read_roles = READERS
    create_roles = ADMIN_ONLY
    update_roles = ADMIN_ONLY
    delete_roles = ADMIN_ONLY

    def _type(self, world):
        n = world.unique()
        return PartnerType.objects.create(code=f"T{n}", name=f"Type {n}", name_zh=f"类型{n}")

    def make_object(self, world, partner):
        return StageThreshold.objects.create(partner_type=self._type(world))

    def create_payload(self, world, partner):
        return {"partner_type": self._type(world).code, "maturity_sales_12m": "800000.00", "decline_drop_pct": 45}

    def update_payload(self, world, obj):
        return {"maturity_sales_12m": "250000.00", "exit_inactive_days": 300}


class TestLifecycleRunAPI(APIIsolationSuite):
    url = "/api/v1/lifecycle/runs/"
    model = LifecycleRun
    partner_owned = False
    read_roles = ADMIN_ONLY
    create_roles = ADMIN_ONLY
    update_roles = None
    delete_roles = None

    def make_object(self, world, partner):
        return LifecycleRunFactory()

    def create_payload(self, world, partner):
        return {"as_of": "2025-06-30"}


@pytest.mark.parametrize("url", [
    "/api/v1/lifecycle/settings/", "/api/v1/lifecycle/funnel/", "/api/v1/lifecycle/rules/",
])
def test_other_endpoints_refuse_partner_users_and_anonymous(url, as_user, partner_user_a, product_manager, api):
    assert as_user(partner_user_a).get(url).status_code == 403
    assert api.get(url).status_code in (401, 403)
    assert as_user(product_manager).get(url).status_code == 200
