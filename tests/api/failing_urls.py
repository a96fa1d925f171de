"""The site's addresses plus three that fail unexpectedly: an API view, a plain view under ``/api/``, a page."""

from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from qcdc.urls import handler400, handler403, handler500  # noqa: F401
from qcdc.urls import urlpatterns as site_urlpatterns


class FailingApiView(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        raise RuntimeError("unexpected")


def failing_view(request):
    raise RuntimeError("unexpected")


urlpatterns = [
    path("api/v1/failing/", FailingApiView.as_view()),
    path("api/failing-plain/", failing_view),
    path("failing/", failing_view),
    *site_urlpatterns,
]
