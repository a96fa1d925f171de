"""Dates typed as dd/mm/yyyy and months as "tháng 1/2026" are read on the server whatever the browser sent,
and a date typed another way is refused with a message that says how to type it."""

import datetime

import pytest
from django import forms
from django.utils import translation

from reports.dashboards.pages import MonthField
from units.forms import DayField, UnitForm


class _Form(forms.Form):
    day = DayField()


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("05/02/2026", datetime.date(2026, 2, 5)),
        ("5/2/2026", datetime.date(2026, 2, 5)),
        ("2026-02-05", datetime.date(2026, 2, 5)),
    ],
)
def test_a_day_is_read_day_first(typed, day):
    form = _Form({"day": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == day


@pytest.mark.parametrize("typed", ["02/30/2026", "2026/02/05", "5 tháng 2"])
def test_a_day_typed_otherwise_is_refused_in_vietnamese(typed):
    with translation.override("vi"):
        form = _Form({"day": typed})
        assert not form.is_valid()
        assert form.errors["day"] == ["Nhập ngày theo dạng ngày/tháng/năm (dd/mm/yyyy), ví dụ 05/02/2026."]


def test_a_date_field_is_a_text_field_showing_day_month_year(db):
    form = UnitForm(initial={"opened_on": datetime.date(2025, 7, 1)})
    html = str(form["opened_on"])
    assert 'type="text"' in html and 'value="01/07/2025"' in html and 'data-datepicker="day"' in html


@pytest.mark.parametrize("typed", ["tháng 1/2026", "Tháng 1/2026", "1/2026", "01/2026", "2026-01", " tháng 1 / 2026 "])
def test_a_month_is_read_as_typed_or_as_in_links(typed):
    assert MonthField().clean(typed) == datetime.date(2026, 1, 1)


@pytest.mark.parametrize("typed", ["13/2026", "January 2026", "2026-13"])
def test_a_month_typed_otherwise_is_refused(typed):
    with translation.override("vi"), pytest.raises(forms.ValidationError) as refused:
        MonthField().clean(typed)
    assert refused.value.messages == ["Nhập tháng theo dạng tháng/năm, ví dụ 1/2026."]
