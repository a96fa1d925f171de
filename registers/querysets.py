"""Which register rows a user may see: those of units in their scope, one filter, so no view can forget it."""

import datetime

from django.db import models

from units import scope
from units.querysets import search_q


class RecordQuerySet(models.QuerySet):
    def visible_to(self, user) -> "RecordQuerySet":
        q = scope.in_scope_q(user, "unit__path")
        return self.none() if q is None else self.filter(q)

    def in_subtree(self, unit) -> "RecordQuerySet":
        """Rows of ``unit`` and of every unit below it (one indexed prefix match on the unit's path)."""
        return self.filter(unit__path__startswith=unit.path)

    def in_period(self, start: datetime.date | None, end: datetime.date | None) -> "RecordQuerySet":
        qs = self
        if start:
            qs = qs.filter(date__gte=start)
        if end:
            qs = qs.filter(date__lte=end)
        return qs

    def search(self, text: str) -> "RecordQuerySet":
        """Every word must start a word of the row's searchable text; diacritics and case ignored."""
        return self.filter(search_q(text))
