"""Reminders and escalations: the ladder, the sweep, the senders and the log.

The dashboards call only ``escalation_reached``.
"""

from reports.reminders.log import EscalationReached, escalation_reached, obligation_log

__all__ = ["EscalationReached", "escalation_reached", "obligation_log"]
