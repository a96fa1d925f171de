"""Soak: a real worker and a real beat on Redis, through a month of simulated days in well under three
minutes, while the mail server, Redis, the worker and the beat are killed and restarted at random (seeded)
moments.

The worker and the beat run on a simulated clock (``tests.reminders.soak_clock``) that the test moves from
day to day. At the end every message that should have gone out went out, to the right person, exactly
once: counted in the mailbox of a real SMTP server and in the bell, against the test's own hand-made table
of who should have been told what, and when. A killed worker may send the one e-mail it was sending
twice, and so may a mail server killed between storing a message and answering for it: at most one
duplicate per killed worker or mail server.
"""

import datetime
import email
import os
import random
import sys
import time
from pathlib import Path

import pytest
import time_machine

from reports import services
from reports.models import Delivery, Notification, Obligation
from tests.factories import make_signer, make_user
from tests.reminders.conftest import TZ
from tests.reminders.services import (
    Beat,
    RedisServer,
    SMTPServer,
    Worker,
    require_postgresql,
    require_redis_server,
    wait_for,
)
from tests.reports.conftest import fill
from units.models import RoleGrant

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SEED = int(os.environ.get("SOAK_SEED", "20260407"))
FIRST, LAST = datetime.date(2026, 3, 16), datetime.date(2026, 4, 15)  # 31 days around the Q1 due date
FILED = datetime.date(2026, 4, 3)  # Phường Đông Ngàn files its report that Friday
WALL_LIMIT = 180  # seconds

# The ladder by hand, for a report due Tuesday 07/04/2026 (no public holiday from 16/03 to 15/04 2026):
# 7, 3 and 1 working days before it, on it, 1 and 3 working days after it.
LADDER = {
    "before-7": (datetime.date(2026, 3, 27), "reporters"),  # Friday
    "before-3": (datetime.date(2026, 4, 2), "reporters"),  # Thursday
    "before-1": (datetime.date(2026, 4, 6), "reporters"),  # Monday
    "due-day": (datetime.date(2026, 4, 7), "reporters"),
    "overdue-head": (datetime.date(2026, 4, 8), "head"),
    "overdue-parent": (datetime.date(2026, 4, 10), "parent"),
}
EXTRA_TU_SON, EXTRA_DONG_NGAN = 30, 10


def expected_messages(chain) -> dict[tuple, datetime.date]:
    """(obligation id, stage code, channel, address or user id) -> the day it is due, worked out by hand."""
    users, people = chain["users"], chain["people"]
    q1, sibling = chain["q1"], chain["sibling"]

    def reporters(unit_key: str, prefix: str, n: int, own: str):
        found = [(users[own].pk, users[own].email)]
        found += [(u.pk, u.email) for u in users[unit_key] if u.username.startswith(prefix)][:n]
        return found

    audiences = {
        q1.pk: {
            "reporters": reporters("extra", "ts", EXTRA_TU_SON, "reporter_tu_son"),
            "head": [(users["head_tu_son"].pk, people["head"].email)],
            "parent": [(None, people["parent_head"].email), (None, people["standing"].email)],
        },
        sibling.pk: {"reporters": reporters("extra", "dn", EXTRA_DONG_NGAN, "reporter_dong_ngan")},
    }
    expected = {}
    for obligation, by_audience in audiences.items():
        for code, (day, audience) in LADDER.items():
            if obligation == sibling.pk and day > FILED:
                continue  # filed on 03/04: nothing of its due ladder after that
            for user_id, address in by_audience.get(audience, []):
                if user_id:
                    expected[(obligation, code, "inapp", user_id)] = day
                if address:
                    expected[(obligation, code, "email", address)] = day
    staff = users["staff"]  # the committee that reviews Đông Ngàn is told of the filing
    expected[(sibling.pk, "filed", "inapp", staff.pk)] = FILED
    expected[(sibling.pk, "filed", "email", staff.email)] = FILED
    return expected


def written() -> dict[tuple, str]:
    rows = Delivery.objects.values_list("obligation_id", "stage__code", "channel", "email", "user_id", "status")
    return {(o, code, ch, addr if ch == "email" else uid): status for o, code, ch, addr, uid, status in rows}


def mailbox(folder: Path) -> list[tuple]:
    """(obligation id, stage code, address) of every e-mail the SMTP server took, from the files themselves."""
    stages = {d.pk: (d.obligation_id, d.stage.code) for d in Delivery.objects.select_related("stage")}
    found = []
    for path in folder.glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes())
        found.append((*stages[int(message["X-QCDC-Delivery"])], message["To"].strip()))
    return found


def sent_of(keys) -> int:
    rows = written()
    return sum(1 for k in keys if rows.get(k) == "sent")


def mail_failed() -> bool:
    return Delivery.objects.filter(failing_since__isnull=False).exists()


def settled(keys) -> bool:
    """Everything due so far sent, and nothing else waiting."""
    rows = written()
    return all(rows.get(k) == "sent" for k in keys) and not any(s in ("pending", "sending") for s in rows.values())


class Clock:
    """The simulated time the worker and the beat read: the test sets which day it is."""

    def __init__(self, path: Path):
        self.path = path
        self.set(datetime.datetime.combine(FIRST, datetime.time(8, 0), tzinfo=TZ))

    def set(self, moment: datetime.datetime):
        partial = self.path.with_suffix(".tmp")
        partial.write_text(str(moment.timestamp() - time.time()))
        partial.replace(self.path)


@pytest.fixture
def soak_chain(chain):
    tu_son, dong_ngan = chain["tree"]["tu_son"], chain["tree"]["dong_ngan"]
    R = RoleGrant.Role.REPORTER
    chain["users"]["extra"] = [
        make_user(f"ts{i:02d}", role=R, unit=tu_son, email=f"ts{i:02d}@tuson.vn") for i in range(EXTRA_TU_SON)
    ] + [
        make_user(f"dn{i:02d}", role=R, unit=dong_ngan, email=f"dn{i:02d}@dongngan.vn") for i in range(EXTRA_DONG_NGAN)
    ]
    # Đông Ngàn's head approves and files its report: give the head a login.
    head = chain["people"]["sibling_head"]
    head.user = chain["users"]["head_dong_ngan"] = make_user("head_dn", role=RoleGrant.Role.HEAD, unit=dong_ngan)
    head.save()
    make_signer(head.user, dong_ngan)  # the post that signs the form's reports: the People's Committee's chair
    return chain


def test_a_month_with_the_mail_server_redis_and_the_worker_killed_at_random(soak_chain, settings, tmp_path):
    require_postgresql()
    require_redis_server()
    started = time.monotonic()
    chain = soak_chain
    rng = random.Random(SEED)
    expected = expected_messages(chain)
    busy_days = sorted(set(expected.values()))
    # Which day each failure strikes, drawn from the seed: three worker kills, two Redis kills (it comes
    # back empty: every queued task lost), two mail server outages and a beat killed, all on days with
    # messages to send.
    plan: dict[datetime.date, list[str]] = {}
    for what, times in (("worker", 3), ("redis", 2), ("smtp", 2), ("beat", 1)):
        for day in rng.sample(busy_days, times):
            plan.setdefault(day, []).append(what)
    for kinds in plan.values():
        rng.shuffle(kinds)

    redis_server = RedisServer(tmp_path)
    redis_server.start()
    smtp = SMTPServer(tmp_path / "mailbox").start()
    settings.CELERY_BROKER_URL = redis_server.url  # the submission below queues its notice there
    clock = Clock(tmp_path / "clock")
    env = {
        **smtp.worker_env(),
        "SOAK_CLOCK_FILE": clock.path,
        "REMINDERS_SWEEP_EVERY": 1,
        "REMINDERS_CLAIM_TIMEOUT": 3,
        "REMINDERS_REPUBLISH_AFTER": 3,
        "REMINDERS_RETRY_FIRST": 0.5,
        "REMINDERS_RETRY_MAX": 2,
        "REMINDERS_BROKER_TIMEOUT": 1,
    }
    program = [sys.executable, "-m", "tests.reminders.soak_clock"]
    processes = []

    def start(kind):
        process = kind(tmp_path, redis_server.url, tmp_path / "mailbox", program=program, **env).start()
        processes.append(process)
        return process

    kills = {"worker": 0, "redis": 0, "smtp": 0, "beat": 0}
    try:
        worker = start(Worker)
        beat = start(Beat)
        day = FIRST
        while day <= LAST:
            clock.set(datetime.datetime.combine(day, datetime.time(8, 0), tzinfo=TZ))
            if day == FILED:
                sibling = Obligation.objects.get(pk=chain["sibling"].pk)
                report = fill(sibling, chain["users"]["reporter_dong_ngan"])
                with time_machine.travel(datetime.datetime.combine(day, datetime.time(8, 5), tzinfo=TZ)):
                    services.report_submit(actor=chain["users"]["head_dong_ngan"], report=report)
            today = [k for k, d in expected.items() if d == day]
            for what in plan.get(day, []):
                # Strike while the day's messages are going out: after a random share of them is sent.
                share = rng.uniform(0.1, 0.6)
                wait_for(lambda t=today, x=share: sent_of(t) >= x * len(t), 60, f"{share:.0%} of {day}'s messages")
                kills[what] += 1
                if what == "worker":
                    worker.kill()
                    worker = start(Worker)
                elif what == "redis":
                    redis_server.kill()
                    redis_server.start()
                elif what == "beat":
                    beat.kill()
                    beat = start(Beat)
                else:
                    smtp.kill()
                    wait_for(lambda t=today: mail_failed() or sent_of(t) == len(t), 30, "an e-mail to fail")
                    smtp.start()
            due_now = [k for k, d in expected.items() if d <= day]
            wait_for(lambda d=due_now: settled(d), 90, f"every message due by {day} sent")
            day += datetime.timedelta(days=1)
    finally:
        for process in processes:
            process.stop()
        smtp.stop()
        redis_server.stop()

    elapsed = time.monotonic() - started
    # What was written is what should have been: no one missing, no one extra, everything sent.
    rows = written()
    assert set(rows) == set(expected)
    assert set(rows.values()) == {"sent"}
    # What people received: each e-mail in the mailbox, to the address it was meant for, once (or twice
    # for the few sends a kill interrupted).
    received = mailbox(tmp_path / "mailbox")
    wanted = {(o, code, address) for (o, code, ch, address) in expected if ch == "email"}
    assert set(received) == wanted
    duplicates = len(received) - len(set(received))
    assert duplicates <= kills["worker"] + kills["smtp"], (duplicates, kills)
    # And the bell: one notification per in-app message, none twice.
    inapp = [k for k in expected if k[2] == "inapp"]
    assert Notification.objects.filter(delivery__isnull=False).count() == len(inapp)
    by_user = {}
    for _obligation, _code, _channel, user_id in inapp:
        by_user[user_id] = by_user.get(user_id, 0) + 1
    for user_id, n in by_user.items():
        assert Notification.objects.filter(user_id=user_id, delivery__isnull=False).count() == n
    assert kills == {"worker": 3, "redis": 2, "smtp": 2, "beat": 1}
    print(f"soak: {(LAST - FIRST).days + 1} days, {len(expected)} messages, {kills}, {duplicates} duplicate(s)")
    assert elapsed < WALL_LIMIT, f"the soak took {elapsed:.0f} s"
