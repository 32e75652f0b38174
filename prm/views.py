"""Error pages in the portal's look (API paths keep DRF's JSON errors)."""
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def _wants_json(request):
    return request.path.startswith("/api/")


def _error(request, status, title, message):
    if _wants_json(request):
        return JsonResponse({"detail": message}, status=status)
    return render(request, "errors/error.html", {"status": status, "title": title, "message": message}, status=status)


def bad_request(request, exception=None):
    return _error(request, 400, _("Bad request"), _("The request could not be understood."))


def permission_denied(request, exception=None):
    return _error(request, 403, _("Access denied"), _("You do not have permission to open this page."))


def page_not_found(request, exception=None):
    return _error(request, 404, _("Page not found"), _("The page you asked for does not exist or is not yours to see."))


def server_error(request):
    return _error(request, 500, _("Something went wrong"), _("An unexpected error occurred. It has been logged."))
