"""A task's own page with its progress notes and evidence."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from directives import progress, uploads
from directives.forms import ProgressForm
from directives.models import Assignment, ProgressEvidence, ProgressNote
from directives.tasks_page import decorate
from units import permissions
from units.forms import add_service_errors

PAGE_SIZE = 20


@login_required
def assignment_detail(request, pk: int):
    """One unit's task: what it is, its deadline, and every progress note with its files, newest first."""
    user = request.user
    assignment = get_object_or_404(
        Assignment.objects.visible_to(user).select_related("directive__doc_type", "directive__owner_unit", "unit"),
        pk=pk,
    )
    may_note = permissions.may_note_progress(user, assignment)
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
@require_safe
def evidence_download(request, pk: int):
    """A file of a progress note, to those who may see its task; always a download."""
    evidence = get_object_or_404(
        ProgressEvidence.objects.filter(note__in=ProgressNote.objects.visible_to(request.user).values("pk")), pk=pk
    )
    return uploads.download(evidence)
