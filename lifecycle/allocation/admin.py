from django.contrib import admin

from .models import AllocationChange, AllocationSettings, AllocationWeight, CityMarketPotential, PartnerAllocation


@admin.register(AllocationSettings)
class AllocationSettingsAdmin(admin.ModelAdmin):
    list_display = ("__str__", "attractiveness_bounds", "fit_bounds", "priority", "updated_at")
    readonly_fields = ("updated_at", "updated_by")


@admin.register(AllocationWeight)
class AllocationWeightAdmin(admin.ModelAdmin):
    list_display = ("axis", "measure", "weight")
    list_filter = ("axis",)


@admin.register(CityMarketPotential)
class CityMarketPotentialAdmin(admin.ModelAdmin):
    list_display = ("city", "score")


@admin.register(PartnerAllocation)
class PartnerAllocationAdmin(admin.ModelAdmin):
    list_display = ("partner", "as_of", "attractiveness", "fit", "segment")
    list_filter = ("segment", "tier")
    raw_id_fields = ("partner",)
    readonly_fields = [f.name for f in PartnerAllocation._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(AllocationChange)
class AllocationChangeAdmin(admin.ModelAdmin):
    list_display = ("what", "changed_by", "changed_at")
    readonly_fields = ("what", "before", "after", "changed_by", "changed_at")
