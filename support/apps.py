from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = _("Support")

    def ready(self):
        from partners.choices import Role
        from prm.navigation import PARTNER_ROLES, STAFF_ROLES, NavItem, PartnerSection, register_nav, register_partner_section

        from . import risk

        register_nav(NavItem(key="support-queue", label=_("Support queue"), url_name="support:tickets",
                             roles=STAFF_ROLES, order=20, icon="inbox"))
        register_nav(NavItem(key="support-report", label=_("SLA compliance"), url_name="support:report",
                             roles=STAFF_ROLES, order=21, icon="check"))
        register_nav(NavItem(key="support-settings", label=_("SLA policies and calendars"), url_name="support:settings",
                             roles=STAFF_ROLES, order=910, icon="admin"))
        register_nav(NavItem(key="support-my-tickets", label=_("Support requests"), url_name="support:tickets",
                             roles=PARTNER_ROLES, order=20, icon="inbox"))
        register_partner_section(PartnerSection(key="support", label=_("Support requests"),
                                                template="support/_partner_section.html",
                                                roles=STAFF_ROLES | {Role.PARTNER}, order=30))
        risk.register()
        from . import indicators  # the REGULATE indicators of the three-contradictions dashboard

        indicators.register()
        from prm.demo import register_demo_step

        from .demo import seed_support_tickets

        register_demo_step("support", seed_support_tickets, order=30)
