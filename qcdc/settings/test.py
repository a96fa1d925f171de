"""Tests: the database and broker come from the environment exactly as in production.

Under pytest-xdist (``make test`` runs the suite in parallel) each pytest worker has a data folder and, on
Redis, a database number of its own, so that one worker's broker, mail files or queues are never another's.
pytest-django gives each worker its own test database. The choice is written back to the environment, so
that a Celery worker or server a test starts (it inherits the environment) finds the same ones.
"""

import os

_xdist_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _xdist_worker and os.environ.get("QCDC_TEST_WORKER") != _xdist_worker:
    from pathlib import Path
    from urllib.parse import urlsplit, urlunsplit

    os.environ["QCDC_TEST_WORKER"] = _xdist_worker
    _index = int(_xdist_worker.removeprefix("gw"))
    _data = os.environ.get("QCDC_DATA_DIR") or str(Path(__file__).resolve().parents[2] / "data")
    os.environ["QCDC_DATA_DIR"] = str(Path(_data) / f"test-{_xdist_worker}")
    if _redis := os.environ.get("REDIS_URL"):
        _parts = urlsplit(_redis)
        _number = int(_parts.path.strip("/") or 0) + _index
        if _number > 15:
            raise RuntimeError(f"REDIS_URL {_redis}: pytest worker {_xdist_worker} would need Redis database {_number}")
        os.environ["REDIS_URL"] = urlunsplit(_parts._replace(path=f"/{_number}"))

from .base import *  # noqa: E402,F401,F403
from .base import env  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast users in tests
# A Celery worker started by a test cannot share the test's memory: it is given a backend writing files.
EMAIL_BACKEND = env.str("TEST_EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
