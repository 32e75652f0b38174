from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from partners.api.serializers import UserSummarySerializer
from partners.choices import Role
from partners.models import Partner, PartnerType, User
from prm.api.fields import CHANGE, VIEW, ScopedPrimaryKeyRelatedField, ScopedSlugRelatedField

from .. import risk_rules
from ..choices import Lever, PlanKind, Stage
from ..services import MAX_OVERRIDE_DAYS
from ..models import (
    LifecycleRun,
    LifecycleRunChunk,
    LifecycleSettings,
    LifecycleSnapshot,
    PartnerLifecycle,
    PlanEvent,
    PlanNote,
    RetentionAction,
    RetentionPlan,
    RiskFlag,
    StageChange,
    StageOverride,
    StagePlaybook,
    StageThreshold,
)

COMPONENTS = (
    ("sales", "sales_percentile", _("Sales percentile within type (12 months)")),
    ("growth", "growth_score", _("Growth (90 days against the 90 before)")),
    ("breadth", "breadth_score", _("Product breadth")),
    ("customers", "customer_score", _("Customers")),
    ("tenure", "tenure_score", _("Tenure")),
)


@extend_schema_field({"type": "string", "format": "decimal", "nullable": True})
class FenAsYuanField(serializers.Field):
    """An integer amount in fen, shown as a decimal string in CNY."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        return None if value is None else str((Decimal(value) / 100).quantize(Decimal("0.01")))


class ComponentSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    score = serializers.IntegerField(allow_null=True)
    weight = serializers.IntegerField()


def components_of(obj, weights: dict) -> list[dict]:
    return [
        {"key": key, "label": str(label), "score": getattr(obj, attr), "weight": weights.get(key, 0)}
        for key, attr, label in COMPONENTS
    ]


class ComponentsMixin:
    def _weights(self) -> dict:
        settings = self.context.get("lifecycle_settings")
        if settings is None:
            settings = self.context["lifecycle_settings"] = LifecycleSettings.load()
        return settings.weights

    @extend_schema_field(ComponentSerializer(many=True))
    def get_components(self, obj):
        return components_of(obj, self._weights())


class PartnerBriefSerializer(serializers.ModelSerializer):
    type = serializers.CharField(source="partner_type.code", read_only=True)
    city = serializers.CharField(source="city.code", read_only=True)
    city_label = serializers.CharField(source="city.label", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    channel_manager = UserSummarySerializer(read_only=True)

    class Meta:
        model = Partner
        fields = ["id", "code", "name", "type", "city", "city_label", "status", "status_display", "channel_manager"]


class OverrideSerializer(serializers.ModelSerializer):
    stage_display = serializers.CharField(source="get_stage_display", read_only=True)
    created_by = UserSummarySerializer(read_only=True)

    class Meta:
        model = StageOverride
        fields = ["id", "stage", "stage_display", "reason", "valid_from", "valid_until", "created_by", "created_at", "ended_on"]


class OpenFlagSerializer(serializers.ModelSerializer):
    kind_display = serializers.SerializerMethodField()
    severity_display = serializers.CharField(source="get_severity_display", read_only=True)

    class Meta:
        model = RiskFlag
        fields = ["id", "kind", "kind_display", "severity", "severity_display", "evidence", "first_raised_on", "last_seen_on"]

    def get_kind_display(self, obj) -> str:
        return str(risk_rules.rule_label(obj.kind))


class PlanBriefSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    lever_display = serializers.CharField(source="get_lever_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    owner = UserSummarySerializer(read_only=True)

    class Meta:
        model = RetentionPlan
        fields = ["id", "kind", "kind_display", "lever", "lever_display", "status", "status_display", "owner", "review_on"]


class PartnerLifecycleSerializer(ComponentsMixin, serializers.ModelSerializer):
    id = serializers.IntegerField(source="partner_id", read_only=True)
    partner = PartnerBriefSerializer(read_only=True)
    stage_display = serializers.CharField(source="get_stage_display", read_only=True)
    rule_stage_display = serializers.CharField(source="get_rule_stage_display", read_only=True)
    rule_reason_display = serializers.CharField(source="get_rule_reason_display", read_only=True)
    override = OverrideSerializer(read_only=True)
    components = serializers.SerializerMethodField()
    sales_12m = FenAsYuanField(source="sales_12m_cents")
    risk_level_display = serializers.CharField(source="get_risk_level_display", read_only=True)
    open_flags = serializers.SerializerMethodField()
    active_plans = serializers.SerializerMethodField()

    class Meta:
        model = PartnerLifecycle
        fields = [
            "id", "partner", "as_of", "stage", "stage_display", "stage_since", "rule_stage", "rule_stage_display",
            "rule_reason", "rule_reason_display", "override", "value_score", "components", "sales_12m",
            "risk_level", "risk_level_display", "max_severity", "high_risk_since", "last_active_value_score",
            "open_flags", "active_plans", "updated_at",
        ]

    @extend_schema_field(OpenFlagSerializer(many=True))
    def get_open_flags(self, obj):
        flags = getattr(obj.partner, "open_flags", None)
        if flags is None:
            flags = obj.partner.risk_flags.filter(cleared_on__isnull=True)
        return OpenFlagSerializer(flags, many=True, context=self.context).data

    @extend_schema_field(PlanBriefSerializer(many=True))
    def get_active_plans(self, obj):
        plans = getattr(obj.partner, "active_plans", None)
        if plans is None:
            plans = obj.partner.retention_plans.filter(status="active")
        return PlanBriefSerializer(plans, many=True, context=self.context).data


class OverrideInputSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices)
    reason = serializers.CharField(max_length=500)
    until = serializers.DateField(help_text="The last day the override holds (today up to a year ahead).")

    def validate_until(self, value):
        today = timezone.localdate()
        if value < today:
            raise serializers.ValidationError(_("The override must hold until today or a later day."))
        if (value - today).days > MAX_OVERRIDE_DAYS:
            raise serializers.ValidationError(_("An override holds for at most a year; set it again later if needed."))
        return value


class OverrideEndSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


class StageChangeSerializer(serializers.ModelSerializer):
    partner = PartnerBriefSerializer(read_only=True)
    from_stage_display = serializers.CharField(source="get_from_stage_display", read_only=True)
    to_stage_display = serializers.CharField(source="get_to_stage_display", read_only=True)
    source_display = serializers.CharField(source="get_source_display", read_only=True)
    reason_display = serializers.CharField(source="get_reason_display", read_only=True)
    changed_by = UserSummarySerializer(read_only=True)

    class Meta:
        model = StageChange
        fields = [
            "id", "partner", "as_of", "from_stage", "from_stage_display", "to_stage", "to_stage_display", "source",
            "source_display", "reason", "reason_display", "note", "evidence", "changed_by", "created_at",
        ]


class SnapshotSerializer(ComponentsMixin, serializers.ModelSerializer):
    sales_90d = FenAsYuanField(source="sales_90d_cents")
    sales_prev_90d = FenAsYuanField(source="sales_prev_90d_cents")
    sales_12m = FenAsYuanField(source="sales_12m_cents")
    stage_display = serializers.CharField(source="get_stage_display", read_only=True)
    rule_reason_display = serializers.CharField(source="get_rule_reason_display", read_only=True)
    risk_level_display = serializers.CharField(source="get_risk_level_display", read_only=True)
    components = serializers.SerializerMethodField()
    overridden = serializers.SerializerMethodField()

    class Meta:
        model = LifecycleSnapshot
        fields = [
            "id", "partner", "as_of", "status", "tenure_days", "first_sale_on", "last_sale_on", "days_since_sale",
            "sales_90d", "sales_prev_90d", "sales_12m", "products_12m", "customers_12m", "rule_stage", "rule_reason",
            "rule_reason_display", "stage", "stage_display", "previous_stage", "stage_since", "overridden",
            "components", "value_score", "max_severity", "risk_level", "risk_level_display",
        ]

    def get_overridden(self, obj) -> bool:
        return obj.override_id is not None


class RiskFlagSerializer(serializers.ModelSerializer):
    partner = PartnerBriefSerializer(read_only=True)
    kind_display = serializers.SerializerMethodField()
    severity_display = serializers.CharField(source="get_severity_display", read_only=True)
    is_open = serializers.BooleanField(read_only=True)

    class Meta:
        model = RiskFlag
        fields = [
            "id", "partner", "kind", "kind_display", "severity", "severity_display", "evidence", "first_raised_on",
            "last_seen_on", "cleared_on", "is_open",
        ]

    def get_kind_display(self, obj) -> str:
        return str(risk_rules.rule_label(obj.kind))


def staff_owner_queryset():
    return User.objects.filter(role__in=[Role.CHANNEL_MANAGER, Role.ADMIN], is_active=True)


class RetentionActionSerializer(serializers.ModelSerializer):
    plan = ScopedPrimaryKeyRelatedField(queryset=RetentionPlan.objects.all(), scope_action=CHANGE)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    assignee = serializers.PrimaryKeyRelatedField(queryset=staff_owner_queryset(), allow_null=True, required=False)
    assignee_detail = UserSummarySerializer(source="assignee", read_only=True)

    class Meta:
        model = RetentionAction
        fields = [
            "id", "plan", "title", "description", "due_on", "status", "status_display", "assignee",
            "assignee_detail", "done_on", "created_at", "updated_at",
        ]
        read_only_fields = ["done_on", "created_at", "updated_at"]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            fields["plan"].read_only = True
        return fields


class PlanNoteSerializer(serializers.ModelSerializer):
    plan = ScopedPrimaryKeyRelatedField(queryset=RetentionPlan.objects.all(), scope_action=CHANGE)
    author = UserSummarySerializer(read_only=True)

    class Meta:
        model = PlanNote
        fields = ["id", "plan", "body", "author", "created_at"]


class PlanEventSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    by = UserSummarySerializer(read_only=True)

    class Meta:
        model = PlanEvent
        fields = ["id", "kind", "kind_display", "by", "at", "details"]


class RetentionPlanSerializer(serializers.ModelSerializer):
    """A plan. On create `partner` and `kind` are given; afterwards they are fixed."""

    partner = ScopedPrimaryKeyRelatedField(queryset=Partner.objects.all(), scope_action=CHANGE)
    partner_detail = PartnerBriefSerializer(source="partner", read_only=True)
    kind = serializers.ChoiceField(choices=PlanKind.choices, required=False)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    lever = serializers.ChoiceField(choices=Lever.choices)
    lever_display = serializers.CharField(source="get_lever_display", read_only=True)
    owner = serializers.PrimaryKeyRelatedField(queryset=staff_owner_queryset(), required=False)
    owner_detail = UserSummarySerializer(source="owner", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    outcome_display = serializers.CharField(source="get_outcome_display", read_only=True)
    start_stage_display = serializers.CharField(source="get_start_stage_display", read_only=True)
    review_on = serializers.DateField(required=False)
    actions = RetentionActionSerializer(many=True, read_only=True)
    created_by = UserSummarySerializer(read_only=True)

    class Meta:
        model = RetentionPlan
        fields = [
            "id", "partner", "partner_detail", "kind", "kind_display", "lever", "lever_display", "owner",
            "owner_detail", "goal", "notes", "status", "status_display", "opened_on", "review_on", "start_stage",
            "start_stage_display", "start_risk_level", "start_value_score", "outcome", "outcome_display",
            "outcome_on", "outcome_detail", "cancel_reason", "actions", "created_by", "created_at", "updated_at",
        ]
        read_only_fields = [
            "status", "opened_on", "start_stage", "start_risk_level", "start_value_score", "outcome", "outcome_on",
            "outcome_detail", "cancel_reason", "created_at", "updated_at",
        ]
        validators = []  # one active plan per partner and kind: the service says so, per field

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, (list, tuple)) and hasattr(self.instance, "pk"):
            fields["partner"].read_only = True
            fields["kind"].read_only = True
        return fields


class PlanDetailSerializer(RetentionPlanSerializer):
    events = PlanEventSerializer(many=True, read_only=True)

    class Meta(RetentionPlanSerializer.Meta):
        fields = [*RetentionPlanSerializer.Meta.fields, "events"]


class PlanCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class PlaybookSerializer(serializers.ModelSerializer):
    stage_display = serializers.CharField(source="get_stage_display", read_only=True)
    question = serializers.CharField(read_only=True, help_text="In the request's language.")
    actions = serializers.ListField(child=serializers.CharField(), read_only=True, help_text="In the request's language.")

    class Meta:
        model = StagePlaybook
        fields = [
            "id", "stage", "stage_display", "question", "actions", "question_en", "question_zh", "actions_en",
            "actions_zh", "updated_at",
        ]
        read_only_fields = ["stage", "updated_at"]


class StageThresholdSerializer(serializers.ModelSerializer):
    partner_type = ScopedSlugRelatedField(
        slug_field="code", queryset=PartnerType.objects.all(), scope_action=VIEW, allow_null=True, required=False
    )
    partner_type_label = serializers.SerializerMethodField()

    class Meta:
        model = StageThreshold
        fields = [
            "id", "partner_type", "partner_type_label", "never_sold_exit_days", "exit_inactive_days",
            "decline_inactive_days", "decline_drop_pct", "decline_min_prior_sales", "maturity_sales_12m",
            "maturity_min_tenure_days", "updated_at",
        ]
        read_only_fields = ["updated_at"]
        validators = []

    def get_partner_type_label(self, obj) -> str:
        return str(obj)

    def validate(self, attrs):
        if self.instance is not None and "partner_type" in attrs and attrs["partner_type"] != self.instance.partner_type:
            raise serializers.ValidationError({"partner_type": [_("The partner type of a row cannot change.")]})
        if self.instance is None:
            partner_type = attrs.get("partner_type")
            if StageThreshold.objects.filter(partner_type=partner_type).exists():
                raise serializers.ValidationError({"partner_type": [_("This partner type has its thresholds already.")]})
        return attrs


class LifecycleSettingsSerializer(serializers.ModelSerializer):
    updated_by = UserSummarySerializer(read_only=True)

    class Meta:
        model = LifecycleSettings
        exclude = ["id"]
        read_only_fields = ["updated_at", "updated_by"]


class RunChunkSerializer(serializers.ModelSerializer):
    class Meta:
        model = LifecycleRunChunk
        fields = [
            "id", "partner_lo", "partner_hi", "status", "attempts", "partners", "stage_changes", "flags_raised",
            "flags_cleared", "started_at", "finished_at", "error",
        ]


class LifecycleRunSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    mode_display = serializers.CharField(source="get_mode_display", read_only=True)
    trigger_display = serializers.CharField(source="get_trigger_display", read_only=True)
    triggered_by = UserSummarySerializer(read_only=True)
    duration_seconds = serializers.SerializerMethodField()

    class Meta:
        model = LifecycleRun
        fields = [
            "id", "as_of", "mode", "mode_display", "trigger", "trigger_display", "triggered_by", "status",
            "status_display", "chunk_size", "chunks_total", "chunks_done", "partners", "stage_changes",
            "flags_raised", "flags_cleared", "new_high_risk", "plans_reviewed", "started_at", "finished_at",
            "duration_seconds", "error",
        ]
        read_only_fields = fields

    def get_duration_seconds(self, obj) -> float | None:
        return round(obj.duration.total_seconds(), 3) if obj.duration is not None else None


class LifecycleRunDetailSerializer(LifecycleRunSerializer):
    chunks = RunChunkSerializer(many=True, read_only=True)

    class Meta(LifecycleRunSerializer.Meta):
        fields = [*LifecycleRunSerializer.Meta.fields, "config", "chunks"]
        read_only_fields = fields


class RunRequestSerializer(serializers.Serializer):
    as_of = serializers.DateField(required=False, help_text="Default: yesterday.")


class FunnelStageSerializer(serializers.Serializer):
    stage = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    entered = serializers.IntegerField()
    left = serializers.IntegerField()


class FunnelMoveSerializer(serializers.Serializer):
    from_stage = serializers.CharField()
    to_stage = serializers.CharField()
    count = serializers.IntegerField()


class FunnelSerializer(serializers.Serializer):
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    as_of = serializers.DateField(allow_null=True)
    stages = FunnelStageSerializer(many=True)
    moves = FunnelMoveSerializer(many=True)


class RiskRuleSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    description = serializers.CharField()
