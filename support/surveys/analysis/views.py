"""The portal page "Importance–performance" (staff): a shell whose data comes from
/api/v1/survey-analysis/ through static/js/surveys_ipa.js."""
from django.utils.translation import gettext as _

from partners.choices import CooperationModel, Tier
from partners.models import CityBranch, PartnerType
from prm.portal import STAFF_ROLES, PortalView

from ..models import Campaign
from .ipa import MIN_ANSWERS, Dimension, Lines, Quadrant


def _choices(choices):
    return [[str(value), str(label)] for value, label in choices]


class IpaView(PortalView):
    roles = STAFF_ROLES
    template_name = "surveys/ipa.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        campaigns = Campaign.objects.exclude(status="draft").order_by("-opens_on", "-id")
        context["ipa_choices"] = {
            "campaign": [[str(c.pk), c.label] for c in campaigns],
            "partner_type": [[t.code, t.label] for t in PartnerType.objects.filter(active=True)],
            "cooperation_model": _choices(CooperationModel.choices),
            "tier": _choices(Tier.choices),
            "city": [[c.code, c.label] for c in CityBranch.objects.all()],
            "lines": _choices(Lines.choices),
            "by": _choices(Dimension.choices),
            "quadrant": _choices(Quadrant.choices),
        }
        context["multi_filters"] = [
            ("partner_type", _("Partner type")), ("cooperation_model", _("Cooperation model")),
            ("tier", _("Certification tier")), ("city", _("City branch")),
        ]
        context["min_answers"] = MIN_ANSWERS
        return context
