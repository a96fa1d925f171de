"""Read-side figures from the registers: counts for a unit's subtree over a period, the figures bound to
report indicators, dissemination of a directive, and the units with no record.

Every function here costs a fixed number of queries whatever the number of rows or units: aggregates
run in the database, the registers used side by side in one query.
"""

import datetime
import json
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Count, IntegerField, Max, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from registers import registry
from registers.models import (
    CitizenReception,
    CommunityDecision,
    Conference,
    Consultation,
    Disclosure,
    IndicatorBinding,
    Supervision,
    VillageCharter,
)
from reports import periods
from reports.selectors import compiled
from units.models import Unit

ONE_DECIMAL = Decimal("0.1")


def _records(model, unit: Unit, start: datetime.date | None, end: datetime.date | None, **filters):
    return model.objects.in_subtree(unit).in_period(start, end).filter(**filters)


# One small function per register, for other apps (the annual evaluation): rows of the unit's subtree dated
# within start…end (inclusive), optionally narrowed by field lookups.


def disclosures_count(unit: Unit, start, end, **filters) -> int:
    return _records(Disclosure, unit, start, end, **filters).count()


def community_decisions_count(unit: Unit, start, end, **filters) -> int:
    return _records(CommunityDecision, unit, start, end, **filters).count()


def village_charters_count(unit: Unit, start, end, **filters) -> int:
    return _records(VillageCharter, unit, start, end, **filters).count()


def consultations_count(unit: Unit, start, end, **filters) -> int:
    return _records(Consultation, unit, start, end, **filters).count()


def supervisions_count(unit: Unit, start, end, **filters) -> int:
    return _records(Supervision, unit, start, end, **filters).count()


def conferences_count(unit: Unit, start, end, **filters) -> int:
    return _records(Conference, unit, start, end, **filters).count()


def citizen_receptions_count(unit: Unit, start, end, **filters) -> int:
    return _records(CitizenReception, unit, start, end, **filters).count()


# ---------------------------------------------------------------------------------------------
# Bound figures


def check_binding(binding: IndicatorBinding) -> None:
    """Refuse a binding that names a register, field or filter the register does not declare."""
    register = registry.REGISTERS.get(binding.register)
    if register is None:
        raise ValidationError({"register": _("No such register.")})
    M = IndicatorBinding.Measure
    if binding.measure == M.SUM and binding.field not in register.sums:
        raise ValidationError({"field": _("Choose one of: %(fields)s.") % {"fields": ", ".join(register.sums) or "—"}})
    bad = set(binding.filters or {}) - set(register.filterable)
    if bad:
        raise ValidationError(
            {"filters": _("Not a filter of this register: %(names)s.") % {"names": ", ".join(sorted(bad))}}
        )
    if binding.measure == M.SHARE and (
        not binding.condition or set(binding.condition) - set(register.share_conditions)
    ):
        raise ValidationError(
            {"condition": _("Choose one of: %(fields)s.") % {"fields": ", ".join(register.share_conditions) or "—"}}
        )


def _q(mapping: dict) -> Q:
    return Q(**(mapping or {}))


def _aggregates(binding: IndicatorBinding, key: str, within: Q | None = None) -> dict:
    """The binding's aggregate (two for a share) named ``key``, of the rows ``within`` keeps too if given."""
    M = IndicatorBinding.Measure
    where = _q(binding.filters) & within if within is not None else _q(binding.filters)
    if binding.measure == M.SUM:
        return {key: Coalesce(Sum(binding.field, filter=where), Value(0), output_field=IntegerField())}
    out = {key: Count("id", filter=where)}
    if binding.measure == M.SHARE:
        out[f"{key}_hit"] = Count("id", filter=where & _q(binding.condition))
    return out


def _value(binding: IndicatorBinding, row: dict, key: str) -> Decimal:
    if binding.measure == IndicatorBinding.Measure.SHARE:
        total = row[key]
        if not total:
            return Decimal(0)
        return (Decimal(row[f"{key}_hit"]) * 100 / total).quantize(ONE_DECIMAL, ROUND_HALF_UP)
    return Decimal(row[key] or 0)


def figures_for(bindings, unit: Unit, start, end) -> dict[int, Decimal]:
    """Each binding's figure (by indicator id) over ``unit``'s subtree and start…end, in one query: one
    aggregate row per register used (each table scanned once), the rows side by side."""
    by_register: dict[str, list[IndicatorBinding]] = {}
    for b in bindings:
        by_register.setdefault(b.register, []).append(b)
    if not by_register:
        return {}
    parts, params, names = [], [], []
    for index, (slug, group) in enumerate(by_register.items()):
        aggregates = {}
        for b in group:
            aggregates.update(_aggregates(b, f"b{b.indicator_id}"))
        # A constant to group by is left out of GROUP BY: one row aggregating every matching row.
        qs = (
            _records(registry.REGISTERS[slug].model, unit, start, end)
            .order_by()
            .annotate(one=Value(1))
            .values("one")
            .annotate(**aggregates)
            .values(*aggregates)
        )
        sql, sql_params = qs.query.sql_with_params()
        parts.append(f"({sql}) r{index}")
        params.extend(sql_params)
        names.extend(aggregates)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {' CROSS JOIN '.join(parts)}", params)
        row = dict(zip(names, cursor.fetchone(), strict=True))
    return {b.indicator_id: _value(b, row, f"b{b.indicator_id}") for b in bindings}


def _filters_key(binding: IndicatorBinding) -> str:
    return json.dumps(binding.filters or {}, sort_keys=True)


def _dates_q(start: datetime.date | None, end: datetime.date | None) -> Q:
    return Q(**{k: v for k, v in (("date__gte", start), ("date__lte", end)) if v})


def _kept_names(spans) -> list[dict[str, str]]:
    """Per span ``i`` of ``spans`` (bindings, start, end): by set of filters of its bindings, the name of the
    count of the rows it keeps (``s{i}n{k}``)."""
    kept = []
    for group, _start, _end in spans:
        names: dict[str, str] = {}
        for b in group:
            names.setdefault(_filters_key(b), f"s{len(kept)}n{len(names)}")
        kept.append(names)
    return kept


def _grouped_aggregates(spans) -> dict:
    """For one register, per (bindings, start, end) of ``spans`` (the span ``i``): each binding's aggregate
    of the rows of that span (``s{i}b{indicator id}``) and, per set of filters, a count of the rows it keeps
    (named as ``_kept_names`` names it)."""
    aggregates = {}
    for i, ((group, start, end), names) in enumerate(zip(spans, _kept_names(spans), strict=True)):
        within = _dates_q(start, end)
        for b in group:
            aggregates.update(_aggregates(b, f"s{i}b{b.indicator_id}", within))
            name = names[_filters_key(b)]
            if name not in aggregates:
                aggregates[name] = Count("id", filter=_q(b.filters) & within)
    return aggregates


def _grouped_queryset(slug: str, aggregates: dict, unit, start, end):
    """One register's rows of ``unit``'s subtree and start…end grouped by their unit's path, with ``aggregates``."""
    return (
        _records(registry.REGISTERS[slug].model, unit, start, end)
        .order_by()
        .values("unit__path")
        .annotate(**aggregates)
        .values_list("unit__path", *aggregates)
    )


def _grouped(slug: str, spans, unit: Unit):
    """One register's rows grouped by their unit's path (``_grouped_queryset``) over every span of ``spans``
    (bindings, start, end), each span's aggregates filtered by its dates: the aggregates' names, the filters'
    count names per span, and the query's SQL and parameters. One scan of the register whatever the spans; with
    every date given, the SQL is compiled once per process for the register, the spans and the bindings
    (``compiled.sql_for``): the ORM took longer to build and compile these queries than the database took to
    run them, and PostgreSQL longer to plan one part per span than one per register."""
    kept = _kept_names(spans)
    starts, ends = [start for _g, start, _e in spans], [end for _g, _s, end in spans]
    if not (all(starts) and all(ends)):
        aggregates = _grouped_aggregates(spans)
        start = None if not all(starts) else min(starts)
        end = None if not all(ends) else max(ends)
        return list(aggregates), kept, _grouped_queryset(slug, aggregates, unit, start, end).query.sql_with_params()
    key = (
        "registers",
        slug,
        tuple(
            tuple(
                (b.indicator_id, b.measure, b.field, _filters_key(b), json.dumps(b.condition or {}, sort_keys=True))
                for b in group
            )
            for group, _start, _end in spans
        ),
    )

    def build(path, start, end, **dates):
        stood = [(group, dates[f"start{i}"], dates[f"end{i}"]) for i, (group, _s, _e) in enumerate(spans)]
        return _grouped_queryset(slug, _grouped_aggregates(stood), SimpleNamespace(path=path), start, end)

    stand_ins = {
        "path": compiled.stand_in_path(0),
        "start": compiled.stand_in_date(0),
        "end": compiled.stand_in_date(1),
    }
    values = {"path": unit.path, "start": min(starts), "end": max(ends)}
    for i in range(len(spans)):
        stand_ins[f"start{i}"], stand_ins[f"end{i}"] = (
            compiled.stand_in_date(2 + 2 * i),
            compiled.stand_in_date(3 + 2 * i),
        )
        values[f"start{i}"], values[f"end{i}"] = starts[i], ends[i]
    sql, params, names = compiled.sql_for(key, build, stand_ins, values, as_param={"path": compiled.like_prefix})
    return names[1:], kept, (sql, params)  # after the path, the aggregates


def _totals_and_having(spans, unit: Unit):
    """Per (bindings, start, end) of ``spans``: each binding's figure (by indicator id) over ``unit``'s
    subtree and that span, and the paths of the units with a row it counts.

    One query, whatever the number of spans, registers, bindings or units: per register used, its rows of
    the subtree grouped by their unit's path, with each binding's aggregate over its span and, per span and
    set of filters, the rows it keeps, side by side (``_grouped``); the registers' groups follow one another
    (UNION ALL). The totals are the groups added up (counts and sums add, a share is its two counts added)."""
    by_register: dict[str, list] = {}
    for span, (bindings, start, end) in enumerate(spans):
        mine: dict[str, list[IndicatorBinding]] = {}
        for b in bindings:
            mine.setdefault(b.register, []).append(b)
        for slug, group in mine.items():
            by_register.setdefault(slug, []).append((span, group, start, end))
    out = [({}, {}) for _span in spans]
    if not by_register:
        return out
    parts = []
    for slug, part_spans in by_register.items():
        names, kept, part = _grouped(slug, [(group, start, end) for _i, group, start, end in part_spans], unit)
        parts.append((part_spans, names, kept, part))
    width = max(len(names) for _s, names, _k, _p in parts)
    sql, params = [], []
    for index, (_spans, names, _kept, (part_sql, part_params)) in enumerate(parts):
        # Each register's cells at the same positions are counts, sums or nothing: one type (NUMERIC) for all,
        # which PostgreSQL's UNION needs (a bare NULL would be text, a count bigint).
        cells = [f'CAST(r{index}."{name}" AS NUMERIC)' for name in names]
        cells += ["CAST(NULL AS NUMERIC)"] * (width - len(names))
        sql.append(f'SELECT {index}, r{index}."unit__path", {", ".join(cells)} FROM ({part_sql}) r{index}')
        params.extend(part_params)
    with connection.cursor() as cursor:  # plain tuples: thousands of groups need no converters
        cursor.execute(" UNION ALL ".join(sql), params)
        rows = cursor.fetchall()
    by_index: dict[int, list] = {}
    for index, path, *cells in rows:
        by_index.setdefault(index, []).append((path, cells))
    for index, (part_spans, names, kept, _sql) in enumerate(parts):
        sums = dict.fromkeys(names, 0)
        counted = {name: [] for span_kept in kept for name in span_kept.values()}
        for path, cells in by_index.get(index, ()):
            for name, cell in zip(names, cells, strict=False):
                sums[name] += cell or 0
                if name in counted and cell:
                    counted[name].append(path)
        for i, (span, group, _start, _end) in enumerate(part_spans):
            values, having = out[span]
            for b in group:
                values[b.indicator_id] = _value(b, sums, f"s{i}b{b.indicator_id}")
                having[b.indicator_id] = counted[kept[i][_filters_key(b)]]
    return out


def totals_and_gaps(bindings, unit: Unit, start, end) -> tuple[dict[int, Decimal], dict[int, list[int]]]:
    """Each binding's figure (by indicator id) and the ids of the communes and wards of ``unit``'s subtree
    with no row it counts (``units_without_records``), over start…end, in their place in the tree: two
    queries (``_totals_and_having``, then the candidates), whatever the number of registers or units."""
    [(values, having)] = _totals_and_having([(bindings, start, end)], unit)
    if not values:
        return {}, {}
    candidates = candidate_units(unit)
    return values, {pk: _without(candidates, paths) for pk, paths in having.items()}


def records_link(binding: IndicatorBinding, unit: Unit, start, end) -> str:
    """The register's list narrowed to exactly the rows a figure counts."""
    register = registry.REGISTERS[binding.register]
    params = {"unit": unit.pk}
    if start:
        params["start"] = start.isoformat()
    if end:
        params["end"] = end.isoformat()
    for name, value in (binding.filters or {}).items():
        if name == register.group_field:
            params["group"] = value
        else:
            params[name] = ("1" if value else "0") if isinstance(value, bool) else value
    return reverse("registers:record_list", args=[register.slug]) + "?" + urlencode(params)


def period_span(form, start: datetime.date, end: datetime.date) -> tuple[datetime.date, datetime.date] | None:
    """The first and last day of data of ``form``'s periods whose last day falls in start…end (the periods a
    dashboard adds up for that range), by the form's own period and cut-off; None if none does, or if the
    form is not periodic."""
    return _span(form.period_type, form.cutoff_day, start, end)


def _span(period_type: str, cutoff_day, start: datetime.date, end: datetime.date):
    if not period_type:
        return None
    spans = [
        (p.start, p.end)
        for year in range(start.year - 1, end.year + 2)
        for p in periods.periods_of_year(period_type, year, cutoff_day)
        if start <= p.end <= end
    ]
    if not spans:
        return None
    return min(s for s, _e in spans), max(e for _s, e in spans)


def behind_totals(unit: Unit, start: datetime.date, end: datetime.date, totals: list[dict]) -> dict[str, dict]:
    """For a dashboard's indicator totals (``key``, ``form_id``, ``code`` each) over periods ending in
    start…end: per key of a bound indicator, the records' figure (``value``) for the same unit's subtree and the same
    periods, the link to exactly those rows, how many communes and wards have no row they count, and the
    link listing them. Three queries: the bindings (plain rows), the figures of every form's span
    (``_totals_and_having``), and the paths of the communes and wards."""
    wanted = {(t["form_id"], t["code"]): t["key"] for t in totals}
    if not wanted:
        return {}
    rows = (
        IndicatorBinding.objects.filter(indicator__form_id__in={f for f, _c in wanted})
        .order_by("indicator__form_id", "indicator__position")
        .values_list(*_BINDING_FIELDS, "indicator__form_id", "indicator__code", *_FORM_PERIOD)
    )
    by_span: dict[tuple, list[IndicatorBinding]] = {}
    keys: dict[int, tuple] = {}  # per indicator: (form id, code)
    spans_of: dict[int, tuple | None] = {}  # per form: its bindings share its periods
    for *fields, form_id, code, period_type, cutoff_day in rows:
        if (form_id, code) not in wanted:
            continue
        if form_id not in spans_of:
            spans_of[form_id] = _span(period_type, cutoff_day, start, end)
        span = spans_of[form_id]
        if span is not None:
            b = IndicatorBinding(**dict(zip(_BINDING_FIELDS, fields, strict=True)))
            by_span.setdefault(span, []).append(b)
            keys[b.indicator_id] = (form_id, code)
    if not by_span:
        return {}
    spans = list(by_span.items())
    found = _totals_and_having([(group, first, last) for (first, last), group in spans], unit)
    with connection.cursor() as cursor:  # thousands of paths: plain tuples
        cursor.execute(*_candidates(unit).order_by().values_list("path").query.sql_with_params())
        candidates = frozenset(path for (path,) in cursor.fetchall())
    figures_url = reverse("registers:figures")
    # Units with no row, by the list of paths with one: the bindings of a span and register that keep the same
    # rows share their list (``_totals_and_having``), and each list is paired with the candidates once.
    without: dict[int, int] = {}
    out = {}
    for ((first, last), group), (values, having) in zip(spans, found, strict=True):
        span = f"{figures_url}?unit={unit.pk}&start={first.isoformat()}&end={last.isoformat()}"
        for b in group:
            form_id, code = keys[b.indicator_id]
            # Numbers and ISO dates only: nothing in this query needs quoting.
            missing = f"{span}&form={form_id}&missing={b.indicator_id}#missing-title"
            paths = having[b.indicator_id]
            if id(paths) not in without:
                without[id(paths)] = len(candidates) - len(candidates & _covered(paths))
            out[wanted[(form_id, code)]] = {
                "value": values[b.indicator_id],
                "link": records_link(b, unit, first, last),
                "without": without[id(paths)],
                "without_link": missing,
                "start": first,
                "end": last,
            }
    return out


# What the figures of a binding need, read as plain rows (a model instance per binding, its indicator and its
# form took longer to build than the query took to run); and its form's period.
_BINDING_FIELDS = ("id", "indicator_id", "register", "measure", "field", "filters", "condition")
_FORM_PERIOD = ("indicator__form__period_type", "indicator__form__cutoff_day")


def format_figure(value: Decimal) -> str:
    """As typed in the report: a whole number without decimals, a share with one."""
    if value == value.to_integral_value():
        return str(int(value))
    return str(value.quantize(ONE_DECIMAL)).replace(".", ",")


def bound_rows(obligation, report=None):
    """For the report of ``obligation``: each bound indicator with the figure from the records, the link to
    them, the reported value and the override's reason (a few queries whatever the number of records)."""
    cached = obligation.__dict__.get("_register_figures")
    bindings, figures, overrides = cached if cached is not None else _figures_of(obligation, report)
    if not bindings:
        return []
    unit = obligation.unit
    reported = {v.indicator_id: v for v in report.values.all()} if report is not None else {}
    rows = []
    for b in bindings:
        value = figures[b.indicator_id]
        shown = format_figure(value)
        saved = reported.get(b.indicator_id)
        differs = (
            saved is not None
            and saved.raw.strip() != ""
            and (saved.value_decimal is None or Decimal(saved.value_decimal) != value)
        )
        rows.append(
            {
                "binding": b,
                "indicator": b.indicator,
                "figure": shown,
                "link": records_link(b, unit, obligation.period_start, obligation.period_end),
                "reported": saved.raw if saved else "",
                "differs": differs,
                "override": overrides.get(b.indicator_id),
            }
        )
    return rows


def _figures_of(obligation, report):
    """(bindings, figures, overrides) of the obligation's form, computed once per request (three queries)."""
    from registers.models import FigureOverride

    bindings = list(
        IndicatorBinding.objects.filter(indicator__form_id=obligation.form_id)
        .select_related("indicator")
        .order_by("indicator__position", "indicator_id")
    )
    figures = figures_for(bindings, obligation.unit, obligation.period_start, obligation.period_end) if bindings else {}
    overrides = {}
    if bindings and report is not None:
        overrides = {o.indicator_id: o for o in FigureOverride.objects.filter(report=report).select_related("by")}
    obligation._register_figures = (bindings, figures, overrides)
    return obligation._register_figures


def fill_initial(obligation, report, indicators, initial: dict) -> None:
    """Put the records' figure in each bound field of the report form, unless the reporter has overridden it."""
    bindings, figures, overrides = _figures_of(obligation, report)
    by_id = {i.pk: i for i in indicators}
    for b in bindings:
        if b.indicator_id in overrides or b.indicator_id not in by_id:
            continue
        initial[by_id[b.indicator_id].field_name] = format_figure(figures[b.indicator_id])


# ---------------------------------------------------------------------------------------------
# Coverage


def units_without_records(model, unit: Unit, start, end, kinds=None, candidates=None, **filters) -> list[int]:
    """Ids of the units of ``kinds`` (communes and wards by default) in ``unit``'s subtree with no row in the
    period, their own or their subtree's, ordered by their place in the tree.

    Two queries (one when ``candidates``, the (id, path) of those units, are given): the distinct paths of
    the units that have rows, and the candidates; a prefix test in Python pairs them (a pattern built from
    another row's path cannot use the path index)."""
    having = _records(model, unit, start, end, **filters).order_by().values_list("unit__path", flat=True).distinct()
    if candidates is None:
        candidates = candidate_units(unit, kinds)
    return _without(candidates, having)


def candidate_units(unit: Unit, kinds=None) -> list[tuple[int, str]]:
    """(id, path) of the open units of ``kinds`` (communes and wards by default) in ``unit``'s subtree."""
    return list(_candidates(unit, kinds).order_by("path").values_list("pk", "path"))


def _candidates(unit: Unit, kinds=None):
    return Unit.objects.subtree(unit).filter(kind__in=kinds or Unit.COMMUNAL_KINDS, closed_on__isnull=True)


def _without(candidates: list[tuple[int, str]], paths) -> list[int]:
    """The ids of ``candidates`` (id, path) with no path of ``paths`` in their subtree, in their order.

    Every unit a path passes through is put in a set once, so each candidate is one lookup: a national
    page tests its 3,321 communes against each register's figures, and a search per commune and figure
    cost more than the page's queries."""
    covered = _covered(paths)
    if not covered:
        return [pk for pk, _path in candidates]
    return [pk for pk, path in candidates if path not in covered]


def _covered(paths) -> set[str]:
    """Every path the units of ``paths`` lie on: each path and those of the units above it."""
    covered: set[str] = set()
    for path in paths:
        end = path.find("/", 1)
        while end != -1:
            covered.add(path[: end + 1])
            end = path.find("/", end + 1)
    return covered


def dissemination(directive, units):
    """For each unit of ``units`` (a queryset): conferences on ``directive`` in its subtree and, of the
    best-attended one, the Party cells reached and the Party cells the unit has; one query."""
    conferences = Conference.objects.filter(directive=directive, unit__path__startswith=OuterRef("path"))

    def total(expression):
        return Coalesce(
            Subquery(
                conferences.order_by().values("directive").annotate(v=expression).values("v")[:1],
                output_field=IntegerField(),
            ),
            Value(0),
        )

    return units.annotate(
        conference_count=total(Count("id")),
        cells_reached=total(Max("party_cells_reached")),
        cells_total=total(Max("party_cells_total")),
    )


def share(reached: int, total: int) -> Decimal | None:
    if not total:
        return None
    return (Decimal(reached) * 100 / total).quantize(ONE_DECIMAL, ROUND_HALF_UP)
