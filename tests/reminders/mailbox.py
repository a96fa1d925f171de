"""A mail server for worker tests: each message becomes a file named after its delivery, after an optional
pause (MAILBOX_DELAY seconds) that makes a batch slow enough to kill a worker in the middle of it."""

import os
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        folder = Path(settings.EMAIL_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            time.sleep(float(os.environ.get("MAILBOX_DELAY", "0")))
            delivery = message.extra_headers.get("X-QCDC-Delivery", "none")
            (folder / f"{delivery}-{uuid.uuid4().hex}.eml").write_bytes(message.message().as_bytes())
        return len(email_messages)


def received(folder: Path) -> dict[int, int]:
    """How many messages each delivery id got."""
    counts: dict[int, int] = {}
    for path in Path(folder).glob("*.eml"):
        key = path.name.split("-", 1)[0]
        if key.isdigit():
            counts[int(key)] = counts.get(int(key), 0) + 1
    return counts
