from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partners")

    def ready(self):
        from prm.navigation import PARTNER_ROLES, STAFF_ROLES, NavItem, register_nav

        from .choices import Role

        # Orders: 10-99 the main pages (later apps slot in between), 900+ the tools at the end.
        register_nav(NavItem(key="dashboard", label=_("Dashboard"), url_name="portal:dashboard",
                             roles=STAFF_ROLES, order=10, icon="dashboard"))
        register_nav(NavItem(key="partners", label=_("Partners"), url_name="portal:partner-list",
                             roles=STAFF_ROLES, order=20, icon="partners"))
        register_nav(NavItem(key="my-organisation", label=_("My organisation"), url_name="portal:my-organisation",
                             roles=PARTNER_ROLES, order=10, icon="organisation"))
        register_nav(NavItem(key="admin", label=_("Admin site"), url_name="admin:index",
                             roles=frozenset({Role.ADMIN}), order=900, icon="admin"))
        register_nav(NavItem(key="api-docs", label=_("API docs"), url_name="api-docs",
                             roles=STAFF_ROLES, order=910, icon="api"))
