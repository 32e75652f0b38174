from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination


class LedgerCursorPagination(CursorPagination):
    """Cursor pagination for ledgers of millions of rows: a deep page costs what the first does
    (WHERE id < cursor ORDER BY id DESC LIMIT n on an index, no OFFSET, no COUNT)."""

    ordering = "-id"
    page_size = 25
    page_size_query_param = "page_size"

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw in (None, ""):
            return self.page_size
        try:
            size = int(raw)
        except (TypeError, ValueError):
            raise ValidationError({"page_size": [_("A whole number is required.")]})
        if size < 1 or size > settings.API_MAX_PAGE_SIZE:
            raise ValidationError(
                {"page_size": [_("Ensure this value is between 1 and %(max)d.") % {"max": settings.API_MAX_PAGE_SIZE}]}
            )
        return size

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise ValidationError({self.cursor_query_param: [_("This cursor is not valid; start from the first page.")]})
