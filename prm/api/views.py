"""Base viewsets: every API view reaches its rows through `visible_to(user, action)`."""
from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS

from prm.scoping import CHANGE, VIEW, can


class ScopedViewSetMixin:
    """Lists and lookups see only what the user may view (others: absent, so 404).

    A write to a row the user may view but not change is refused with 403.
    """

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user, VIEW)

    def get_object(self):
        obj = super().get_object()
        if self.request.method not in SAFE_METHODS and not can(self.request.user, CHANGE, obj):
            raise PermissionDenied(_("You may view this record but not change it."))
        return obj


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedModelViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    http_method_names = ["get", "post", "patch", "put", "delete", "head", "options"]


class ScopedCreateListRetrieveViewSet(
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    pass
