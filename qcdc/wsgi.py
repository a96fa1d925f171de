import os

from django.core.wsgi import get_wsgi_application
from django.urls import resolve

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qcdc.settings.local")
# A web process: its database statements are time-limited (WEB_STATEMENT_TIMEOUT in the settings).
os.environ.setdefault("QCDC_WEB_PROCESS", "1")
application = get_wsgi_application()
# The URLconf, and with it every view, is imported as the process starts, not by its first request: a load
# balancer's first probe of a new worker gets its answer within the probe's time like every later one.
resolve("/healthz")
