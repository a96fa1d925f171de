from .audit import AuditEvent
from .people import Person, RoleGrant, User
from .units import Unit, UnitSuccession
from .bodies import Body, BodyMembership, Headship

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
