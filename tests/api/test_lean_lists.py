"""The lists of reports, obligations and directives are built from plain rows (``api.serializers.lean``);
what a script reads must be exactly what the serializers that describe the API (and serialize one
object) give for the same rows: every field, its format, the nesting, the order. Their cost is pinned:
the same number of queries for a page of 2 rows as for a page of 40."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from api.serializers import directives as ds
from api.serializers import reports as rs
from directives.models import Directive, DirectiveRelation
from reports import services as report_services
from reports.models import CalendarDay, Obligation, Report, ReportValue, Status
from tests.api.conftest import assign, complete_draft, make_directive
from tests.factories import make_unit, make_user
from units.models import RoleGrant, Unit


def _results(client, path: str, params: dict) -> list[dict]:
    response = client.get(path, params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def _with_reports(tree, users, reporting, n: int, start: int = 0) -> list[Report]:
    """``n`` more wards of Bắc Ninh with a report in different states: submitted with every figure, a
    draft with a few, one approved by a head with no person record (the name comes from the account)."""
    form = reporting["form"]
    body = complete_draft(form)
    made = []
    for i in range(start, start + n):
        ward = make_unit(f"Phường Thử {i}", Unit.Kind.WARD, tree["bac_ninh"], code=f"9{i:04d}", code_scheme="2025")
        obligation = Obligation.objects.create(
            form=form,
            unit=ward,
            year=2026,
            period_index=1 + i % 4,
            period_start=datetime.date(2026, 1, 1),
            period_end=datetime.date(2026, 3, 31),
            due_date=datetime.date(2026, 4, 7) + datetime.timedelta(days=i),
        )
        reporter = make_user(f"bc{i}", role=RoleGrant.Role.REPORTER, unit=ward, first_name="Lê", last_name=f"Thị {i}")
        values = dict(list(body["values"].items())[: 3 + i % 5]) if i % 3 else body["values"]
        report = report_services.report_save_draft(
            actor=reporter, obligation=obligation, revision=0, narrative=body["narrative"], values=values
        )
        if i % 3 == 0:
            head = make_user(f"ct{i}", role=RoleGrant.Role.HEAD, unit=ward)
            Report.objects.filter(pk=report.pk).update(
                status=Status.SUBMITTED, submitted_at=timezone.now(), approved_by=head, approved_at=timezone.now()
            )
        made.append(report)
    return made


def _serialized_reports(ids: list[int]) -> list[dict]:
    reports = {r.pk: r for r in Report.objects.filter(pk__in=ids)}
    return rs.ReportSerializer([reports[i] for i in ids], many=True).data


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_reports_list_is_what_the_report_serializer_gives(api, tree, users, reporting, language):
    _with_reports(tree, users, reporting, 7)
    ReportValue.objects.filter(report__obligation__unit__name="Phường Thử 1").update(value_decimal=None, value_text="x")
    ReportValue.objects.filter(report__obligation__unit__name="Phường Thử 2").update(value_decimal=Decimal("2.5"))
    for who, params in (("staff", {}), ("staff", {"reviewable": "true", "status": "submitted"})):
        listed = _results(api(who, HTTP_ACCEPT_LANGUAGE=language), "/api/v1/reports/", params)
        assert len(listed) >= 2
        with translation.override(language):
            assert listed == _serialized_reports([r["id"] for r in listed])


def test_the_obligations_list_is_what_the_obligation_serializer_gives(api, tree, users, reporting, objects):
    """Periodic obligations with and without a report, a directive's task, across a swapped day."""
    _with_reports(tree, users, reporting, 4)
    CalendarDay.objects.create(day=datetime.date(2026, 4, 4), is_working=True, reason="Làm bù")
    today = timezone.localdate()
    for params in ({"unit": tree["bac_ninh"].pk, "sub": "true", "page_size": 200}, {"status": "open"}):
        listed = _results(api("staff"), "/api/v1/obligations/", params)
        assert any(o["report"] for o in listed) and any(o["report"] is None for o in listed)
        by_id = {o.pk: o for o in Obligation.objects.select_related("form", "unit", "report")}
        expected = rs.ObligationSerializer([by_id[o["id"]] for o in listed], many=True, context={"today": today}).data
        assert listed == expected
    tasks = _results(api("reporter_tu_son"), "/api/v1/obligations/", {"unit": tree["tu_son"].pk})
    assert (
        tasks
        == rs.ObligationSerializer(
            [Obligation.objects.get(pk=o["id"]) for o in tasks], many=True, context={"today": today}
        ).data
    )


def test_the_directives_list_is_what_the_directive_serializer_gives(api, tree, users, objects):
    """With what each implements: a visible directive is named, one of another province is not."""
    staff = users["staff"]
    outsider = make_directive(make_user(role=RoleGrant.Role.ADMIN, unit=tree["ha_noi"]), tree["ha_noi"], "3-KH/TU")
    upper = make_directive(staff, tree["bac_ninh"], "7-KH/TU", issued_on=None)
    lower = objects["directive"]
    for target in (upper, outsider):
        DirectiveRelation.objects.create(source=lower, target=target, kind=DirectiveRelation.Kind.IMPLEMENTS)
    assign(staff, upper, tree["tu_son"])
    for who in ("staff", "reporter_tu_son", "admin"):
        listed = _results(api(who), "/api/v1/directives/", {})
        user = users[who]
        shown = {
            d.pk: d
            for d in Directive.objects.visible_to(user).select_related("doc_type", "owner_unit").with_implements(user)
        }
        assert listed == ds.DirectiveSerializer([shown[d["id"]] for d in listed], many=True).data
    implements = next(d for d in _results(api("staff"), "/api/v1/directives/", {}) if d["id"] == lower.pk)["implements"]
    assert [d["symbol"] for d in implements] == ["7-KH/TU"]


def _more_rows(path: str, tree, users, reporting, n: int, start: int) -> None:
    if path == "/api/v1/directives/":
        for i in range(start, start + n):
            make_directive(users["staff"], tree["bac_ninh"], f"{i + 1}-KH/TU")
    else:
        _with_reports(tree, users, reporting, n, start=start)


@pytest.mark.parametrize("path", ["/api/v1/reports/", "/api/v1/obligations/", "/api/v1/directives/"])
def test_a_list_page_costs_the_same_queries_for_2_rows_as_for_40(api, tree, users, reporting, path):
    params = {"reviewable": "true"} if path == "/api/v1/reports/" else {"unit": tree["bac_ninh"].pk, "sub": "true"}
    params = {} if path == "/api/v1/directives/" else params
    client = api("staff")
    client.get("/api/v1/me/")  # the token's last use is noted once a minute, not in the lists' count
    counts = []
    for start, n in ((0, 2), (2, 38)):
        _more_rows(path, tree, users, reporting, n, start)
        with CaptureQueriesContext(connection) as queries:
            assert len(_results(client, path, {**params, "page_size": 50})) >= start + n
        counts.append(len(queries))
    # The token with the user's grants, the former-units check, the page with its count, the page's children.
    assert counts[0] == counts[1] <= 4, counts


def test_a_later_page_and_the_last_page_are_slices_of_the_whole_list(api, tree, users, reporting):
    """A page's rows and its count are read in one statement: the same as one page holding everything."""
    _with_reports(tree, users, reporting, 7)
    client = api("staff")
    whole = [r["id"] for r in _results(client, "/api/v1/reports/", {"page_size": 200})]
    assert len(whole) >= 7
    second = client.get("/api/v1/reports/", {"page_size": 3, "page": 2}).json()
    assert second["count"] == len(whole)
    assert [r["id"] for r in second["results"]] == whole[3:6]
    assert second["previous"] and second["next"]
    last = client.get("/api/v1/reports/", {"page_size": 3, "page": "last"}).json()
    assert [r["id"] for r in last["results"]] == whole[(len(whole) - 1) // 3 * 3 :]
    assert last["next"] is None and last["count"] == len(whole)
    beyond = client.get("/api/v1/reports/", {"page_size": 3, "page": 99})
    assert beyond.status_code == 404, beyond.content
    nothing = client.get("/api/v1/reports/", {"status": "accepted", "form": reporting["form"].pk}).json()
    assert nothing == {"count": 0, "next": None, "previous": None, "results": []}
