"""A hand-counted history of the quarterly report in Bắc Ninh, 2025–2026, as of 29/11/2026.

Units (Bắc Ninh's wards): Từ Sơn, Đông Ngàn, Tân Hồng (closed 01/04/2026, no successor), and the former
Phường Đình Bảng under the former Thị xã Từ Sơn (both closed 01/07/2025), merged into Từ Sơn. The
quarterly form is owed by wards from 01/01/2025; periods due by 29/11/2026: 2025 Q1–Q4, 2026 Q1–Q3.

    unit        expected received on time late (days) missing returned  heads
    Từ Sơn          7        6       5     1 (3)       1        0      An to 31/05/2026 (5 due), Bình after (2)
    Đình Bảng       2        2       1     1 (5)       0        0      Cường to 30/06/2025 (Q1 2025 only)
    Đông Ngàn       7        7       6     1 (8)       0        1 (twice, through the services)  Dũng
    Tân Hồng        5        3       3     0           2        0      (no head)
    total          21       18      15     3 (16)      3        1

Days late are working days: Từ Sơn's 2026 Q2 (due Tuesday 07/07/2026) filed on Friday 10/07, 3; Đình
Bảng's 2025 Q2 (due Monday 07/07/2025) filed on Saturday 12/07, counted as Monday 14/07, 5; Đông Ngàn's
2026 Q1 (due Tuesday 07/04/2026) filed on Friday 17/04, 8 (10 calendar days).

Every received report is accepted: on the due date when filed on time (accepted on time), later
otherwise; Đông Ngàn's returned report (2026 Q2) was filed on time and accepted late.
"""

import datetime
from urllib.parse import urlencode

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from reports import generation, periods, services, tallies
from reports.models import FormAssignment, Obligation, Report, Status
from tests.factories import make_body, make_unit, make_user
from tests.reports.conftest import entry, form_by_code
from units.models import BodyMembership, Headship, Person, RoleGrant, Unit, UnitSuccession

TODAY = datetime.date(2026, 11, 29)
TZ = timezone.get_fixed_timezone(7 * 60)


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=TZ)


def file(o: Obligation, on: datetime.date, *, accepted: datetime.date | None = None, tally: bool = True) -> None:
    """Write the columns the workflow services write when a report is filed (and accepted); ``tally=False``
    leaves the roll-ups to the caller, who files many at once and refreshes them after."""
    o.first_submitted_at = o.last_submitted_at = at(on)
    o.on_time = on <= o.due_date
    o.days_late = periods.working_days_late(o.due_date, on)
    o.status = Status.SUBMITTED
    if accepted:
        o.accepted_at = at(accepted)
        o.accepted_on_time = accepted <= o.due_date
        o.status = Status.ACCEPTED
    o.save()
    if tally:
        tallies.obligation_changed(o)  # as the services do in the same transaction


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(at(TODAY, 10), tick=False):
        yield


@pytest.fixture
def client(settings):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def head(unit, name, start, end=None):
    person = Person.objects.create(full_name=name, unit=unit)
    return Headship.objects.create(unit=unit, person=person, title="Bí thư", started_on=start, ended_on=end)


@pytest.fixture
def history(tree, users):
    bac_ninh, tu_son, dong_ngan = tree["bac_ninh"], tree["tu_son"], tree["dong_ngan"]
    closed = datetime.date(2025, 7, 1)
    old_town = make_unit("Thị xã Từ Sơn", Unit.Kind.DISTRICT, bac_ninh)
    old_town.closed_on = closed
    old_town.save()
    dinh_bang = make_unit("Phường Đình Bảng", Unit.Kind.WARD, old_town)
    dinh_bang.closed_on = closed
    dinh_bang.save()
    UnitSuccession.objects.create(predecessor=dinh_bang, successor=tu_son, effective_on=closed)
    tan_hong = make_unit("Phường Tân Hồng", Unit.Kind.WARD, bac_ninh)
    tan_hong.closed_on = datetime.date(2026, 4, 1)
    tan_hong.save()

    form = form_by_code("qcdc-quarter")
    form.requires_approval = False
    form.save()
    FormAssignment.objects.create(form=form, root=bac_ninh, kinds=["ward"], starts_on=datetime.date(2025, 1, 1))
    for year in (2025, 2026):
        generation.obligations_generate(form=form, year=year)

    def owed(unit):
        return list(Obligation.objects.filter(unit=unit, due_date__lte=TODAY).order_by("due_date"))

    def day(o, delta):
        return o.due_date + datetime.timedelta(days=delta)

    ts = owed(tu_son)
    for o in ts[:5]:
        file(o, day(o, -1), accepted=o.due_date)
    file(ts[5], day(ts[5], 3), accepted=day(ts[5], 6))  # 2026 Q2: 3 days late; ts[6] (2026 Q3) missing
    db = owed(dinh_bang)
    file(db[0], day(db[0], -2), accepted=db[0].due_date)
    file(db[1], day(db[1], 5), accepted=day(db[1], 7))
    dn = owed(dong_ngan)
    for o in dn[:4]:
        file(o, day(o, -3), accepted=o.due_date)
    file(dn[4], day(dn[4], 10), accepted=day(dn[4], 12))
    file(dn[6], day(dn[6], 0), accepted=dn[6].due_date)
    twice = dn[5]  # 2026 Q2: filed on time, returned twice, accepted late, all through the services
    reporter, staff = users["reporter_dong_ngan"], users["staff"]
    with time_machine.travel(at(day(twice, -1)), tick=False):
        report = services.report_save_draft(actor=reporter, obligation=twice, revision=0, **entry(form))
        services.report_submit(actor=reporter, report=report)
    for n in (1, 2):
        with time_machine.travel(at(day(twice, 2 * n - 1)), tick=False):
            services.report_return(actor=staff, report=report, reason=f"Bổ sung lần {n}")
        with time_machine.travel(at(day(twice, 2 * n)), tick=False):
            report = Report.objects.get(pk=report.pk)
            services.report_save_draft(actor=reporter, obligation=twice, revision=report.revision, **entry(form))
            services.report_submit(actor=reporter, report=report)
    with time_machine.travel(at(day(twice, 5)), tick=False):
        services.report_accept(actor=staff, report=report)
    tn = owed(tan_hong)
    for o in tn[:3]:
        file(o, day(o, -1), accepted=o.due_date)

    heads = {
        "an": head(tu_son, "Nguyễn Văn An", datetime.date(2024, 1, 1), datetime.date(2026, 5, 31)),
        "binh": head(tu_son, "Trần Thị Bình", datetime.date(2026, 6, 1)),
        "cuong": head(dinh_bang, "Lê Văn Cường", datetime.date(2020, 10, 15), datetime.date(2025, 6, 30)),
        "dung": head(dong_ngan, "Phạm Văn Dũng", datetime.date(2024, 1, 1)),
        "hoan_kiem": head(tree["hoan_kiem"], "Đỗ Văn Hà", datetime.date(2024, 1, 1)),
    }
    return {
        "form": form,
        "dinh_bang": dinh_bang,
        "old_town": old_town,
        "tan_hong": tan_hong,
        "late_of_tu_son": ts[5],
        "missing_of_tu_son": ts[6],
        "returned_twice": twice,
        "heads": heads,
    }


@pytest.fixture
def ward_official(tree):
    return make_user("reporter_ts2", role=RoleGrant.Role.REPORTER, unit=tree["tu_son"])


@pytest.fixture
def leader_ha_noi(tree):
    return make_user("leader_hn", role=RoleGrant.Role.LEADER, unit=tree["ha_noi"])


def summary_pdf(client, unit) -> bytes:
    """The summary as its form proposes it, under a steering committee of the unit's own."""
    body = make_body(unit, name=f"Ban Chỉ đạo QCDC {unit.name}")
    person = Person.objects.create(full_name="Nguyễn Văn Minh", unit=unit)
    BodyMembership.objects.create(
        body=body, person=person, role=BodyMembership.Role.HEAD, started_on=datetime.date(2025, 7, 1)
    )
    url = reverse("reports:dashboard_summary", args=[unit.pk]) + "?" + urlencode({"from": "2025-01", "to": "2026-12"})
    form = client.get(url).context["form"]
    return client.post(url, {**{name: form[name].value() for name in form.fields}, "format": "pdf"}).content
