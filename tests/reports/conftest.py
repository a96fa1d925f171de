"""Fixtures for reports: the shipped quarterly QCDC form owed by the wards of Bắc Ninh, and helpers that
fill a report the way a ward's reporter would."""

import datetime

import pytest

from directives import services as directive_services
from directives.models import DirectiveType
from reports import generation, services
from reports.models import FormAssignment, Obligation, Report, ReportForm
from tests.factories import make_signer

TZ = datetime.timezone(datetime.timedelta(hours=7))
# A working day in the middle of the second quarter of 2026: Q1 2026 is due on 07/04/2026.
IN_APRIL = datetime.datetime(2026, 4, 2, 9, 0, tzinfo=TZ)

FIGURES = {
    "DISCLOSURES": "12",
    "MEETINGS": "8",
    "MEETING_PARTICIPANTS": "1.240",
    "BALLOTS": "2",
    "CHARTERS_RECOGNISED": "1",
    "DIALOGUES": "1",
    "OPINIONS_RAISED": "15",
    "RECEPTION_DAYS": "12",
    "PETITIONS_RECEIVED": "9",
    "PETITIONS_RESOLVED": "7",
    "INSPECTIONS": "3",
    "INVESTMENT_SUPERVISIONS": "2",
    "VIOLATIONS_FOUND": "0",
    "ONE_STOP_SATISFACTION": "92,5",
    "COMMITTEE_CONSOLIDATED": "yes",
}


@pytest.fixture(autouse=True)
def _english_and_tmp_uploads(uploads_in_tmp, english):
    """Files in a temporary folder; pages and assertions in English, whatever the Vietnamese catalogue holds."""


@pytest.fixture(autouse=True)
def _head_signs(request):
    """Từ Sơn's head user chairs its People's Committee since 2020: the post that signs the quarterly
    form's reports (a head's role grant alone does not)."""
    if "users" in request.fixturenames:
        tree, users = request.getfixturevalue("tree"), request.getfixturevalue("users")
        make_signer(users["head_tu_son"], tree["tu_son"])


def form_by_code(code: str) -> ReportForm:
    """A shipped form (a committing test finds them too: ``tests.shipped``)."""
    return ReportForm.objects.get(code=code)


@pytest.fixture
def quarterly(tree):
    """The shipped quarterly form, owed by every ward of Bắc Ninh from 01/01/2025."""
    form = form_by_code("qcdc-quarter")
    FormAssignment.objects.create(form=form, root=tree["bac_ninh"], kinds=["ward"], starts_on=datetime.date(2025, 1, 1))
    return form


@pytest.fixture
def obligation(quarterly, tree) -> Obligation:
    """Phường Từ Sơn's report for the first quarter of 2026 (due 07/04/2026)."""
    generation.obligations_generate(form=quarterly, year=2026)
    return Obligation.objects.get(form=quarterly, unit=tree["tu_son"], year=2026, period_index=1)


def entry(form: ReportForm, figures: dict | None = None, text: str = "Đã tổ chức quán triệt.") -> dict:
    """narrative and values arguments of ``report_save_draft`` for a complete report."""
    figures = {**FIGURES, **(figures or {})}
    narrative = {str(s.pk): f"{s.title}: {text}" for s in form.sections.all()}
    values = {i.pk: figures.get(i.code, "") for i in form.indicators.all()}
    return {"narrative": narrative, "values": values}


def fill(obligation: Obligation, actor, figures: dict | None = None, text: str = "Đã tổ chức quán triệt.") -> Report:
    """Save a complete draft (from the current revision)."""
    report = Report.objects.filter(obligation=obligation).first()
    return services.report_save_draft(
        actor=actor,
        obligation=obligation,
        revision=report.revision if report else 0,
        **entry(obligation.form, figures, text),
    )


def post_data(obligation: Obligation, report: Report | None, figures: dict | None = None, **extra) -> dict:
    """The report form as the browser posts it."""
    data = {"revision": report.revision if report else 0}
    parts = entry(obligation.form, figures)
    for section in obligation.form.sections.all():
        data[section.field_name] = parts["narrative"][str(section.pk)]
    for indicator in obligation.form.indicators.all():
        data[indicator.field_name] = parts["values"][indicator.pk]
    data.update(extra)
    return data


def make_plan(tree, users):
    """Tỉnh ủy Bắc Ninh's plan 45-KH/TU, in force, ready for its tasks to be assigned."""
    return directive_services.directive_create(
        actor=users["staff"],
        owner_unit=tree["bac_ninh"],
        doc_type=DirectiveType.objects.get(name="Kế hoạch", family="party"),
        symbol="45-KH/TU",
        issuer="Tỉnh ủy Bắc Ninh",
        abstract="Kế hoạch thực hiện Kết luận 120-KL/TW",
        issued_on=datetime.date(2026, 1, 10),
    )
