"""Who may enter and change register rows: one module, built on the role grants.

Reading follows the scope (``RecordQuerySet.visible_to``). Writing needs a role that does the unit's
work over the row's unit: its reporters, its head, the committee staff above it, or an administrator.
Leaders read only.
"""

from units import scope
from units.models import RoleGrant, Unit

ENTRY_ROLES = (RoleGrant.Role.REPORTER, RoleGrant.Role.HEAD, RoleGrant.Role.STAFF, RoleGrant.Role.ADMIN)
CONFIGURE_ROLES = (RoleGrant.Role.STAFF, RoleGrant.Role.ADMIN)


def may_enter(user, unit: Unit) -> bool:
    """May ``user`` enter a row for ``unit``?"""
    return scope.has_role(user, ENTRY_ROLES, unit)


def may_edit(user, record) -> bool:
    """May ``user`` change ``record`` (or add files to it)? The same people who may enter rows for its unit."""
    return may_enter(user, record.unit)


def may_enter_somewhere(user) -> bool:
    return bool(scope.scope_paths(user, ENTRY_ROLES))


def entry_units(user):
    """Units the user may enter rows for."""
    return Unit.objects.visible_to(user, roles=ENTRY_ROLES)


def home_unit(user) -> Unit | None:
    return scope.home_unit(user, ENTRY_ROLES) or scope.home_unit(user)
