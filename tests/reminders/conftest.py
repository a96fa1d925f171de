"""A unit chain with everyone the reminders may address, and their siblings who must never be addressed.

Bắc Ninh (head: Trần Tỉnh, no account) > Phường Từ Sơn (head: Nguyễn Văn An with the head login; steering
committee with a standing member, Lê Thường Trực, no account) and its sibling Phường Đông Ngàn with people
of its own. Both wards owe the shipped quarterly form; Q1 2026 is due on Tuesday 07/04/2026.
"""

import datetime

import pytest
from django.utils import translation

from reports import generation
from reports.models import Delivery, FormAssignment, Obligation
from tests.factories import make_body, make_person
from tests.reports.conftest import form_by_code
from units.models import BodyMembership, Headship

TZ = datetime.timezone(datetime.timedelta(hours=7))
DUE = datetime.date(2026, 4, 7)
SINCE = datetime.date(2025, 7, 1)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://qcdc.bacninh.gov.vn"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _head(unit, name, user=None, email=""):
    """The accountable head (the Party secretary); one with a login also chairs the People's Committee,
    the post that signs the quarterly form's reports."""
    person = make_person(name, email=email, unit=unit, user=user)
    Headship.objects.create(unit=unit, person=person, title="Bí thư Đảng ủy", started_on=SINCE)
    if user is not None:
        Headship.objects.create(unit=unit, person=person, title="Chủ tịch UBND", started_on=SINCE, is_principal=False)
    return person


def _standing(unit, name, email):
    person = make_person(name, email=email, unit=unit)
    BodyMembership.objects.create(
        body=make_body(unit), person=person, role=BodyMembership.Role.STANDING_DEPUTY, started_on=SINCE
    )
    return person


@pytest.fixture
def chain(tree, users):
    """The people of Từ Sơn's chain and of its siblings, and the two wards' Q1 2026 obligations."""
    users["reporter_tu_son"].email = "baocao@tuson.vn"
    users["reporter_tu_son"].save()
    users["staff"].email = "canbo@bacninh.vn"
    users["staff"].save()
    people = {
        "head": _head(tree["tu_son"], "Nguyễn Văn An", user=users["head_tu_son"], email="an@tuson.vn"),
        "parent_head": _head(tree["bac_ninh"], "Trần Tỉnh", email="tinh@bacninh.vn"),
        "standing": _standing(tree["tu_son"], "Lê Thường Trực", "truc@tuson.vn"),
        # outside Từ Sơn's chain
        "sibling_head": _head(tree["dong_ngan"], "Phạm Đông", email="dong@dongngan.vn"),
        "sibling_standing": _standing(tree["dong_ngan"], "Vũ Ngàn", "ngan@dongngan.vn"),
        "village_head": _head(tree["village"], "Hoàng Thôn", email="thon@dongngan.vn"),
        "province_standing": _standing(tree["bac_ninh"], "Đỗ Tỉnh Ủy", "do@bacninh.vn"),
        "other_province_head": _head(tree["ha_noi"], "Ngô Hà", email="ha@hanoi.vn"),
    }
    form = form_by_code("qcdc-quarter")
    FormAssignment.objects.create(form=form, root=tree["bac_ninh"], kinds=["ward"], starts_on=datetime.date(2025, 1, 1))
    generation.obligations_generate(form=form, year=2026)
    q1 = Obligation.objects.get(form=form, unit=tree["tu_son"], year=2026, period_index=1)
    sibling = Obligation.objects.get(form=form, unit=tree["dong_ngan"], year=2026, period_index=1)
    assert q1.due_date == DUE
    return {"people": people, "form": form, "q1": q1, "sibling": sibling, "users": users, "tree": tree}


def sent_to(obligation, channel=None) -> list[tuple[str, str]]:
    """(stage code, recipient name) of every delivery sent for the obligation, in order."""
    qs = Delivery.objects.filter(obligation=obligation, status=Delivery.Status.SENT)
    if channel:
        qs = qs.filter(channel=channel)
    return list(qs.order_by("id").values_list("stage__code", "name"))
