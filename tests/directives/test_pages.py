"""The pages as users read them: our tasks with days left and what to do next, the export, and query budgets
that do not grow with the number of rows."""

import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from directives import services
from directives.models import Assignment
from tests.directives.conftest import doc_type, make_directive
from tests.factories import make_unit, make_user
from units.models import RoleGrant, Unit

TODAY = datetime.datetime(2026, 2, 5, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=7)))


def _directives(actor, owner, n, start=0, implements=None):
    made = []
    for i in range(start, start + n):
        made.append(
            make_directive(
                actor,
                owner,
                symbol=f"{i + 1}-KH/TU",
                doc_type=doc_type("Kế hoạch"),
                issuer="Tỉnh ủy Bắc Ninh",
                issued_on=datetime.date(2025, 1, 1) + datetime.timedelta(days=i),
                implements=implements,
            )
        )
    return made


def _tasks(actor, unit, directives, deadline):
    for d in directives:
        services.assignment_bulk_create(
            actor=actor, directive=d, task=f"Thực hiện {d.symbol}", deadline=deadline, units=[unit]
        )


@pytest.mark.parametrize("who", ["staff", "reporter_tu_son", "admin"])
def test_register_query_count_does_not_grow(client, tree, users, who, django_assert_max_num_queries):
    staff = users["staff"]
    kl = make_directive(users["admin"], tree["nation"])  # a central document, read by every unit below
    client.force_login(users[who])
    url = reverse("directives:directive_list")
    for start, n in ((0, 2), (2, 60)):
        made = _directives(staff, tree["bac_ninh"], n, start, implements=kl)
        _tasks(staff, tree["tu_son"], made[:5], datetime.date(2030, 1, 1))
        with django_assert_max_num_queries(10):
            assert client.get(url).status_code == 200
        with django_assert_max_num_queries(10):
            assert client.get(url, {"page": 2, "year": 2025, "q": "ke hoach", "status": "in_force"}).status_code == 200
        with django_assert_max_num_queries(7):
            assert client.get(reverse("directives:directive_export")).status_code == 200


def test_register_is_paginated_by_fifty(client, tree, users):
    _directives(users["staff"], tree["bac_ninh"], 55)
    client.force_login(users["staff"])
    first = client.get(reverse("directives:directive_list")).content.decode()
    assert first.count('class="fw-semibold" href="/directives/') == 50 and "Page 1 of 2" in first
    second = client.get(reverse("directives:directive_list"), {"page": 2}).content.decode()
    assert second.count('class="fw-semibold" href="/directives/') == 5


def test_detail_query_count_does_not_grow(client, tree, users, django_assert_max_num_queries):
    staff = users["staff"]
    kl = make_directive(staff, tree["bac_ninh"])
    province = make_unit("Tỉnh Thử", Unit.Kind.PROVINCE, tree["nation"])
    client.force_login(staff)
    for n in (3, 60):
        for i in range(n):
            make_unit(f"Xã {n}-{i}", Unit.Kind.COMMUNE, province)
        services.assignment_bulk_create(
            actor=users["admin"], directive=kl, task=f"Việc {n}", root=province, kinds=[Unit.Kind.COMMUNE]
        )
        _directives(staff, tree["bac_ninh"], 3, start=n, implements=kl)
        with django_assert_max_num_queries(19):
            assert client.get(kl.get_absolute_url()).status_code == 200


@time_machine.travel(TODAY, tick=False)
def test_our_tasks_shows_days_left_overdue_and_what_to_do(client, tree, users):
    staff = users["staff"]
    plan, late, quiet = _directives(staff, tree["bac_ninh"], 3)
    services.assignment_bulk_create(
        actor=staff, directive=plan, task="Báo cáo sơ kết", deadline=datetime.date(2026, 2, 15), units=[tree["tu_son"]]
    )
    services.assignment_bulk_create(
        actor=staff, directive=late, task="Tổ chức hội nghị", deadline=datetime.date(2026, 2, 1), units=[tree["tu_son"]]
    )
    services.assignment_bulk_create(
        actor=staff,
        directive=quiet,
        task="Theo dõi việc thực hiện",
        deadline=datetime.date(2026, 3, 1),
        report_required=False,
        role=Assignment.Role.MONITOR,
        units=[tree["tu_son"]],
    )
    services.assignment_bulk_create(
        actor=staff,
        directive=plan,
        task="Việc của phường bên",
        deadline=datetime.date(2026, 2, 20),
        units=[tree["dong_ngan"]],
    )
    client.force_login(users["reporter_tu_son"])
    html = client.get(reverse("directives:unit_tasks", args=[tree["tu_son"].pk])).content.decode()
    tasks = html.split('data-testid="tasks"')[1]
    # newest deadline first
    assert tasks.index("Theo dõi việc thực hiện") < tasks.index("Báo cáo sơ kết") < tasks.index("Tổ chức hội nghị")
    # Working days, as every page counts them: 06/02 and 09–13/02 left; 02–05/02 overdue.
    assert "6 working days left" in tasks and "File the report by 15/02/2026." in tasks
    assert "4 working days overdue" in tasks and "qcdc-overdue" in tasks
    assert "The report was due on 01/02/2026: file it as soon as possible." in tasks
    assert "Follow how it is carried out" in tasks
    assert "Việc của phường bên" not in html
    overdue = client.get(reverse("directives:unit_tasks", args=[tree["tu_son"].pk]), {"status": "overdue"}).content
    assert "Tổ chức hội nghị" in overdue.decode() and "Báo cáo sơ kết" not in overdue.decode()


def test_our_tasks_of_a_subtree_and_the_empty_state(client, tree, users):
    client.force_login(users["staff"])
    url = reverse("directives:unit_tasks", args=[tree["bac_ninh"].pk])
    assert "No task has been assigned to this unit yet" in client.get(url).content.decode()
    d = make_directive(users["staff"], tree["bac_ninh"])
    services.assignment_bulk_create(actor=users["staff"], directive=d, task="Quán triệt", units=[tree["dong_ngan"]])
    assert "Quán triệt" not in client.get(url).content.decode()
    assert "Quán triệt" in client.get(url, {"sub": "1"}).content.decode()


@pytest.mark.parametrize("who", ["reporter_tu_son", "staff"])
def test_our_tasks_query_count_does_not_grow(client, tree, users, who, django_assert_max_num_queries):
    client.force_login(users[who])
    url = reverse("directives:unit_tasks", args=[tree["tu_son"].pk])
    for start, n in ((0, 2), (2, 60)):
        _tasks(users["staff"], tree["tu_son"], _directives(users["staff"], tree["bac_ninh"], n, start), None)
        with django_assert_max_num_queries(11):
            assert client.get(url).status_code == 200
        with django_assert_max_num_queries(11):
            assert client.get(url, {"page": 2, "sub": "1"}).status_code == 200


def test_tasks_link_goes_to_the_users_own_unit(client, tree, users):
    client.force_login(users["reporter_tu_son"])
    response = client.get(reverse("directives:my_tasks"))
    assert response.status_code == 302 and response.url == reverse("directives:unit_tasks", args=[tree["tu_son"].pk])
    two = make_user("two_units", role=RoleGrant.Role.REPORTER, unit=tree["tu_son"])
    RoleGrant.objects.create(user=two, role=RoleGrant.Role.HEAD, unit=tree["dong_ngan"])
    client.force_login(two)
    html = client.get(reverse("directives:my_tasks")).content.decode()
    assert "Phường Từ Sơn" in html and "Phường Đông Ngàn" in html
    client.force_login(users["nobody"])
    assert "Your account has no unit yet" in client.get(reverse("directives:my_tasks")).content.decode()


def test_export_has_headings_dates_and_only_the_filtered_rows(client, tree, users):
    staff = users["staff"]
    kl = make_directive(staff, tree["bac_ninh"], signer="Đinh Thế Huynh")
    make_directive(
        staff,
        tree["bac_ninh"],
        symbol="45-KH/TU",
        doc_type=doc_type("Kế hoạch"),
        issuer="Thị ủy Từ Sơn",
        issued_on=datetime.date(2020, 2, 5),
        implements=kl,
    )
    client.force_login(staff)
    response = client.get(reverse("directives:directive_export"), {"year": 2020})
    assert response["Content-Disposition"].startswith('attachment; filename="so-van-ban-')
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Number and symbol", "Type", "Issuing body", "Issue date")
    assert len(rows) == 2 and rows[1][0] == "45-KH/TU" and rows[1][13] == "120-KL/TW"
    assert rows[1][3] == datetime.datetime(2020, 2, 5)
    assert sheet["D2"].number_format == "DD/MM/YYYY"


@time_machine.travel(datetime.datetime(2026, 12, 1, 9, 0, tzinfo=TODAY.tzinfo), tick=False)
def test_one_deadline_reads_the_same_working_days_on_the_task_page_the_home_page_and_the_api(
    client, settings, tree, users
):
    """From Tuesday 01/12/2026 to Sunday 20/12/2026: 19 calendar days, 13 working days by hand (02–04,
    07–11 and 14–18/12)."""
    staff = users["staff"]
    (plan,) = _directives(staff, tree["bac_ninh"], 1)
    services.assignment_bulk_create(
        actor=staff,
        directive=plan,
        task="Báo cáo tổng kết",
        deadline=datetime.date(2026, 12, 20),
        units=[tree["tu_son"]],
    )
    client.force_login(users["reporter_tu_son"])
    tasks_page = client.get(reverse("directives:unit_tasks", args=[tree["tu_son"].pk])).content.decode()
    home = client.get(reverse("home")).content.decode()
    assert "13 working days left" in tasks_page.split('data-testid="tasks"')[1]
    assert "13 working days left" in home and "19 days" not in tasks_page + home
    assignment = client.get("/api/v1/assignments/", {"unit": tree["tu_son"].pk}).json()["results"][0]
    obligation = client.get("/api/v1/obligations/").json()["results"][0]
    assert assignment["days_left"] == obligation["working_days_left"] == 13
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    with translation.override("vi"):
        tasks_page = client.get(reverse("directives:unit_tasks", args=[tree["tu_son"].pk])).content.decode()
    assert "còn 13 ngày làm việc" in tasks_page
