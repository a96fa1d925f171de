"""The computed criteria against counts made in plain SQL from the obligations' rows."""

import datetime

import pytest
from django.db import connection

from evaluations import kinds, services
from evaluations.models import Commendation
from tests.evaluations.conftest import TODAY, YEAR, opened

START, END = datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31)


def sql_counts(unit, *, person=None, tasks_only=False) -> dict:
    """due, on time, returned, received over the unit's subtree and the former units merged into it (or the
    person's accountable tenures at the unit), periods ending in the year, due by today."""
    params = [START, END, TODAY]
    if person is None:
        where = (
            "(u.path LIKE %s OR u.id IN (SELECT s.predecessor_id FROM units_unitsuccession s "
            "JOIN units_unit su ON su.id = s.successor_id WHERE su.path LIKE %s))"
        )
        params += [unit.path + "%", unit.path + "%"]
        join = ""
    else:
        join = "JOIN units_headship h ON h.unit_id = o.unit_id"
        where = (
            "o.unit_id = %s AND h.person_id = %s AND h.is_principal AND o.due_date >= h.started_on "
            "AND (h.ended_on IS NULL OR o.due_date <= h.ended_on)"
        )
        params += [unit.pk, person.pk]
    if tasks_only:
        where += " AND o.assignment_id IS NOT NULL"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT COUNT(*),
                       COALESCE(SUM(CASE WHEN o.on_time THEN 1 ELSE 0 END), 0),
                       COALESCE(SUM(CASE WHEN o.returned_count > 0 THEN 1 ELSE 0 END), 0),
                       COALESCE(SUM(CASE WHEN o.first_submitted_at IS NOT NULL THEN 1 ELSE 0 END), 0)
                FROM reports_obligation o JOIN units_unit u ON u.id = o.unit_id {join}
                WHERE o.period_end >= %s AND o.period_end <= %s AND o.due_date <= %s AND {where}""",
            params,
        )
        due, on_time, returned, received = cursor.fetchone()
    return {"due": due, "on_time": on_time, "returned": returned, "received": received}


def evidence_of(evaluation):
    found = services.evidence(evaluation, TODAY)
    return {c.kind: found.get(c.pk) for c in evaluation.criteria_set.criteria.all()}


@pytest.mark.django_db
def test_a_units_computed_evidence_matches_the_hand_counts(tree, users, history, tasks, unit_set):
    evaluations = {e.unit.name: e for e in opened(unit_set, users["staff"])}
    for name in ("Phường Từ Sơn", "Phường Đông Ngàn"):
        e = evaluations[name]
        found = evidence_of(e)
        counted = sql_counts(e.unit)
        assert found["on_time_rate"].value == pytest.approx(counted["on_time"] * 100 / counted["due"])
        assert found["returns"].value == counted["returned"]
        assert found["returns"].fraction == pytest.approx(1 - counted["returned"] / counted["received"])
    # The hand counts of the docstring, tasks included for Từ Sơn (3 reports + 2 tasks; 1 + 1 on time).
    assert sql_counts(tree["tu_son"]) == {"due": 5, "on_time": 2, "returned": 0, "received": 4}
    assert sql_counts(tree["dong_ngan"]) == {"due": 3, "on_time": 2, "returned": 1, "received": 3}
    tasks_found = evidence_of(evaluations["Phường Từ Sơn"])["tasks_on_time"]
    counted = sql_counts(tree["tu_son"], tasks_only=True)
    assert counted == {"due": 2, "on_time": 1, "returned": 0, "received": 2}
    assert tasks_found.value == pytest.approx(50.0)
    assert "1" in tasks_found.text and "2" in tasks_found.text
    assert evidence_of(evaluations["Phường Đông Ngàn"])["tasks_on_time"].fraction is None  # nothing due: no suggestion


@pytest.mark.django_db
def test_two_heads_in_one_year_each_answer_for_their_own_tenure(tree, users, history, tasks, head_set):
    an, binh = history["heads"]["an"].person, history["heads"]["binh"].person
    evaluations = {e.person: e for e in opened(head_set, users["staff"]) if e.unit == tree["tu_son"]}
    assert set(evaluations) == {an, binh}  # one evaluation each for the same ward and year
    for person, expected in ((an, {"due": 1, "on_time": 1}), (binh, {"due": 4, "on_time": 1})):
        counted = sql_counts(tree["tu_son"], person=person)
        assert {k: counted[k] for k in expected} == expected
        found = evidence_of(evaluations[person])
        assert found["on_time_rate"].value == pytest.approx(counted["on_time"] * 100 / counted["due"])
        tasks_counted = sql_counts(tree["tu_son"], person=person, tasks_only=True)
        if tasks_counted["due"]:
            assert found["tasks_on_time"].value == pytest.approx(tasks_counted["on_time"] * 100 / tasks_counted["due"])
        else:
            assert found["tasks_on_time"].fraction is None
    # Between them, the two shares are the ward's whole year.
    assert sql_counts(tree["tu_son"], person=an)["due"] + sql_counts(tree["tu_son"], person=binh)["due"] == 5
    # The former head of Đình Bảng (closed in 2025) is not evaluated in 2026.
    assert history["heads"]["cuong"].person not in {e.person for e in head_set.evaluations.all()}


@pytest.mark.django_db
def test_commendations_of_the_year_count_in_the_evaluation(tree, users, history, unit_set):
    e = next(e for e in opened(unit_set, users["staff"]) if e.unit == tree["tu_son"])
    assert evidence_of(e)["commendations"].value == 0
    for day in (datetime.date(YEAR, 3, 2), datetime.date(YEAR - 1, 12, 30)):
        services.commendation_create(
            actor=users["staff"], unit=tree["tu_son"], decision_symbol=f"{day.day}/QĐ-UBND", decision_date=day,
            issuer="UBND tỉnh Bắc Ninh", reason="Thực hiện tốt Quy chế dân chủ", form=Commendation.Form.CERTIFICATE,
        )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM evaluations_commendation WHERE unit_id = %s AND person_id IS NULL "
            "AND decision_date >= %s AND decision_date <= %s",
            [tree["tu_son"].pk, START, END],
        )
        (counted,) = cursor.fetchone()
    found = evidence_of(e)["commendations"]
    assert counted == 1 and found.value == counted and found.fraction == 1.0


def test_a_new_kind_can_be_registered():
    kind = kinds.register(kinds.Kind("test_registers", "Register records", lambda s: kinds.Evidence(3.0, "3")))
    try:
        assert kinds.get("test_registers") is kind and kind.computed
        assert ("test_registers", "Register records") in kinds.choices()
    finally:
        kinds._KINDS.pop("test_registers")
    assert kinds.get("test_registers").code == kinds.ENTERED  # an unknown kind reads as entered
