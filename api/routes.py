"""The resources of ``/api/v1/``, one registration each."""

from rest_framework.routers import DefaultRouter

from api.views import dashboards, notifications, watches
from api.views import registers as register_views
from api.views.directives import AssignmentViewSet, DirectiveTypeViewSet, DirectiveViewSet
from api.views.evaluations import CommendationViewSet, EvaluationViewSet
from api.views.reports import ObligationViewSet, ReportFormViewSet, ReportViewSet
from api.views.units import BodyViewSet, PersonViewSet, UnitViewSet

router = DefaultRouter()
router.include_format_suffixes = False
router.register("units", UnitViewSet, basename="unit")
router.register("bodies", BodyViewSet, basename="body")
router.register("people", PersonViewSet, basename="person")
router.register("directive-types", DirectiveTypeViewSet, basename="directive-type")
router.register("directives", DirectiveViewSet, basename="directive")
router.register("assignments", AssignmentViewSet, basename="assignment")
router.register("report-forms", ReportFormViewSet, basename="report-form")
router.register("obligations", ObligationViewSet, basename="obligation")
router.register("reports", ReportViewSet, basename="report")
router.register("evaluations", EvaluationViewSet, basename="evaluation")
router.register("commendations", CommendationViewSet, basename="commendation")
# Notifications, dashboard figures, the registers and the watch list register theirs in their own modules.
notifications.register(router)
dashboards.register(router)
register_views.register(router)
watches.register(router)
