"""Leadership dashboards and the heads' accountability pages, with their Excel and PDF exports.

A dashboard is open to anyone whose scope holds the unit (a ward's head sees their own ward's; a
province's leader drills from the province down); the unit is fetched through
``Unit.objects.visible_to(user)``, so another unit is a 404. The heads' record, which feeds a head's
annual evaluation, is for leadership, committee staff and administrators over the unit (404 otherwise).
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from reports import selectors
from reports.dashboards import exports, html, pages
from reports.dashboards import summary as summary_document
from reports.documents import pdf, word
from reports.numbers import rounded_float
from reports.selectors.heads import SORTS as HEAD_SORTS
from units import permissions, scope
from units.models import Person, RoleGrant, Unit
from units.services import audit_record

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
HEADS_PAGE = 25


def _unit(request, pk: int, roles=None) -> Unit:
    return get_object_or_404(Unit.objects.visible_to(request.user, roles), pk=pk)


def _download(content: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_safe
def dashboard_home(request):
    """The dashboard of the unit at the top of the user's scope (a choice when there are several)."""
    unit = scope.home_unit(request.user)
    if unit is None and scope.scope_paths(request.user) == [scope.ALL]:
        unit = Unit.objects.filter(parent__isnull=True, closed_on__isnull=True).order_by("path").first()
    if unit is not None:
        return redirect("reports:dashboard", pk=unit.pk)
    units = Unit.objects.filter(
        pk__in=RoleGrant.objects.filter(user=request.user).values("unit_id"), closed_on__isnull=True
    ).order_by("depth", "sort_key", "pk")
    return render(request, "reports/dashboard_choose.html", {"units": units, "nav_section": "dashboard"})


def _context(request, unit: Unit, listed: int) -> dict:
    flt, form = pages.dashboard_filter_from(request, unit)
    context = pages.dashboard_context(
        flt, sort=request.GET.get("sort", "worst"), indicator=request.GET.get("indicator"), listed=listed
    )
    context["filter_form"] = form
    return context


@login_required
@require_safe
def dashboard(request, pk: int):
    unit = _unit(request, pk)
    query = request.GET.copy()
    query.pop("sort", None)
    # A phone gets the first units and reports in the chosen order; "show all" (?all=1) lists every unit, and
    # more of the overdue and late reports (the Excel file holds every one).
    show_all = query.pop("all", None) is not None
    context = _context(request, unit, pages.OVERDUE_LISTED if show_all else html.OVERDUE_SHOWN)
    rows = context["rows"]
    shown = rows if show_all else rows[: html.SHOWN]
    heat = context["heat"] if show_all else context["heat"][: html.SHOWN]
    context["shown"] = shown
    indicators = context["indicators"]
    context["indicator_units_hidden"] = 0 if show_all else max(0, len(indicators["by_child"]) - html.SHOWN)
    if not show_all:
        indicators["by_child"] = indicators["by_child"][: html.SHOWN]
    filter_query = query.urlencode()
    if show_all:
        query["all"] = "1"
    context.update(
        unit=unit,
        ancestors=[a for a in unit.ancestors() if scope.has_role(request.user, RoleGrant.Role.values, a)],
        query=query.urlencode(),
        filter_query=filter_query,
        units_tbody=html.units_tbody(shown, unit=unit, query=filter_query),
        heat_tbody=html.heatmap_tbody(heat),
        overdue_tbody=html.overdue_tbody(context["overdue"]),
        late_items=html.late_items(context["late"]),
        trend_tbody=html.trend_tbody(context["trend"]),
        hidden_units=len(rows) - len(shown),
        show_all=show_all,
        charts=pages.chart_data(context),
        may_see_heads=permissions.may_see_heads(request.user, unit),
        sort_columns=[
            ("name", _("Unit")),
            ("expected", _("Expected")),
            ("reporting", _("Reporting rate")),
            ("filed", _("Filed now")),
            ("meets", _("Meets the requirements")),
            ("on_time", _("On-time rate")),
            ("accepted", _("Accepted on time")),
            ("late", _("Late")),
            ("days_late", _("Average working days late")),
            ("returned", _("Returned")),
            ("overdue", _("Overdue")),
        ],
        nav_section="dashboard",
    )
    return render(request, "reports/dashboard.html", context)


@login_required
@require_safe
def dashboard_xlsx(request, pk: int, table: str):
    if table not in exports.TABLES:
        raise Http404
    unit = _unit(request, pk)
    flt, _form = pages.dashboard_filter_from(request, unit)
    context = pages.table_context(flt, table, sort=request.GET.get("sort", "worst"))
    title, headers, rows = exports.table(table, context)
    content = exports.workbook(title, exports.scope_line(flt), headers, rows)
    return _download(content, exports.file_name(table, flt) + ".xlsx", XLSX)


@login_required
@require_safe
def dashboard_pdf(request, pk: int):
    """The summary's former address: the summary is now confirmed on its form before it is printed."""
    unit = _unit(request, pk)
    query = request.GET.urlencode()
    return redirect(reverse("reports:dashboard_summary", args=[unit.pk]) + (f"?{query}" if query else ""))


@login_required
def dashboard_summary(request, pk: int):
    """GET: the summary's form, filled in (issuing body, symbol, signer, recipients); POST: the document, as a PDF
    or a .docx, with the figures of the dashboard's filter (the query string) and what was confirmed; with
    ``format=annex-pdf`` or ``annex-docx``, its annex alone (to attach to a document finished elsewhere)."""
    unit = _unit(request, pk)
    flt, _filter = pages.dashboard_filter_from(request, unit)
    form = summary_document.SummaryDocumentForm(
        request.POST if request.method == "POST" else None, unit=unit, today=flt.today
    )
    if request.method == "POST" and form.is_valid():
        choice = request.POST.get("format", "pdf")  # pdf, docx, annex-pdf, annex-docx
        fmt = "docx" if choice.endswith("docx") else "pdf"
        annex_only = choice.startswith("annex")
        data = pages.summary_data(flt, overdue=summary_document.OVERDUE_NAMED)
        with translation.override("vi"):
            context = summary_document.summary_context(data, form.cleaned_data)
        audit_record(
            actor=request.user,
            action="summary_printed",
            obj=form.cleaned_data["body"],
            unit=unit,
            summary=f"{context['symbol_line']} · {context['subtitle']}"[:500],
            data={
                "format": fmt,
                "part": "annex" if annex_only else "document",
                "query": request.GET.urlencode(),
                "signer": context["signer_name"],
            },
        )
        name = exports.file_name("phu-luc" if annex_only else "bao-cao-tong-hop", flt)
        if fmt == "docx":
            content = word.annex_only_docx(context) if annex_only else word.summary_docx(context)
            return _download(content, name + ".docx", word.DOCX)
        content = pdf.write_pdf("reports/dashboard_summary.html", {**context, "annex_only": annex_only})
        return _download(content, name + ".pdf", PDF)
    return render(
        request,
        "reports/dashboard_summary_form.html",
        {
            "unit": unit,
            "flt": flt,
            "form": form,
            "query": request.GET.urlencode(),
            "ancestors": [a for a in unit.ancestors() if scope.has_role(request.user, RoleGrant.Role.values, a)],
            "nav_section": "dashboard",
        },
    )


def _heads(request, unit):
    flt, form = pages.dashboard_filter_from(request, unit)
    sort = request.GET.get("sort", "worst")
    sort = sort if sort in HEAD_SORTS else "worst"
    q = request.GET.get("q", "").strip()[:100]
    return flt, form, sort, q, selectors.head_records(flt, search=q, sort=sort)


@login_required
@require_safe
def heads(request, pk: int):
    """Every person who headed a unit in the subtree, with their record over the chosen periods."""
    unit = _unit(request, pk, permissions.HEADS_READERS)
    flt, form, sort, q, records = _heads(request, unit)
    page = Paginator(records, HEADS_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    for key in ("sort", "page"):
        query.pop(key, None)
    return render(
        request,
        "reports/heads.html",
        {
            "unit": unit,
            "flt": flt,
            "filter_form": form,
            "page": page,
            "sort": sort,
            "q": q,
            "query": query.urlencode(),
            "nav_section": "dashboard",
        },
    )


@login_required
@require_safe
def heads_xlsx(request, pk: int):
    unit = _unit(request, pk, permissions.HEADS_READERS)
    flt, _form, _sort, _q, records = _heads(request, unit)
    headers = [
        _("Head of unit"),
        _("Tenures"),
        _("Reports due"),
        _("On time"),
        _("Late"),
        _("Overdue"),
        _("Returned"),
        _("On-time rate (%)"),
    ]
    rows = [
        [
            r["person__full_name"],
            r["tenures"],
            r["due"],
            r["on_time"],
            r["late"],
            r["missing"],
            r["returned"],
            rounded_float(r["on_time_rate"]),
        ]
        for r in records
    ]
    title = _("Heads of unit")
    content = exports.workbook(title, exports.scope_line(flt), headers, rows)
    return _download(content, exports.file_name("nguoi-dung-dau", flt) + ".xlsx", XLSX)


def _person(request, unit, person_pk):
    flt, form = pages.dashboard_filter_from(request, unit)
    person = get_object_or_404(Person, pk=person_pk)
    tenures = selectors.head_tenures(flt, person)
    if not tenures:  # never headed a unit in this subtree: not this page's business
        raise Http404
    return flt, form, person, tenures


@login_required
@require_safe
def head_detail(request, pk: int, person_pk: int):
    """One head's record: each tenure in the subtree, and the reports of their tenures that went wrong."""
    unit = _unit(request, pk, permissions.HEADS_READERS)
    flt, form, person, tenures = _person(request, unit, person_pk)
    gaps = selectors.heads.tenure_gaps(flt, tenures)
    return render(
        request,
        "reports/heads_person.html",
        {
            "unit": unit,
            "flt": flt,
            "filter_form": form,
            "person": person,
            "tenures": tenures,
            "gaps": gaps,
            "today": flt.today,
            "query": request.GET.urlencode(),
            "back": reverse("reports:heads", args=[unit.pk]),
            "nav_section": "dashboard",
        },
    )


@login_required
@require_safe
def head_detail_xlsx(request, pk: int, person_pk: int):
    unit = _unit(request, pk, permissions.HEADS_READERS)
    flt, _form, person, tenures = _person(request, unit, person_pk)
    headers = [
        _("Unit"),
        _("Title"),
        _("From"),
        _("Until"),
        _("Reports due"),
        _("On time"),
        _("Late"),
        _("Overdue"),
        _("Returned"),
    ]
    rows = [
        [h.unit.name, h.title, h.started_on, h.ended_on, h.due, h.on_time, h.late, h.missing, h.returned]
        for h in tenures
    ]
    content = exports.workbook(person.full_name, exports.scope_line(flt), headers, rows)
    name = exports.file_name("nguoi-dung-dau-" + str(person.pk), flt)
    return _download(content, name + ".xlsx", XLSX)
