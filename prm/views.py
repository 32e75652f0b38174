"""Error pages in the portal's look (API paths keep DRF-style JSON), sign-in and sign-out with a
flash message, and the notifications page."""
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from prm.portal import PortalView


def _wants_json(request):
    return request.path.startswith("/api/")


def _error(request, status, title, message):
    if _wants_json(request):
        return JsonResponse({"detail": message}, status=status)
    context = {"status": status, "title": title, "message": message}
    return render(request, "errors/error.html", context, status=status)


def bad_request(request, exception=None):
    return _error(request, 400, _("Bad request"), _("The request could not be understood."))


def permission_denied(request, exception=None):
    return _error(request, 403, _("Access denied"), _("You do not have permission to open this page."))


def page_not_found(request, exception=None):
    return _error(request, 404, _("Page not found"), _("The page you asked for does not exist or is not yours to see."))


def server_error(request):
    """Rendered without the request's context processors: the database may be what failed."""
    title, message = _("Something went wrong"), _("An unexpected error occurred. It has been logged.")
    if _wants_json(request):
        return JsonResponse({"detail": message}, status=500)
    context = {"status": 500, "title": title, "message": message, "bare": True}
    return HttpResponseServerError(render_to_string("errors/error.html", context))


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        name = user.get_full_name() or user.username
        messages.success(self.request, _("Welcome, %(name)s.") % {"name": name})
        return response


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("You have signed out."))
        return response


class NotificationsView(PortalView):
    """The signed-in user's notifications (any portal role); loaded from /api/v1/notifications/."""

    template_name = "prm/notifications.html"
