"""Allocation API: the operator's internal view. Partner users get 403 everywhere; channel
managers, product managers and integration clients read; administrators and product managers
edit the weights, the grid and the market potential; the budget split is a calculation (POST)
open to every reader."""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from partners.choices import Role
from partners.models import CityBranch
from prm.api.views import ScopedReadOnlyViewSet

from .. import selectors, services
from ..export import budget_partner_rows, budget_rows, csv_response, partner_rows
from ..filtersets import PartnerAllocationFilterSet
from ..models import AllocationSettings, CityMarketPotential, PartnerAllocation
from . import serializers as s

READERS = frozenset({Role.ADMIN, Role.CHANNEL_MANAGER, Role.PRODUCT_MANAGER, Role.INTEGRATION})
EDITORS = frozenset({Role.ADMIN, Role.PRODUCT_MANAGER})

FILTER_PARAMS = [
    OpenApiParameter("city", str, many=True, description="City branch code(s)."),
    OpenApiParameter("type", str, many=True, description="Partner type code(s)."),
    OpenApiParameter("tier", str, many=True, description="Certification tier(s)."),
]
CSV = OpenApiResponse(OpenApiTypes.STR, description="CSV (UTF-8 with a byte-order mark)")


def _django_errors(exc: DjangoValidationError) -> ValidationError:
    return ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})


class AllocationMixin:
    read_roles = READERS
    write_roles = EDITORS


class GridView(AllocationMixin, APIView):
    """The grid: partners per cell (segment) from the counts the nightly job prepared, the
    priority, and the monthly history per segment."""

    @extend_schema(parameters=FILTER_PARAMS, responses=s.AllocationGridSerializer)
    def get(self, request):
        filters = s.AllocationGridQuerySerializer.parse(request)
        return Response(s.AllocationGridSerializer(selectors.allocation_grid(**filters)).data)


class PartnerAllocationViewSet(AllocationMixin, ScopedReadOnlyViewSet):
    """Each partner's scores, bands and segment (id = the partner's id); `export/` streams the
    filtered list as CSV."""

    queryset = PartnerAllocation.objects.select_related("partner", "city", "partner_type")
    filterset_class = PartnerAllocationFilterSet
    ordering_fields = ["attractiveness", "fit", "segment", "partner__code", "partner__name"]
    ordering = ["segment", "-attractiveness", "-fit", "partner_id"]

    def get_serializer_class(self):
        return s.PartnerAllocationDetailSerializer if self.action == "retrieve" else s.PartnerAllocationSerializer

    @extend_schema(responses={(200, "text/csv"): CSV})
    @action(detail=False, methods=["get"], url_path="export", pagination_class=None)
    def export(self, request):
        queryset = self.filter_queryset(self.get_queryset())
        return csv_response(partner_rows(queryset), "allocation-partners.csv")


class WeightsView(AllocationMixin, APIView):
    """The weight of every registered measure on each axis. PUT replaces them all."""

    @extend_schema(responses=s.AllocationMeasureWeightSerializer(many=True))
    def get(self, request):
        return Response(s.AllocationMeasureWeightSerializer(selectors.weights_table(), many=True).data)

    @extend_schema(request=s.AllocationWeightsInputSerializer, responses=s.AllocationMeasureWeightSerializer(many=True))
    def put(self, request):
        data = s.AllocationWeightsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.allocation_weights_replace(by=request.user, weights=data.validated_data["weights"])
        except DjangoValidationError as exc:
            raise _django_errors(exc)
        return Response(s.AllocationMeasureWeightSerializer(selectors.weights_table(), many=True).data)


class GridConfigView(AllocationMixin, APIView):
    """Band boundaries, the cells' segment numbers, the priority and budget shares, and the
    built-in measures' parameters (one set). A change re-places every partner at once."""

    @extend_schema(responses=s.AllocationGridConfigSerializer)
    def get(self, request):
        return Response(s.AllocationGridConfigSerializer(AllocationSettings.load()).data)

    @extend_schema(request=s.AllocationGridConfigSerializer, responses=s.AllocationGridConfigSerializer)
    def patch(self, request):
        data = s.AllocationGridConfigSerializer(AllocationSettings.load(), data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        try:
            settings = services.allocation_settings_update(by=request.user, **data.validated_data)
        except DjangoValidationError as exc:
            raise _django_errors(exc)
        return Response(s.AllocationGridConfigSerializer(settings).data)


class MarketPotentialView(AllocationMixin, APIView):
    """The market potential (0–100) of each city branch. PATCH {"scores": {"CD": 100, …}};
    used from the next nightly run."""

    def _rows(self):
        scores = dict(CityMarketPotential.objects.values_list("city_id", "score"))
        return [{"city": c.code, "city_name": c.label, "score": scores.get(c.pk)} for c in CityBranch.objects.all()]

    @extend_schema(responses=s.AllocationMarketPotentialSerializer(many=True))
    def get(self, request):
        return Response(s.AllocationMarketPotentialSerializer(self._rows(), many=True).data)

    @extend_schema(request=s.AllocationMarketPotentialInputSerializer, responses=s.AllocationMarketPotentialSerializer(many=True))
    def patch(self, request):
        data = s.AllocationMarketPotentialInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.market_potential_update(by=request.user, scores=data.validated_data["scores"])
        except DjangoValidationError as exc:
            raise _django_errors(exc)
        return Response(s.AllocationMarketPotentialSerializer(self._rows(), many=True).data)


class BudgetView(AllocationMixin, APIView):
    """The proposed split of a budget (market funds, training seats) by segment priority."""

    write_roles = READERS

    @extend_schema(parameters=FILTER_PARAMS, request=s.AllocationBudgetInputSerializer, responses=s.AllocationBudgetSerializer)
    def post(self, request):
        filters = s.AllocationGridQuerySerializer.parse(request)
        data = s.AllocationBudgetInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = selectors.allocation_budget(**data.validated_data, **filters)
        return Response(s.AllocationBudgetSerializer(result).data)


class BudgetExportView(AllocationMixin, APIView):
    """The split as CSV: per segment (default) or, with `detail=partners`, per partner."""

    @extend_schema(
        parameters=[
            OpenApiParameter("market_funds", str, required=True, description="Market funds (CNY)."),
            OpenApiParameter("training_seats", int, required=True),
            OpenApiParameter("detail", str, enum=["segments", "partners"]),
            *FILTER_PARAMS,
        ],
        responses={(200, "text/csv"): CSV},
    )
    def get(self, request):
        filters = s.AllocationGridQuerySerializer.parse(request)
        data = s.AllocationBudgetInputSerializer(data={key: request.query_params.get(key) for key in ("market_funds", "training_seats")})
        data.is_valid(raise_exception=True)
        detail = request.query_params.get("detail", "segments")
        if detail not in ("segments", "partners"):
            raise ValidationError({"detail": [_("Choose segments or partners.")]})
        result = selectors.allocation_budget(**data.validated_data, **filters)
        if detail == "segments":
            return csv_response(budget_rows(result), "allocation-budget.csv")
        queryset = PartnerAllocation.objects.visible_to(request.user)
        if filters["city"]:
            queryset = queryset.filter(city__code__in=filters["city"])
        if filters["partner_type"]:
            queryset = queryset.filter(partner_type__code__in=filters["partner_type"])
        if filters["tier"]:
            queryset = queryset.filter(tier__in=filters["tier"])
        return csv_response(budget_partner_rows(result, queryset), "allocation-budget-partners.csv")
