"""Lifecycle API: the operator's internal view of its partners. Partner users get 403 on every
endpoint (and the scoping hides the rows from them as well); channel managers, product managers
and integration clients read everything; channel managers change the partners they manage."""
import datetime

from django.db.models import Max, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers as drf_serializers
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from partners.choices import Role
from partners.models import CityBranch, PartnerType
from prm.api.views import ScopedCreateListRetrieveViewSet, ScopedModelViewSet, ScopedReadOnlyViewSet

from .. import risk_rules, selectors, services
from ..engine import default_as_of
from ..filtersets import (
    LifecycleRunFilterSet,
    PartnerLifecycleFilterSet,
    PlanNoteFilterSet,
    RetentionActionFilterSet,
    RetentionPlanFilterSet,
    RiskFlagFilterSet,
    SnapshotFilterSet,
    StageChangeFilterSet,
)
from ..models import (
    LifecycleRun,
    LifecycleSettings,
    LifecycleSnapshot,
    PartnerLifecycle,
    PlanEvent,
    PlanNote,
    RetentionAction,
    RetentionPlan,
    RiskFlag,
    StageChange,
    StagePlaybook,
    StageThreshold,
)
from . import serializers as s

READERS = frozenset({Role.ADMIN, Role.CHANNEL_MANAGER, Role.PRODUCT_MANAGER, Role.INTEGRATION})
MANAGERS = frozenset({Role.ADMIN, Role.CHANNEL_MANAGER})
ADMIN_ONLY = frozenset({Role.ADMIN})


class InternalMixin:
    read_roles = READERS
    write_roles = MANAGERS

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["lifecycle_settings"] = LifecycleSettings.load()
        return context


LIFECYCLE_ORDERING = [
    "value_score", "risk_level", "stage", "stage_since", "partner__code", "partner__name", "high_risk_since",
    "last_active_value_score", "sales_12m_cents",
]


class PartnerLifecycleViewSet(InternalMixin, ScopedReadOnlyViewSet):
    """Each partner's current stage, value score with its components, risk level, open flags and
    active plans. The id is the partner's id. Overrides are set and ended with the actions."""

    queryset = PartnerLifecycle.objects.all()
    serializer_class = s.PartnerLifecycleSerializer
    filterset_class = PartnerLifecycleFilterSet
    ordering_fields = LIFECYCLE_ORDERING
    ordering = ["partner__code"]

    def get_queryset(self):
        return selectors.partner_lifecycles(self.request.user)

    @extend_schema(request=s.OverrideInputSerializer, responses=s.PartnerLifecycleSerializer)
    @action(detail=True, methods=["post"], filterset_class=None)
    def override(self, request, pk=None):
        """Set the partner's stage by hand, with a reason, until a day (inclusive)."""
        state = self.get_object()
        data = s.OverrideInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.stage_override_set(partner=state.partner, by=request.user, **data.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=state.pk)).data)

    @extend_schema(request=s.OverrideEndSerializer, responses=s.PartnerLifecycleSerializer)
    @action(detail=True, methods=["post"], url_path="end-override", filterset_class=None)
    def end_override(self, request, pk=None):
        """End the override today: the rules' stage applies again."""
        state = self.get_object()
        data = s.OverrideEndSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.stage_override_end(partner=state.partner, by=request.user, reason=data.validated_data.get("reason", ""))
        return Response(self.get_serializer(self.get_queryset().get(pk=state.pk)).data)


class HighRiskViewSet(PartnerLifecycleViewSet):
    """The early-warning list: valuable partners with a serious flag, most valuable first."""

    ordering = ["-value_score", "partner__code"]

    def get_queryset(self):
        return selectors.early_warning_board(self.request.user)


class WinBackViewSet(PartnerLifecycleViewSet):
    """Exited partners whose value score before they exited was high, most valuable first."""

    ordering = ["-last_active_value_score", "partner__code"]

    def get_queryset(self):
        return selectors.win_back_list(self.request.user)


class StageChangeViewSet(InternalMixin, ScopedReadOnlyViewSet):
    """Stage history: from, to, on which day, why, by rule or by whom."""

    queryset = StageChange.objects.select_related(
        "partner__partner_type", "partner__city", "partner__channel_manager", "changed_by"
    )
    serializer_class = s.StageChangeSerializer
    filterset_class = StageChangeFilterSet
    ordering_fields = ["as_of", "created_at"]
    ordering = ["-as_of", "-id"]


class SnapshotViewSet(InternalMixin, ScopedReadOnlyViewSet):
    """Each partner's figures, stage, score components and risk level as of each computed day."""

    queryset = LifecycleSnapshot.objects.all()
    serializer_class = s.SnapshotSerializer
    filterset_class = SnapshotFilterSet
    ordering_fields = ["as_of", "value_score", "risk_level"]
    ordering = ["-as_of", "partner_id"]


class RiskFlagViewSet(InternalMixin, ScopedReadOnlyViewSet):
    """Early-warning flags: kind, severity, evidence, first raised, last seen, cleared."""

    queryset = RiskFlag.objects.select_related("partner__partner_type", "partner__city", "partner__channel_manager")
    serializer_class = s.RiskFlagSerializer
    filterset_class = RiskFlagFilterSet
    ordering_fields = ["first_raised_on", "last_seen_on", "severity", "cleared_on"]
    ordering = ["-last_seen_on", "-severity", "id"]


class RetentionPlanViewSet(InternalMixin, ScopedModelViewSet):
    """Retention plans (high-risk partners) and win-back plans (exited high-value partners).

    The outcome is measured automatically by the nightly job on the review day.
    """

    queryset = RetentionPlan.objects.select_related(
        "partner__partner_type", "partner__city", "partner__channel_manager", "owner", "created_by"
    ).prefetch_related(Prefetch("actions", RetentionAction.objects.select_related("assignee")))
    filterset_class = RetentionPlanFilterSet
    ordering_fields = ["opened_on", "review_on", "updated_at"]
    ordering = ["-opened_on", "-id"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    action_write_roles = {"destroy": ADMIN_ONLY}

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(Prefetch("events", PlanEvent.objects.select_related("by")))
        return queryset

    def get_serializer_class(self):
        return s.PlanDetailSerializer if self.action == "retrieve" else s.RetentionPlanSerializer

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.retention_plan_create(by=self.request.user, **data)

    def perform_update(self, serializer):
        serializer.instance = services.retention_plan_update(
            plan=serializer.instance, by=self.request.user, **serializer.validated_data
        )

    @extend_schema(request=s.PlanCancelSerializer, responses=s.PlanDetailSerializer)
    @action(detail=True, methods=["post"], filterset_class=None)
    def cancel(self, request, pk=None):
        plan = self.get_object()
        data = s.PlanCancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        plan = services.retention_plan_cancel(plan=plan, by=request.user, reason=data.validated_data["reason"])
        return Response(s.PlanDetailSerializer(plan, context=self.get_serializer_context()).data)


class RetentionActionViewSet(InternalMixin, ScopedModelViewSet):
    """The actions of a plan, each with a due day and a status."""

    queryset = RetentionAction.objects.select_related("assignee", "plan")
    serializer_class = s.RetentionActionSerializer
    filterset_class = RetentionActionFilterSet
    ordering_fields = ["due_on", "status", "created_at"]
    ordering = ["due_on", "id"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def perform_create(self, serializer):
        serializer.instance = services.retention_action_create(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.retention_action_update(
            action=serializer.instance, by=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.retention_action_delete(action=instance, by=self.request.user)


class PlanNoteViewSet(InternalMixin, ScopedCreateListRetrieveViewSet):
    """Notes on a plan (kept as written)."""

    queryset = PlanNote.objects.select_related("author")
    serializer_class = s.PlanNoteSerializer
    filterset_class = PlanNoteFilterSet
    ordering_fields = ["created_at"]
    ordering = ["-created_at", "-id"]

    def perform_create(self, serializer):
        serializer.instance = services.plan_note_add(by=self.request.user, **serializer.validated_data)


class PlaybookViewSet(InternalMixin, ScopedModelViewSet):
    """For each stage: the management question and the recommended actions (bilingual)."""

    queryset = StagePlaybook.objects.all()
    serializer_class = s.PlaybookSerializer
    lookup_field = "stage"
    pagination_class = None
    ordering_fields = ["stage"]
    ordering = ["stage"]
    http_method_names = ["get", "patch", "head", "options"]
    write_roles = ADMIN_ONLY

    def perform_update(self, serializer):
        serializer.instance = services.stage_playbook_update(
            playbook=serializer.instance, by=self.request.user, **serializer.validated_data
        )


class StageThresholdViewSet(InternalMixin, ScopedModelViewSet):
    """Stage rule thresholds per partner type; the row without a type is the default."""

    queryset = StageThreshold.objects.select_related("partner_type")
    serializer_class = s.StageThresholdSerializer
    pagination_class = None
    ordering_fields = ["id"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    write_roles = ADMIN_ONLY

    def perform_create(self, serializer):
        serializer.instance = services.stage_threshold_save(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.stage_threshold_save(
            threshold=serializer.instance, by=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        if instance.partner_type_id is None:
            raise ValidationError({"detail": _("The default thresholds cannot be deleted.")})
        instance.delete()


class LifecycleSettingsView(InternalMixin, APIView):
    """Value-score weights, flag thresholds, review period and job settings (one set)."""

    write_roles = ADMIN_ONLY

    @extend_schema(responses=s.LifecycleSettingsSerializer)
    def get(self, request):
        return Response(s.LifecycleSettingsSerializer(LifecycleSettings.load()).data)

    @extend_schema(request=s.LifecycleSettingsSerializer, responses=s.LifecycleSettingsSerializer)
    def patch(self, request):
        serializer = s.LifecycleSettingsSerializer(LifecycleSettings.load(), data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        settings = services.lifecycle_settings_update(by=request.user, **serializer.validated_data)
        return Response(s.LifecycleSettingsSerializer(settings).data)


class LifecycleRunViewSet(InternalMixin, ScopedCreateListRetrieveViewSet):
    """Runs of the nightly job (administrators). POST starts a run for a day (default yesterday)."""

    queryset = LifecycleRun.objects.select_related("triggered_by")
    filterset_class = LifecycleRunFilterSet
    ordering_fields = ["started_at", "as_of"]
    ordering = ["-started_at", "-id"]
    read_roles = ADMIN_ONLY
    write_roles = ADMIN_ONLY

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("chunks")
        return queryset

    def get_serializer_class(self):
        if self.action == "retrieve":
            return s.LifecycleRunDetailSerializer
        if self.action == "create":
            return s.RunRequestSerializer
        return s.LifecycleRunSerializer

    @extend_schema(request=s.RunRequestSerializer, responses={201: s.LifecycleRunSerializer})
    def create(self, request, *args, **kwargs):
        data = s.RunRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run = services.lifecycle_run_request(as_of=data.validated_data.get("as_of") or default_as_of(), by=request.user)
        return Response(s.LifecycleRunSerializer(run).data, status=status.HTTP_201_CREATED)


class FunnelQuerySerializer(drf_serializers.Serializer):
    date_from = drf_serializers.DateField(required=False)
    date_to = drf_serializers.DateField(required=False)
    owner = drf_serializers.IntegerField(required=False, min_value=1)
    city = drf_serializers.ListField(child=drf_serializers.SlugRelatedField(slug_field="code", queryset=CityBranch.objects.all()), required=False)
    type = drf_serializers.ListField(child=drf_serializers.SlugRelatedField(slug_field="code", queryset=PartnerType.objects.all()), required=False)

    def validate(self, attrs):
        latest = PartnerLifecycle.objects.aggregate(latest=Max("as_of"))["latest"]
        date_to = attrs.get("date_to") or latest or timezone.localdate()
        date_from = attrs.get("date_from") or date_to - datetime.timedelta(days=90)
        if date_from > date_to:
            raise drf_serializers.ValidationError({"date_from": [_("The period must start before it ends.")]})
        if (date_to - date_from).days > 3 * 366:
            raise drf_serializers.ValidationError({"date_from": [_("Choose a period of at most three years.")]})
        attrs["date_from"], attrs["date_to"] = date_from, date_to
        return attrs


class FunnelView(InternalMixin, APIView):
    """Partners per stage at the end of a period and the moves between stages during it."""

    @extend_schema(
        parameters=[
            OpenApiParameter("date_from", datetime.date, description="Default: 90 days before date_to."),
            OpenApiParameter("date_to", datetime.date, description="Default: the latest computed day."),
            OpenApiParameter("owner", int, description="Channel manager (user id)."),
            OpenApiParameter("city", str, many=True, description="City branch code(s)."),
            OpenApiParameter("type", str, many=True, description="Partner type code(s)."),
        ],
        responses=s.FunnelSerializer,
    )
    def get(self, request):
        params = {key: request.query_params.get(key) for key in ("date_from", "date_to", "owner") if request.query_params.get(key)}
        for key in ("city", "type"):
            if request.query_params.getlist(key):
                params[key] = request.query_params.getlist(key)
        query = FunnelQuerySerializer(data=params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        result = selectors.lifecycle_funnel(
            user=request.user,
            date_from=data["date_from"],
            date_to=data["date_to"],
            owner=data.get("owner"),
            city=[c.code for c in data.get("city", [])],
            partner_type=[t.code for t in data.get("type", [])],
        )
        return Response(s.FunnelSerializer(result).data)


class RiskRulesView(InternalMixin, APIView):
    """The risk-flag rules the nightly job applies (built-in and registered by other apps)."""

    @extend_schema(responses=s.RiskRuleSerializer(many=True))
    def get(self, request):
        rows = [
            {"kind": rule.kind, "label": str(rule.label), "description": " ".join(str(rule.description or "").split())}
            for rule in risk_rules.registered_rules()
        ]
        return Response(s.RiskRuleSerializer(rows, many=True).data)
