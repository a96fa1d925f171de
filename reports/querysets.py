"""Who may see which obligation, report and form: one queryset method each, so no view can forget it.

- Obligations and reports are visible when their unit is in the user's scope (any role).
- Committee staff and administrators *review* the reports of the units strictly below the units they
  hold that role over: a ward's report goes to the committee above it, not to the ward's own staff.
"""

from django.db import models
from django.db.models import Q

from units import permissions, scope
from units.querysets import OfUnitQuerySet


def strictly_below_q(user, field: str) -> Q | None:
    """Rows whose unit (``field`` is a unit path) lies strictly under a unit the user manages: the rows
    ``permissions.may_review`` lets them review."""
    paths = scope.scope_paths(user, permissions.MANAGERS)
    if not paths:
        return None
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{field}__startswith": path}) & ~Q(**{field: path})
    return q


class ObligationQuerySet(OfUnitQuerySet):
    def reviewable_by(self, user) -> "ObligationQuerySet":
        q = strictly_below_q(user, "unit__path")
        return self.none() if q is None else self.filter(q)

    def listed(self, *, today, form=None, year=None, status: str = "") -> "ObligationQuerySet":
        """A unit's reports owed as pages and API filter them, soonest due first.

        ``status`` is a status, ``open`` (not yet accepted) or ``overdue`` (on ``today``).
        """
        from reports.models.obligations import Status, overdue_q

        qs = self
        if form:
            qs = qs.filter(form=form)
        if year:
            qs = qs.filter(year=year)
        if status == "open":
            qs = qs.exclude(status=Status.ACCEPTED)
        elif status == "overdue":
            qs = qs.filter(overdue_q(today))
        elif status:
            qs = qs.filter(status=status)
        return qs.order_by("due_date", "pk")


class ReportQuerySet(OfUnitQuerySet):
    unit_path = "obligation__unit__path"

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

    def in_review_order(self) -> "ReportQuerySet":
        """Reports to review, the longest waiting first (page and API alike)."""
        return self.order_by("submitted_at", "obligation__due_date", "pk")

    def reviewable_by(self, user) -> "ReportQuerySet":
        q = strictly_below_q(user, "obligation__unit__path")
        return self.none() if q is None else self.filter(q)


class ReportAttachmentQuerySet(OfUnitQuerySet):
    """A report's file is seen by those who see the report."""

    unit_path = "report__obligation__unit__path"


class FormAssignmentQuerySet(OfUnitQuerySet):
    """A form's assignment under a unit is seen within that unit's scope."""

    unit_path = "root__path"


class ReportFormQuerySet(models.QuerySet):
    def active(self) -> "ReportFormQuerySet":
        return self.filter(is_active=True)


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "NotificationQuerySet":
        """A notification is its recipient's alone: anyone else's is a 404."""
        return self.filter(user=user) if user.is_authenticated else self.none()

    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)
