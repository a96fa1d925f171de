"""The watch list of weak units. Reads go through ``Watch.objects.visible_to(user)`` (another unit's watch is a
404); every change through ``directives.watches``, which checks the rule and writes the history, as the pages do."""

from django.db.models import Count, Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from api.schema import LIST, READ_ONE, WRITE, errors
from api.serializers import watches as s
from api.views.base import ApiViewSet, of_unit
from directives import watches
from directives.models import Directive, Watch, WatchAction, WatchEvent
from units.models import Unit


@extend_schema_view(
    list=extend_schema(
        summary="Watched units in the user's scope (open ones unless asked), nearest review first",
        parameters=[s.WatchFilterSerializer],
        responses={200: s.WatchSerializer(many=True), **errors(*LIST)},
    ),
    retrieve=extend_schema(
        summary="One watch with its follow-ups and history",
        responses={200: s.WatchDetailSerializer, **errors(*READ_ONE)},
    ),
    create=extend_schema(
        summary="Put a unit on the watch list (committee staff or administrators above it)",
        request=s.WatchCreateSerializer,
        responses={201: s.WatchDetailSerializer, **errors(*WRITE)},
    ),
)
class WatchViewSet(ApiViewSet):
    serializer_class = s.WatchSerializer

    def get_queryset(self):
        return Watch.objects.visible_to(self.request.user).select_related("unit")

    def list(self, request):
        f = self.filters(s.WatchFilterSerializer)
        qs = of_unit(self.get_queryset(), f)
        if f["status"] != "all":
            qs = qs.filter(status=f["status"])
        if f.get("due"):
            qs = qs.due_for_review(f["due"])
        qs = qs.annotate(action_count=Count("actions")).order_by("status", "review_on", "pk")
        return self.page_of(qs, s.WatchSerializer)

    def _detail(self, pk, status_code=status.HTTP_200_OK):
        qs = self.get_queryset().prefetch_related(
            Prefetch(
                "actions", WatchAction.objects.select_related("assignment__directive").order_by("-happened_on", "-id")
            ),
            Prefetch("events", WatchEvent.objects.select_related("actor__person")),
        )
        return Response(s.WatchDetailSerializer(get_object_or_404(qs, pk=pk)).data, status=status_code)

    def retrieve(self, request, pk=None):
        return self._detail(pk)

    def create(self, request):
        data = self._valid(s.WatchCreateSerializer)
        unit = get_object_or_404(Unit.objects.visible_to(request.user), pk=data.pop("unit"))
        watch = watches.watch_open(actor=request.user, unit=unit, **data)
        return self._detail(watch.pk, status.HTTP_201_CREATED)

    def _valid(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _watch(self, pk) -> Watch:
        return get_object_or_404(self.get_queryset(), pk=pk)

    @extend_schema(
        summary="Give the watched unit a follow-up task of a directive",
        request=s.WatchTaskSerializer,
        responses={201: s.WatchDetailSerializer, **errors(*WRITE)},
    )
    @action(detail=True, methods=["post"])
    def tasks(self, request, pk=None):
        watch = self._watch(pk)
        data = self._valid(s.WatchTaskSerializer)
        directive = get_object_or_404(Directive.objects.visible_to(request.user), pk=data.pop("directive"))
        watches.watch_give_task(actor=request.user, watch=watch, directive=directive, **data)
        return self._detail(watch.pk, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record a working visit or an inspection and its findings",
        request=s.WatchVisitSerializer,
        responses={201: s.WatchDetailSerializer, **errors(*WRITE)},
    )
    @action(detail=True, methods=["post"])
    def visits(self, request, pk=None):
        watch = self._watch(pk)
        watches.watch_record_visit(actor=request.user, watch=watch, **self._valid(s.WatchVisitSerializer))
        return self._detail(watch.pk, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Set another review date, with why",
        request=s.WatchReviewSerializer,
        responses={200: s.WatchDetailSerializer, **errors(*WRITE)},
    )
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        watch = self._watch(pk)
        watches.watch_move_review(actor=request.user, watch=watch, **self._valid(s.WatchReviewSerializer))
        return self._detail(watch.pk)

    @extend_schema(
        summary="Close the watch with its outcome and result",
        request=s.WatchCloseSerializer,
        responses={200: s.WatchDetailSerializer, **errors(*WRITE)},
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        watch = self._watch(pk)
        watches.watch_close(actor=request.user, watch=watch, **self._valid(s.WatchCloseSerializer))
        return self._detail(watch.pk)


def register(router) -> None:
    """Add this module's resources to the ``/api/v1/`` router."""
    router.register("watches", WatchViewSet, basename="watch")
