from .assignments import Assignment
from .directives import Attachment, Directive, DirectiveRelation
from .events import DirectiveEvent
from .progress import ProgressEvidence, ProgressNote
from .types import DirectiveType
from .watches import Watch, WatchAction, WatchEvent

__all__ = [
    "Assignment",
    "Attachment",
    "Directive",
    "DirectiveEvent",
    "DirectiveRelation",
    "DirectiveType",
    "ProgressEvidence",
    "ProgressNote",
    "Watch",
    "WatchAction",
    "WatchEvent",
]
