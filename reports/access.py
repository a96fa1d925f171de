"""Who may do what with a unit's report. Seeing is the querysets' business; these answer "may act".

Filing belongs to the unit's own people: a reporter or head whose role is granted on that very unit
(a province's reporter files the province's reports, not its wards'). Approving (signing) takes more:
the head's role on the unit *and* the post that signs for the report's issuing body, held on the day
(``reports.documents.signing``): a head whose term has ended cannot approve, whatever grants remain, and neither
can an administrator who holds no such post. Reviewing belongs to committee staff above the unit.
Administrators may do the rest within their scope.
"""

import datetime

from django.utils import timezone

from units import scope
from units.models import RoleGrant

R = RoleGrant.Role


def grants(user) -> list[tuple[str, str]]:
    scope.scope_paths(user)  # loads and caches the grants on the user
    return getattr(user, "_qcdc_grants", [])


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def acts_for(user, roles, unit) -> bool:
    """Holds one of ``roles`` on ``unit`` itself, or is an administrator over it."""
    if not _active(user):
        return False
    if user.is_superuser or scope.has_role(user, [R.ADMIN], unit):
        return True
    return any(role in roles and path == unit.path for role, path in grants(user))


def may_edit(user, unit) -> bool:
    return acts_for(user, {R.REPORTER, R.HEAD}, unit)


def may_approve(user, unit, report=None, day: datetime.date | None = None) -> bool:
    """Head of ``unit`` by role and, on ``day`` (today), holder of the post that signs ``report``
    (of any post that signs the unit's reports when no report is given)."""
    from reports.documents import signing

    if not _active(user) or not any(role == R.HEAD and path == unit.path for role, path in grants(user)):
        return False
    day = day or timezone.localdate()
    if report is not None:
        return signing.tenure_of(user, unit, report.issuing_body, day) is not None
    return signing.any_tenure(user, unit, day)


def may_review(user, unit) -> bool:
    """Committee staff or administrator over a unit above ``unit``."""
    if not _active(user):
        return False
    return any(unit.path.startswith(p) and unit.path != p for p in scope.scope_paths(user, [R.STAFF, R.ADMIN]))


def is_form_manager(user) -> bool:
    return _active(user) and bool(scope.user_roles(user) & {R.STAFF, R.ADMIN})


def is_national_admin(user) -> bool:
    if not _active(user):
        return False
    return user.is_superuser or any(role == R.ADMIN and path.count("/") == 2 for role, path in grants(user))


def may_change_calendar(user) -> bool:
    """The working calendar is the whole country's: national committee staff and administrators keep it."""
    if not _active(user):
        return False
    return user.is_superuser or any(role in (R.STAFF, R.ADMIN) and path.count("/") == 2 for role, path in grants(user))


def may_change_form(user, form) -> bool:
    """Shipped forms (no owner) by national administrators; others by staff over the unit that defined them."""
    if form.owner_unit_id is None:
        return is_national_admin(user)
    return _active(user) and scope.has_role(user, [R.STAFF, R.ADMIN], form.owner_unit)


def may_assign(user, unit) -> bool:
    return _active(user) and scope.has_role(user, [R.STAFF, R.ADMIN], unit)
