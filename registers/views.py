"""The pages of every register, from one set of views configured by ``registers.registry``.

Every row is fetched through ``visible_to(user)``: another unit's row is a 404 on every page, export
and file; entering and changing rows follows ``registers.rules`` (403 otherwise).
"""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from directives import uploads
from registers import excel, registry, rules, services
from registers.forms import FilterForm, ImportForm, RecommendationFormSet, record_form_class
from registers.models import RecordAttachment, Supervision
from units.forms import add_service_errors
from units.models import AuditEvent, Unit

PAGE_SIZE = 50
SEARCH_LIMIT = 20
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _visible_unit(user, value) -> Unit | None:
    if value in (None, ""):
        return None
    if not str(value).isdigit():
        raise Http404
    return get_object_or_404(Unit.objects.visible_to(user).select_related("parent"), pk=value)


def _extra_filters(register, params) -> dict:
    """Narrowing by the register's declared filters (how figures link to the rows they count)."""
    out = {}
    for name in register.filters:
        value = params.get(name)
        if value in (None, ""):
            continue
        field_name = name.split("__")[0]
        field = register.model._meta.get_field(field_name)
        if name.endswith("__isnull") or field.get_internal_type() == "BooleanField":
            out[name] = value in ("1", "true", "True")
        elif field.is_relation:
            if not value.isdigit():
                raise Http404
            out[f"{name}_id"] = int(value)
        else:
            out[name] = value
    return out


def filtered(request, register):
    """The register's rows the user may see, narrowed by the query string: (form, unit, queryset)."""
    user = request.user
    form = FilterForm(request.GET or None, register=register)
    qs = register.model.objects.visible_to(user)
    unit = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        unit = _visible_unit(user, data["unit"])
        if unit is not None:
            qs = qs.in_subtree(unit)
        if data["q"]:
            qs = qs.search(data["q"])
        if data["group"]:
            qs = qs.filter(**{register.group_field: data["group"]})
        qs = qs.in_period(data["start"], data["end"])
    elif form.is_bound and request.GET.get("unit"):
        unit = _visible_unit(user, request.GET.get("unit"))
        qs = qs.in_subtree(unit)
    qs = qs.filter(**_extra_filters(register, request.GET))
    qs = qs.select_related("unit", *register.select_related).order_by("-date", "-id")
    return form, unit, qs


def _unit_choices(user, q: str):
    if not q:
        return []
    return list(
        rules.entry_units(user)
        .search(q)
        .filter(closed_on__isnull=True)
        .select_related("parent")
        .order_by("depth", "name")[:SEARCH_LIMIT]
    )


def _common(register) -> dict:
    return {"register": register, "registers": registry.REGISTERS.values(), "nav_section": "registers"}


@login_required
@require_safe
def register_index(request):
    """Every register, with how many rows of each the user may see."""
    user = request.user
    rows = [(r, r.model.objects.visible_to(user).count()) for r in registry.REGISTERS.values()]
    return render(
        request,
        "registers/index.html",
        {"rows": rows, "can_enter": rules.may_enter_somewhere(user), "nav_section": "registers"},
    )


@login_required
@require_safe
def record_list(request, register: str):
    register = registry.get(register)
    form, unit, qs = filtered(request, register)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    columns = [(name, register.field_label(name)) for name in register.columns]
    rows = [(r, [services.display(r, name) if "__" not in name else "" for name, _label in columns]) for r in page]
    return render(
        request,
        "registers/record_list.html",
        {
            **_common(register),
            "form": form,
            "unit": unit,
            "page": page,
            "rows": rows,
            "columns": columns,
            "filtered": any(request.GET.get(k) for k in request.GET if k != "page"),
            "can_enter": rules.may_enter_somewhere(request.user),
        },
    )


@login_required
@require_safe
def record_detail(request, register: str, pk: int):
    register = registry.get(register)
    user = request.user
    record = get_object_or_404(
        register.model.objects.visible_to(user).select_related(
            "unit", "entered_by", "updated_by", *register.select_related
        ),
        pk=pk,
    )
    values = [(register.field_label(name), services.display(record, name)) for name in register.fields]
    context = {
        **_common(register),
        "record": record,
        "values": values,
        "attachments": list(record.attachments().select_related("uploaded_by")),
        "events": list(
            AuditEvent.objects.filter(object_type=record._meta.label_lower, object_id=record.pk).select_related(
                "actor"
            )[:50]
        ),
        "can_edit": rules.may_edit(user, record),
    }
    if isinstance(record, Supervision):
        context["recommendations"] = list(record.recommendations.all())
    return render(request, "registers/record_detail.html", context)


def _recommendation_rows(formset) -> list[dict]:
    return [f.cleaned_data for f in formset.forms if f.cleaned_data]


def _record_form(request, register, *, record=None):
    user = request.user
    creating = record is None
    if creating:
        picked = request.POST.get("unit") if request.method == "POST" else request.GET.get("unit")
        if picked:
            if not str(picked).isdigit():
                raise Http404
            unit = get_object_or_404(Unit.objects.visible_to(user).select_related("parent"), pk=picked)
        else:
            unit = rules.home_unit(user)
        if not rules.may_enter_somewhere(user):
            raise PermissionDenied(_("Only the reporters, the head or the committee staff of a unit may enter rows."))
        if unit is not None and not rules.may_enter(user, unit):
            raise PermissionDenied(
                _("Only the reporters, the head or the committee staff of %(unit)s may do this.") % {"unit": unit}
            )
    else:
        unit = record.unit
        if not rules.may_edit(user, record):
            raise PermissionDenied(
                _("Only the reporters, the head or the committee staff of %(unit)s may do this.") % {"unit": unit}
            )
    form = None
    formset = None
    with_recommendations = register.model is Supervision
    if unit is not None:
        Form = record_form_class(register, user=user, unit=unit)
        initial = {"date": timezone.localdate()} if creating else None
        form = Form(request.POST or None, request.FILES or None, instance=record, initial=initial)
        if with_recommendations:
            initial_recs = (
                [
                    {"id": r.pk, "text": r.text, "resolution": r.resolution, "resolved_on": r.resolved_on}
                    for r in record.recommendations.all()
                ]
                if record
                else []
            )
            formset = RecommendationFormSet(request.POST or None, initial=initial_recs, prefix="rec")
        if request.method == "POST" and form.is_valid() and (formset is None or formset.is_valid()):
            try:
                files = form.cleaned_data["files"]
                if creating:
                    record = services.record_create(
                        actor=user, register=register, unit=unit, files=files, **form.record_fields()
                    )
                else:
                    record = services.record_update(
                        actor=user, register=register, record=record, files=files, **form.record_fields()
                    )
                if formset is not None:
                    services.recommendations_save(actor=user, supervision=record, rows=_recommendation_rows(formset))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Saved in the register."))
                return redirect(record)
    q = request.GET.get("q", "").strip()[:100]
    thresholds = ""
    if form is not None and "matter_kind" in form.fields:
        thresholds = json.dumps({k.pk: str(k.threshold_percent) for k in form.fields["matter_kind"].queryset})
    return render(
        request,
        "registers/record_form.html",
        {
            **_common(register),
            "form": form,
            "formset": formset,
            "record": record,
            "unit": unit,
            "creating": creating,
            "q": q,
            "searched": bool(q),
            "results": _unit_choices(user, q) if creating else [],
            "search_limit": SEARCH_LIMIT,
            "keep": [],
            "thresholds": thresholds,
        },
    )


@login_required
def record_create(request, register: str):
    return _record_form(request, registry.get(register))


@login_required
def record_edit(request, register: str, pk: int):
    register = registry.get(register)
    record = get_object_or_404(register.model.objects.visible_to(request.user).select_related("unit"), pk=pk)
    return _record_form(request, register, record=record)


@login_required
@require_safe
def attachment_download(request, pk: int):
    """Always a download: a file of a row of a unit in the user's scope, else 404."""
    from units import scope

    q = scope.in_scope_q(request.user, "unit__path")
    if q is None:
        raise Http404
    return uploads.download(get_object_or_404(RecordAttachment.objects.filter(q), pk=pk))


@login_required
@require_safe
def record_export(request, register: str):
    register = registry.get(register)
    _form, _unit, qs = filtered(request, register)
    return FileResponse(
        excel.export_workbook(register, qs),
        as_attachment=True,
        filename=f"{register.slug}-{timezone.localdate():%Y%m%d}.xlsx",
        content_type=XLSX,
    )


@login_required
@require_safe
def import_template(request, register: str):
    register = registry.get(register)
    response = HttpResponse(excel.template(register), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="mau-{register.slug}.xlsx"'
    return response


@login_required
def record_import(request, register: str):
    register = registry.get(register)
    user = request.user
    if not rules.may_enter_somewhere(user):
        raise PermissionDenied(_("Only the reporters, the head or the committee staff of a unit may enter rows."))
    picked = request.POST.get("unit") if request.method == "POST" else request.GET.get("unit")
    if picked:
        if not str(picked).isdigit():
            raise Http404
        unit = get_object_or_404(Unit.objects.visible_to(user).select_related("parent"), pk=picked)
        if not rules.may_enter(user, unit):
            raise PermissionDenied(
                _("Only the reporters, the head or the committee staff of %(unit)s may do this.") % {"unit": unit}
            )
    else:
        unit = rules.home_unit(user)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and unit is not None and form.is_valid():
        result = excel.import_workbook(actor=user, register=register, unit=unit, file=form.cleaned_data["file"])
        if result.ok:
            messages.success(
                request,
                ngettext("%(n)d row imported.", "%(n)d rows imported.", result.created) % {"n": result.created},
            )
            return redirect(reverse("registers:record_list", args=[register.slug]) + f"?unit={unit.pk}")
    q = request.GET.get("q", "").strip()[:100]
    return render(
        request,
        "registers/record_import.html",
        {
            **_common(register),
            "form": form,
            "unit": unit,
            "result": result,
            "columns": excel.columns(register),
            "max_rows": excel.MAX_ROWS,
            "q": q,
            "searched": bool(q),
            "results": _unit_choices(user, q),
            "search_limit": SEARCH_LIMIT,
            "keep": [],
        },
    )
