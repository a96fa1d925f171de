"""The sweep: find the stages that are due, insert their delivery rows (once), and queue them for sending.

Run by the beat every few minutes, by ``send_reminders`` and, for one obligation, after each transition.
Nothing is scheduled ahead of time, so a missed beat heals on the next one. For each (obligation, ladder,
audience) only the latest stage reached is written: a sweep that missed a few days tells people once,
with today's words, rather than replaying every earlier reminder.

A stage is written once per obligation (and round): each batch first reads which (obligation, stage,
round) already have their rows and builds only the others, so the beat's repeat sweeps write nothing and
cost two small queries per batch. Someone who joins the unit after a stage went out is told from the next
stage on. The unique row per (obligation, stage, round, recipient, channel) still guards against two
sweeps writing the same stage at the same moment.
"""

import datetime
import io
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from reports import periods, shipped
from reports.models import Delivery, Obligation, ReminderStage, ReportEvent, ReportForm, Status
from reports.models.obligations import IN_REVIEW, PENDING
from reports.reminders.recipients import Directory

logger = logging.getLogger(__name__)

L = ReminderStage.Ladder
BATCH = 2000
# Obligations due longer ago than this are no longer reminded (their escalations went out long since).
LOOKBACK_DAYS = 60
PUBLISH_CHUNK = 50


@dataclass
class SweepResult:
    obligations: int = 0
    due: int = 0  # messages due: written now or already written by an earlier sweep
    queued: int = 0
    batches: int = 0


def ensure_ladders() -> int:
    """A form without any stage gets the default ladder (new forms; deactivate stages to silence a form)."""
    missing = list(ReportForm.objects.filter(reminder_stages__isnull=True).values_list("pk", flat=True))
    return shipped.install_defaults(ReminderStage, missing) if missing else 0


def _stages() -> dict[tuple[int, str], list[ReminderStage]]:
    by_form: dict[tuple[int, str], list[ReminderStage]] = defaultdict(list)
    for stage in ReminderStage.objects.filter(is_active=True).order_by("offset", "id"):
        by_form[(stage.form_id, stage.ladder)].append(stage)
    return by_form


@dataclass(frozen=True)
class Window:
    """Which forms run each ladder, and the dates a candidate obligation must fall within."""

    forms: dict[str, set[int]]
    due_from: datetime.date
    due_until: datetime.date
    since: datetime.datetime


def _window(today: datetime.date, stages) -> Window:
    forms: dict[str, set[int]] = defaultdict(set)
    for form_id, which in stages:
        forms[which].add(form_id)
    earliest = min((s.offset for (_f, which), group in stages.items() if which == L.DUE for s in group), default=0)
    latest_due = periods.add_working_days(today, -earliest) + datetime.timedelta(days=7) if earliest < 0 else today
    since = timezone.now() - datetime.timedelta(days=LOOKBACK_DAYS)
    return Window(forms, today - datetime.timedelta(days=LOOKBACK_DAYS), latest_due, since)


def _ladders(r: dict, w: Window) -> list[str]:
    """The ladders an obligation is on: by its status, and only while the ladder's day is recent. A report
    awaiting the head's signature is on two: the due ladder goes on, and the head is told to sign."""
    status, form = r["status"], r["form_id"]
    found = []
    if status in PENDING and form in w.forms[L.DUE] and w.due_from <= r["due_date"] <= w.due_until:
        found.append(L.DUE)
    if status == Status.AWAITING_APPROVAL and form in w.forms[L.APPROVAL]:
        found.append(L.APPROVAL)
    if status == Status.RETURNED and form in w.forms[L.RETURNED]:
        found.append(L.RETURNED)
    if status in IN_REVIEW and form in w.forms[L.FILED] and r["last_submitted_at"] >= w.since:
        found.append(L.FILED)
    if status == Status.ACCEPTED and form in w.forms[L.ACCEPTED] and r["accepted_at"] >= w.since:
        found.append(L.ACCEPTED)
    return found


def _candidates(w: Window, obligation_ids):
    """The obligations some ladder may concern today, as a queryset of plain values (one query per batch)."""
    f = w.forms
    qs = Obligation.objects.filter(
        Q(status__in=PENDING, form_id__in=f[L.DUE], due_date__lte=w.due_until, due_date__gte=w.due_from)
        | Q(status=Status.AWAITING_APPROVAL, form_id__in=f[L.APPROVAL])
        | Q(status=Status.RETURNED, form_id__in=f[L.RETURNED])
        | Q(status__in=IN_REVIEW, form_id__in=f[L.FILED], last_submitted_at__gte=w.since)
        | Q(status=Status.ACCEPTED, form_id__in=f[L.ACCEPTED], accepted_at__gte=w.since)
    )
    if obligation_ids is not None:
        qs = qs.filter(pk__in=obligation_ids)
    return qs.values(
        "id",
        "status",
        "form_id",
        "unit_id",
        "unit__parent_id",
        "due_date",
        "returned_count",
        "last_submitted_at",
        "accepted_at",
    )


def _anchors(on: list[tuple[dict, list[str]]]) -> dict[tuple[int, str], tuple[datetime.date, int]]:
    """(obligation, ladder) -> the day the ladder counts from and its round: the due date, the day it was
    filed or accepted, the last return, or the last request for the head's signature (one round each).
    ``on`` pairs each obligation row with its ladders (``_ladders``)."""
    anchors, returned, awaiting = {}, [], []
    for r, ladders in on:
        for which in ladders:
            if which == L.DUE:
                anchors[(r["id"], which)] = (r["due_date"], 0)
            elif which == L.FILED:
                anchors[(r["id"], which)] = (timezone.localdate(r["last_submitted_at"]), r["returned_count"])
            elif which == L.ACCEPTED:
                anchors[(r["id"], which)] = (timezone.localdate(r["accepted_at"]), 0)
            elif which == L.RETURNED:
                returned.append(r["id"])
            else:
                awaiting.append(r["id"])
    if returned:
        events = (
            ReportEvent.objects.filter(report__obligation_id__in=returned, kind=ReportEvent.Kind.RETURNED)
            .values("report__obligation_id")
            .annotate(at=Max("created_at"))
        )
        by_id = {r["id"]: r for r, _ladders in on}
        anchors.update(
            {
                (e["report__obligation_id"], L.RETURNED): (
                    timezone.localdate(e["at"]),
                    by_id[e["report__obligation_id"]]["returned_count"],
                )
                for e in events
            }
        )
    if awaiting:
        events = (
            ReportEvent.objects.filter(report__obligation_id__in=awaiting, kind=ReportEvent.Kind.APPROVAL_REQUESTED)
            .values("report__obligation_id", "report__issuing_body")
            .annotate(at=Max("created_at"), n=Count("id"))
        )
        for e in events:
            key = (e["report__obligation_id"], L.APPROVAL)
            anchors[key] = (timezone.localdate(e["at"]), e["n"])
            anchors[(e["report__obligation_id"], "issuing_body")] = e["report__issuing_body"]
    return anchors


def _reached(group: list[ReminderStage], anchor: datetime.date, today: datetime.date, days: dict):
    """The latest stage of each audience whose day has come: (stage, its day)."""
    key = (id(group), anchor)
    if key not in days:  # many obligations share a form and a due date: work the days out once
        latest: dict[str, tuple[ReminderStage, datetime.date]] = {}
        for stage in group:  # ordered by offset
            day = periods.add_working_days(anchor, stage.offset)
            if day <= today:
                latest[stage.audience] = (stage, day)
        days[key] = tuple(latest.values())
    return days[key]


KEY = ("obligation", "stage", "round")  # what _written counts the messages of


def _written(obligation_ids: list[int]) -> dict[tuple[int, int, int], int]:
    """(obligation, stage, round) -> messages already written, for a batch of obligations: one query.

    On PostgreSQL the batch's ids go as one array rather than through the ORM's IN list, which prepares
    each of the thousands of ids one by one on every batch. Their range goes too: from the array alone the
    planner cannot tell how few rows match and scans the whole table rather than ``delivery_once``."""
    if connection.vendor == "postgresql":
        qn = connection.ops.quote_name
        table, columns = qn(Delivery._meta.db_table), [qn(Delivery._meta.get_field(f).column) for f in KEY]
        ids = list(obligation_ids)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {', '.join(columns)}, COUNT(*) FROM {table}"
                f" WHERE {columns[0]} = ANY(%s::bigint[]) AND {columns[0]} BETWEEN %s AND %s"
                f" GROUP BY {', '.join(columns)}",
                [ids, min(ids), max(ids)],
            )
            rows = cursor.fetchall()
    else:
        rows = (
            Delivery.objects.filter(obligation_id__in=obligation_ids)
            .values_list(*KEY)
            .annotate(n=Count("id"))
            .order_by()
        )
    return {(o, s, r): n for o, s, r, n in rows}


# The columns a sweep writes; the others keep their defaults (NULL times, no attempts yet).
COLUMNS = ("obligation_id", "stage_id", "round", "recipient", "person_id", "user_id", "name", "role", "email")
COLUMNS += ("channel", "due_on")


def _messages(people, escalation: bool) -> list[tuple[tuple, str]]:
    """The recipient's part of each message of a stage to ``people`` (COLUMNS from ``recipient`` to
    ``channel``), with that part as COPY text: one per channel each person is told through."""
    out = []
    email, inapp = Delivery.Channel.EMAIL, Delivery.Channel.INAPP
    for person in people:
        if person.muted and not escalation:
            continue
        common = (person.key, person.person_id, person.user_id, person.name[:150], person.role)
        if person.user_id:
            out.append((*common, "", inapp))
        if person.email or not person.user_id:
            # Someone with neither an address nor an account is written too: the sender marks the row
            # undeliverable, and the staff see who could not be told.
            out.append((*common, person.email, email))
    return [(who, _copy_text(who)) for who in out]


def _new_rows(due: list[tuple], directory: Directory, messages: dict) -> list[tuple]:
    """One row per message of the stages in ``due`` (obligation row, round, stage, its day, the report's
    issuing body for the stages that address its signer): (obligation, stage, round, the recipient's
    part from ``_messages``, its COPY text, the day).

    ``messages`` keeps the recipients' parts for the sweep, by the audience's key in ``directory``: a
    unit's people are told the same way for every report it owes, so each part is built once, not once
    per obligation."""
    out = []
    for r, round_, stage, day, body in due:
        key = (r["unit_id"], stage.audience, body, stage.is_escalation)
        if key not in messages:
            messages[key] = _messages(directory.audience(*key[:3]), stage.is_escalation)
        obligation, stage_id = r["id"], stage.pk
        out += [(obligation, stage_id, round_, who, text, day) for who, text in messages[key]]
    return out


TYPES = ("bigint", "bigint", "smallint", "text", "bigint", "bigint", "text", "text", "text", "text", "date")
# From this many rows a batch goes through COPY (no parameters to adapt one by one); below it, one
# INSERT from arrays, which keeps the sweep after a transition to a single statement.
COPY_FROM = 500


def _full(row: tuple) -> tuple:
    """A row of ``_new_rows`` as the values of COLUMNS."""
    obligation, stage, round_, who, _text, day = row
    return (obligation, stage, round_, *who, day)


def _insert(rows: list[tuple]) -> None:
    """Insert the rows (``_new_rows``), leaving alone any already written by a parallel sweep (the unique
    constraint)."""
    if connection.vendor != "postgresql":
        Delivery.objects.bulk_create(
            [Delivery(**dict(zip(COLUMNS, _full(row), strict=True))) for row in rows],
            ignore_conflicts=True,
            batch_size=500,
        )
        return
    table = connection.ops.quote_name(Delivery._meta.db_table)
    names = ", ".join(connection.ops.quote_name(Delivery._meta.get_field(c).column) for c in COLUMNS)
    insert = f"INSERT INTO {table} ({names}, status, attempts, error, failure, created_at) SELECT *, %s, 0, '', '', %s"
    fixed = [Delivery.Status.PENDING, timezone.now()]
    if len(rows) < COPY_FROM:
        arrays = ", ".join(f"%s::{t}[]" for t in TYPES)
        with connection.cursor() as cursor:
            cursor.execute(
                f"{insert} FROM unnest({arrays}) ON CONFLICT DO NOTHING",
                [*fixed, *map(list, zip(*map(_full, rows), strict=True))],
            )
        return
    # Many rows: written as text to a temporary table with COPY, then moved in one statement.
    columns = ", ".join(f"c{i} {t}" for i, t in enumerate(TYPES))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS sweep_rows ({columns}) ON COMMIT DELETE ROWS")
        lines = "".join([f"{o}\t{s}\t{r}\t{text}\t{day}\n" for o, s, r, _who, text, day in rows])
        cursor.copy_expert("COPY sweep_rows FROM STDIN", io.StringIO(lines))
        cursor.execute(f"{insert} FROM sweep_rows ON CONFLICT DO NOTHING", fixed)


def _text(value: str) -> str:
    """A text value as COPY reads it (its text format): backslash, tab and line ends escaped."""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        value = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


def _copy_text(who: tuple) -> str:
    """The recipient's part of a row (``_messages``) as COPY text: NULL as ``\\N``, text escaped."""
    key, person, user, name, role, email, channel = who
    person = "\\N" if person is None else person
    user = "\\N" if user is None else user
    return f"{key}\t{person}\t{user}\t{_text(name)}\t{role}\t{_text(email)}\t{channel}"


def _sweep_batch(
    rows: list[dict], stages, today: datetime.date, days: dict, w: Window, directory: Directory, messages: dict
) -> int:
    """Write the messages of the stages reached today that no sweep has written yet; return the messages due.

    ``days`` (the stages' days) and ``messages`` (the recipients' parts of the rows) are kept for the
    whole sweep."""
    on = [(r, _ladders(r, w)) for r in rows]
    anchors = _anchors(on)
    reached = []
    for r, ladders in on:
        for which in ladders:
            anchor = anchors.get((r["id"], which))
            if anchor is None:
                continue
            day0, round_ = anchor
            body = anchors.get((r["id"], "issuing_body"), "")
            reached += [
                (r, round_, stage, day, body)
                for stage, day in _reached(stages[(r["form_id"], which)], day0, today, days)
            ]
    if not reached:
        return 0
    # A stage already written for an obligation (by an earlier or a parallel sweep) is not built again:
    # a repeat sweep reads one small aggregate per batch and writes nothing.
    written = _written([r["id"] for r in rows])
    due, missing = 0, []
    for item in reached:
        n = written.get((item[0]["id"], item[2].pk, item[1]))
        if n:
            due += n
        else:
            missing.append(item)
    if missing:
        directory.add({r["unit_id"]: r["unit__parent_id"] for r, *_rest in missing})
        new = _new_rows(missing, directory, messages)
        if new:
            _insert(new)
        due += len(new)
    return due


def sweep(*, today: datetime.date | None = None, obligation_ids=None, publish: bool = True) -> SweepResult:
    """Write the deliveries due ``today`` (for ``obligation_ids`` only, if given) and queue the unsent ones.

    A new form gets its default ladder when it is saved (``ReportForm.save``); the beat's full sweep also
    gives one to any form left without (a bulk load), so the sweep of a few obligations after a transition
    does not look: it stays a handful of queries.
    """
    today = today or timezone.localdate()
    result = SweepResult()
    if obligation_ids is None:
        ensure_ladders()
    stages = _stages()
    days, messages = {}, {}
    window = _window(today, stages)
    directory = Directory({}, today)  # the people of the units, read once per sweep
    candidates = _candidates(window, obligation_ids).order_by("id")
    last_id = 0
    while True:
        rows = list(candidates.filter(id__gt=last_id)[:BATCH])
        if rows:
            last_id = rows[-1]["id"]
            result.obligations += len(rows)
            result.batches += 1
            result.due += _sweep_batch(rows, stages, today, days, window, directory, messages)
        if len(rows) < BATCH:  # a short batch is the last: no query to find the next one empty
            break
    if publish:
        result.queued = publish_unsent(obligation_ids=obligation_ids)
    return result


def publish_unsent(*, obligation_ids=None) -> int:
    """Queue the deliveries not yet queued, or queued long ago and still unsent (the broker lost them, or a
    worker died holding them), and the failed e-mails whose pause before the next attempt is over. Queued
    rows are marked, so a healthy queue is not flooded on every sweep.
    A broker that cannot be reached is logged and left for the next sweep: nothing is lost."""
    from reports.reminders import publish

    now = timezone.now()
    republish = now - datetime.timedelta(seconds=settings.REMINDERS_REPUBLISH_AFTER)
    stale = now - datetime.timedelta(seconds=settings.REMINDERS_CLAIM_TIMEOUT)
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)  # after a failure, once its pause is over
    unsent = Delivery.objects.filter(
        (Q(status=Delivery.Status.PENDING) & due & (Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=republish)))
        | Q(status=Delivery.Status.SENDING, claimed_at__lt=stale)
    )
    if obligation_ids is not None:
        unsent = unsent.filter(obligation_id__in=obligation_ids)
    ids = list(unsent.order_by("id").values_list("id", flat=True))
    if not ids:
        return 0
    chunks = [ids[start : start + PUBLISH_CHUNK] for start in range(0, len(ids), PUBLISH_CHUNK)]
    queued = [i for chunk in chunks[: publish.send_deliveries(chunks)] for i in chunk]
    for start in range(0, len(queued), 10_000):  # a bounded IN list however many were queued
        Delivery.objects.filter(pk__in=queued[start : start + 10_000]).update(enqueued_at=timezone.now())
    return len(queued)
