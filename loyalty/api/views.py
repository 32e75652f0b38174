from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers as drf_serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from partners.choices import Role
from partners.models import Partner, PartnerChange, SaleRecord
from partners.api.serializers import PartnerChangeSerializer
from prm.api.views import ScopedCreateListRetrieveViewSet, ScopedModelViewSet, ScopedReadOnlyViewSet, ScopedViewSetMixin
from prm.scoping import CHANGE, VIEW

from .. import filtersets as fs, selectors, services
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
from . import serializers as s
from .pagination import LedgerCursorPagination

STAFF = frozenset({Role.ADMIN, Role.CHANNEL_MANAGER, Role.PRODUCT_MANAGER})
PROGRAMME_WRITERS = frozenset({Role.ADMIN, Role.PRODUCT_MANAGER})
FULFILLERS = frozenset({Role.ADMIN, Role.CHANNEL_MANAGER})


def _explanation_context(entries) -> dict:
    sale_ids = [e.source_id for e in entries if e.source_type == "sale"]
    rule_ids = {e.rule_id for e in entries if e.rule_id}
    return {
        "sales": SaleRecord.objects.in_bulk(sale_ids) if sale_ids else {},
        "rules": EarningRule.objects.in_bulk(list(rule_ids)) if rule_ids else {},
    }


class LedgerEntryViewSet(ScopedReadOnlyViewSet):
    """The points ledger, newest first, with a plain explanation of every line.

    Cursor-paginated (`cursor`, `page_size`): a page deep in millions of rows is as fast as the
    first. Partner users see their own partner's ledger only.
    """

    queryset = LedgerEntry.objects.all()
    serializer_class = s.LedgerEntrySerializer
    filterset_class = fs.LedgerEntryFilterSet
    pagination_class = LedgerCursorPagination
    ordering_fields = ["id"]
    ordering = ["-id"]

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        context = {**self.get_serializer_context(), **_explanation_context(page)}
        return self.get_paginated_response(s.LedgerEntrySerializer(page, many=True, context=context).data)

    def retrieve(self, request, *args, **kwargs):
        entry = self.get_object()
        context = {**self.get_serializer_context(), **_explanation_context([entry])}
        return Response(s.LedgerEntrySerializer(entry, context=context).data)


class PointsBalanceViewSet(ScopedReadOnlyViewSet):
    """Balances per partner (the id is the partner's id). The detail adds what can be spent
    now, tier progress and the expiry schedule (points expiring per month)."""

    queryset = PointsBalance.objects.select_related("partner")
    filterset_class = fs.PointsBalanceFilterSet
    ordering_fields = ["points", "qualifying_points", "partner_id"]
    ordering = ["partner_id"]

    def get_serializer_class(self):
        return s.PointsBalanceSerializer if self.action == "list" else s.PointsBalanceDetailSerializer

    def get_object(self):
        # A partner in scope that has not been through a nightly run yet has a zero balance.
        raw = self.kwargs.get("pk")
        if raw and str(raw).isdigit() and len(str(raw)) < 19:
            if Partner.objects.visible_to(self.request.user, VIEW).filter(pk=int(raw)).exists():
                PointsBalance.objects.get_or_create(partner_id=int(raw))
        return super().get_object()


class PointsAdjustmentViewSet(ScopedCreateListRetrieveViewSet):
    """Manual adjustments by staff, with a reason. Credits become a new lot; debits take the
    soonest-expiring lots and may not exceed what the partner has."""

    queryset = PointsAdjustment.objects.select_related("created_by")
    serializer_class = s.PointsAdjustmentSerializer
    filterset_class = fs.PointsAdjustmentFilterSet
    ordering_fields = ["created_at", "points"]
    ordering = ["-id"]
    write_roles = FULFILLERS

    def perform_create(self, serializer):
        data = serializer.validated_data
        entry = services.points_adjust(
            partner=data["partner"], points=data["points"], reason=data["reason"], by=self.request.user
        )
        serializer.instance = PointsAdjustment.objects.get(pk=entry.source_id)


class RewardViewSet(ScopedModelViewSet):
    """The rewards catalogue. Partner users see the rewards on offer; administrators and
    product managers maintain it (a reward already redeemed is deactivated, not deleted)."""

    queryset = Reward.objects.all()
    serializer_class = s.RewardSerializer
    filterset_class = fs.RewardFilterSet
    ordering_fields = ["cost_points", "sort_order", "code"]
    ordering = ["sort_order", "cost_points", "code"]
    write_roles = PROGRAMME_WRITERS

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.request.user.effective_role == Role.PARTNER:
            queryset = queryset.filter(active=True)
        return queryset

    def perform_create(self, serializer):
        serializer.instance = services.reward_save(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.reward_save(
            reward=serializer.instance, by=self.request.user, **serializer.validated_data
        )


class EarningRuleViewSet(ScopedModelViewSet):
    """Earning rules and dated promotions. Changing a rule never touches points already
    credited; a rule that has credited points cannot be deleted (deactivate it)."""

    queryset = EarningRule.objects.select_related("product", "partner_type")
    serializer_class = s.EarningRuleSerializer
    filterset_class = fs.EarningRuleFilterSet
    ordering_fields = ["priority", "valid_from", "name"]
    ordering = ["kind", "-priority", "id"]
    write_roles = PROGRAMME_WRITERS

    def perform_create(self, serializer):
        serializer.instance = services.earning_rule_save(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.earning_rule_save(
            rule=serializer.instance, by=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        if LedgerEntry.objects.filter(rule_id=instance.pk).exists():
            raise ValidationError({"detail": _("This rule has credited points; deactivate it instead.")})
        instance.delete()


class TierLevelViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                       mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """What each tier requires and how it multiplies earnings."""

    queryset = TierLevel.objects.all()
    serializer_class = s.TierLevelSerializer
    ordering_fields = ["rank"]
    ordering = ["rank"]
    pagination_class = None
    write_roles = PROGRAMME_WRITERS
    http_method_names = ["get", "patch", "put", "head", "options"]

    def perform_update(self, serializer):
        serializer.instance = services.tier_level_save(
            level=serializer.instance, by=self.request.user, **serializer.validated_data
        )


class RedemptionViewSet(ScopedCreateListRetrieveViewSet):
    """Redemptions. A partner user redeems for their partner (points leave at once, from the
    soonest-expiring lots); administrators and channel managers fulfil or reject them."""

    queryset = Redemption.objects.select_related("partner", "reward", "requested_by")
    serializer_class = s.RedemptionSerializer
    filterset_class = fs.RedemptionFilterSet
    ordering_fields = ["requested_at", "points"]
    ordering = ["-requested_at", "-id"]
    write_roles = frozenset({Role.ADMIN, Role.PARTNER, Role.CHANNEL_MANAGER})
    action_write_roles = {"create": frozenset({Role.ADMIN, Role.PARTNER}), "fulfil": FULFILLERS, "reject": FULFILLERS}

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.points_redeem(
            partner=data["partner"], reward=data["reward"], by=self.request.user,
            quantity=data.get("quantity", 1), note=data.get("note", ""),
        )

    def _decide(self, request, decide):
        redemption = self.get_object()
        body = s.DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        redemption = decide(redemption=redemption, by=request.user, note=body.validated_data["note"])
        return Response(s.RedemptionSerializer(redemption, context=self.get_serializer_context()).data)

    @extend_schema(request=s.DecisionSerializer, responses=s.RedemptionSerializer)
    @action(detail=True, methods=["post"])
    def fulfil(self, request, pk=None):
        """Mark the reward provided."""
        return self._decide(request, services.redemption_fulfil)

    @extend_schema(request=s.DecisionSerializer, responses=s.RedemptionSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Decline it (a note is required); the points go back with their original expiry dates."""
        return self._decide(request, services.redemption_reject)


class TierReviewViewSet(ScopedReadOnlyViewSet):
    """Tier reviews opened by the nightly qualification, for product managers to decide.

    Upgrades may be approved at once; downgrades from `eligible_on` (after the grace period),
    and they lapse by themselves if the partner qualifies again.
    """

    queryset = TierReview.objects.select_related("partner", "decided_by")
    serializer_class = s.TierReviewSerializer
    filterset_class = fs.TierReviewFilterSet
    ordering_fields = ["opened_on", "eligible_on", "qualifying_points"]
    ordering = ["-opened_on", "-id"]
    read_roles = STAFF | {Role.INTEGRATION}
    write_roles = PROGRAMME_WRITERS

    def _decide(self, request, decide):
        review = self.get_object()
        body = s.ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        review = decide(review=review, by=request.user, reason=body.validated_data["reason"])
        return Response(s.TierReviewSerializer(review, context=self.get_serializer_context()).data)

    @extend_schema(request=s.ReasonSerializer, responses=s.TierReviewSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Change the partner's tier (recorded in its history) and tell the partner."""
        return self._decide(request, services.tier_review_approve)

    @extend_schema(request=s.ReasonSerializer, responses=s.TierReviewSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Keep the partner's tier; a reason is required."""
        return self._decide(request, services.tier_review_reject)

    @extend_schema(request=s.BulkDecisionSerializer, responses=s.BulkDecisionResultSerializer)
    @action(detail=False, methods=["post"], filterset_class=None)
    def bulk(self, request):
        """Approve or reject many reviews; each is decided on its own, refusals are listed per id."""
        body = s.BulkDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ids = list(dict.fromkeys(body.validated_data["ids"]))
        reviews = {r.pk: r for r in TierReview.objects.visible_to(request.user, CHANGE).filter(pk__in=ids)}
        outcome = services.tier_reviews_decide(
            reviews=[reviews[i] for i in ids if i in reviews],
            by=request.user,
            approve=body.validated_data["decision"] == "approve",
            reason=body.validated_data["reason"],
        )
        errors = {str(k): v for k, v in outcome.errors.items()}
        errors.update({str(i): [_("No such review.")] for i in ids if i not in reviews})
        return Response({"done": outcome.done, "errors": errors})

    @extend_schema(responses=PartnerChangeSerializer(many=True))
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def history(self, request, pk=None):
        """Evidence: the partner's past tier changes (who, when, why)."""
        review = self.get_object()
        changes = PartnerChange.objects.filter(partner_id=review.partner_id, field="tier").select_related("changed_by")[:50]
        return Response(PartnerChangeSerializer(changes, many=True, context=self.get_serializer_context()).data)


class TrainedPersonViewSet(ScopedModelViewSet):
    """People at partners trained by the operator (a tier prerequisite)."""

    queryset = TrainedPerson.objects.all()
    serializer_class = s.TrainedPersonSerializer
    filterset_class = fs.TrainedPersonFilterSet
    ordering_fields = ["trained_on", "name"]
    write_roles = frozenset({Role.ADMIN, Role.CHANNEL_MANAGER, Role.INTEGRATION})

    def perform_create(self, serializer):
        serializer.instance = services.trained_person_save(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.trained_person_save(
            person=serializer.instance, by=self.request.user, **serializer.validated_data
        )


class ComplianceIssueViewSet(ScopedModelViewSet):
    """Compliance issues (规范) raised against partners; an open one holds back certification."""

    queryset = ComplianceIssue.objects.all()
    serializer_class = s.ComplianceIssueSerializer
    filterset_class = fs.ComplianceIssueFilterSet
    ordering_fields = ["opened_on"]
    write_roles = frozenset({Role.ADMIN, Role.CHANNEL_MANAGER})

    def perform_create(self, serializer):
        serializer.instance = services.compliance_issue_save(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.compliance_issue_save(
            issue=serializer.instance, by=self.request.user, **serializer.validated_data
        )


class AccrualRunViewSet(ScopedReadOnlyViewSet):
    """Runs of the nightly loyalty job (staff)."""

    queryset = AccrualRun.objects.all()
    serializer_class = s.AccrualRunSerializer
    filterset_class = fs.AccrualRunFilterSet
    ordering_fields = ["started_at", "as_of"]
    ordering = ["-started_at", "-id"]
    read_roles = STAFF


class ReportQuerySerializer(drf_serializers.Serializer):
    months = drf_serializers.IntegerField(min_value=1, max_value=36, default=12)


class ProgrammeReportView(APIView):
    """The programme report: points earned, redeemed, expired per month; outstanding
    liability (unspent points); top earners by qualifying points."""

    read_roles = STAFF
    pagination_class = None
    filter_backends = []

    @extend_schema(parameters=[ReportQuerySerializer], responses=s.ReportSerializer)
    def get(self, request):
        query = ReportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        report = selectors.programme_report(months=query.validated_data["months"])
        return Response(s.ReportSerializer(report).data)
