from .assignments import Assignment
from .directives import Attachment, Directive, DirectiveRelation
from .events import DirectiveEvent
from .types import DirectiveType

__all__ = ["Assignment", "Attachment", "Directive", "DirectiveEvent", "DirectiveRelation", "DirectiveType"]
