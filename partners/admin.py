from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import CityBranch, Contact, Partner, PartnerChange, PartnerCodeSequence, PartnerType, Product, SaleRecord, User


@admin.register(CityBranch)
class CityBranchAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_zh", "sort_order"]
    search_fields = ["code", "name", "name_zh"]


@admin.register(PartnerType)
class PartnerTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_zh", "is_core", "active"]
    list_filter = ["is_core", "active"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_zh", "product_type", "active"]
    list_filter = ["product_type", "active"]
    search_fields = ["code", "name", "name_zh"]


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


class PartnerChangeInline(admin.TabularInline):
    model = PartnerChange
    extra = 0
    can_delete = False
    readonly_fields = ["field", "old_value", "new_value", "changed_by", "changed_at", "reason"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    """Edits from the admin go through the same service, so the history stays complete."""

    list_display = ["code", "name", "partner_type", "cooperation_model", "tier", "city", "status", "channel_manager"]
    list_filter = ["partner_type", "tier", "status", "cooperation_model", "city"]
    search_fields = ["code", "name", "name_en"]
    readonly_fields = ["code", "created_at", "updated_at"]
    autocomplete_fields = ["channel_manager"]
    filter_horizontal = ["authorised_products"]
    list_select_related = ["partner_type", "city", "channel_manager"]
    inlines = [ContactInline, PartnerChangeInline]

    def save_model(self, request, obj, form, change):
        from . import services

        data = {name: form.cleaned_data[name] for name in form.changed_data if name != "authorised_products"}
        if change:
            services.partner_update(partner=obj, by=request.user, reason=_("Edited in the admin site"), **data)
        else:
            fields = {f: form.cleaned_data[f] for f in form.cleaned_data if f != "authorised_products"}
            saved = services.partner_register(by=request.user, reason=_("Created in the admin site"), **fields)
            obj.pk, obj.code = saved.pk, saved.code


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["name", "partner", "title", "email", "phone", "is_primary"]
    search_fields = ["name", "email", "partner__code", "partner__name"]
    autocomplete_fields = ["partner"]


@admin.register(SaleRecord)
class SaleRecordAdmin(admin.ModelAdmin):
    list_display = ["external_id", "source_system", "partner", "product", "amount", "sold_on", "status"]
    list_filter = ["status", "source_system", "product"]
    search_fields = ["external_id", "customer_name", "partner__code"]
    autocomplete_fields = ["partner"]
    list_select_related = ["partner", "product"]
    date_hierarchy = "sold_on"
    show_full_result_count = False


@admin.register(PartnerChange)
class PartnerChangeAdmin(admin.ModelAdmin):
    list_display = ["partner", "field", "old_value", "new_value", "changed_by", "changed_at", "reason"]
    list_filter = ["field"]
    search_fields = ["partner__code"]
    list_select_related = ["partner", "changed_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PartnerCodeSequence)
class PartnerCodeSequenceAdmin(admin.ModelAdmin):
    list_display = ["prefix", "last_value"]


@admin.register(User)
class PRMUserAdmin(UserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "role", "partner", "is_active"]
    list_filter = ["role", "is_active", "is_superuser"]
    search_fields = ["username", "email", "first_name", "last_name", "partner__code"]
    autocomplete_fields = ["partner"]
    filter_horizontal = ["covered_cities", "groups", "user_permissions"]
    fieldsets = UserAdmin.fieldsets + (
        (_("PRM role"), {"fields": ("role", "partner", "covered_cities", "api_write", "phone")}),
    )
    add_fieldsets = UserAdmin.add_fieldsets + (
        (_("PRM role"), {"fields": ("role", "partner", "email")}),
    )
