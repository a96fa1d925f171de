"""The demo's report due tomorrow, which `make run` uses to show a reminder at once."""

import datetime

from demo.reminders import demo_reminders_load
from reports import periods
from reports.models import Obligation

D = datetime.date


def test_loading_the_demo_on_later_days_moves_its_report_instead_of_adding_one(tree):
    first = demo_reminders_load(tu_son=tree["tu_son"], today=D(2026, 11, 27))
    assert first.due_date == D(2026, 11, 30)  # Friday → the next working day is Monday
    again = demo_reminders_load(tu_son=tree["tu_son"], today=D(2026, 12, 3))
    assert again.pk == first.pk and again.due_date == periods.add_working_days(D(2026, 12, 3), 1)
    assert Obligation.objects.filter(form__code="demo-doi-thoai").count() == 1
