from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response as APIResponse

from partners.choices import Role
from prm.api.views import ScopedModelViewSet, ScopedReadOnlyViewSet, ScopedViewSetMixin

from .. import filtersets as fs, selectors, services
from ..choices import CampaignStatus
from ..models import Answer, Campaign, Invitation, Response, SurveyCategory, SurveyFactor
from . import serializers as s

STAFF = frozenset({Role.ADMIN, Role.CHANNEL_MANAGER, Role.PRODUCT_MANAGER})
EDITORS = frozenset({Role.ADMIN, Role.PRODUCT_MANAGER})
PARTNER = frozenset({Role.PARTNER})


class CategoryViewSet(ScopedReadOnlyViewSet):
    """The five categories of the "why partners choose an operator" model (五类模型)."""

    queryset = SurveyCategory.objects.all()
    serializer_class = s.CategorySerializer
    pagination_class = None
    ordering_fields = ["sort_order"]
    ordering = ["sort_order", "id"]


class FactorViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin,
                    viewsets.GenericViewSet):
    """The factors partners rate, with their weights in the satisfaction index.

    Every signed-in user reads them; administrators and product managers change the weights
    (a weight is a non-negative share: the weights need not add up to 100, since the index
    divides by their sum) and whether a factor is asked in new campaigns.
    """

    queryset = SurveyFactor.objects.select_related("category")
    serializer_class = s.FactorSerializer
    filterset_class = fs.FactorFilterSet
    pagination_class = None
    ordering_fields = ["sort_order", "weight", "code"]
    ordering = ["category__sort_order", "sort_order", "id"]
    write_roles = EDITORS
    http_method_names = ["get", "patch", "put", "head", "options"]

    def perform_update(self, serializer):
        serializer.instance = services.factor_update(
            factor=serializer.instance, by=self.request.user, **serializer.validated_data
        )


class CampaignViewSet(ScopedModelViewSet):
    """Survey campaigns with their response counts.

    Staff see every campaign; administrators and product managers create periodic campaigns
    (drafts, with targets: partner types, cooperation models, tiers, city branches — empty means
    all), change and delete drafts, launch them (invites the matching active partners and
    notifies their users) and close them. Partner users see the campaigns they are invited to,
    without the counts.
    """

    queryset = Campaign.objects.all()
    serializer_class = s.CampaignSerializer
    filterset_class = fs.CampaignFilterSet
    ordering_fields = ["opens_on", "created_at", "name"]
    ordering = ["-opens_on", "-id"]
    read_roles = STAFF | PARTNER
    write_roles = EDITORS

    def get_queryset(self):
        queryset = super().get_queryset().prefetch_related("target_partner_types", "target_cities", "factors")
        if self.request.user.effective_role != Role.PARTNER:
            queryset = selectors.campaigns_with_counts(queryset)
        return queryset

    def perform_create(self, serializer):
        serializer.instance = services.campaign_save(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.campaign_save(
            campaign=serializer.instance, by=self.request.user, **serializer.validated_data
        )

    def _fresh(self, campaign):
        return selectors.campaigns_with_counts(Campaign.objects.filter(pk=campaign.pk)).get()

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        return APIResponse(self.get_serializer(self._fresh(serializer.instance)).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        self.perform_update(serializer)
        return APIResponse(self.get_serializer(self._fresh(serializer.instance)).data)

    def perform_destroy(self, instance):
        if instance.status != CampaignStatus.DRAFT:
            raise ValidationError({"status": _("Only a draft campaign can be deleted; close it instead.")})
        instance.delete()

    @extend_schema(request=None, responses=s.CampaignSerializer)
    @action(detail=True, methods=["post"])
    def launch(self, request, pk=None):
        """Launch a draft: invite every matching active partner and notify their partner users."""
        campaign = self.get_object()
        services.campaign_launch(campaign=campaign, by=request.user)
        return APIResponse(self.get_serializer(self._fresh(campaign)).data)

    @extend_schema(request=None, responses=s.CampaignSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close an open campaign: no more answers; unanswered invitations expire."""
        campaign = self.get_object()
        services.campaign_close(campaign=campaign, by=request.user)
        return APIResponse(self.get_serializer(self._fresh(campaign)).data)

    @extend_schema(responses=s.CampaignStatsSerializer)
    @action(detail=True, methods=["get"])
    def stats(self, request, pk=None):
        """Invitations by status, responses and the response rate, also per city branch (staff)."""
        campaign = self.get_object()
        if request.user.effective_role == Role.PARTNER:
            return APIResponse({"detail": _("Not found.")}, status=status.HTTP_404_NOT_FOUND)
        return APIResponse(s.CampaignStatsSerializer(selectors.campaign_stats(campaign)).data)


class InvitationViewSet(ScopedReadOnlyViewSet):
    """Survey invitations. Partner users see their own partner's, with `can_answer` (open, not
    answered by them yet); the detail lists the questions (the campaign's factors). Staff see all."""

    queryset = Invitation.objects.select_related("campaign", "partner", "ticket")
    filterset_class = fs.InvitationFilterSet
    ordering_fields = ["invited_at", "answered_at"]
    ordering = ["-invited_at", "-id"]

    def get_queryset(self):
        queryset = selectors.invitations_for(super().get_queryset(), self.request.user)
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                Prefetch("campaign__factors", queryset=SurveyFactor.objects.select_related("category").order_by(
                    "category__sort_order", "sort_order", "id"))
            )
        return queryset

    def get_serializer_class(self):
        return s.InvitationDetailSerializer if self.action == "retrieve" else s.InvitationSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}


class ResponseViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      viewsets.GenericViewSet):
    """Survey responses with their answers. A partner user answers an invitation of their partner
    once (POST: every factor of the campaign, importance and satisfaction 1–5, errors per factor id)
    and sees only their partner's responses; staff see all (read-only)."""

    queryset = Response.objects.select_related("partner", "campaign", "respondent").prefetch_related(
        Prefetch("answers", queryset=Answer.objects.order_by("factor_id"))
    )
    serializer_class = s.ResponseSerializer
    filterset_class = fs.ResponseFilterSet
    ordering_fields = ["submitted_at"]
    ordering = ["-submitted_at", "-id"]
    write_roles = PARTNER

    @extend_schema(request=s.ResponseCreateSerializer, responses={201: s.ResponseSerializer})
    def create(self, request, *args, **kwargs):
        data = s.ResponseCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        response = services.response_submit(
            invitation=data.validated_data["invitation"], by=request.user,
            answers=data.validated_data["answers"], comment=data.validated_data.get("comment", ""),
        )
        body = s.ResponseSerializer(self.get_queryset().get(pk=response.pk), context=self.get_serializer_context())
        return APIResponse(body.data, status=status.HTTP_201_CREATED)
