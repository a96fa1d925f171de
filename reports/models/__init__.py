from .calendar import CalendarDay
from .forms import FormAssignment, FormSection, Indicator, IndicatorRule, ReportForm
from .obligations import Obligation, Status
from .reminders import Delivery, DigestDelivery, MailOutage, Notification, ReminderPreference, ReminderStage
from .reports import Report, ReportAttachment, ReportEvent, ReportValue, ReportVersion
from .tallies import FigureTally, IndicatorTally

__all__ = [
    "CalendarDay",
    "Delivery",
    "DigestDelivery",
    "FigureTally",
    "FormAssignment",
    "FormSection",
    "Indicator",
    "IndicatorRule",
    "IndicatorTally",
    "MailOutage",
    "Notification",
    "Obligation",
    "ReminderPreference",
    "ReminderStage",
    "Report",
    "ReportAttachment",
    "ReportEvent",
    "ReportForm",
    "ReportValue",
    "ReportVersion",
    "Status",
]
