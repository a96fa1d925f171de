"""Side effects of the report workflow, run after the transaction that changed the report commits.

Every transition service registers ``after_transition`` with ``transaction.on_commit``. A transition
writes the notifications it causes (the committee told of a filing, the reporters of a return) as
delivery rows at once, in the database, and then tries to queue their sending with a short broker
timeout. When Redis is down the rows simply wait: the beat's next sweep queues them. So a transition
never fails or waits because of a notification, and none is lost.
"""

import logging

from django.utils import timezone

logger = logging.getLogger(__name__)


def after_transition(*, report_id: int, obligation_id: int, kind: str) -> None:
    """A report's state changed (``kind`` is a ``ReportEvent.Kind`` value); the change is committed."""
    from reports.reminders.sweep import sweep

    try:
        sweep(today=timezone.localdate(), obligation_ids=[obligation_id])
    except Exception:  # noqa: BLE001 - the transition is committed; the beat's sweep writes what failed here
        logger.exception(
            "report %s (obligation %s): %s: notifications left to the sweep", report_id, obligation_id, kind
        )
