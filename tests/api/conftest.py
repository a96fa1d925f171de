"""Fixtures for the API: a token per user, and one object of every kind in Phường Từ Sơn.

The users of ``tests/conftest.py`` sit in sibling units: Đông Ngàn's reporter and Hà Nội's staff are
outsiders to everything made here.
"""

import datetime

import pytest
from rest_framework.test import APIClient

from api import services as api_services
from directives import services as directive_services
from directives import watches
from directives.models import Assignment, Directive, DirectiveType
from evaluations import services as evaluation_services
from tests.factories import make_body, make_person, make_signer
from tests.reports.conftest import FIGURES
from units.models import BodyMembership, Headship


@pytest.fixture(autouse=True)
def _head_signs(request):
    """Từ Sơn's head user chairs its People's Committee: the post that signs its UBND reports."""
    if "users" in request.fixturenames:
        make_signer(request.getfixturevalue("users")["head_tu_son"], request.getfixturevalue("tree")["tu_son"])


@pytest.fixture
def tokens(users):
    """A secret per user of the ``users`` fixture."""
    return {name: api_services.token_create(user=user, name="script")[1] for name, user in users.items()}


@pytest.fixture
def api(tokens):
    """``api(who)``: an API client that sends the token of ``who`` (no token for None)."""

    def client(who: str | None = None, **headers) -> APIClient:
        c = APIClient()
        if who is not None:
            c.credentials(HTTP_AUTHORIZATION=f"Token {tokens[who]}", **headers)
        elif headers:
            c.credentials(**headers)
        return c

    return client


def make_directive(actor, owner, symbol: str, **fields) -> Directive:
    fields.setdefault("doc_type", DirectiveType.objects.get(name="Kế hoạch", family=DirectiveType.Family.PARTY))
    fields.setdefault("issuer", f"Đảng ủy {owner.name}")
    fields.setdefault("abstract", "Thực hiện quy chế dân chủ ở cơ sở năm 2026")
    fields.setdefault("issued_on", datetime.date(2026, 1, 15))
    return directive_services.directive_create(actor=actor, owner_unit=owner, symbol=symbol, **fields)


def assign(actor, directive, unit, task: str = "Quán triệt và báo cáo kết quả") -> Assignment:
    directive_services.assignment_bulk_create(
        actor=actor, directive=directive, task=task, deadline=datetime.date(2030, 6, 30), units=[unit]
    )
    return Assignment.objects.get(directive=directive, unit=unit, task=task)


@pytest.fixture
def objects(tree, users):
    """Phường Từ Sơn's head, steering committee, a person, a directive with a task for the ward."""
    tu_son = tree["tu_son"]
    person = make_person("Nguyễn Văn An", email="an@tuson.vn", unit=tu_son)
    headship = Headship.objects.create(
        unit=tu_son, person=person, title="Bí thư Đảng ủy", started_on=datetime.date(2025, 7, 1)
    )
    body = make_body(tu_son)
    BodyMembership.objects.create(
        body=body, person=person, role=BodyMembership.Role.HEAD, started_on=datetime.date(2025, 7, 15)
    )
    directive = make_directive(users["staff"], tu_son, "12-KH/ĐU")
    assignment = assign(users["staff"], directive, tu_son)
    watch = watches.watch_open(
        actor=users["staff"], unit=tu_son, reason="Báo cáo trễ hạn", review_on=datetime.date(2030, 1, 15)
    )
    criteria_set = evaluation_services.criteria_set_create(
        actor=users["staff"], unit=tree["bac_ninh"], year=2026, subject="unit"
    )
    evaluation_services.evaluations_open(actor=users["staff"], criteria_set=criteria_set)
    commendation = evaluation_services.commendation_create(
        actor=users["staff"], unit=tu_son, person=person, decision_symbol="12/QĐ-UBND",
        decision_date=datetime.date(2026, 3, 2), issuer="UBND tỉnh Bắc Ninh", reason="Tiếp công dân đúng lịch",
    )  # fmt: skip
    return {
        "watch": watch,
        "evaluation": criteria_set.evaluations.get(unit=tu_son),
        "commendation": commendation,
        "unit": tu_son,
        "person": person,
        "headship": headship,
        "body": body,
        "directive": directive,
        "assignment": assignment,
    }


# Reports: the shipped quarterly QCDC form, owed by the wards of Bắc Ninh.


@pytest.fixture
def reporting(tree, users):
    """The quarterly form owed by the wards of Bắc Ninh in 2026, and Phường Từ Sơn's Q2 report started."""
    from reports import generation
    from reports import services as report_services
    from reports.models import FormAssignment, Obligation, ReportForm

    form = ReportForm.objects.get(code="qcdc-quarter")
    FormAssignment.objects.create(form=form, root=tree["bac_ninh"], kinds=["ward"], starts_on=datetime.date(2025, 1, 1))
    generation.obligations_generate(form=form, year=2026)
    q1 = Obligation.objects.get(form=form, unit=tree["tu_son"], year=2026, period_index=1)
    q2 = Obligation.objects.get(form=form, unit=tree["tu_son"], year=2026, period_index=2)
    report = report_services.report_save_draft(
        actor=users["reporter_tu_son"], obligation=q2, revision=0, narrative={}, values={}
    )
    return {"form": form, "obligation": q1, "started": q2, "report": report}


def complete_draft(form) -> dict:
    """The body of a draft that can be submitted: every section written, every figure given (yes/no in Vietnamese)."""
    figures = {**FIGURES, "COMMITTEE_CONSOLIDATED": "có"}
    return {
        "narrative": {str(s.pk): f"{s.title}: đã tổ chức quán triệt." for s in form.sections.all()},
        "values": {i.code: figures.get(i.code, "1") for i in form.indicators.all()},
    }


def disclosure_body(unit) -> dict:
    """What a script sends to enter a budget disclosure for ``unit``."""
    return {
        "unit": unit.pk,
        "date": "2026-01-20",
        "subject": "Dự toán ngân sách phường năm 2026",
        "group": "budget",
        "form": "posted",
        "days_posted": 30,
    }
