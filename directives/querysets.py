"""Who may see which directive and which assignment: one queryset method each, so no view can forget it.

- An ordinary directive is visible within the scope of the unit that registered it, and to the units
  below that unit once it is no longer a draft (documents cascade down: a ward reads the province's plans).
- A confidential one (*Mật* and above) only to committee staff and administrators over the registering
  unit, and to users whose scope holds a unit it is assigned to (a cancelled assignment does not count).
- Either way, being assigned a task of a directive lets the unit read that directive.
- An assignment is visible when its unit is in the user's scope and its directive is visible to them.

Each is one filter with ``EXISTS`` subqueries: no extra query per row and no duplicate rows.
"""

from django.db import models
from django.db.models import Exists, OuterRef, Q

from units import permissions, scope, tree
from units.querysets import search_q
from units.text import search_key


class DirectiveQuerySet(models.QuerySet):
    def visible_to(self, user) -> "DirectiveQuerySet":
        paths = scope.scope_paths(user)
        if not paths:
            return self.none()
        if paths == [scope.ALL]:
            return self
        from directives.models import Assignment

        model = self.model
        assigned = Assignment.objects.filter(scope.in_scope_q(user, "unit__path"), directive=OuterRef("pk")).exclude(
            status=Assignment.Status.CANCELLED
        )
        cascaded = Q(owner_unit_id__in=sorted(tree.ids_on_paths(paths))) & ~Q(status=model.Status.DRAFT)
        ordinary = Q(confidentiality=model.Confidentiality.NORMAL) & (
            scope.in_scope_q(user, "owner_unit__path") | cascaded
        )
        q = ordinary
        managed = scope.in_scope_q(user, "owner_unit__path", permissions.MANAGERS)
        if managed is not None:
            q |= managed
        # Last, so that the database tries the cheap tests on the row before the subquery.
        return self.filter(q | Q(Exists(assigned)))

    def managed_by(self, user) -> "DirectiveQuerySet":
        """Directives the user may change: committee staff or administrator over the registering unit."""
        q = scope.in_scope_q(user, "owner_unit__path", permissions.MANAGERS)
        return self.none() if q is None else self.filter(q)

    def with_implements(self, user) -> "DirectiveQuerySet":
        """Each directive's ``implements``: the visible directives it carries out, oldest first (one query)."""
        from directives.models import DirectiveRelation

        visible = self.model.objects.visible_to(user).values("pk")
        return self.prefetch_related(
            models.Prefetch(
                "relations_out",
                queryset=DirectiveRelation.objects.filter(kind=DirectiveRelation.Kind.IMPLEMENTS, target__in=visible)
                .select_related("target")
                .order_by("target__issued_on", "target_id"),
                to_attr="implements",
            )
        )

    def search(self, text: str) -> "DirectiveQuerySet":
        """Every word must start a word of the symbol, type, issuer, abstract or signer; diacritics ignored."""
        return self.filter(search_q(text))

    def register(
        self, *, q="", doc_type=None, issuer="", year=None, status="", confidentiality=""
    ) -> "DirectiveQuerySet":
        """The register narrowed by its filters (page and API alike), newest first and undated last.

        ``doc_type`` is a type or its id; empty filters are left out.
        """
        qs = self.search(q) if q else self
        if doc_type:
            qs = qs.filter(doc_type=doc_type)
        if issuer:
            qs = qs.filter(issuer_key__contains=search_key(issuer))
        if year:
            qs = qs.filter(year=year)
        if status:
            qs = qs.filter(status=status)
        if confidentiality:
            qs = qs.filter(confidentiality=confidentiality)
        return qs.order_by(models.F("issued_on").desc(nulls_last=True), "-id")


class DirectiveRelationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "DirectiveRelationQuerySet":
        """A link is seen by those who may read both directives it joins."""
        from directives.models import Directive

        visible = Directive.objects.visible_to(user).values("pk")
        return self.filter(source__in=visible, target__in=visible)


class AttachmentQuerySet(models.QuerySet):
    def visible_to(self, user) -> "AttachmentQuerySet":
        """A directive's file is seen by those who may read the directive."""
        from directives.models import Directive

        return self.filter(directive__in=Directive.objects.visible_to(user).values("pk"))


class AssignmentQuerySet(models.QuerySet):
    def of_units_in_scope(self, user) -> "AssignmentQuerySet":
        """Assignments of units in the user's scope, for a directive already fetched through ``visible_to``."""
        q = scope.in_scope_q(user, "unit__path")
        return self.none() if q is None else self.filter(q)

    def visible_to(self, user) -> "AssignmentQuerySet":
        paths = scope.scope_paths(user)
        if not paths:
            return self.none()
        if paths == [scope.ALL]:
            return self
        from directives.models import Directive

        return self.filter(
            scope.in_scope_q(user, "unit__path"),
            directive__in=Directive.objects.visible_to(user).values("pk"),
        )


class ProgressQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ProgressQuerySet":
        """Progress notes of the tasks the user may see."""
        from directives.models import Assignment

        return self.filter(assignment__in=Assignment.objects.visible_to(user).values("pk"))


WATCH_ROLES = ("staff", "admin", "leader")


class WatchQuerySet(models.QuerySet):
    def visible_to(self, user) -> "WatchQuerySet":
        """Watches of units within the user's scope as committee staff, administrator or leader.

        A watch is the committee's own follow-up: the reporters and heads of the watched unit do not read it.
        """
        q = scope.in_scope_q(user, "unit__path", WATCH_ROLES)
        return self.none() if q is None else self.filter(q)

    def due_for_review(self, day) -> "WatchQuerySet":
        return self.filter(status="open", review_on__lte=day)
