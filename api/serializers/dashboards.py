"""The dashboard figures of a unit (``GET /api/v1/units/{id}/figures/``): what they are computed over, the
headline over the subtree, the same figures per child unit, and month by month."""

from django.utils.translation import gettext as _
from rest_framework import serializers

from api.serializers.units import MAX_ID, UnitRefSerializer
from reports.numbers import rounded_float


class FiguresFilterSerializer(serializers.Serializer):
    """Which periods and forms: the periods whose last day falls between ``start`` and ``end``."""

    start = serializers.DateField(required=False, help_text="First day counted (default: 1 January this year).")
    end = serializers.DateField(required=False, help_text="Last day counted (default: the end of this month).")
    form = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        default=list,
        max_length=50,
        help_text="Report forms to count (repeat the parameter); all forms when absent.",
    )

    def validate(self, data):
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            raise serializers.ValidationError({"end": _("The end cannot come before the start.")})
        return data


class RateField(serializers.FloatField):
    """A rate or an average rounded as the pages, the workbooks and the PDFs round it (half up, one decimal)."""

    def to_representation(self, value):
        return rounded_float(value)


class FigureSetSerializer(serializers.Serializer):
    """Counts over the obligations that fell due (by ``today``), and the rates derived from them.

    DHIS2 definitions: ``reporting_rate`` = received × 100 / expected, at most 100; ``on_time_rate`` =
    first filed by the due date × 100 / expected. Rates are null when nothing was expected.
    """

    expected = serializers.IntegerField(help_text="Reports due.")
    received = serializers.IntegerField(help_text="Filed at least once.")
    filed = serializers.IntegerField(help_text="Filed now: with the committee or accepted, not sitting returned.")
    on_time = serializers.IntegerField(help_text="First filed by the due date.")
    late = serializers.IntegerField(help_text="First filed after the due date.")
    accepted = serializers.IntegerField(help_text="Accepted: meets the requirements.")
    accepted_on_time = serializers.IntegerField(help_text="Accepted by the due date.")
    returned = serializers.IntegerField(help_text="Reports returned for revision at least once.")
    returns = serializers.IntegerField(help_text="Times reports were returned.")
    days_late = serializers.IntegerField(help_text="Working days late of the late reports, added up.")
    overdue = serializers.IntegerField(
        help_text="Past the due date today and not filed now: never filed, or returned and not refiled."
    )
    missing = serializers.IntegerField(help_text="Expected but not received.")
    reporting_rate = RateField(allow_null=True, help_text="Percent, one decimal, rounded half up.")
    filed_rate = RateField(allow_null=True, help_text="Filed now × 100 / expected.")
    accepted_rate = RateField(allow_null=True, help_text="Accepted × 100 / expected.")
    on_time_rate = RateField(allow_null=True, help_text="Percent, one decimal, rounded half up.")
    accepted_on_time_rate = RateField(allow_null=True, help_text="Percent, one decimal, rounded half up.")
    average_days_late = RateField(allow_null=True, help_text="One decimal, rounded half up.")


class ChildFiguresSerializer(serializers.Serializer):
    unit = UnitRefSerializer(allow_null=True, help_text="Null: the unit's own reports.")
    figures = FigureSetSerializer()


class MonthFiguresSerializer(serializers.Serializer):
    month = serializers.DateField(help_text="First day of the month the periods end in.")
    expected = serializers.IntegerField()
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    returned = serializers.IntegerField()
    overdue = serializers.IntegerField(
        source="missing",
        help_text="Past the due date today and not filed now, as the headline's overdue: never filed, or returned "
        "and not refiled.",
    )
    missing = serializers.IntegerField(
        help_text="The same count as overdue (its former name): unlike the headline's missing, not expected minus "
        "received."
    )


class IndicatorResultSerializer(serializers.Serializer):
    """One indicator of one form added up over the filed reports of the subtree: never summed across forms,
    whose periods overlap (a quarter's report covers the months of three monthly ones)."""

    form = serializers.IntegerField(source="form_id", help_text="The report form.")
    form_name = serializers.CharField(source="form")
    code = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.CharField(allow_blank=True)
    value_type = serializers.CharField()
    averaged = serializers.BooleanField(help_text="True: the average of a percentage; otherwise the total.")
    value = serializers.SerializerMethodField()
    reports = serializers.IntegerField(help_text="Filed reports counted.")

    def get_value(self, row) -> float | None:
        if row["value"] is None:
            return None
        return rounded_float(row["value"]) if row["averaged"] else float(row["value"])


class FiguresSerializer(serializers.Serializer):
    unit = UnitRefSerializer()
    start = serializers.DateField(help_text="As asked, narrowed to the periods any report covers (and this year).")
    end = serializers.DateField(help_text="As asked, narrowed to the periods any report covers (and this year).")
    today = serializers.DateField(help_text="Only reports due by this day are expected.")
    forms = serializers.ListField(child=serializers.IntegerField(), help_text="Empty: every form.")
    headline = FigureSetSerializer()
    children = ChildFiguresSerializer(many=True)
    months = MonthFiguresSerializer(many=True)
    indicators = IndicatorResultSerializer(many=True, help_text="Per form and indicator.")
