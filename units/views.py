"""Pages of units, heads, bodies and people. Every object is fetched through ``visible_to(user)``.

The services refuse a user who may not change what they post; a page that shows a form asks the same
refusal (``permissions.require_manage``) before it shows the form, and the predicates decide which
buttons a page shows."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from units import permissions, scope, services, tree
from units.forms import (
    BodyForm,
    EndTermForm,
    GrantForm,
    HeadshipForm,
    MembershipForm,
    PersonForm,
    UnitForm,
    UnitSearchForm,
    add_service_errors,
)
from units.models import AuditEvent, Body, BodyMembership, Headship, Person, RoleGrant, Unit

PAGE_SIZE = 50


def _with_child_flags(qs):
    return qs.with_child_flags().only("pk", "name", "kind", "code", "path", "closed_on", "opened_on", "type_name")


def _show_closed(request) -> bool:
    return request.GET.get("closed") == "1"


@login_required
@require_safe
def home(request):
    grants = (
        RoleGrant.objects.filter(user=request.user).select_related("unit").order_by("unit__path", "role")
        if not request.user.is_superuser
        else RoleGrant.objects.none()
    )
    roots = _scope_roots(request.user)
    return render(
        request,
        "units/home.html",
        {"grants": grants, "roots": roots, "nav_section": "home", "today": timezone.localdate()},
    )


def _scope_roots(user, show_closed: bool = False, limit: int = 50):
    """The top units of the user's scope: where their tree starts (former units only on request)."""
    paths = scope.scope_paths(user)
    if paths == [scope.ALL]:
        roots = Unit.objects.filter(parent__isnull=True)
    else:
        roots = Unit.objects.filter(pk__in=[tree.unit_id_of(p) for p in paths[:limit]])
    if not show_closed:
        roots = roots.filter(closed_on__isnull=True)
    return list(_with_child_flags(roots).order_by("closed_on", "sort_key", "pk"))


@login_required
@require_safe
def unit_tree(request):
    form = UnitSearchForm(request.GET or None)
    q = form.data.get("q", "").strip() if form.is_bound and form.is_valid() else ""
    context = {"form": form, "q": q, "nav_section": "units", "show_closed": _show_closed(request)}
    if q:
        results = Unit.objects.visible_to(request.user).listed(q=q)
        if not context["show_closed"]:
            results = results.filter(closed_on__isnull=True)
        results = results.select_related("parent")
        context["page"] = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    else:
        context["roots"] = _scope_roots(request.user, context["show_closed"])
    return render(request, "units/unit_tree.html", context)


@login_required
@require_safe
def unit_children(request, pk: int):
    """One page of a unit's children, as a fragment the tree inserts when a node is opened."""
    unit = get_object_or_404(Unit.objects.visible_to(request.user), pk=pk)
    children = Unit.objects.filter(parent=unit)
    if not _show_closed(request):
        children = children.filter(closed_on__isnull=True)
    page = Paginator(_with_child_flags(children).in_name_order(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "units/_tree_nodes.html", {"unit": unit, "page": page, "show_closed": _show_closed(request)})


@login_required
@require_safe
def unit_detail(request, pk: int):
    unit = get_object_or_404(Unit.objects.visible_to(request.user).select_related("parent"), pk=pk)
    today = timezone.localdate()
    children = Unit.objects.filter(parent=unit)
    show_closed = _show_closed(request)
    if not show_closed:
        children = children.filter(closed_on__isnull=True)
    children_page = Paginator(
        children.order_by("sort_key", "pk").only("pk", "name", "kind", "code", "closed_on"), PAGE_SIZE
    )
    headships = list(
        Headship.objects.visible_to(request.user)
        .filter(unit=unit)
        .select_related("person")
        .order_by("-started_on")[:50]
    )
    current_heads = [h for h in headships if h.started_on <= today and (h.ended_on is None or h.ended_on >= today)]
    current_members = (
        BodyMembership.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
        .select_related("person")
        .order_by(BodyMembership.role_order(), "person__sort_key")
    )
    bodies = list(
        Body.objects.filter(unit=unit)
        .prefetch_related(Prefetch("memberships", queryset=current_members, to_attr="current_members"))
        .order_by("dissolved_on", "kind", "name")
    )
    context = {
        "unit": unit,
        "ancestors": unit.ancestors(),
        "children_page": children_page.get_page(request.GET.get("page")),
        "show_closed": show_closed,
        "current_heads": current_heads,
        "headships": headships,
        "bodies": bodies,
        "successor_links": list(unit.succession_links_out.select_related("successor")),
        "predecessor_links": list(
            unit.succession_links_in.select_related("predecessor").order_by("predecessor__sort_key")[:100]
        ),
        "events": AuditEvent.objects.visible_to(request.user).filter(unit=unit).select_related("actor__person")[:6],
        "can_manage": permissions.may_manage(request.user, unit),
        "nav_section": "units",
        "today": today,
    }
    return render(request, "units/unit_detail.html", context)


@login_required
def unit_create(request, parent_pk: int):
    parent = get_object_or_404(Unit.objects.visible_to(request.user), pk=parent_pk)
    permissions.require_manage(request.user, parent)
    form = UnitForm(request.POST or None, initial={"kind": _default_child_kind(parent)})
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_create(actor=request.user, parent=parent, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Unit “%s” was created.") % unit.name)
            return redirect(unit)
    return render(
        request, "units/unit_form.html", {"form": form, "parent": parent, "nav_section": "units", "creating": True}
    )


def _default_child_kind(parent: Unit) -> str:
    if parent.kind in Unit.PROVINCIAL_KINDS:
        return Unit.Kind.WARD
    if parent.kind in Unit.COMMUNAL_KINDS:
        return Unit.Kind.VILLAGE
    return Unit.Kind.AGENCY


@login_required
def unit_edit(request, pk: int):
    unit = get_object_or_404(Unit.objects.visible_to(request.user), pk=pk)
    permissions.require_manage(request.user, unit)
    form = UnitForm(request.POST or None, instance=Unit.objects.get(pk=unit.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_update(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(unit)
    return render(request, "units/unit_form.html", {"form": form, "unit": unit, "nav_section": "units"})


def _people_for(unit: Unit):
    """People a manager may pick for a unit: those of the unit and those already heading it."""
    return Person.objects.filter(Q(unit=unit) | Q(headships__unit=unit) | Q(memberships__body__unit=unit)).distinct()


def _person_from(form, *, actor, unit: Unit) -> Person:
    data = form.cleaned_data
    if data.get("person"):
        return data["person"]
    return services.person_create(
        actor=actor, full_name=data["new_full_name"], email=data.get("new_email") or "", unit=unit
    )


@login_required
def headship_create(request, pk: int):
    unit = get_object_or_404(Unit.objects.visible_to(request.user), pk=pk)
    permissions.require_manage(request.user, unit)
    form = HeadshipForm(request.POST or None, people=_people_for(unit), initial={"started_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with services.transaction.atomic():
                person = _person_from(form, actor=request.user, unit=unit)
                services.headship_create(
                    actor=request.user,
                    unit=unit,
                    person=person,
                    title=data["title"],
                    started_on=data["started_on"],
                    ended_on=data["ended_on"],
                    is_principal=data["is_principal"],
                    decision=data["decision"],
                    function=data["function"],
                    is_deputy=data["is_deputy"],
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("%(person)s is recorded as %(title)s.") % {"person": person, "title": data["title"]}
            )
            return redirect(unit)
    return render(
        request,
        "units/headship_form.html",
        {"form": form, "unit": unit, "suggestions": Headship.TITLE_SUGGESTIONS, "nav_section": "units"},
    )


@login_required
def headship_end(request, pk: int):
    headship = get_object_or_404(Headship.objects.visible_to(request.user).select_related("unit", "person"), pk=pk)
    permissions.require_manage(request.user, headship.unit)
    form = EndTermForm(request.POST or None, initial={"ended_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.headship_end(actor=request.user, headship=headship, ended_on=form.cleaned_data["ended_on"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The term was ended."))
            return redirect(headship.unit)
    return render(
        request,
        "units/end_term_form.html",
        {"form": form, "unit": headship.unit, "what": f"{headship.title}: {headship.person}", "nav_section": "units"},
    )


@login_required
def body_create(request, pk: int):
    unit = get_object_or_404(Unit.objects.visible_to(request.user), pk=pk)
    permissions.require_manage(request.user, unit)
    form = BodyForm(
        request.POST or None, initial={"name": _("Steering committee for grassroots democracy, %s") % unit.name}
    )
    if request.method == "POST" and form.is_valid():
        try:
            body = services.body_create(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("“%s” was created. Now add its members.") % body.name)
            return redirect(body)
    return render(request, "units/body_form.html", {"form": form, "unit": unit, "nav_section": "units"})


@login_required
@require_safe
def body_detail(request, pk: int):
    body = get_object_or_404(Body.objects.visible_to(request.user).select_related("unit"), pk=pk)
    memberships = body.memberships.select_related("person").order_by(BodyMembership.role_order(), "started_on")
    today = timezone.localdate()
    return render(
        request,
        "units/body_detail.html",
        {
            "body": body,
            "unit": body.unit,
            "current": [m for m in memberships if m.ended_on is None or m.ended_on >= today],
            "former": [m for m in memberships if m.ended_on is not None and m.ended_on < today],
            "can_manage": permissions.may_manage(request.user, body.unit),
            "nav_section": "units",
        },
    )


@login_required
def body_edit(request, pk: int):
    body = get_object_or_404(Body.objects.visible_to(request.user).select_related("unit"), pk=pk)
    permissions.require_manage(request.user, body.unit)
    form = BodyForm(request.POST or None, instance=Body.objects.get(pk=body.pk))
    if request.method == "POST" and form.is_valid():
        services.body_update(actor=request.user, body=body, **form.cleaned_data)
        messages.success(request, _("Changes saved."))
        return redirect(body)
    return render(
        request, "units/body_form.html", {"form": form, "unit": body.unit, "body": body, "nav_section": "units"}
    )


@login_required
def membership_add(request, pk: int):
    body = get_object_or_404(Body.objects.visible_to(request.user).select_related("unit"), pk=pk)
    permissions.require_manage(request.user, body.unit)
    form = MembershipForm(
        request.POST or None,
        people=_people_for(body.unit),
        initial={"started_on": body.decision_date or timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with services.transaction.atomic():
                person = _person_from(form, actor=request.user, unit=body.unit)
                services.membership_add(
                    actor=request.user,
                    body=body,
                    person=person,
                    role=data["role"],
                    started_on=data["started_on"],
                    ended_on=data["ended_on"],
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%s was added.") % person)
            return redirect(body)
    return render(
        request, "units/membership_form.html", {"form": form, "body": body, "unit": body.unit, "nav_section": "units"}
    )


@login_required
@require_POST
def membership_end(request, pk: int):
    membership = get_object_or_404(
        BodyMembership.objects.visible_to(request.user).select_related("body__unit", "person"), pk=pk
    )
    permissions.require_manage(request.user, membership.body.unit)
    form = EndTermForm(request.POST)
    if form.is_valid():
        try:
            services.membership_end(actor=request.user, membership=membership, ended_on=form.cleaned_data["ended_on"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("%s left the body.") % membership.person)
    else:
        messages.error(request, _("Enter the last day of the term."))
    return redirect(membership.body)


@login_required
@require_safe
def person_list(request):
    q = request.GET.get("q", "").strip()[:100]
    people = Person.objects.visible_to(request.user).select_related("unit").listed(q=q)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "units/person_list.html", {"page": page, "q": q, "nav_section": "people"})


@login_required
@require_safe
def person_detail(request, pk: int):
    person = get_object_or_404(Person.objects.visible_to(request.user).select_related("unit", "user"), pk=pk)
    headships = person.headships.visible_to(request.user).select_related("unit").order_by("-started_on")
    memberships = person.memberships.visible_to(request.user).select_related("body__unit").order_by("-started_on")
    return render(
        request,
        "units/person_detail.html",
        {
            "person": person,
            "headships": headships,
            "memberships": memberships,
            "can_manage": person.unit is not None and permissions.may_manage(request.user, person.unit),
            "nav_section": "people",
            "today": timezone.localdate(),
        },
    )


@login_required
def person_edit(request, pk: int):
    person = get_object_or_404(Person.objects.visible_to(request.user).select_related("unit"), pk=pk)
    if person.unit is None:
        raise PermissionDenied
    permissions.require_manage(request.user, person.unit)
    form = PersonForm(request.POST or None, instance=Person.objects.get(pk=person.pk))
    if request.method == "POST" and form.is_valid():
        services.person_update(actor=request.user, person=person, **form.cleaned_data)
        messages.success(request, _("Changes saved."))
        return redirect(person)
    return render(request, "units/person_form.html", {"form": form, "person": person, "nav_section": "people"})


@login_required
def unit_access(request, pk: int):
    """Who holds which role over this unit, and giving a role (with a new login if needed)."""
    unit = get_object_or_404(Unit.objects.visible_to(request.user), pk=pk)
    roles = services.require_may_give_roles(request.user, unit)
    form = GrantForm(request.POST or None, roles=roles, logins=services.manageable_logins(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with services.transaction.atomic():
                user = data["user"] or services.account_create(
                    actor=request.user,
                    username=data["username"].strip(),
                    full_name=data["full_name"],
                    email=data["email"] or "",
                    password=data["password"],
                    unit=unit,
                )
                grant = services.role_grant(actor=request.user, user=user, role=data["role"], unit=unit)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(user)s is now %(role)s of %(unit)s.")
                % {"user": user.display_name, "role": grant.get_role_display(), "unit": unit},
            )
            return redirect("units:unit_access", pk=unit.pk)
    grants = (
        RoleGrant.objects.visible_to(request.user)
        .filter(unit=unit)
        .select_related("user__person")
        .order_by("role", "user__username")
    )
    return render(
        request,
        "units/unit_access.html",
        {"unit": unit, "form": form, "grants": grants, "grantable": roles, "nav_section": "units"},
    )


@login_required
@require_POST
def grant_revoke(request, pk: int):
    grant = get_object_or_404(RoleGrant.objects.visible_to(request.user).select_related("unit", "user"), pk=pk)
    try:
        services.role_revoke(actor=request.user, grant=grant)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The role was taken away."))
    return redirect("units:unit_access", pk=grant.unit_id)
