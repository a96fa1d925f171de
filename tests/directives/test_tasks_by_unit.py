"""A role and deadline per unit in one assignment, progress notes with evidence, and a directive's periodic report."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directives import progress, services
from directives.models import Assignment, DirectiveEvent, ProgressEvidence, ProgressNote
from reports.directive_reports import periodic_report_require
from reports.generation import form_assign
from reports.models import Obligation
from tests.directives.conftest import doc_type, inserts_on_sqlite, make_directive
from tests.factories import make_unit
from tests.reports.conftest import form_by_code
from units.models import AuditEvent, Unit

TASK = "Tổ chức hội nghị đối thoại với Nhân dân về thực hiện dân chủ ở cơ sở"
DEADLINE = datetime.date(2030, 6, 30)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def plan(users, town):
    return make_directive(
        users["staff"],
        town["town"],
        symbol="45-KH/TU",
        doc_type=doc_type("Kế hoạch"),
        issuer="Thị ủy Từ Sơn",
        issued_on=datetime.date(2026, 1, 5),
    )


def roles_by_unit(directive) -> dict[str, tuple[str, datetime.date]]:
    with connection.cursor() as cur:  # read back from the table, not through the code under test
        cur.execute(
            "SELECT u.name, a.role, a.deadline FROM directives_assignment a JOIN units_unit u ON u.id = a.unit_id"
            " WHERE a.directive_id = %s",
            [directive.pk],
        )
        return {
            name: (role, day if isinstance(day, datetime.date) else datetime.date.fromisoformat(day))
            for name, role, day in cur.fetchall()
        }


def test_one_assignment_gives_each_unit_its_own_role_and_deadline(users, town, plan):
    dong_ky, dinh_bang, tam_son = town["Đồng Kỵ"], town["Đình Bảng"], town["Tam Sơn"]
    result = services.assignment_bulk_create(
        actor=users["staff"],
        directive=plan,
        task=TASK,
        role=Assignment.Role.COORDINATE,
        deadline=DEADLINE,
        root=town["town"],
        kinds=[Unit.Kind.WARD, Unit.Kind.COMMUNE],
        roles={dinh_bang.pk: "lead", tam_son.pk: "monitor"},
        deadlines={dinh_bang.pk: datetime.date(2030, 3, 31)},
    )
    assert result.created == 12
    rows = roles_by_unit(plan)
    assert rows["Phường Đình Bảng"] == ("lead", datetime.date(2030, 3, 31))
    assert rows["Xã Tam Sơn"] == ("monitor", DEADLINE)
    assert rows[dong_ky.name] == ("coordinate", DEADLINE)
    assert sorted(r for r, _d in rows.values()).count("coordinate") == 10
    event = DirectiveEvent.objects.get(directive=plan, kind="assigned")
    assert event.changes["roles"][1] == "Lead (chủ trì): 1, Coordinate (phối hợp): 10, Monitor (theo dõi): 1"
    assert event.changes["own_deadlines"] == ["", "1"]


def test_the_grid_is_refused_for_units_the_assignment_does_not_reach_and_early_deadlines(users, tree, town, plan):
    with pytest.raises(ValidationError, match="does not reach"):
        services.assignment_bulk_create(
            actor=users["staff"],
            directive=plan,
            task=TASK,
            deadline=DEADLINE,
            units=[town["Đình Bảng"]],
            roles={tree["hoan_kiem"].pk: "lead"},
        )
    with pytest.raises(ValidationError, match="before the directive was issued"):
        services.assignment_bulk_create(
            actor=users["staff"],
            directive=plan,
            task=TASK,
            deadline=DEADLINE,
            units=[town["Đình Bảng"]],
            deadlines={town["Đình Bảng"].pk: datetime.date(2025, 1, 1)},
        )
    with pytest.raises(ValidationError):
        services.assignment_bulk_create(
            actor=users["staff"],
            directive=plan,
            task=TASK,
            deadline=DEADLINE,
            units=[town["Đình Bảng"]],
            roles={town["Đình Bảng"].pk: "boss"},
        )
    assert not Assignment.objects.exists()


def test_the_page_lists_the_units_in_a_grid_then_assigns_what_was_chosen(client, users, town, plan):
    client.force_login(users["staff"])
    url = reverse("directives:assignment_create", args=[plan.pk])
    form = {
        "root": town["town"].pk,
        "kinds": ["ward"],
        "only_open": "on",
        "task": TASK,
        "role": "coordinate",
        "deadline": "2030-06-30",
        "report_required": "on",
    }
    page = client.post(url, {**form, "action": "grid"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="role-grid"' in html and html.count('type="radio" name="role_') == 7 * 3
    assert not Assignment.objects.exists()  # listing the units assigns nothing
    dinh_bang = town["Đình Bảng"]
    done = client.post(
        url,
        {
            **form,
            "grid": "1",
            "action": "assign",
            f"role_{dinh_bang.pk}": "lead",
            f"deadline_{dinh_bang.pk}": "2030-01-15",
        },
    )
    assert done.status_code == 302
    rows = roles_by_unit(plan)
    assert rows[dinh_bang.name] == ("lead", datetime.date(2030, 1, 15))
    assert {r for n, (r, _d) in rows.items() if n != dinh_bang.name} == {"coordinate"}
    detail = client.get(plan.get_absolute_url()).content.decode()
    assert "1 lead, 6 coordinate" in detail


def test_the_grid_costs_the_same_queries_for_few_or_many_units(users, tree, plan):
    counts = []
    for size in (4, 120):
        province = make_unit(f"Tỉnh {size}", Unit.Kind.PROVINCE, tree["nation"])
        units = [make_unit(f"Xã {i}", Unit.Kind.COMMUNE, province) for i in range(size)]
        roles = {u.pk: ("lead" if i % 3 == 0 else "monitor") for i, u in enumerate(units)}
        deadlines = {u.pk: datetime.date(2030, 1, 1 + i % 28) for i, u in enumerate(units)}
        with CaptureQueriesContext(connection) as ctx:
            services.assignment_bulk_create(
                actor=users["admin"],
                directive=plan,
                task=TASK,
                deadline=DEADLINE,
                root=province,
                kinds=[Unit.Kind.COMMUNE],
                roles=roles,
                deadlines=deadlines,
                report_required=False,
            )
        counts.append(len(ctx.captured_queries))
    # PostgreSQL: no more queries for 120 units than for 4 (the first run also reads the user's scope).
    # SQLite: Django cuts a bulk INSERT at 999 parameters, so the assignments of the 120 units take more
    # INSERT statements than those of the 4; the budget grows by those batches and nothing else.
    extra = 0
    if connection.vendor == "sqlite":
        extra = inserts_on_sqlite(Assignment, 120) - inserts_on_sqlite(Assignment, 4)
    assert counts[1] <= counts[0] + extra


def _pdf(name="bien-ban.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def task(users, town, plan):
    services.assignment_bulk_create(
        actor=users["staff"], directive=plan, task=TASK, deadline=DEADLINE, units=[town["Đình Bảng"], town["Đồng Kỵ"]]
    )
    return Assignment.objects.get(unit=town["Đình Bảng"])


def test_the_unit_reports_progress_with_evidence_and_the_directive_page_shows_it(
    client, users, town, town_users, plan, task
):
    reporter = town_users["reporter_dinh_bang"]
    client.force_login(reporter)
    url = task.get_absolute_url()
    response = client.post(url, {"percent": 40, "note": "Đã tổ chức 3/7 hội nghị ở các khu phố", "files": [_pdf()]})
    assert response.status_code == 302
    note = ProgressNote.objects.get(assignment=task)
    assert (note.percent, note.actor) == (40, reporter)
    (evidence,) = ProgressEvidence.objects.filter(note=note)
    assert evidence.original_name == "bien-ban.pdf"
    assert client.get(evidence.get_absolute_url())["Content-Disposition"].startswith("attachment")
    with connection.cursor() as cur:
        cur.execute("SELECT progress FROM directives_assignment WHERE id = %s", [task.pk])
        assert cur.fetchone()[0] == 40
    assert DirectiveEvent.objects.filter(assignment=task, kind="progress", actor=reporter).exists()
    assert AuditEvent.objects.filter(action="assignment.progress", unit=town["Đình Bảng"]).exists()
    page = client.get(url).content.decode()
    assert "Đã tổ chức 3/7 hội nghị" in page and "bien-ban.pdf" in page
    client.force_login(users["staff"])
    detail = client.get(plan.get_absolute_url()).content.decode()
    assert "average progress 20%" in detail  # (40 + 0) / 2 units
    assert ">40%</span>" in detail


def test_progress_of_another_units_task_is_a_404_and_only_its_people_may_write(client, users, town, town_users, task):
    other = town_users["reporter_dong_ky"]
    client.force_login(other)
    assert client.get(task.get_absolute_url()).status_code == 404
    assert client.post(task.get_absolute_url(), {"percent": 90, "note": "x"}).status_code == 404
    note = progress.progress_note_add(actor=users["staff"], assignment=task, percent=10, note="Đã xây dựng kế hoạch")
    evidence = ProgressEvidence.objects.create(
        note=note, file="progress/x.pdf", original_name="x.pdf", kind="pdf", size=1, sha256="0" * 64
    )
    assert client.get(evidence.get_absolute_url()).status_code == 404
    with pytest.raises(PermissionDenied):
        progress.progress_note_add(actor=town_users["leader_town"], assignment=task, percent=50, note="x")
    client.force_login(town_users["leader_town"])  # reads, does not write
    page = client.get(task.get_absolute_url())
    assert page.status_code == 200 and "Report progress" not in page.content.decode()
    assert client.post(task.get_absolute_url(), {"percent": 90, "note": "x"}).status_code == 403


def test_progress_refuses_a_bad_percentage_and_a_file_that_is_not_what_it_says(users, task):
    with pytest.raises(ValidationError):
        progress.progress_note_add(actor=users["staff"], assignment=task, percent=120, note="x")
    fake = SimpleUploadedFile("anh.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError):
        progress.progress_note_add(actor=users["staff"], assignment=task, percent=20, note="x", files=[fake])
    assert not ProgressNote.objects.exists()


def test_the_task_page_has_a_flat_query_budget(client, users, task, django_assert_max_num_queries):
    client.force_login(users["staff"])
    for n in (1, 15):
        for i in range(n):
            note = progress.progress_note_add(actor=users["staff"], assignment=task, percent=i, note=f"Bước {i}")
            ProgressEvidence.objects.create(
                note=note, file=f"p/{i}.pdf", original_name=f"{i}.pdf", kind="pdf", size=1, sha256="0" * 64
            )
        with django_assert_max_num_queries(14):
            assert client.get(task.get_absolute_url()).status_code == 200


@time_machine.travel(datetime.datetime(2026, 5, 10, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_a_plan_requires_a_quarterly_report_while_it_runs_beside_the_ordinary_one(client, users, town, town_users):
    plan = make_directive(
        users["staff"],
        town["town"],
        symbol="45-KH/TU",
        doc_type=doc_type("Kế hoạch"),
        issuer="Thị ủy Từ Sơn",
        issued_on=datetime.date(2026, 1, 5),
        effective_from=datetime.date(2026, 1, 1),
        effective_to=datetime.date(2026, 12, 31),
    )
    quarter = form_by_code("qcdc-quarter")
    # The wards already owe the ordinary quarterly report.
    form_assign(
        actor=users["staff"], form=quarter, root=town["town"], kinds=["ward"], starts_on=datetime.date(2026, 1, 1)
    )
    _row, created = periodic_report_require(
        actor=users["staff"], directive=plan, form=quarter, root=town["town"], kinds=["ward"]
    )
    # 10/05/2026, periods opened 31 days ahead: Q1 and Q2 (Q3 starts 01/07), for 7 wards.
    assert created == 14
    with connection.cursor() as cur:
        cur.execute(
            "SELECT COUNT(*), COUNT(DISTINCT unit_id), COUNT(DISTINCT period_start) FROM reports_obligation"
            " WHERE directive_id = %s AND form_id = %s",
            [plan.pk, quarter.pk],
        )
        assert cur.fetchone() == (14, 7, 2)
        cur.execute("SELECT COUNT(*) FROM reports_obligation WHERE directive_id IS NULL AND form_id = %s", [quarter.pk])
        assert cur.fetchone()[0] == 14  # the ordinary ones are untouched
    event = DirectiveEvent.objects.get(directive=plan, kind="report_required")
    assert event.changes["form"][1] == quarter.name and event.changes["period"][1] == "01/01/2026 – 31/12/2026"
    # Running the generator again creates nothing more.
    from reports.generation import obligations_open_upcoming

    assert obligations_open_upcoming(today=datetime.date(2026, 5, 10)) == 0
    # The ward's report names the directive, and the directive's page lists the report it requires.
    own = Obligation.objects.get(directive=plan, unit=town["Đình Bảng"], period_index=1)
    client.force_login(town_users["reporter_dinh_bang"])
    page = client.get(reverse("reports:report_detail", args=[own.pk])).content.decode()
    assert 'data-testid="required-by"' in page and "45-KH/TU" in page
    client.force_login(users["staff"])
    detail = client.get(plan.get_absolute_url()).content.decode()
    assert quarter.name in detail and "0 of 14 reports of your units filed" in detail


def test_a_periodic_report_is_required_only_by_those_who_manage_the_directive(users, town, town_users, plan):
    with pytest.raises(PermissionDenied):
        periodic_report_require(
            actor=town_users["reporter_dinh_bang"],
            directive=plan,
            form=form_by_code("qcdc-quarter"),
            root=town["town"],
            kinds=["ward"],
        )
    with pytest.raises(ValidationError, match="periodic"):
        periodic_report_require(
            actor=users["staff"], directive=plan, form=form_by_code("qcdc-thematic"), root=town["town"], kinds=["ward"]
        )
    assert not Obligation.objects.filter(directive=plan).exists()


def test_the_directive_page_keeps_its_query_budget_with_progress_and_periodic_reports(
    client, users, tree, plan, django_assert_max_num_queries
):
    client.force_login(users["staff"])
    periodic_report_require(
        actor=users["staff"], directive=plan, form=form_by_code("qcdc-quarter"), root=plan.owner_unit, kinds=["ward"]
    )
    for n in (3, 40):
        province = make_unit(f"Tỉnh {n}", Unit.Kind.PROVINCE, tree["nation"])
        for i in range(n):
            make_unit(f"Xã {i}", Unit.Kind.COMMUNE, province)
        services.assignment_bulk_create(
            actor=users["admin"],
            directive=plan,
            task=f"Việc {n}",
            deadline=DEADLINE,
            root=province,
            kinds=[Unit.Kind.COMMUNE],
        )
        for a in Assignment.objects.filter(directive=plan)[:5]:
            progress.progress_note_add(actor=users["admin"], assignment=a, percent=50, note="Nửa chặng")
        with django_assert_max_num_queries(20):
            assert client.get(plan.get_absolute_url()).status_code == 200


def test_the_api_gives_the_per_unit_roles_and_deadlines_through_the_same_service(client, users, town, plan):
    client.force_login(users["staff"])
    dinh_bang = town["Đình Bảng"]
    response = client.post(
        f"/api/v1/directives/{plan.pk}/assignments/",
        {
            "task": TASK,
            "deadline": "2030-06-30",
            "role": "coordinate",
            "root": town["town"].pk,
            "kinds": ["ward"],
            "per_unit": [{"unit": dinh_bang.pk, "role": "lead", "deadline": "2030-02-28"}],
        },
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["created"] == 7
    rows = roles_by_unit(plan)
    assert rows[dinh_bang.name] == ("lead", datetime.date(2030, 2, 28))
    assert {r for n, (r, _d) in rows.items() if n != dinh_bang.name} == {"coordinate"}
    listed = client.get(f"/api/v1/directives/{plan.pk}/assignments/").json()["results"]
    assert {row["progress"] for row in listed} == {0}
    stray = client.post(
        f"/api/v1/directives/{plan.pk}/assignments/",
        {
            "task": "Khác",
            "deadline": "2030-06-30",
            "units": [dinh_bang.pk],
            "per_unit": [{"unit": town["Tam Sơn"].pk, "role": "lead"}],
        },
        content_type="application/json",
    )
    assert stray.status_code == 400


@time_machine.travel(datetime.datetime(2026, 5, 10, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_the_periodic_report_page_requires_it_and_refuses_others(client, users, town, town_users, plan):
    url = reverse("reports:directive_require_report", args=[plan.pk])
    client.force_login(town_users["reporter_dinh_bang"])
    assert client.get(url).status_code == 403
    client.force_login(users["staff_ha_noi"])
    assert client.get(url).status_code == 404
    client.force_login(users["staff"])
    quarter = form_by_code("qcdc-quarter")
    response = client.post(url, {"form": quarter.pk, "kinds": ["ward"], "starts_on": "2026-01-01"})
    assert response.status_code == 302
    assert Obligation.objects.filter(directive=plan, form=quarter).count() == 14  # 7 wards, Q1 and Q2
    detail = client.get(plan.get_absolute_url()).content.decode()
    assert 'data-testid="periodic-reports"' in detail and quarter.name in detail
