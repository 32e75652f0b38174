from rest_framework import serializers

from prm.scoping import CHANGE, VIEW


class ScopedRelatedMixin:
    """A related-object input that only accepts objects in the requesting user's scope.

    Partner-owned targets need the CHANGE scope (a partner user cannot attach anything to
    another partner); reference data (products, cities) needs VIEW. Out-of-scope ids read as
    "does not exist", exactly like unknown ones.
    """

    def __init__(self, *args, scope_action=CHANGE, **kwargs):
        self.scope_action = scope_action
        super().__init__(*args, **kwargs)

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        return queryset.visible_to(getattr(request, "user", None), self.scope_action)


class ScopedPrimaryKeyRelatedField(ScopedRelatedMixin, serializers.PrimaryKeyRelatedField):
    pass


class ScopedSlugRelatedField(ScopedRelatedMixin, serializers.SlugRelatedField):
    pass


__all__ = ["ScopedPrimaryKeyRelatedField", "ScopedSlugRelatedField", "CHANGE", "VIEW"]
