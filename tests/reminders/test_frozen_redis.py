"""A Redis that accepts connections and never answers (a frozen process): a submission still commits at once,
and its notices wait in the database for the next sweep rather than hold the request."""

import datetime
import os
import signal
import time

import pytest
import time_machine
from django.urls import reverse

from reports.models import Delivery, Report, Status
from tests.reminders.conftest import TZ
from tests.reminders.services import RedisServer, require_redis_server
from tests.reports.conftest import fill


@pytest.fixture
def frozen_redis(settings, tmp_path):
    require_redis_server()
    server = RedisServer(tmp_path)
    server.start()
    settings.CELERY_BROKER_URL = server.url
    os.kill(server.process.pid, signal.SIGSTOP)
    yield server
    os.kill(server.process.pid, signal.SIGCONT)
    server.stop()


@pytest.mark.services
def test_a_submission_with_redis_frozen_commits_at_once(
    chain, client, frozen_redis, django_capture_on_commit_callbacks
):
    users = chain["users"]
    report = fill(chain["q1"], users["reporter_tu_son"])
    client.force_login(users["head_tu_son"])
    with time_machine.travel(datetime.datetime(2026, 4, 6, 9, 0, tzinfo=TZ), tick=True):
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            response = client.post(reverse("reports:report_action", args=[chain["q1"].pk, "submit"]))
        elapsed = time.monotonic() - started
    assert response.status_code == 302 and callbacks
    assert elapsed < 3, f"the submission took {elapsed:.1f} s with Redis frozen"
    assert Report.objects.get(pk=report.pk).status == Status.SUBMITTED
    waiting = Delivery.objects.filter(obligation=chain["q1"], stage__code="filed")
    assert waiting.count() == 2 and not waiting.filter(enqueued_at__isnull=False).exists()
