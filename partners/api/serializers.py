import copy

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _, gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from prm.api.fields import (
    VIEW,
    ChoiceLabelField,
    ScopedPrimaryKeyRelatedField,
    ScopedSlugRelatedField,
    StrictPrimaryKeyRelatedField,
)
from partners.choices import CooperationModel, CustomerClass, PartnerStatus, Role, Tier
from partners.models import CityBranch, Contact, Partner, PartnerChange, PartnerType, Product, SaleRecord, User


class ReferenceSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True, help_text="Name in the request's language.")


class CityBranchSerializer(ReferenceSerializer):
    class Meta:
        model = CityBranch
        fields = ["id", "code", "name", "name_zh", "label", "sort_order"]


class PartnerTypeSerializer(ReferenceSerializer):
    class Meta:
        model = PartnerType
        fields = ["id", "code", "name", "name_zh", "label", "is_core", "active"]


class ProductSerializer(ReferenceSerializer):
    product_type_display = serializers.CharField(source="get_product_type_display", read_only=True)

    class Meta:
        model = Product
        fields = ["id", "code", "name", "name_zh", "label", "product_type", "product_type_display", "active", "description"]
        extra_kwargs = {"description": {"max_length": 4000}}  # as long as a partner's description


@extend_schema_field({"type": "array", "items": {"type": "string", "enum": CustomerClass.values}})
class CustomerClassesField(serializers.Field):
    """Stored as the letters served ('BC'); spoken as a list (["B", "C"])."""

    default_error_messages = {
        "not_a_list": gettext_lazy("Expected a list of customer classes."),
        "invalid_choice": gettext_lazy('"{input}" is not a valid customer class.'),
    }

    def to_representation(self, value):
        return list(value or "")

    def to_internal_value(self, data):
        if not isinstance(data, list):
            self.fail("not_a_list")
        for item in data:
            if not isinstance(item, str) or item not in CustomerClass.values:
                self.fail("invalid_choice", input=str(item)[:10])
        return "".join(sorted(set(data)))


class UserSummarySerializer(serializers.ModelSerializer):
    display_name = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "display_name"]


PARTNER_SELF_SERVICE_FIELDS = ("name_en", "address", "phone", "website", "description")


class PartnerSerializer(serializers.ModelSerializer):
    """A partner as the list shows it. Partner users may only edit their own profile details."""

    partner_type = ScopedSlugRelatedField(slug_field="code", queryset=PartnerType.objects.filter(active=True), scope_action=VIEW)
    partner_type_label = serializers.CharField(source="partner_type.label", read_only=True)
    city = ScopedSlugRelatedField(slug_field="code", queryset=CityBranch.objects.all(), scope_action=VIEW)
    city_label = serializers.CharField(source="city.label", read_only=True)
    cooperation_model_display = ChoiceLabelField(CooperationModel, source="cooperation_model")
    tier_display = ChoiceLabelField(Tier, source="tier")
    status_display = ChoiceLabelField(PartnerStatus, source="status")
    channel_manager = StrictPrimaryKeyRelatedField(
        queryset=User.objects.filter(role=Role.CHANNEL_MANAGER, is_active=True), allow_null=True, required=False
    )
    channel_manager_name = serializers.SerializerMethodField()
    customer_classes = CustomerClassesField(required=False)
    change_reason = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=500,
        help_text="Why tier, status or owner changed; kept in the change history.",
    )

    class Meta:
        model = Partner
        fields = [
            "id", "code", "name", "name_en", "partner_type", "partner_type_label", "cooperation_model",
            "cooperation_model_display", "tier", "tier_display", "city", "city_label", "status", "status_display",
            "joined_on", "channel_manager", "channel_manager_name", "customer_classes", "revenue_share",
            "address", "phone", "website", "created_at", "updated_at", "change_reason",
        ]
        read_only_fields = ["code", "created_at", "updated_at"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_channel_manager_name(self, obj):
        return str(obj.channel_manager) if obj.channel_manager_id else None

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.effective_role == Role.PARTNER:
            for name, field in fields.items():
                if name not in PARTNER_SELF_SERVICE_FIELDS and not field.read_only:
                    field.read_only = True
        return fields

    def validate_revenue_share(self, value):
        if value < 0 or value > 1:
            raise serializers.ValidationError(_("Enter a ratio between 0 and 1 (0.15 means 15%)."))
        return value

    def validate(self, attrs):
        """A channel manager registers partners they will own or in a city branch they cover.

        Anything else would create a partner outside their own write scope (they leave the owner
        out to become it). Hand-overs of existing partners are updates and stay allowed.
        """
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if self.instance is None and user is not None and user.effective_role == Role.CHANNEL_MANAGER:
            owner = attrs.get("channel_manager")
            city = attrs.get("city")
            if owner is not None and owner.pk != user.pk and city is not None:
                if not user.covered_cities.filter(pk=city.pk).exists():
                    raise serializers.ValidationError(
                        {
                            "channel_manager": [
                                _(
                                    "You can register a partner for another channel manager only in a "
                                    "city branch you cover."
                                )
                            ]
                        }
                    )
        return attrs


class PartnerDetailSerializer(PartnerSerializer):
    authorised_products = ScopedSlugRelatedField(
        slug_field="code", many=True, queryset=Product.objects.all(), required=False, scope_action=VIEW
    )
    contacts_count = serializers.IntegerField(source="contacts.count", read_only=True)

    class Meta(PartnerSerializer.Meta):
        fields = PartnerSerializer.Meta.fields + ["description", "authorised_products", "contacts_count"]


class ContactSerializer(serializers.ModelSerializer):
    """A contact; saving one as primary makes the partner's previous primary contact a normal one."""

    partner = ScopedPrimaryKeyRelatedField(queryset=Partner.objects.all())
    partner_code = serializers.CharField(source="partner.code", read_only=True)

    class Meta:
        model = Contact
        fields = [
            "id", "partner", "partner_code", "name", "title", "email", "phone", "is_primary", "notes",
            "created_at", "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        # The one-primary-per-partner constraint is kept by contact_create/contact_update, which
        # switch the primary over; DRF's generated validator would refuse the switch instead.
        validators = []

    def validate_partner(self, partner):
        if self.instance is not None and partner.pk != self.instance.partner_id:
            raise serializers.ValidationError(_("A contact cannot move to another partner."))
        return partner


class PartnerUserSerializer(serializers.ModelSerializer):
    partner = ScopedPrimaryKeyRelatedField(queryset=Partner.objects.all())
    partner_code = serializers.CharField(source="partner.code", read_only=True)
    password = serializers.CharField(
        write_only=True, required=False, allow_blank=False, max_length=128, style={"input_type": "password"},
        help_text="Leave out to create the login without a password (set later by reset).",
    )

    class Meta:
        model = User
        fields = [
            "id", "username", "first_name", "last_name", "email", "phone", "partner", "partner_code",
            "is_active", "last_login", "date_joined", "password",
        ]
        read_only_fields = ["last_login", "date_joined"]

    def validate_partner(self, partner):
        if self.instance is not None and partner.pk != self.instance.partner_id:
            raise serializers.ValidationError(_("A partner user belongs to one partner and cannot move."))
        return partner

    def validate(self, attrs):
        password = attrs.get("password")
        if password:
            # Validate against the user as it will be (a PATCH changes only some fields), so the
            # similarity check sees the stored username and names too.
            candidate = copy.copy(self.instance) if self.instance is not None else User(role=Role.PARTNER)
            for name, value in attrs.items():
                if name != "password":
                    setattr(candidate, name, value)
            try:
                password_validation.validate_password(password, candidate)
            except DjangoValidationError as exc:
                raise serializers.ValidationError({"password": list(exc.messages)})
        return attrs


class SaleRecordSerializer(serializers.ModelSerializer):
    partner = ScopedPrimaryKeyRelatedField(queryset=Partner.objects.all())
    partner_code = serializers.CharField(source="partner.code", read_only=True)
    partner_name = serializers.CharField(source="partner.name", read_only=True)
    product = ScopedSlugRelatedField(slug_field="code", queryset=Product.objects.all(), scope_action=VIEW)
    product_label = serializers.CharField(source="product.label", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = SaleRecord
        fields = [
            "id", "partner", "partner_code", "partner_name", "product", "product_label", "customer_name",
            "customer_class", "amount", "sold_on", "status", "status_display", "source_system", "external_id",
            "created_at", "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        validators = []  # (source_system, external_id) is checked in validate() with a clear message

    def validate(self, attrs):
        source = attrs.get("source_system", getattr(self.instance, "source_system", "manual"))
        external_id = attrs.get("external_id", getattr(self.instance, "external_id", None))
        duplicates = SaleRecord.objects.filter(source_system=source, external_id=external_id)
        if self.instance is not None:
            duplicates = duplicates.exclude(pk=self.instance.pk)
        if duplicates.exists():
            raise serializers.ValidationError(
                {"external_id": [_("A sale with this external id from this source system already exists.")]}
            )
        return attrs


class SaleStatusSerializer(serializers.ModelSerializer):
    """After booking, only a sale's status changes (a refund or a cancellation)."""

    class Meta:
        model = SaleRecord
        fields = ["status"]
        extra_kwargs = {"status": {"required": True}}


class BulkSaleRowListSerializer(serializers.ListSerializer):
    """The rows of a bulk upload: every row is checked, so one answer names every bad row.

    Field errors come from each row's serializer; then the partners and products of the valid
    rows are resolved in one query each (partners in the user's write scope only) and external
    ids repeated within the request are refused. Errors are keyed by row index (DRF's format).
    """

    def to_internal_value(self, data):
        if not isinstance(data, list):
            self.fail("not_a_list", input_type=type(data).__name__)
        if not self.allow_empty and not data:
            self.fail("empty")
        if self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)

        rows, errors = {}, {}
        for index, item in enumerate(data):
            try:
                rows[index] = self.run_child_validation(item)
            except serializers.ValidationError as exc:
                errors[index] = exc.detail
        resolved = self._resolve(rows, errors)
        if errors:
            raise serializers.ValidationError(dict(sorted(errors.items())))
        return resolved

    def _resolve(self, rows: dict, errors: dict) -> list[dict]:
        user = self.context["request"].user
        partner_ids = {row["partner"] for row in rows.values() if "partner" in row}
        partner_codes = {row["partner_code"] for row in rows.values() if "partner_code" in row}
        writable = Partner.objects.visible_to(user, "change")
        by_id = set(writable.filter(pk__in=partner_ids).values_list("pk", flat=True)) if partner_ids else set()
        by_code = dict(writable.filter(code__in=partner_codes).values_list("code", "pk")) if partner_codes else {}
        product_codes = {row["product"] for row in rows.values()}
        products = dict(Product.objects.filter(code__in=product_codes).values_list("code", "pk")) if rows else {}

        seen, resolved = {}, []
        for index, row in rows.items():
            row_errors = {}
            partner_id = row.get("partner")
            if partner_id is not None and partner_id not in by_id:
                row_errors["partner"] = [_("Unknown partner id %(id)s.") % {"id": partner_id}]
            code = row.get("partner_code")
            if code is not None:
                code_id = by_code.get(code)
                if code_id is None:
                    row_errors["partner_code"] = [_("Unknown partner code %(code)s.") % {"code": code}]
                elif partner_id is not None and code_id != partner_id:
                    row_errors["partner_code"] = [_("The partner code does not match the partner id.")]
                partner_id = code_id
            product_id = products.get(row["product"])
            if product_id is None:
                row_errors["product"] = [_("Unknown product code %(code)s.") % {"code": row["product"]}]
            if row["external_id"] in seen:
                row_errors["external_id"] = [
                    _("Duplicate external id in this request (also in row %(row)d).") % {"row": seen[row["external_id"]]}
                ]
            else:
                seen[row["external_id"]] = index
            if row_errors:
                errors[index] = row_errors
            resolved.append(
                {
                    "partner_id": partner_id,
                    "product_id": product_id,
                    "customer_name": row["customer_name"],
                    "customer_class": row["customer_class"],
                    "amount": row["amount"],
                    "sold_on": row["sold_on"],
                    "status": row.get("status", "booked"),
                    "external_id": row["external_id"],
                }
            )
        return resolved


class BulkSaleRowSerializer(serializers.ModelSerializer):
    """One row of a bulk upload. The partner comes as an id or a code; the product as a code."""

    partner = serializers.IntegerField(required=False, min_value=1, max_value=2**62)
    partner_code = serializers.CharField(required=False, max_length=20)
    product = serializers.CharField(max_length=20)

    class Meta:
        model = SaleRecord
        fields = [
            "partner", "partner_code", "product", "customer_name", "customer_class", "amount", "sold_on",
            "status", "external_id",
        ]
        validators = []
        list_serializer_class = BulkSaleRowListSerializer

    def validate(self, attrs):
        if "partner" not in attrs and "partner_code" not in attrs:
            raise serializers.ValidationError({"partner": [_("Give the partner's id or its code.")]})
        return attrs


class BulkSalesSerializer(serializers.Serializer):
    """Errors come per row, keyed by the row's index in `records` (DRF's list error format):
    `{"records": {"3": {"amount": ["…"]}, "7": {"partner": ["…"]}}}`; rows without errors are left out.
    A request with any bad row writes nothing.
    """

    source_system = serializers.RegexField(
        r"^[A-Za-z0-9_.:-]+$", max_length=32, help_text="The sending system; external ids are unique per system."
    )
    records = BulkSaleRowSerializer(many=True, allow_empty=False, max_length=settings.SALES_BULK_MAX_ROWS)


class BulkSalesResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    existing = serializers.IntegerField()
    ids = serializers.DictField(child=serializers.IntegerField(), help_text="Sale id by external id.")


class PartnerChangeSerializer(serializers.ModelSerializer):
    partner_code = serializers.CharField(source="partner.code", read_only=True)
    field_display = serializers.CharField(source="get_field_display", read_only=True)
    changed_by = UserSummarySerializer(read_only=True)

    class Meta:
        model = PartnerChange
        fields = [
            "id", "partner", "partner_code", "field", "field_display", "old_value", "new_value", "changed_by",
            "changed_at", "reason",
        ]


class MeSerializer(serializers.ModelSerializer):
    role = serializers.CharField(source="effective_role", read_only=True)
    role_display = serializers.SerializerMethodField()
    partner = PartnerSerializer(read_only=True)
    display_name = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "first_name", "last_name", "email", "role", "role_display",
                  "partner", "api_write"]

    def get_role_display(self, obj) -> str:
        return str(Role(obj.effective_role).label)


class StatsBucketSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Code or choice value, usable as the list filter's value.")
    label = serializers.CharField(help_text="Name in the request's language.")
    count = serializers.IntegerField()


class PartnerStatsSerializer(serializers.Serializer):
    """Dashboard figures: partner counts over the visible partners that match the filters."""

    total = serializers.IntegerField()
    by_type = StatsBucketSerializer(many=True)
    by_tier = StatsBucketSerializer(many=True)
    by_status = StatsBucketSerializer(many=True)
    by_city = StatsBucketSerializer(many=True)
