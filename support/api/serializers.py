from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from partners.choices import Role
from partners.models import Contact, Partner, Product, User
from prm.api.fields import VIEW, ScopedPrimaryKeyRelatedField, ScopedSlugRelatedField

from ..choices import Category, EventKind, Priority, TicketStatus
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
from ..selectors import CalendarResolver, assignable_staff, clock


def _role(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    return user.effective_role if user is not None and user.is_authenticated else None


def _is_partner(context) -> bool:
    return _role(context) == Role.PARTNER


class StaffOnlyFieldsMixin:
    """Fields listed in `staff_only_fields` are dropped for partner users."""

    staff_only_fields: tuple[str, ...] = ()

    def get_fields(self):
        fields = super().get_fields()
        if _is_partner(self.context):
            for name in self.staff_only_fields:
                fields.pop(name, None)
        return fields


class PersonField(serializers.Field):
    """A user as {id, name}, read-only."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, user):
        return {"id": user.pk, "name": user.get_full_name() or user.username}


class ChoiceLabelField(serializers.Field):
    """The label of a choice value in the request's language, read-only.

    Model.get_FOO_display() hashes every lazy label on every call; a list of 50 tickets with
    three such fields spent a third of its time there. Labels are rendered once per language.
    """

    _cache: dict = {}

    def __init__(self, choices, **kwargs):
        self.choices_class = choices
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        key = (self.choices_class, get_language())
        labels = self._cache.get(key)
        if labels is None:
            labels = {str(v): str(label) for v, label in self.choices_class.choices}
            self._cache[key] = labels
        return labels.get(str(value), str(value))


ChoiceLabelField = extend_schema_field({"type": "string"})(ChoiceLabelField)

PERSON_SCHEMA = {"type": "object", "nullable": True, "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}}
PersonField = extend_schema_field(PERSON_SCHEMA)(PersonField)


# --- Configuration ------------------------------------------------------------------------------
class ServiceCentreSerializer(StaffOnlyFieldsMixin, serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)
    head = serializers.PrimaryKeyRelatedField(queryset=assignable_staff(), allow_null=True, required=False)
    head_person = PersonField(source="head")
    members = serializers.PrimaryKeyRelatedField(queryset=assignable_staff(), many=True, required=False)
    staff_only_fields = ("head", "head_person", "members", "email")

    class Meta:
        model = ServiceCentre
        fields = ["id", "code", "name", "name_zh", "label", "description", "head", "head_person", "members", "email", "active"]


class RoutingRuleSerializer(serializers.ModelSerializer):
    centre = serializers.SlugRelatedField(slug_field="code", queryset=ServiceCentre.objects.all())
    partner_type = serializers.SlugRelatedField(
        slug_field="code", queryset=Partner._meta.get_field("partner_type").related_model.objects.all(),
        allow_null=True, required=False,
    )

    class Meta:
        model = RoutingRule
        fields = ["id", "order", "name", "category", "product_type", "cooperation_model", "partner_type", "centre", "active"]


class CalendarWindowSerializer(serializers.ModelSerializer):
    calendar = serializers.PrimaryKeyRelatedField(queryset=BusinessCalendar.objects.all())

    class Meta:
        model = CalendarWindow
        fields = ["id", "calendar", "weekday", "start", "end"]


class CalendarDaySerializer(serializers.ModelSerializer):
    calendar = serializers.PrimaryKeyRelatedField(queryset=BusinessCalendar.objects.all())
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = CalendarDay
        fields = ["id", "calendar", "date", "kind", "kind_display", "name", "works_as"]


class BusinessCalendarSerializer(serializers.ModelSerializer):
    windows = CalendarWindowSerializer(many=True, read_only=True)
    days_count = serializers.SerializerMethodField()

    class Meta:
        model = BusinessCalendar
        fields = ["id", "name", "timezone", "is_default", "version", "updated_at", "windows", "days_count"]
        read_only_fields = ["version", "updated_at"]

    def get_days_count(self, calendar) -> int:
        annotated = getattr(calendar, "days_total", None)
        return annotated if annotated is not None else calendar.days.count()


class SlaTargetSerializer(serializers.ModelSerializer):
    policy = serializers.PrimaryKeyRelatedField(queryset=SlaPolicy.objects.all())
    label = serializers.CharField(read_only=True)
    code = serializers.CharField(max_length=40, required=False)

    class Meta:
        model = SlaTarget
        fields = ["id", "policy", "kind", "code", "name", "name_zh", "label", "amount", "unit", "pauses", "order"]
        validators = []

    def validate(self, attrs):
        kind = attrs.get("kind", getattr(self.instance, "kind", None))
        if kind in ("first_response", "resolution"):
            attrs["code"] = kind
        elif not attrs.get("code", getattr(self.instance, "code", None)):
            raise serializers.ValidationError({"code": [_("A milestone needs a code.")]})
        policy = attrs.get("policy", getattr(self.instance, "policy", None))
        clash = SlaTarget.objects.filter(policy=policy, code=attrs.get("code", getattr(self.instance, "code", None)))
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise serializers.ValidationError({"code": [_("This policy already has this target.")]})
        return attrs


class SlaPolicySerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)
    targets = SlaTargetSerializer(many=True, read_only=True)
    partner_type = serializers.SlugRelatedField(
        slug_field="code", queryset=Partner._meta.get_field("partner_type").related_model.objects.all(),
        allow_null=True, required=False,
    )
    calendar = serializers.PrimaryKeyRelatedField(queryset=BusinessCalendar.objects.all(), allow_null=True, required=False)

    class Meta:
        model = SlaPolicy
        fields = [
            "id", "order", "name", "name_zh", "label", "is_default", "active", "category", "priority", "tier",
            "partner_type", "calendar", "warn_percent", "escalate_after_minutes", "escalate_further_after_minutes",
            "targets",
        ]


# --- Tickets ------------------------------------------------------------------------------------
def clocks_for(records, ticket, context):
    resolver = context.setdefault("calendars", CalendarResolver())
    now = context.setdefault("now", timezone.now())
    cal = resolver.for_ticket(ticket)
    result = []
    for record in records:
        state = clock(cal, record, now)
        result.append({
            "code": record.code, "name": record.label, "kind": record.kind, "status": record.status,
            "due_at": record.due_at, "met_at": record.met_at, "breached_at": record.breached_at,
            "left_seconds": state.left_seconds, "running": state.running, "target_seconds": record.target_seconds,
        })
    return result


CLOCK_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "code": {"type": "string"}, "name": {"type": "string"}, "kind": {"type": "string"},
            "status": {"type": "string"}, "due_at": {"type": "string", "format": "date-time", "nullable": True},
            "met_at": {"type": "string", "format": "date-time", "nullable": True},
            "breached_at": {"type": "string", "format": "date-time", "nullable": True},
            "left_seconds": {"type": "integer"}, "running": {"type": "boolean"}, "target_seconds": {"type": "integer"},
        },
    },
}


class TicketSerializer(StaffOnlyFieldsMixin, serializers.ModelSerializer):
    """A ticket as queues list it, with a live clock per committed time."""

    reference = serializers.CharField(read_only=True)
    partner_code = serializers.CharField(source="partner.code", read_only=True)
    partner_name = serializers.CharField(source="partner.name", read_only=True)
    category_display = ChoiceLabelField(Category, source="category")
    priority_display = ChoiceLabelField(Priority, source="priority")
    status_display = ChoiceLabelField(TicketStatus, source="status")
    centre = serializers.CharField(source="centre.code", read_only=True, default=None)
    centre_label = serializers.CharField(source="centre.label", read_only=True, default=None)
    assignee = PersonField()
    clocks = serializers.SerializerMethodField()
    staff_only_fields = ()

    class Meta:
        model = Ticket
        fields = [
            "id", "reference", "partner", "partner_code", "partner_name", "subject", "category", "category_display",
            "priority", "priority_display", "status", "status_display", "centre", "centre_label", "assignee",
            "opened_at", "updated_at", "clocks",
        ]
        read_only_fields = fields

    @extend_schema_field(CLOCK_SCHEMA)
    def get_clocks(self, ticket):
        return clocks_for(ticket.sla_records.all(), ticket, self.context)


class RatingSerializer(serializers.ModelSerializer):
    class Meta:
        model = SatisfactionRating
        fields = ["id", "ticket", "partner", "score", "comment", "created_at"]
        read_only_fields = fields


class TicketDetailSerializer(TicketSerializer):
    contact_name = serializers.CharField(source="contact.name", read_only=True, default=None)
    product_code = serializers.CharField(source="product.code", read_only=True, default=None)
    product_label = serializers.CharField(source="product.label", read_only=True, default=None)
    opened_by = PersonField()
    policy_label = serializers.CharField(source="policy.label", read_only=True, default=None)
    rating = serializers.SerializerMethodField()
    milestones = serializers.SerializerMethodField()
    staff_only_fields = ("policy", "policy_label")

    class Meta(TicketSerializer.Meta):
        fields = TicketSerializer.Meta.fields + [
            "description", "contact", "contact_name", "product", "product_code", "product_label", "opened_by",
            "policy", "policy_label", "first_response_at", "resolved_at", "closed_at", "rating", "milestones",
        ]
        read_only_fields = fields

    @extend_schema_field(RatingSerializer(allow_null=True))
    def get_rating(self, ticket):
        rating = getattr(ticket, "rating", None) if hasattr(ticket, "rating") else None
        return RatingSerializer(rating).data if rating else None

    @extend_schema_field({"type": "array", "items": {"type": "object", "properties": {
        "code": {"type": "string"}, "name": {"type": "string"}, "reached": {"type": "boolean"}}}})
    def get_milestones(self, ticket):
        return [
            {"code": r.code, "name": r.label, "reached": r.met_at is not None}
            for r in ticket.sla_records.all() if r.kind == "milestone"
        ]


class TicketCreateSerializer(serializers.ModelSerializer):
    """Open a ticket. Partner users open for their own partner (the field may be left out)."""

    partner = ScopedPrimaryKeyRelatedField(queryset=Partner.objects.all(), required=False)
    contact = ScopedPrimaryKeyRelatedField(queryset=Contact.objects.all(), required=False, allow_null=True)
    product = ScopedSlugRelatedField(
        slug_field="code", queryset=Product.objects.filter(active=True), required=False, allow_null=True,
        scope_action=VIEW,
    )
    files = serializers.ListField(
        child=serializers.FileField(max_length=200, allow_empty_file=False), required=False, write_only=True,
        max_length=settings.SUPPORT_ATTACHMENTS_PER_REQUEST,
    )

    class Meta:
        model = Ticket
        fields = ["partner", "contact", "category", "product", "priority", "subject", "description", "files"]

    def validate(self, attrs):
        user = self.context["request"].user
        if "partner" not in attrs:
            if user.effective_role == Role.PARTNER:
                attrs["partner"] = user.partner
            else:
                raise serializers.ValidationError({"partner": [_("This field is required.")]})
        partner = attrs["partner"]
        contact = attrs.get("contact")
        if contact is not None and contact.partner_id != partner.pk:
            raise serializers.ValidationError({"contact": [_("This contact does not belong to the partner.")]})
        product = attrs.get("product")
        if product is not None and not partner.authorised_products.filter(pk=product.pk).exists():
            raise serializers.ValidationError({"product": [_("This product is not authorised for the partner.")]})
        return attrs


class ReplySerializer(serializers.Serializer):
    body = serializers.CharField(max_length=10000, trim_whitespace=True)
    internal = serializers.BooleanField(default=False, help_text="An internal note, never shown to the partner.")
    files = serializers.ListField(
        child=serializers.FileField(max_length=200, allow_empty_file=False), required=False,
        max_length=settings.SUPPORT_ATTACHMENTS_PER_REQUEST,
    )

    def validate_internal(self, value):
        if value and _is_partner(self.context):
            raise serializers.ValidationError(_("Partner users cannot write internal notes."))
        return value


class TransitionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=TicketStatus.choices)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class AssignSerializer(serializers.Serializer):
    assignee = serializers.PrimaryKeyRelatedField(queryset=assignable_staff(), allow_null=True)
    centre = serializers.SlugRelatedField(
        slug_field="code", queryset=ServiceCentre.objects.filter(active=True), required=False, allow_null=True
    )


class ReclassifySerializer(serializers.Serializer):
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    category = serializers.ChoiceField(choices=Category.choices, required=False)

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError({"priority": [_("Give a new priority or category.")]})
        return attrs


class SetPolicySerializer(serializers.Serializer):
    policy = serializers.PrimaryKeyRelatedField(queryset=SlaPolicy.objects.filter(active=True))


class MilestoneSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40)


class RateSerializer(serializers.Serializer):
    score = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


# --- Messages, attachments, history, clocks ------------------------------------------------------
class AttachmentSerializer(serializers.ModelSerializer):
    uploaded_by = PersonField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = TicketAttachment
        fields = ["id", "ticket", "message", "name", "content_type", "size", "internal", "uploaded_by", "created_at",
                  "download_url"]
        read_only_fields = fields

    def get_download_url(self, attachment) -> str:
        return reverse("api:support-attachment-download", args=[attachment.pk])


class AttachmentUploadSerializer(serializers.Serializer):
    ticket = ScopedPrimaryKeyRelatedField(queryset=Ticket.objects.all())
    file = serializers.FileField(max_length=200, allow_empty_file=False)
    internal = serializers.BooleanField(default=False)

    def validate_internal(self, value):
        if value and _is_partner(self.context):
            raise serializers.ValidationError(_("Partner users cannot add internal attachments."))
        return value


class MessageSerializer(serializers.ModelSerializer):
    author = PersonField()
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = TicketMessage
        fields = ["id", "ticket", "author", "body", "internal", "by_partner", "created_at", "attachments"]
        read_only_fields = fields

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_attachments(self, message):
        items = message.attachments.all()
        if _is_partner(self.context):
            items = [a for a in items if not a.internal]
        return AttachmentSerializer(items, many=True, context=self.context).data


class EventSerializer(serializers.ModelSerializer):
    actor = PersonField()
    kind_display = ChoiceLabelField(EventKind, source="kind")

    class Meta:
        model = TicketEvent
        fields = ["id", "ticket", "kind", "kind_display", "actor", "old_value", "new_value", "internal", "at"]
        read_only_fields = fields


class SlaRecordSerializer(StaffOnlyFieldsMixin, serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)
    left_seconds = serializers.SerializerMethodField()
    staff_only_fields = ("escalation_level", "next_escalation_at", "warned_at")

    class Meta:
        model = SlaRecord
        fields = [
            "id", "ticket", "code", "kind", "name", "name_zh", "label", "target_seconds", "status", "started_at",
            "due_at", "met_at", "breached_at", "paused_seconds", "paused_since", "consumed_seconds", "left_seconds",
            "warned_at", "escalation_level", "next_escalation_at",
        ]
        read_only_fields = fields

    def get_left_seconds(self, record) -> int:
        resolver = self.context.setdefault("calendars", CalendarResolver())
        now = self.context.setdefault("now", timezone.now())
        return clock(resolver.for_ticket(record.ticket), record, now).left_seconds


class StaffPersonSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()
    role_display = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "name", "role", "role_display"]

    def get_name(self, user) -> str:
        return user.get_full_name() or user.username


class ComplianceQuerySerializer(serializers.Serializer):
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    centre = serializers.SlugRelatedField(slug_field="code", queryset=ServiceCentre.objects.all(), required=False)
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    city = serializers.CharField(max_length=4, required=False)

    def validate(self, attrs):
        if attrs.get("date_from") and attrs.get("date_to") and attrs["date_from"] > attrs["date_to"]:
            raise serializers.ValidationError({"date_to": [_("The end date is before the start date.")]})
        return attrs
