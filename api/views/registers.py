"""The registers under ``/api/v1/<register>/``: the rows the user may see (``visible_to``), with the
page's filters; another unit's row is a 404. A row is entered (POST) and changed (PATCH) as on its page:
the same form checks it, the same rule says who may (``registers.rules``, 403 otherwise), the same service
saves it and writes the audit."""

import datetime

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, status
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from api.schema import LIST, READ_ONE, WRITE, errors
from api.serializers import registers as s
from api.views.base import ApiViewSet, of_unit
from registers import rules, services
from registers.forms import record_form_class
from registers.registry import REGISTERS
from units.models import Unit


def _form_value(value):
    """A value as the row's form reads it from a request: dates as yyyy-mm-dd, nothing as empty."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    return value


def _form_errors(form) -> exceptions.ValidationError:
    return exceptions.ValidationError(
        {("non_field_errors" if k == "__all__" else k): [str(m) for m in v] for k, v in form.errors.items()}
    )


def _service_errors(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(
            {("non_field_errors" if k == "__all__" else k): v for k, v in exc.message_dict.items()}
        )
    return exceptions.ValidationError({"non_field_errors": exc.messages})


def _viewset(register):
    list_serializer, detail_serializer = s.SERIALIZERS[register.slug]
    create_serializer, update_serializer = s.WRITE_SERIALIZERS[register.slug]
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
        create=extend_schema(
            summary=f"Enter a row in the register: {title} (the unit's reporters, head or committee staff)",
            request=create_serializer,
            responses={201: detail_serializer, **errors(*WRITE)},
        ),
        partial_update=extend_schema(
            summary=f"Change a row of the register: {title} (only the fields sent)",
            request=update_serializer,
            responses={200: detail_serializer, **errors(*WRITE)},
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
            return Response(self._detail(get_object_or_404(self.get_queryset(), pk=pk)))

        def _detail(self, record) -> dict:
            record.attachment_list = list(record.attachments())
            return detail_serializer(record, context=self.get_serializer_context()).data

        def _body(self, serializer_class) -> dict:
            """The body as ``serializer_class`` types it (a 400 with the messages per field otherwise)."""
            body = serializer_class(data=request_data(self.request), context=self.get_serializer_context())
            body.is_valid(raise_exception=True)
            return dict(body.validated_data)

        def _checked(self, body: dict, unit: Unit, record=None, current: dict | None = None) -> dict:
            """The fields to save, checked by the row's form as on the page (a 400 otherwise)."""
            sent = {k: _form_value(v) for k, v in body.items() if k in register.all_fields}
            form = record_form_class(register, user=self.request.user, unit=unit)(
                data={**(current or {}), **sent}, instance=record
            )
            if not form.is_valid():
                raise _form_errors(form)
            return form.record_fields()

        def create(self, request):
            user = request.user
            if not rules.may_enter_somewhere(user):  # before the body is read: a reader is refused whatever they send
                raise PermissionDenied(
                    _("Only the reporters, the head or the committee staff of a unit may enter rows.")
                )
            body = self._body(create_serializer)
            unit = get_object_or_404(Unit.objects.visible_to(user), pk=body["unit"])
            if not rules.may_enter(user, unit):
                raise PermissionDenied(
                    _("Only the reporters, the head or the committee staff of %(unit)s may do this.") % {"unit": unit}
                )
            # A field left out takes its default, as the page's form shows it filled in.
            defaults = {
                name: _form_value(f.get_default())
                for name in register.all_fields
                if (f := register.model._meta.get_field(name)).has_default()
            }
            fields = self._checked(body, unit, current=defaults)
            try:
                record = services.record_create(actor=user, register=register, unit=unit, **fields)
            except DjangoValidationError as exc:
                raise _service_errors(exc) from None
            return Response(self._detail(self.get_queryset().get(pk=record.pk)), status=status.HTTP_201_CREATED)

        def partial_update(self, request, pk=None):
            user = request.user
            record = get_object_or_404(self.get_queryset(), pk=pk)
            if not rules.may_edit(user, record):
                raise PermissionDenied(
                    _("Only the reporters, the head or the committee staff of %(unit)s may do this.")
                    % {"unit": record.unit}
                )
            body = self._body(update_serializer)
            current = {name: _form_value(getattr(record, name)) for name in register.all_fields}
            fields = self._checked(body, record.unit, record=record, current=current)
            try:
                services.record_update(actor=user, register=register, record=record, **fields)
            except DjangoValidationError as exc:
                raise _service_errors(exc) from None
            return Response(self._detail(self.get_queryset().get(pk=record.pk)))

    RecordViewSet.__name__ = register.model.__name__ + "ViewSet"
    RecordViewSet.__qualname__ = RecordViewSet.__name__
    return RecordViewSet


def request_data(request) -> dict:
    """The body as a mapping (a list or a scalar is a 400)."""
    data = request.data
    if not hasattr(data, "get"):
        raise exceptions.ValidationError({"non_field_errors": [_("Send the row's fields as an object.")]})
    return data


def register(router) -> None:
    for slug, reg in REGISTERS.items():
        router.register(slug, _viewset(reg), basename=slug)
