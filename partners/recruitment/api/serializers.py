from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from partners.choices import CooperationModel, Role
from partners.models import CityBranch, PartnerType, Product, User
from prm.api.fields import ScopedSlugRelatedField, VIEW

from ..choices import ProspectStatus
from ..forms import PHONE_VALIDATOR, clean_text
from ..models import (
    COMPANY_MAX, CONTACT_NAME_MAX, EMAIL_MAX, MESSAGE_MAX, NOTES_MAX, PHONE_MAX, PRODUCTS_MAX, REASON_MAX, Prospect,
    ProspectEvent,
)


class CleanCharField(serializers.CharField):
    """Text without control characters (NUL is refused by DRF already)."""

    def to_internal_value(self, data):
        return clean_text(super().to_internal_value(data))


class ProductListField(serializers.ListField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", PRODUCTS_MAX)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_representation(self, data):
        if hasattr(data, "all"):
            return [product.code for product in data.all()]
        return super().to_representation(data)


class ProspectEventSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    by_name = serializers.SerializerMethodField()

    class Meta:
        model = ProspectEvent
        fields = ["id", "kind", "kind_display", "from_status", "to_status", "by_name", "at", "note"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_by_name(self, obj):
        return str(obj.by) if obj.by_id else None


class ProspectSerializer(serializers.ModelSerializer):
    """A prospect as staff see and change it; status changes go through the actions."""

    company_name = CleanCharField(max_length=COMPANY_MAX)
    partner_type = ScopedSlugRelatedField(slug_field="code", queryset=PartnerType.objects.filter(active=True), scope_action=VIEW)
    partner_type_label = serializers.CharField(source="partner_type.label", read_only=True)
    city = ScopedSlugRelatedField(slug_field="code", queryset=CityBranch.objects.all(), scope_action=VIEW)
    city_label = serializers.CharField(source="city.label", read_only=True)
    cooperation_model_display = serializers.CharField(source="get_cooperation_model_display", read_only=True)
    products = ProductListField(
        child=ScopedSlugRelatedField(slug_field="code", queryset=Product.objects.filter(active=True), scope_action=VIEW)
    )
    contact_name = CleanCharField(max_length=CONTACT_NAME_MAX)
    contact_phone = CleanCharField(max_length=PHONE_MAX, required=False, allow_blank=True, validators=[PHONE_VALIDATOR])
    contact_email = serializers.EmailField(max_length=EMAIL_MAX, required=False, allow_blank=True)
    message = CleanCharField(max_length=MESSAGE_MAX, required=False, allow_blank=True)
    notes = CleanCharField(max_length=NOTES_MAX, required=False, allow_blank=True)
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(role__in=[Role.CHANNEL_MANAGER, Role.ADMIN], is_active=True),
        required=False, allow_null=True,
    )
    owner_name = serializers.SerializerMethodField()
    source_display = serializers.CharField(source="get_source_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    decided_by_name = serializers.SerializerMethodField()
    partner_code = serializers.CharField(source="partner.code", read_only=True, default=None)
    invited_username = serializers.CharField(source="invited_user.username", read_only=True, default=None)

    class Meta:
        model = Prospect
        fields = [
            "id", "company_name", "partner_type", "partner_type_label", "cooperation_model", "cooperation_model_display",
            "city", "city_label", "products", "contact_name", "contact_phone", "contact_email", "message",
            "source", "source_display", "status", "status_display", "owner", "owner_name", "notes",
            "entered_on", "applied_on", "decided_on", "created_at", "applied_at", "decided_at", "decided_by_name",
            "reject_reason", "partner", "partner_code", "invited_user", "invited_username",
        ]
        read_only_fields = [
            "source", "status", "entered_on", "applied_on", "decided_on", "created_at", "applied_at", "decided_at",
            "reject_reason", "partner", "invited_user",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_owner_name(self, obj):
        return str(obj.owner) if obj.owner_id else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_decided_by_name(self, obj):
        return str(obj.decided_by) if obj.decided_by_id else None

    def validate(self, attrs):
        """A channel manager may hand a prospect to someone else only within the cities they cover."""
        user = self.context["request"].user
        if user.effective_role == Role.CHANNEL_MANAGER:
            owner = attrs.get("owner", getattr(self.instance, "owner", None))
            city = attrs.get("city", getattr(self.instance, "city", None))
            if owner is not None and owner.pk != user.pk and city is not None:
                if not user.covered_cities.filter(pk=city.pk).exists():
                    raise serializers.ValidationError(
                        {"owner": [_("You may give prospects to other people only in the cities you cover.")]}
                    )
        return attrs


class ProspectDetailSerializer(ProspectSerializer):
    events = ProspectEventSerializer(many=True, read_only=True)

    class Meta(ProspectSerializer.Meta):
        fields = [*ProspectSerializer.Meta.fields, "events"]


class ApplicationSerializer(serializers.Serializer):
    """What a company sends to apply (no sign-in). Reference values by code."""

    company_name = CleanCharField(max_length=COMPANY_MAX)
    partner_type = serializers.SlugRelatedField(slug_field="code", queryset=PartnerType.objects.filter(active=True))
    cooperation_model = serializers.ChoiceField(choices=CooperationModel.choices)
    city = serializers.SlugRelatedField(slug_field="code", queryset=CityBranch.objects.all())
    products = ProductListField(
        child=serializers.SlugRelatedField(slug_field="code", queryset=Product.objects.filter(active=True))
    )
    contact_name = CleanCharField(max_length=CONTACT_NAME_MAX)
    contact_phone = CleanCharField(max_length=PHONE_MAX, validators=[PHONE_VALIDATOR])
    contact_email = serializers.EmailField(max_length=EMAIL_MAX)
    message = CleanCharField(max_length=MESSAGE_MAX, required=False, allow_blank=True)


class ApplicationReceiptSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ProspectStatus.choices)
    detail = serializers.CharField()


class AcceptSerializer(serializers.Serializer):
    channel_manager = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(role=Role.CHANNEL_MANAGER, is_active=True), required=False, allow_null=True,
        help_text="The new partner's channel manager (default: the prospect's owner).",
    )
    note = CleanCharField(max_length=REASON_MAX, required=False, allow_blank=True)


class RejectSerializer(serializers.Serializer):
    reason = CleanCharField(max_length=REASON_MAX)


class NoteSerializer(serializers.Serializer):
    note = CleanCharField(max_length=REASON_MAX, required=False, allow_blank=True)


class RecruitmentFunnelQuerySerializer(serializers.Serializer):
    by = serializers.ChoiceField(choices=[("type", "type"), ("city", "city")], required=False)
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    city = serializers.ListField(child=serializers.SlugRelatedField(slug_field="code", queryset=CityBranch.objects.all()), required=False, max_length=50)
    type = serializers.ListField(child=serializers.SlugRelatedField(slug_field="code", queryset=PartnerType.objects.all()), required=False, max_length=50)

    def validate(self, attrs):
        if attrs.get("date_from") and attrs.get("date_to") and attrs["date_from"] > attrs["date_to"]:
            raise serializers.ValidationError({"date_from": [_("The period must start before it ends.")]})
        return attrs


class RecruitmentFunnelMoveSerializer(serializers.Serializer):
    entered = serializers.IntegerField(help_text="Subjects that entered the step (the denominator).")
    reached = serializers.IntegerField(help_text="Of those, how many reached the next step by the as-of day.")
    rate = serializers.DecimalField(max_digits=6, decimal_places=4, allow_null=True, help_text="reached / entered, 0–1; null when nobody entered.")
    mean_days = serializers.DecimalField(max_digits=10, decimal_places=1, allow_null=True)
    median_days = serializers.DecimalField(max_digits=10, decimal_places=1, allow_null=True)


class RecruitmentFunnelMovesSerializer(serializers.Serializer):
    prospect_to_applied = RecruitmentFunnelMoveSerializer()
    applied_to_registered = RecruitmentFunnelMoveSerializer()
    registered_to_first_sale = RecruitmentFunnelMoveSerializer()


class RecruitmentFunnelCountsSerializer(serializers.Serializer):
    prospects = serializers.IntegerField()
    applied = serializers.IntegerField()
    applied_from_prospect = serializers.IntegerField()
    registered = serializers.IntegerField()
    registered_from_applied = serializers.IntegerField()
    first_sale = serializers.IntegerField()
    recruited = serializers.IntegerField()
    recruited_first_sale = serializers.IntegerField()
    lost = serializers.IntegerField()


class RecruitmentFunnelGroupSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    counts = RecruitmentFunnelCountsSerializer()
    moves = RecruitmentFunnelMovesSerializer()
    overall_rate = serializers.DecimalField(max_digits=6, decimal_places=4, allow_null=True,
                                            help_text="Recruited subjects (prospects and applications) that reached a first sale.")


class RecruitmentFunnelSerializer(serializers.Serializer):
    as_of = serializers.DateField(allow_null=True)
    date_from = serializers.DateField(allow_null=True)
    date_to = serializers.DateField(allow_null=True)
    by = serializers.CharField(allow_blank=True)
    total = RecruitmentFunnelGroupSerializer()
    groups = RecruitmentFunnelGroupSerializer(many=True)

