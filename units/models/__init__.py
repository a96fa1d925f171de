from .audit import AuditEvent
from .bodies import Body, BodyMembership, Headship
from .people import Person, RoleGrant, User
from .units import Unit, UnitSuccession

__all__ = [
    "AuditEvent",
    "Body",
    "BodyMembership",
    "Headship",
    "Person",
    "RoleGrant",
    "Unit",
    "UnitSuccession",
    "User",
]
