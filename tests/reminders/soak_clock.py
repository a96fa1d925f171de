"""Run a Celery command (``python -m tests.reminders.soak_clock -A qcdc worker …``) on a simulated clock.

The application's clock, ``django.utils.timezone.now`` (and so ``localdate``, ``auto_now`` fields and every
"today" of the reminders), runs ``SOAK_CLOCK_FILE``'s offset (seconds, written by the test) ahead of the real
one, so a test moves a real worker and beat through days in seconds. Celery, kombu and Redis keep the real
clock: their timeouts and schedules stay what they are.
"""

import datetime
import os
import sys

from django.utils import timezone

_real_now = timezone.now
_path = os.environ["SOAK_CLOCK_FILE"]
_seen = {"mtime": None, "offset": 0.0}


def _offset() -> float:
    try:
        mtime = os.stat(_path).st_mtime_ns
        if mtime != _seen["mtime"]:
            with open(_path) as f:
                _seen["offset"] = float(f.read().strip() or 0)
            _seen["mtime"] = mtime
    except (OSError, ValueError):
        pass  # being rewritten: the previous offset holds
    return _seen["offset"]


def now() -> datetime.datetime:
    return _real_now() + datetime.timedelta(seconds=_offset())


timezone.now = now

if __name__ == "__main__":
    from celery.__main__ import main

    sys.argv[0] = "celery"
    sys.exit(main())
