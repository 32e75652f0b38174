from django.contrib import admin

from .models import FunnelCell, Prospect, ProspectEvent


class ProspectEventInline(admin.TabularInline):
    model = ProspectEvent
    extra = 0
    readonly_fields = ["kind", "from_status", "to_status", "by", "at", "note"]
    can_delete = False


@admin.register(Prospect)
class ProspectAdmin(admin.ModelAdmin):
    list_display = ["company_name", "partner_type", "city", "source", "status", "entered_on", "applied_on", "decided_on"]
    list_filter = ["status", "source", "partner_type", "city"]
    search_fields = ["company_name", "contact_name", "contact_email"]
    raw_id_fields = ["owner", "decided_by", "partner", "invited_user"]
    readonly_fields = ["status", "created_at", "applied_at", "decided_at", "submitted_ip"]
    inlines = [ProspectEventInline]


@admin.register(FunnelCell)
class FunnelCellAdmin(admin.ModelAdmin):
    list_display = ["as_of", "cohort_month", "partner_type", "city", "prospects", "applied", "registered", "first_sale"]
    list_filter = ["as_of"]
