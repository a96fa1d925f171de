"""The demo: Từ Sơn's wards old and new, their heads and committees, and one login per role."""

import datetime
import re
import shutil
import subprocess

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from api.services import token_create
from demo.units import PASSWORD, demo_load
from reports.documents import pdf as documents
from reports.models import Obligation, Report
from units.models import Body, BodyMembership, Headship, RoleGrant, Unit, User
from units.querysets import in_office_q
from units.services import head_on

CURRENT, LEGACY = Unit.CodeScheme.CURRENT, Unit.CodeScheme.LEGACY


pytestmark = pytest.mark.slow  # the whole demo is loaded for the module


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Loaded once for the module, in a transaction rolled back at its end; each test runs in a savepoint."""
    with django_db_blocker.unblock(), transaction.atomic():
        logins = demo_load()
        yield {login.username: login for login in logins}
        transaction.set_rollback(True)


def unit(scheme: str, code: str) -> Unit:
    return Unit.objects.get(code_scheme=scheme, code=code)


def visible_names(username: str) -> set[tuple[str, str]]:
    user = User.objects.get(username=username)
    return set(Unit.objects.visible_to(user).values_list("code_scheme", "name"))


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


@pytest.mark.django_db
def test_loading_the_demo_again_changes_nothing(demo, django_assert_max_num_queries):
    counts = row_counts()
    pks = {model: set(model.objects.values_list("pk", flat=True)) for model in (Unit, Headship, Body, User)}
    with django_assert_max_num_queries(
        110
    ):  # each demo (units, reports, directives, registers, watches, evaluations) finds its rows there
        logins = demo_load()
    assert row_counts() == counts
    assert {model: set(model.objects.values_list("pk", flat=True)) for model in pks} == pks
    assert [login.username for login in logins] == list(demo)


@pytest.mark.django_db
def test_every_demo_user_logs_in_with_the_demo_password(demo, client):
    assert set(demo) == {
        "admin",
        "canbo.bacninh",
        "lanhdao.bacninh",
        "baocao.tuson",
        "truong.tuson",
        "baocao.dongnguyen",
    }
    for username in demo:
        assert client.login(username=username, password=PASSWORD), username
        user = User.objects.get(username=username)
        assert user.person.email == user.email == f"{username}@qcdc.example"
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser


@pytest.mark.django_db
def test_roles_are_granted_over_the_right_units(demo):
    grants = set(RoleGrant.objects.values_list("user__username", "role", "unit__name"))
    R = RoleGrant.Role
    assert grants == {
        ("admin", R.ADMIN, "Việt Nam"),
        ("canbo.bacninh", R.STAFF, "Tỉnh Bắc Ninh"),
        ("lanhdao.bacninh", R.LEADER, "Tỉnh Bắc Ninh"),
        ("baocao.tuson", R.REPORTER, "Phường Từ Sơn"),
        ("truong.tuson", R.HEAD, "Phường Từ Sơn"),
        ("baocao.dongnguyen", R.REPORTER, "Phường Đồng Nguyên"),
        # the chairmen who sign the People's Committee reports waiting in the committee's inbox
        ("chutich.dongnguyen", R.HEAD, "Phường Đồng Nguyên"),
        ("chutich.bacgiang", R.HEAD, "Phường Bắc Giang"),
        ("chutich.damai", R.HEAD, "Phường Đa Mai"),
        ("chutich.xuanluong", R.HEAD, "Xã Xuân Lương"),
    }
    assert RoleGrant.objects.get(user__username="truong.tuson").unit == unit(CURRENT, "09367")


@pytest.mark.django_db
def test_the_tu_son_reporter_sees_the_ward_its_communities_and_the_former_wards_merged_into_it(demo):
    assert visible_names("baocao.tuson") == {
        (CURRENT, "Phường Từ Sơn"),
        ("", "Khu phố Dương Lôi"),
        ("", "Khu phố Cổ Pháp"),
        (LEGACY, "Phường Đông Ngàn"),
        (LEGACY, "Phường Tân Hồng"),
        (LEGACY, "Phường Đình Bảng"),
        (LEGACY, "Phường Phù Chẩn"),
    }


@pytest.mark.django_db
def test_the_dong_nguyen_reporter_sees_only_their_own_ward_and_its_former_wards(demo):
    assert visible_names("baocao.dongnguyen") == {
        (CURRENT, "Phường Đồng Nguyên"),
        (LEGACY, "Phường Đồng Nguyên"),
        (LEGACY, "Phường Đồng Kỵ"),
        (LEGACY, "Phường Trang Hạ"),
    }


@pytest.mark.django_db
def test_provincial_users_see_their_province_old_and_new_but_no_other(demo):
    bac_ninh = unit(CURRENT, "24")
    for username in ("canbo.bacninh", "lanhdao.bacninh"):
        visible = Unit.objects.visible_to(User.objects.get(username=username))
        assert set(visible.exclude(code_scheme=LEGACY)) == set(Unit.objects.subtree(bac_ninh))
        # The former provinces merged into today's Bắc Ninh come along with everything under them.
        legacy_provinces = visible.filter(code_scheme=LEGACY, kind__in=Unit.PROVINCIAL_KINDS)
        assert set(legacy_provinces.values_list("name", flat=True)) == {"Tỉnh Bắc Ninh", "Tỉnh Bắc Giang"}
        assert unit(LEGACY, "09367") in visible and unit(LEGACY, "261") in visible
        assert unit(CURRENT, "01") not in visible and unit(CURRENT, "01").parent not in visible


@pytest.mark.django_db
def test_the_admin_sees_the_whole_country(demo):
    admin = User.objects.get(username="admin")
    assert Unit.objects.visible_to(admin).count() == Unit.objects.count()


@pytest.mark.django_db
def test_bac_ninh_its_communes_and_the_former_wards_of_tu_son_have_a_head_and_a_committee(demo):
    today = datetime.date(2026, 1, 15)
    communes = Unit.objects.filter(parent=unit(CURRENT, "24"), kind__in=Unit.COMMUNAL_KINDS)
    former_wards = Unit.objects.filter(parent=unit(LEGACY, "261"))
    assert communes.count() == 99 and former_wards.count() == 12
    for commune in communes:
        assert head_on(commune, today).title in {"Bí thư Đảng ủy", "Chủ tịch UBND"}
    for ward in former_wards:
        assert head_on(ward, datetime.date(2024, 6, 1)) is not None
        assert head_on(ward, today) is None  # the ward no longer exists
    committees = Body.objects.filter(kind=Body.Kind.STEERING_COMMITTEE)
    province = unit(CURRENT, "24")  # the province's own committee issues its summary
    assert set(committees.values_list("unit", flat=True)) == {u.pk for u in [province, *communes, *former_wards]}
    roles = set(BodyMembership.objects.values_list("role", flat=True))
    assert roles == {"head", "standing_deputy", "member", "secretary"}

    body = committees.get(unit=unit(CURRENT, "09367"))
    assert body.name == "Ban Chỉ đạo xây dựng và thực hiện QCDC ở cơ sở phường Từ Sơn"
    assert body.decision_symbol.endswith("-QĐ/ĐU")
    assert committees.get(unit=unit(LEGACY, "09367")).dissolved_on == datetime.date(2025, 7, 1)


@pytest.mark.django_db
def test_tu_son_changed_head_in_2025_and_its_head_user_is_the_new_one(demo):
    tu_son = unit(CURRENT, "09367")
    first, now = head_on(tu_son, datetime.date(2025, 7, 10)), head_on(tu_son, datetime.date(2025, 12, 1))
    assert first.person != now.person
    assert first.ended_on is not None and now.ended_on is None
    assert User.objects.get(username="truong.tuson").person == now.person
    heads_of_committee = BodyMembership.objects.filter(body__unit=tu_son, role=BodyMembership.Role.HEAD)
    assert set(heads_of_committee.values_list("person", flat=True)) == {first.person_id, now.person_id}


@pytest.mark.django_db
def test_every_commune_has_a_party_secretary_and_a_peoples_committee_chairman(demo):
    today = datetime.date(2026, 1, 15)
    communes = Unit.objects.filter(parent=unit(CURRENT, "24"), kind__in=Unit.COMMUNAL_KINDS)
    for commune in communes:
        titles = set(Headship.objects.filter(in_office_q(today), unit=commune).values_list("title", flat=True))
        assert titles == {"Bí thư Đảng ủy", "Chủ tịch UBND"}, commune


@pytest.mark.django_db
def test_each_approved_demo_report_is_signed_by_the_post_of_its_issuing_body(demo, tmp_path):
    signed = Report.objects.filter(approved_by__isnull=False).select_related("obligation__unit", "approved_by__person")
    assert signed.exists()
    for report in signed:
        posts = Headship.objects.filter(
            in_office_q(report.approved_at.date()), unit=report.obligation.unit, person__user=report.approved_by
        ).values_list("title", flat=True)
        wanted = "Chủ tịch UBND" if report.signer_title.startswith("TM. ỦY BAN NHÂN DÂN") else "Bí thư Đảng ủy"
        assert wanted in set(posts) and report.signer_name == report.approved_by.person.full_name
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext is not installed")
    # Từ Sơn's head is its Party secretary: its reports print the Party committee's signature block.
    report = signed.filter(obligation__unit=unit(CURRENT, "09367")).latest("approved_at")
    report.obligation = Obligation.objects.select_related("form", "unit").get(pk=report.obligation_id)
    pdf = tmp_path / "demo.pdf"
    pdf.write_bytes(documents.render_pdf(report))
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout.split())
    head = User.objects.get(username="truong.tuson").person.full_name
    assert "T/M ĐẢNG ỦY BÍ THƯ" in text and head in text and "TM. ỦY BAN NHÂN DÂN" not in text
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text


# Vietnamese alphabetical order, as a reader would file them: a ă â b c d đ e ê …, the letters first and
# the tone marks only between names spelled alike; people by given name, then family name, then middle.
BAC_NINH_WARDS_IN_ORDER = [
    "Phường Bắc Giang",
    "Phường Chũ",
    "Phường Đa Mai",
    "Phường Đào Viên",
    "Phường Đồng Nguyên",
    "Phường Hạp Lĩnh",
    "Phường Nếnh",
    "Phường Nhân Hòa",
    "Phường Ninh Xá",
    "Phường Phù Khê",
    "Phường Phương Liễu",
    "Phường Phượng Sơn",
    "Phường Tân An",
    "Phường Tự Lạn",
    "Phường Từ Sơn",
    "Phường Yên Dũng",
    "Xã An Lạc",
    "Xã Bảo Đài",
    "Xã Bắc Lũng",
    "Xã Dương Hưu",
    "Xã Đại Đồng",
    "Xã Đông Cứu",
    "Xã Đồng Kỳ",
    "Xã Đông Phú",
    "Xã Yên Trung",
]
FIRST_PEOPLE_IN_ORDER = [
    "Bùi Công Bình",
    "Bùi Xuân Bình",
    "Dương Thế Bình",
    "Đào Hữu Bình",
    "Đặng Đức Bình",
    "Đặng Quang Bình",
    "Đặng Xuân Bình",
    "Đỗ Công Bình",
    "Đỗ Đình Bình",
    "Đỗ Đình Bình",
]


def _children_on_the_tree(client, unit: Unit) -> list[str]:
    names, url = [], reverse("units:unit_children", args=[unit.pk])
    for number in (1, 2, 3):
        page = client.get(url, {"page": number}).content.decode()
        names += re.findall(r'<a href="/units/\d+/" class="min-w-0[^"]*">([^<]+)</a>', page)
        if "qcdc-more" not in page:
            return names
    raise AssertionError("more pages than expected")


@pytest.mark.django_db
def test_the_tree_and_the_api_list_bac_ninhs_wards_in_vietnamese_order(demo, client):
    bac_ninh = unit(CURRENT, "24")
    client.force_login(User.objects.get(username="canbo.bacninh"))
    shown = _children_on_the_tree(client, bac_ninh)
    assert len(shown) == bac_ninh.children.count() == 99
    assert [name for name in shown if name in BAC_NINH_WARDS_IN_ORDER] == BAC_NINH_WARDS_IN_ORDER
    api = APIClient()
    api.credentials(
        HTTP_AUTHORIZATION=f"Token {token_create(user=User.objects.get(username='canbo.bacninh'), name='t')[1]}"
    )
    listed = []
    for number in (1, 2, 3):
        body = api.get(f"/api/v1/units/{bac_ninh.pk}/children/", {"page": number}).json()
        listed += [row["name"] for row in body["results"]]
        if not body["next"]:
            break
    assert listed == shown
    if connection.vendor == "postgresql":  # ICU's Vietnamese collation, read independently in SQL
        with connection.cursor() as cur:
            cur.execute(
                'SELECT name FROM units_unit WHERE parent_id = %s ORDER BY name COLLATE "vi-x-icu"', [bac_ninh.pk]
            )
            assert [row[0] for row in cur.fetchall()] == shown


@pytest.mark.django_db
def test_people_are_listed_by_given_name_then_family_name(demo, client):
    client.force_login(User.objects.get(username="admin"))
    page = client.get(reverse("units:person_list")).content.decode()
    shown = re.findall(r'<span class="fw-semibold">([^<]+)</span>', page)
    assert shown[: len(FIRST_PEOPLE_IN_ORDER)] == FIRST_PEOPLE_IN_ORDER
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_create(user=User.objects.get(username='admin'), name='t')[1]}")
    listed = [row["full_name"] for row in api.get("/api/v1/people/").json()["results"]]
    assert listed[: len(FIRST_PEOPLE_IN_ORDER)] == FIRST_PEOPLE_IN_ORDER
