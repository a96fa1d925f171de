"""What each user may see: evaluations and commendations of the units in their scope (and their own, as a
person); the criteria sets of the committees above or within their scope, which their units are judged by."""

from django.db import models
from django.db.models import Q

from units import scope
from units.querysets import visible_units_q


def _ancestor_ids(paths: list[str]) -> set[int]:
    return {int(part) for path in paths for part in path.strip("/").split("/") if part}


class CriteriaSetQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CriteriaSetQuerySet":
        paths = scope.scope_paths(user)
        if not paths:
            return self.none()
        if paths == [scope.ALL]:
            return self
        return self.filter(visible_units_q(user, "unit") | Q(unit_id__in=_ancestor_ids(paths)))


class EvaluationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "EvaluationQuerySet":
        q = visible_units_q(user, "unit")
        if q is None:
            return self.filter(person__user=user) if user.is_authenticated else self.none()
        return self.filter(q | Q(person__user=user))


class CommendationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CommendationQuerySet":
        q = visible_units_q(user, "unit")
        if q is None:
            return self.filter(person__user=user) if user.is_authenticated else self.none()
        return self.filter(q | Q(person__user=user))

    def in_year(self, year: int) -> "CommendationQuerySet":
        return self.filter(decision_date__year=year)
