"""Who may act: the role sets, each named once, and one predicate per kind of act.

Seeing is ``units.scope`` and the querysets' ``visible_to``; this module answers "may this user do that".
The services enforce: they ask these predicates and raise ``PermissionDenied``. Views, API views and
templates ask the same predicates only to decide what to show (a button, a form, or the refusal the
service would give).

- Managing (units, heads, bodies, logins, the register, tasks and reports handed to units, report forms)
  belongs to committee staff and administrators over the unit: the unit itself or one above it.
- Filing a unit's report belongs to the unit's own people: a reporter or head whose role is granted on
  that very unit (a province's reporter files the province's reports, not its wards'). Administrators
  over the unit may file too.
- Approving (signing) takes more: the head's role on the unit *and*, on the day, a post that signs for the
  report's issuing body (``reports.documents.signing`` names those posts): a head whose term has ended cannot approve,
  whatever grants remain, and neither can an administrator who holds no such post.
- Reviewing belongs to committee staff and administrators *above* the unit: a ward's report goes to the
  committee above it, not to the ward's own staff.
- The working calendar and the shipped report forms are the whole country's: national staff and
  administrators keep the calendar, national administrators the shipped forms.
"""

import datetime
from collections.abc import Collection

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from units import scope
from units.models import Headship, RoleGrant
from units.querysets import in_office_q

R = RoleGrant.Role

MANAGERS = (R.STAFF, R.ADMIN)
"""Committee staff and administrators: they change what lies in their scope and review what lies below it."""
FILERS = (R.REPORTER, R.HEAD)
"""The unit's own people, who write and send its reports."""
HEADS_READERS = (R.LEADER, R.STAFF, R.ADMIN)
"""Those who read the heads' accountability pages of a unit."""
STAFF_GRANTS = (R.REPORTER, R.HEAD, R.LEADER)
"""The roles committee staff give over the units they serve; administrators give any role."""


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def _national(path: str) -> bool:
    return path.count("/") == 2  # "/<id>/": a unit at the top of the tree


def _acts_for(user, roles: Collection[str], unit) -> bool:
    """Holds one of ``roles`` on ``unit`` itself, or is an administrator over it."""
    if not _active(user):
        return False
    if user.is_superuser or scope.has_role(user, [R.ADMIN], unit):
        return True
    return any(role in roles and path == unit.path for role, path in scope.grants(user))


def is_manager(user) -> bool:
    """Committee staff or administrator of some unit: the menu's management entries, the review inbox."""
    return bool(scope.scope_paths(user, MANAGERS))


def may_manage(user, unit) -> bool:
    """Committee staff or administrator over ``unit``: may change it and what it holds, and hand it work."""
    return scope.has_role(user, MANAGERS, unit)


def require_manage(user, unit) -> None:
    """The refusal of everything ``may_manage`` guards, saying who may."""
    if not may_manage(user, unit):
        raise PermissionDenied(_("Only committee staff or administrators of %(unit)s may do this.") % {"unit": unit})


def grantable_roles(user, unit) -> list[str]:
    """The roles ``user`` may give, or take away, over ``unit``: any for its administrators, the unit roles for its staff."""
    if scope.has_role(user, [R.ADMIN], unit):
        return list(R.values)
    if scope.has_role(user, [R.STAFF], unit):
        return list(STAFF_GRANTS)
    return []


def may_file(user, unit) -> bool:
    """A reporter or head of ``unit`` itself, or an administrator over it: writes and sends its reports."""
    return _acts_for(user, FILERS, unit)


def may_approve(user, unit, *, posts: Collection[str], day: datetime.date | None = None) -> bool:
    """Head of ``unit`` by role and, on ``day`` (today), holder of one of ``posts`` of it (``Headship.function``
    values: the posts that sign the report, ``reports.documents.signing.posts_signing``)."""
    if not _active(user) or not any(role == R.HEAD and path == unit.path for role, path in scope.grants(user)):
        return False
    day = day or timezone.localdate()
    return Headship.objects.filter(in_office_q(day), unit=unit, function__in=posts, person__user=user).exists()


def may_review(user, unit) -> bool:
    """Committee staff or administrator over a unit strictly above ``unit``."""
    if not _active(user):
        return False
    return any(unit.path.startswith(p) and unit.path != p for p in scope.scope_paths(user, MANAGERS))


def is_national_admin(user) -> bool:
    if not _active(user):
        return False
    return user.is_superuser or any(role == R.ADMIN and _national(path) for role, path in scope.grants(user))


def may_change_calendar(user) -> bool:
    """National committee staff and administrators keep the working calendar."""
    if not _active(user):
        return False
    return user.is_superuser or any(role in MANAGERS and _national(path) for role, path in scope.grants(user))


def may_change_form(user, form) -> bool:
    """Shipped forms (no owner) by national administrators; others by staff over the unit that defined them."""
    if form.owner_unit_id is None:
        return is_national_admin(user)
    return may_manage(user, form.owner_unit)


def may_see_heads(user, unit) -> bool:
    """Leadership, committee staff and administrators over ``unit`` read its heads' accountability pages."""
    return scope.has_role(user, HEADS_READERS, unit)


# Directives' tasks and the watch list.
WORKERS = (R.REPORTER, R.HEAD, R.STAFF, R.ADMIN)  # carry out a unit's tasks and say how far they have got
WATCH_READERS = (R.STAFF, R.ADMIN, R.LEADER)  # read the watch list


def may_note_progress(user, assignment) -> bool:
    """Report progress on a task: the people of the unit that holds it, or those who manage its directive,
    while the task is open."""
    if assignment.status != assignment.Status.OPEN:
        return False
    return scope.has_role(user, WORKERS, assignment.unit) or may_manage(user, assignment.directive.owner_unit)


def may_require_report(user, directive) -> bool:
    """Make a directive's units owe a periodic report: those who manage the directive."""
    return may_manage(user, directive.owner_unit)


def may_watch(user, unit) -> bool:
    """Put ``unit`` on the watch list: committee staff or administrators of a unit above it (a unit does not
    watch itself)."""
    return any(unit.path.startswith(p) and unit.path != p for p in scope.scope_paths(user, MANAGERS))


def may_follow_up(user, watch) -> bool:
    """Record a follow-up, move the review or close a watch: the same people who may open it, while it is open."""
    return watch.is_open and may_watch(user, watch.unit)
