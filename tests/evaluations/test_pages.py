"""Every page, export and API answer keeps to the user's scope (another unit's is a 404), and none grows its
number of queries with the number of units."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluations import services
from evaluations.models import Commendation
from tests.evaluations.conftest import opened
from tests.factories import make_unit
from units.models import Headship, Person, Unit


def urls_of(e, c):
    return [
        e.get_absolute_url(),
        reverse("evaluations:evaluation_pdf", args=[e.pk]),
        reverse("evaluations:evaluation_docx", args=[e.pk]),
        c.get_absolute_url(),
        reverse("evaluations:commendation_edit", args=[c.pk]),
        f"/api/v1/evaluations/{e.pk}/",
        f"/api/v1/commendations/{c.pk}/",
    ]


@pytest.fixture
def commendation(tree, users):
    return services.commendation_create(
        actor=users["staff"], unit=tree["tu_son"], decision_symbol="125/QĐ-UBND", decision_date=datetime.date(2026, 5, 4),
        issuer="UBND tỉnh Bắc Ninh", reason="Điển hình dân vận khéo", form=Commendation.Form.DIPLOMA,
    )  # fmt: skip


@pytest.mark.django_db
def test_another_units_evaluation_is_a_404_everywhere(client, tree, users, history, unit_set, commendation):
    e = next(x for x in opened(unit_set, users["staff"]) if x.unit == tree["tu_son"])
    for outsider in (users["reporter_dong_ngan"], users["staff_ha_noi"]):
        client.force_login(outsider)
        for url in urls_of(e, commendation):
            assert client.get(url).status_code == 404, (outsider, url)
        for action in ("submit", "approve", "return", "adjust", "decide"):
            url = reverse("evaluations:evaluation_action", args=[e.pk, action])
            assert client.post(url, {"reason": "x"}).status_code == 404
        assert client.post(reverse("evaluations:commendation_create", args=[tree["tu_son"].pk])).status_code == 404
        listed = client.get("/api/v1/evaluations/?year=2026").json()
        assert e.pk not in [row["id"] for row in listed["results"]]
        assert commendation.pk not in [row["id"] for row in client.get("/api/v1/commendations/").json()["results"]]
        ranking = client.get(reverse("evaluations:set_ranking_xlsx", args=[unit_set.pk]))
        assert ranking.status_code == (404 if outsider == users["staff_ha_noi"] else 200)
        if ranking.status_code == 200:  # the ward sees its province's set, but only its own row
            import io

            from openpyxl import load_workbook

            names = [
                r[1] for r in load_workbook(io.BytesIO(ranking.content)).active.iter_rows(min_row=5, values_only=True)
            ]
            assert names == ["Phường Đông Ngàn"]
    client.force_login(users["reporter_tu_son"])
    for url in urls_of(e, commendation):
        expected = 403 if "edit" in url else 200
        assert client.get(url).status_code == expected, url
    api = client.post(
        "/api/v1/commendations/",
        {
            "unit": tree["tu_son"].pk,
            "decision_symbol": "1/QĐ",
            "decision_date": "2026-06-01",
            "issuer": "x",
            "reason": "y",
        },
        content_type="application/json",
    )
    assert api.status_code == 403  # a ward's reporter does not record commendations


@pytest.mark.django_db
def test_committee_records_a_commendation_from_the_unit_page(client, tree, users, history):
    client.force_login(users["staff"])
    page = client.get(tree["tu_son"].get_absolute_url())
    assert b'id="commend-unit"' in page.content
    person = history["heads"]["binh"].person
    response = client.post(
        reverse("evaluations:commendation_create", args=[tree["tu_son"].pk]),
        {"person": person.pk, "form": "certificate", "decision_symbol": "=HYPERLINK(1)", "decision_date": "04/05/2026",
         "issuer": "UBND tỉnh Bắc Ninh", "reason": "Tiếp công dân đúng lịch", "exemplary": "on"},
    )  # fmt: skip
    c = Commendation.objects.get()
    assert response.status_code == 302 and c.person == person and c.recorded_by == users["staff"]
    assert "=HYPERLINK(1)" in client.get(person.get_absolute_url()).content.decode()
    assert "Tiếp công dân" in client.get(reverse("reports:dashboard", args=[tree["bac_ninh"].pk])).content.decode()
    from units.models import AuditEvent

    assert AuditEvent.objects.filter(action="commendation.created", actor=users["staff"], object_id=c.pk).exists()


def _grow(tree, users, sets, n, start):
    for i in range(start, start + n):
        unit = make_unit(f"Phường Thử {i:03d}", Unit.Kind.WARD, tree["bac_ninh"])
        Headship.objects.create(
            unit=unit,
            person=Person.objects.create(full_name=f"Người {i}"),
            title="Bí thư",
            started_on=datetime.date(2025, 1, 1),
        )
        services.commendation_create(
            actor=users["staff"], unit=unit, decision_symbol=f"{i}/QĐ", decision_date=datetime.date(2026, 3, 1),
            issuer="UBND tỉnh", reason="Điển hình",
        )  # fmt: skip
    for criteria_set in sets:
        opened(criteria_set, users["staff"])


@pytest.mark.django_db
def test_query_counts_do_not_grow_with_the_units(client, tree, users, history, unit_set, head_set, commendation):
    client.force_login(users["staff"])
    budgets = {
        reverse("evaluations:index"): 12,
        unit_set.get_absolute_url(): 13,
        head_set.get_absolute_url(): 13,
        reverse("evaluations:set_ranking_xlsx", args=[unit_set.pk]): 7,
        reverse("evaluations:commendation_list"): 8,
        "/api/v1/evaluations/": 6,
        "/api/v1/commendations/": 6,
        tree["tu_son"].get_absolute_url(): 17,  # with the watch panel committee staff see
        reverse("reports:dashboard", args=[tree["bac_ninh"].pk]): 25,  # the late list reads its last due date first
    }
    counts = []
    for n, first in ((2, 0), (25, 2)):
        _grow(tree, users, [unit_set, head_set], n, first)
        e = unit_set.evaluations.get(unit=tree["tu_son"])
        pages = {**budgets, e.get_absolute_url(): 19, f"/api/v1/evaluations/{e.pk}/": 7}
        seen = {}
        for url, budget in pages.items():
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200, url
            assert len(queries) <= budget, (url, len(queries))
            seen[url] = len(queries)
        counts.append(seen)
    assert counts[0] == counts[1]


@pytest.mark.django_db
def test_every_evidence_link_opens_for_whoever_reads_it(client, tree, users, history, unit_set, head_set):
    unit_evaluation = next(x for x in opened(unit_set, users["staff"]) if x.unit == tree["tu_son"])
    binh = history["heads"]["binh"].person
    binh.user = users["head_tu_son"]
    binh.save()
    head_evaluation = next(x for x in opened(head_set, users["staff"]) if x.person == binh)
    for user, evaluation, record in (
        (users["reporter_tu_son"], unit_evaluation, False),
        (users["head_tu_son"], head_evaluation, False),  # the head himself: his unit's dashboard
        (users["staff"], head_evaluation, True),  # the committee: the head's record
    ):
        client.force_login(user)
        rows = client.get(evaluation.get_absolute_url()).context["rows"]
        links = [r["evidence"].url for r in rows if r["evidence"]]
        assert len(links) == sum(1 for r in rows if r["kind"].computed) >= 3
        assert any("/heads/" in url for url in links) == record
        for url in links:
            assert client.get(url).status_code == 200, (user, url)
