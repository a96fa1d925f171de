"""Units, heads, bodies and people: read-only, each fetched through ``visible_to(user)`` as on the pages."""

from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from api.schema import LIST, READ, READ_ONE, errors, paginated
from api.serializers import units as s
from api.views.base import ApiView, ApiViewSet
from units.models import Body, BodyMembership, Headship, Person, RoleGrant, Unit
from units.querysets import in_office_q


def open_filter(qs, wanted: bool | None):
    """``True``: open today; ``False``: former units only; ``None``: both."""
    if wanted is None:
        return qs
    today = timezone.localdate()
    open_today = Unit.objects.open_on(today).values("pk")
    return qs.filter(pk__in=open_today) if wanted else qs.exclude(pk__in=open_today)


def ordered_memberships() -> Prefetch:
    return Prefetch(
        "memberships",
        queryset=BodyMembership.objects.select_related("person").order_by(
            BodyMembership.role_order(), "started_on", "pk"
        ),
        to_attr="ordered_memberships",
    )


@extend_schema_view(
    list=extend_schema(
        summary="Units in the user's scope",
        description="Search ignores diacritics and case: every word must start a word of the name or code.",
        parameters=[s.UnitFilterSerializer],
        responses={200: s.UnitSerializer(many=True), **errors(*LIST)},
    ),
    retrieve=extend_schema(summary="One unit", responses={200: s.UnitDetailSerializer, **errors(*READ_ONE)}),
)
class UnitViewSet(ApiViewSet):
    serializer_class = s.UnitSerializer

    def get_queryset(self):
        return Unit.objects.visible_to(self.request.user)

    def list(self, request):
        f = self.filters(s.UnitFilterSerializer)
        qs = self.get_queryset().listed(q=f.get("q", ""), kind=f.get("kind", ""), parent=f.get("parent"))
        return self.page_of(open_filter(qs, f.get("open")).with_child_flags(), s.UnitSerializer)

    def retrieve(self, request, pk=None):
        qs = self.get_queryset().with_child_flags().prefetch_related("successors", "predecessors")
        return Response(s.UnitDetailSerializer(get_object_or_404(qs, pk=pk)).data)

    @extend_schema(
        summary="The children of a unit",
        parameters=[s.ChildrenFilterSerializer],
        responses={200: paginated(s.UnitSerializer, "PaginatedUnitChildren"), **errors(*LIST)},
    )
    @action(detail=True)
    def children(self, request, pk=None):
        unit = get_object_or_404(self.get_queryset(), pk=pk)
        f = self.filters(s.ChildrenFilterSerializer)
        qs = open_filter(Unit.objects.filter(parent=unit), f.get("open"))
        return self.page_of(qs.with_child_flags().in_name_order(), s.UnitSerializer)

    @extend_schema(
        summary="Who headed a unit, and who heads it now",
        parameters=[s.HeadshipFilterSerializer],
        responses={200: paginated(s.HeadshipSerializer, "PaginatedHeadships"), **errors(*LIST)},
    )
    @action(detail=True)
    def heads(self, request, pk=None):
        unit = get_object_or_404(self.get_queryset(), pk=pk)
        f = self.filters(s.HeadshipFilterSerializer)
        qs = Headship.objects.visible_to(request.user).filter(unit=unit).select_related("person")
        if f.get("current") is not None:
            current = in_office_q(timezone.localdate())
            qs = qs.filter(current) if f["current"] else qs.exclude(current)
        return self.page_of(qs.order_by("-started_on", "-pk"), s.HeadshipSerializer)

    @extend_schema(
        summary="The bodies of a unit, with their members",
        responses={200: paginated(s.BodySerializer, "PaginatedUnitBodies"), **errors(*LIST)},
    )
    @action(detail=True)
    def bodies(self, request, pk=None):
        unit = get_object_or_404(self.get_queryset(), pk=pk)
        qs = Body.objects.filter(unit=unit).prefetch_related(ordered_memberships())
        return self.page_of(qs.order_by("kind", "name", "pk"), s.BodySerializer)


@extend_schema_view(
    retrieve=extend_schema(summary="One body with its members", responses={200: s.BodySerializer, **errors(*READ_ONE)})
)
class BodyViewSet(ApiViewSet):
    serializer_class = s.BodySerializer

    def get_queryset(self):
        return Body.objects.visible_to(self.request.user).prefetch_related(ordered_memberships())

    def retrieve(self, request, pk=None):
        return Response(s.BodySerializer(get_object_or_404(self.get_queryset(), pk=pk)).data)


@extend_schema_view(
    list=extend_schema(
        summary="People of the units in the user's scope",
        parameters=[s.PersonFilterSerializer],
        responses={200: s.PersonSerializer(many=True), **errors(*LIST)},
    ),
    retrieve=extend_schema(summary="One person", responses={200: s.PersonSerializer, **errors(*READ_ONE)}),
)
class PersonViewSet(ApiViewSet):
    serializer_class = s.PersonSerializer

    def get_queryset(self):
        return Person.objects.visible_to(self.request.user).select_related("unit")

    def list(self, request):
        f = self.filters(s.PersonFilterSerializer)
        return self.page_of(self.get_queryset().listed(q=f.get("q", ""), unit=f.get("unit")), s.PersonSerializer)

    def retrieve(self, request, pk=None):
        return Response(s.PersonSerializer(get_object_or_404(self.get_queryset(), pk=pk)).data)


class MeView(ApiView):
    @extend_schema(
        summary="The user the request acts as, with their roles",
        responses={200: s.MeSerializer, **errors(*READ)},
    )
    def get(self, request):
        user = request.user
        data = {
            "id": user.pk,
            "username": user.get_username(),
            "display_name": user.display_name,
            "is_superuser": user.is_superuser,
            "grants": RoleGrant.objects.filter(user=user).select_related("unit").order_by("unit__path", "role"),
            "language": request.LANGUAGE_CODE,
        }
        return Response(s.MeSerializer(data).data)
