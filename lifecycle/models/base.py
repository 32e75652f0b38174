from prm.scoping import ScopedQuerySet, _role


class InternalQuerySet(ScopedQuerySet):
    """Scoped like all partner data, except that partner users see none of it: stages, scores,
    flags and plans are the operator's internal view of a partner."""

    def visible_to(self, user, action="view"):
        from partners.choices import Role

        if _role(user) in (None, Role.PARTNER):
            return self.none()
        return super().visible_to(user, action)


class AdminOnlyQuerySet(ScopedQuerySet):
    """Job runs: administrators only."""

    def visible_to(self, user, action="view"):
        from partners.choices import Role

        return self if _role(user) == Role.ADMIN else self.none()
