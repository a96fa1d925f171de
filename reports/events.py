"""Side effects of the report workflow, run after the transaction that changed the report commits.

Every transition service registers ``after_transition`` with ``transaction.on_commit``. Reminders and
escalations (issue 5) hang their notifications here; until then it does nothing, so a transition
never fails or waits because of a notification.
"""

import logging

logger = logging.getLogger(__name__)


def after_transition(*, report_id: int, obligation_id: int, kind: str) -> None:
    """A report's state changed (``kind`` is a ``ReportEvent.Kind`` value); the change is committed."""
    logger.debug("report %s (obligation %s): %s", report_id, obligation_id, kind)
