"""Extension points of the portal: each app registers its navigation entries and the sections
it adds to the partner detail page, in its AppConfig.ready(). The portal shows each role only
the entries registered for it.

    from prm.navigation import NavItem, PartnerSection, register_nav, register_partner_section
    register_nav(NavItem(key="risk", label=_("High-risk partners"), url_name="lifecycle:risk-list",
                         roles=STAFF_ROLES, order=30))
    register_partner_section(PartnerSection(key="lifecycle", label=_("Lifecycle"),
                             template="lifecycle/_partner_section.html", roles=STAFF_ROLES, order=20))

A section template is included on the partner detail page with `partner` (the Partner object,
already scoped) in its context; it loads its data from the API like the rest of the page.
"""
from dataclasses import dataclass, field

from partners.choices import Role

ALL_ROLES = frozenset(Role.values)
STAFF_ROLES = frozenset({Role.ADMIN, Role.CHANNEL_MANAGER, Role.PRODUCT_MANAGER})
PARTNER_ROLES = frozenset({Role.PARTNER})


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url_name: str
    roles: frozenset = field(default=ALL_ROLES)
    order: int = 100
    icon: str = ""


@dataclass(frozen=True)
class PartnerSection:
    key: str
    label: str
    template: str
    roles: frozenset = field(default=STAFF_ROLES)
    order: int = 100


_nav: dict[str, NavItem] = {}
_sections: dict[str, PartnerSection] = {}


def register_nav(item: NavItem) -> None:
    _nav[item.key] = item


def register_partner_section(section: PartnerSection) -> None:
    _sections[section.key] = section


def _role(user):
    return user.effective_role if user is not None and user.is_authenticated else None


def nav_for(user) -> list[NavItem]:
    role = _role(user)
    return sorted((i for i in _nav.values() if role in i.roles), key=lambda i: (i.order, i.key))


def partner_sections_for(user) -> list[PartnerSection]:
    role = _role(user)
    return sorted((s for s in _sections.values() if role in s.roles), key=lambda s: (s.order, s.key))
