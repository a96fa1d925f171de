"""The register and the tasks it hands out. Reads go through ``visible_to(user)``; every change through
``directives.services``, which checks the role and writes the history, exactly as the pages do."""

from django.db.models import Case, F, Value, When
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from api.schema import LIST, READ_ONE, WRITE, errors, paginated
from api.serializers import directives as s
from api.serializers import lean
from api.views.base import ApiViewSet, Shaped, of_unit
from directives import services
from directives.models import Assignment, Directive, DirectiveType
from units import permissions


@extend_schema_view(
    list=extend_schema(
        summary="Types of directive",
        responses={200: s.DirectiveTypeSerializer(many=True), **errors(*LIST)},
    ),
)
class DirectiveTypeViewSet(ApiViewSet):
    serializer_class = s.DirectiveTypeSerializer

    def get_queryset(self):
        return DirectiveType.objects.all()

    def list(self, request):
        return self.page_of(self.get_queryset().order_by("family", "position", "name", "pk"), s.DirectiveTypeSerializer)


@extend_schema_view(
    list=extend_schema(
        summary="The register of directives the user may read",
        parameters=[s.DirectiveFilterSerializer],
        responses={200: s.DirectiveSerializer(many=True), **errors(*LIST)},
    ),
    retrieve=extend_schema(summary="One directive", responses={200: s.DirectiveDetailSerializer, **errors(*READ_ONE)}),
    create=extend_schema(
        summary="Enter a directive in the register (committee staff or administrators of the owner unit)",
        request=s.DirectiveCreateSerializer,
        responses={201: s.DirectiveDetailSerializer, **errors(*WRITE)},
    ),
)
class DirectiveViewSet(ApiViewSet):
    serializer_class = s.DirectiveSerializer

    def get_queryset(self):
        user = self.request.user
        return Directive.objects.visible_to(user).select_related("doc_type", "owner_unit").with_implements(user)

    def list(self, request):
        f = self.filters(s.DirectiveFilterSerializer)
        build_rows = lambda rows: lean.directive_rows(rows, request.user)  # noqa: E731
        if f.get("q") or f.get("issuer"):  # searched: the texts are folded, no stand-in survives that
            qs = lean.directive_listed(Directive.objects.visible_to(request.user).register(**f))
            return self.page_rows(qs, lean.DIRECTIVE_COLUMNS, build_rows)

        def build(user, **filters):
            return lean.directive_listed(Directive.objects.visible_to(user).register(**filters))

        named = {key: value for key, value in f.items() if value}
        shaped = Shaped("api directives", build, request.user, roles=(None, permissions.MANAGERS), named=named)
        # Within a scope every directive is tested for visibility (and sorted: undated last is no index's
        # order), so they are counted as they are read; the whole register is counted apart, cheaply.
        return self.page_rows(shaped, lean.DIRECTIVE_COLUMNS, build_rows, window=not shaped.sees_everything)

    def _detail(self, pk):
        qs = self.get_queryset().prefetch_related("attachments")
        return s.DirectiveDetailSerializer(get_object_or_404(qs, pk=pk)).data

    def retrieve(self, request, pk=None):
        return Response(self._detail(pk))

    def create(self, request):
        user = request.user
        services.require_registrar(user)  # before the body is read: a reader is refused, whatever they send
        serializer = s.DirectiveCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        directive = services.directive_create(actor=user, **data)
        return Response(self._detail(directive.pk), status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        summary="The tasks of a directive, for the units in the user's scope",
        responses={200: paginated(s.AssignmentSerializer, "PaginatedDirectiveAssignments"), **errors(*LIST)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Hand one task to many units (committee staff or administrators of the owner unit)",
        request=s.AssignSerializer,
        responses={
            201: OpenApiResponse(s.AssignResultSerializer, description="Some units received the task."),
            200: OpenApiResponse(s.AssignResultSerializer, description="Every unit already held the task."),
            **errors(*WRITE),
        },
    )
    @action(detail=True, methods=["get", "post"])
    def assignments(self, request, pk=None):
        user = request.user
        directive = get_object_or_404(Directive.objects.visible_to(user).select_related("owner_unit"), pk=pk)
        if request.method == "GET":
            qs = (
                Assignment.objects.filter(directive=directive)
                .of_units_in_scope(user)
                .select_related("directive", "unit")
                .order_by("unit__sort_key", "pk")
            )
            return self.page_of(qs, s.AssignmentSerializer, context={"today": timezone.localdate()})
        permissions.require_manage(user, directive.owner_unit)  # the service's refusal, before the body is read
        serializer = s.AssignSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        result = services.assignment_bulk_create(actor=user, directive=directive, **serializer.validated_data)
        body = {"created": result.created, "already": result.already, "targets": result.targets}
        return Response(body, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)


@extend_schema_view(
    list=extend_schema(
        summary="Tasks of units in the user's scope: a unit's “our tasks”",
        description="Open tasks first, then by deadline, latest first, as on the unit's task page.",
        parameters=[s.AssignmentFilterSerializer],
        responses={200: s.AssignmentSerializer(many=True), **errors(*LIST)},
    ),
    retrieve=extend_schema(
        summary="One task of one unit", responses={200: s.AssignmentSerializer, **errors(*READ_ONE)}
    ),
)
class AssignmentViewSet(ApiViewSet):
    serializer_class = s.AssignmentSerializer

    def get_queryset(self):
        return Assignment.objects.visible_to(self.request.user).select_related("directive", "unit")

    def list(self, request):
        f = self.filters(s.AssignmentFilterSerializer)
        today = timezone.localdate()
        qs = self.get_queryset()
        qs = of_unit(qs, f)
        if f.get("directive"):
            qs = qs.filter(directive_id=f["directive"])
        shown = f["status"]
        if shown == "overdue":
            qs = qs.filter(status=Assignment.Status.OPEN, deadline__lt=today)
        elif shown != "all":
            qs = qs.filter(status=shown)
        open_first = Case(When(status=Assignment.Status.OPEN, then=Value(0)), default=Value(1))
        qs = qs.order_by(open_first, F("deadline").desc(nulls_last=True), "-directive__issued_on", "pk")
        return self.page_of(qs, s.AssignmentSerializer, context={"today": today})

    def retrieve(self, request, pk=None):
        assignment = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(s.AssignmentSerializer(assignment, context={"today": timezone.localdate()}).data)
