"""Recruitment API. Staff (administrators, channel managers for the cities they cover, product
managers and integration clients reading) work the prospects; anyone may apply, throttled.
Partner users get 403: recruitment is the operator's business."""
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from partners.choices import Role
from prm.api.permissions import RolePermission
from prm.api.views import ScopedModelViewSet, ScopedViewSetMixin

from .. import selectors, services
from ..filtersets import ProspectFilterSet
from ..models import Prospect, ProspectEvent
from ..ratelimit import client_ip
from . import serializers as s

READERS = frozenset({Role.ADMIN, Role.CHANNEL_MANAGER, Role.PRODUCT_MANAGER, Role.INTEGRATION})
WRITERS = frozenset({Role.ADMIN, Role.CHANNEL_MANAGER, Role.INTEGRATION})
ADMIN_ONLY = frozenset({Role.ADMIN})
ORDERING = ["entered_on", "applied_on", "decided_on", "company_name", "status"]


class ApplicationThrottle(ScopedRateThrottle):
    """Per client address as the server sees it: a forged X-Forwarded-For header does not reset it
    (DRF's default would trust the header; a TLS proxy in front must set REMOTE_ADDR)."""

    def get_ident(self, request):
        return client_ip(request)


def _queryset():
    return Prospect.objects.select_related("partner_type", "city", "owner", "decided_by", "partner", "invited_user").prefetch_related("products")


class ProspectViewSet(ScopedModelViewSet):
    """Prospects and applications: staff create, change, and move them through the funnel."""

    queryset = _queryset()
    serializer_class = s.ProspectSerializer
    filterset_class = ProspectFilterSet
    read_roles = READERS
    write_roles = WRITERS
    action_write_roles = {"destroy": ADMIN_ONLY}
    ordering_fields = ORDERING
    ordering = ["-entered_on", "-id"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(Prefetch("events", ProspectEvent.objects.select_related("by")))
        return queryset

    def get_serializer_class(self):
        return s.ProspectDetailSerializer if self.action == "retrieve" else s.ProspectSerializer

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        products = data.pop("products", [])
        serializer.instance = services.prospect_create(by=self.request.user, products=products, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        products = data.pop("products", None)
        serializer.instance = services.prospect_update(
            prospect=serializer.instance, by=self.request.user, products=products, **data
        )

    def _detail(self, prospect, code=status.HTTP_200_OK):
        prospect = self.get_queryset().prefetch_related(
            Prefetch("events", ProspectEvent.objects.select_related("by"))).get(pk=prospect.pk)
        return Response(s.ProspectDetailSerializer(prospect, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=s.NoteSerializer, responses=s.ProspectDetailSerializer)
    @action(detail=True, methods=["post"], url_path="mark-applied", filterset_class=None)
    def mark_applied(self, request, pk=None):
        prospect = self.get_object()
        data = s.NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._detail(services.prospect_mark_applied(prospect=prospect, by=request.user, **data.validated_data))

    @extend_schema(request=s.AcceptSerializer, responses=s.ProspectDetailSerializer)
    @action(detail=True, methods=["post"], filterset_class=None)
    def accept(self, request, pk=None):
        """Register the applicant as a partner and e-mail its new user an invitation."""
        prospect = self.get_object()
        data = s.AcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._detail(services.prospect_accept(prospect=prospect, by=request.user, **data.validated_data))

    @extend_schema(request=s.RejectSerializer, responses=s.ProspectDetailSerializer)
    @action(detail=True, methods=["post"], filterset_class=None)
    def reject(self, request, pk=None):
        """Turn the application down; the reason is required and e-mailed to the applicant."""
        prospect = self.get_object()
        data = s.RejectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._detail(services.prospect_reject(prospect=prospect, by=request.user, reason=data.validated_data["reason"]))

    @extend_schema(request=s.NoteSerializer, responses=s.ProspectDetailSerializer)
    @action(detail=True, methods=["post"], filterset_class=None)
    def withdraw(self, request, pk=None):
        prospect = self.get_object()
        data = s.NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._detail(services.prospect_withdraw(prospect=prospect, by=request.user, **data.validated_data))

    @extend_schema(request=None, responses=s.ProspectDetailSerializer)
    @action(detail=True, methods=["post"], url_path="resend-invitation", filterset_class=None)
    def resend_invitation(self, request, pk=None):
        prospect = self.get_object()
        return self._detail(services.prospect_invite_again(prospect=prospect, by=request.user))


class ApplicationViewSet(
    ScopedViewSetMixin, mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Applications: anyone may send one (throttled per client); staff list and read them."""

    queryset = _queryset().filter(applied_on__isnull=False)
    serializer_class = s.ProspectSerializer
    filterset_class = ProspectFilterSet
    read_roles = READERS
    ordering_fields = ORDERING
    ordering = ["-applied_on", "-id"]
    throttle_scope = "recruitment-apply"

    def get_permissions(self):
        if self.action == "create":
            return [AllowAny()]
        return [RolePermission()]

    def get_throttles(self):
        if self.action == "create":
            return [ApplicationThrottle()]
        return super().get_throttles()

    def get_serializer_class(self):
        if self.action == "create":
            return s.ApplicationSerializer
        return s.ProspectDetailSerializer if self.action == "retrieve" else s.ProspectSerializer

    @extend_schema(
        request=s.ApplicationSerializer,
        responses={201: s.ApplicationReceiptSerializer, 409: s.ApplicationReceiptSerializer},
        auth=[],
    )
    def create(self, request, *args, **kwargs):
        data = s.ApplicationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        products = fields.pop("products", [])
        try:
            services.application_submit(products=products, ip=client_ip(request), **fields)
        except services.DuplicateApplication:
            return Response(
                {"status": "applied", "detail": _("We already have your application and will be in touch.")},
                status=status.HTTP_409_CONFLICT,
            )
        return Response(
            {"status": "applied", "detail": _("Thank you. We have received your application.")},
            status=status.HTTP_201_CREATED,
        )


class FunnelView(APIView):
    """The recruitment funnel as of the latest nightly run (prepared cells, not a live query).

    Cohort-based: a subject counts in the month it entered the funnel; `rate` = how many of
    those that entered a step reached the next by the as-of day (subjects still waiting count
    in the denominator, so recent cohorts look lower); null when nobody entered.
    """

    read_roles = READERS

    @extend_schema(
        parameters=[
            OpenApiParameter("by", str, enum=["type", "city"], description="Group rows by partner type or city branch."),
            OpenApiParameter("date_from", str, description="First cohort (its month counts), YYYY-MM-DD."),
            OpenApiParameter("date_to", str, description="Last cohort day, YYYY-MM-DD."),
            OpenApiParameter("city", str, many=True, description="City branch code(s)."),
            OpenApiParameter("type", str, many=True, description="Partner type code(s)."),
        ],
        responses=s.RecruitmentFunnelSerializer,
    )
    def get(self, request):
        params = {key: request.query_params.get(key) for key in ("by", "date_from", "date_to") if request.query_params.get(key)}
        for key in ("city", "type"):
            if request.query_params.getlist(key):
                params[key] = request.query_params.getlist(key)
        query = s.RecruitmentFunnelQuerySerializer(data=params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        result = selectors.funnel_report(
            by=data.get("by"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            city=[c.code for c in data.get("city", [])],
            partner_type=[t.code for t in data.get("type", [])],
        )
        return Response(s.RecruitmentFunnelSerializer(result).data)
