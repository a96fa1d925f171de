import datetime

from django.db import models
from django.db.models import Q

from units import scope
from units.text import search_key


class UnitQuerySet(models.QuerySet):
    def visible_to(self, user, roles=None) -> "UnitQuerySet":
        q = scope.in_scope_q(user, "path", roles)
        return self.none() if q is None else self.filter(q)

    def subtree(self, unit, include_self: bool = True) -> "UnitQuerySet":
        qs = self.filter(path__startswith=unit.path)
        return qs if include_self else qs.exclude(pk=unit.pk)

    def open_on(self, day: datetime.date) -> "UnitQuerySet":
        return self.filter(Q(opened_on__isnull=True) | Q(opened_on__lte=day)).filter(
            Q(closed_on__isnull=True) | Q(closed_on__gt=day)
        )

    def search(self, text: str) -> "UnitQuerySet":
        """Every word must start a word of the name, diacritics and case ignored: 'tu son' finds 'Từ Sơn'."""
        return self.filter(search_q(text))


def search_q(text: str, field: str = "search_key") -> Q:
    q = Q()
    for word in search_key(text).split():
        q &= Q(**{f"{field}__startswith": word}) | Q(**{f"{field}__contains": " " + word})
    return q


def visible_units_q(user, field: str, roles=None) -> Q | None:
    """For other apps: a filter on ``<field>__path`` that keeps rows of units in the user's scope."""
    return scope.in_scope_q(user, f"{field}__path", roles)
