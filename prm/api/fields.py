import functools

from django.utils.translation import get_language
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


class StrictPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related object by id; the id must be a whole number (1.5 is refused, not read as 1)."""

    def to_internal_value(self, data):
        if isinstance(data, float):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


class ScopedPrimaryKeyRelatedField(ScopedRelatedMixin, StrictPrimaryKeyRelatedField):
    pass


class ScopedSlugRelatedField(ScopedRelatedMixin, serializers.SlugRelatedField):
    pass


__all__ = [
    "ChoiceLabelField",
    "choice_labels",
    "ScopedPrimaryKeyRelatedField",
    "ScopedSlugRelatedField",
    "StrictPrimaryKeyRelatedField",
    "CHANGE",
    "VIEW",
]


class ChoiceLabelField(serializers.CharField):
    """The label of a choice in the request's language, e.g. `ChoiceLabelField(Tier, source="tier")`.

    Says what `source="get_tier_display"` says, from a table per language: Django's
    `get_FOO_display` rebuilds a dict of every choice (hashing each lazy label) on each call, and
    DRF inspects the method's signature each time, which dominated the cost of a list page.
    """

    def __init__(self, choices, **kwargs):
        self.choices_class = choices
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        return choice_labels(self.choices_class, get_language()).get(value, value)


@functools.lru_cache(maxsize=256)
def choice_labels(choices, language):
    """{value: label} of a TextChoices class in one language (labels are strings, not lazy)."""
    return {value: str(label) for value, label in choices.choices}
