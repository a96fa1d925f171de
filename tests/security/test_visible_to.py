"""Every model a page or an API view queries is fetched through its ``visible_to(user)``, or is named below
with the reason it needs none; and the rows of one province are not seen from another."""

import datetime
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

from directives.models import DirectiveRelation
from reports.models import FormAssignment
from tests.directives.conftest import make_directive
from tests.factories import make_body, make_person, make_user
from units import services
from units.models import AuditEvent, BodyMembership, Headship, RoleGrant

# Read by every login: the country's reference data.
REFERENCE = {
    "CalendarDay": "the working calendar is the whole country's",
    "DirectiveType": "the list of kinds of directive",
    "ReportForm": "the catalogue of report forms",
    "Indicator": "a figure of a report form",
    "IndicatorRule": "a consistency rule of a report form",
    "IndicatorBinding": "which register a report form's figure is taken from",
    "ReceptionRule": "how often each kind of head receives citizens, the same for the country",
}
# Queried only for one object the view already fetched through its ``visible_to``.
PART_OF_A_VISIBLE_OBJECT = {
    "DirectiveEvent": "the history of a directive fetched through Directive.visible_to",
    "ReportEvent": "the history of a report fetched through Report.visible_to",
    "ReportVersion": "a version of a report fetched through Obligation.visible_to",
    "ReportValue": "a figure of a report fetched through Report.visible_to",
    "EvaluationEvent": "the history of an evaluation fetched through Evaluation.visible_to",
    "Score": "the scores of an evaluation fetched through Evaluation.visible_to",
    "Criterion": "the criteria of an evaluation's set, for an evaluation fetched through Evaluation.visible_to",
    "ClassificationLevel": "the levels of an evaluation's set, for an evaluation fetched through Evaluation.visible_to",
    "ProgressEvidence": "a file of a progress note fetched through ProgressNote.visible_to",
    "WatchAction": "a follow-up of a watch fetched through Watch.visible_to",
    "WatchEvent": "the history of a watch fetched through Watch.visible_to",
    "FigureOverride": "a report's explained figure, for a report fetched through Report.visible_to",
    "RecordAttachment": "a register row's file, filtered by the reader's scope over the row's unit",
}


def _view_modules() -> list[Path]:
    root = Path(settings.BASE_DIR)
    found = []
    for app in ("units", "directives", "reports", "registers", "evaluations", "api"):
        found += list((root / app).rglob("views*.py"))
        found += list((root / app).rglob("views/*.py"))
    return sorted(set(found))


def _queried_models() -> set[str]:
    names = set()
    for path in _view_modules():
        names |= set(re.findall(r"\b([A-Z]\w+)\.objects\b", path.read_text()))
    return names


def test_the_scan_reads_the_pages_and_the_api():
    names = {p.name for p in _view_modules()}
    assert {"views.py", "units.py", "directives.py", "reports.py"} <= names
    assert {"Unit", "Directive", "Headship", "RoleGrant", "Report"} <= _queried_models()


def test_every_model_the_views_query_has_visible_to_or_a_reason():
    models = {m.__name__: m for m in apps.get_models()}
    queried = _queried_models() & models.keys()
    missing = sorted(
        name
        for name in queried
        if not hasattr(models[name].objects, "visible_to") and name not in REFERENCE | PART_OF_A_VISIBLE_OBJECT
    )
    assert missing == []
    # And the lists of exceptions hold no model that has since gained visible_to, or that no view queries.
    stale = sorted(
        n for n in REFERENCE | PART_OF_A_VISIBLE_OBJECT if n not in queried or hasattr(models[n].objects, "visible_to")
    )
    assert stale == []


@pytest.fixture
def rows_of_tu_son(tree, users, quarterly):
    """One row of each model a page lists, belonging to Phường Từ Sơn (or, for a form, to Bắc Ninh)."""
    tu_son = tree["tu_son"]
    person = make_person("Nguyễn Văn An", unit=tu_son)
    headship = Headship.objects.create(
        unit=tu_son, person=person, title="Bí thư Đảng ủy", started_on=datetime.date(2025, 7, 1)
    )
    membership = BodyMembership.objects.create(
        body=make_body(tu_son), person=person, started_on=datetime.date(2025, 7, 15)
    )
    grant = RoleGrant.objects.get(user=users["reporter_tu_son"])
    event = services.audit_record(actor=None, action="unit.updated", obj=tu_son, unit=tu_son, summary="Đổi tên")
    plan = make_directive(users["staff"], tree["bac_ninh"], symbol="45-KH/TU", status="in_force")
    conclusion = make_directive(users["staff"], tree["bac_ninh"], symbol="120-KL/TW", status="in_force")
    relation = DirectiveRelation.objects.create(source=plan, target=conclusion)
    return {
        Headship: headship,
        BodyMembership: membership,
        RoleGrant: grant,
        AuditEvent: event,
        FormAssignment: FormAssignment.objects.get(form=quarterly, root=tree["bac_ninh"]),
        DirectiveRelation: relation,
    }


@pytest.mark.parametrize(
    ("who", "sees"),
    [("staff", True), ("admin", True), ("superuser", True), ("staff_ha_noi", False), ("nobody", False)],
)
def test_rows_of_one_province_are_not_seen_from_another(users, rows_of_tu_son, who, sees):
    user = make_user("root", is_superuser=True) if who == "superuser" else users[who]
    for model, row in rows_of_tu_son.items():
        assert model.objects.visible_to(user).filter(pk=row.pk).exists() is sees, model.__name__


def test_a_closed_login_sees_nothing(tree, rows_of_tu_son):
    closed = make_user("closed", role=RoleGrant.Role.ADMIN, unit=tree["nation"], is_active=False)
    for model in rows_of_tu_son:
        assert not model.objects.visible_to(closed).exists(), model.__name__
