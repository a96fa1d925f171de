from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from reports.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    is_read = serializers.SerializerMethodField(help_text="Whether the user has marked it read.")

    class Meta:
        model = Notification
        fields = ["id", "title", "body", "url", "is_escalation", "created_at", "read_at", "is_read"]

    def get_is_read(self, obj) -> bool:
        return obj.read_at is not None


class NotificationFilterSerializer(serializers.Serializer):
    unread = serializers.BooleanField(required=False, default=False, help_text="Only the unread notifications.")


class MarkReadSerializer(serializers.Serializer):
    id = serializers.IntegerField(required=False, min_value=1, help_text="One notification of the user's.")
    all = serializers.BooleanField(required=False, default=False, help_text="Every unread notification.")

    def validate(self, attrs):
        if not attrs.get("all") and not attrs.get("id"):
            raise serializers.ValidationError(_("Give the id of a notification, or all: true."))
        return attrs


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many notifications this request marked read.")
    unread = serializers.IntegerField(help_text="How many remain unread.")
