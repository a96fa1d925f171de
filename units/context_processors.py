from units import scope
from units.models import RoleGrant


def navigation(request):
    """What the menu shows: one entry per capability the user's roles open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = scope.user_roles(user)
    return {
        "nav_roles": roles,
        "can_manage_units": bool(roles & {RoleGrant.Role.ADMIN, RoleGrant.Role.STAFF}),
    }
