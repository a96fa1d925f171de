from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demonstration data of ``make run``: units, people, forms, directives and reports at every step.

    It sits above every other app, so it may call each of them; nothing imports it."""

    name = "demo"
    verbose_name = _("Demo data")
