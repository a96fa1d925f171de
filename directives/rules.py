"""Who may do what with directives, tasks and watches: one function per rule, each answering yes or no.

The services call these before every change and the pages call them to decide what to offer, so a
button is shown exactly when pressing it would be allowed. Reading is decided by the querysets'
``visible_to``; these rules are about acting.
"""

from units import scope

MANAGER_ROLES = ("staff", "admin")
# Those who carry out a unit's tasks and may say how far they have got.
WORKER_ROLES = ("reporter", "head", "staff", "admin")


def may_manage_directives_of(user, unit) -> bool:
    """Enter, change, link and assign the directives registered by ``unit``: its committee staff or administrators."""
    return scope.has_role(user, MANAGER_ROLES, unit)


def may_assign_to(user, unit) -> bool:
    """Hand a task to ``unit``: committee staff or administrators over it."""
    return scope.has_role(user, MANAGER_ROLES, unit)


def may_note_progress(user, assignment) -> bool:
    """Report progress on a task: the people of the unit that holds it, or those who manage its directive,
    while the task is open."""
    if assignment.status != assignment.Status.OPEN:
        return False
    return scope.has_role(user, WORKER_ROLES, assignment.unit) or may_manage_directives_of(
        user, assignment.directive.owner_unit
    )


def may_require_report(user, directive) -> bool:
    """Make a directive's units owe a periodic report: those who manage the directive."""
    return may_manage_directives_of(user, directive.owner_unit)


def may_watch(user, unit) -> bool:
    """Put ``unit`` on the watch list: committee staff or administrators of a unit above it (a unit does not
    watch itself)."""
    return any(unit.path.startswith(p) and unit.path != p for p in scope.scope_paths(user, MANAGER_ROLES))


def may_follow_up(user, watch) -> bool:
    """Record a follow-up, move the review or close a watch: the same people who may open it, while it is open."""
    return watch.is_open and may_watch(user, watch.unit)
