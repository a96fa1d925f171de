"""Development: `make run` on the embedded default."""

from .base import *  # noqa: F401,F403
from .base import INSTALLED_APPS, env

DEBUG = env.bool("DEBUG", default=True)

# `make run` collects the static files first and sets QCDC_COLLECTED_STATIC=1: they are then served as in
# production (compressed, hashed names, cached for good) by WhiteNoise, not by runserver. A plain
# `manage.py runserver` without it serves the files in static/ as they are, changes seen at once.
if env.bool("QCDC_COLLECTED_STATIC", default=False):
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "qcdc.staticfiles.CollectedStaticFilesStorage"},
    }
    INSTALLED_APPS = ["whitenoise.runserver_nostatic", *INSTALLED_APPS]
    WHITENOISE_AUTOREFRESH = False
    WHITENOISE_USE_FINDERS = False
