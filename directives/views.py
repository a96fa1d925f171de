"""Pages of the register. Every directive and assignment is fetched through ``visible_to(user)``.

Out of scope is a 404 everywhere; in scope but not committee staff or administrator over the
registering unit is a 403 for the pages that change something: the services refuse, and a page that
shows a form gives the same refusal (``permissions.require_manage``) before it shows the form.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Avg, Case, Count, F, Max, Min, Q, Value, When
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from directives import services, uploads
from directives.cascade import cascade_down, cascade_up
from directives.forms import (
    GRID_LIMIT,
    AssignForm,
    AssignmentCancelForm,
    AssignmentChangeForm,
    AttachmentForm,
    DirectiveForm,
    RegisterFilterForm,
    RelateForm,
)
from directives.models import Assignment, Attachment, Directive, DirectiveEvent, DirectiveRelation
from units import permissions, scope, tree
from units.forms import DayField, add_service_errors
from units.models import Unit

PAGE_SIZE = 50
SEARCH_LIMIT = 20


def _managed_units(user):
    return Unit.objects.visible_to(user, roles=permissions.MANAGERS)


def _manager_root(user) -> Unit | None:
    """The top of the user's managed scope when it is one open unit (the usual case)."""
    return scope.home_unit(user, permissions.MANAGERS)


def _unit_search(user, q: str):
    if not q:
        return []
    return list(
        _managed_units(user)
        .search(q)
        .filter(closed_on__isnull=True)
        .select_related("parent")
        .order_by("depth", "sort_key", "pk")[:SEARCH_LIMIT]
    )


def _picked_unit(user, value) -> Unit | None:
    if not value:
        return None
    if not str(value).isdigit():
        raise Http404
    return get_object_or_404(_managed_units(user).select_related("parent"), pk=value)


def filtered_register(request):
    """The register as the user may see it, narrowed by the filters of the query string."""
    form = RegisterFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    qs = Directive.objects.visible_to(request.user).register(**filters)
    return form, qs.select_related("doc_type", "owner_unit").with_implements(request.user)


@login_required
@require_safe
def directive_list(request):
    form, qs = filtered_register(request)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    filtered = any(request.GET.get(name) for name in form.fields)
    return render(
        request,
        "directives/directive_list.html",
        {
            "form": form,
            "page": page,
            "filtered": filtered,
            "can_create": permissions.is_manager(request.user),
            "nav_section": "directives",
        },
    )


@login_required
@require_safe
def directive_export(request):
    from directives.export import register_workbook

    _form, qs = filtered_register(request)
    response = FileResponse(
        register_workbook(qs),
        as_attachment=True,
        filename=f"so-van-ban-{timezone.localdate():%Y%m%d}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    return response


@login_required
@require_safe
def directive_detail(request, pk: int):
    user = request.user
    directive = get_object_or_404(
        Directive.objects.visible_to(user).select_related("doc_type", "owner_unit", "created_by__person"), pk=pk
    )
    today = timezone.localdate()
    other_relations = (
        DirectiveRelation.objects.visible_to(user)
        .filter(Q(source=directive) | Q(target=directive))
        .exclude(kind=DirectiveRelation.Kind.IMPLEMENTS)
        .select_related("source", "target")
    )
    assignments = Assignment.objects.filter(directive=directive).of_units_in_scope(user)
    tasks = list(
        assignments.values("task_key", "task")
        .annotate(
            units=Count("id"),
            open=Count("id", filter=Q(status=Assignment.Status.OPEN)),
            done=Count("id", filter=Q(status=Assignment.Status.DONE)),
            cancelled=Count("id", filter=Q(status=Assignment.Status.CANCELLED)),
            overdue=Count("id", filter=Q(status=Assignment.Status.OPEN, deadline__lt=today)),
            first_deadline=Min("deadline"),
            last_deadline=Max("deadline"),
            progress=Avg("progress", filter=~Q(status=Assignment.Status.CANCELLED)),
            leads=Count("id", filter=Q(role=Assignment.Role.LEAD)),
            coordinates=Count("id", filter=Q(role=Assignment.Role.COORDINATE)),
            monitors=Count("id", filter=Q(role=Assignment.Role.MONITOR)),
        )
        .order_by("-last_deadline", "task")[:100]
    )
    assignment_page = Paginator(
        assignments.select_related("unit").order_by("unit__sort_key", "pk"), PAGE_SIZE
    ).get_page(request.GET.get("apage"))
    can_manage = permissions.may_manage(user, directive.owner_unit)
    # A task handed to many units is one event with no assignment: it names the task, how many units and
    # where. Only those who manage the directive, or hold that task themselves, read it.
    own_rows = Q(assignment__in=assignments)
    untied = Q(assignment__isnull=True) & ~Q(kind=DirectiveEvent.Kind.ASSIGNED)
    bulk = Q(assignment__isnull=True, kind=DirectiveEvent.Kind.ASSIGNED)
    if not can_manage:
        bulk &= Q(note__in=assignments.values("task"))
    context = {
        "directive": directive,
        "parents": cascade_up(directive, user),
        "children": cascade_down(directive, user),
        "other_relations": [(r, r.source_id == directive.pk) for r in other_relations.order_by("-created_at")[:50]],
        "attachments": list(directive.attachments.select_related("uploaded_by__person")),
        "kinds": uploads.KINDS,
        "tasks": tasks,
        "assignment_page": assignment_page,
        "events": _with_change_rows(
            DirectiveEvent.objects.filter(directive=directive)
            .filter(own_rows | untied | bulk)  # nothing of other units' tasks
            .select_related("actor__person", "assignment__unit")[:100]
        ),
        "can_manage": can_manage,
        "can_create": permissions.is_manager(user),
        "attachment_form": AttachmentForm() if can_manage else None,
        "today": today,
        "nav_section": "directives",
    }
    return render(request, "directives/directive_detail.html", context)


def _change_label(name: str, model) -> str:
    extra = {
        "units": _("units"),
        "under": _("under"),
        "kinds": _("kinds of unit"),
        "already_assigned": _("already held it"),
        "roles": _("roles"),
        "own_deadlines": _("units with their own deadline"),
        "progress": _("progress"),
        "files": _("files"),
        "form": _("form"),
        "period": _("period"),
        "obligations": _("reports owed"),
        "relation": _("link"),
        "attachment": _("file"),
    }
    if name in extra:
        return extra[name]
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # a field renamed since the event was written
        return name


def _with_change_rows(events) -> list[DirectiveEvent]:
    """Each event with ``change_rows``: (label, old, new) for the page; the first entry lists nothing."""
    events = list(events)
    assignment_kinds = {
        DirectiveEvent.Kind.ASSIGNED,
        DirectiveEvent.Kind.ASSIGNMENT_UPDATED,
        DirectiveEvent.Kind.ASSIGNMENT_CANCELLED,
    }
    for event in events:
        model = Assignment if event.kind in assignment_kinds else Directive
        rows = []
        if event.kind != DirectiveEvent.Kind.CREATED and isinstance(event.changes, dict):
            for name, values in event.changes.items():
                old, new = (values + ["", ""])[:2] if isinstance(values, list) else ("", values)
                rows.append((_change_label(name, model), old, new))
        event.change_rows = rows
    return events


def _issuer_suggestions(user) -> list[str]:
    return list(Directive.objects.visible_to(user).order_by("issuer").values_list("issuer", flat=True).distinct()[:200])


def _duplicate_context(user, exc: ValidationError) -> dict:
    existing = getattr(exc, "existing", None)
    if existing is None:
        return {}
    return {
        "duplicate": existing,
        "duplicate_visible": Directive.objects.visible_to(user).filter(pk=existing.pk).exists(),
    }


@login_required
def directive_create(request):
    user = request.user
    services.require_registrar(user)
    owner_id = request.POST.get("owner_unit") if request.method == "POST" else request.GET.get("unit")
    owner = _picked_unit(user, owner_id)
    q = request.GET.get("q", "").strip()[:100]
    if owner is None and not q and request.method != "POST":
        owner = _manager_root(user)
    implements_id = request.POST.get("implements") or request.GET.get("implements")
    implements = None
    if implements_id:
        if not str(implements_id).isdigit():
            raise Http404
        implements = get_object_or_404(Directive.objects.visible_to(user), pk=implements_id)
    form = DirectiveForm(request.POST if request.method == "POST" else None, request.FILES or None)
    extra = {}
    if request.method == "POST" and owner is None:
        form.add_error(None, _("Choose the unit that keeps this directive."))
    elif request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        files = data.pop("attachments", [])
        try:
            with transaction.atomic():
                directive = services.directive_create(actor=user, owner_unit=owner, implements=implements, **data)
                for file in files:
                    services.attachment_add(actor=user, directive=directive, file=file)
        except ValidationError as exc:
            add_service_errors(form, exc)
            extra = _duplicate_context(user, exc)
        else:
            messages.success(request, _("%(symbol)s was entered in the register.") % {"symbol": directive.symbol})
            return redirect(directive)
    return render(
        request,
        "directives/directive_form.html",
        {
            "form": form,
            "owner": owner,
            "q": q,
            "results": _unit_search(user, q),
            "searched": bool(q),
            "implements": implements,
            "keep": [("implements", implements.pk)] if implements else [],
            "search_limit": SEARCH_LIMIT,
            "issuers": _issuer_suggestions(user),
            "creating": True,
            "nav_section": "directives",
            **extra,
        },
    )


@login_required
def directive_edit(request, pk: int):
    user = request.user
    directive = get_object_or_404(Directive.objects.visible_to(user).select_related("owner_unit"), pk=pk)
    permissions.require_manage(user, directive.owner_unit)
    form = DirectiveForm(request.POST or None, instance=Directive.objects.get(pk=directive.pk), with_files=False)
    extra = {}
    if request.method == "POST" and form.is_valid():
        try:
            services.directive_update(actor=user, directive=directive, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
            extra = _duplicate_context(user, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(directive)
    return render(
        request,
        "directives/directive_form.html",
        {
            "form": form,
            "directive": directive,
            "owner": directive.owner_unit,
            "issuers": _issuer_suggestions(user),
            "nav_section": "directives",
            **extra,
        },
    )


@login_required
def directive_relate(request, pk: int):
    user = request.user
    directive = get_object_or_404(Directive.objects.visible_to(user).select_related("owner_unit"), pk=pk)
    permissions.require_manage(user, directive.owner_unit)
    q = request.GET.get("q", "").strip()[:100]
    kind = request.POST.get("kind") or request.GET.get("kind") or DirectiveRelation.Kind.IMPLEMENTS
    if request.method == "POST":
        form = RelateForm(request.POST)
        if form.is_valid():
            target = get_object_or_404(Directive.objects.visible_to(user), pk=form.cleaned_data["target"])
            try:
                services.directive_relate(actor=user, source=directive, target=target, kind=form.cleaned_data["kind"])
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("The link was recorded."))
                return redirect(directive)
        else:
            messages.error(request, _("Choose a directive and the kind of link."))
    results = []
    if q:
        results = list(
            Directive.objects.visible_to(user)
            .search(q)
            .exclude(pk=directive.pk)
            .select_related("doc_type")
            .order_by("-issued_on", "-id")[:SEARCH_LIMIT]
        )
    return render(
        request,
        "directives/directive_relate.html",
        {
            "directive": directive,
            "q": q,
            "kind": kind,
            "kinds": DirectiveRelation.Kind.choices,
            "results": results,
            "search_limit": SEARCH_LIMIT,
            "nav_section": "directives",
        },
    )


@login_required
@require_POST
def relation_delete(request, pk: int):
    user = request.user
    relation = get_object_or_404(
        DirectiveRelation.objects.visible_to(user).select_related("source__owner_unit", "target"), pk=pk
    )
    services.directive_unrelate(actor=user, relation=relation)
    messages.success(request, _("The link was removed."))
    return redirect(relation.source)


@login_required
def attachment_add(request, pk: int):
    user = request.user
    directive = get_object_or_404(Directive.objects.visible_to(user).select_related("owner_unit"), pk=pk)
    permissions.require_manage(user, directive.owner_unit)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                for file in form.cleaned_data["files"]:
                    services.attachment_add(actor=user, directive=directive, file=file)
        except ValidationError as exc:
            form.add_error("files", exc.messages)
        else:
            count = len(form.cleaned_data["files"])
            messages.success(request, ngettext("%(n)d file attached.", "%(n)d files attached.", count) % {"n": count})
            return redirect(directive)
    return render(
        request,
        "directives/attachment_form.html",
        {"form": form, "directive": directive, "nav_section": "directives"},
    )


@login_required
@require_safe
def attachment_download(request, pk: int):
    """Always a download, never shown inline: the browser must not render an uploaded file as a page."""
    attachment = get_object_or_404(Attachment.objects.visible_to(request.user), pk=pk)
    return uploads.download(attachment)


def _kind_counts(root: Unit) -> dict[str, int]:
    rows = (
        Unit.objects.subtree(root, include_self=False)
        .open_on(timezone.localdate())
        .values("kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["kind"]: row["n"] for row in rows}


@login_required
def assignment_create(request, pk: int):
    """Hand one task to many units: pick where to start, which kinds of unit under it, or units one by one."""
    user = request.user
    directive = get_object_or_404(Directive.objects.visible_to(user).select_related("owner_unit", "doc_type"), pk=pk)
    permissions.require_manage(user, directive.owner_unit)
    root_id = request.POST.get("root") if request.method == "POST" else request.GET.get("unit")
    root = _picked_unit(user, root_id)
    q = request.GET.get("q", "").strip()[:100]
    if root is None and not q and request.method != "POST":
        root = directive.owner_unit
    form = AssignForm(request.POST or None, root=root, kind_counts=_kind_counts(root) if root else None)
    grid = None
    if request.method == "POST" and root is None:
        form.add_error(None, _("Choose the unit to start from."))
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        targets = {
            "root": root,
            "kinds": data["kinds"],
            "include_root": data["include_root"],
            "only_open": data["only_open"],
            "units": data["units"],
        }
        try:
            if request.POST.get("action") == "grid":
                grid = _grid_rows(request, user, targets, data)
                if grid["units"] or grid["too_many"]:
                    raise _ShowGrid
                raise ValidationError(
                    _("No unit matches this choice. Pick other kinds of unit, or another unit to start from.")
                )
            roles, deadlines = _grid_choices(request.POST) if request.POST.get("grid") == "1" else ({}, {})
            result = services.assignment_bulk_create(
                actor=user,
                directive=directive,
                task=data["task"],
                role=data["role"],
                deadline=data["deadline"],
                report_required=data["report_required"],
                roles=roles,
                deadlines=deadlines,
                **targets,
            )
        except _ShowGrid:
            pass
        except ValidationError as exc:
            add_service_errors(form, exc)
            if request.POST.get("grid") == "1":  # keep the grid and what was chosen in it
                grid = _grid_rows(request, user, targets, data)
        else:
            text = ngettext(
                "The task was assigned to %(n)d unit.", "The task was assigned to %(n)d units.", result.created
            ) % {"n": result.created}
            if result.already:
                text += " " + ngettext(
                    "%(n)d unit already held it and was left as it was.",
                    "%(n)d units already held it and were left as they were.",
                    result.already,
                ) % {"n": result.already}
            (messages.success if result.created else messages.info)(request, text)
            return redirect(directive)
    return render(
        request,
        "directives/assignment_form.html",
        {
            "form": form,
            "directive": directive,
            "root": root,
            "q": q,
            "results": _unit_search(user, q),
            "searched": bool(q),
            "search_limit": SEARCH_LIMIT,
            "grid": grid,
            "grid_limit": GRID_LIMIT,
            "roles": Assignment.Role.choices,
            "nav_section": "directives",
        },
    )


class _ShowGrid(Exception):
    """The form was sent to list the units, one row each, before assigning."""


def _grid_rows(request, user, targets: dict, data: dict) -> dict:
    """The target units for the per-unit grid (at most ``GRID_LIMIT``), with what was already chosen for each."""
    qs = services.assignment_targets(actor=user, **targets).select_related("parent").order_by("search_key", "pk")
    units = list(qs[: GRID_LIMIT + 1])
    too_many = len(units) > GRID_LIMIT
    if too_many:
        return {"units": [], "too_many": True, "count": qs.count()}
    roles, deadlines = _grid_choices(request.POST)
    for unit in units:
        unit.grid_role = roles.get(unit.pk, data["role"])
        unit.grid_deadline = deadlines.get(unit.pk)
    return {"units": units, "too_many": False, "count": len(units)}


def _grid_choices(post) -> tuple[dict[int, str], dict[int, object]]:
    """``role_<unit id>`` and ``deadline_<unit id>`` of the grid; a date that cannot be read is refused."""
    roles, deadlines = {}, {}
    day = DayField(required=False)
    for name, value in post.items():
        prefix, _sep, pk = name.partition("_")
        if not pk.isdigit() or prefix not in ("role", "deadline"):
            continue
        if prefix == "role" and value:
            roles[int(pk)] = value
        elif prefix == "deadline" and value:
            try:
                deadlines[int(pk)] = day.clean(value)
            except ValidationError:
                raise ValidationError(
                    {"deadline": _("A unit's deadline is not a date: %(value)s") % {"value": value[:20]}}
                ) from None
    return roles, deadlines


def _assignment_for_manager(request, pk: int) -> Assignment:
    assignment = get_object_or_404(
        Assignment.objects.visible_to(request.user).select_related("directive__owner_unit", "unit"), pk=pk
    )
    permissions.require_manage(request.user, assignment.directive.owner_unit)
    return assignment


@login_required
def assignment_edit(request, pk: int):
    assignment = _assignment_for_manager(request, pk)
    form = AssignmentChangeForm(request.POST or None, instance=Assignment.objects.get(pk=assignment.pk))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason")
        try:
            services.assignment_update(actor=request.user, assignment=assignment, reason=reason, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The assignment of %(unit)s was changed.") % {"unit": assignment.unit.name})
            return redirect(assignment.directive)
    return render(
        request,
        "directives/assignment_change.html",
        {"form": form, "assignment": assignment, "directive": assignment.directive, "nav_section": "directives"},
    )


@login_required
def assignment_cancel(request, pk: int):
    assignment = _assignment_for_manager(request, pk)
    form = AssignmentCancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_cancel(actor=request.user, assignment=assignment, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The task of %(unit)s was cancelled.") % {"unit": assignment.unit.name})
            return redirect(assignment.directive)
    return render(
        request,
        "directives/assignment_change.html",
        {
            "form": form,
            "assignment": assignment,
            "directive": assignment.directive,
            "cancelling": True,
            "nav_section": "directives",
        },
    )


TASK_FILTERS = ("open", "overdue", "done", "cancelled", "all")


@login_required
@require_safe
def unit_tasks(request, pk: int):
    """Our tasks: every task given to the unit (or its subtree), newest deadline first, with what to do next."""
    from directives.tasks_page import decorate

    user = request.user
    unit = get_object_or_404(Unit.objects.visible_to(user).select_related("parent"), pk=pk)
    today = timezone.localdate()
    subtree = request.GET.get("sub") == "1"
    shown = request.GET.get("status") if request.GET.get("status") in TASK_FILTERS else "all"
    base = Assignment.objects.visible_to(user)
    base = base.filter(tree.subtree_q(unit.path, "unit__path")) if subtree else base.filter(unit=unit)
    counts = base.aggregate(
        open=Count("id", filter=Q(status=Assignment.Status.OPEN)),
        overdue=Count("id", filter=Q(status=Assignment.Status.OPEN, deadline__lt=today)),
        done=Count("id", filter=Q(status=Assignment.Status.DONE)),
        cancelled=Count("id", filter=Q(status=Assignment.Status.CANCELLED)),
        all=Count("id"),
    )
    rows = base
    if shown == "overdue":
        rows = rows.filter(status=Assignment.Status.OPEN, deadline__lt=today)
    elif shown != "all":
        rows = rows.filter(status=shown)
    open_first = Case(When(status=Assignment.Status.OPEN, then=Value(0)), default=Value(1))
    rows = rows.select_related("directive__doc_type", "unit").order_by(
        open_first, F("deadline").desc(nulls_last=True), "-directive__issued_on", "pk"
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    decorate(page.object_list, today)
    return render(
        request,
        "directives/unit_tasks.html",
        {
            "unit": unit,
            "page": page,
            "counts": counts,
            "shown": shown,
            "subtree": subtree,
            "today": today,
            "nav_section": "tasks",
        },
    )


@login_required
@require_safe
def my_tasks(request):
    """Straight to the tasks of the user's own unit; a choice when they hold roles in several units."""
    from units.models import RoleGrant

    grants = list(
        RoleGrant.objects.filter(user=request.user).select_related("unit").order_by("unit__depth", "unit__sort_key")
    )
    units = list({g.unit.pk: g.unit for g in grants}.values())
    if len(units) == 1:
        return redirect(reverse("directives:unit_tasks", args=[units[0].pk]))
    return render(request, "directives/my_tasks.html", {"units": units, "nav_section": "tasks"})
