from django.contrib import admin

from . import models


@admin.register(models.TierLevel)
class TierLevelAdmin(admin.ModelAdmin):
    list_display = ["tier", "rank", "min_points", "min_trained_people", "max_open_compliance_issues",
                    "min_active_customers", "earn_multiplier_pct"]


@admin.register(models.EarningRule)
class EarningRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "product", "product_type", "partner_type", "points", "per_amount",
                    "valid_from", "valid_to", "priority", "cap_per_sale", "cap_per_partner", "active"]
    list_filter = ["kind", "active", "product_type", "partner_type"]
    search_fields = ["name", "name_zh"]


@admin.register(models.Reward)
class RewardAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "category", "cost_points", "stock", "min_tier", "active"]
    list_filter = ["category", "active", "min_tier"]
    search_fields = ["code", "name", "name_zh"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Ledger-side rows are written by the services and the nightly job only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["id", "partner", "kind", "points", "source_type", "source_id", "effective_on", "expires_on",
                    "remaining", "unsettled", "created_at"]
    list_filter = ["kind", "source_type"]
    raw_id_fields = ["partner"]
    show_full_result_count = False


@admin.register(models.LotAllocation)
class LotAllocationAdmin(ReadOnlyAdmin):
    list_display = ["id", "debit_id", "lot_id", "points"]
    show_full_result_count = False


@admin.register(models.PointsBalance)
class PointsBalanceAdmin(ReadOnlyAdmin):
    list_display = ["partner", "points", "qualifying_points", "qualified_tier", "evaluated_on"]
    search_fields = ["partner__code", "partner__name"]


@admin.register(models.PointsAdjustment)
class PointsAdjustmentAdmin(ReadOnlyAdmin):
    list_display = ["partner", "points", "reason", "created_by", "created_at"]


@admin.register(models.Redemption)
class RedemptionAdmin(ReadOnlyAdmin):
    list_display = ["id", "partner", "reward", "points", "status", "requested_at", "decided_at"]
    list_filter = ["status"]


@admin.register(models.TierReview)
class TierReviewAdmin(ReadOnlyAdmin):
    list_display = ["id", "partner", "from_tier", "to_tier", "direction", "status", "opened_on", "eligible_on"]
    list_filter = ["status", "direction"]


@admin.register(models.TrainedPerson)
class TrainedPersonAdmin(admin.ModelAdmin):
    list_display = ["name", "partner", "course", "trained_on", "valid_until"]
    raw_id_fields = ["partner"]


@admin.register(models.ComplianceIssue)
class ComplianceIssueAdmin(admin.ModelAdmin):
    list_display = ["summary", "partner", "opened_on", "resolved_on"]
    raw_id_fields = ["partner"]


@admin.register(models.AccrualRun)
class AccrualRunAdmin(ReadOnlyAdmin):
    list_display = ["id", "as_of", "status", "chunks_done", "chunks_total", "earned", "reversed", "expired",
                    "reviews_opened", "started_at", "finished_at"]
