from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("API")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from api import schema  # noqa: F401  (registers the OpenAPI extension of the token authentication)
        from qcdc import middleware  # noqa: F401  (notes the time of each login for the idle timeout)
