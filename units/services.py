"""Every write to units, heads, bodies and grants: one atomic function each, with an audit row.

Each refuses a user who may not do it (``units.permissions``): committee staff and administrators change
the units they manage. ``actor=None`` is the system's own loaders (official lists, the demo, commands).
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from units import permissions, scope, tree
from units.models import AuditEvent, Body, BodyMembership, Headship, Person, RoleGrant, Unit, UnitSuccession, User
from units.querysets import in_office_q


def audit_record(*, actor: User | None, action: str, obj, unit: Unit | None, summary: str, data: dict | None = None):
    return AuditEvent.objects.create(
        actor=actor if actor and actor.is_authenticated else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=obj.pk,
        unit=unit,
        summary=summary[:500],
        data=data or {},
    )


def _require_manage(actor: User | None, unit: Unit | None) -> None:
    """A user may change only what belongs to a unit they manage; what belongs to no unit, only a superuser."""
    if actor is None:
        return
    if unit is None:
        if not actor.is_superuser:
            raise PermissionDenied(_("Only a system administrator may do this."))
        return
    permissions.require_manage(actor, unit)


def require_may_give_roles(actor: User, unit: Unit) -> list[str]:
    """The roles ``actor`` may give over ``unit`` (the logins page's choice); refused if none."""
    roles = permissions.grantable_roles(actor, unit)
    if not roles:
        raise PermissionDenied(_("Only committee staff or administrators of this unit may manage its logins."))
    return roles


def _changes(instance, fields: dict) -> dict:
    changed = {}
    for name, value in fields.items():
        old = getattr(instance, name)
        if old != value:
            changed[name] = [str(old) if old is not None else "", str(value) if value is not None else ""]
            setattr(instance, name, value)
    return changed


@transaction.atomic
def unit_create(*, actor: User | None, name: str, kind: str, parent: Unit | None, **fields) -> Unit:
    _require_manage(actor, parent)
    unit = Unit(name=name, kind=kind, parent=parent, **fields)
    unit.full_clean(exclude=["path"])
    unit.save()
    audit_record(actor=actor, action="unit.created", obj=unit, unit=unit, summary=_("Unit created: %s") % unit.name)
    return unit


@transaction.atomic
def unit_update(*, actor: User | None, unit: Unit, **fields) -> Unit:
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    _require_manage(actor, unit)
    new_parent = fields.get("parent", unit.parent)
    if new_parent != unit.parent:
        _require_manage(actor, new_parent)
    if new_parent is not None and tree.is_within(new_parent.path, unit.path):
        raise ValidationError({"parent": _("A unit cannot be placed under itself or one of its own units.")})
    changed = _changes(unit, fields)
    if not changed:
        return unit
    unit.full_clean(exclude=["path"])
    unit.save()
    audit_record(
        actor=actor, action="unit.updated", obj=unit, unit=unit, summary=_("Unit changed: %s") % unit.name, data=changed
    )
    if {"opened_on", "closed_on"} & changed.keys():
        unit_dates_changed(actor=actor, unit_ids=[unit.pk])
    return unit


def unit_dates_changed(*, actor: User | None, unit_ids) -> int:
    """Units opened or closed on new dates owe only the periods they are open on the last day of: their
    reports not yet filed for the others go, in the caller's transaction (``reports.generation``)."""
    from reports.generation import obligations_follow_unit

    return obligations_follow_unit(actor=actor, unit_ids=unit_ids)


@transaction.atomic
def unit_close(
    *,
    actor: User | None,
    unit: Unit,
    closed_on: datetime.date,
    successor: Unit | None = None,
    kind: str = UnitSuccession.Kind.MERGED,
) -> Unit:
    """Close ``unit`` from ``closed_on`` (its last day open is the day before), merged into ``successor`` if given.

    It owes no report for a period ending on or after ``closed_on``: those not yet filed are removed now.
    What it filed stays and, through the succession link, counts with its successor's history.
    """
    if successor is not None:
        if successor.pk == unit.pk or tree.is_within(successor.path, unit.path):
            raise ValidationError({"successor": _("A unit cannot be merged into itself or one of its own units.")})
        if not successor.is_open_on(closed_on):
            raise ValidationError(
                {
                    "successor": _("%(unit)s is not open on %(date)s.")
                    % {"unit": successor, "date": f"{closed_on:%d/%m/%Y}"}
                }
            )
    unit = unit_update(actor=actor, unit=unit, closed_on=closed_on)
    if successor is not None:
        link, _created = UnitSuccession.objects.update_or_create(
            predecessor=unit, successor=successor, defaults={"kind": kind, "effective_on": closed_on}
        )
        audit_record(
            actor=actor,
            action="unit.merged",
            obj=link,
            unit=successor,
            summary=_("%(former)s %(kind)s %(successor)s from %(date)s")
            % {
                "former": unit.name,
                "kind": link.get_kind_display(),
                "successor": successor.name,
                "date": f"{closed_on:%d/%m/%Y}",
            },
        )
    return unit


def head_on(unit: Unit, day: datetime.date) -> Headship | None:
    """The accountable head of ``unit`` on ``day`` (None if the post was vacant)."""
    return (
        Headship.objects.filter(in_office_q(day), unit=unit, is_principal=True)
        .select_related("person")
        .order_by("-started_on")
        .first()
    )


def _overlapping(qs, started_on: datetime.date, ended_on: datetime.date | None):
    qs = qs.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=started_on))
    if ended_on is not None:
        qs = qs.filter(started_on__lte=ended_on)
    return qs


@transaction.atomic
def headship_create(
    *,
    actor: User | None,
    unit: Unit,
    person: Person,
    title: str,
    started_on: datetime.date,
    ended_on: datetime.date | None = None,
    is_principal: bool = True,
    decision: str = "",
    function: str = "",
    is_deputy: bool = False,
) -> Headship:
    """Appoint ``person`` to a post. Refused (with the holder's name) if the post is held then.

    The body the post heads (``function``) is read from the title unless given, and so is a deputy's rank.
    """
    _require_manage(actor, unit)
    Unit.objects.select_for_update().filter(pk=unit.pk).first()  # serialise appointments per unit
    is_deputy = is_deputy or Headship.function_of(title)[1]
    # A body has one head at a time but may have several deputies (two Phó Chủ tịch UBND): deputies share a title.
    same_title = Q(pk__in=[]) if is_deputy else Q(title__iexact=title.strip(), is_deputy=False)
    same_post = Headship.objects.filter(unit=unit).filter(
        same_title | Q(is_principal=True) if is_principal else same_title
    )
    clash = _overlapping(same_post, started_on, ended_on).select_related("person").first()
    if clash:
        raise ValidationError(
            _("%(person)s already holds this post (%(title)s) from %(start)s; end that term first.")
            % {"person": clash.person, "title": clash.title, "start": clash.started_on.strftime("%d/%m/%Y")}
        )
    headship = Headship(
        unit=unit,
        person=person,
        title=title.strip(),
        function=function or "",
        is_deputy=is_deputy,
        started_on=started_on,
        ended_on=ended_on,
        is_principal=is_principal,
        decision=decision,
    )
    headship.full_clean()
    try:
        with transaction.atomic():
            headship.save()
    except IntegrityError as exc:  # the database's own refusal, if two appointments raced
        raise ValidationError(_("This post is already held during these dates.")) from exc
    audit_record(
        actor=actor,
        action="headship.created",
        obj=headship,
        unit=unit,
        summary=_("%(person)s appointed %(title)s from %(start)s")
        % {"person": person, "title": headship.title, "start": started_on.strftime("%d/%m/%Y")},
    )
    return headship


@transaction.atomic
def headship_end(*, actor: User | None, headship: Headship, ended_on: datetime.date) -> Headship:
    headship = Headship.objects.select_for_update().get(pk=headship.pk)
    _require_manage(actor, headship.unit)
    if ended_on < headship.started_on:
        raise ValidationError({"ended_on": _("A term cannot end before it starts.")})
    headship.ended_on = ended_on
    headship.save(update_fields=["ended_on"])
    audit_record(
        actor=actor,
        action="headship.ended",
        obj=headship,
        unit=headship.unit,
        summary=_("%(person)s left the post %(title)s on %(end)s")
        % {"person": headship.person, "title": headship.title, "end": ended_on.strftime("%d/%m/%Y")},
    )
    return headship


@transaction.atomic
def person_create(*, actor: User | None, full_name: str, **fields) -> Person:
    _require_manage(actor, fields.get("unit"))
    person = Person(full_name=full_name.strip(), **fields)
    person.full_clean()
    person.save()
    audit_record(
        actor=actor, action="person.created", obj=person, unit=person.unit, summary=_("Person added: %s") % person
    )
    return person


@transaction.atomic
def person_update(*, actor: User | None, person: Person, **fields) -> Person:
    person = Person.objects.select_for_update().get(pk=person.pk)
    _require_manage(actor, person.unit)
    changed = _changes(person, fields)
    if changed:
        person.full_clean()
        person.save()
        audit_record(
            actor=actor,
            action="person.updated",
            obj=person,
            unit=person.unit,
            summary=_("Person changed: %s") % person,
            data=changed,
        )
    return person


@transaction.atomic
def body_create(*, actor: User | None, unit: Unit, kind: str, name: str, **fields) -> Body:
    _require_manage(actor, unit)
    body = Body(unit=unit, kind=kind, name=name, **fields)
    body.full_clean()
    body.save()
    audit_record(actor=actor, action="body.created", obj=body, unit=unit, summary=_("Body established: %s") % body)
    return body


@transaction.atomic
def body_update(*, actor: User | None, body: Body, **fields) -> Body:
    body = Body.objects.select_for_update().get(pk=body.pk)
    _require_manage(actor, body.unit)
    changed = _changes(body, fields)
    if changed:
        body.full_clean()
        body.save()
        audit_record(
            actor=actor,
            action="body.updated",
            obj=body,
            unit=body.unit,
            summary=_("Body changed: %s") % body,
            data=changed,
        )
    return body


@transaction.atomic
def membership_add(
    *,
    actor: User | None,
    body: Body,
    person: Person,
    role: str,
    started_on: datetime.date,
    ended_on: datetime.date | None = None,
) -> BodyMembership:
    _require_manage(actor, body.unit)
    membership = BodyMembership(body=body, person=person, role=role, started_on=started_on, ended_on=ended_on)
    membership.full_clean()
    membership.save()
    audit_record(
        actor=actor,
        action="membership.added",
        obj=membership,
        unit=body.unit,
        summary=_("%(person)s joined %(body)s as %(role)s")
        % {"person": person, "body": body, "role": membership.get_role_display()},
    )
    return membership


@transaction.atomic
def membership_end(*, actor: User | None, membership: BodyMembership, ended_on: datetime.date) -> BodyMembership:
    _require_manage(actor, membership.body.unit)
    if ended_on < membership.started_on:
        raise ValidationError({"ended_on": _("A term cannot end before it starts.")})
    membership.ended_on = ended_on
    membership.save(update_fields=["ended_on"])
    audit_record(
        actor=actor,
        action="membership.ended",
        obj=membership,
        unit=membership.body.unit,
        summary=_("%(person)s left %(body)s") % {"person": membership.person, "body": membership.body},
    )
    return membership


@transaction.atomic
def role_grant(*, actor: User | None, user: User, role: str, unit: Unit) -> RoleGrant:
    if actor is not None and role not in require_may_give_roles(actor, unit):
        raise PermissionDenied(_("You may not give this role."))
    grant, created = RoleGrant.objects.get_or_create(user=user, role=role, unit=unit, defaults={"granted_by": actor})
    if created:
        audit_record(
            actor=actor,
            action="role.granted",
            obj=grant,
            unit=unit,
            summary=_("%(user)s: %(role)s over %(unit)s")
            % {"user": user.display_name, "role": grant.get_role_display(), "unit": unit},
        )
    return grant


@transaction.atomic
def role_revoke(*, actor: User | None, grant: RoleGrant) -> None:
    if actor is not None:
        if grant.role not in permissions.grantable_roles(actor, grant.unit):
            raise PermissionDenied(_("You may not take this role away."))
        if grant.user_id == actor.pk and grant.role == RoleGrant.Role.ADMIN:
            raise ValidationError(_("You cannot take away your own administrator role."))
    audit_record(
        actor=actor,
        action="role.revoked",
        obj=grant,
        unit=grant.unit,
        summary=_("%(user)s no longer %(role)s over %(unit)s")
        % {"user": grant.user.display_name, "role": grant.get_role_display(), "unit": grant.unit},
    )
    grant.delete()


def manageable_logins(actor: User):
    """Logins the actor may give a role to: of people in, or roles over, units the actor manages."""
    managers = permissions.MANAGERS
    q = scope.in_scope_q(actor, "person__unit__path", managers)
    if q is None:
        return User.objects.none()
    if q == Q():
        return User.objects.all()
    grants = scope.in_scope_q(actor, "role_grants__unit__path", managers)
    return User.objects.filter(pk__in=User.objects.filter(q | grants).values("pk"))


@transaction.atomic
def account_create(*, actor: User | None, username: str, full_name: str, email: str, password: str, unit: Unit) -> User:
    """A login for a person of ``unit``; the person row carries the name and e-mail used for reminders."""
    if actor is not None:
        require_may_give_roles(actor, unit)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This user name cannot be used: choose another one.")})
    user = User.objects.create_user(username=username, email=email, password=password)
    person = Person.objects.filter(unit=unit, user__isnull=True, email__iexact=email).first() if email else None
    if person is None:
        person = Person(full_name=full_name, email=email, unit=unit)
    person.user = user
    person.full_name = full_name or person.full_name
    person.save()
    audit_record(
        actor=actor, action="account.created", obj=user, unit=unit, summary=_("Login created for %s") % person.full_name
    )
    return user
