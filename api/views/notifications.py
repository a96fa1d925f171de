"""The user's in-app notifications: only ever the user's own; anyone else's is a 404."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from api.schema import LIST, WRITE, errors
from api.serializers import notifications as s
from api.views.base import ApiViewSet
from reports.models import Notification
from reports.reminders import notifications


@extend_schema_view(
    list=extend_schema(
        summary="The user's notifications, newest first",
        parameters=[s.NotificationFilterSerializer],
        responses={200: s.NotificationSerializer(many=True), **errors(*LIST)},
    ),
)
class NotificationViewSet(ApiViewSet):
    serializer_class = s.NotificationSerializer

    def get_queryset(self):
        return Notification.objects.visible_to(self.request.user)

    def list(self, request):
        f = self.filters(s.NotificationFilterSerializer)
        qs = self.get_queryset()
        if f["unread"]:
            qs = qs.unread()
        return self.page_of(qs, s.NotificationSerializer)

    @extend_schema(
        summary="Mark one notification (id) or all of them (all: true) as read",
        request=s.MarkReadSerializer,
        responses={200: s.MarkedSerializer, **errors(*WRITE)},
    )
    @action(detail=False, methods=["post"])
    def read(self, request):
        body = s.MarkReadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if body.validated_data.get("all"):
            marked = notifications.notification_mark_all_read(user=request.user)
        else:
            notification = get_object_or_404(self.get_queryset(), pk=body.validated_data["id"])
            marked = int(notifications.notification_mark_read(user=request.user, notification=notification))
        return Response({"marked": marked, "unread": notifications.unread_count(request.user)})


def register(router) -> None:
    """Add this module's resources to the ``/api/v1/`` router."""
    router.register("notifications", NotificationViewSet, basename="notification")
