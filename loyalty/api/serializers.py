from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from partners.choices import Tier
from partners.models import Partner, PartnerType, Product
from prm.api.fields import VIEW, ScopedPrimaryKeyRelatedField

from ..choices import RuleKind
from ..models import (
    AccrualRun,
    ComplianceIssue,
    EarningRule,
    LedgerEntry,
    PointsAdjustment,
    PointsBalance,
    Redemption,
    Reward,
    TierLevel,
    TierReview,
    TrainedPerson,
)
from ..selectors import entry_explanation


class LedgerEntrySerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    explanation = serializers.SerializerMethodField()

    class Meta:
        model = LedgerEntry
        fields = [
            "id", "partner", "kind", "kind_display", "points", "source_type", "source_id", "rule", "effective_on",
            "expires_on", "remaining", "unsettled", "amount", "explanation", "created_at",
        ]

    def get_explanation(self, obj) -> str:
        return entry_explanation(obj, self.context.get("sales", {}), self.context.get("rules", {}))


class PointsBalanceSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="partner_id", read_only=True)
    partner_code = serializers.CharField(source="partner.code", read_only=True)
    partner_name = serializers.CharField(source="partner.name", read_only=True)
    tier = serializers.CharField(source="partner.tier", read_only=True)
    tier_display = serializers.CharField(source="partner.get_tier_display", read_only=True)

    class Meta:
        model = PointsBalance
        fields = [
            "id", "partner", "partner_code", "partner_name", "tier", "tier_display", "points", "qualifying_points",
            "active_customers", "trained_people", "open_compliance_issues", "qualified_tier", "evaluated_on",
            "updated_at",
        ]


class RequirementSerializer(serializers.Serializer):
    metric = serializers.CharField()
    required = serializers.IntegerField()
    actual = serializers.IntegerField()
    met = serializers.BooleanField()


class ProgressSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    window_start = serializers.DateField(help_text="Exclusive: points of this date no longer count.")
    window_end = serializers.DateField()
    qualifying_points = serializers.IntegerField()
    active_customers = serializers.IntegerField()
    trained_people = serializers.IntegerField()
    open_compliance_issues = serializers.IntegerField()
    tier = serializers.CharField()
    qualified_tier = serializers.CharField()
    next_tier = serializers.CharField(allow_null=True)
    points_needed = serializers.IntegerField()
    requirements = RequirementSerializer(many=True)
    next_drop_on = serializers.DateField(allow_null=True)
    next_drop_points = serializers.IntegerField()


class ExpiryRowSerializer(serializers.Serializer):
    expires_on = serializers.DateField()
    points = serializers.IntegerField()


class PointsBalanceDetailSerializer(PointsBalanceSerializer):
    spendable = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()
    expiry_schedule = serializers.SerializerMethodField()

    class Meta(PointsBalanceSerializer.Meta):
        fields = PointsBalanceSerializer.Meta.fields + ["spendable", "progress", "expiry_schedule"]

    def get_spendable(self, obj) -> int:
        from ..services import _spendable
        from ..nightly import business_today

        return max(min(obj.points, _spendable(obj.partner_id, business_today())), 0)

    @extend_schema_field(ProgressSerializer)
    def get_progress(self, obj):
        from ..selectors import tier_progress

        return ProgressSerializer(tier_progress(partner=obj.partner)).data

    @extend_schema_field(ExpiryRowSerializer(many=True))
    def get_expiry_schedule(self, obj):
        from ..selectors import expiry_schedule

        return ExpiryRowSerializer(expiry_schedule(partner_id=obj.partner_id), many=True).data


class PointsAdjustmentSerializer(serializers.ModelSerializer):
    partner = ScopedPrimaryKeyRelatedField(queryset=Partner.objects.all())
    created_by_name = serializers.CharField(source="created_by.username", read_only=True, default=None)
    points = serializers.IntegerField(min_value=-10_000_000, max_value=10_000_000)
    reason = serializers.CharField(max_length=500)

    class Meta:
        model = PointsAdjustment
        fields = ["id", "partner", "points", "reason", "created_by", "created_by_name", "created_at"]
        read_only_fields = ["created_by", "created_at"]


class RewardSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)
    description_label = serializers.CharField(read_only=True)
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    min_tier_display = serializers.CharField(source="get_min_tier_display", read_only=True)

    class Meta:
        model = Reward
        fields = [
            "id", "code", "name", "name_zh", "label", "category", "category_display", "description",
            "description_zh", "description_label", "cost_points", "stock", "min_tier", "min_tier_display",
            "active", "sort_order", "created_at", "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


class EarningRuleSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    product = ScopedPrimaryKeyRelatedField(queryset=Product.objects.all(), scope_action=VIEW, allow_null=True,
                                           required=False)
    partner_type = ScopedPrimaryKeyRelatedField(queryset=PartnerType.objects.all(), scope_action=VIEW,
                                                allow_null=True, required=False)

    class Meta:
        model = EarningRule
        fields = [
            "id", "name", "name_zh", "label", "kind", "kind_display", "product", "product_type", "partner_type",
            "points", "per_amount", "valid_from", "valid_to", "priority", "cap_per_sale", "cap_per_partner",
            "active", "created_at", "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def validate(self, attrs):
        merged = {**{f: getattr(self.instance, f) for f in ("kind", "valid_from", "valid_to")}, **attrs} if self.instance else attrs
        kind = merged.get("kind", RuleKind.BASE)
        start, end = merged.get("valid_from"), merged.get("valid_to")
        errors = {}
        if kind == RuleKind.PROMOTION and (not start or not end):
            errors["valid_to"] = [_("A promotion needs a start and an end date.")]
        if start and end and start > end:
            errors["valid_to"] = [_("The end date must not be before the start date.")]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class TierLevelSerializer(serializers.ModelSerializer):
    tier_display = serializers.CharField(source="get_tier_display", read_only=True)

    class Meta:
        model = TierLevel
        fields = [
            "id", "tier", "tier_display", "rank", "min_points", "min_trained_people", "max_open_compliance_issues",
            "min_active_customers", "earn_multiplier_pct",
        ]
        read_only_fields = ["tier", "rank"]


class RedemptionSerializer(serializers.ModelSerializer):
    partner = ScopedPrimaryKeyRelatedField(queryset=Partner.objects.all(), required=False)
    partner_code = serializers.CharField(source="partner.code", read_only=True)
    partner_name = serializers.CharField(source="partner.name", read_only=True)
    reward = ScopedPrimaryKeyRelatedField(queryset=Reward.objects.filter(active=True), scope_action=VIEW)
    reward_label = serializers.CharField(source="reward.label", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    quantity = serializers.IntegerField(min_value=1, max_value=100, default=1)
    requested_by_name = serializers.CharField(source="requested_by.username", read_only=True, default=None)

    class Meta:
        model = Redemption
        fields = [
            "id", "partner", "partner_code", "partner_name", "reward", "reward_label", "quantity", "points", "status",
            "status_display", "note", "requested_by", "requested_by_name", "requested_at", "decided_by",
            "decided_at", "decision_note",
        ]
        read_only_fields = ["points", "status", "requested_by", "requested_at", "decided_by", "decided_at",
                            "decision_note"]

    def validate(self, attrs):
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if "partner" not in attrs:
            if user is not None and user.partner_id:
                attrs["partner"] = user.partner
            else:
                raise serializers.ValidationError({"partner": [_("This field is required.")]})
        return attrs


class DecisionSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class TierReviewSerializer(serializers.ModelSerializer):
    partner_code = serializers.CharField(source="partner.code", read_only=True)
    partner_name = serializers.CharField(source="partner.name", read_only=True)
    from_tier_display = serializers.CharField(source="get_from_tier_display", read_only=True)
    to_tier_display = serializers.CharField(source="get_to_tier_display", read_only=True)
    direction_display = serializers.CharField(source="get_direction_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    decided_by_name = serializers.CharField(source="decided_by.username", read_only=True, default=None)

    class Meta:
        model = TierReview
        fields = [
            "id", "partner", "partner_code", "partner_name", "from_tier", "from_tier_display", "to_tier",
            "to_tier_display", "direction", "direction_display", "status", "status_display", "opened_on",
            "eligible_on", "last_evaluated_on", "window_start", "window_end", "qualifying_points",
            "active_customers", "trained_people", "open_compliance_issues", "decided_by", "decided_by_name",
            "decided_at", "decision_reason", "created_at",
        ]
        read_only_fields = fields


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class BulkDecisionSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62), min_length=1, max_length=500
    )
    decision = serializers.ChoiceField(choices=[("approve", "approve"), ("reject", "reject")])
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class BulkDecisionResultSerializer(serializers.Serializer):
    done = serializers.ListField(child=serializers.IntegerField())
    errors = serializers.DictField()


class TrainedPersonSerializer(serializers.ModelSerializer):
    partner = ScopedPrimaryKeyRelatedField(queryset=Partner.objects.all())

    class Meta:
        model = TrainedPerson
        fields = ["id", "partner", "name", "course", "trained_on", "valid_until", "created_at"]
        read_only_fields = ["created_at"]

    def validate(self, attrs):
        start = attrs.get("trained_on", getattr(self.instance, "trained_on", None))
        end = attrs.get("valid_until", getattr(self.instance, "valid_until", None))
        if start and end and end < start:
            raise serializers.ValidationError({"valid_until": [_("Must not be before the training date.")]})
        return attrs


class ComplianceIssueSerializer(serializers.ModelSerializer):
    partner = ScopedPrimaryKeyRelatedField(queryset=Partner.objects.all())

    class Meta:
        model = ComplianceIssue
        fields = ["id", "partner", "summary", "opened_on", "resolved_on", "created_by", "created_at"]
        read_only_fields = ["created_by", "created_at"]

    def validate(self, attrs):
        start = attrs.get("opened_on", getattr(self.instance, "opened_on", None))
        end = attrs.get("resolved_on", getattr(self.instance, "resolved_on", None))
        if start and end and end < start:
            raise serializers.ValidationError({"resolved_on": [_("Must not be before the date it was opened.")]})
        return attrs


class AccrualRunSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = AccrualRun
        fields = [
            "id", "as_of", "status", "status_display", "chunk_size", "chunks_total", "chunks_done", "earned",
            "bonuses", "reversed", "expired", "warned", "reviews_opened", "reviews_lapsed", "started_at",
            "finished_at", "error",
        ]


class ReportMonthSerializer(serializers.Serializer):
    month = serializers.DateField()
    earned = serializers.IntegerField()
    redeemed = serializers.IntegerField()
    expired = serializers.IntegerField()
    reversed = serializers.IntegerField()
    adjusted = serializers.IntegerField()


class TopEarnerSerializer(serializers.Serializer):
    partner = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    tier = serializers.ChoiceField(choices=Tier.choices)
    qualifying_points = serializers.IntegerField()
    balance = serializers.IntegerField()


class ReportSerializer(serializers.Serializer):
    months = ReportMonthSerializer(many=True)
    outstanding_liability = serializers.IntegerField()
    partners_with_points = serializers.IntegerField()
    top_earners = TopEarnerSerializer(many=True)
