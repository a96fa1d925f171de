"""The user's in-app notifications (issue 5)."""


def register(router) -> None:
    """Add this module's resources to the ``/api/v1/`` router."""
