"""Who may see which obligation, report and form: one queryset method each, so no view can forget it.

- Obligations and reports are visible when their unit is in the user's scope (any role).
- Committee staff and administrators *review* the reports of the units strictly below the units they
  hold that role over: a ward's report goes to the committee above it, not to the ward's own staff.
"""

from django.db import models
from django.db.models import Q

from units import scope

REVIEWER_ROLES = ("staff", "admin")


def strictly_below_q(user, field: str, roles=REVIEWER_ROLES) -> Q | None:
    """Rows whose unit (``field`` is a unit path) lies strictly under a unit the user holds ``roles`` over."""
    paths = scope.scope_paths(user, roles)
    if not paths:
        return None
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{field}__startswith": path}) & ~Q(**{field: path})
    return q


class ObligationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ObligationQuerySet":
        q = scope.in_scope_q(user, "unit__path")
        return self.none() if q is None else self.filter(q)

    def reviewable_by(self, user) -> "ObligationQuerySet":
        q = strictly_below_q(user, "unit__path")
        return self.none() if q is None else self.filter(q)


class ReportQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ReportQuerySet":
        q = scope.in_scope_q(user, "obligation__unit__path")
        return self.none() if q is None else self.filter(q)

    def awaiting_signature_of(self, user, day) -> "ReportQuerySet":
        """Reports waiting for ``user`` to approve them: of units they are head of by role, issued by a body
        whose signing post they hold on ``day`` (``reports.documents.signing``)."""
        from reports.documents import signing
        from units.models import Headship, RoleGrant
        from units.querysets import in_office_q

        if not user.is_authenticated:
            return self.none()
        heads = RoleGrant.objects.filter(user=user, role=RoleGrant.Role.HEAD).values("unit_id")
        by_function = models.Case(
            *(models.When(issuing_body=code, then=models.Value(b.function)) for code, b in signing.BODIES.items()),
            output_field=models.CharField(),
        )
        posts = Headship.objects.filter(
            in_office_q(day),
            person__user=user,
            unit_id=models.OuterRef("obligation__unit_id"),
            function=models.OuterRef("signing_function"),
        )
        return (
            self.filter(status="awaiting", obligation__unit_id__in=heads)
            .annotate(signing_function=by_function)
            .filter(models.Exists(posts))
        )

    def reviewable_by(self, user) -> "ReportQuerySet":
        q = strictly_below_q(user, "obligation__unit__path")
        return self.none() if q is None else self.filter(q)


class ReportFormQuerySet(models.QuerySet):
    def active(self) -> "ReportFormQuerySet":
        return self.filter(is_active=True)


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "NotificationQuerySet":
        """A notification is its recipient's alone: anyone else's is a 404."""
        return self.filter(user=user) if user.is_authenticated else self.none()

    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)
