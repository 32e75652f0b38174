from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AllocationConfig(AppConfig):
    name = "lifecycle.allocation"
    label = "allocation"
    verbose_name = _("Resource allocation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from prm.navigation import STAFF_ROLES, NavItem, PartnerSection, register_nav, register_partner_section

        from . import builtin_measures  # noqa: F401  (registers the built-in measures)

        register_nav(NavItem(key="allocation", label=_("Resource allocation"), url_name="allocation:grid",
                             roles=STAFF_ROLES, order=34, icon="dashboard"))
        register_partner_section(PartnerSection(key="allocation", label=_("Resource allocation"),
                                                template="allocation/_partner_section.html", roles=STAFF_ROLES,
                                                order=25))
