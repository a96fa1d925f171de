from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from celery.signals import task_prerun
        from django.core.signals import request_started

        from reports import periods

        # Each request and each task looks once whether another process changed the working calendar.
        request_started.connect(periods.calendar_recheck, dispatch_uid="reports.calendar_recheck")
        task_prerun.connect(periods.calendar_recheck, dispatch_uid="reports.calendar_recheck", weak=False)
