from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "support.surveys"
    label = "surveys"
    verbose_name = _("Satisfaction surveys")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from partners.choices import Role
        from prm.navigation import NavItem, register_nav

        partner = frozenset({Role.PARTNER})
        staff = frozenset({Role.ADMIN, Role.PRODUCT_MANAGER, Role.CHANNEL_MANAGER})
        editors = frozenset({Role.ADMIN, Role.PRODUCT_MANAGER})
        register_nav(NavItem(key="surveys-mine", label=_("My surveys"), url_name="surveys:mine",
                             roles=partner, order=45, icon="edit"))
        register_nav(NavItem(key="surveys-campaigns", label=_("Satisfaction surveys"), url_name="surveys:campaigns",
                             roles=staff, order=60, icon="edit"))
        register_nav(NavItem(key="surveys-factors", label=_("Survey factor weights"), url_name="surveys:factors",
                             roles=editors, order=920, icon="admin"))
        from prm.demo import register_demo_step

        from .demo import seed_surveys

        register_demo_step("surveys", seed_surveys, order=40)
        self._ready_analysis()

    def _ready_analysis(self):
        """The analysis package registers its own pages, measures and rules from `analysis.ready()`."""
        from . import analysis

        analysis.ready()
