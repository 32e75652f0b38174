"""Portal pages of the satisfaction surveys. Each page is a shell whose data comes from
/api/v1/survey-… through static/js/surveys*.js, so the portal shows exactly what the API allows."""
from partners.choices import CooperationModel, Role, Tier
from partners.models import CityBranch, PartnerType
from prm.portal import STAFF_ROLES, PortalView, scoped_object_or_404

from .choices import CampaignStatus, InvitationStatus
from .models import Invitation

PARTNER = frozenset({Role.PARTNER})
EDITORS = frozenset({Role.ADMIN, Role.PRODUCT_MANAGER})


def _choices(choices):
    return {value: str(label) for value, label in choices}


class MySurveysView(PortalView):
    """Partner users: the surveys their partner is invited to."""

    roles = PARTNER
    template_name = "surveys/mine.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["survey_choices"] = {"invitation_status": _choices(InvitationStatus.choices)}
        return context


class AnswerView(PortalView):
    """Partner users: answer one invitation (a card per factor, grouped by the five categories)."""

    roles = PARTNER
    template_name = "surveys/answer.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["invitation"] = scoped_object_or_404(
            Invitation.objects.select_related("campaign"), self.request.user, kwargs["pk"]
        )
        return context


class CampaignsView(PortalView):
    """Staff: campaigns with their response rates; administrators and product managers manage them."""

    roles = STAFF_ROLES
    template_name = "surveys/campaigns.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_manage"] = self.request.user.effective_role in EDITORS
        context["partner_types"] = PartnerType.objects.filter(active=True).order_by("code")
        context["cities"] = CityBranch.objects.order_by("sort_order", "code")
        context["cooperation_models"] = CooperationModel.choices
        context["tiers"] = Tier.choices
        context["survey_choices"] = {"campaign_status": _choices(CampaignStatus.choices)}
        return context


class FactorsView(PortalView):
    """Administrators and product managers: the factors' weights in the satisfaction index."""

    roles = EDITORS
    template_name = "surveys/factors.html"
