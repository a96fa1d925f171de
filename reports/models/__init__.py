from .calendar import CalendarDay
from .forms import FormAssignment, FormSection, Indicator, IndicatorRule, ReportForm
from .obligations import Obligation, Status
from .reminders import Delivery, DigestDelivery, MailOutage, Notification, ReminderPreference, ReminderStage
from .reports import Report, ReportAttachment, ReportEvent, ReportValue, ReportVersion

__all__ = [
    "CalendarDay",
    "Delivery",
    "DigestDelivery",
    "FormAssignment",
    "FormSection",
    "Indicator",
    "IndicatorRule",
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
