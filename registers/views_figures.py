"""Figures from the registers: the totals behind report indicators with the units that have no record,
the heads who received citizens less often than required, and a reporter's reasoned override."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from registers import registry, rules, selectors
from registers.forms import OverrideForm
from registers.models import FigureOverride, IndicatorBinding, ReceptionRule
from reports import periods
from reports.models import Report, ReportForm
from units import scope
from units.forms import DateInput, DayField
from units.models import Headship, Unit
from units.querysets import in_office_q
from units.services import audit_record

PAGE_SIZE = 50


class PeriodForm(forms.Form):
    unit = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    start = DayField(label=gettext_lazy("From"), required=False, widget=DateInput(attrs={"class": "form-control"}))
    end = DayField(label=gettext_lazy("Until"), required=False, widget=DateInput(attrs={"class": "form-control"}))
    form = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


def _period_and_unit(request):
    """(form, unit, start, end): the unit's subtree (default: the top of the user's scope) and the
    period (default: this calendar quarter)."""
    form = PeriodForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    today = timezone.localdate()
    quarter = periods.period_containing(periods.QUARTER, today)
    start = data.get("start") or quarter.start
    end = data.get("end") or quarter.end
    if start > end:
        start, end = end, start
    unit = None
    if data.get("unit"):
        unit = get_object_or_404(Unit.objects.visible_to(request.user), pk=data["unit"])
    else:
        unit = scope.home_unit(request.user)
    return form, data, unit, start, end


def _unit_results(request):
    q = request.GET.get("q", "").strip()[:100]
    results = (
        list(
            Unit.objects.visible_to(request.user).search(q).filter(closed_on__isnull=True).select_related("parent")[:20]
        )
        if q
        else []
    )
    return {"q": q, "searched": bool(q), "results": results, "search_limit": 20, "keep": []}


@login_required
@require_safe
def figures(request):
    """Each figure a report form takes from the registers, for a unit's subtree and a period: the total with
    a link to its rows, and how many communes and wards have no row (listed on demand)."""
    form, data, unit, start, end = _period_and_unit(request)
    report_forms = list(
        ReportForm.objects.filter(indicators__binding__isnull=False).distinct().order_by("kind", "name")
    )
    chosen = next((f for f in report_forms if f.pk == data.get("form")), None)
    chosen = chosen or next((f for f in report_forms if f.code == "qcdc-quarter"), None) or (report_forms or [None])[0]
    rows, missing_page, missing_binding = [], None, None
    if unit is not None and chosen is not None:
        bindings = list(
            IndicatorBinding.objects.filter(indicator__form=chosen)
            .select_related("indicator")
            .order_by("indicator__position")
        )
        values, gaps = selectors.totals_and_gaps(bindings, unit, start, end)
        wanted = request.GET.get("missing")
        for b in bindings:
            without = gaps[b.indicator_id]
            rows.append(
                {
                    "binding": b,
                    "indicator": b.indicator,
                    "register": registry.REGISTERS[b.register],
                    "figure": selectors.format_figure(values[b.indicator_id]),
                    "link": selectors.records_link(b, unit, start, end),
                    "without": len(without),
                }
            )
            if wanted == str(b.indicator_id):
                missing_binding = b
                listed = Unit.objects.filter(pk__in=without).select_related("parent").order_by("path")
                missing_page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "registers/figures.html",
        {
            "form": form,
            "unit": unit,
            "start": start,
            "end": end,
            "report_forms": report_forms,
            "chosen": chosen,
            "rows": rows,
            "missing_page": missing_page,
            "missing_binding": missing_binding,
            "nav_section": "registers",
            **_unit_results(request),
        },
    )


@login_required
@require_safe
def heads_below(request):
    """Heads in office in the period who received citizens on fewer days than their rule requires."""
    form, data, unit, start, end = _period_and_unit(request)
    rules_by_function = {r.function: r for r in ReceptionRule.objects.all()}
    page = None
    if unit is not None and rules_by_function:
        required = Case(
            *(When(function=f, then=Value(r.required_days(start, end))) for f, r in rules_by_function.items()),
            default=Value(0),
            output_field=IntegerField(),
        )
        heads = (
            Headship.objects.filter(unit__path__startswith=unit.path, is_principal=True, function__in=rules_by_function)
            .filter(in_office_q(end) | Q(ended_on__gte=start, started_on__lte=end))
            .annotate(
                days=Count(
                    "receptions__date", filter=Q(receptions__date__gte=start, receptions__date__lte=end), distinct=True
                ),
                required=required,
            )
            .filter(days__lt=required)
            .select_related("unit", "person")
            .order_by("unit__path", "title")
        )
        page = Paginator(heads, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "registers/heads_below.html",
        {
            "form": form,
            "unit": unit,
            "start": start,
            "end": end,
            "page": page,
            "rules": list(rules_by_function.values()),
            "register": registry.RECEPTIONS,
            "nav_section": "registers",
            **_unit_results(request),
        },
    )


@login_required
@require_POST
def override(request, report_pk: int):
    """Keep (or withdraw) the reason why a report's figure differs from the registers; the reviewer reads it."""
    report = get_object_or_404(Report.objects.visible_to(request.user).select_related("obligation__unit"), pk=report_pk)
    unit = report.obligation.unit
    if not rules.may_enter(request.user, unit) or not report.is_editable:
        raise PermissionDenied(_("Only the unit's reporters may explain its figures, while the report is a draft."))
    form = OverrideForm(request.POST)
    withdraw = request.POST.get("withdraw") == "1"
    if not withdraw and not form.is_valid():
        messages.error(request, _("Say why the figure differs from the registers."))
        return redirect("reports:report_edit", pk=report.obligation_id)
    indicator_id = form.cleaned_data.get("indicator") if not withdraw else request.POST.get("indicator")
    if not str(indicator_id).isdigit():
        raise Http404
    binding = get_object_or_404(
        IndicatorBinding.objects.select_related("indicator"),
        indicator_id=indicator_id,
        indicator__form_id=report.obligation.form_id,
    )
    with transaction.atomic():
        if withdraw:
            FigureOverride.objects.filter(report=report, indicator=binding.indicator).delete()
            summary = _("%(code)s: figure follows the registers again") % {"code": binding.indicator.code}
            data = {}
        else:
            reason = form.cleaned_data["reason"].strip()
            FigureOverride.objects.update_or_create(
                report=report, indicator=binding.indicator, defaults={"reason": reason, "by": request.user}
            )
            summary = _("%(code)s: figure differs from the registers") % {"code": binding.indicator.code}
            data = {"reason": reason}
        audit_record(
            actor=request.user, action="register.figure_override", obj=report, unit=unit, summary=summary, data=data
        )
    messages.success(request, _("Saved."))
    return redirect("reports:report_edit", pk=report.obligation_id)
