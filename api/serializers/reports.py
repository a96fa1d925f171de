from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.units import MAX_ID, UnitRefSerializer
from reports import periods
from reports.models import FormSection, Indicator, IndicatorRule, Obligation, Report, ReportEvent, ReportForm, Status
from reports.models.obligations import is_overdue

OBLIGATION_FILTERS = [*Status.values, "open", "overdue"]


def _name(user) -> str | None:
    return user.display_name if user is not None else None


class SectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = FormSection
        fields = ["id", "position", "title", "guidance", "required"]


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = [
            "id",
            "position",
            "code",
            "label",
            "value_type",
            "unit",
            "required",
            "min_value",
            "max_value",
            "help_text",
        ]


class RuleSerializer(serializers.ModelSerializer):
    left = serializers.CharField(source="left.code", help_text="Code of the figure on the left.")
    right = serializers.CharField(source="right.code")

    class Meta:
        model = IndicatorRule
        fields = ["left", "operator", "right", "message"]


class ReportFormRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportForm
        fields = ["id", "code", "name", "kind", "period_type"]


class ReportFormSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    owner_unit = UnitRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ReportForm
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "kind_label",
            "period_type",
            "cutoff_day",
            "due_working_days",
            "requires_approval",
            "reapproval_required",
            "title",
            "header",
            "directive",
            "owner_unit",
            "description",
            "is_active",
        ]


class ReportFormDetailSerializer(ReportFormSerializer):
    sections = SectionSerializer(many=True, read_only=True)
    indicators = IndicatorSerializer(many=True, read_only=True)
    rules = RuleSerializer(many=True, read_only=True)

    class Meta(ReportFormSerializer.Meta):
        fields = [*ReportFormSerializer.Meta.fields, "sections", "indicators", "rules"]


class ReportFormFilterSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ReportForm.Kind.choices, required=False)
    active = serializers.BooleanField(required=False, allow_null=True, default=None)


class ReportRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Report
        fields = ["id", "status", "revision"]


class ObligationSerializer(serializers.ModelSerializer):
    form = ReportFormRefSerializer(read_only=True)
    unit = UnitRefSerializer(read_only=True)
    period_label = serializers.CharField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    report = serializers.SerializerMethodField(help_text="The report filed for it, once a draft was saved.")
    working_days_left = serializers.SerializerMethodField(
        help_text="Working days (holiday calendar) until the due date, 0 on it; negative: working days overdue."
    )
    overdue = serializers.SerializerMethodField()
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Obligation
        fields = [
            "id",
            "form",
            "unit",
            "assignment",
            "year",
            "period_index",
            "period_label",
            "period_start",
            "period_end",
            "due_date",
            "status",
            "status_label",
            "working_days_left",
            "overdue",
            "first_submitted_at",
            "last_submitted_at",
            "accepted_at",
            "on_time",
            "accepted_on_time",
            "days_late",
            "returned_count",
            "report",
            "web_url",
        ]

    @extend_schema_field(ReportRefSerializer(allow_null=True))
    def get_report(self, o: Obligation):
        report = getattr(o, "report", None)
        return ReportRefSerializer(report).data if report is not None else None

    def get_working_days_left(self, o: Obligation) -> int:
        return periods.working_days_left(self.context.get("today") or timezone.localdate(), o.due_date)

    def get_overdue(self, o: Obligation) -> bool:
        return is_overdue(o, self.context.get("today") or timezone.localdate())


class ObligationFilterSerializer(serializers.Serializer):
    """The filters of a unit's report page ("our reports")."""

    unit = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="Obligations of this unit."
    )
    sub = serializers.BooleanField(required=False, default=False, help_text="With ``unit``: the whole subtree.")
    form = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    status = serializers.ChoiceField(
        choices=OBLIGATION_FILTERS,
        required=False,
        help_text="A status, or ``open`` (not accepted yet) or ``overdue`` (not filed and past due).",
    )


class NarrativeSerializer(serializers.Serializer):
    section = serializers.IntegerField()
    title = serializers.CharField()
    text = serializers.CharField(allow_blank=True)


class ValueSerializer(serializers.Serializer):
    indicator = serializers.IntegerField()
    code = serializers.CharField()
    raw = serializers.CharField(allow_blank=True, help_text="As typed.")
    number = serializers.DecimalField(
        max_digits=18, decimal_places=4, allow_null=True, coerce_to_string=True, help_text="As read, if a number."
    )
    text = serializers.CharField(allow_blank=True)


class DocumentSerializer(serializers.Serializer):
    """What is printed on the report's document. The signer is not written: it follows the issuing body's
    post holders, then the head's approval."""

    issuing_body = serializers.ChoiceField(choices=Report.IssuingBody.choices, required=False)
    doc_symbol = serializers.CharField(max_length=60, allow_blank=True, required=False)
    doc_place = serializers.CharField(max_length=100, allow_blank=True, required=False)
    doc_date = serializers.DateField(allow_null=True, required=False)
    issuer = serializers.CharField(max_length=255, allow_blank=True, required=False)
    signer_title = serializers.CharField(read_only=True)
    signer_name = serializers.CharField(read_only=True)
    recipients = serializers.CharField(max_length=5000, allow_blank=True, required=False)


class EventSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    actor = serializers.SerializerMethodField()
    version = serializers.IntegerField(source="version.number", allow_null=True, read_only=True)

    class Meta:
        model = ReportEvent
        fields = ["kind", "kind_label", "from_status", "to_status", "actor", "note", "version", "created_at"]

    def get_actor(self, e: ReportEvent) -> str | None:
        return _name(e.actor)


class VersionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()
    approved_at = serializers.DateTimeField(allow_null=True, help_text="The head's approval of this version.")
    approved_by = serializers.SerializerMethodField()

    def get_approved_by(self, v) -> str | None:
        return _name(v.approved_by)


class AttachmentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    original_name = serializers.CharField()
    size = serializers.IntegerField()
    download_url = serializers.CharField(source="get_absolute_url")


class ReportSerializer(serializers.ModelSerializer):
    """A report with its content. ``revision`` must be sent back with the next change of the draft."""

    obligation = serializers.IntegerField(source="obligation_id", read_only=True)
    form = ReportFormRefSerializer(source="obligation.form", read_only=True)
    unit = UnitRefSerializer(source="obligation.unit", read_only=True)
    period_label = serializers.CharField(source="obligation.period_label", read_only=True)
    due_date = serializers.DateField(source="obligation.due_date", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    narrative = serializers.SerializerMethodField()
    values = serializers.SerializerMethodField()
    document = serializers.SerializerMethodField()
    updated_by = serializers.SerializerMethodField()
    approved_by = serializers.SerializerMethodField()
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Report
        fields = [
            "id",
            "obligation",
            "form",
            "unit",
            "period_label",
            "due_date",
            "status",
            "status_label",
            "revision",
            "narrative",
            "values",
            "document",
            "created_at",
            "updated_at",
            "updated_by",
            "submitted_at",
            "approved_at",
            "approved_by",
            "web_url",
        ]

    @extend_schema_field(NarrativeSerializer(many=True))
    def get_narrative(self, r: Report):
        return [
            {"section": s.pk, "title": s.title, "text": r.narrative.get(str(s.pk), "")}
            for s in r.obligation.form.sections.all()
        ]

    @extend_schema_field(ValueSerializer(many=True))
    def get_values(self, r: Report):
        typed = {v.indicator_id: v for v in r.values.all()}
        rows = []
        for i in r.obligation.form.indicators.all():
            v = typed.get(i.pk)
            number = v.value_decimal if v is not None else None
            rows.append(
                {
                    "indicator": i.pk,
                    "code": i.code,
                    "raw": v.raw if v else "",
                    "number": None if number is None else str(number),
                    "text": v.value_text if v else "",
                }
            )
        return rows

    @extend_schema_field(DocumentSerializer)
    def get_document(self, r: Report):
        return DocumentSerializer(r).data

    def get_updated_by(self, r: Report) -> str | None:
        return _name(r.updated_by)

    def get_approved_by(self, r: Report) -> str | None:
        return _name(r.approved_by)


class ReportDetailSerializer(ReportSerializer):
    problems = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        read_only=True,
        help_text="What stops the report from being submitted, by field (narrative.<section>, values.<code>).",
    )
    attachments = serializers.SerializerMethodField()
    events = EventSerializer(many=True, read_only=True, help_text="The report's history, oldest first.")
    versions = serializers.SerializerMethodField(help_text="The report as submitted each time.")

    class Meta(ReportSerializer.Meta):
        fields = [*ReportSerializer.Meta.fields, "problems", "attachments", "events", "versions"]

    @extend_schema_field(AttachmentRefSerializer(many=True))
    def get_attachments(self, r: Report):
        return AttachmentRefSerializer([a for a in r.attachments.all() if a.removed_at is None], many=True).data

    @extend_schema_field(VersionSerializer(many=True))
    def get_versions(self, r: Report):
        return VersionSerializer(r.versions.all(), many=True).data


class ReportFilterSerializer(serializers.Serializer):
    unit = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    sub = serializers.BooleanField(required=False, default=False, help_text="With ``unit``: the whole subtree.")
    form = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    reviewable = serializers.BooleanField(
        required=False, default=False, help_text="Only reports the user reviews: the committee's inbox."
    )


class DraftSerializer(serializers.Serializer):
    """A change to a draft: sections and figures left out keep what they had."""

    revision = serializers.IntegerField(
        min_value=0, max_value=2**31 - 1, help_text="The revision the change was made from (0 for a new report)."
    )
    narrative = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=50_000, trim_whitespace=False),
        required=False,
        help_text="Text per section id.",
    )
    values = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=2000),
        required=False,
        help_text='What is typed per figure, by indicator code (or id), e.g. {"PETITIONS_RECEIVED": "9"}.',
    )
    document = DocumentSerializer(required=False)

    def validate(self, data):
        form = self.context["form"]
        errors = {}
        sections = {str(s.pk) for s in form.sections.all()}
        for key in data.get("narrative", {}):
            if key not in sections:
                errors[f"narrative.{key}"] = [_("No such section in this form.")]
        by_code = {i.code: i.pk for i in form.indicators.all()}
        by_id = {str(pk): pk for pk in by_code.values()}
        values = {}
        for key, raw in data.get("values", {}).items():
            pk = by_code.get(key) or by_id.get(key)
            if pk is None:
                errors[f"values.{key}"] = [_("No such figure in this form.")]
            else:
                values[pk] = raw
        if errors:
            raise serializers.ValidationError(errors)
        data["values"] = values
        return data


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000, help_text="What must be corrected or added; kept in the history.")


class SendBackSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=5000, help_text="What the reporter must change.")


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    current = ReportSerializer(help_text="The report as saved by the other person: start again from its revision.")
