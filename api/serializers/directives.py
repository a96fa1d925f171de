import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.units import MAX_ID, UnitRefSerializer
from directives.forms import ASSIGNABLE_KINDS
from directives.models import Assignment, Attachment, Directive, DirectiveType
from reports import periods
from units.models import Unit

MAX_UNITS_PER_REQUEST = 5000
ASSIGNABLE_KIND_CHOICES = [(k, Unit.Kind(k).label) for k in ASSIGNABLE_KINDS]
TASK_STATUSES = ("open", "overdue", "done", "cancelled", "all")


class DirectiveTypeSerializer(serializers.ModelSerializer):
    family_label = serializers.CharField(source="get_family_display", read_only=True)

    class Meta:
        model = DirectiveType
        fields = ["id", "name", "code", "family", "family_label", "is_active"]


class DirectiveRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Directive
        fields = ["id", "symbol", "issued_on"]


class AttachmentSerializer(serializers.ModelSerializer):
    download_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Attachment
        fields = ["id", "original_name", "kind", "size", "sha256", "uploaded_at", "download_url"]


class DirectiveSerializer(serializers.ModelSerializer):
    doc_type = DirectiveTypeSerializer(read_only=True)
    owner_unit = UnitRefSerializer(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    implements = serializers.SerializerMethodField(help_text="The directives this one implements that the user sees.")
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Directive
        fields = [
            "id",
            "symbol",
            "doc_type",
            "issuer",
            "issued_on",
            "issued_place",
            "year",
            "abstract",
            "signer",
            "signer_position",
            "confidentiality",
            "urgency",
            "effective_from",
            "effective_to",
            "status",
            "status_label",
            "owner_unit",
            "implements",
            "created_at",
            "updated_at",
            "web_url",
        ]

    @extend_schema_field(DirectiveRefSerializer(many=True))
    def get_implements(self, directive: Directive) -> list:
        return DirectiveRefSerializer([r.target for r in getattr(directive, "implements", [])], many=True).data


class DirectiveDetailSerializer(DirectiveSerializer):
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta(DirectiveSerializer.Meta):
        fields = [*DirectiveSerializer.Meta.fields, "attachments"]


class DirectiveFilterSerializer(serializers.Serializer):
    """The register's filters, as on its page."""

    q = serializers.CharField(required=False, allow_blank=True, max_length=100, help_text="Symbol, type, issuer…")
    doc_type = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    issuer = serializers.CharField(required=False, allow_blank=True, max_length=100)
    year = serializers.IntegerField(required=False, min_value=1930, max_value=2100)
    status = serializers.ChoiceField(choices=Directive.Status.choices, required=False)
    confidentiality = serializers.ChoiceField(choices=Directive.Confidentiality.choices, required=False)


class DirectiveCreateSerializer(serializers.Serializer):
    owner_unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.none(), help_text="The unit that keeps the directive in its register."
    )
    doc_type = serializers.PrimaryKeyRelatedField(queryset=DirectiveType.objects.filter(is_active=True))
    symbol = serializers.CharField(max_length=60, help_text="As printed, e.g. 120-KL/TW, 757/QĐ-UBND.")
    issuer = serializers.CharField(max_length=255)
    abstract = serializers.CharField()
    issued_on = serializers.DateField(required=False, allow_null=True)
    issued_place = serializers.CharField(max_length=120, required=False, allow_blank=True)
    signer = serializers.CharField(max_length=150, required=False, allow_blank=True)
    signer_position = serializers.CharField(max_length=150, required=False, allow_blank=True)
    confidentiality = serializers.ChoiceField(choices=Directive.Confidentiality.choices, required=False)
    urgency = serializers.ChoiceField(choices=Directive.Urgency.choices, required=False)
    effective_from = serializers.DateField(required=False, allow_null=True)
    effective_to = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=Directive.Status.choices, required=False)
    implements = serializers.PrimaryKeyRelatedField(
        queryset=Directive.objects.none(),
        required=False,
        allow_null=True,
        help_text="The directive this one implements.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")  # none while the OpenAPI description is generated
        user = request.user if request is not None else None
        self.fields["owner_unit"].queryset = Unit.objects.visible_to(user)
        self.fields["implements"].queryset = Directive.objects.visible_to(user)


class AssignmentSerializer(serializers.ModelSerializer):
    directive = DirectiveRefSerializer(read_only=True)
    unit = UnitRefSerializer(read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    days_left = serializers.SerializerMethodField(
        help_text="Working days (holiday calendar) until the deadline, 0 on it; negative: working days overdue."
    )
    overdue = serializers.SerializerMethodField()
    next_step = serializers.SerializerMethodField(help_text="What the unit is expected to do now.")

    class Meta:
        model = Assignment
        fields = [
            "id",
            "directive",
            "unit",
            "task",
            "role",
            "role_label",
            "deadline",
            "report_required",
            "status",
            "status_label",
            "progress",
            "progress_at",
            "days_left",
            "overdue",
            "next_step",
            "created_at",
            "updated_at",
        ]

    def _today(self) -> datetime.date:
        return self.context.get("today") or timezone.localdate()

    def get_days_left(self, a: Assignment) -> int | None:
        return periods.working_days_left(self._today(), a.deadline) if a.deadline else None

    def get_overdue(self, a: Assignment) -> bool:
        return a.status == Assignment.Status.OPEN and a.deadline is not None and a.deadline < self._today()

    def get_next_step(self, a: Assignment) -> str:
        from directives.tasks_page import next_step

        return next_step(a, self._today())


class AssignmentFilterSerializer(serializers.Serializer):
    """The filters of a unit's task page ("our tasks")."""

    unit = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID, help_text="Tasks of this unit.")
    sub = serializers.BooleanField(required=False, default=False, help_text="With ``unit``: the whole subtree.")
    status = serializers.ChoiceField(choices=TASK_STATUSES, required=False, default="all")
    directive = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)


class PerUnitSerializer(serializers.Serializer):
    """One row of the per-unit grid: this unit gets another role, or a deadline of its own."""

    unit = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    role = serializers.ChoiceField(choices=Assignment.Role.choices, required=False)
    deadline = serializers.DateField(required=False, allow_null=True)


class AssignSerializer(serializers.Serializer):
    """One task for many units: every unit of ``kinds`` under ``root`` (and ``root`` itself), plus ``units``."""

    task = serializers.CharField(max_length=5000)
    role = serializers.ChoiceField(choices=Assignment.Role.choices, default=Assignment.Role.LEAD)
    deadline = serializers.DateField()
    report_required = serializers.BooleanField(default=True)
    root = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID, help_text="The unit to start from."
    )
    kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=ASSIGNABLE_KIND_CHOICES),
        required=False,
        default=list,
        max_length=len(ASSIGNABLE_KINDS),
    )
    include_root = serializers.BooleanField(default=False)
    only_open = serializers.BooleanField(default=True, help_text="Only units that exist today.")
    units = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        default=list,
        max_length=MAX_UNITS_PER_REQUEST,
        help_text="Units picked one by one.",
    )
    per_unit = serializers.ListField(
        child=PerUnitSerializer(),
        required=False,
        default=list,
        max_length=MAX_UNITS_PER_REQUEST,
        help_text="Another role or a deadline of its own for some of the units reached (lead, coordinate, monitor).",
    )

    def validate(self, data):
        user = self.context["request"].user
        if not (data["kinds"] or data["include_root"] or data["units"]):
            raise serializers.ValidationError(_("Choose the kinds of unit, the unit itself, or some units one by one."))
        visible = Unit.objects.visible_to(user)
        if data.get("root") is not None:
            data["root"] = visible.filter(pk=data["root"]).first()
            if data["root"] is None:
                raise serializers.ValidationError({"root": [_("No such unit in your scope.")]})
        elif data["kinds"] or data["include_root"]:
            raise serializers.ValidationError({"root": [_("Choose the unit to start from.")]})
        ids = set(data["units"])
        units = list(visible.filter(pk__in=ids)) if ids else []
        missing = ids - {u.pk for u in units}
        if missing:
            raise serializers.ValidationError(
                {
                    "units": [
                        _("No such unit in your scope: %(ids)s.") % {"ids": ", ".join(map(str, sorted(missing)[:20]))}
                    ]
                }
            )
        data["units"] = units
        rows = data.pop("per_unit")
        data["roles"] = {r["unit"]: r["role"] for r in rows if r.get("role")}
        data["deadlines"] = {r["unit"]: r["deadline"] for r in rows if r.get("deadline")}
        return data


class AssignResultSerializer(serializers.Serializer):
    created = serializers.IntegerField(help_text="Units that received the task now.")
    already = serializers.IntegerField(help_text="Units that already held the same task and were left as they were.")
    targets = serializers.IntegerField()
