from rest_framework.permissions import SAFE_METHODS, BasePermission

from partners.choices import Role

ALL_ROLES = frozenset(Role.values)
WRITE_ROLES = frozenset({Role.ADMIN, Role.CHANNEL_MANAGER, Role.PARTNER, Role.INTEGRATION})


class RolePermission(BasePermission):
    """Who may call an endpoint at all; which rows they reach is the scoping's business.

    A view lists `read_roles` (default: every role) and `write_roles` (default: the roles that
    can change anything), and may narrow writes per action in `action_write_roles`
    (e.g. only administrators delete partners). Read-only integration tokens never write.
    """

    message = None

    def has_permission(self, request, view):
        user = request.user
        if not user or not user.is_authenticated or not user.is_active:
            return False
        role = user.effective_role
        if request.method in SAFE_METHODS:
            return role in getattr(view, "read_roles", ALL_ROLES)
        if role == Role.INTEGRATION and not user.api_write:
            return False
        allowed = getattr(view, "write_roles", WRITE_ROLES)
        allowed = getattr(view, "action_write_roles", {}).get(getattr(view, "action", None), allowed)
        return role in allowed
