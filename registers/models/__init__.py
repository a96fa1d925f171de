from .base import RecordAttachment, RegisterRecord
from .figures import FigureOverride, IndicatorBinding
from .records import (
    CitizenReception,
    CommunityDecision,
    Conference,
    Consultation,
    Disclosure,
    MatterKind,
    ReceptionRule,
    Recommendation,
    Supervision,
    VillageCharter,
)

__all__ = [
    "CitizenReception",
    "CommunityDecision",
    "Conference",
    "Consultation",
    "Disclosure",
    "FigureOverride",
    "IndicatorBinding",
    "MatterKind",
    "ReceptionRule",
    "Recommendation",
    "RecordAttachment",
    "RegisterRecord",
    "Supervision",
    "VillageCharter",
]
