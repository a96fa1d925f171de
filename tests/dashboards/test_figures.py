"""The dashboard figures against the hand-counted history of conftest.py."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports import selectors
from tests.dashboards.conftest import TODAY

ALL = {"start": datetime.date(2025, 1, 1), "end": datetime.date(2026, 12, 31), "today": TODAY}


def flt(unit, **kw):
    return selectors.dashboard_filter(unit, **{**ALL, **kw})


def headline(unit, **kw):
    return selectors.grid(flt(unit, **kw)).headline


def children(unit) -> dict[str, selectors.Figures]:
    f = flt(unit)
    return {r.unit.name if r.unit else "": r.figures for r in selectors.child_units(f, selectors.grid(f).by_bucket)}


def test_headline_of_the_province_counts_every_ward_once(tree, history):
    f = headline(tree["bac_ninh"])
    assert (f.expected, f.received, f.on_time, f.late, f.missing, f.overdue) == (21, 18, 15, 3, 3, 3)
    assert (f.accepted, f.accepted_on_time, f.returned, f.returns) == (18, 14, 1, 2)
    assert f.days_late == 16 and f.average_days_late == 16 / 3  # (3 + 5 + 8) working days / 3
    assert round(f.reporting_rate, 2) == 85.71  # 18 / 21
    assert round(f.on_time_rate, 2) == 71.43  # 15 / 21: over expected, not over received (83 %)
    assert round(f.accepted_on_time_rate, 2) == 66.67  # 14 / 21


def test_returned_twice_is_one_returned_report_with_two_returns(tree, history):
    o = history["returned_twice"]
    o.refresh_from_db()
    assert (o.returned_count, o.on_time, o.accepted_on_time) == (2, True, False)
    f = headline(tree["dong_ngan"])
    assert (f.expected, f.received, f.on_time, f.late, f.returned, f.returns) == (7, 7, 6, 1, 1, 2)


def test_a_merged_wards_history_shows_under_its_successor(tree, history):
    f = headline(tree["tu_son"])
    assert (f.expected, f.received, f.on_time, f.late, f.days_late, f.overdue) == (9, 8, 6, 2, 8, 1)
    rows = children(tree["bac_ninh"])
    assert set(rows) == {"Phường Từ Sơn", "Phường Đông Ngàn", "Phường Tân Hồng"}  # no row for the former town
    assert (rows["Phường Từ Sơn"].expected, rows["Phường Từ Sơn"].late) == (9, 2)


def test_a_closed_ward_counts_only_the_periods_it_was_open(tree, history):
    f = headline(history["tan_hong"])
    assert (f.expected, f.received, f.missing, f.overdue) == (5, 3, 2, 2)  # 2025 Q1–Q4 and 2026 Q1, not Q2–Q3


def test_children_add_up_to_the_headline(tree, history):
    rows = children(tree["bac_ninh"])
    assert rows["Phường Đông Ngàn"].expected == 7 and rows["Phường Tân Hồng"].overdue == 2
    assert sum(rows.values(), selectors.Figures()) == headline(tree["bac_ninh"])


def test_range_and_today_limit_what_is_expected(tree, history):
    only_2026 = headline(tree["bac_ninh"], start=datetime.date(2026, 1, 1))
    # Từ Sơn 3, Đông Ngàn 3, Tân Hồng 1 (Q1 only); Đình Bảng had closed.
    assert (only_2026.expected, only_2026.received, only_2026.missing) == (7, 5, 2)
    in_august = headline(tree["bac_ninh"], today=datetime.date(2026, 8, 1))
    assert in_august.expected == 21 - 2  # 2026 Q3 (due in October) was not yet due
    other_form = headline(tree["bac_ninh"], form_ids=[history["form"].pk + 1000])
    assert other_form.expected == 0 and other_form.reporting_rate is None
    whole = headline(tree["bac_ninh"])
    assert headline(tree["bac_ninh"], form_ids=[history["form"].pk]) == whole
    assert headline(tree["bac_ninh"], form_ids=[history["form"].pk, history["form"].pk + 1000]) == whole
    assert headline(tree["tu_son"], start=datetime.date(2026, 1, 1), form_ids=[history["form"].pk]).expected == 3


def test_heatmap_marks_each_ward_and_month(tree, history):
    grid = selectors.grid(flt(tree["bac_ninh"]))
    cells = grid.cells
    tu_son, dong_ngan, tan_hong = (str(tree["tu_son"].pk), str(tree["dong_ngan"].pk), str(history["tan_hong"].pk))
    assert cells[(tu_son, datetime.date(2026, 9, 1))].state == "missing"
    assert cells[(tu_son, datetime.date(2026, 6, 1))].state == "late"
    assert cells[(dong_ngan, datetime.date(2026, 6, 1))].state == "returned"
    assert cells[(tu_son, datetime.date(2025, 6, 1))].state == "late"  # Đình Bảng's late Q2 2025, merged in
    assert cells[(tan_hong, datetime.date(2026, 3, 1))].state == "missing"
    assert (tan_hong, datetime.date(2026, 6, 1)) not in cells  # closed: nothing expected
    assert [c.expected for c in grid.trend.values()] == [4, 4, 3, 3, 3, 2, 2]
    # Tân Hồng's 2025 Q4 and 2026 Q1, Từ Sơn's 2026 Q3
    assert [c.missing for c in grid.trend.values()] == [0, 0, 0, 1, 1, 0, 1]


def test_overdue_list_names_the_head_on_the_due_date(tree, history):
    rows = selectors.oldest_overdue(flt(tree["bac_ninh"]))
    assert len(rows) == 3
    assert rows[-1] == history["missing_of_tu_son"]
    heads = selectors.heads_on_due_dates(rows)
    assert heads[history["missing_of_tu_son"].pk].person.full_name == "Trần Thị Bình"
    assert all(o.pk not in heads for o in rows if o.unit == history["tan_hong"])  # no head recorded


def test_head_replaced_mid_period_answers_for_the_reports_due_in_office(tree, history):
    records = {r["person__full_name"]: r for r in selectors.head_records(flt(tree["bac_ninh"]))}
    an, binh, cuong, dung = (records[n] for n in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Văn Dũng"))
    assert (an["due"], an["on_time"], an["late"], an["missing"]) == (5, 5, 0, 0)
    assert (binh["due"], binh["on_time"], binh["late"], binh["missing"]) == (2, 0, 1, 1)
    assert (cuong["due"], cuong["on_time"], cuong["late"]) == (1, 1, 0)  # Q2 2025 fell due after he left
    assert (dung["due"], dung["on_time"], dung["late"], dung["returned"]) == (7, 6, 1, 1)
    assert "Đỗ Văn Hà" not in records  # Hà Nội's head is not in Bắc Ninh's scope
    worst_first = [r["person__full_name"] for r in selectors.head_records(flt(tree["bac_ninh"]))]
    assert worst_first[0] == "Trần Thị Bình"
    assert [r["person__full_name"] for r in selectors.head_records(flt(tree["bac_ninh"]), search="binh")] == [
        "Trần Thị Bình"
    ]


def test_indicators_sum_counts_and_average_percentages(tree, history):
    rows = {r["code"]: r for r in selectors.indicator_totals(flt(tree["bac_ninh"]))}
    # Only the report filed through the services has figures: 9 petitions received, 92.5 % satisfaction.
    assert rows["PETITIONS_RECEIVED"]["value"] == 9 and rows["PETITIONS_RECEIVED"]["reports"] == 1
    assert rows["ONE_STOP_SATISFACTION"]["averaged"] and float(rows["ONE_STOP_SATISFACTION"]["value"]) == 92.5
    assert {r["form_id"] for r in rows.values()} == {history["form"].pk}
    by_child = selectors.indicator_by_child(flt(tree["bac_ninh"]), history["form"].pk, "PETITIONS_RECEIVED")
    assert by_child == {str(tree["dong_ngan"].pk): {"value": 9, "reports": 1}}
    trend = selectors.indicator_trend(flt(tree["bac_ninh"]), history["form"].pk, "MEETINGS")
    assert list(trend) == [datetime.date(2026, 6, 1)] and trend[datetime.date(2026, 6, 1)]["value"] == 8


def test_every_figure_of_the_page_comes_from_one_read_of_the_roll_ups(tree, history):
    f = flt(tree["bac_ninh"])
    with CaptureQueriesContext(connection) as ctx:
        selectors.grid(f)
    assert len(ctx.captured_queries) == 1
    sql = ctx.captured_queries[0]["sql"]
    assert "reports_figuretally" in sql and "reports_obligation" not in sql  # the roll-ups, not the obligations


def test_heads_with_nothing_due_in_the_range_come_last(tree, history):
    rows = list(selectors.head_records(flt(tree["bac_ninh"], start=datetime.date(2026, 1, 1))))
    assert rows[-1]["person__full_name"] == "Lê Văn Cường"  # left in 2025: nothing due in 2026
    assert rows[-1]["due"] == 0 and rows[-1]["on_time_rate"] is None
    assert rows[0]["person__full_name"] == "Trần Thị Bình"


def test_the_late_list_is_the_latest_late_or_returned_reports_whatever_its_length(tree, history):
    """The list is read up to the due date of its last row: for every length, it is the first rows of all
    the late or returned reports in scope, latest due first, then by the units' places and ids."""
    from reports.models import Obligation
    from reports.models.obligations import late_or_returned_q

    f = flt(tree["bac_ninh"])
    every = sorted(
        Obligation.objects.filter(f.obligations_q(), late_or_returned_q()).select_related("unit"),
        key=lambda o: (-o.due_date.toordinal(), o.unit.sort_key, o.pk),
    )
    assert len(every) >= 3 and len({o.due_date for o in every}) < len(every)  # some share a due date
    for limit in range(1, len(every) + 2):
        assert selectors.latest_late_or_returned(f, limit=limit) == every[:limit], limit


def _overdue_ids_under(path: str) -> list[int]:
    """The ids of the reports overdue on TODAY of the units whose path starts with ``path``, in plain SQL."""
    from reports.models import Obligation
    from reports.models.obligations import NOT_FILED
    from units.models import Unit

    marks = ", ".join(["%s"] * len(NOT_FILED))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT o.id FROM {Obligation._meta.db_table} o JOIN {Unit._meta.db_table} u ON u.id = o.unit_id"
            f" WHERE u.path LIKE %s AND o.status IN ({marks}) AND o.due_date < %s ORDER BY o.id",
            [path + "%", *NOT_FILED, TODAY],
        )
        return [row[0] for row in cursor.fetchall()]


def test_the_nations_lists_hold_every_units_reports_and_none_of_another_root(tree, history):
    """The root's page counts every unit without testing each row's; once a second root exists (another
    party committee's tree), its reports stay off the first root's lists and figures."""
    from reports import generation
    from reports.models import FormAssignment
    from tests.factories import make_unit
    from units.models import Unit

    nation = tree["nation"]
    mine = _overdue_ids_under(nation.path)
    assert len(mine) == 3
    assert sorted(o.pk for o in selectors.oldest_overdue(flt(nation), limit=None)) == mine
    assert headline(nation).overdue == 3

    other = make_unit("Đảng bộ Khối các cơ quan", Unit.Kind.NATION)
    ward = make_unit("Phường Khác", Unit.Kind.WARD, other)
    FormAssignment.objects.create(form=history["form"], root=other, kinds=["ward"], starts_on=ALL["start"])
    for year in (2025, 2026):
        generation.obligations_generate(form=history["form"], year=year)
    theirs = _overdue_ids_under(other.path)
    assert len(theirs) == 7 and not set(theirs) & set(mine), ward  # every quarter due of the other ward
    assert sorted(o.pk for o in selectors.oldest_overdue(flt(nation), limit=None)) == mine
    assert {o.pk for o in selectors.latest_late_or_returned(flt(nation), limit=100)}.isdisjoint(theirs)
    assert headline(nation).overdue == 3
    assert sorted(o.pk for o in selectors.oldest_overdue(flt(other), limit=None)) == theirs
