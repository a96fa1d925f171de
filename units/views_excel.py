"""Upload units from Excel, and download the template to fill in.

Only committee staff and administrators may import (403 for anyone else); the unit to import into
is fetched through ``visible_to(user, roles=managers)``, so a unit outside their scope is a 404.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_safe

from units import permissions, scope
from units.excel_import import (
    MAX_ROWS,
    TEMPLATE_FILENAME,
    XLSX_CONTENT_TYPE,
)
from units.excel_import import excel_import as run_import
from units.excel_import import excel_template as build_template
from units.models import Unit

SEARCH_LIMIT = 20
ERRORS_SHOWN = 200


class UnitImportForm(forms.Form):
    parent = forms.IntegerField(widget=forms.HiddenInput, required=False)
    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{XLSX_CONTENT_TYPE}"}),
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > settings.MAX_UPLOAD_SIZE:
            raise forms.ValidationError(
                _("The file is %(size)s; the limit is %(limit)s. Split it into several files.")
                % {"size": filesizeformat(file.size), "limit": filesizeformat(settings.MAX_UPLOAD_SIZE)}
            )
        return file

    def clean(self):
        data = super().clean()
        if not data.get("parent"):
            raise forms.ValidationError(_("Choose the unit to import into."))
        return data


def _require_importer(user) -> None:
    if not permissions.is_manager(user):
        raise PermissionDenied(_("Only committee staff or administrators may import units."))


def _manageable(user):
    return Unit.objects.visible_to(user, roles=permissions.MANAGERS)


def _default_unit(user) -> Unit | None:
    """The top of the user's managed scope when it is one open unit (the usual case)."""
    return scope.home_unit(user, permissions.MANAGERS)


@login_required
def excel_import(request):
    _require_importer(request.user)
    unit_id = request.POST.get("parent") if request.method == "POST" else request.GET.get("unit")
    unit = None
    if unit_id:
        if not str(unit_id).isdigit():
            raise Http404
        unit = get_object_or_404(_manageable(request.user).select_related("parent"), pk=unit_id)
    q = request.GET.get("q", "").strip()[:100]
    if unit is None and not q and request.method != "POST":
        unit = _default_unit(request.user)

    form = UnitImportForm(request.POST or None, request.FILES or None, initial={"parent": unit.pk if unit else None})
    result = None
    if request.method == "POST" and form.is_valid():
        result = run_import(actor=request.user, parent=unit, file=form.cleaned_data["file"])
        if result.ok:
            text = ngettext("Imported %(count)d unit.", "Imported %(count)d units.", result.created) % {
                "count": result.created
            }
            if result.updated:
                text += " " + ngettext(
                    "Updated %(count)d existing unit.", "Updated %(count)d existing units.", result.updated
                ) % {"count": result.updated}
            if not result.created and not result.updated:
                text = _("Nothing to change: every unit in the file is already there.")
            messages.success(request, text)
            return redirect(unit)

    results = []
    if q:
        results = list(
            _manageable(request.user)
            .search(q)
            .filter(closed_on__isnull=True)
            .select_related("parent")
            .order_by("depth", "sort_key", "pk")[:SEARCH_LIMIT]
        )
    errors = result.errors if result else []
    return render(
        request,
        "units/excel_import.html",
        {
            "form": form,
            "unit": unit,
            "q": q,
            "results": results,
            "searched": bool(q),
            "search_limit": SEARCH_LIMIT,
            "errors": errors[:ERRORS_SHOWN],
            "errors_hidden": max(0, len(errors) - ERRORS_SHOWN),
            "error_count": len(errors),
            "max_rows": MAX_ROWS,
            "max_size": settings.MAX_UPLOAD_SIZE,
            "nav_section": "import",
        },
    )


@login_required
@require_safe
def excel_template(request):
    _require_importer(request.user)
    response = HttpResponse(build_template(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{TEMPLATE_FILENAME}"'
    return response
