"""The figures of the reports added up over a subtree, per form and indicator: summed for counts, averaged
for percentages, "yes" counted for yes/no; by child unit and by month for one indicator of one form.

Never across forms: a monthly, a quarterly and an annual report cover the same months, so adding the
"disclosures made" of all three would count each disclosure up to three times. Within one form a unit
has one report per period, and its periods do not overlap.

Only filed reports count (submitted, resubmitted or accepted): a returned report's figures are being
corrected and a draft's are not final.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max, Min, Sum
from django.db.models.functions import TruncMonth

from reports.models import Indicator, IndicatorTally
from reports.selectors import compiled
from reports.selectors.figures import tally_scope, with_own_share
from reports.selectors.filters import DashboardFilter, compiled_query

AVERAGED = (Indicator.ValueType.PERCENT,)
COUNTED = (Indicator.ValueType.INTEGER, Indicator.ValueType.DECIMAL, Indicator.ValueType.PERCENT)
NUMERIC = (*COUNTED, Indicator.ValueType.BOOLEAN)  # what the roll-ups keep (``reports.tallies.NUMERIC``)


def _tallies(flt: DashboardFilter, children: bool = True):
    """The roll-up rows of the dashboard's periods and forms: the unit's (and its children's)."""
    rows = IndicatorTally.objects.filter(period_end__gte=flt.start, period_end__lte=flt.end)
    if flt.form_ids:
        rows = rows.filter(indicator__form_id__in=flt.form_ids)
    return tally_scope(flt, rows, children=children)


@dataclass
class _Sum:
    total: Decimal
    count: int

    def __add__(self, other: "_Sum") -> "_Sum":
        return _Sum(self.total + other.total, self.count + other.count)

    def __sub__(self, other: "_Sum") -> "_Sum | None":
        left = _Sum(self.total - other.total, self.count - other.count)
        return left if left.count else None


def _shown(value_type: str, s: _Sum) -> dict:
    return {"value": result(value_type, s.total, s.total / s.count if s.count else None), "reports": s.count}


def result(value_type: str, total, average):
    """What to show for an indicator: the average of a percentage, otherwise the total."""
    if value_type in AVERAGED:
        return average
    return total


def key_of(form_id: int, code: str) -> str:
    """How the page names one indicator of one form (``?indicator=12:MEETINGS``)."""
    return f"{form_id}:{code}"


def _rows(flt: DashboardFilter, name: str, build, **more) -> list[dict]:
    """The rows of ``build(flt, **more)``, a values query: for a unit not merged away, from SQL compiled once
    per shape and number of forms (``filters.compiled_query``); the ORM took as long to compile these
    queries as the database to run them."""
    if flt.merged_away:
        return list(build(flt, **more))
    return compiled.rows_for(**compiled_query(flt, name, build, **more))


def _totals_query(flt: DashboardFilter):
    return (
        _tallies(flt, children=False)
        .values("indicator__form_id", "indicator__code", "indicator__value_type")
        .annotate(
            form_name=Max("indicator__form__name"),
            label=Max("indicator__label"),
            measure=Max("indicator__unit"),
            position=Min("indicator__position"),
            total=Sum("total"),
            reports=Sum("count"),
        )
        .order_by("form_name", "indicator__form_id", "position", "indicator__code")
    )


def indicator_totals(flt: DashboardFilter) -> list[dict]:
    """Per form and indicator: form id and name, code, label, unit, value type, ``value`` (sum or average),
    ``reports`` counted, ``key``. One query, ordered by form then by the indicator's place in it."""
    rows = _rows(flt, "indicator totals", _totals_query)
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
                **_shown(value_type, _Sum(row["total"], row["reports"])),
            }
        )
    return out


def _one(flt: DashboardFilter, form_id: int, code: str, children: bool):
    return _tallies(flt, children).filter(indicator__form_id=form_id, indicator__code=code)


def _detail_query(flt: DashboardFilter, form_id: int, code: str):
    group = "bucket" if flt.merged_away else "unit_id"
    return (
        _one(flt, form_id, code, children=True)
        .annotate(month=TruncMonth("period_end"))
        .values(group, "month", "indicator__value_type")
        .annotate(total=Sum("total"), reports=Sum("count"))
        .order_by()
    )


def indicator_detail(
    flt: DashboardFilter, form_id: int, code: str
) -> tuple[dict[str, dict], dict[datetime.date, dict]]:
    """One indicator of one form by child bucket (bucket -> {value, reports}) and by the month its periods
    end in (month -> {value, reports}): one query over the roll-up rows of the unit and its children, by
    unit and month; the unit's own rows give the months, its children's the buckets."""
    rows = _rows(flt, "indicator detail", _detail_query, form_id=form_id, code=code)
    # Added up as [total, count] pairs: a national detail reads a row per province and month.
    months: dict[datetime.date, list] = {}
    buckets: dict[str, list] = {}
    value_type = None
    merged_away, unit_pk = flt.merged_away, flt.unit.pk
    for r in rows:
        value_type = r["indicator__value_type"]
        month = r["month"].date() if isinstance(r["month"], datetime.datetime) else r["month"]
        total, count = r["total"], r["reports"]
        if merged_away or r["unit_id"] == unit_pk:
            pair = months.setdefault(month, [0, 0])
            pair[0] += total
            pair[1] += count
        if merged_away or r["unit_id"] != unit_pk:
            pair = buckets.setdefault(r["bucket"] if merged_away else str(r["unit_id"]), [0, 0])
            pair[0] += total
            pair[1] += count
    wholes = {month: _Sum(*pair) for month, pair in months.items()}
    children = {(bucket, None): _Sum(*pair) for bucket, pair in buckets.items()}
    whole = {}
    if wholes and not flt.merged_away:
        whole[None] = _Sum(sum((s.total for s in wholes.values()), Decimal(0)), sum(s.count for s in wholes.values()))
    by_child = {bucket: _shown(value_type, s) for (bucket, _key), s in with_own_share(whole, children).items()}
    by_month = {month: _shown(value_type, s) for month, s in sorted(wholes.items())}
    return by_child, by_month


def indicator_by_child(flt: DashboardFilter, form_id: int, code: str) -> dict[str, dict]:
    """bucket -> {value, reports} for one indicator of one form (``indicator_detail``)."""
    return indicator_detail(flt, form_id, code)[0]


def indicator_trend(flt: DashboardFilter, form_id: int, code: str) -> dict[datetime.date, dict]:
    """month the period ends in -> {value, reports} for one indicator of one form (``indicator_detail``)."""
    return indicator_detail(flt, form_id, code)[1]
