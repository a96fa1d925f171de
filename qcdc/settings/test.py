"""Tests: the database and broker come from the environment exactly as in production."""

from .base import *  # noqa: F401,F403
from .base import env

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast users in tests
# A Celery worker started by a test cannot share the test's memory: it is given a backend writing files.
EMAIL_BACKEND = env.str("TEST_EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
