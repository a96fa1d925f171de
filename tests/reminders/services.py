"""Real Redis and real Celery workers for the reminder tests, started and stopped by pidfile.

Skipped when Redis is absent, unless REQUIRE_SERVICES=1 (then they must run). Workers use --pool=solo and
see the test database (the tests are transactional: what they write is committed)."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.db import connection

from tests.conftest import REQUIRE_SERVICES

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def require_redis(url: str) -> None:
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        if REQUIRE_SERVICES:
            pytest.fail(f"REQUIRE_SERVICES=1 but Redis is not reachable at {url}")
        pytest.skip("needs Redis")
    require_postgresql()


def require_redis_server() -> None:
    """Skip when redis-server is not installed (a test that starts, freezes or kills a Redis of its own), or
    fail under REQUIRE_SERVICES=1."""
    if not shutil.which("redis-server"):
        if REQUIRE_SERVICES:
            pytest.fail("REQUIRE_SERVICES=1 but redis-server is not installed")
        pytest.skip("needs redis-server (the test starts a Redis of its own)")


def require_postgresql(reason: str = "worker tests need PostgreSQL") -> None:
    """Skip with ``reason`` on another database, or fail under REQUIRE_SERVICES=1.

    By default for the workers: separate processes share the test database only on a database server."""
    if connection.vendor != "postgresql":
        if REQUIRE_SERVICES:
            pytest.fail("REQUIRE_SERVICES=1 but the database is not PostgreSQL")
        pytest.skip(reason)


def database_url() -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def wait_for(condition, timeout: float = 60, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


class RedisServer:
    """A redis-server of the test's own, on a free port, that the test stops and starts at will."""

    def __init__(self, tmp: Path):
        self.port = free_port()
        self.dir = tmp
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
            + ["--dir", str(self.dir)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: self._ping(), 10, "redis-server")

    def _ping(self) -> bool:
        try:
            return redis.Redis(port=self.port, socket_connect_timeout=0.5).ping()
        except redis.RedisError:
            return False

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None

    def kill(self):
        """SIGKILL: whatever it held is gone (it keeps nothing on disk); ``start`` brings up an empty one."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self.process = None


class SMTPServer:
    """The tests' own mail server (``tests.reminders.smtp_server``), on a free port, stopped and started at will."""

    def __init__(self, folder: Path):
        self.port = free_port()
        self.folder = folder
        self.process = None

    SMTP = "django.core.mail.backends.smtp.EmailBackend"

    def worker_env(self) -> dict:
        """The environment of a worker that sends its mail here."""
        return {"TEST_EMAIL_BACKEND": self.SMTP, "EMAIL_URL": f"smtp://127.0.0.1:{self.port}", "EMAIL_TIMEOUT": 3}

    def use_in(self, settings) -> None:
        """Point this process's settings (pytest-django's ``settings``) at it."""
        settings.EMAIL_BACKEND = self.SMTP
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", self.port, 3
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False

    def start(self) -> "SMTPServer":
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.reminders.smtp_server", str(self.port), str(self.folder)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self._listening, 10, "the SMTP server")
        return self

    def _listening(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                return s.recv(3) == b"220"
        except OSError:
            return False

    def kill(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self.process = None

    stop = kill


class Worker:
    """A Celery worker (``program``: how celery is run, e.g. on a simulated clock), stopped by its pidfile."""

    name = "worker"
    ready = "ready"

    def __init__(self, tmp: Path, broker: str, mailbox: Path, *, program: list[str] | None = None, **env):
        self.program = program or [CELERY]
        self.tmp = tmp
        self.pidfile = tmp / f"{self.name}-{time.monotonic_ns()}.pid"
        self.log = tmp / f"{self.pidfile.stem}.log"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "qcdc.settings.test",
            "DATABASE_URL": database_url(),
            "REDIS_URL": broker,
            "TEST_EMAIL_BACKEND": "tests.reminders.mailbox.EmailBackend",
            "EMAIL_FILE_PATH": str(mailbox),
            "PYTHONPATH": str(ROOT),
            **{k: str(v) for k, v in env.items()},
        }
        self.process = None

    def arguments(self) -> list[str]:
        command = ["-A", "qcdc", "worker", "--pool=solo", f"--pidfile={self.pidfile}", "--loglevel=INFO"]
        return command + ["--without-gossip", "--without-mingle", "--without-heartbeat"]

    def start(self) -> "Worker":
        command = self.program + self.arguments()
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        wait_for(lambda: self.pidfile.exists() and self.ready in self.log.read_text(errors="replace"), 60, self.name)
        return self

    @property
    def pid(self) -> int:
        return int(self.pidfile.read_text().strip())

    def kill(self):
        os.kill(self.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self):
        if self.process and self.process.poll() is None:
            os.kill(self.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.kill(self.pid, signal.SIGKILL)
                self.process.wait(10)


class Beat(Worker):
    """Celery beat, with a schedule file of its own."""

    name = "beat"
    ready = "beat: Starting"

    def arguments(self) -> list[str]:
        schedule = self.tmp / f"{self.pidfile.stem}-schedule"
        return ["-A", "qcdc", "beat", f"--pidfile={self.pidfile}", "-s", str(schedule), "--loglevel=INFO"]
