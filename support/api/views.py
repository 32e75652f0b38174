"""Support API: thin viewsets; every write is one service call; scoping from prm.api.views."""
from django.db.models import Count, Prefetch
from django.http import FileResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, renderers, serializers as drf_serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from partners.choices import Role
from prm.api.views import ScopedCreateListRetrieveViewSet, ScopedModelViewSet, ScopedReadOnlyViewSet, ScopedViewSetMixin

from .. import services
from ..filtersets import (
    CalendarDayFilterSet,
    CalendarWindowFilterSet,
    RatingFilterSet,
    RoutingRuleFilterSet,
    SlaPolicyFilterSet,
    SlaRecordFilterSet,
    SlaTargetFilterSet,
    TicketAttachmentFilterSet,
    TicketEventFilterSet,
    TicketFilterSet,
    TicketMessageFilterSet,
)
from ..models import (
    BusinessCalendar,
    CalendarDay,
    CalendarWindow,
    RoutingRule,
    SatisfactionRating,
    ServiceCentre,
    SlaPolicy,
    SlaRecord,
    SlaTarget,
    Ticket,
    TicketAttachment,
    TicketEvent,
    TicketMessage,
)
from ..selectors import assignable_staff, compliance_report
from . import serializers as s

ADMIN_ONLY = frozenset({Role.ADMIN})
STAFF = frozenset({Role.ADMIN, Role.CHANNEL_MANAGER, Role.PRODUCT_MANAGER})
STAFF_AND_INTEGRATION = STAFF | {Role.INTEGRATION}
EVERY_WRITER = frozenset({Role.ADMIN, Role.CHANNEL_MANAGER, Role.PRODUCT_MANAGER, Role.PARTNER, Role.INTEGRATION})


class PassthroughRenderer(renderers.BaseRenderer):
    """Lets a file download answer whatever the client accepts."""

    media_type = "*/*"
    format = "file"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


# --- Configuration (administrators write; staff read) -------------------------------------------
class ConfigViewSet(ScopedModelViewSet):
    read_roles = STAFF_AND_INTEGRATION
    write_roles = ADMIN_ONLY

    def perform_create(self, serializer):
        serializer.instance = services.config_save(instance=self._build(serializer), by=self.request.user)

    def perform_update(self, serializer):
        serializer.instance = services.config_save(instance=self._build(serializer), by=self.request.user)

    def perform_destroy(self, instance):
        services.config_delete(instance=instance, by=self.request.user)

    def _build(self, serializer):
        instance = serializer.instance or serializer.Meta.model()
        for name, value in serializer.validated_data.items():
            setattr(instance, name, value)
        return instance


class ServiceCentreViewSet(ConfigViewSet):
    """The three service centres (and any others administrators add); staff see members and head."""

    queryset = ServiceCentre.objects.select_related("head").prefetch_related("members")
    serializer_class = s.ServiceCentreSerializer
    ordering_fields = ["code"]
    pagination_class = None
    read_roles = frozenset(Role.values)

    def perform_create(self, serializer):
        members = serializer.validated_data.pop("members", None)
        super().perform_create(serializer)
        if members is not None:
            serializer.instance.members.set(members)

    def perform_update(self, serializer):
        members = serializer.validated_data.pop("members", None)
        super().perform_update(serializer)
        if members is not None:
            serializer.instance.members.set(members)


class RoutingRuleViewSet(ConfigViewSet):
    queryset = RoutingRule.objects.select_related("centre", "partner_type")
    serializer_class = s.RoutingRuleSerializer
    filterset_class = RoutingRuleFilterSet
    ordering_fields = ["order"]
    ordering = ["order", "id"]


class BusinessCalendarViewSet(ConfigViewSet):
    """Calendars; editing one (or its windows or days) recomputes the open tickets it governs."""

    queryset = BusinessCalendar.objects.prefetch_related("windows").annotate(days_total=Count("days"))
    serializer_class = s.BusinessCalendarSerializer
    ordering_fields = ["name"]
    ordering = ["-is_default", "name"]


class CalendarWindowViewSet(ConfigViewSet):
    queryset = CalendarWindow.objects.all()
    serializer_class = s.CalendarWindowSerializer
    filterset_class = CalendarWindowFilterSet
    ordering_fields = ["weekday", "start"]
    ordering = ["calendar", "weekday", "start"]


class CalendarDayViewSet(ConfigViewSet):
    """Public holidays and make-up working days (调休)."""

    queryset = CalendarDay.objects.all()
    serializer_class = s.CalendarDaySerializer
    filterset_class = CalendarDayFilterSet
    ordering_fields = ["date"]
    ordering = ["calendar", "date"]


class SlaPolicyViewSet(ConfigViewSet):
    """SLA policies in the order they are tried; editing one recomputes its open tickets."""

    queryset = SlaPolicy.objects.select_related("partner_type", "calendar").prefetch_related("targets")
    serializer_class = s.SlaPolicySerializer
    filterset_class = SlaPolicyFilterSet
    ordering_fields = ["order", "name"]
    ordering = ["order", "id"]


class SlaTargetViewSet(ConfigViewSet):
    queryset = SlaTarget.objects.all()
    serializer_class = s.SlaTargetSerializer
    filterset_class = SlaTargetFilterSet
    ordering_fields = ["order"]
    ordering = ["policy", "order", "id"]


class StaffViewSet(viewsets.GenericViewSet, mixins.ListModelMixin):
    """Operator staff a ticket can be assigned to."""

    serializer_class = s.StaffPersonSerializer
    read_roles = STAFF_AND_INTEGRATION
    ordering_fields = ["username"]
    pagination_class = None

    def get_queryset(self):
        queryset = assignable_staff()
        centre = self.request.query_params.get("centre")
        if centre:
            from django.db.models import Q

            queryset = queryset.filter(Q(service_centres__code=centre) | Q(headed_centres__code=centre)).distinct()
        return queryset

    @extend_schema(parameters=[OpenApiParameter("centre", str, description="Only this centre's members and head.")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


# --- Tickets ------------------------------------------------------------------------------------
class TicketViewSet(ScopedCreateListRetrieveViewSet):
    """Support tickets. Partner users see their own partner's; centre staff change their centre's.

    State changes are actions: reply (or internal note), transition, assign, reclassify
    (priority/category), set-policy, milestone, rate.
    """

    queryset = Ticket.objects.select_related("partner", "centre", "assignee", "policy__calendar")
    filterset_class = TicketFilterSet
    ordering_fields = ["opened_at", "updated_at", "status", "id"]
    ordering = ["-opened_at", "-id"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    write_roles = EVERY_WRITER
    action_write_roles = {
        "create": frozenset({Role.ADMIN, Role.CHANNEL_MANAGER, Role.PARTNER, Role.INTEGRATION}),
        "assign": STAFF_AND_INTEGRATION,
        "reclassify": STAFF_AND_INTEGRATION,
        "set_policy": STAFF,
        "milestone": STAFF_AND_INTEGRATION,
        "rate": frozenset({Role.PARTNER}),
    }

    def get_queryset(self):
        queryset = super().get_queryset().prefetch_related(
            Prefetch("sla_records", SlaRecord.objects.order_by("id"))
        )
        if self.action == "retrieve" or self.request.method == "POST":
            queryset = queryset.select_related("contact", "product", "opened_by", "rating")
        return queryset

    def get_serializer_class(self):
        if self.action == "list":
            return s.TicketSerializer
        if self.action == "create":
            return s.TicketCreateSerializer
        return s.TicketDetailSerializer

    def _detail(self, ticket, status_code=status.HTTP_200_OK):
        fresh = self.get_queryset().select_related("contact", "product", "opened_by", "rating").get(pk=ticket.pk)
        context = self.get_serializer_context()
        context["now"] = timezone.now()
        return Response(s.TicketDetailSerializer(fresh, context=context).data, status=status_code)

    @extend_schema(request=s.TicketCreateSerializer, responses={201: s.TicketDetailSerializer})
    def create(self, request, *args, **kwargs):
        serializer = s.TicketCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        uploads = data.pop("files", [])
        ticket = services.ticket_open(by=request.user, uploads=uploads, **data)
        return self._detail(ticket, status.HTTP_201_CREATED)

    def _input(self, serializer_class, ticket=None):
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(request=s.ReplySerializer, responses={201: s.MessageSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def reply(self, request, pk=None):
        """A public reply, or (staff) an internal note; files may come along (multipart)."""
        ticket = self.get_object()
        data = self._input(s.ReplySerializer)
        message = services.ticket_reply(
            ticket=ticket, by=request.user, body=data["body"], internal=data["internal"], uploads=data.get("files", [])
        )
        message = TicketMessage.objects.select_related("author").prefetch_related("attachments__uploaded_by").get(pk=message.pk)
        return Response(s.MessageSerializer(message, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.TransitionSerializer, responses=s.TicketDetailSerializer)
    @action(detail=True, methods=["post"], filterset_class=None)
    def transition(self, request, pk=None):
        """Change the status. Partner users may confirm a resolution (closed) or reopen it."""
        ticket = self.get_object()
        data = self._input(s.TransitionSerializer)
        ticket = services.ticket_transition(ticket=ticket, by=request.user, status=data["status"], note=data["note"])
        return self._detail(ticket)

    @extend_schema(request=s.AssignSerializer, responses=s.TicketDetailSerializer)
    @action(detail=True, methods=["post"], filterset_class=None)
    def assign(self, request, pk=None):
        ticket = self.get_object()
        data = self._input(s.AssignSerializer)
        ticket = services.ticket_assign(ticket=ticket, by=request.user, assignee=data["assignee"], centre=data.get("centre"))
        return self._detail(ticket)

    @extend_schema(request=s.ReclassifySerializer, responses=s.TicketDetailSerializer)
    @action(detail=True, methods=["post"], filterset_class=None)
    def reclassify(self, request, pk=None):
        """Change priority and/or category: the clocks are recomputed from the original start."""
        ticket = self.get_object()
        data = self._input(s.ReclassifySerializer)
        ticket = services.ticket_reclassify(ticket=ticket, by=request.user, **data)
        return self._detail(ticket)

    @extend_schema(request=s.SetPolicySerializer, responses=s.TicketDetailSerializer)
    @action(detail=True, methods=["post"], url_path="set-policy", filterset_class=None)
    def set_policy(self, request, pk=None):
        ticket = self.get_object()
        data = self._input(s.SetPolicySerializer)
        ticket = services.ticket_set_policy(ticket=ticket, by=request.user, policy=data["policy"])
        return self._detail(ticket)

    @extend_schema(request=s.MilestoneSerializer, responses=s.TicketDetailSerializer)
    @action(detail=True, methods=["post"], filterset_class=None)
    def milestone(self, request, pk=None):
        """Record that a milestone (such as resources confirmed) was reached."""
        ticket = self.get_object()
        data = self._input(s.MilestoneSerializer)
        ticket = services.ticket_milestone(ticket=ticket, by=request.user, code=data["code"])
        return self._detail(ticket)

    @extend_schema(request=s.RateSerializer, responses={201: s.RatingSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def rate(self, request, pk=None):
        """The partner's satisfaction (1–5, with a comment) once the request is resolved."""
        ticket = self.get_object()
        data = self._input(s.RateSerializer)
        rating = services.ticket_rate(ticket=ticket, by=request.user, score=data["score"], comment=data["comment"])
        return Response(s.RatingSerializer(rating).data, status=status.HTTP_201_CREATED)


class TicketMessageViewSet(ScopedReadOnlyViewSet):
    """Replies and internal notes. Partner users never receive an internal note."""

    queryset = TicketMessage.objects.select_related("author").prefetch_related(
        Prefetch("attachments", TicketAttachment.objects.select_related("uploaded_by"))
    )
    serializer_class = s.MessageSerializer
    filterset_class = TicketMessageFilterSet
    ordering_fields = ["created_at"]
    ordering = ["created_at", "id"]


class TicketEventViewSet(ScopedReadOnlyViewSet):
    """The history of tickets: every change, who, when. Internal entries are staff-only."""

    queryset = TicketEvent.objects.select_related("actor")
    serializer_class = s.EventSerializer
    filterset_class = TicketEventFilterSet
    ordering_fields = ["at"]
    ordering = ["at", "id"]


class SlaRecordViewSet(ScopedReadOnlyViewSet):
    """Per-ticket committed times with their clocks (left_seconds counts working time)."""

    queryset = SlaRecord.objects.select_related("ticket__policy__calendar")
    serializer_class = s.SlaRecordSerializer
    filterset_class = SlaRecordFilterSet
    ordering_fields = ["due_at", "started_at", "breached_at"]
    ordering = ["due_at", "id"]


class SatisfactionRatingViewSet(ScopedReadOnlyViewSet):
    queryset = SatisfactionRating.objects.all()
    serializer_class = s.RatingSerializer
    filterset_class = RatingFilterSet
    ordering_fields = ["created_at", "score"]
    ordering = ["-created_at", "-id"]


class TicketAttachmentViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, mixins.ListModelMixin,
                              mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Files on tickets: uploaded with multipart, downloaded only through `download` (scoped)."""

    queryset = TicketAttachment.objects.select_related("uploaded_by")
    serializer_class = s.AttachmentSerializer
    filterset_class = TicketAttachmentFilterSet
    ordering_fields = ["created_at"]
    ordering = ["created_at", "id"]
    parser_classes = [MultiPartParser, FormParser]
    write_roles = EVERY_WRITER

    @extend_schema(request={"multipart/form-data": s.AttachmentUploadSerializer}, responses={201: s.AttachmentSerializer})
    def create(self, request, *args, **kwargs):
        upload = s.AttachmentUploadSerializer(data=request.data, context=self.get_serializer_context())
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        attachment = services.attachment_add(
            ticket=data["ticket"], by=request.user, upload=data["file"], internal=data["internal"]
        )
        return Response(self.get_serializer(attachment).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], renderer_classes=[PassthroughRenderer], filterset_class=None)
    def download(self, request, pk=None):
        attachment = self.get_object()
        response = FileResponse(
            attachment.file.open("rb"), as_attachment=True, filename=attachment.name,
            content_type=attachment.content_type,
        )
        response["Cache-Control"] = "private, no-store"
        return response


class ComplianceReportView(APIView):
    """SLA compliance: share of committed times met, by centre, category, priority, city, target and
    month, and the partners most affected by misses. Counts only what the user may see."""

    read_roles = STAFF_AND_INTEGRATION
    filter_backends = []

    @extend_schema(
        parameters=[s.ComplianceQuerySerializer],
        responses=inline_serializer("ComplianceReport", {
            "overall": drf_serializers.DictField(), "centre": drf_serializers.ListField(),
            "category": drf_serializers.ListField(), "priority": drf_serializers.ListField(),
            "city": drf_serializers.ListField(), "target": drf_serializers.ListField(),
            "month": drf_serializers.ListField(), "most_affected_partners": drf_serializers.ListField(),
        }),
    )
    def get(self, request):
        query = s.ComplianceQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        records = SlaRecord.objects.visible_to(request.user)
        if params.get("centre"):
            records = records.filter(ticket__centre=params["centre"])
        if params.get("category"):
            records = records.filter(ticket__category=params["category"])
        if params.get("priority"):
            records = records.filter(ticket__priority=params["priority"])
        if params.get("city"):
            records = records.filter(ticket__partner__city__code=params["city"])
        return Response(
            compliance_report(records=records, date_from=params.get("date_from"), date_to=params.get("date_to"))
        )
