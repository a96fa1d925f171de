"""The watch list pages. Every watch is fetched through ``Watch.objects.visible_to(user)``: another
unit's watch is a 404; the pages that change something also check ``permissions.may_follow_up`` (403)."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from directives import watches
from directives.forms import WatchCloseForm, WatchFilterForm, WatchForm, WatchReviewForm, WatchTaskForm, WatchVisitForm
from directives.models import Directive, Watch, WatchAction, WatchEvent
from units import permissions, scope
from units.forms import add_service_errors
from units.models import Unit
from units.text import search_key

PAGE_SIZE = 50
DEFAULT_REVIEW_DAYS = 30


@login_required
@require_safe
def watch_list(request):
    user = request.user
    form = WatchFilterForm(request.GET or None)
    qs = Watch.objects.visible_to(user)
    shown = "open"
    if form.is_bound and form.is_valid():
        if form.cleaned_data["q"]:
            qs = qs.filter(unit__search_key__contains=search_key(form.cleaned_data["q"]))
        shown = form.cleaned_data["status"]
    if shown:
        qs = qs.filter(status=shown)
    today = timezone.localdate()
    qs = qs.select_related("unit__parent", "opened_by__person").annotate(action_count=Count("actions"))
    page = Paginator(qs.order_by("status", "review_on", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "directives/watch_list.html",
        {"form": form, "page": page, "today": today, "shown": shown, "nav_section": "watches"},
    )


def _watchable_unit(request, pk) -> Unit:
    if not str(pk or "").isdigit():
        raise Http404
    unit = get_object_or_404(Unit.objects.visible_to(request.user).select_related("parent"), pk=pk)
    if not permissions.may_watch(request.user, unit):
        raise PermissionDenied(
            _("Only committee staff or administrators above %(unit)s may do this.") % {"unit": unit.name}
        )
    return unit


@login_required
def watch_create(request):
    """Put a unit on the watch list (reached from the dashboard and the unit's page)."""
    user = request.user
    unit = _watchable_unit(request, request.POST.get("unit") if request.method == "POST" else request.GET.get("unit"))
    existing = Watch.objects.visible_to(user).filter(unit=unit, status=Watch.Status.OPEN).first()
    if existing is not None and request.method != "POST":
        messages.info(request, _("%(unit)s is already on the watch list.") % {"unit": unit.name})
        return redirect(existing)
    today = timezone.localdate()
    form = WatchForm(request.POST or None, initial={"review_on": today + datetime.timedelta(days=DEFAULT_REVIEW_DAYS)})
    if request.method == "POST" and form.is_valid():
        try:
            watch = watches.watch_open(actor=user, unit=unit, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(unit)s is on the watch list.") % {"unit": unit.name})
            return redirect(watch)
    return render(request, "directives/watch_form.html", {"form": form, "unit": unit, "nav_section": "watches"})


def _task_directives(user):
    """Directives in force the user manages: a follow-up task is one of their tasks."""
    return (
        Directive.objects.visible_to(user)
        .managed_by(user)
        .filter(status=Directive.Status.IN_FORCE)
        .select_related("doc_type")
        .order_by("-issued_on", "-id")
    )


def _forms(watch, user, bound=None, data=None):
    """The follow-up forms of the page; the one that was sent is bound to what was sent."""

    def make(name, cls, **kw):
        return cls(data if bound == name else None, **kw)

    today = timezone.localdate()
    return {
        "task_form": make("task", WatchTaskForm, directives=_task_directives(user)),
        "visit_form": make("visit", WatchVisitForm, initial={"happened_on": today}),
        "review_form": make("review", WatchReviewForm, initial={"review_on": watch.review_on}),
        "close_form": make("close", WatchCloseForm),
    }


@login_required
def watch_detail(request, pk: int):
    user = request.user
    watch = get_object_or_404(
        Watch.objects.visible_to(user).select_related("unit__parent", "opened_by__person", "closed_by__person"), pk=pk
    )
    may_act = permissions.may_follow_up(user, watch)
    bound = request.POST.get("step") if request.method == "POST" else None
    if bound and not may_act:
        raise PermissionDenied(_("You may not change this watch."))
    forms = _forms(watch, user, bound, request.POST) if may_act else {}
    if bound in ("task", "visit", "review", "close"):
        form = forms[f"{bound}_form"]
        if form.is_valid():
            try:
                text = _apply(bound, user, watch, form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, text)
                return redirect(watch)
    actions = list(
        WatchAction.objects.filter(watch=watch)
        .select_related("assignment__directive", "actor__person")
        .order_by("-happened_on", "-id")[:200]
    )
    events = list(WatchEvent.objects.filter(watch=watch).select_related("actor__person")[:200])
    return render(
        request,
        "directives/watch_detail.html",
        {
            "watch": watch,
            "actions": actions,
            "events": events,
            "may_act": may_act,
            "bound": bound,
            "today": timezone.localdate(),
            "nav_section": "watches",
            **forms,
        },
    )


def _apply(step: str, user, watch: Watch, data: dict) -> str:
    if step == "task":
        watches.watch_give_task(actor=user, watch=watch, **data)
        return _("The follow-up task was given to %(unit)s.") % {"unit": watch.unit.name}
    if step == "visit":
        watches.watch_record_visit(actor=user, watch=watch, **data)
        return _("The follow-up was recorded.")
    if step == "review":
        watches.watch_move_review(actor=user, watch=watch, **data)
        return _("The review date was changed.")
    watches.watch_close(actor=user, watch=watch, **data)
    return _("%(unit)s was taken off the watch list.") % {"unit": watch.unit.name}


def watches_of(user, *, unit: Unit | None = None, under: Unit | None = None, limit: int = 10) -> dict:
    """Watches the user may see: every one of ``unit`` (the unit's page, one query), or the open ones of
    the units under ``under`` (the dashboard, two queries: the nearest reviews and the counts)."""
    qs = Watch.objects.visible_to(user)
    today = timezone.localdate()
    context = {
        "today": today,
        "may_watch": unit is not None and permissions.may_watch(user, unit),
        "may_see": bool(scope.scope_paths(user, permissions.WATCH_READERS)),
        "unit": unit,
        "under": under,
    }
    if not context["may_see"]:
        return context
    if unit is not None:
        # At most one watch of a unit is open (a constraint) and it sorts first, so the counts come from the rows.
        rows = list(
            qs.filter(unit=unit)
            .annotate(action_count=Count("actions"))
            .order_by("status", "-created_at", "-pk")[:limit]
        )
        open_rows = [w for w in rows if w.is_open]
        counts = {"open": len(open_rows), "due": sum(1 for w in open_rows if w.review_on <= today)}
        return {**context, "rows": rows, "counts": counts, "more": len(rows) == limit}
    if under is not None:
        qs = qs.filter(unit__path__startswith=under.path)
    qs = qs.filter(status=Watch.Status.OPEN)
    counts = qs.aggregate(open=Count("id"), due=Count("id", filter=Q(review_on__lte=today)))
    rows = []
    if counts["open"]:
        rows = list(
            qs.select_related("unit").annotate(action_count=Count("actions")).order_by("review_on", "pk")[:limit]
        )
    return {**context, "rows": rows, "counts": counts, "more": counts["open"] > len(rows)}
