"""Annual evaluations (read) and commendations (read, record). Reads go through ``visible_to(user)``; a
commendation is recorded through ``evaluations.services``, which checks ``evaluations.rules`` as the pages do."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from api.schema import LIST, READ_ONE, WRITE, errors
from api.serializers import evaluations as s
from api.views.base import ApiViewSet, of_unit
from evaluations import services
from evaluations.models import Commendation, Evaluation, EvaluationEvent, Score
from units.models import Person, Unit


@extend_schema_view(
    list=extend_schema(
        summary="Annual evaluations of the units and heads in the user's scope",
        parameters=[s.EvaluationFilterSerializer],
        responses={200: s.EvaluationSerializer(many=True), **errors(*LIST)},
    ),
    retrieve=extend_schema(
        summary="One evaluation, with its scores and its history",
        responses={200: s.EvaluationDetailSerializer, **errors(*READ_ONE)},
    ),
)
class EvaluationViewSet(ApiViewSet):
    serializer_class = s.EvaluationSerializer

    def get_queryset(self):
        return Evaluation.objects.visible_to(self.request.user).select_related(
            "criteria_set__unit", "unit", "person", "level"
        )

    def list(self, request):
        f = self.filters(s.EvaluationFilterSerializer)
        qs = of_unit(self.get_queryset(), f)
        if f.get("year"):
            qs = qs.filter(criteria_set__year=f["year"])
        if f.get("subject"):
            qs = qs.filter(criteria_set__subject=f["subject"])
        if f.get("status"):
            qs = qs.filter(status=f["status"])
        if f.get("person"):
            qs = qs.filter(person_id=f["person"])
        return self.page_of(qs.order_by("-criteria_set__year", "unit__path", "person_id", "pk"), s.EvaluationSerializer)

    def retrieve(self, request, pk=None):
        qs = self.get_queryset().prefetch_related(
            Prefetch("scores", queryset=Score.objects.select_related("criterion").order_by("criterion__position")),
            Prefetch("events", queryset=EvaluationEvent.objects.select_related("actor").order_by("created_at", "pk")),
        )
        return Response(s.EvaluationDetailSerializer(get_object_or_404(qs, pk=pk)).data)


@extend_schema_view(
    list=extend_schema(
        summary="Commendations of the units and people in the user's scope, latest first",
        parameters=[s.CommendationFilterSerializer],
        responses={200: s.CommendationSerializer(many=True), **errors(*LIST)},
    ),
    retrieve=extend_schema(summary="One commendation", responses={200: s.CommendationSerializer, **errors(*READ_ONE)}),
    create=extend_schema(
        summary="Record a commendation (committee staff or administrators over the unit)",
        request=s.CommendationCreateSerializer,
        responses={201: s.CommendationSerializer, **errors(*WRITE)},
    ),
)
class CommendationViewSet(ApiViewSet):
    serializer_class = s.CommendationSerializer

    def get_queryset(self):
        return Commendation.objects.visible_to(self.request.user).select_related("unit", "person")

    def list(self, request):
        f = self.filters(s.CommendationFilterSerializer)
        qs = of_unit(self.get_queryset(), f)
        if f.get("year"):
            qs = qs.in_year(f["year"])
        if f.get("person"):
            qs = qs.filter(person_id=f["person"])
        if f.get("exemplary") is not None:
            qs = qs.filter(exemplary=f["exemplary"])
        return self.page_of(qs.order_by("-decision_date", "-pk"), s.CommendationSerializer)

    def retrieve(self, request, pk=None):
        return Response(s.CommendationSerializer(get_object_or_404(self.get_queryset(), pk=pk)).data)

    def create(self, request):
        serializer = s.CommendationCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        unit = get_object_or_404(Unit.objects.visible_to(request.user), pk=data.pop("unit"))
        person_id = data.pop("person", None)
        data["person"] = get_object_or_404(Person.objects.visible_to(request.user), pk=person_id) if person_id else None
        commendation = services.commendation_create(actor=request.user, unit=unit, **data)
        return Response(s.CommendationSerializer(commendation).data, status=status.HTTP_201_CREATED)
