"""Report forms for committee staff: the list, one form read-only, creating and editing it with its
sections and figures, assigning it to units by subtree and kind, and requesting one-off reports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, ProtectedError, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from reports import generation, periods
from reports.forms import FormAssignForm, IndicatorFormSet, ReportFormForm, RequestForm, SectionFormSet
from reports.models import FormAssignment, ReportForm
from reports.validation import bounds_hint
from units import permissions, scope
from units.forms import add_service_errors
from units.models import Unit
from units.services import audit_record

ROOT_KINDS = (Unit.Kind.NATION, Unit.Kind.PROVINCE, Unit.Kind.CITY, Unit.Kind.DISTRICT)


def _require_manager(user) -> None:
    if not permissions.is_manager(user):
        raise PermissionDenied(_("Report forms are managed by committee staff."))


def _roots(user):
    """Where the user may assign a form from: the open provinces and districts they manage, and the
    units at the top of their managed scope."""
    managed = Unit.objects.visible_to(user, roles=permissions.MANAGERS).filter(closed_on__isnull=True)
    tops = [p for p in scope.scope_paths(user, permissions.MANAGERS) if p != scope.ALL]
    return managed.filter(Q(kind__in=ROOT_KINDS) | Q(path__in=tops)).order_by("depth", "sort_key", "pk")


@login_required
@require_safe
def form_list(request):
    _require_manager(request.user)
    forms = ReportForm.objects.annotate(
        section_count=Count("sections", distinct=True), indicator_count=Count("indicators", distinct=True)
    ).select_related("owner_unit", "directive")
    return render(
        request,
        "reports/form_list.html",
        {"forms": forms.order_by("-is_active", "kind", "name"), "nav_section": "review"},
    )


@login_required
@require_safe
def form_detail(request, pk: int):
    _require_manager(request.user)
    form = get_object_or_404(ReportForm.objects.select_related("owner_unit", "directive"), pk=pk)
    today = timezone.localdate()
    example = None
    if form.is_periodic:
        period = periods.period_containing(form.period_type, today, form.cutoff_day) or periods.period_bounds(
            form.period_type, today.year, 1, form.cutoff_day
        )
        example = {
            "label": periods.period_label(form.period_type, period.year, period.index),
            "start": period.start,
            "end": period.end,
            "due": periods.due_date(period.end, form.due_working_days),
        }
    assignments = list(
        FormAssignment.objects.visible_to(request.user).filter(form=form).select_related("root", "created_by__person")
    )
    indicators = list(form.indicators.all())
    for indicator in indicators:
        indicator.hint = bounds_hint(indicator, with_kind=False)
    for assignment in assignments:
        assignment.kind_labels = [str(Unit.Kind(k).label) for k in assignment.kinds if k in Unit.Kind.values]
    return render(
        request,
        "reports/form_detail.html",
        {
            "form": form,
            "sections": list(form.sections.all()),
            "indicators": indicators,
            "rules": list(form.rules.select_related("left", "right")),
            "assignments": assignments,
            "example": example,
            "can_change": permissions.may_change_form(request.user, form),
            "can_assign": _roots(request.user).exists(),
            "nav_section": "review",
        },
    )


def _home_unit(user) -> Unit | None:
    return scope.home_unit(user, permissions.MANAGERS)


@login_required
def form_edit(request, pk: int | None = None):
    """Create or change a form with its sections and figures (consistency rules: in the admin)."""
    _require_manager(request.user)
    instance = get_object_or_404(ReportForm, pk=pk) if pk else ReportForm()
    if pk and not permissions.may_change_form(request.user, instance):
        raise PermissionDenied(_("Only the committee that defined this form may change it."))
    data = request.POST if request.method == "POST" else None
    form = ReportFormForm(data, instance=instance)
    sections = SectionFormSet(data, instance=instance, prefix="sections")
    indicators = IndicatorFormSet(data, instance=instance, prefix="indicators")
    if request.method == "POST" and form.is_valid() and sections.is_valid() and indicators.is_valid():
        try:
            with transaction.atomic():
                creating = instance.pk is None
                saved = form.save(commit=False)
                if creating:
                    saved.owner_unit = _home_unit(request.user)
                saved.save()
                sections.instance = indicators.instance = saved
                sections.save()
                indicators.save()
                audit_record(
                    actor=request.user,
                    action="report_form.created" if creating else "report_form.updated",
                    obj=saved,
                    unit=saved.owner_unit,
                    summary=(_("Report form created: %s") if creating else _("Report form changed: %s")) % saved.name,
                )
        except ProtectedError:
            messages.error(request, _("A figure that reports already hold cannot be deleted; keep it or untick it."))
        else:
            messages.success(request, _("The form was saved."))
            return redirect(saved)
    return render(
        request,
        "reports/form_edit.html",
        {"form": form, "sections": sections, "indicators": indicators, "instance": instance, "nav_section": "review"},
    )


@login_required
def form_assign(request, pk: int):
    """Make every unit of some kinds under one unit owe this periodic form."""
    _require_manager(request.user)
    report_form = get_object_or_404(ReportForm.objects.active(), pk=pk)
    roots = _roots(request.user)
    if not report_form.is_periodic:
        return redirect("reports:form_request", pk=pk)
    form = FormAssignForm(
        request.POST or None,
        roots=roots,
        initial={"starts_on": timezone.localdate().replace(month=1, day=1), "root": _home_unit(request.user)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assignment, created = generation.form_assign(
                actor=request.user,
                form=report_form,
                root=data["root"],
                kinds=data["kinds"],
                include_root=data["include_root"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(form)s is now owed under %(unit)s; %(count)d reports were opened for the periods begun.")
                % {"form": report_form.name, "unit": assignment.root.name, "count": created},
            )
            return redirect(report_form)
    return render(
        request, "reports/form_assign.html", {"report_form": report_form, "form": form, "nav_section": "review"}
    )


@login_required
def form_request(request, pk: int):
    """Ask units for a one-off report (ad hoc or thematic) covering given dates, due on a given day."""
    _require_manager(request.user)
    report_form = get_object_or_404(ReportForm.objects.active(), pk=pk)
    if report_form.is_periodic:
        return redirect("reports:form_assign", pk=pk)
    form = RequestForm(request.POST or None, roots=_roots(request.user), initial={"root": _home_unit(request.user)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = generation.obligations_request(
                actor=request.user,
                form=report_form,
                root=data["root"],
                kinds=data["kinds"],
                include_root=data["include_root"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                due_date=data["due_date"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(count)d units were asked for this report.") % {"count": created})
            return redirect(report_form)
    return render(
        request,
        "reports/form_assign.html",
        {"report_form": report_form, "form": form, "requesting": True, "nav_section": "review"},
    )
