from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LifecycleConfig(AppConfig):
    name = "lifecycle"
    verbose_name = _("Lifecycle")

    def ready(self):
        from partners.choices import Role
        from prm.navigation import STAFF_ROLES, NavItem, PartnerSection, register_nav, register_partner_section

        from . import retention_indicators
        from . import risk_rules  # noqa: F401  (registers the built-in risk rules)

        retention_indicators.register()  # the RETAIN indicators of the three-contradictions dashboard

        register_nav(NavItem(key="three-contradictions", label=_("Three contradictions"),
                             url_name="lifecycle:contradictions", roles=STAFF_ROLES, order=11, icon="dashboard"))
        register_nav(NavItem(key="lifecycle-funnel", label=_("Lifecycle funnel"), url_name="lifecycle:funnel",
                             roles=STAFF_ROLES, order=30, icon="dashboard"))
        register_nav(NavItem(key="early-warning", label=_("Early warning"), url_name="lifecycle:early-warning",
                             roles=STAFF_ROLES, order=31, icon="alert"))
        register_nav(NavItem(key="retention-plans", label=_("Retention plans"), url_name="lifecycle:plan-list",
                             roles=STAFF_ROLES, order=32, icon="check"))
        register_nav(NavItem(key="win-back", label=_("Win-back"), url_name="lifecycle:win-back",
                             roles=STAFF_ROLES, order=33, icon="refresh"))
        register_nav(NavItem(key="lifecycle-runs", label=_("Lifecycle job runs"), url_name="lifecycle:runs",
                             roles=frozenset({Role.ADMIN}), order=905, icon="admin"))
        register_partner_section(PartnerSection(key="lifecycle", label=_("Lifecycle"),
                                                template="lifecycle/_partner_section.html", roles=STAFF_ROLES,
                                                order=20))
