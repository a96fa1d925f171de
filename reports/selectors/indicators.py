"""The figures of the reports added up over a subtree, per form and indicator: summed for counts, averaged
for percentages, "yes" counted for yes/no; by child unit and by month for one indicator of one form.

Never across forms: a monthly, a quarterly and an annual report cover the same months, so adding the
"disclosures made" of all three would count each disclosure up to three times. Within one form a unit
has one report per period, and its periods do not overlap.

Only filed reports count (submitted, resubmitted or accepted): a returned report's figures are being
corrected and a draft's are not final.
"""

import datetime

from django.db.models import Avg, Count, Max, Min, Q, Sum
from django.db.models.functions import TruncMonth

from reports.models import Indicator, ReportValue
from reports.models.obligations import FILED
from reports.selectors.filters import DashboardFilter

P = "report__obligation__"
AVERAGED = (Indicator.ValueType.PERCENT,)
COUNTED = (Indicator.ValueType.INTEGER, Indicator.ValueType.DECIMAL, Indicator.ValueType.PERCENT)
NUMERIC = (*COUNTED, Indicator.ValueType.BOOLEAN)


def _values(flt: DashboardFilter):
    return ReportValue.objects.filter(
        flt.obligations_q(P, due_only=False),
        Q(report__status__in=FILED),
        value_decimal__isnull=False,
        indicator__value_type__in=NUMERIC,
    )


def result(value_type: str, total, average):
    """What to show for an indicator: the average of a percentage, otherwise the total."""
    if value_type in AVERAGED:
        return average
    return total


def key_of(form_id: int, code: str) -> str:
    """How the page names one indicator of one form (``?indicator=12:MEETINGS``)."""
    return f"{form_id}:{code}"


def indicator_totals(flt: DashboardFilter) -> list[dict]:
    """Per form and indicator: form id and name, code, label, unit, value type, ``value`` (sum or average),
    ``reports`` counted, ``key``. One query, ordered by form then by the indicator's place in it."""
    rows = (
        _values(flt)
        .values("indicator__form_id", "indicator__code", "indicator__value_type")
        .annotate(
            form_name=Max("indicator__form__name"),
            label=Max("indicator__label"),
            measure=Max("indicator__unit"),
            position=Min("indicator__position"),
            total=Sum("value_decimal"),
            average=Avg("value_decimal"),
            reports=Count("report_id", distinct=True),
        )
        .order_by("form_name", "indicator__form_id", "position", "indicator__code")
    )
    out = []
    for row in rows:
        value_type = row["indicator__value_type"]
        form_id, code = row["indicator__form_id"], row["indicator__code"]
        out.append(
            {
                "form_id": form_id,
                "form": row["form_name"],
                "key": key_of(form_id, code),
                "code": code,
                "label": row["label"],
                "unit": row["measure"],
                "value_type": value_type,
                "averaged": value_type in AVERAGED,
                "value": result(value_type, row["total"], row["average"]),
                "reports": row["reports"],
            }
        )
    return out


def indicator_by_child(flt: DashboardFilter, form_id: int, code: str) -> dict[str, dict]:
    """bucket -> {value, reports} for one indicator of one form. One query."""
    rows = (
        _values(flt)
        .filter(indicator__form_id=form_id, indicator__code=code)
        .annotate(bucket=flt.bucket(P))
        .values("bucket", "indicator__value_type")
        .annotate(total=Sum("value_decimal"), average=Avg("value_decimal"), reports=Count("report_id", distinct=True))
        .order_by()
    )
    return {
        r["bucket"]: {"value": result(r["indicator__value_type"], r["total"], r["average"]), "reports": r["reports"]}
        for r in rows
    }


def indicator_trend(flt: DashboardFilter, form_id: int, code: str) -> dict[datetime.date, dict]:
    """month the period ends in -> {value, reports} for one indicator of one form. One query."""
    rows = (
        _values(flt)
        .filter(indicator__form_id=form_id, indicator__code=code)
        .annotate(month=TruncMonth(f"{P}period_end"))
        .values("month", "indicator__value_type")
        .annotate(total=Sum("value_decimal"), average=Avg("value_decimal"), reports=Count("report_id", distinct=True))
        .order_by("month")
    )
    out = {}
    for r in rows:
        month = r["month"].date() if isinstance(r["month"], datetime.datetime) else r["month"]
        out[month] = {"value": result(r["indicator__value_type"], r["total"], r["average"]), "reports": r["reports"]}
    return out
