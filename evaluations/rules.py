"""Who may do what with evaluations and commendations; seeing is the querysets' business.

- Configuring a year's criteria, reviewing, adjusting and deciding belong to the committee: staff or
  administrators over the criteria set's unit (the province), for units strictly below it.
- A unit's self-assessment is prepared by its own reporter or head (a role granted on that very unit) and
  approved by its head, who must also hold, on the day, a post that signs the unit's documents.
- A head's self-assessment is prepared by the head himself (his person's login) or the unit's reporter, and
  goes straight to the committee: nobody above him in the unit approves it.
- Commendations are recorded by staff or administrators over the unit commended.
Administrators may do the rest within their scope. Built on ``units.scope`` and the ``RoleGrant`` roles only.
"""

from units import permissions, scope
from units.models import RoleGrant

R = RoleGrant.Role
COMMITTEE = (R.STAFF, R.ADMIN)


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def _grants(user) -> list[tuple[str, str]]:
    scope.scope_paths(user)  # loads and caches the grants on the user
    return getattr(user, "_qcdc_grants", [])


def _on_unit(user, roles, unit) -> bool:
    """Holds one of ``roles`` on ``unit`` itself, or is an administrator over it."""
    if not _active(user):
        return False
    if user.is_superuser or scope.has_role(user, [R.ADMIN], unit):
        return True
    return any(role in roles and path == unit.path for role, path in _grants(user))


def may_configure(user, unit) -> bool:
    """Set up a year's criteria for the units under ``unit``."""
    return _active(user) and scope.has_role(user, COMMITTEE, unit)


def is_committee(user, evaluation) -> bool:
    """Staff or administrator of the committee that judges ``evaluation`` (the unit is strictly below it)."""
    committee_unit = evaluation.criteria_set.unit
    return (
        may_configure(user, committee_unit)
        and evaluation.unit.path.startswith(committee_unit.path)
        and evaluation.unit.path != committee_unit.path
    )


def may_prepare(user, evaluation) -> bool:
    if not _active(user) or evaluation.status != evaluation.Status.DRAFT:
        return False
    if evaluation.is_head:
        return evaluation.person.user_id == user.pk or _on_unit(user, {R.REPORTER}, evaluation.unit)
    return _on_unit(user, {R.REPORTER, R.HEAD}, evaluation.unit)


def may_approve(user, evaluation) -> bool:
    """The unit's head by role and, today, by any post that signs the unit's reports (``permissions.may_approve``)."""
    from reports.documents import signing

    if evaluation.is_head or evaluation.status != evaluation.Status.AWAITING_APPROVAL:
        return False
    return permissions.may_approve(user, evaluation.unit, posts=signing.posts_signing())


def may_review(user, evaluation) -> bool:
    """Adjust points, return or decide: the committee, while the evaluation is with it."""
    return evaluation.status == evaluation.Status.SUBMITTED and is_committee(user, evaluation)


def may_return(user, evaluation) -> bool:
    return may_approve(user, evaluation) or may_review(user, evaluation)


def may_commend(user, unit) -> bool:
    return _active(user) and scope.has_role(user, COMMITTEE, unit)
