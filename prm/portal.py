"""The portal's side of the one scoping mechanism (see prm/scoping.py).

Every portal page is a `PortalView`: sign-in required, open only to the roles it names, and
whatever it fetches comes through `Model.objects.visible_to(user, action)`. An object outside
the user's scope answers the portal's 404 page (never 403: no existence leak); an object the
user may view but not change answers 403 on pages that change it. Both are rendered in the
portal's look even with DEBUG on, so what a partner user sees never depends on the settings.

    class ContactEditView(ScopedObjectMixin, PortalView):
        model = Contact
        scope_action = CHANGE
        template_name = "partners/contact_form.html"
"""
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.views.generic import TemplateView

from partners.choices import Role
from prm.scoping import CHANGE, VIEW, can

STAFF_ROLES = frozenset({Role.ADMIN, Role.CHANNEL_MANAGER, Role.PRODUCT_MANAGER})
PORTAL_ROLES = STAFF_ROLES | {Role.PARTNER}


def scoped_object_or_404(model_or_queryset, user, pk, action=VIEW):
    """The object with `pk` if `user` may view it (404 otherwise), and change it when asked (403)."""
    if isinstance(model_or_queryset, type):
        queryset = model_or_queryset._default_manager.all()
    else:
        queryset = model_or_queryset
    obj = queryset.visible_to(user, VIEW).filter(pk=pk).first()
    if obj is None:
        raise Http404
    if action == CHANGE and not can(user, CHANGE, obj):
        raise PermissionDenied
    return obj


class PortalView(TemplateView):
    """A signed-in page for the roles in `roles`; others get the portal's 403 page."""

    roles = PORTAL_ROLES

    def dispatch(self, request, *args, **kwargs):
        from prm.views import page_not_found, permission_denied

        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            if request.user.effective_role not in self.roles:
                raise PermissionDenied
            return super().dispatch(request, *args, **kwargs)
        except Http404 as exc:
            return page_not_found(request, exc)
        except PermissionDenied as exc:
            return permission_denied(request, exc)


class ScopedObjectMixin:
    """Fetch `self.object` through `model.objects.visible_to(user)` before the page renders.

    Put it before `PortalView` in the bases: PortalView's dispatch checks sign-in and role first
    and turns the 404/403 raised here into the portal's pages.
    """

    model = None
    scope_action = VIEW
    pk_url_kwarg = "pk"
    context_object_name = None

    def get_scope_queryset(self):
        return self.model._default_manager.all()

    def get_object(self):
        return scoped_object_or_404(
            self.get_scope_queryset(), self.request.user, self.kwargs[self.pk_url_kwarg], self.scope_action
        )

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.object
        if self.context_object_name:
            context[self.context_object_name] = self.object
        return context
