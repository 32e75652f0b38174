from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from prm.api.fields import VIEW, ScopedPrimaryKeyRelatedField, ScopedSlugRelatedField
from partners.choices import CustomerClass, Role
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


@extend_schema_field({"type": "array", "items": {"type": "string", "enum": CustomerClass.values}})
class CustomerClassesField(serializers.Field):
    """Stored as the letters served ('BC'); spoken as a list (["B", "C"])."""

    default_error_messages = {
        "not_a_list": "Expected a list of customer classes.",
        "invalid_choice": '"{input}" is not a valid customer class.',
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
    cooperation_model_display = serializers.CharField(source="get_cooperation_model_display", read_only=True)
    tier_display = serializers.CharField(source="get_tier_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    channel_manager = serializers.PrimaryKeyRelatedField(
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


class PartnerDetailSerializer(PartnerSerializer):
    authorised_products = ScopedSlugRelatedField(
        slug_field="code", many=True, queryset=Product.objects.all(), required=False, scope_action=VIEW
    )
    contacts_count = serializers.IntegerField(source="contacts.count", read_only=True)

    class Meta(PartnerSerializer.Meta):
        fields = PartnerSerializer.Meta.fields + ["description", "authorised_products", "contacts_count"]


class ContactSerializer(serializers.ModelSerializer):
    partner = ScopedPrimaryKeyRelatedField(queryset=Partner.objects.all())
    partner_code = serializers.CharField(source="partner.code", read_only=True)

    class Meta:
        model = Contact
        fields = [
            "id", "partner", "partner_code", "name", "title", "email", "phone", "is_primary", "notes",
            "created_at", "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

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
            candidate = User(**{k: v for k, v in attrs.items() if k != "password"})
            try:
                password_validation.validate_password(password, candidate)
            except Exception as exc:  # django.core.exceptions.ValidationError
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

    def validate(self, attrs):
        if "partner" not in attrs and "partner_code" not in attrs:
            raise serializers.ValidationError({"partner": [_("Give the partner's id or its code.")]})
        return attrs


class BulkSalesSerializer(serializers.Serializer):
    source_system = serializers.RegexField(
        r"^[A-Za-z0-9_.:-]+$", max_length=32, help_text="The sending system; external ids are unique per system."
    )
    records = BulkSaleRowSerializer(many=True, allow_empty=False, max_length=settings.SALES_BULK_MAX_ROWS)

    def validate(self, attrs):
        """Resolve partners and products in one query each and report every bad row at once."""
        user = self.context["request"].user
        rows = attrs["records"]
        partner_ids = {row["partner"] for row in rows if "partner" in row}
        partner_codes = {row["partner_code"] for row in rows if "partner_code" in row}
        writable = Partner.objects.visible_to(user, "change")
        by_id = set(writable.filter(pk__in=partner_ids).values_list("pk", flat=True)) if partner_ids else set()
        by_code = dict(writable.filter(code__in=partner_codes).values_list("code", "pk")) if partner_codes else {}
        products = dict(Product.objects.filter(code__in={row["product"] for row in rows}).values_list("code", "pk"))

        errors, seen, resolved = [], {}, []
        for index, row in enumerate(rows):
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
            errors.append(row_errors)
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
        if any(errors):
            raise serializers.ValidationError({"records": errors})
        attrs["records"] = resolved
        return attrs


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
