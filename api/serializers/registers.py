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


def _write_field(model, name: str, creating: bool) -> serializers.Field:
    """The type of one field of a register's row as a request body carries it; what it may hold (the
    choices of links, the rules across fields) is the row's form's to check."""
    field = model._meta.get_field(name)
    optional = field.blank or field.null or field.has_default() or not creating
    kwargs = {"required": not optional, "help_text": str(field.verbose_name)}
    if field.is_relation:
        return serializers.IntegerField(min_value=1, max_value=MAX_ID, allow_null=field.null, **kwargs)
    kind = field.get_internal_type()
    if kind == "DateField":
        return serializers.DateField(allow_null=field.null, **kwargs)
    if field.choices:
        return serializers.ChoiceField(choices=field.choices, allow_blank=field.blank, **kwargs)
    if kind in ("PositiveIntegerField", "PositiveSmallIntegerField", "IntegerField"):
        return serializers.IntegerField(min_value=0, max_value=2**31 - 1, allow_null=field.null, **kwargs)
    return serializers.CharField(
        max_length=getattr(field, "max_length", None), allow_blank=field.blank, trim_whitespace=False, **kwargs
    )


def _write_serializer(register: Register, creating: bool):
    attrs = {name: _write_field(register.model, name, creating) for name in register.all_fields}
    if creating:
        attrs = {
            "unit": serializers.IntegerField(
                min_value=1, max_value=MAX_ID, help_text="The unit the row belongs to (one the user enters rows for)."
            ),
            **attrs,
        }
    name = register.model.__name__ + ("Create" if creating else "Update") + "Serializer"
    return type(name, (serializers.Serializer,), attrs)


# A register's row as created (POST, with its unit) and changed (PATCH, only the fields sent).
WRITE_SERIALIZERS = {slug: (_write_serializer(r, True), _write_serializer(r, False)) for slug, r in REGISTERS.items()}
