"""The unit's reports: what it owes, the report form, the report and its history, files and exports.

Every obligation is fetched through ``Obligation.objects.visible_to(user)``: another unit's report is
a 404. Within scope, writing is for the unit's reporter and head, approving for its head, and
reviewing for the committee staff above it (403 otherwise).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from directives import uploads
from registers import selectors as registers_selectors
from reports import pages, periods, services
from reports.forms import NoteForm, ReasonForm, ReportEntryForm, SendBackForm, entry_initial
from reports.models import Obligation, Report, ReportAttachment, ReportEvent, ReportValue, ReportVersion, Status
from reports.models.obligations import IN_REVIEW, PENDING
from reports.reminders import obligation_log
from units import permissions
from units.models import RoleGrant, Unit

OPEN_LIMIT = 200
ACCEPTED_PAGE = 20
# What a row of the unit's reports shows (``_obligation_row.html``): not the form's guidance and header,
# nor the directive's text.
ROW_COLUMNS = (
    *("form", "year", "period_index", "period_start", "period_end", "due_date", "status", "unit_id"),
    *("first_submitted_at", "on_time", "days_late", "returned_count"),
    *(f"form__{c}" for c in ("name", "kind", "period_type")),
    "assignment__directive__symbol",
    "directive__symbol",
)


def _obligation(request, pk: int) -> Obligation:
    return get_object_or_404(
        Obligation.objects.visible_to(request.user).select_related(
            "form", "unit", "assignment__directive", "directive"
        ),
        pk=pk,
    )


def _report(obligation: Obligation) -> Report | None:
    report = (
        Report.objects.filter(obligation=obligation).select_related("updated_by__person", "approved_by__person").first()
    )
    if report is not None:
        report.obligation = obligation
    return report


def _form_parts(obligation: Obligation):
    form = obligation.form
    return list(form.sections.all()), list(form.indicators.all())


@login_required
@require_safe
def my_reports(request):
    """Committee staff go to the reports they review; everyone else straight to their own unit's reports
    (a choice when they hold roles in several units). ``?own=1`` takes staff to their own unit's."""
    if permissions.is_manager(request.user) and not request.GET.get("own"):
        return redirect("reports:review_inbox")
    grants = list(
        RoleGrant.objects.filter(user=request.user).select_related("unit").order_by("unit__depth", "unit__sort_key")
    )
    units = list({g.unit.pk: g.unit for g in grants}.values())
    if len(units) == 1:
        return redirect("reports:unit_obligations", pk=units[0].pk)
    return render(request, "reports/my_reports.html", {"units": units, "nav_section": "reports"})


@login_required
@require_safe
def unit_obligations(request, pk: int):
    """Our reports: overdue, due soon, returned, with the committee, accepted; days left in working days."""
    unit = get_object_or_404(Unit.objects.visible_to(request.user), pk=pk)
    today = timezone.localdate()
    base = (
        Obligation.objects.filter(unit=unit)
        .select_related("form", "assignment__directive", "directive")
        .only(*ROW_COLUMNS)
    )
    open_rows = list(base.listed(today=today, status="open")[:OPEN_LIMIT])
    pages.decorate(open_rows, today)
    accepted = Paginator(base.filter(status=Status.ACCEPTED).order_by("-period_end", "-pk"), ACCEPTED_PAGE).get_page(
        request.GET.get("page")
    )
    pages.decorate(accepted.object_list, today)
    groups = pages.group(open_rows, today)
    return render(
        request,
        "reports/unit_obligations.html",
        {
            "unit": unit,
            "groups": groups,
            "accepted": accepted,
            "today": today,
            "can_edit": permissions.may_file(request.user, unit),
            "truncated": len(open_rows) == OPEN_LIMIT,
            "nav_section": "reports",
        },
    )


def _values_table(indicators, report: Report | None):
    rows = {v.indicator_id: v for v in report.values.all()} if report is not None else {}
    return [(i, pages.show_value(i, rows.get(i.pk))) for i in indicators]


@login_required
@require_safe
def report_detail(request, pk: int):
    """The report as filed (read-only), what the user may do with it, its earlier versions and its history."""
    obligation = _obligation(request, pk)
    report = _report(obligation)
    sections, indicators = _form_parts(obligation)
    actions = pages.actions_for(request.user, obligation, report)
    pages.decorate([obligation], timezone.localdate())
    events, versions, attachments, last_return = [], [], [], None
    if report is not None:
        # The history names the versions; what each held is read on its own page, not here for every row.
        events = list(
            report.events.select_related("actor__person", "version")
            .defer("version__snapshot")
            .order_by("created_at", "pk")
        )
        versions = list(
            report.versions.select_related("created_by__person", "approved_by__person")
            .defer("snapshot")
            .order_by("-number")
        )
        attachments = list(report.attachments.filter(removed_at__isnull=True).select_related("uploaded_by__person"))
        last_return = next(
            (e for e in reversed(events) if e.kind in (ReportEvent.Kind.RETURNED, ReportEvent.Kind.SENT_BACK)), None
        )
    return render(
        request,
        "reports/report_detail.html",
        {
            "obligation": obligation,
            "unit": obligation.unit,
            "report": report,
            "sections": [(s, report.narrative.get(str(s.pk), "") if report else "") for s in sections],
            "values": _values_table(indicators, report),
            "attachments": attachments,
            "events": events,
            "versions": versions,
            "last_return": last_return if report and report.status in (Status.RETURNED, Status.DRAFT) else None,
            "actions": actions,
            "reason_form": ReasonForm() if actions.review else None,
            "send_back_form": SendBackForm() if actions.send_back else None,
            "note_form": NoteForm(),
            "reminder_log": obligation_log(obligation.pk),
            "nav_section": "reports",
        },
    )


def _conflict(report: Report, form: ReportEntryForm) -> dict:
    """Their saved text beside ours: every field where the saved version differs from what was posted."""
    theirs = entry_initial(report, form.sections, form.indicators)
    fields = []
    for name, field in form.fields.items():
        if name in ("revision", "attachments"):
            continue
        mine = form.data.get(name, "")
        saved = theirs.get(name)
        saved = "" if saved is None else str(saved)
        if saved.strip() != str(mine).strip():
            fields.append({"name": name, "label": str(field.label), "theirs": saved})
    return {
        "revision": report.revision,
        "by": report.updated_by.display_name if report.updated_by else "",
        "at": timezone.localtime(report.updated_at).strftime("%H:%M"),
        "fields": fields,
    }


@login_required
def report_edit(request, pk: int):
    """The report form: Save draft, and Send to the head or Submit as the form and the user's role allow."""
    obligation = _obligation(request, pk)
    services.require_may_write(request.user, obligation.unit)
    report = _report(obligation)
    if report is not None and not report.is_editable:
        messages.info(
            request,
            _("This report is %(status)s: it can only be read.") % {"status": report.get_status_display().lower()},
        )
        return redirect("reports:report_detail", pk=obligation.pk)
    sections, indicators = _form_parts(obligation)
    status = 200
    conflict = None
    if request.method == "POST":
        form = ReportEntryForm(request.POST, request.FILES, sections=sections, indicators=indicators)
        form.is_valid()  # text is saved whatever else is wrong; only the revision must be there
        if "revision" not in form.cleaned_data:
            return HttpResponse(status=400)
        action = request.POST.get("action", "save")
        try:
            report = services.report_save_draft(
                actor=request.user,
                obligation=obligation,
                revision=form.cleaned_data["revision"],
                narrative=form.narrative(),
                values=form.values(),
                document=form.document(),
            )
        except services.EditConflict as exc:
            conflict = _conflict(exc.report, form)
            data = form.data.copy()
            data["revision"] = exc.report.revision  # saving again keeps this text, knowingly
            form = ReportEntryForm(data, sections=sections, indicators=indicators)
            form.is_valid()
            status = 409
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                messages.error(request, " ".join(exc.messages))
                return redirect("reports:report_detail", pk=obligation.pk)
            # A text over its limit: nothing was saved, the form comes back with what was typed.
            for name, errors in exc.message_dict.items():
                if name in form.fields and name not in form.errors:
                    form.add_error(name, errors)
            status = 400
        else:
            response, problems = _after_save(request, obligation, report, form, action)
            if response is not None:
                return response
            form = ReportEntryForm(
                {**form.data.dict(), "revision": report.revision}, sections=sections, indicators=indicators
            )
            form.is_valid()
            for name, errors in problems.items():
                form.add_error(name if name in form.fields else None, errors)
    else:
        initial = entry_initial(report, sections, indicators) if report else {"revision": 0}
        if report is None:
            initial.update(services.document_defaults(obligation, timezone.localdate()))
        registers_selectors.fill_initial(obligation, report, indicators, initial)  # figures follow the records
        form = ReportEntryForm(initial=initial, sections=sections, indicators=indicators)
    action, label = pages.submit_label(report, obligation, request.user)
    attachments = list(report.attachments.filter(removed_at__isnull=True)) if report else []
    last_return = None
    if report is not None:
        last_return = (
            report.events.filter(kind__in=[ReportEvent.Kind.RETURNED, ReportEvent.Kind.SENT_BACK])
            .select_related("actor__person")
            .order_by("-created_at", "-pk")
            .first()
        )
    pages.decorate([obligation], timezone.localdate())
    return render(
        request,
        "reports/report_edit.html",
        {
            "obligation": obligation,
            "unit": obligation.unit,
            "report": report,
            "form": form,
            "submit_action": action,
            "submit_label": label,
            "attachments": attachments,
            "last_return": last_return,
            "conflict": conflict,
            "nav_section": "reports",
        },
        status=status,
    )


def _after_save(request, obligation: Obligation, report: Report, form: ReportEntryForm, action: str):
    """Attach, detach, then do what the button asked: (a redirect, {}) or (None, the submission's problems
    by field) to show the form again with each message next to its field."""
    problems = False
    for file in form.cleaned_data.get("attachments") or []:
        try:
            services.report_attachment_add(actor=request.user, report=report, file=file)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            problems = True
    if "attachments" in form.errors:
        messages.error(request, " ".join(form.errors["attachments"]))
        problems = True
    remove = request.POST.get("remove_attachment")
    if remove and remove.isdigit():
        attachment = ReportAttachment.objects.filter(report=report, pk=remove).first()
        if attachment is not None:
            services.report_attachment_remove(actor=request.user, attachment=attachment)
            messages.success(request, _("“%(name)s” was removed.") % {"name": attachment.original_name})
        return redirect("reports:report_edit", pk=obligation.pk), {}
    if action in ("submit", "request_approval"):
        service = services.report_submit if action == "submit" else services.report_request_approval
        try:
            service(actor=request.user, report=report)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                messages.warning(
                    request,
                    _("Your text is saved as a draft. Correct the fields marked below, then send the report again."),
                )
                return None, exc.message_dict
            messages.error(request, " ".join(exc.messages))
            return redirect("reports:report_edit", pk=obligation.pk), {}
        if action == "submit":
            messages.success(request, _("The report was submitted to the committee."))
        else:
            messages.success(request, _("The report was sent to the head of the unit for approval."))
        return redirect("reports:report_detail", pk=obligation.pk), {}
    if not problems:
        messages.success(request, _("Draft saved."))
    return redirect("reports:report_edit", pk=obligation.pk), {}


@require_POST
def report_autosave(request, pk: int):
    """Save the draft while the user types (JSON). 409 with their text on a conflict; 401 when the
    session has ended, so the page keeps the text and offers to log in again."""
    edit_url = reverse("reports:report_edit", args=[pk])
    if not request.user.is_authenticated:
        return JsonResponse(
            {
                "error": "session",
                "message": _("Your session has ended. Your text is kept in this browser: log in again to save it."),
                "login_url": f"{reverse('login')}?next={edit_url}",
            },
            status=401,
        )
    obligation = Obligation.objects.visible_to(request.user).select_related("form", "unit").filter(pk=pk).first()
    if obligation is None:
        return JsonResponse({"error": "not_found"}, status=404)
    if not permissions.may_file(request.user, obligation.unit):
        return JsonResponse({"error": "forbidden"}, status=403)
    sections, indicators = _form_parts(obligation)
    form = ReportEntryForm(request.POST, sections=sections, indicators=indicators)
    form.is_valid()
    if "revision" not in form.cleaned_data:
        return JsonResponse({"error": "revision"}, status=400)
    try:
        report = services.report_save_draft(
            actor=request.user,
            obligation=obligation,
            revision=form.cleaned_data["revision"],
            narrative=form.narrative(),
            values=form.values(),
            document=form.document(),
        )
    except services.EditConflict as exc:
        return JsonResponse({"error": "conflict", **_conflict(exc.report, form)}, status=409)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            return JsonResponse(
                {"error": "invalid", "message": " ".join(exc.messages), "errors": exc.message_dict}, status=400
            )
        return JsonResponse(
            {
                "error": "not_editable",
                "message": " ".join(exc.messages),
                "url": reverse("reports:report_detail", args=[pk]),
            },
            status=409,
        )
    return JsonResponse(
        {"revision": report.revision, "saved_at": timezone.localtime(report.updated_at).strftime("%H:%M")}
    )


ACTIONS = {
    "request_approval": (
        services.report_request_approval,
        None,
        gettext_lazy("The report was sent to the head of the unit for approval."),
    ),
    "approve": (services.report_approve, "note", gettext_lazy("The report was approved and submitted.")),
    "send_back": (services.report_send_back, "note", gettext_lazy("The report was sent back to the reporter.")),
    "submit": (services.report_submit, None, gettext_lazy("The report was submitted to the committee.")),
    "return": (services.report_return, "reason", gettext_lazy("The report was returned to the unit.")),
    "accept": (services.report_accept, "note", gettext_lazy("The report was accepted.")),
}


@login_required
@require_POST
def report_action(request, pk: int, action: str):
    """One workflow step from a button; the service decides whether this user may, from this state."""
    if action not in ACTIONS:
        raise Http404
    obligation = _obligation(request, pk)
    report = get_object_or_404(Report, obligation=obligation)
    service, field, done = ACTIONS[action]
    kwargs = {field: request.POST.get(field, "")} if field else {}
    try:
        service(actor=request.user, report=report, **kwargs)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, str(done))
    back = request.POST.get("next", "")
    if back == "inbox":
        return redirect("reports:review_inbox")
    return redirect("reports:report_detail", pk=obligation.pk)


@login_required
@require_safe
def report_version(request, pk: int, number: int):
    obligation = _obligation(request, pk)
    version = get_object_or_404(
        ReportVersion.objects.filter(report__obligation=obligation).select_related(
            "created_by__person", "approved_by__person"
        ),
        number=number,
    )
    return render(
        request,
        "reports/report_version.html",
        {"obligation": obligation, "unit": obligation.unit, "version": version, "nav_section": "reports"},
    )


@login_required
@require_safe
def attachment_download(request, pk: int):
    """Always a download, never shown inline: the browser must not render an uploaded file as a page."""
    attachment = get_object_or_404(ReportAttachment.objects.visible_to(request.user), pk=pk)
    return uploads.download(attachment)


def _document_report(request, pk: int) -> Report:
    obligation = _obligation(request, pk)
    report = get_object_or_404(
        Report.objects.filter(obligation=obligation).prefetch_related(
            Prefetch("values", queryset=ReportValue.objects.select_related("indicator")),
            Prefetch("versions", queryset=ReportVersion.objects.select_related("approved_by__person")),
        )
    )
    report.obligation = obligation
    return report


@login_required
@require_safe
def report_pdf(request, pk: int):
    from reports.documents import pdf

    report = _document_report(request, pk)
    response = HttpResponse(pdf.render_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{pdf.file_name(report)}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_safe
def report_docx(request, pk: int):
    """The report as a Word file, to finish in Word: the PDF's content and layout."""
    from django.utils import translation

    from reports.documents import pdf, word

    report = _document_report(request, pk)
    with translation.override("vi"):
        context = pdf.document_context(report)
    response = HttpResponse(word.report_docx(context), content_type=word.DOCX)
    response["Content-Disposition"] = f'attachment; filename="{pdf.file_name(report)}.docx"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_safe
def report_xlsx(request, pk: int):
    from reports.documents import pdf

    report = _document_report(request, pk)
    response = HttpResponse(
        pdf.render_xlsx(report),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{pdf.file_name(report)}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response


INBOX_PAGE = 25
# What a row of the inbox shows, and nothing else: not the report's text, the form's guidance or the
# units' other columns (a row loads no more than it prints).
INBOX_COLUMNS = (
    "status",
    "submitted_at",
    *(f"obligation__{c}" for c in ("year", "period_index", "period_start", "period_end", "due_date", "status")),
    *(f"obligation__{c}" for c in ("on_time", "days_late", "returned_count")),
    "obligation__unit__name",
    "obligation__unit__parent__name",
    *(f"obligation__form__{c}" for c in ("name", "kind", "period_type")),
    *(f"approved_by__{c}" for c in ("username", "first_name", "last_name", "person__full_name")),
)


@login_required
@require_safe
def review_inbox(request):
    """Submitted reports of the units under the user's committee, oldest first, to accept or return."""
    if not permissions.is_manager(request.user):
        raise PermissionDenied(_("Only committee staff review reports."))
    reports = (
        Report.objects.reviewable_by(request.user)
        .filter(status__in=IN_REVIEW)
        .select_related("obligation__form", "obligation__unit__parent", "approved_by__person")
        .only(*INBOX_COLUMNS)
        .in_review_order()
    )
    page = Paginator(reports, INBOX_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for report in page.object_list:
        report.obligation.report_submitted_on = timezone.localdate(report.submitted_at) if report.submitted_at else None
        submitted_on = report.obligation.report_submitted_on
        report.waiting_days = periods.working_days_between(submitted_on, today) if submitted_on else 0
    return render(
        request,
        "reports/review_inbox.html",
        {"page": page, "pending_statuses": PENDING, "nav_section": "review", "today": today},
    )
