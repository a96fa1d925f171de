from units import permissions, scope


def navigation(request):
    """What the menu shows: one entry per capability the user's roles open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_roles": scope.user_roles(user), "can_manage_units": permissions.is_manager(user)}
