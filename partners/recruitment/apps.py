from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecruitmentConfig(AppConfig):
    name = "partners.recruitment"
    label = "recruitment"
    verbose_name = _("Recruitment")

    def ready(self):
        from prm.demo import register_demo_step
        from prm.navigation import STAFF_ROLES, NavItem, register_nav

        from .demo import seed_recruitment

        register_nav(NavItem(key="recruitment", label=_("Recruitment"), url_name="recruitment:prospect-list",
                             roles=STAFF_ROLES, order=25, icon="inbox"))
        register_nav(NavItem(key="recruitment-funnel", label=_("Recruitment funnel"), url_name="recruitment:funnel",
                             roles=STAFF_ROLES, order=26, icon="dashboard"))
        register_demo_step("recruitment", seed_recruitment, order=20)
        try:
            from . import indicators
        except ImportError:  # the indicator registry (lifecycle.indicators) is not installed
            return
        indicators.register()
