"""The dashboard figures of a unit for a range of periods, as on the dashboard page: the same
selectors, the same scope (a unit outside the user's scope is a 404), a constant number of queries."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from api.schema import LIST, errors
from api.serializers import dashboards as s
from api.serializers.units import MAX_ID
from api.views.base import ApiViewSet
from reports import selectors
from units.models import Unit


class UnitFiguresViewSet(ApiViewSet):
    """Registered under ``units`` beside the units' own resource: it adds only ``units/{id}/figures/``."""

    serializer_class = s.FiguresSerializer
    queryset = Unit.objects.none()  # for the schema's path parameter; the unit is fetched by visible_to
    lookup_value_regex = "[0-9]+"

    @extend_schema(
        summary="The dashboard figures of a unit over its subtree, per child unit and month by month",
        parameters=[s.FiguresFilterSerializer],
        responses={200: s.FiguresSerializer, **errors(*LIST)},
    )
    @action(detail=True, methods=["get"])
    def figures(self, request, pk: str):
        if int(pk) > MAX_ID:
            raise Http404
        unit = get_object_or_404(Unit.objects.visible_to(request.user), pk=int(pk))
        f = self.filters(s.FiguresFilterSerializer)
        flt = selectors.dashboard_filter(unit, start=f.get("start"), end=f.get("end"), form_ids=f["form"])
        grid = selectors.grid(flt)  # one scan of the obligations for the three blocks
        data = {
            "unit": unit,
            "start": flt.start,
            "end": flt.end,
            "today": flt.today,
            "forms": flt.form_ids,
            # The serializers read the counts and the derived rates as attributes of Figures and ChildRow.
            "headline": grid.headline,
            "children": selectors.child_units(flt, grid.by_bucket),
            "months": [{"month": month, **vars(cell)} for month, cell in grid.trend.items()],
            "indicators": selectors.indicator_totals(flt),
        }
        return Response(s.FiguresSerializer(data).data)


def register(router) -> None:
    """Add this module's resources to the ``/api/v1/`` router."""
    router.register("units", UnitFiguresViewSet, basename="unit-figures")
