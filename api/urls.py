"""``/api/v1/`` (the REST API), ``/api/schema/`` and ``/api/docs/`` (its description), ``/healthz`` and ``/profile/``.

Each app's resources are registered on one router; the reports, notifications and
dashboard figures register theirs in ``api.routes`` the same way.
"""

from django.http import JsonResponse
from django.urls import include, path, re_path
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api import profile
from api.routes import router
from api.views.base import request_language
from api.views.health import HealthView
from api.views.units import MeView

app_name = "api"


@csrf_exempt  # a 404 for every method: no CSRF page for a POST to an address that does not exist
def not_found(request):
    with translation.override(request_language(request)):
        message = _("There is no such address in the API.")
    return JsonResponse({"detail": message, "code": "not_found", "errors": {}}, status=404)


urlpatterns = [
    path("api/v1/me/", MeView.as_view(), name="me"),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: the CSP forbids inline scripts.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    re_path(r"^api/(?:.*/)?$", not_found),  # a JSON 404 under /api/, not the HTML page
    path("healthz", HealthView.as_view(), name="healthz"),
    path("profile/", profile.profile, name="profile"),
    path("profile/tokens/<int:pk>/revoke/", profile.token_revoke, name="token_revoke"),
]
