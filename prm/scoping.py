"""The one scoping mechanism: every partner-owned row answers `visible_to(user, action)`.

Deny by default. The rules, by role:

* administrator (or superuser): everything;
* channel manager: views every partner's data, changes the partners they own or whose city
  branch they cover;
* product manager: views everything, changes no partner data;
* integration client: views everything, changes everything when its token is read-write;
* partner user: views and changes its own partner's data only;
* anyone else (anonymous, inactive, no role): nothing.

A model opts in by using `ScopedQuerySet` as its manager and naming the path from itself to
`partners.Partner` in `partner_lookup` ("" on Partner itself). Reference data that belongs to
no partner (products, city branches) uses `ReferenceQuerySet`: every signed-in user may view,
only administrators change. The base API viewset and the portal view mixin call these, so no
view can forget.
"""
from django.db import models
from django.db.models import Q

VIEW = "view"
CHANGE = "change"
ACTIONS = (VIEW, CHANGE)


def _role(user):
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return user.effective_role


class ScopedQuerySet(models.QuerySet):
    def _partner_prefix(self):
        lookup = getattr(self.model, "partner_lookup", "partner")
        return f"{lookup}__" if lookup else ""

    def _own_partner_q(self, partner_id):
        lookup = getattr(self.model, "partner_lookup", "partner")
        return Q(**{f"{lookup}_id" if lookup else "pk": partner_id})

    def _managed_q(self, user):
        from partners.models import User

        prefix = self._partner_prefix()
        covered = User.covered_cities.through.objects.filter(user_id=user.pk).values("citybranch_id")
        return Q(**{f"{prefix}channel_manager_id": user.pk}) | Q(**{f"{prefix}city_id__in": covered})

    def visible_to(self, user, action=VIEW):
        from partners.choices import Role

        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        role = _role(user)
        if role == Role.ADMIN:
            return self
        if role == Role.PARTNER:
            if not user.partner_id:
                return self.none()
            return self.filter(self._own_partner_q(user.partner_id))
        if role == Role.CHANNEL_MANAGER:
            return self if action == VIEW else self.filter(self._managed_q(user))
        if role == Role.PRODUCT_MANAGER:
            return self if action == VIEW else self.none()
        if role == Role.INTEGRATION:
            return self if action == VIEW or user.api_write else self.none()
        return self.none()


class ReferenceQuerySet(models.QuerySet):
    """Shared reference data: visible to every signed-in user, changed by administrators."""

    def visible_to(self, user, action=VIEW):
        from partners.choices import Role

        role = _role(user)
        if role not in Role.values:  # anonymous, inactive or without a role
            return self.none()
        if action == VIEW or role == Role.ADMIN:
            return self
        return self.none()


def can(user, action, obj):
    """Whether `user` may perform `action` on one scoped object (one query)."""
    return type(obj)._default_manager.all().visible_to(user, action).filter(pk=obj.pk).exists()
