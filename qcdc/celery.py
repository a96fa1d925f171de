"""The Celery app. Workers run anywhere; exactly one beat runs in production."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qcdc.settings.local")

app = Celery("qcdc")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
