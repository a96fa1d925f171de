"""The working calendar of a year, as everyone's due dates count it: the public holidays and the days
the government swapped. National committee staff and administrators enter and remove swapped days here
(or in the admin); the due dates not yet passed follow at once."""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from reports import access, periods
from reports.calendar.days import calendar_day_remove, calendar_day_set
from reports.models import CalendarDay
from units.forms import DateInput, add_service_errors


class CalendarDayForm(forms.Form):
    day = forms.DateField(label=gettext_lazy("Day"), widget=DateInput(attrs={"class": "form-control"}))
    is_working = forms.TypedChoiceField(
        label=gettext_lazy("It becomes"),
        choices=[
            ("1", gettext_lazy("a working day (a Saturday or Sunday worked)")),
            ("0", gettext_lazy("a day off (a weekday given off)")),
        ],
        coerce=lambda v: v == "1",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=255, widget=forms.TextInput(attrs={"class": "form-control"})
    )


def _year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    first, last = periods.HOLIDAY_YEARS
    return min(max(year, first), last)


def _moved(request, moved: int) -> None:
    messages.success(
        request,
        ngettext("%(n)d due date follows the new calendar.", "%(n)d due dates follow the new calendar.", moved)
        % {"n": moved},
    )


@login_required
def calendar_page(request):
    may_change = access.may_change_calendar(request.user)
    form = CalendarDayForm(request.POST or None)
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied(
                _("Only national committee staff or administrators may change the working calendar.")
            )
        if request.POST.get("remove"):
            row = get_object_or_404(CalendarDay, pk=request.POST["remove"])
            _moved(request, calendar_day_remove(actor=request.user, row=row))
            return redirect(f"{reverse('reports:working_calendar')}?year={row.day.year}")
        if form.is_valid():
            data = form.cleaned_data
            try:
                _row, moved = calendar_day_set(
                    actor=request.user, day=data["day"], is_working=data["is_working"], reason=data["reason"]
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                _moved(request, moved)
                return redirect(f"{reverse('reports:working_calendar')}?year={data['day'].year}")
    year = _year(request)
    swapped = list(CalendarDay.objects.filter(day__year=year).select_related("updated_by__person").order_by("day"))
    entered = {row.day for row in swapped}  # a swapped day the holiday list also knows is listed once, as entered
    days = [(d, str(name), None) for d, name in sorted(periods.holidays_of_year(year).items()) if d not in entered]
    days += [(row.day, row.reason, row) for row in swapped]
    days.sort(key=lambda item: (item[0], item[2] is None))
    return render(
        request,
        "reports/working_calendar.html",
        {
            "year": year,
            "days": days,
            "working_days": periods.working_days_between(datetime.date(year - 1, 12, 31), datetime.date(year, 12, 31)),
            "form": form if may_change else None,
            "nav_section": "reports",
        },
    )
