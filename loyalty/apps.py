from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoyaltyConfig(AppConfig):
    name = "loyalty"
    verbose_name = _("Loyalty")

    def ready(self):
        from partners.choices import Role
        from prm.navigation import NavItem, PartnerSection, register_nav, register_partner_section

        partner = frozenset({Role.PARTNER})
        register_nav(NavItem(key="loyalty-points", label=_("My points"), url_name="loyalty:points", roles=partner, order=40))
        register_nav(NavItem(key="loyalty-rewards", label=_("Rewards"), url_name="loyalty:rewards", roles=partner, order=41))
        register_nav(
            NavItem(key="loyalty-my-redemptions", label=_("My redemptions"), url_name="loyalty:redemptions",
                    roles=partner, order=42)
        )
        register_nav(
            NavItem(key="loyalty-tier-reviews", label=_("Tier reviews"), url_name="loyalty:tier-reviews",
                    roles=frozenset({Role.PRODUCT_MANAGER, Role.ADMIN}), order=50)
        )
        register_nav(
            NavItem(key="loyalty-redemptions", label=_("Redemptions to fulfil"), url_name="loyalty:redemptions",
                    roles=frozenset({Role.ADMIN, Role.CHANNEL_MANAGER}), order=51)
        )
        register_nav(
            NavItem(key="loyalty-programme", label=_("Loyalty programme"), url_name="loyalty:programme",
                    roles=frozenset({Role.ADMIN, Role.PRODUCT_MANAGER, Role.CHANNEL_MANAGER}), order=52)
        )
        register_partner_section(
            PartnerSection(key="loyalty", label=_("Points and tier"), template="loyalty/_partner_section.html",
                           roles=frozenset({Role.ADMIN, Role.CHANNEL_MANAGER, Role.PRODUCT_MANAGER}), order=40)
        )
        self._register_risk_rule()

    def _register_risk_rule(self):
        try:
            from lifecycle import risk_rules  # noqa: F401
        except ImportError:
            return
        from . import risk  # registers the "points about to expire unused" rule

        risk.register()
