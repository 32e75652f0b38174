from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    IndicatorRun,
    IndicatorSnapshot,
    LifecycleRun,
    LifecycleRunChunk,
    LifecycleSettings,
    LifecycleSnapshot,
    PartnerLifecycle,
    PlanEvent,
    PlanNote,
    RetentionAction,
    RetentionPlan,
    RiskFlag,
    StageChange,
    StageOverride,
    StagePlaybook,
    StageThreshold,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Computed by the nightly job: viewable, never edited by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LifecycleSettings)
class LifecycleSettingsAdmin(admin.ModelAdmin):
    readonly_fields = ["updated_at", "updated_by"]
    fieldsets = [
        (_("Value score"), {"fields": ["weight_sales", "weight_growth", "weight_breadth", "weight_customers",
                                       "weight_tenure", "breadth_target_products", "customers_target",
                                       "tenure_target_days", "high_value_score"]}),
        (_("Risk flags"), {"fields": ["flag_drop_pct", "flag_drop_serious_pct", "flag_drop_min_prior",
                                      "flag_no_sales_days", "flag_no_sales_serious_days", "support_open_days",
                                      "satisfaction_min", "points_expiry_days", "points_expiry_min_points"]}),
        (_("Plans and job"), {"fields": ["review_period_days", "snapshot_retention_days", "chunk_size",
                                         "notify_individually_max", "updated_at", "updated_by"]}),
    ]

    def has_add_permission(self, request):
        return not LifecycleSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(StageThreshold)
class StageThresholdAdmin(admin.ModelAdmin):
    list_display = ["__str__", "maturity_sales_12m", "maturity_min_tenure_days", "decline_inactive_days",
                    "decline_drop_pct", "decline_min_prior_sales", "exit_inactive_days", "never_sold_exit_days"]


@admin.register(StagePlaybook)
class StagePlaybookAdmin(admin.ModelAdmin):
    list_display = ["stage", "question_en", "question_zh", "updated_at"]
    readonly_fields = ["updated_at", "updated_by"]

    def has_add_permission(self, request):
        return StagePlaybook.objects.count() < 5

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(PartnerLifecycle)
class PartnerLifecycleAdmin(ReadOnlyAdmin):
    list_display = ["partner", "stage", "stage_since", "value_score", "risk_level", "high_risk_since", "as_of"]
    list_filter = ["stage", "risk_level"]
    search_fields = ["partner__code", "partner__name"]
    list_select_related = ["partner"]


@admin.register(LifecycleSnapshot)
class LifecycleSnapshotAdmin(ReadOnlyAdmin):
    list_display = ["as_of", "partner", "stage", "rule_reason", "value_score", "risk_level"]
    list_filter = ["as_of", "stage", "risk_level"]
    search_fields = ["partner__code"]
    list_select_related = ["partner"]


@admin.register(StageChange)
class StageChangeAdmin(ReadOnlyAdmin):
    list_display = ["as_of", "partner", "from_stage", "to_stage", "source", "reason", "changed_by"]
    list_filter = ["source", "to_stage", "reason"]
    search_fields = ["partner__code"]
    list_select_related = ["partner", "changed_by"]


@admin.register(StageOverride)
class StageOverrideAdmin(ReadOnlyAdmin):
    list_display = ["partner", "stage", "valid_from", "valid_until", "ended_on", "created_by", "reason"]
    search_fields = ["partner__code"]
    list_select_related = ["partner", "created_by"]


@admin.register(RiskFlag)
class RiskFlagAdmin(ReadOnlyAdmin):
    list_display = ["partner", "kind", "severity", "first_raised_on", "last_seen_on", "cleared_on"]
    list_filter = ["kind", "severity"]
    search_fields = ["partner__code"]
    list_select_related = ["partner"]


class RetentionActionInline(admin.TabularInline):
    model = RetentionAction
    extra = 0


class PlanNoteInline(admin.TabularInline):
    model = PlanNote
    extra = 0
    readonly_fields = ["author", "created_at"]


class PlanEventInline(admin.TabularInline):
    model = PlanEvent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "by", "at", "details"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RetentionPlan)
class RetentionPlanAdmin(admin.ModelAdmin):
    list_display = ["partner", "kind", "lever", "owner", "status", "opened_on", "review_on", "outcome"]
    list_filter = ["kind", "lever", "status", "outcome"]
    search_fields = ["partner__code", "partner__name", "goal"]
    list_select_related = ["partner", "owner"]
    readonly_fields = ["start_stage", "start_risk_level", "start_value_score", "outcome", "outcome_on",
                       "outcome_detail", "created_by", "created_at", "updated_at"]
    inlines = [RetentionActionInline, PlanNoteInline, PlanEventInline]


class RunChunkInline(admin.TabularInline):
    model = LifecycleRunChunk
    extra = 0
    can_delete = False
    readonly_fields = ["partner_lo", "partner_hi", "status", "attempts", "partners", "stage_changes", "flags_raised",
                       "flags_cleared", "started_at", "finished_at", "error"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(LifecycleRun)
class LifecycleRunAdmin(ReadOnlyAdmin):
    list_display = ["as_of", "mode", "status", "trigger", "chunks_done", "chunks_total", "partners", "stage_changes",
                    "flags_raised", "flags_cleared", "new_high_risk", "duration", "started_at"]
    list_filter = ["status", "mode", "trigger"]
    inlines = [RunChunkInline]


@admin.register(IndicatorSnapshot)
class IndicatorSnapshotAdmin(ReadOnlyAdmin):
    """The three-contradictions indicators' prepared values (lifecycle/indicator_job.py)."""

    list_display = ["key", "as_of", "value", "numerator", "denominator", "computed_at"]
    list_filter = ["key"]
    date_hierarchy = "as_of"


@admin.register(IndicatorRun)
class IndicatorRunAdmin(ReadOnlyAdmin):
    list_display = ["as_of", "status", "computed", "failed", "started_at", "finished_at"]
    list_filter = ["status"]
