"""The dashboard figures of a unit for a range of periods (issue 6)."""


def register(router) -> None:
    """Add this module's resources to the ``/api/v1/`` router."""
