"""The signed-in user's own notifications: list them, mark them read. Nobody sees another's."""
import django_filters as filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from prm.api.permissions import ALL_ROLES
from prm.api.views import ScopedReadOnlyViewSet
from prm.models import Notification
from prm.services import notification_mark_read


class NotificationSerializer(serializers.ModelSerializer):
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at", "is_read"]

    def get_is_read(self, obj) -> bool:
        return obj.read_at is not None


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62),
        required=False,
        allow_empty=False,
        max_length=1000,
        help_text=_("Notifications to mark read; leave out to mark all of them."),
    )


class MarkReadResultSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text=_("How many were marked read now."))
    unread = serializers.IntegerField(help_text=_("How many are still unread."))


class NotificationFilterSet(filters.FilterSet):
    unread = filters.BooleanFilter(method="filter_unread", label=_("Only unread"))

    class Meta:
        model = Notification
        fields = ["kind"]

    def filter_unread(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(read_at__isnull=value)


class NotificationViewSet(ScopedReadOnlyViewSet):
    """Your notifications, newest first. Every role reads and marks only its own."""

    queryset = Notification.objects.all()
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilterSet
    ordering_fields = ["created_at"]
    ordering = ["-created_at", "-id"]
    read_roles = ALL_ROLES
    write_roles = ALL_ROLES

    @extend_schema(request=MarkReadSerializer, responses=MarkReadResultSerializer, filters=False)
    @action(detail=False, methods=["post"], url_path="mark-read", filterset_class=None)
    def mark_read(self, request):
        """Mark the given notifications (or all) read; ids that are not yours are ignored."""
        serializer = MarkReadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        marked = notification_mark_read(user=request.user, ids=serializer.validated_data.get("ids"))
        unread = Notification.objects.visible_to(request.user).unread().count()
        return Response({"marked": marked, "unread": unread})
