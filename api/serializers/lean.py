"""The API's busiest lists built from plain rows: one ``values()`` query for the page and one per kind of
child (a report's figures, a directive's targets), then dictionaries, with no model instance or nested
serializer per row.

Each function gives exactly what the list's serializer (``ReportSerializer``, ``ObligationSerializer``,
``DirectiveSerializer``) gives for the same rows: those stay the description of the API (OpenAPI) and
serialize the single objects; a test holds the two to the same output.
"""

import datetime
import functools
from collections import defaultdict

from django.db import connection
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from api.serializers.directives import DirectiveSerializer
from directives.models import Directive, DirectiveRelation, DirectiveType
from reports import periods
from reports.models import FormSection, Indicator, ReportForm, ReportValue, Status
from reports.models.obligations import NOT_FILED
from units.models import Person, User


def _dt(value: datetime.datetime | None, zone=None) -> str | None:
    """As DRF's ``DateTimeField`` writes it: ISO 8601 in the current time zone (``zone``, when the caller
    looked it up once for many values), ``Z`` for UTC."""
    if not value:
        return None
    if value.utcoffset() is not None:  # aware
        value = value.astimezone(zone or timezone.get_current_timezone())
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def _labels(choices) -> dict:
    return {value: str(label) for value, label in choices}


class _Url:
    """``reverse(name, args=[pk])`` for many primary keys: reversed once, then filled in."""

    MARK = 987654321

    def __init__(self, name: str):
        self.head, _mark, self.tail = reverse(name, args=[self.MARK]).rpartition(str(self.MARK))

    def __call__(self, pk: int) -> str:
        return f"{self.head}{pk}{self.tail}"


@functools.cache
def _unit_columns(prefix: str) -> tuple[str, ...]:
    return tuple(f"{prefix}{c}" for c in ("id", "name", "kind", "code"))


def _unit_ref(row: dict, prefix: str) -> dict | None:
    pk, name, kind, code = _unit_columns(prefix)
    if row[pk] is None:
        return None
    return {"id": row[pk], "name": row[name], "kind": row[kind], "code": row[code]}


FORM_REF = ("id", "code", "name", "kind", "period_type")


def _form_columns(prefix: str) -> tuple[str, ...]:
    return tuple(f"{prefix}{c}" for c in FORM_REF)


def _form_ref(row: dict, prefix: str) -> dict:
    return {c: row[f"{prefix}{c}"] for c in FORM_REF}


def _period(kind: str, period_type: str, year, index, start, end) -> str:
    """``Obligation.period_label`` from plain values."""
    if kind == ReportForm.Kind.PERIODIC and index:
        return periods.period_label(period_type, year, index)
    return f"{start:%d/%m/%Y} – {end:%d/%m/%Y}"


class _Periods:
    """``_period`` for the rows of one page, which share a few periods: each label is written once."""

    def __init__(self):
        self.labels = {}

    def __call__(self, *values) -> str:
        label = self.labels.get(values)
        if label is None:
            label = self.labels[values] = _period(*values)
        return label

    def of(self, row: dict, form: str, prefix: str = "") -> str:
        """``Obligation.period_label`` from plain columns."""
        dates = (row[f"{prefix}{c}"] for c in ("year", "period_index", "period_start", "period_end"))
        return self(row[f"{form}kind"], row[f"{form}period_type"], *dates)


# Reports ---------------------------------------------------------------------------------------------------

OB = "obligation__"
REPORT_COLUMNS = (
    "id",
    "obligation_id",
    f"{OB}form_id",
    *_unit_columns(f"{OB}unit__"),
    f"{OB}year",
    f"{OB}period_index",
    f"{OB}period_start",
    f"{OB}period_end",
    f"{OB}due_date",
    "status",
    "revision",
    "narrative",
    "issuing_body",
    "doc_symbol",
    "doc_place",
    "doc_date",
    "issuer",
    "signer_title",
    "signer_name",
    "recipients",
    "created_at",
    "updated_at",
    "submitted_at",
    "approved_at",
    "updated_by_id",
    "approved_by_id",
)


def _report_parts(form_ids, report_ids, user_ids) -> tuple[dict, dict, dict, dict, dict]:
    """Of the forms of a page: each one's reference, sections (pk, pk as text, title) and figures (pk, code), in the
    forms' order; each report's values by figure (raw, number as text, text); the display name of each user who
    changed or approved one: one query.

    The page's own query then joins neither the forms nor the users (with their people): fewer tables
    for the database to plan on every request. The union is written out rather than built by the ORM,
    which took longer to compile it than the database to run it; the number column goes through the
    field's own converters (on SQLite, rounded to its places) as ``ReportValue.value_decimal`` would."""
    qn = connection.ops.quote_name

    def table(model) -> str:
        return qn(model._meta.db_table)

    def col(model, name: str) -> str:
        return qn(model._meta.get_field(name).column)

    RV, RF = ReportValue, ReportForm
    # PostgreSQL writes the number as its text (what ``str`` of the decimal the ORM reads gives, to the
    # column's places); elsewhere it is read and converted as the field's converters say.
    as_text = connection.vendor == "postgresql"
    number_sql = f"CAST({col(RV, 'value_decimal')} AS text)" if as_text else col(RV, "value_decimal")
    person_table, person_user = qn(Person._meta.db_table), qn(Person._meta.get_field("user").column)
    selects = [  # (the branch's SELECT … WHERE, the column its ids filter, the ids)
        (
            f"SELECT 2, {col(RV, 'report')}, 0, {col(RV, 'indicator')}, {col(RV, 'raw')}, {number_sql},"
            f" {col(RV, 'value_text')}, NULL, NULL FROM {table(RV)} WHERE",
            col(RV, "report"),
            report_ids,
        ),
        *(  # the forms' sections (kind 0, by title) and figures (kind 1, by code)
            (
                f"SELECT {kind}, {col(m, 'form')}, {col(m, 'position')}, {col(m, 'id')}, {col(m, label)},"
                f" NULL, NULL, NULL, NULL FROM {table(m)} WHERE",
                col(m, "form"),
                form_ids,
            )
            for kind, m, label in ((0, FormSection, "title"), (1, Indicator, "code"))
        ),
        (
            f"SELECT 3, {col(RF, 'id')}, 0, 0, {col(RF, 'code')}, NULL, {col(RF, 'name')}, {col(RF, 'kind')},"
            f" {col(RF, 'period_type')} FROM {table(RF)} WHERE",
            col(RF, "id"),
            form_ids,
        ),
        (
            f"SELECT 4, u.{col(User, 'id')}, 0, 0, u.{col(User, 'username')}, NULL, u.{col(User, 'first_name')},"
            f" u.{col(User, 'last_name')}, p.{col(Person, 'full_name')} FROM {table(User)} u"
            f" LEFT JOIN {person_table} p ON p.{person_user} = u.{col(User, 'id')} WHERE",
            f"u.{col(User, 'id')}",
            user_ids,
        ),
    ]
    branches, params = [], []
    for select, column, ids in selects:
        ids = list(ids)
        if ids:  # an empty IN () is not SQL
            branches.append(f"{select} {column} IN ({', '.join(['%s'] * len(ids))})")
            params += ids
    number = ReportValue._meta.get_field("value_decimal").get_col(ReportValue._meta.db_table)
    converters = [] if as_text else connection.ops.get_db_converters(number) + number.get_db_converters(connection)
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(branches), params)
        rows = cursor.fetchall()
    parts: tuple[dict, dict] = (defaultdict(list), defaultdict(list))
    typed: dict[int, dict] = defaultdict(dict)
    refs, names = {}, {}
    for kind, owner, position, pk, first, number_value, second, third, fourth in rows:
        if kind == 2:
            if number_value is not None:
                for convert in converters:
                    number_value = convert(number_value, number, connection)
                number_value = str(number_value)
            typed[owner][pk] = (first, number_value, second)
        elif kind == 3:
            refs[owner] = {"id": owner, "code": first, "name": second, "kind": third, "period_type": fourth}
        elif kind == 4:
            names[owner] = fourth or f"{second} {third}".strip() or first  # User.display_name
        else:
            parts[kind][owner].append((position, pk, first))
    sections = {
        form: [(pk, str(pk), title) for _position, pk, title in sorted(items)] for form, items in parts[0].items()
    }
    figures = {form: [(pk, code) for _position, pk, code in sorted(items)] for form, items in parts[1].items()}
    return refs, sections, figures, typed, names


NO_VALUE = ("", None, "")  # a figure the report has no value for


_OB_FORM, _OB_DUE, _OB_UNIT = f"{OB}form_id", f"{OB}due_date", f"{OB}unit__"
_OB_PERIOD = tuple(f"{OB}{c}" for c in ("year", "period_index", "period_start", "period_end"))


def report_rows(rows: list[dict]) -> list[dict]:
    """``ReportSerializer(many=True).data`` of ``rows`` (read with ``REPORT_COLUMNS``)."""
    if not rows:
        return []
    forms, sections, indicators, typed, names = _report_parts(
        {r[_OB_FORM] for r in rows},
        [r["id"] for r in rows],
        {pk for r in rows for pk in (r["updated_by_id"], r["approved_by_id"]) if pk is not None},
    )
    status = _labels(Status.choices)
    url = _Url("reports:report_detail")
    zone = timezone.get_current_timezone()
    period = _Periods()
    year, index, start, end = _OB_PERIOD
    out = []
    for r in rows:
        form_id, narrative, own = r[_OB_FORM], r["narrative"] or {}, typed[r["id"]]
        form = forms[form_id]
        figures = []
        for pk, code in indicators[form_id]:
            raw, number, text = own.get(pk, NO_VALUE)
            figures.append({"indicator": pk, "code": code, "raw": raw, "number": number, "text": text})
        out.append(
            {
                "id": r["id"],
                "obligation": r["obligation_id"],
                "form": dict(form),
                "unit": _unit_ref(r, _OB_UNIT),
                "period_label": period(form["kind"], form["period_type"], r[year], r[index], r[start], r[end]),
                "due_date": _date(r[_OB_DUE]),
                "status": r["status"],
                "status_label": status.get(r["status"], r["status"]),
                "revision": r["revision"],
                "narrative": [
                    {"section": pk, "title": title, "text": narrative.get(key, "")}
                    for pk, key, title in sections[form_id]
                ],
                "values": figures,
                "document": {
                    "issuing_body": r["issuing_body"],
                    "doc_symbol": r["doc_symbol"],
                    "doc_place": r["doc_place"],
                    "doc_date": _date(r["doc_date"]),
                    "issuer": r["issuer"],
                    "signer_title": r["signer_title"],
                    "signer_name": r["signer_name"],
                    "recipients": r["recipients"],
                },
                "created_at": _dt(r["created_at"], zone),
                "updated_at": _dt(r["updated_at"], zone),
                "updated_by": names.get(r["updated_by_id"]),
                "submitted_at": _dt(r["submitted_at"], zone),
                "approved_at": _dt(r["approved_at"], zone),
                "approved_by": names.get(r["approved_by_id"]),
                "web_url": url(r["obligation_id"]),
            }
        )
    return out


# Obligations -----------------------------------------------------------------------------------------------

OBLIGATION_COLUMNS = (
    "id",
    *_form_columns("form__"),
    *_unit_columns("unit__"),
    "assignment_id",
    "year",
    "period_index",
    "period_start",
    "period_end",
    "due_date",
    "status",
    "first_submitted_at",
    "last_submitted_at",
    "accepted_at",
    "on_time",
    "accepted_on_time",
    "days_late",
    "returned_count",
    "report__id",
    "report__status",
    "report__revision",
)


def obligation_rows(rows: list[dict], today: datetime.date) -> list[dict]:
    """``ObligationSerializer(many=True).data`` of ``rows`` (read with ``OBLIGATION_COLUMNS``)."""
    status = _labels(Status.choices)
    cal = periods.current_calendar()
    url = _Url("reports:report_detail")
    zone = timezone.get_current_timezone()
    period = _Periods()
    return [
        {
            "id": r["id"],
            "form": _form_ref(r, "form__"),
            "unit": _unit_ref(r, "unit__"),
            "assignment": r["assignment_id"],
            "year": r["year"],
            "period_index": r["period_index"],
            "period_label": period.of(r, "form__"),
            "period_start": _date(r["period_start"]),
            "period_end": _date(r["period_end"]),
            "due_date": _date(r["due_date"]),
            "status": r["status"],
            "status_label": status.get(r["status"], r["status"]),
            "working_days_left": periods.working_days_left(today, r["due_date"], cal),
            "overdue": r["status"] in NOT_FILED and r["due_date"] < today,
            "first_submitted_at": _dt(r["first_submitted_at"], zone),
            "last_submitted_at": _dt(r["last_submitted_at"], zone),
            "accepted_at": _dt(r["accepted_at"], zone),
            "on_time": r["on_time"],
            "accepted_on_time": r["accepted_on_time"],
            "days_late": r["days_late"],
            "returned_count": r["returned_count"],
            "report": None
            if r["report__id"] is None
            else {"id": r["report__id"], "status": r["report__status"], "revision": r["report__revision"]},
            "web_url": url(r["id"]),
        }
        for r in rows
    ]


# Directives ------------------------------------------------------------------------------------------------

DIRECTIVE_FIELDS = (
    "symbol",
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
)
DIRECTIVE_COLUMNS = (
    "id",
    *DIRECTIVE_FIELDS,
    *(f"doc_type__{c}" for c in ("id", "name", "code", "family", "is_active")),
    *_unit_columns("owner_unit__"),
    "created_at",
    "updated_at",
    "implements_any",
)
DATES = {"issued_on", "effective_from", "effective_to"}


def directive_listed(queryset):
    """``queryset`` with what ``DIRECTIVE_COLUMNS`` reads beyond the fields: whether each directive
    implements any other (visible or not), so that a page where none does reads no relation."""
    relations = DirectiveRelation.objects.filter(source_id=OuterRef("pk"), kind=DirectiveRelation.Kind.IMPLEMENTS)
    return queryset.annotate(implements_any=Exists(relations))


def directive_rows(rows: list[dict], user) -> list[dict]:
    """``DirectiveSerializer(many=True).data`` of ``rows`` (read with ``DIRECTIVE_COLUMNS``), with the
    directives each implements that ``user`` may see (``with_implements``): one query for the page's
    relations when one of its directives implements any (``directive_listed``), and one more for which of
    their targets the user sees."""
    if not rows:
        return []
    implements = defaultdict(list)
    sources = [r["id"] for r in rows if r["implements_any"]]
    relations = DirectiveRelation.objects.filter(
        source_id__in=sources, kind=DirectiveRelation.Kind.IMPLEMENTS
    ).order_by("target__issued_on", "target_id")
    found = (
        list(relations.values_list("source_id", "target_id", "target__symbol", "target__issued_on")) if sources else []
    )
    if found:  # only then is it worth asking which of the targets the user sees
        seen = set(
            Directive.objects.visible_to(user).filter(pk__in={t for _s, t, *_r in found}).values_list("pk", flat=True)
        )
        for source, pk, symbol, issued_on in found:
            if pk in seen:
                implements[source].append({"id": pk, "symbol": symbol, "issued_on": _date(issued_on)})
    status, family = _labels(Directive.Status.choices), _labels(DirectiveType.Family.choices)
    url = _Url("directives:directive_detail")
    zone = timezone.get_current_timezone()
    out = []
    for r in rows:
        row = {"id": r["id"]}
        for name in DIRECTIVE_FIELDS:
            row[name] = _date(r[name]) if name in DATES else r[name]
        kind = r["doc_type__family"]
        row["doc_type"] = {
            "id": r["doc_type__id"],
            "name": r["doc_type__name"],
            "code": r["doc_type__code"],
            "family": kind,
            "family_label": family.get(kind, kind),
            "is_active": r["doc_type__is_active"],
        }
        row["status_label"] = status.get(r["status"], r["status"])
        row["owner_unit"] = _unit_ref(r, "owner_unit__")
        row["implements"] = implements[r["id"]]
        row["created_at"], row["updated_at"] = _dt(r["created_at"], zone), _dt(r["updated_at"], zone)
        row["web_url"] = url(r["id"])
        out.append({name: row[name] for name in DIRECTIVE_ORDER})
    return out


DIRECTIVE_ORDER = tuple(DirectiveSerializer.Meta.fields)  # the keys in the order the serializer writes them
