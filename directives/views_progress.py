"""A task's own page with its progress notes and evidence, and the periodic report a directive requires."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from directives import progress, rules, uploads
from directives.forms import ProgressForm, RequireReportForm
from directives.models import Assignment, Directive, ProgressEvidence, ProgressNote
from directives.tasks_page import decorate
from units.forms import add_service_errors
from units.models import Unit

PAGE_SIZE = 20


@login_required
def assignment_detail(request, pk: int):
    """One unit's task: what it is, its deadline, and every progress note with its files, newest first."""
    user = request.user
    assignment = get_object_or_404(
        Assignment.objects.visible_to(user).select_related("directive__doc_type", "directive__owner_unit", "unit"),
        pk=pk,
    )
    may_note = rules.may_note_progress(user, assignment)
    form = ProgressForm(request.POST or None, request.FILES or None, initial={"percent": assignment.progress})
    if request.method == "POST":
        if not may_note:
            raise PermissionDenied(_("You may not report progress on this task."))
        if form.is_valid():
            data = form.cleaned_data
            try:
                progress.progress_note_add(
                    actor=user, assignment=assignment, percent=data["percent"], note=data["note"], files=data["files"]
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Progress recorded: %(n)d%%.") % {"n": data["percent"]})
                return redirect(assignment)
    notes = ProgressNote.objects.filter(assignment=assignment).select_related("actor__person").prefetch_related("files")
    page = Paginator(notes, PAGE_SIZE).get_page(request.GET.get("page"))
    decorate([assignment], timezone.localdate())
    return render(
        request,
        "directives/assignment_detail.html",
        {
            "assignment": assignment,
            "directive": assignment.directive,
            "page": page,
            "form": form if may_note else None,
            "kinds": uploads.KINDS,
            "nav_section": "tasks",
        },
    )


@login_required
def evidence_download(request, pk: int):
    """A file of a progress note, to those who may see its task; always a download."""
    evidence = get_object_or_404(
        ProgressEvidence.objects.filter(note__in=ProgressNote.objects.visible_to(request.user).values("pk")), pk=pk
    )
    return uploads.download(evidence)


@login_required
def directive_require_report(request, pk: int):
    """Ask the directive's units for a periodic report on a chosen form while it runs."""
    user = request.user
    directive = get_object_or_404(Directive.objects.visible_to(user).select_related("owner_unit", "doc_type"), pk=pk)
    if not rules.may_require_report(user, directive):
        raise PermissionDenied(
            _("Only committee staff or administrators of %(unit)s may do this.") % {"unit": directive.owner_unit.name}
        )
    root = directive.owner_unit
    form = RequireReportForm(request.POST or None, directive=directive)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _row, created = progress.directive_require_report(
                actor=user,
                directive=directive,
                form=data["form"],
                root=root,
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
                ngettext(
                    "%(form)s is now required: %(n)d report is owed so far.",
                    "%(form)s is now required: %(n)d reports are owed so far.",
                    created,
                )
                % {"form": data["form"].name, "n": created},
            )
            return redirect(directive)
    return render(
        request,
        "directives/require_report.html",
        {"form": form, "directive": directive, "root": root, "unit_kinds": Unit.Kind, "nav_section": "directives"},
    )
