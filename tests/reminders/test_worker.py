"""Real Celery workers on real Redis: parallel sweeps, a worker killed mid-batch, Redis down during
submissions. Every test counts what people actually received: files in the mailbox, rows in the bell."""

import datetime
import threading
import time

import pytest
import redis
import time_machine
from django.db import connection
from django.urls import reverse

from reports.models import Delivery, Notification, Obligation, Report, Status
from reports.reminders import sweep
from tests.factories import make_user
from tests.reminders.conftest import DUE, TZ
from tests.reminders.mailbox import received
from tests.reminders.services import RedisServer, Worker, require_postgresql, require_redis, wait_for
from tests.reports.conftest import fill
from units.models import RoleGrant

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def broker(settings):
    """The shared Redis, on this area's own database number, emptied before and after."""
    url = settings.CELERY_BROKER_URL
    if not url.startswith("redis://"):
        url = "redis://127.0.0.1:6379/5"
        settings.CELERY_BROKER_URL = url
    require_redis(url)
    redis.Redis.from_url(url).flushdb()
    yield url
    redis.Redis.from_url(url).flushdb()


@pytest.fixture
def workers(tmp_path):
    started: list[Worker] = []

    def start(broker_url: str, **env) -> Worker:
        worker = Worker(tmp_path, broker_url, tmp_path / "mailbox", **env).start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def everyone_reached(total: int):
    return lambda: Delivery.objects.filter(status=Delivery.Status.SENT).count() == total


def assert_each_received_once(mailbox, *, duplicates_allowed: int = 0):
    emails = set(Delivery.objects.filter(channel="email").values_list("id", flat=True))
    counts = received(mailbox)
    assert set(counts) == emails
    assert sum(1 for n in counts.values() if n > 1) <= duplicates_allowed, counts
    inapp = Delivery.objects.filter(channel="inapp")
    assert Notification.objects.filter(delivery__in=inapp).count() == inapp.count()
    assert Notification.objects.count() == inapp.count()


def more_reporters(unit, n: int):
    for i in range(n):
        make_user(f"baocao{i}", role=RoleGrant.Role.REPORTER, unit=unit, email=f"baocao{i}@tuson.vn")


def test_two_sweeps_at_once_send_each_reminder_once(chain, broker, workers, tmp_path):
    more_reporters(chain["tree"]["tu_son"], 10)
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait(10)
            sweep.sweep(today=DUE)
        except Exception as exc:  # noqa: BLE001 - looked at below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    total = Delivery.objects.count()
    assert total == 11 * 2 + 1  # Từ Sơn: 11 reporters by e-mail and in-app; Đông Ngàn: its reporter in-app
    workers(broker)
    workers(broker)  # two workers competing for the same queue
    wait_for(everyone_reached(total), 60, "every delivery sent")
    assert_each_received_once(tmp_path / "mailbox")


def test_a_worker_killed_mid_batch_loses_none_and_duplicates_at_most_one(chain, broker, workers, tmp_path, settings):
    more_reporters(chain["tree"]["tu_son"], 30)
    settings.REMINDERS_CLAIM_TIMEOUT = 2
    settings.REMINDERS_REPUBLISH_AFTER = 0
    mailbox = tmp_path / "mailbox"
    first = workers(broker, MAILBOX_DELAY=0.15, REMINDERS_CLAIM_TIMEOUT=2)
    sweep.sweep(today=DUE)
    total = Delivery.objects.count()
    wait_for(lambda: len(received(mailbox)) >= 5, 60, "the first e-mails")
    first.kill()
    sent = Delivery.objects.filter(status=Delivery.Status.SENT).count()
    assert 0 < sent < total, "the worker must die in the middle of the batch"
    assert Delivery.objects.filter(status=Delivery.Status.SENDING).count() <= 1
    time.sleep(2.5)  # the dead worker's claim goes stale
    workers(broker, REMINDERS_CLAIM_TIMEOUT=2)
    sweep.publish_unsent()  # what the next beat does
    wait_for(everyone_reached(total), 90, "every delivery sent after the restart")
    assert_each_received_once(mailbox, duplicates_allowed=1)


def test_redis_down_during_submissions_then_every_notification_arrives_once(chain, client, workers, tmp_path, settings):
    require_postgresql()
    own = RedisServer(tmp_path)
    settings.CELERY_BROKER_URL = own.url
    users, form = chain["users"], chain["form"]
    head = users["head_tu_son"]
    obligations = list(Obligation.objects.filter(form=form, unit=chain["tree"]["tu_son"], year=2026)[:3])
    for obligation in obligations:
        fill(obligation, users["reporter_tu_son"])
    client.force_login(head)
    # Redis is not running: nothing listens on its port.
    with time_machine.travel(datetime.datetime(2026, 4, 6, 9, 0, tzinfo=TZ), tick=True):
        for obligation in obligations:
            started = time.monotonic()
            response = client.post(reverse("reports:report_action", args=[obligation.pk, "submit"]))
            elapsed = time.monotonic() - started
            assert response.status_code == 302
            assert elapsed < 3, f"the submission took {elapsed:.1f} s with Redis down"
    assert Report.objects.filter(obligation__in=obligations, status=Status.SUBMITTED).count() == 3
    waiting = Delivery.objects.filter(obligation__in=obligations, stage__code="filed")
    assert waiting.count() == 3 * 2  # the committee's staff, by e-mail and in the bell
    assert set(waiting.values_list("status", flat=True)) == {"pending"}
    assert not waiting.filter(enqueued_at__isnull=False).exists()
    own.start()
    try:
        workers(own.url)
        sweep.publish_unsent()  # the beat's next sweep
        wait_for(everyone_reached(waiting.count()), 60, "the notifications after Redis came back")
        sweep.publish_unsent()  # and a second beat changes nothing
        time.sleep(1)
        assert_each_received_once(tmp_path / "mailbox")
        assert Notification.objects.filter(user=users["staff"]).count() == 3
    finally:
        own.stop()
