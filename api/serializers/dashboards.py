"""The dashboard figures of a unit (``GET /api/v1/units/{id}/figures/``): what they are computed over, the
headline over the subtree, the same figures per child unit, and month by month."""

from django.utils.translation import gettext as _
from rest_framework import serializers

from api.serializers.units import MAX_ID, UnitRefSerializer


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


class FigureSetSerializer(serializers.Serializer):
    """Counts over the obligations that fell due (by ``today``), and the rates derived from them.

    DHIS2 definitions: ``reporting_rate`` = received × 100 / expected, at most 100; ``on_time_rate`` =
    first filed by the due date × 100 / expected. Rates are null when nothing was expected.
    """

    expected = serializers.IntegerField(help_text="Reports due.")
    received = serializers.IntegerField(help_text="Filed at least once.")
    on_time = serializers.IntegerField(help_text="First filed by the due date.")
    late = serializers.IntegerField(help_text="First filed after the due date.")
    accepted = serializers.IntegerField()
    accepted_on_time = serializers.IntegerField(help_text="Accepted by the due date.")
    returned = serializers.IntegerField(help_text="Reports returned for revision at least once.")
    returns = serializers.IntegerField(help_text="Times reports were returned.")
    days_late = serializers.IntegerField(help_text="Working days late of the late reports, added up.")
    overdue = serializers.IntegerField(help_text="Never filed and past the due date today.")
    missing = serializers.IntegerField(help_text="Expected but not received.")
    reporting_rate = serializers.FloatField(allow_null=True)
    on_time_rate = serializers.FloatField(allow_null=True)
    accepted_on_time_rate = serializers.FloatField(allow_null=True)
    average_days_late = serializers.FloatField(allow_null=True)


class ChildFiguresSerializer(serializers.Serializer):
    unit = UnitRefSerializer(allow_null=True, help_text="Null: the unit's own reports.")
    figures = FigureSetSerializer()


class MonthFiguresSerializer(serializers.Serializer):
    month = serializers.DateField(help_text="First day of the month the periods end in.")
    expected = serializers.IntegerField()
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    returned = serializers.IntegerField()
    missing = serializers.IntegerField()


class FiguresSerializer(serializers.Serializer):
    unit = UnitRefSerializer()
    start = serializers.DateField()
    end = serializers.DateField()
    today = serializers.DateField(help_text="Only reports due by this day are expected.")
    forms = serializers.ListField(child=serializers.IntegerField(), help_text="Empty: every form.")
    headline = FigureSetSerializer()
    children = ChildFiguresSerializer(many=True)
    months = MonthFiguresSerializer(many=True)
