from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from partners.choices import CooperationModel, Role, Tier
from partners.models import CityBranch, PartnerType
from prm.api.fields import CHANGE, ScopedPrimaryKeyRelatedField

from ..choices import CampaignKind, CampaignStatus, InvitationStatus
from ..models import Answer, Campaign, Invitation, Response, SurveyCategory, SurveyFactor


class CategorySerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)

    class Meta:
        model = SurveyCategory
        fields = ["id", "code", "name", "name_zh", "label", "sort_order"]


class FactorSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)
    description_label = serializers.CharField(read_only=True)
    category_code = serializers.CharField(source="category.code", read_only=True)

    class Meta:
        model = SurveyFactor
        fields = ["id", "code", "name", "name_zh", "label", "description", "description_zh", "description_label",
                  "category", "category_code", "weight", "active", "sort_order"]
        read_only_fields = ["code", "category"]
        extra_kwargs = {"weight": {"min_value": 0}}


class QuestionSerializer(serializers.ModelSerializer):
    """A factor as asked in a survey."""

    label = serializers.CharField(read_only=True)
    description_label = serializers.CharField(read_only=True)
    category_code = serializers.CharField(source="category.code", read_only=True)

    class Meta:
        model = SurveyFactor
        fields = ["id", "code", "label", "description_label", "category", "category_code"]


class CampaignSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    target_partner_types = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=PartnerType.objects.all()
    )
    target_cities = serializers.PrimaryKeyRelatedField(many=True, required=False, queryset=CityBranch.objects.all())
    target_cooperation_models = serializers.ListField(
        child=serializers.ChoiceField(choices=CooperationModel.choices), required=False, max_length=20
    )
    target_tiers = serializers.ListField(child=serializers.ChoiceField(choices=Tier.choices), required=False,
                                         max_length=5)
    factors = serializers.PrimaryKeyRelatedField(many=True, required=False,
                                                 queryset=SurveyFactor.objects.filter(active=True))
    invited = serializers.SerializerMethodField()
    answered = serializers.SerializerMethodField()
    responses = serializers.SerializerMethodField()
    response_rate = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = [
            "id", "code", "name", "name_zh", "label", "kind", "kind_display", "status", "status_display", "opens_on",
            "closes_on", "remind_every_days", "max_reminders", "target_partner_types", "target_cooperation_models",
            "target_tiers", "target_cities", "factors", "created_at", "launched_at", "closed_at",
            "invited", "answered", "responses", "response_rate",
        ]
        read_only_fields = ["code", "kind", "status", "created_at", "launched_at", "closed_at"]

    def _staff(self) -> bool:
        request = self.context.get("request")
        return bool(request and request.user.effective_role != Role.PARTNER)

    def _count(self, obj, name):
        return getattr(obj, name, None) if self._staff() else None

    def get_invited(self, obj) -> int | None:
        return self._count(obj, "invited_count")

    def get_answered(self, obj) -> int | None:
        return self._count(obj, "answered_count")

    def get_responses(self, obj) -> int | None:
        return self._count(obj, "responses_count")

    def get_response_rate(self, obj) -> float | None:
        """Share of invited partners that answered (0–1)."""
        invited, answered = self._count(obj, "invited_count"), self._count(obj, "answered_count")
        return round(answered / invited, 4) if invited else None

    def validate(self, attrs):
        opens, closes = attrs.get("opens_on"), attrs.get("closes_on")
        if self.instance is not None:
            opens = opens if "opens_on" in attrs else self.instance.opens_on
            closes = closes if "closes_on" in attrs else self.instance.closes_on
        if opens and closes and closes < opens:
            raise serializers.ValidationError({"closes_on": _("The closing day cannot be before the opening day.")})
        return attrs


class CampaignStatsSerializer(serializers.Serializer):
    invited = serializers.IntegerField()
    pending = serializers.IntegerField()
    answered = serializers.IntegerField()
    expired = serializers.IntegerField()
    responses = serializers.IntegerField()
    response_rate = serializers.FloatField(allow_null=True)
    by_city = serializers.ListField(child=serializers.DictField())


class InvitationSerializer(serializers.ModelSerializer):
    campaign_label = serializers.CharField(source="campaign.label", read_only=True)
    campaign_kind = serializers.ChoiceField(source="campaign.kind", choices=CampaignKind.choices, read_only=True)
    campaign_status = serializers.ChoiceField(source="campaign.status", choices=CampaignStatus.choices, read_only=True)
    opens_on = serializers.DateField(source="campaign.opens_on", read_only=True)
    closes_on = serializers.DateField(source="campaign.closes_on", read_only=True)
    partner_code = serializers.CharField(source="partner.code", read_only=True)
    partner_name = serializers.CharField(source="partner.name", read_only=True)
    ticket_subject = serializers.CharField(source="ticket.subject", read_only=True, default=None)
    status = serializers.ChoiceField(choices=InvitationStatus.choices, read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    answered_by_me = serializers.SerializerMethodField()
    can_answer = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = [
            "id", "campaign", "campaign_label", "campaign_kind", "campaign_status", "opens_on", "closes_on",
            "partner", "partner_code", "partner_name", "ticket", "ticket_subject", "status", "status_display",
            "invited_at", "reminders_sent", "last_reminded_at", "answered_at", "answered_by_me", "can_answer",
        ]
        read_only_fields = fields

    def get_answered_by_me(self, obj) -> bool:
        return bool(getattr(obj, "answered_by_me", False))

    def get_can_answer(self, obj) -> bool:
        """Whether the requesting user may answer now (a partner user who has not answered yet)."""
        today = self.context.get("today")
        request = self.context.get("request")
        return bool(
            request and request.user.effective_role == Role.PARTNER and today
            and obj.status != InvitationStatus.EXPIRED and not getattr(obj, "answered_by_me", False)
            and obj.campaign.accepts_answers_on(today)
        )


class InvitationDetailSerializer(InvitationSerializer):
    questions = QuestionSerializer(source="campaign.factors", many=True, read_only=True)

    class Meta(InvitationSerializer.Meta):
        fields = [*InvitationSerializer.Meta.fields, "questions"]
        read_only_fields = fields


class AnswerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Answer
        fields = ["factor", "importance", "satisfaction"]


class AnswerInputSerializer(serializers.Serializer):
    factor = serializers.IntegerField(help_text="A factor id of the campaign.")
    importance = serializers.IntegerField(min_value=1, max_value=5, help_text="How important, 1–5.")
    satisfaction = serializers.IntegerField(min_value=1, max_value=5, help_text="How satisfied, 1–5.")


@extend_schema_field(AnswerInputSerializer(many=True))
class AnswersField(serializers.ListField):
    """The answers, checked by the service (every factor of the campaign once, both ratings 1–5);
    its errors come back per factor id: {"answers": {"<factor id>": [...], "__all__": [...]}}."""

    child = serializers.DictField()


class ResponseSerializer(serializers.ModelSerializer):
    invitation = ScopedPrimaryKeyRelatedField(queryset=Invitation.objects.all(), scope_action=CHANGE)
    answers = AnswerSerializer(many=True, read_only=True)
    partner_name = serializers.CharField(source="partner.name", read_only=True)
    campaign_label = serializers.CharField(source="campaign.label", read_only=True)
    respondent_name = serializers.SerializerMethodField()

    class Meta:
        model = Response
        fields = [
            "id", "invitation", "campaign", "campaign_label", "partner", "partner_name", "respondent",
            "respondent_name", "submitted_at", "comment", "partner_type", "cooperation_model", "tier", "city",
            "answers",
        ]
        read_only_fields = ["campaign", "partner", "respondent", "submitted_at", "partner_type", "cooperation_model",
                            "tier", "city"]

    def get_respondent_name(self, obj) -> str:
        return str(obj.respondent) if obj.respondent_id else ""


class ResponseCreateSerializer(serializers.Serializer):
    invitation = ScopedPrimaryKeyRelatedField(queryset=Invitation.objects.all(), scope_action=CHANGE)
    answers = AnswersField(allow_empty=True)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")

