"""Django admin for support. Writes to calendars and policies go through the same service as the
API (config_save / config_delete), so an edit here recomputes the open tickets it governs."""
from django.contrib import admin

from . import services
from .models import (
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


class ConfigAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        services.config_save(instance=obj, by=request.user)

    def delete_model(self, request, obj):
        services.config_delete(instance=obj, by=request.user)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            services.config_delete(instance=obj, by=request.user)
        for obj in instances:
            services.config_save(instance=obj, by=request.user)
        formset.save_m2m()


class CalendarWindowInline(admin.TabularInline):
    model = CalendarWindow
    extra = 0


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    extra = 0


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(ConfigAdmin):
    list_display = ["name", "timezone", "is_default", "version", "updated_at"]
    inlines = [CalendarWindowInline, CalendarDayInline]


@admin.register(CalendarDay)
class CalendarDayAdmin(ConfigAdmin):
    list_display = ["date", "kind", "name", "calendar"]
    list_filter = ["calendar", "kind"]
    date_hierarchy = "date"


@admin.register(ServiceCentre)
class ServiceCentreAdmin(ConfigAdmin):
    list_display = ["code", "name", "name_zh", "head", "active"]
    filter_horizontal = ["members"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(ConfigAdmin):
    list_display = ["order", "name", "category", "product_type", "cooperation_model", "partner_type", "centre", "active"]
    list_editable = ["active"]
    list_filter = ["centre", "active"]


class SlaTargetInline(admin.TabularInline):
    model = SlaTarget
    extra = 0


@admin.register(SlaPolicy)
class SlaPolicyAdmin(ConfigAdmin):
    list_display = ["order", "name", "category", "priority", "tier", "partner_type", "is_default", "active"]
    list_filter = ["active", "tier", "category"]
    inlines = [SlaTargetInline]


class TicketMessageInline(admin.TabularInline):
    model = TicketMessage
    extra = 0
    readonly_fields = ["author", "body", "internal", "by_partner", "created_at"]
    can_delete = False


class SlaRecordInline(admin.TabularInline):
    model = SlaRecord
    extra = 0
    can_delete = False
    fields = ["code", "status", "started_at", "due_at", "met_at", "breached_at", "paused_seconds", "escalation_level"]
    readonly_fields = fields


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    """Read-mostly: tickets change through the portal and the API (services keep history and clocks)."""

    list_display = ["id", "subject", "partner", "category", "priority", "status", "centre", "assignee", "opened_at"]
    list_filter = ["status", "centre", "category", "priority"]
    search_fields = ["subject", "partner__code", "partner__name"]
    raw_id_fields = ["partner", "contact", "opened_by", "assignee", "product"]
    readonly_fields = ["status", "policy", "opened_at", "first_response_at", "resolved_at", "closed_at"]
    inlines = [SlaRecordInline, TicketMessageInline]
    date_hierarchy = "opened_at"

    def has_add_permission(self, request):
        return False  # opened through the portal or the API, which route it and start its clocks


@admin.register(TicketAttachment)
class TicketAttachmentAdmin(admin.ModelAdmin):
    list_display = ["name", "ticket", "content_type", "size", "internal", "created_at"]
    raw_id_fields = ["ticket", "message", "uploaded_by"]


@admin.register(TicketEvent)
class TicketEventAdmin(admin.ModelAdmin):
    list_display = ["ticket", "kind", "old_value", "new_value", "actor", "at", "internal"]
    list_filter = ["kind", "internal"]
    raw_id_fields = ["ticket", "actor"]


@admin.register(SlaRecord)
class SlaRecordAdmin(admin.ModelAdmin):
    list_display = ["ticket", "code", "status", "due_at", "met_at", "breached_at", "escalation_level"]
    list_filter = ["status", "kind"]
    raw_id_fields = ["ticket", "target"]


@admin.register(SatisfactionRating)
class SatisfactionRatingAdmin(admin.ModelAdmin):
    list_display = ["ticket", "partner", "score", "created_at"]
    list_filter = ["score"]
    raw_id_fields = ["ticket", "partner", "rated_by"]


@admin.register(CalendarWindow)
class CalendarWindowAdmin(ConfigAdmin):
    list_display = ["calendar", "weekday", "start", "end"]
    list_filter = ["calendar", "weekday"]


@admin.register(SlaTarget)
class SlaTargetAdmin(ConfigAdmin):
    list_display = ["policy", "kind", "code", "name", "amount", "unit", "pauses"]
    list_filter = ["policy", "kind"]


@admin.register(TicketMessage)
class TicketMessageAdmin(admin.ModelAdmin):
    list_display = ["ticket", "author", "internal", "by_partner", "created_at"]
    list_filter = ["internal", "by_partner"]
    raw_id_fields = ["ticket", "author"]
