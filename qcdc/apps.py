from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _


class LoginLocksConfig(AxesAppConfig):
    """django-axes (the login locks of ``qcdc.logins``) under a name in the site's language in the admin."""

    verbose_name = _("Login locks")
