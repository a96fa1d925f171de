from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from celery.signals import task_prerun
        from django.core.signals import request_started

        from reports import generation, periods
        from units.signals import sort_keys_changed

        # Renamed units take their new place in the lists of overdue and late reports.
        sort_keys_changed.connect(generation.obligations_follow_sort_keys, dispatch_uid="reports.sort_keys")
        # Each request and each task looks once whether another process changed the working calendar.
        request_started.connect(periods.calendar_recheck, dispatch_uid="reports.calendar_recheck")
        task_prerun.connect(periods.calendar_recheck, dispatch_uid="reports.calendar_recheck", weak=False)
