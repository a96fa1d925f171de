from .forms import FormAssignment, FormSection, Indicator, IndicatorRule, ReportForm
from .obligations import Obligation, Status
from .reports import Report, ReportAttachment, ReportEvent, ReportValue, ReportVersion

__all__ = [
    "FormAssignment",
    "FormSection",
    "Indicator",
    "IndicatorRule",
    "Obligation",
    "Report",
    "ReportAttachment",
    "ReportEvent",
    "ReportForm",
    "ReportValue",
    "ReportVersion",
    "Status",
]
