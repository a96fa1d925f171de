"""Reminders and escalations: the after-commit trigger (``events``), the sweep, the senders, the log, and
their pages (``views``, ``urls``). The default ladder ships with the forms (``reports.shipped``).

The dashboards call only ``escalation_reached``.
"""

from reports.reminders.log import EscalationReached, escalation_reached, obligation_log

__all__ = ["EscalationReached", "escalation_reached", "obligation_log"]
