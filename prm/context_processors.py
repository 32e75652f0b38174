import logging

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from partners.choices import Role
from prm.navigation import nav_for

logger = logging.getLogger(__name__)


def _nav(request, user):
    """The navigation entries registered for the user's role, with URLs and the current one."""
    path = request.path
    items = []
    for item in nav_for(user):
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            # An app registered an entry whose page is not wired up: show no dead link.
            # (tests/partners/test_portal_views.py checks that every entry resolves.)
            logger.warning("navigation entry %r names an unknown URL %r; not shown", item.key, item.url_name)
            continue
        items.append(
            {
                "key": item.key,
                "label": item.label,
                "url": url,
                "icon": item.icon or "dot",
                # Entries ordered 900 and later are tools (admin site, API docs): shown apart.
                "tool": item.order >= 900,
                "active": url != "/" and path.startswith(url),
            }
        )
    return items


def portal(request):
    """Role flags, the navigation and the unread count the portal's layout uses."""
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    role = user.effective_role if signed_in else None

    def notifications_unread():
        from prm.models import Notification

        return Notification.objects.visible_to(user).unread().count() if signed_in else 0

    nav = _nav(request, user) if signed_in else []
    return {
        "role": role,
        "is_admin": role == Role.ADMIN,
        "is_channel_manager": role == Role.CHANNEL_MANAGER,
        "is_product_manager": role == Role.PRODUCT_MANAGER,
        "is_partner_user": role == Role.PARTNER,
        "is_staff_role": role in (Role.ADMIN, Role.CHANNEL_MANAGER, Role.PRODUCT_MANAGER),
        "role_label": Role(role).label if role else "",
        "time_zone": settings.TIME_ZONE,
        "nav_items": [item for item in nav if not item["tool"]],
        "nav_tools": [item for item in nav if item["tool"]],
        # A callable: the count query runs only when a template shows it.
        "notifications_unread": notifications_unread,
    }
