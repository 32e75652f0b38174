import copy

import django_filters
from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _, gettext_lazy as _lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter


class StrictOrderingFilter(OrderingFilter):
    """Ordering by a field the view does not offer is a 400, not silently ignored.

    A view may sort a field by an expression rather than by its stored value, e.g. the tier by
    its rank (registered < certified < gold) instead of alphabetically: name it in
    `ordering_expressions = {"tier": <expression>}`; `?ordering=-tier` then sorts by the expression.
    """

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view)
        if not ordering:
            return queryset
        expressions = getattr(view, "ordering_expressions", {})
        terms = []
        for term in ordering:
            name = term.lstrip("-")
            if isinstance(term, str) and name in expressions:
                alias = f"_rank_{name}"
                queryset = queryset.alias(**{alias: expressions[name]})
                term = f"-{alias}" if term.startswith("-") else alias
            terms.append(term)
        return queryset.order_by(*terms)

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if params:
            fields = [param.strip() for param in params.split(",") if param.strip()]
            valid = {name for name, _label in self.get_valid_fields(queryset, view, {"request": request})}
            unknown = [f for f in fields if f.lstrip("-") not in valid]
            if unknown:
                raise ValidationError(
                    {
                        self.ordering_param: [
                            _("Unknown ordering field(s): %(fields)s. Choose from: %(valid)s.")
                            % {"fields": ", ".join(unknown), "valid": ", ".join(sorted(valid))}
                        ]
                    }
                )
            return fields
        return self.get_default_ordering(view)


MAX_DB_ID = 2**63 - 1  # the largest id a 64-bit primary key holds


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """A row id: a whole number from 1 to the largest 64-bit id; anything else is a 400.

    django-filter's NumberFilter parses a Decimal, so `?partner=1e999999` or `?partner=1.5`
    would reach the database (a huge integer overflows SQLite's INTEGER: a 500). Use this for
    every `<relation>_id` filter.
    """

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_DB_ID)
        super().__init__(*args, **kwargs)

    def get_max_validator(self):
        return None  # max_value above is the bound


class StrictBooleanField(forms.Field):
    """true/false (also 1/0, yes/no); an unknown word is an error instead of "no filter"."""

    widget = forms.TextInput
    default_error_messages = {"invalid": _lazy("Enter true or false.")}
    TRUE = frozenset({"true", "1", "yes"})
    FALSE = frozenset({"false", "0", "no"})

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class StrictBooleanFilter(django_filters.BooleanFilter):
    """A boolean filter that answers 400 to `?active=maybe` (django-filter ignores it)."""

    field_class = StrictBooleanField


class MultipleChoiceFilter(django_filters.MultipleChoiceFilter):
    """Several values of one column (`?status=open&status=paused`), without DISTINCT.

    django-filter adds DISTINCT to every multiple-choice filter in case the field spans a
    to-many relation; ours filter a row's own column or a to-one relation, which never repeats
    rows, and DISTINCT over wide rows makes the database sort every match before it can page
    (20× slower on a 35,000-row segment). A filter over a to-many relation says distinct=True.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)


class TypedMultipleChoiceFilter(MultipleChoiceFilter):
    """MultipleChoiceFilter whose values are coerced (`coerce=int`)."""

    field_class = forms.TypedMultipleChoiceField


class CodeMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    """Related rows chosen by their code (`?city=CD&city=MY`), matched on the foreign key.

    django-filter's own predicate with `to_field_name` compares the foreign key with the code
    (`city="CD"`: a 500); this one compares it with the chosen rows: no join and, since a
    foreign key cannot repeat rows, no DISTINCT.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)

    def get_filter_predicate(self, v):
        return {self.field_name: v}


class FastFilterSetMixin:
    """A filterset for hot list endpoints: per request it copies its filters shallowly (django-filter
    deep-copies every filter, querysets and choices included: about a quarter of a list
    request's time) and builds its form class once per class.

    Only for filtersets whose filters and form fields do not depend on the request; the filter
    instances are still per request, so setting `parent` never crosses requests.
    """

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {name: copy.copy(filter_) for name, filter_ in self.base_filters.items()}
        for filter_ in self.filters.values():
            filter_.model = queryset.model
            filter_.parent = self
            if filter_.method is not None:
                filter_.method = filter_.method  # re-binds its FilterMethod to this copy

    def get_form_class(self):
        form_class = type(self).__dict__.get("_cached_form_class")
        if form_class is None:
            form_class = super().get_form_class()
            type(self)._cached_form_class = form_class
        return form_class
