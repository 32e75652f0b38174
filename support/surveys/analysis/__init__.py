"""Survey analysis: importance–performance analysis (IPA), movement between campaigns, the five
category scores per segment, and the weighted satisfaction index per partner.

    cube.py          the prepared aggregate (surveys.AnswerAggregate): incremental + nightly rebuild
    ipa.py           IPA, movement and category scores (selectors over the cube)
    satisfaction.py  the per-partner index: nightly table, lifecycle risk rule, allocation measure
    nightly.py       the nightly job (service) behind the Celery task in tasks.py
    views.py/urls.py the portal page "Importance–performance" (surveys:ipa)

`ready()` is called by SurveysConfig.ready(): it registers the nav entry, the partner page's
"Satisfaction index" section (staff, and a partner user on its own page), the LOW_SATISFACTION
risk rule, the "satisfaction" allocation measure (when lifecycle.allocation exists), the demo
step and the Celery task.
"""


def ready() -> None:
    from django.utils.translation import gettext_lazy as _

    from partners.choices import Role
    from prm.navigation import STAFF_ROLES, NavItem, PartnerSection, register_nav, register_partner_section

    from . import tasks  # noqa: F401 (registers the Celery task)
    from .satisfaction import low_satisfaction_rule, satisfaction_measure

    analysts = frozenset({Role.ADMIN, Role.CHANNEL_MANAGER, Role.PRODUCT_MANAGER})
    register_nav(NavItem(key="surveys-ipa", label=_("Importance–performance"), url_name="surveys:ipa",
                         roles=analysts, order=61, icon="dashboard"))
    register_partner_section(PartnerSection(key="satisfaction", label=_("Satisfaction index"),
                                            template="surveys/ipa_partner_section.html",
                                            roles=STAFF_ROLES | {Role.PARTNER}, order=35))

    try:
        from lifecycle.choices import FlagKind
        from lifecycle.risk_rules import register_rule
    except ImportError:  # pragma: no cover
        pass
    else:
        register_rule(FlagKind.LOW_SATISFACTION, low_satisfaction_rule, description=low_satisfaction_rule.__doc__)

    try:
        from lifecycle.allocation.measures import Measure, register_measure
    except ImportError:  # pragma: no cover - the allocation app is optional
        pass
    else:
        from .satisfaction import MEASURE_MISSING

        register_measure(Measure(
            key="satisfaction",
            label=_("Satisfaction index"),
            description=_("The partner's weighted satisfaction index (0–100): its survey answers of the last "
                          "365 days, satisfaction 1–5 mapped to 0–100 and weighted by the factor weights. "
                          "A partner that has not answered scores 50."),
            query=satisfaction_measure,
            missing=MEASURE_MISSING,
        ))
