import datetime

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from units.models import Body, BodyMembership, Headship, Person, RoleGrant, Unit

MAX_ID = 2**63 - 1


def _today() -> datetime.date:
    return timezone.localdate()


class UnitRefSerializer(serializers.ModelSerializer):
    """A unit named inside another object."""

    class Meta:
        model = Unit
        fields = ["id", "name", "kind", "code"]


class UnitSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    is_open = serializers.SerializerMethodField()
    has_children = serializers.BooleanField(read_only=True)
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Unit
        fields = [
            "id",
            "name",
            "kind",
            "kind_label",
            "type_name",
            "code",
            "code_scheme",
            "parent",
            "depth",
            "opened_on",
            "closed_on",
            "is_open",
            "address",
            "has_children",
            "web_url",
        ]

    def get_is_open(self, unit: Unit) -> bool:
        return unit.is_open_on(_today())


class UnitDetailSerializer(UnitSerializer):
    ancestors = serializers.SerializerMethodField(help_text="From the root of the tree down to the parent.")
    successors = UnitRefSerializer(many=True, read_only=True)
    predecessors = UnitRefSerializer(many=True, read_only=True)

    class Meta(UnitSerializer.Meta):
        fields = [*UnitSerializer.Meta.fields, "ancestors", "successors", "predecessors"]

    @extend_schema_field(UnitRefSerializer(many=True))
    def get_ancestors(self, unit: Unit) -> list:
        return UnitRefSerializer(unit.ancestors(), many=True).data


class UnitFilterSerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="Name or code; diacritics ignored: 'tu son'."
    )
    kind = serializers.ChoiceField(choices=Unit.Kind.choices, required=False)
    parent = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID, help_text="Children of this unit.")
    open = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="true: units open today; false: former units only."
    )


class ChildrenFilterSerializer(serializers.Serializer):
    open = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="true: units open today; false: former units only."
    )


class PersonRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "full_name", "position"]


class HeadshipSerializer(serializers.ModelSerializer):
    person = PersonRefSerializer(read_only=True)
    is_current = serializers.SerializerMethodField()

    class Meta:
        model = Headship
        fields = ["id", "unit", "person", "title", "is_principal", "started_on", "ended_on", "decision", "is_current"]

    def get_is_current(self, h: Headship) -> bool:
        today = _today()
        return h.started_on <= today and (h.ended_on is None or h.ended_on >= today)


class HeadshipFilterSerializer(serializers.Serializer):
    current = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="true: only those in office today."
    )


class MembershipSerializer(serializers.ModelSerializer):
    person = PersonRefSerializer(read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = BodyMembership
        fields = ["id", "person", "role", "role_label", "started_on", "ended_on"]


class BodySerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    members = MembershipSerializer(many=True, read_only=True, source="ordered_memberships")
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Body
        fields = [
            "id",
            "unit",
            "kind",
            "kind_label",
            "name",
            "decision_symbol",
            "decision_date",
            "dissolved_on",
            "members",
            "web_url",
        ]


class PersonSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(read_only=True, allow_null=True)
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Person
        fields = ["id", "full_name", "position", "email", "phone", "unit", "web_url"]


class PersonFilterSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100, help_text="Name or e-mail.")
    unit = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID, help_text="People working there.")


class GrantSerializer(serializers.ModelSerializer):
    role_label = serializers.CharField(source="get_role_display", read_only=True)
    unit = UnitRefSerializer(read_only=True)

    class Meta:
        model = RoleGrant
        fields = ["role", "role_label", "unit"]


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    display_name = serializers.CharField()
    is_superuser = serializers.BooleanField()
    grants = GrantSerializer(many=True, help_text="Each role the user holds, over a unit and its whole subtree.")
    language = serializers.CharField(help_text="The language of the messages of this response.")
