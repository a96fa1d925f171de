"""Every page of the register: the right people get in, a sibling ward or another province gets a 404,
readers get a 403 on pages that change something, and confidential directives stay with those entitled."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from directives import services
from directives.models import Assignment, Directive
from tests.directives.conftest import make_directive
from tests.directives.test_uploads import PDF


def _assign(actor, directive, unit, task="Quán triệt và báo cáo kết quả"):
    services.assignment_bulk_create(
        actor=actor, directive=directive, task=task, deadline=datetime.date(2030, 6, 30), units=[unit]
    )
    return Assignment.objects.get(directive=directive, unit=unit, task=task)


@pytest.fixture
def objects(tree, users):
    """A directive of Phường Từ Sơn with a file and a task for the ward itself."""
    staff = users["staff"]
    directive = make_directive(staff, tree["tu_son"], symbol="12-KH/ĐU", issuer="Đảng ủy phường Từ Sơn")
    attachment = services.attachment_add(actor=staff, directive=directive, file=SimpleUploadedFile("ke-hoach.pdf", PDF))
    assignment = _assign(staff, directive, tree["tu_son"])
    return {"directive": directive, "attachment": attachment, "assignment": assignment, "unit": tree["tu_son"]}


READ_PAGES = [
    ("directives:directive_detail", "directive"),
    ("directives:attachment_download", "attachment"),
    ("directives:unit_tasks", "unit"),
]
CHANGE_PAGES = [
    ("directives:directive_edit", "directive"),
    ("directives:directive_relate", "directive"),
    ("directives:attachment_add", "directive"),
    ("directives:assignment_create", "directive"),
    ("directives:assignment_edit", "assignment"),
    ("directives:assignment_cancel", "assignment"),
]
PAGES = READ_PAGES + CHANGE_PAGES


@pytest.mark.parametrize(("name", "key"), PAGES)
@pytest.mark.parametrize("who", ["reporter_dong_ngan", "staff_ha_noi", "nobody"])
def test_users_of_other_units_get_404(client, users, objects, name, key, who):
    client.force_login(users[who])
    assert client.get(reverse(name, args=[objects[key].pk])).status_code == 404


@pytest.mark.parametrize(("name", "key"), PAGES)
@pytest.mark.parametrize("who", ["staff", "admin"])
def test_provincial_staff_and_admins_open_every_page(client, users, objects, name, key, who):
    client.force_login(users[who])
    assert client.get(reverse(name, args=[objects[key].pk])).status_code == 200


@pytest.mark.parametrize(("name", "key"), READ_PAGES)
@pytest.mark.parametrize("who", ["reporter_tu_son", "head_tu_son", "leader"])
def test_people_of_the_unit_read_its_pages(client, users, objects, name, key, who):
    client.force_login(users[who])
    assert client.get(reverse(name, args=[objects[key].pk])).status_code == 200


@pytest.mark.parametrize(("name", "key"), CHANGE_PAGES)
@pytest.mark.parametrize("who", ["reporter_tu_son", "head_tu_son", "leader"])
def test_readers_cannot_change_anything(client, users, objects, name, key, who):
    client.force_login(users[who])
    assert client.get(reverse(name, args=[objects[key].pk])).status_code == 403


@pytest.mark.parametrize(
    "url_name",
    ["directives:directive_list", "directives:directive_export", "directives:my_tasks", "directives:directive_create"],
)
def test_anonymous_visitors_are_sent_to_login(client, objects, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize(("name", "key"), PAGES)
def test_anonymous_visitors_are_sent_to_login_from_every_object_page(client, objects, name, key):
    response = client.get(reverse(name, args=[objects[key].pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("who", ["reporter_tu_son", "leader", "head_tu_son", "nobody"])
def test_only_committee_staff_may_open_the_entry_form(client, users, who):
    client.force_login(users[who])
    assert client.get(reverse("directives:directive_create")).status_code == 403


def test_writes_from_another_province_are_404_and_change_nothing(client, users, objects, tree):
    client.force_login(users["staff_ha_noi"])
    a, d = objects["assignment"], objects["directive"]
    assert client.post(reverse("directives:assignment_cancel", args=[a.pk]), {"reason": "x"}).status_code == 404
    assert client.post(reverse("directives:directive_edit", args=[d.pk]), {"symbol": "1-KH/ĐU"}).status_code == 404
    response = client.post(
        reverse("directives:assignment_create", args=[d.pk]),
        {"root": tree["hoan_kiem"].pk, "task": "x", "role": "lead", "deadline": "2030-01-01", "include_root": "on"},
    )
    assert response.status_code == 404
    a.refresh_from_db()
    assert a.status == Assignment.Status.OPEN and Assignment.objects.count() == 1


def test_staff_may_assign_only_to_units_they_manage(client, users, tree, town, town_users):
    directive = make_directive(town_users["staff_town"], town["town"], symbol="45-KH/TU", issuer="Thị ủy Từ Sơn")
    client.force_login(town_users["staff_town"])
    url = reverse("directives:assignment_create", args=[directive.pk])
    assert client.get(url, {"unit": tree["bac_ninh"].pk}).status_code == 404
    assert client.get(url, {"unit": tree["dong_ngan"].pk}).status_code == 404
    response = client.post(
        url,
        {
            "root": town["town"].pk,
            "task": "x",
            "role": "lead",
            "deadline": "2030-01-01",
            "units": [tree["dong_ngan"].pk],
        },
    )
    assert response.status_code == 200 and not Assignment.objects.exists()  # not a choice offered under the town


# Confidentiality: who sees a secret directive of the province, assigned to Phường Từ Sơn only.
SECRET_ASSIGNED_VISIBLE = {
    "admin": True,
    "staff": True,
    "leader": True,  # their scope holds Phường Từ Sơn, which it is assigned to
    "reporter_tu_son": True,
    "head_tu_son": True,
    "reporter_dong_ngan": False,
    "staff_ha_noi": False,
    "nobody": False,
}
SECRET_UNASSIGNED_VISIBLE = {**SECRET_ASSIGNED_VISIBLE, "leader": False, "reporter_tu_son": False, "head_tu_son": False}
ORDINARY_PROVINCIAL_VISIBLE = {**SECRET_ASSIGNED_VISIBLE, "reporter_dong_ngan": True}


@pytest.fixture
def secret(tree, users):
    staff = users["staff"]
    assigned = make_directive(
        staff,
        tree["bac_ninh"],
        symbol="05-CT/TU",
        issuer="Tỉnh ủy Bắc Ninh",
        confidentiality=Directive.Confidentiality.SECRET,
    )
    _assign(staff, assigned, tree["tu_son"])
    unassigned = make_directive(
        staff,
        tree["bac_ninh"],
        symbol="06-CT/TU",
        issuer="Tỉnh ủy Bắc Ninh",
        confidentiality=Directive.Confidentiality.TOP_SECRET,
    )
    ordinary = make_directive(staff, tree["bac_ninh"], symbol="07-KH/TU", issuer="Tỉnh ủy Bắc Ninh")
    return {"assigned": assigned, "unassigned": unassigned, "ordinary": ordinary}


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("assigned", SECRET_ASSIGNED_VISIBLE),
        ("unassigned", SECRET_UNASSIGNED_VISIBLE),
        ("ordinary", ORDINARY_PROVINCIAL_VISIBLE),
    ],
)
@pytest.mark.parametrize("who", list(SECRET_ASSIGNED_VISIBLE))
def test_confidentiality_per_role(client, users, secret, key, expected, who):
    directive = secret[key]
    client.force_login(users[who])
    detail = client.get(directive.get_absolute_url())
    assert detail.status_code == (200 if expected[who] else 404)
    register = client.get(reverse("directives:directive_list")).content.decode()
    assert (directive.symbol in register) is expected[who]
    export = load_workbook(io.BytesIO(b"".join(client.get(reverse("directives:directive_export")).streaming_content)))
    symbols = [row[0] for row in export.active.iter_rows(min_row=2, values_only=True)]
    assert (directive.symbol in symbols) is expected[who]
    assert Directive.objects.visible_to(users[who]).filter(pk=directive.pk).exists() is expected[who]


def test_cancelling_the_assignment_withdraws_a_secret_directive(client, users, tree, secret):
    assignment = Assignment.objects.get(directive=secret["assigned"])
    services.assignment_cancel(actor=users["staff"], assignment=assignment, reason="Giao nhầm đơn vị")
    client.force_login(users["reporter_tu_son"])
    assert client.get(secret["assigned"].get_absolute_url()).status_code == 404
    assert "05-CT/TU" not in client.get(reverse("directives:unit_tasks", args=[tree["tu_son"].pk])).content.decode()


def test_a_draft_stays_with_the_unit_that_wrote_it(client, users, tree):
    draft = make_directive(users["staff"], tree["bac_ninh"], symbol="08-KH/TU", status=Directive.Status.DRAFT)
    client.force_login(users["leader"])
    assert client.get(draft.get_absolute_url()).status_code == 200
    client.force_login(users["reporter_tu_son"])
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_a_ward_does_not_see_its_sibling_wards_directives(client, users, tree):
    theirs = make_directive(users["staff"], tree["tu_son"], symbol="12-KH/ĐU", issuer="Đảng ủy phường Từ Sơn")
    client.force_login(users["reporter_dong_ngan"])
    assert client.get(theirs.get_absolute_url()).status_code == 404
    assert "12-KH/ĐU" not in client.get(reverse("directives:directive_list")).content.decode()


def test_visibility_has_no_duplicates(users, tree):
    d = make_directive(users["staff"], tree["bac_ninh"])
    for task in ("Một", "Hai"):
        services.assignment_bulk_create(
            actor=users["staff"], directive=d, task=task, units=[tree["tu_son"], tree["dong_ngan"], tree["village"]]
        )
    for who in ("leader", "reporter_tu_son", "staff", "admin"):
        assert list(Directive.objects.visible_to(users[who])) == [d]


def test_a_ward_does_not_read_the_history_of_its_sibling_wards_tasks(client, users, tree):
    plan = make_directive(users["staff"], tree["bac_ninh"], symbol="45-KH/TU", issuer="Tỉnh ủy Bắc Ninh")
    theirs = _assign(users["staff"], plan, tree["tu_son"])
    ours = _assign(users["staff"], plan, tree["dong_ngan"])
    services.assignment_cancel(actor=users["staff"], assignment=theirs, reason="Từ Sơn đã sáp nhập")
    services.assignment_update(actor=users["staff"], assignment=ours, reason="Lùi hạn cho Đông Ngàn", deadline=None)
    client.force_login(users["reporter_dong_ngan"])
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "Lùi hạn cho Đông Ngàn" in page
    assert "Từ Sơn đã sáp nhập" not in page and "Phường Từ Sơn" not in page
    client.force_login(users["staff"])
    assert "Từ Sơn đã sáp nhập" in client.get(plan.get_absolute_url()).content.decode()
