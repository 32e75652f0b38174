from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter


class StrictOrderingFilter(OrderingFilter):
    """Ordering by a field the view does not offer is a 400, not silently ignored."""

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
