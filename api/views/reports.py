"""Report forms, obligations and reports. Reads go through ``visible_to(user)``; every change of a report
goes through ``reports.services``, so the history, versions and timeliness are those of the pages."""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from api.schema import LIST, READ_ONE, WRITE, errors
from api.serializers import lean
from api.serializers import reports as s
from api.views.base import ApiViewSet, Shaped, of_given_unit, unit_named
from reports import services
from reports.models import Indicator, IndicatorRule, Obligation, Report, ReportEvent, ReportForm, ReportVersion
from units import permissions

CONFLICT = OpenApiResponse(
    s.ConflictSerializer, description="Someone saved the draft since this revision; `current` is their version."
)


def _form_parts():
    return (
        "sections",
        Prefetch("indicators", queryset=Indicator.objects.order_by("position", "id")),
        Prefetch("rules", queryset=IndicatorRule.objects.select_related("left", "right")),
    )


def report_queryset(user):
    return Report.objects.visible_to(user).select_related(
        "obligation__form", "obligation__unit", "updated_by__person", "approved_by__person"
    )


def report_detail(report: Report) -> dict:
    """The report with its content, what stops its submission, its files, history and versions."""
    report = (
        Report.objects.filter(pk=report.pk)
        .select_related("obligation__form", "obligation__unit", "updated_by__person", "approved_by__person")
        .prefetch_related(
            "obligation__form__sections",
            Prefetch("obligation__form__indicators", queryset=Indicator.objects.order_by("position", "id")),
            "values",
            "attachments",
            Prefetch("versions", queryset=ReportVersion.objects.select_related("approved_by__person")),
            Prefetch(
                "events",
                queryset=ReportEvent.objects.select_related("actor__person", "version").order_by("created_at", "id"),
            ),
        )
        .get()
    )
    report.problems = _api_keys(services.report_problems(report), report.obligation.form)
    return s.ReportDetailSerializer(report).data


def _api_keys(problems: dict, form: ReportForm) -> dict:
    """The pages' field names (section_12, ind_5) as the API names them (narrative.12, values.PETITIONS)."""
    names = {sec.field_name: f"narrative.{sec.pk}" for sec in form.sections.all()}
    names.update({i.field_name: f"values.{i.code}" for i in form.indicators.all()})
    names["__all__"] = "non_field_errors"
    return {names.get(key, key): list(map(str, messages)) for key, messages in problems.items()}


def _service_errors(exc: ValidationError, form: ReportForm) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(_api_keys(exc.message_dict, form))
    return exceptions.ValidationError({"non_field_errors": exc.messages})


def save_draft(view, request, obligation: Obligation, revision_of: Report | None = None) -> Response:
    form = obligation.form
    serializer = s.DraftSerializer(data=request.data, context={**view.get_serializer_context(), "form": form})
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    existed = revision_of is not None or Report.objects.filter(obligation=obligation).exists()
    try:
        report = services.report_save_draft(
            actor=request.user,
            obligation=obligation,
            revision=data["revision"],
            narrative=data.get("narrative"),
            values=data.get("values"),
            document=data.get("document"),
        )
    except services.EditConflict as exc:
        current = (
            report_queryset(request.user).prefetch_related("values", "obligation__form__sections").get(pk=exc.report.pk)
        )
        body = {
            "detail": _("Someone else saved this report since you loaded it: start again from their version."),
            "code": "conflict",
            "errors": {"revision": [_("The report is now at revision %(n)d.") % {"n": current.revision}]},
            "current": s.ReportSerializer(current).data,
        }
        return Response(body, status=status.HTTP_409_CONFLICT)
    except ValidationError as exc:
        raise _service_errors(exc, form) from None
    return Response(report_detail(report), status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary="Report forms",
        parameters=[s.ReportFormFilterSerializer],
        responses={200: s.ReportFormSerializer(many=True), **errors(*LIST)},
    ),
    retrieve=extend_schema(
        summary="One report form with its sections, figures and rules",
        responses={200: s.ReportFormDetailSerializer, **errors(*READ_ONE)},
    ),
)
class ReportFormViewSet(ApiViewSet):
    serializer_class = s.ReportFormSerializer

    def get_queryset(self):
        # As on the pages, any logged-in user may read a form: it is what their unit fills in.
        return ReportForm.objects.select_related("owner_unit")

    def list(self, request):
        f = self.filters(s.ReportFormFilterSerializer)
        qs = self.get_queryset()
        if f.get("kind"):
            qs = qs.filter(kind=f["kind"])
        if f.get("active") is not None:
            qs = qs.filter(is_active=f["active"])
        return self.page_of(qs.order_by("kind", "name", "pk"), s.ReportFormSerializer)

    def retrieve(self, request, pk=None):
        form = get_object_or_404(self.get_queryset().prefetch_related(*_form_parts()), pk=pk)
        return Response(s.ReportFormDetailSerializer(form).data)


@extend_schema_view(
    list=extend_schema(
        summary="Reports owed by units in the user's scope: a unit's “our reports”",
        parameters=[s.ObligationFilterSerializer],
        responses={200: s.ObligationSerializer(many=True), **errors(*LIST)},
    ),
    retrieve=extend_schema(summary="One obligation", responses={200: s.ObligationSerializer, **errors(*READ_ONE)}),
)
class ObligationViewSet(ApiViewSet):
    serializer_class = s.ObligationSerializer

    def get_queryset(self):
        return Obligation.objects.visible_to(self.request.user).select_related("form", "unit", "report")

    def list(self, request):
        f = self.filters(s.ObligationFilterSerializer)
        today = timezone.localdate()
        status = f.get("status", "")
        build_rows = lambda rows: lean.obligation_rows(rows, today)  # noqa: E731
        unit = unit_named(f)
        if unit is None:
            return self.page_rows(Obligation.objects.none(), lean.OBLIGATION_COLUMNS, build_rows)
        named, paths = unit
        named.update({key: f[key] for key in ("form", "year") if f.get(key)})
        if status == "overdue":
            named["today"] = today

        def build(user, form=None, year=None, today=None, **unit):
            qs = of_given_unit(Obligation.objects.visible_to(user), **unit)
            return qs.listed(today=today, form=form, year=year, status=status)

        shaped = Shaped(f"api obligations status={status}", build, request.user, named=named, paths=paths)
        return self.page_rows(shaped, lean.OBLIGATION_COLUMNS, build_rows)

    def retrieve(self, request, pk=None):
        obligation = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(s.ObligationSerializer(obligation, context={"today": timezone.localdate()}).data)

    @extend_schema(
        methods=["GET"],
        summary="The report of an obligation",
        responses={200: s.ReportDetailSerializer, **errors(*READ_ONE)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Save the draft of an obligation's report (the first save starts it)",
        description="The unit's reporter or head. `revision` is 0 for a new report, else the one last read.",
        request=s.DraftSerializer,
        responses={
            200: OpenApiResponse(s.ReportDetailSerializer, description="The draft was saved."),
            201: OpenApiResponse(s.ReportDetailSerializer, description="The report was started."),
            409: CONFLICT,
            **errors(*WRITE),
        },
    )
    @action(detail=True, methods=["get", "post"])
    def report(self, request, pk=None):
        obligation = get_object_or_404(self.get_queryset(), pk=pk)
        if request.method == "POST":
            return save_draft(self, request, obligation)
        report = Report.objects.filter(obligation=obligation).first()
        if report is None:
            raise exceptions.NotFound(_("No report was started for this obligation yet."))
        return Response(report_detail(report))


def _action_schema(summary: str, request):
    return extend_schema(summary=summary, request=request, responses={200: s.ReportDetailSerializer, **errors(*WRITE)})


@extend_schema_view(
    list=extend_schema(
        summary="Reports of units in the user's scope",
        description="`reviewable=true&status=submitted` is the committee's inbox.",
        parameters=[s.ReportFilterSerializer],
        responses={200: s.ReportSerializer(many=True), **errors(*LIST)},
    ),
    retrieve=extend_schema(
        summary="One report with its history", responses={200: s.ReportDetailSerializer, **errors(*READ_ONE)}
    ),
    partial_update=extend_schema(
        summary="Save the draft (the unit's reporter or head)",
        request=s.DraftSerializer,
        responses={200: s.ReportDetailSerializer, 409: CONFLICT, **errors(*WRITE)},
    ),
)
class ReportViewSet(ApiViewSet):
    serializer_class = s.ReportSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return report_queryset(self.request.user)

    def list(self, request):
        f = self.filters(s.ReportFilterSerializer)
        unit = unit_named(f)
        if unit is None:
            return self.page_rows(Report.objects.none(), lean.REPORT_COLUMNS, lean.report_rows)
        named, paths = unit
        named.update({key: f[key] for key in ("form", "status") if f.get(key)})

        def build(user, form=None, status=None, **unit):
            qs = Report.objects.visible_to(user)
            if f["reviewable"]:
                qs = qs.reviewable_by(user)
            qs = of_given_unit(qs, "obligation__unit", **unit)
            if form:
                qs = qs.filter(obligation__form_id=form)
            if status:
                qs = qs.filter(status=status)
            return qs.in_review_order()

        shaped = Shaped(
            f"api reports reviewable={f['reviewable']}",
            build,
            request.user,
            roles=(None, permissions.MANAGERS) if f["reviewable"] else (None,),
            named=named,
            paths=paths,
        )
        # Ordered by when each was sent and when it was due: every row is sorted, none is read twice.
        return self.page_rows(shaped, lean.REPORT_COLUMNS, lean.report_rows, window=True)

    def retrieve(self, request, pk=None):
        return Response(report_detail(get_object_or_404(self.get_queryset(), pk=pk)))

    def partial_update(self, request, pk=None):
        report = get_object_or_404(self.get_queryset(), pk=pk)
        return save_draft(self, request, report.obligation, revision_of=report)

    def _step(self, request, pk, service, serializer_class=None):
        report = get_object_or_404(self.get_queryset(), pk=pk)
        kwargs = {}
        if serializer_class is not None:
            serializer = serializer_class(data=request.data)
            serializer.is_valid(raise_exception=True)
            kwargs = dict(serializer.validated_data)
        try:
            service(actor=request.user, report=report, **kwargs)
        except ValidationError as exc:
            raise _service_errors(exc, report.obligation.form) from None
        return Response(report_detail(report))

    @_action_schema("Submit to the committee (the unit's reporter or head)", s.NoteSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._step(request, pk, services.report_submit, s.NoteSerializer)

    @_action_schema("Send to the head of unit for approval (the unit's reporter)", s.NoteSerializer)
    @action(detail=True, methods=["post"], url_path="request-approval")
    def request_approval(self, request, pk=None):
        return self._step(request, pk, services.report_request_approval, s.NoteSerializer)

    @_action_schema("Approve (sign) and submit (the head of unit)", s.NoteSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._step(request, pk, services.report_approve, s.NoteSerializer)

    @_action_schema("Send back to the reporter without approving (the head of unit)", s.SendBackSerializer)
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request, pk=None):
        return self._step(request, pk, services.report_send_back, s.SendBackSerializer)

    @_action_schema("Accept a submitted report (committee staff above the unit)", s.NoteSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._step(request, pk, services.report_accept, s.NoteSerializer)

    @_action_schema(
        "Return a submitted report for revision, with the reason (committee staff above the unit)", s.ReasonSerializer
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        return self._step(request, pk, services.report_return, s.ReasonSerializer)
