"""The registers under ``/api/v1/<register>/``: the rows the user may see (``visible_to``), with the
page's filters; another unit's row is a 404."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from api.schema import LIST, READ_ONE, errors
from api.serializers import registers as s
from api.views.base import ApiViewSet, of_unit
from registers.registry import REGISTERS


def _viewset(register):
    list_serializer, detail_serializer = s.SERIALIZERS[register.slug]
    title = str(register.model._meta.verbose_name_plural)

    @extend_schema_view(
        list=extend_schema(
            summary=f"Register: {title}",
            parameters=[s.RecordFilterSerializer],
            responses={200: list_serializer(many=True), **errors(*LIST)},
        ),
        retrieve=extend_schema(
            summary=f"One row of the register: {title}", responses={200: detail_serializer, **errors(*READ_ONE)}
        ),
    )
    class RecordViewSet(ApiViewSet):
        serializer_class = list_serializer

        def get_queryset(self):
            return register.model.objects.visible_to(self.request.user).select_related("unit", *register.select_related)

        def list(self, request):
            f = self.filters(s.RecordFilterSerializer)
            qs = of_unit(self.get_queryset(), f)
            if f.get("q"):
                qs = qs.search(f["q"])
            if f.get("group"):
                qs = qs.filter(**{register.group_field: f["group"]})
            qs = qs.in_period(f.get("start"), f.get("end"))
            return self.page_of(qs.order_by("-date", "-id"), list_serializer)

        def retrieve(self, request, pk=None):
            record = get_object_or_404(self.get_queryset(), pk=pk)
            record.attachment_list = list(record.attachments())
            return Response(detail_serializer(record, context=self.get_serializer_context()).data)

    RecordViewSet.__name__ = register.model.__name__ + "ViewSet"
    RecordViewSet.__qualname__ = RecordViewSet.__name__
    return RecordViewSet


def register(router) -> None:
    for slug, reg in REGISTERS.items():
        router.register(slug, _viewset(reg), basename=slug)
