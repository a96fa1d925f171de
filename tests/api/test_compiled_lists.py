"""The lists of reports, obligations and directives run SQL compiled once for every user of the same shape
(``api.views.base.Shaped``): what each user reads must still be their own rows, whoever's request compiled
it. Each list is held to plain SQL over the raw rows (reports, obligations) or to the queryset the ORM
builds for the user (directives, whose visibility rules have tests of their own)."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from api import services as api_services
from directives.models import Directive
from reports import generation
from reports.models import FormAssignment, Obligation, Report, Status
from reports.selectors import compiled
from tests.api.conftest import make_directive
from tests.factories import make_user
from units import text
from units.models import RoleGrant, Unit


def _ids(client, path: str, params: dict | None = None) -> list[int]:
    response = client.get(path, {"page_size": 200, **(params or {})})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["results"])
    return [row["id"] for row in body["results"]]


def _sql(query: str, params: list) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return [row[0] for row in cursor.fetchall()]


def _like(path: str) -> str:
    return path.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _obligations_sql(paths: list[str], unit: Unit | None = None, sub: bool = False, status: str = "") -> list[int]:
    """Obligations of units under ``paths`` (and the filters), soonest due first: the published order."""
    where = ["(" + " OR ".join(["u.path LIKE %s"] * len(paths)) + ")"]
    params = [_like(p) for p in paths]
    if unit is not None and sub:
        where.append("u.path LIKE %s")
        params.append(_like(unit.path))
    elif unit is not None:
        where.append("o.unit_id = %s")
        params.append(unit.pk)
    if status == "open":
        where.append("o.status <> 'accepted'")
    elif status == "overdue":  # not filed (or returned and not refiled) and past its due date
        where.append("o.status IN ('not_started', 'draft', 'awaiting', 'returned') AND o.due_date < %s")
        params.append(timezone.localdate())
    elif status:
        where.append("o.status = %s")
        params.append(status)
    return _sql(
        "SELECT o.id FROM reports_obligation o JOIN units_unit u ON u.id = o.unit_id"
        f" WHERE {' AND '.join(where)} ORDER BY o.due_date, o.id",
        params,
    )


def _reports_sql(managed: list[str], status: str = "") -> list[int]:
    """Reports of units strictly below ``managed``, the longest waiting first."""
    below = " OR ".join(["(u.path LIKE %s AND u.path <> %s)"] * len(managed))
    params = [value for p in managed for value in (_like(p), p)]
    where = f"({below})"
    if status:
        where += " AND r.status = %s"
        params.append(status)
    return _sql(
        "SELECT r.id FROM reports_report r JOIN reports_obligation o ON o.id = r.obligation_id"
        f" JOIN units_unit u ON u.id = o.unit_id WHERE {where}"
        f" ORDER BY {_nulls('r.submitted_at')}, o.due_date, r.id",
        params,
    )


def _nulls(column: str) -> str:
    """``column`` ascending, a missing value where the database puts it (last on PostgreSQL, first on SQLite)."""
    return f"{column} IS NULL, {column}" if connection.vendor == "postgresql" else f"{column} IS NOT NULL, {column}"


def _planned(prefix: str) -> set:
    return set(compiled.planned(prefix))


@pytest.fixture(autouse=True)
def _nothing_compiled_yet():
    compiled.forget()
    yield
    compiled.forget()


@pytest.fixture
def country(tree, users, reporting):
    """The quarterly form owed by the wards of Bắc Ninh and Hà Nội; a submitted report in three wards."""
    form = reporting["form"]
    FormAssignment.objects.create(form=form, root=tree["ha_noi"], kinds=["ward"], starts_on=datetime.date(2025, 1, 1))
    generation.obligations_generate(form=form, year=2026)
    sent = timezone.now()
    for n, ward in enumerate(("tu_son", "dong_ngan", "hoan_kiem")):
        obligation = Obligation.objects.get(form=form, unit=tree[ward], year=2026, period_index=1)
        Report.objects.create(obligation=obligation, status=Status.SUBMITTED, submitted_at=sent - datetime.timedelta(n))
        Obligation.objects.filter(pk=obligation.pk).update(status=Status.SUBMITTED)
    return tree


def test_two_wards_of_the_same_shape_each_read_their_own_obligations(api, country, users):
    tree = country
    before = _planned("api obligations")
    mine = _ids(api("reporter_tu_son"), "/api/v1/obligations/")
    compiled_by_tu_son = _planned("api obligations") - before
    theirs = _ids(api("reporter_dong_ngan"), "/api/v1/obligations/")
    assert mine == _obligations_sql([tree["tu_son"].path]) and mine
    assert theirs == _obligations_sql([tree["dong_ngan"].path]) and theirs
    assert not set(mine) & set(theirs)
    # Đông Ngàn's list ran the SQL Từ Sơn's request compiled: no other shape was planned for it.
    assert compiled_by_tu_son and _planned("api obligations") - before == compiled_by_tu_son


def test_two_provinces_committees_each_review_their_own_wards(api, country, users):
    tree = country
    params = {"reviewable": "true", "status": "submitted"}
    bac_ninh = _ids(api("staff"), "/api/v1/reports/", params)
    compiled_for_bac_ninh = _planned("api reports")
    ha_noi = _ids(api("staff_ha_noi"), "/api/v1/reports/", params)
    assert bac_ninh == _reports_sql([tree["bac_ninh"].path], "submitted") and len(bac_ninh) == 2
    assert ha_noi == _reports_sql([tree["ha_noi"].path], "submitted") and len(ha_noi) == 1
    assert compiled_for_bac_ninh and _planned("api reports") == compiled_for_bac_ninh  # one query for both


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"status": "open"},
        {"status": "submitted"},
        {"status": "overdue"},
        {"unit": "bac_ninh", "sub": "true"},
        {"unit": "tu_son"},
        {"unit": "hoan_kiem", "sub": "true"},
        {"year": "2026", "unit": "bac_ninh", "sub": "true", "status": "open"},
    ],
)
@pytest.mark.parametrize("who", ["admin", "staff", "reporter_tu_son", "two_provinces", "nobody"])
def test_obligations_of_every_shape_are_those_of_plain_sql(api, country, users, tokens, who, params):
    tree = country
    if who == "two_provinces":  # grants over two provinces and, inside one of them, a ward
        user = make_user("two_provinces", role=RoleGrant.Role.STAFF, unit=tree["ha_noi"])
        RoleGrant.objects.create(user=user, role=RoleGrant.Role.LEADER, unit=tree["bac_ninh"])
        RoleGrant.objects.create(user=user, role=RoleGrant.Role.REPORTER, unit=tree["tu_son"])
        tokens[who] = api_services.token_create(user=user, name="script")[1]
    paths = {
        "admin": [tree["nation"].path],
        "staff": [tree["bac_ninh"].path],
        "reporter_tu_son": [tree["tu_son"].path],
        "two_provinces": [tree["bac_ninh"].path, tree["ha_noi"].path],
        "nobody": [],
    }[who]
    unit = tree[params["unit"]] if "unit" in params else None
    asked = {**params, **({"unit": unit.pk} if unit else {})}
    got = _ids(api(who), "/api/v1/obligations/", asked)
    if not paths:
        assert got == []
        return
    expected = _obligations_sql(paths, unit, params.get("sub") == "true", params.get("status", ""))
    assert got == expected
    assert compiled.planned("api obligations"), "the list ran the ORM's own query, not the compiled one"


@pytest.mark.parametrize("who", ["admin", "staff", "staff_ha_noi", "reporter_tu_son", "superuser"])
def test_the_review_inbox_of_every_shape_is_that_of_plain_sql(api, country, users, tokens, who):
    tree = country
    if who == "superuser":
        tokens[who] = api_services.token_create(user=make_user("root", is_superuser=True), name="script")[1]
    managed = {
        "admin": [tree["nation"].path],
        "staff": [tree["bac_ninh"].path],
        "staff_ha_noi": [tree["ha_noi"].path],
        "reporter_tu_son": [],
        "superuser": [tree["nation"].path],
    }[who]
    for params in ({"reviewable": "true"}, {"reviewable": "true", "status": "submitted"}):
        got = _ids(api(who), "/api/v1/reports/", params)
        assert got == (_reports_sql(managed, params.get("status", "")) if managed else []), params
        assert bool(compiled.planned("api reports")) == bool(managed)


@pytest.mark.parametrize("who", ["reporter_tu_son", "reporter_dong_ngan", "staff", "staff_ha_noi", "admin", "nobody"])
def test_the_register_of_every_shape_is_what_the_orm_reads_for_the_user(api, country, users, who):
    tree = country
    make_directive(users["staff"], tree["bac_ninh"], "1-KH/TU")
    make_directive(users["staff"], tree["bac_ninh"], "2-KH/TU", status=Directive.Status.DRAFT)
    make_directive(users["staff"], tree["tu_son"], "3-KH/ĐU")
    make_directive(users["staff"], tree["dong_ngan"], "4-KH/ĐU")
    make_directive(users["staff_ha_noi"], tree["ha_noi"], "5-KH/TU")
    make_directive(users["admin"], tree["nation"], "6-KL/TW", issued_on=None)
    for params in ({}, {"status": "in_force"}, {"year": "2026"}):
        got = _ids(api(who), "/api/v1/directives/", params)
        register = Directive.objects.visible_to(users[who]).register(**params)
        assert got == list(register.values_list("pk", flat=True)), params
        assert bool(compiled.planned("api directives")) == (who != "nobody")
    # Two wards of the same shape, one compiled query: each reads its own ward's plan and not the other's.
    seen = {
        "reporter_tu_son": {"1-KH/TU", "3-KH/ĐU", "6-KL/TW"},
        "reporter_dong_ngan": {"1-KH/TU", "4-KH/ĐU", "6-KL/TW"},
    }
    if who in seen:
        everything = _ids(api(who), "/api/v1/directives/")
        assert set(Directive.objects.filter(pk__in=everything).values_list("symbol", flat=True)) == seen[who]


def test_a_query_that_changes_its_values_is_built_for_each_request(tree):
    """A stand-in the query folds (a name into its search key) is no parameter of its own: nothing is
    compiled, and each call reads its own rows."""

    def build(name):
        return Unit.objects.filter(search_key__startswith=text.search_key(name)).order_by("pk").values("pk")

    families = lambda: [{"name": compiled.stand_in_text(0, f)} for f in (0, 1)]  # noqa: E731
    key = ("test folded name",)
    for name, unit in (("Từ Sơn", "tu_son"), ("Đông Ngàn", "dong_ngan"), ("Hoàn Kiếm", "hoan_kiem")):
        rows = compiled.checked_rows_for(key, build, families, {"name": "Phường " + name}, {})
        assert rows == [{"pk": tree[unit].pk}]
    assert not compiled.is_compiled(key)


def test_a_query_that_keeps_its_values_is_compiled_once_and_reads_each_callers_rows(tree):
    def build(path, kind):
        return Unit.objects.filter(path__startswith=path, kind=kind).order_by("pk").values("pk")

    path_forms = (compiled.adapted, compiled.like_prefix)
    families = lambda: [{"path": compiled.stand_in_path(f), "kind": compiled.stand_in_text(0, f)} for f in (0, 1)]  # noqa: E731
    key = ("test path and kind",)
    for root, kind, expected in (
        ("bac_ninh", "ward", ["tu_son", "dong_ngan"]),
        ("ha_noi", "ward", ["hoan_kiem"]),
        ("bac_ninh", "village", ["village"]),
    ):
        values = {"path": tree[root].path, "kind": kind}
        rows = compiled.checked_rows_for(key, build, families, values, {"path": path_forms})
        assert rows == [{"pk": tree[name].pk} for name in expected]
        assert compiled.is_compiled(key)
