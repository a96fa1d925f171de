"""The registers' rows as the API shows them: one serializer per register, built from its description."""

from rest_framework import serializers

from api.serializers.units import MAX_ID, UnitRefSerializer
from registers.models import Recommendation, RecordAttachment
from registers.registry import REGISTERS, Register


class RecordFilterSerializer(serializers.Serializer):
    """A register's filters, as on its page."""

    q = serializers.CharField(required=False, allow_blank=True, max_length=100, help_text="Words of the subject.")
    unit = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID, help_text="Rows of this unit.")
    sub = serializers.BooleanField(
        required=False, default=True, help_text="With ``unit``: the whole subtree (default)."
    )
    start = serializers.DateField(required=False, help_text="Rows dated on or after this day.")
    end = serializers.DateField(required=False, help_text="Rows dated on or before this day.")
    group = serializers.CharField(required=False, allow_blank=True, max_length=40, help_text="The register's group.")


class RecordAttachmentSerializer(serializers.ModelSerializer):
    download_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = RecordAttachment
        fields = ["id", "original_name", "kind", "size", "sha256", "uploaded_at", "download_url"]


class RecommendationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Recommendation
        fields = ["id", "text", "resolution", "resolved_on"]


COMPUTED = {
    "community-decisions": ["threshold_percent", "carried"],
    "citizen-receptions": ["head_name"],
}


def _serializer(register: Register, detail: bool):
    fields = [
        "id",
        "unit",
        "date",
        "subject",
        *register.fields,
        *COMPUTED.get(register.slug, []),
        "entered_at",
        "updated_at",
        "web_url",
    ]
    attrs = {
        "unit": UnitRefSerializer(read_only=True),
        "web_url": serializers.CharField(source="get_absolute_url", read_only=True),
    }
    if detail:
        fields.append("attachments")
        attrs["attachments"] = RecordAttachmentSerializer(many=True, read_only=True, source="attachment_list")
        if register.slug == "supervisions":
            fields.append("recommendations")
            attrs["recommendations"] = RecommendationSerializer(many=True, read_only=True)
    name = register.model.__name__ + ("Detail" if detail else "") + "Serializer"
    attrs["Meta"] = type("Meta", (), {"model": register.model, "fields": fields, "read_only_fields": fields})
    return type(name, (serializers.ModelSerializer,), attrs)


SERIALIZERS = {slug: (_serializer(r, False), _serializer(r, True)) for slug, r in REGISTERS.items()}
