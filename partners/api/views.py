from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.generics import RetrieveAPIView
from rest_framework.response import Response

from prm.api.views import ScopedCreateListRetrieveViewSet, ScopedModelViewSet, ScopedReadOnlyViewSet
from partners import selectors, services
from partners.choices import Role, tier_rank
from partners.filtersets import (
    ContactFilterSet,
    PartnerChangeFilterSet,
    PartnerFilterSet,
    PartnerUserFilterSet,
    ProductFilterSet,
    SaleRecordFilterSet,
)
from partners.models import CityBranch, Contact, Partner, PartnerChange, PartnerType, Product, SaleRecord, User

from . import listing, serializers as s

STAFF = frozenset({Role.ADMIN, Role.CHANNEL_MANAGER, Role.PRODUCT_MANAGER})
ADMIN_ONLY = frozenset({Role.ADMIN})


class CityBranchViewSet(ScopedReadOnlyViewSet):
    """Prefecture/city branches (地、市公司). Administrators edit them in the admin site."""

    queryset = CityBranch.objects.all()
    serializer_class = s.CityBranchSerializer
    ordering_fields = ["code", "sort_order"]
    pagination_class = None


class PartnerTypeViewSet(ScopedReadOnlyViewSet):
    """Partner types: SA, ISV, SI and any further types configured by administrators."""

    queryset = PartnerType.objects.all()
    serializer_class = s.PartnerTypeSerializer
    ordering_fields = ["code"]
    pagination_class = None


class ProductViewSet(ScopedModelViewSet):
    queryset = Product.objects.all()
    serializer_class = s.ProductSerializer
    filterset_class = ProductFilterSet
    ordering_fields = ["code", "name", "product_type"]
    write_roles = ADMIN_ONLY


class PartnerViewSet(ScopedModelViewSet):
    """Partner organisations. Changes of tier, status or owner are written to their history."""

    queryset = Partner.objects.select_related("partner_type", "city", "channel_manager")
    filterset_class = PartnerFilterSet
    ordering_fields = ["code", "name", "joined_on", "tier", "status", "created_at", "updated_at"]
    ordering_expressions = {"tier": tier_rank()}  # by rank, not alphabetically
    ordering = ["code"]
    write_roles = frozenset({Role.ADMIN, Role.CHANNEL_MANAGER, Role.PARTNER, Role.INTEGRATION})
    action_write_roles = {
        "create": frozenset({Role.ADMIN, Role.CHANNEL_MANAGER, Role.INTEGRATION}),
        "destroy": ADMIN_ONLY,
    }

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action != "list":
            queryset = queryset.prefetch_related(Prefetch("authorised_products", Product.objects.order_by("code")))
        return queryset

    def get_serializer_class(self):
        return s.PartnerSerializer if self.action == "list" else s.PartnerDetailSerializer

    def list(self, request, *args, **kwargs):
        """Partners you may see, filtered and ordered; rendered as `PartnerSerializer` from plain
        rows (partners/api/listing.py: no model objects per row, same JSON)."""
        rows = listing.PartnerRows(self.filter_queryset(self.get_queryset()))
        page = self.paginate_queryset(rows)
        if page is None:
            return Response(listing.PartnerRowSerializer(rows, many=True).data)
        return self.get_paginated_response(listing.PartnerRowSerializer(page, many=True).data)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        reason = data.pop("change_reason", "")
        user = self.request.user
        if user.effective_role == Role.CHANNEL_MANAGER and not data.get("channel_manager"):
            data["channel_manager"] = user
        serializer.instance = services.partner_register(by=user, reason=reason, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        reason = data.pop("change_reason", "")
        serializer.instance = services.partner_update(
            partner=serializer.instance, by=self.request.user, reason=reason, **data
        )

    @extend_schema(responses=s.PartnerStatsSerializer)
    @action(detail=False, methods=["get"])
    def stats(self, request):
        """Partner counts by type, tier, status and city: the partners you may see that match the
        same filters as the list (aggregated in the database; labels in the request's language)."""
        return Response(selectors.partner_stats(self.filter_queryset(self.get_queryset())))

    @extend_schema(responses=s.PartnerChangeSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], filterset_class=None, ordering_fields=[])
    def history(self, request, pk=None):
        """Every recorded change of this partner's tier, status, owner and other tracked fields."""
        partner = self.get_object()
        changes = PartnerChange.objects.filter(partner=partner).select_related("partner", "changed_by")
        page = self.paginate_queryset(changes)
        return self.get_paginated_response(s.PartnerChangeSerializer(page, many=True).data)


class ContactViewSet(ScopedModelViewSet):
    queryset = Contact.objects.select_related("partner")
    serializer_class = s.ContactSerializer
    filterset_class = ContactFilterSet
    ordering_fields = ["name", "created_at", "updated_at"]

    def perform_create(self, serializer):
        serializer.instance = services.contact_create(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.contact_update(
            contact=serializer.instance, by=self.request.user, **serializer.validated_data
        )


class PartnerUserViewSet(ScopedModelViewSet):
    """Logins that belong to a partner. Staff only; partner users manage none."""

    queryset = User.objects.filter(role=Role.PARTNER).select_related("partner")
    serializer_class = s.PartnerUserSerializer
    filterset_class = PartnerUserFilterSet
    ordering_fields = ["username", "date_joined", "last_login"]
    ordering = ["username"]
    read_roles = STAFF | {Role.INTEGRATION}
    write_roles = frozenset({Role.ADMIN, Role.CHANNEL_MANAGER})

    def perform_create(self, serializer):
        serializer.instance = services.partner_user_create(
            by=self.request.user, role=Role.PARTNER, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.partner_user_update(
            user=serializer.instance, by=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        # Logins are deactivated, never deleted: tickets and ledgers keep naming them.
        services.partner_user_update(user=instance, by=self.request.user, is_active=False)


class SaleRecordViewSet(ScopedCreateListRetrieveViewSet):
    """Sales records from partners. CRMs upload in bulk; re-sending an external id is harmless."""

    queryset = SaleRecord.objects.select_related("partner", "product")
    serializer_class = s.SaleRecordSerializer
    filterset_class = SaleRecordFilterSet
    ordering_fields = ["sold_on", "amount", "created_at"]
    ordering = ["-sold_on", "-id"]
    write_roles = frozenset({Role.ADMIN, Role.CHANNEL_MANAGER, Role.INTEGRATION})

    def perform_create(self, serializer):
        serializer.instance = services.sale_record_create(by=self.request.user, **serializer.validated_data)

    @extend_schema(request=s.SaleStatusSerializer, responses=s.SaleRecordSerializer)
    @action(detail=True, methods=["post"], url_path="set-status")
    def set_status(self, request, pk=None):
        """Mark a sale refunded or cancelled (loyalty reverses its points)."""
        sale = self.get_object()
        serializer = s.SaleStatusSerializer(sale, data=request.data)
        serializer.is_valid(raise_exception=True)
        sale = services.sale_record_set_status(sale=sale, by=request.user, status=serializer.validated_data["status"])
        return Response(s.SaleRecordSerializer(sale, context=self.get_serializer_context()).data)

    @extend_schema(request=s.BulkSalesSerializer, responses={201: s.BulkSalesResultSerializer})
    @action(detail=False, methods=["post"], filterset_class=None)
    def bulk(self, request):
        """Create up to 10,000 sales in one request, idempotent on (source_system, external_id).

        The whole request is validated first; any bad row answers 400 with errors per row and
        nothing is written.
        """
        serializer = s.BulkSalesSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        result = services.sales_bulk_import(
            by=request.user,
            source_system=serializer.validated_data["source_system"],
            rows=serializer.validated_data["records"],
        )
        payload = {"created": result.created, "existing": result.existing, "ids": result.ids}
        return Response(payload, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)


class PartnerChangeViewSet(ScopedReadOnlyViewSet):
    """The change history of every partner in the user's scope."""

    queryset = PartnerChange.objects.select_related("partner", "changed_by")
    serializer_class = s.PartnerChangeSerializer
    filterset_class = PartnerChangeFilterSet
    ordering_fields = ["changed_at"]
    ordering = ["-changed_at", "-id"]


class MeView(RetrieveAPIView):
    """The signed-in user: role and, for partner users, their partner."""

    serializer_class = s.MeSerializer
    pagination_class = None
    filter_backends = []

    def get_object(self):
        return self.request.user
