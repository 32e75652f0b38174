"""Portal pages of the loyalty programme. Each page is a shell whose data comes from
/api/v1/loyalty/ through static/js/loyalty*.js, so the portal shows exactly what the API allows."""
from django.utils.translation import gettext_lazy as _

from partners.choices import Role, Tier
from partners.models import Partner
from prm.portal import STAFF_ROLES, PortalView, scoped_object_or_404
from prm.scoping import CHANGE, can

from .choices import EntryKind, RedemptionStatus, ReviewDirection, ReviewStatus, RewardCategory, RuleKind

PARTNER = frozenset({Role.PARTNER})
PROGRAMME_WRITERS = frozenset({Role.ADMIN, Role.PRODUCT_MANAGER})
FULFILLERS = frozenset({Role.ADMIN, Role.CHANNEL_MANAGER})


def _choices(choices):
    return {value: str(label) for value, label in choices}


def loyalty_choices():
    return {
        "kind": _choices(EntryKind.choices),
        "tier": _choices(Tier.choices),
        "redemption_status": _choices(RedemptionStatus.choices),
        "review_status": _choices(ReviewStatus.choices),
        "direction": _choices(ReviewDirection.choices),
        "category": _choices(RewardCategory.choices),
        "rule_kind": _choices(RuleKind.choices),
        "metric": {
            "qualifying_points": str(_("qualifying points")),
            "trained_people": str(_("trained people")),
            "active_customers": str(_("active customers")),
            "open_compliance_issues": str(_("open compliance issues (at most)")),
        },
    }


class LoyaltyPage(PortalView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["loyalty_choices"] = loyalty_choices()
        return context


class PointsView(LoyaltyPage):
    """My points: balance, tier progress, expiry schedule and the ledger (partner users)."""

    roles = PARTNER
    template_name = "loyalty/points.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["partner"] = self.request.user.partner
        context["can_adjust"] = False
        return context


class PartnerLedgerView(LoyaltyPage):
    """Staff: any partner's points, ledger and tier progress; manual adjustments."""

    roles = STAFF_ROLES
    template_name = "loyalty/points.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        partner = scoped_object_or_404(Partner, self.request.user, kwargs["partner_id"])
        context["partner"] = partner
        context["staff_view"] = True
        context["can_adjust"] = self.request.user.effective_role in FULFILLERS and can(
            self.request.user, CHANGE, partner
        )
        return context


class RewardsView(LoyaltyPage):
    roles = PARTNER
    template_name = "loyalty/rewards.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["partner"] = self.request.user.partner
        return context


class RedemptionsView(LoyaltyPage):
    """Partner users: their redemptions. Administrators and channel managers: the queue to fulfil."""

    roles = PARTNER | FULFILLERS | {Role.PRODUCT_MANAGER}
    template_name = "loyalty/redemptions.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_decide"] = self.request.user.effective_role in FULFILLERS
        return context


class TierReviewsView(LoyaltyPage):
    roles = STAFF_ROLES
    template_name = "loyalty/tier_reviews.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_decide"] = self.request.user.effective_role in PROGRAMME_WRITERS
        return context


class ProgrammeView(LoyaltyPage):
    """The programme report (charts), earning rules, tier levels and the rewards catalogue."""

    roles = STAFF_ROLES
    template_name = "loyalty/programme.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_manage"] = self.request.user.effective_role in PROGRAMME_WRITERS
        return context
