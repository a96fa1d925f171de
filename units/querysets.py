import datetime

from django.db import models
from django.db.models import Q

from units import scope, tree
from units.text import search_key


class UnitQuerySet(models.QuerySet):
    def visible_to(self, user, roles=None) -> "UnitQuerySet":
        q = scope.in_scope_q(user, "path", roles)
        return self.none() if q is None else self.filter(q)

    def subtree(self, unit, include_self: bool = True) -> "UnitQuerySet":
        qs = self.filter(tree.subtree_q(unit.path))
        return qs if include_self else qs.exclude(pk=unit.pk)

    def open_on(self, day: datetime.date) -> "UnitQuerySet":
        return self.filter(Q(opened_on__isnull=True) | Q(opened_on__lte=day)).filter(
            Q(closed_on__isnull=True) | Q(closed_on__gt=day)
        )

    def search(self, text: str) -> "UnitQuerySet":
        """Every word must start a word of the name, diacritics and case ignored: 'tu son' finds 'Từ Sơn'."""
        return self.filter(search_q(text))

    def listed(self, *, q: str = "", kind: str = "", parent=None) -> "UnitQuerySet":
        """A list of units as pages and API filter it (empty filters left out), top levels first, then by name."""
        qs = self.search(q) if q else self
        if kind:
            qs = qs.filter(kind=kind)
        if parent:
            qs = qs.filter(parent=parent)
        return qs.order_by("depth", "sort_key", "pk")

    def in_name_order(self) -> "UnitQuerySet":
        """Vietnamese alphabetical order (``units.text.sort_key``)."""
        return self.order_by("sort_key", "pk")

    def with_child_flags(self) -> "UnitQuerySet":
        """Each unit's ``has_children``, for a tree that opens a node only when there is something below."""
        return self.annotate(has_children=models.Exists(self.model.objects.filter(parent=models.OuterRef("pk"))))


def in_office_q(day: datetime.date, prefix: str = "") -> Q:
    """Headships and memberships (dated ``started_on``/``ended_on``, ``prefix`` for a related row) held on ``day``."""
    return Q(**{f"{prefix}started_on__lte": day}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": day})
    )


def search_q(text: str, field: str = "search_key") -> Q:
    q = Q()
    for word in search_key(text).split():
        q &= Q(**{f"{field}__startswith": word}) | Q(**{f"{field}__contains": " " + word})
    return q


def visible_units_q(user, field: str, roles=None) -> Q | None:
    """For other apps: a filter on ``<field>__path`` that keeps rows of units in the user's scope."""
    return scope.in_scope_q(user, f"{field}__path", roles)


class PersonQuerySet(models.QuerySet):
    def visible_to(self, user) -> "PersonQuerySet":
        """People who work in, head, or sit on a body of a unit in the user's scope."""
        from units.models import BodyMembership, Headship

        q = scope.in_scope_q(user, "unit__path")
        if q is None:
            return self.none()
        if q == Q():
            return self
        heads = Headship.objects.filter(scope.in_scope_q(user, "unit__path"), person=models.OuterRef("pk"))
        members = BodyMembership.objects.filter(
            scope.in_scope_q(user, "body__unit__path"), person=models.OuterRef("pk")
        )
        return self.filter(q | Q(models.Exists(heads)) | Q(models.Exists(members)))

    def search(self, text: str) -> "PersonQuerySet":
        return self.filter(search_q(text))

    def listed(self, *, q: str = "", unit=None) -> "PersonQuerySet":
        """A list of people as pages and API filter it, by given name then family name."""
        qs = self.search(q) if q else self
        if unit:
            qs = qs.filter(unit=unit)
        return qs.order_by("sort_key", "pk")


class OfUnitQuerySet(models.QuerySet):
    """Rows that belong to one unit (reached through ``unit_path``, a lookup of its path): visible when that
    unit is in the user's scope."""

    unit_path = "unit__path"

    def visible_to(self, user):
        q = scope.in_scope_q(user, self.unit_path)
        return self.none() if q is None else self.filter(q)


class BodyQuerySet(OfUnitQuerySet):
    pass


class HeadshipQuerySet(OfUnitQuerySet):
    pass


class BodyMembershipQuerySet(OfUnitQuerySet):
    unit_path = "body__unit__path"


class RoleGrantQuerySet(OfUnitQuerySet):
    """A grant is seen by those whose scope holds its unit (the logins page requires more: ``permissions``)."""


class AuditEventQuerySet(OfUnitQuerySet):
    """A change is seen within the scope of the unit it was made in; one of no unit, by superusers only."""
