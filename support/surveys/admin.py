from django.contrib import admin

from .models import Answer, Campaign, Invitation, Response, SurveyCategory, SurveyEvent, SurveyFactor


@admin.register(SurveyCategory)
class SurveyCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_zh", "sort_order"]


@admin.register(SurveyFactor)
class SurveyFactorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_zh", "category", "weight", "active", "sort_order"]
    list_filter = ["category", "active"]
    search_fields = ["code", "name", "name_zh"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "status", "opens_on", "closes_on", "launched_at", "closed_at"]
    list_filter = ["kind", "status"]
    search_fields = ["name", "name_zh"]
    filter_horizontal = ["target_partner_types", "target_cities", "factors"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Invitations and answers are written by the services and jobs only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "partner", "ticket", "status", "invited_at", "reminders_sent", "answered_at"]
    list_filter = ["status", "campaign"]
    raw_id_fields = ["partner", "ticket"]


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    can_delete = False
    readonly_fields = ["factor", "importance", "satisfaction"]


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "partner", "respondent", "submitted_at"]
    list_filter = ["campaign"]
    raw_id_fields = ["invitation", "partner", "respondent"]
    inlines = [AnswerInline]


@admin.register(SurveyEvent)
class SurveyEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "kind", "campaign", "factor", "by"]
    list_filter = ["kind"]
