from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """Page-number pagination; a page size past the cap or a malformed page is a 400."""

    page_size_query_param = "page_size"

    @property
    def max_page_size(self):
        return settings.API_MAX_PAGE_SIZE

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw in (None, ""):
            return self.page_size
        try:
            size = int(raw)
        except (TypeError, ValueError):
            raise ValidationError({"page_size": [_("A whole number is required.")]})
        if size < 1 or size > self.max_page_size:
            raise ValidationError(
                {"page_size": [_("Ensure this value is between 1 and %(max)d.") % {"max": self.max_page_size}]}
            )
        return size

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param)
        if raw not in (None, "", "last"):
            try:
                if int(raw) < 1:
                    raise ValueError
            except (TypeError, ValueError):
                raise ValidationError({"page": [_("A page number of 1 or more is required.")]})
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["page"] = self.page.number
        response.data["page_size"] = self.page.paginator.per_page
        response.data["pages"] = self.page.paginator.num_pages
        return response

    def get_paginated_response_schema(self, schema):
        result = super().get_paginated_response_schema(schema)
        result["properties"].update(
            {
                "page": {"type": "integer", "example": 1},
                "page_size": {"type": "integer", "example": 25},
                "pages": {"type": "integer", "example": 4},
            }
        )
        return result
