"""Pages of the annual evaluation and the commendations. Every object is fetched through ``visible_to(user)``
(another unit's is a 404); every change goes through one service, which checks ``evaluations.rules``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Prefetch
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from evaluations import documents, exports, kinds, rules, services
from evaluations.forms import (
    AdjustForm,
    CommendationFilterForm,
    CommendationForm,
    CriteriaSetCreateForm,
    CriteriaSetForm,
    CriterionFormSet,
    DecideForm,
    LevelFormSet,
    ReasonForm,
)
from evaluations.models import ClassificationLevel, Commendation, CriteriaSet, Criterion, Evaluation
from units.models import Person, Unit
from units.querysets import search_q

PAGE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _download(content: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# Criteria sets ---------------------------------------------------------------------------------------------


@login_required
@require_safe
def index(request):
    """The user's evaluations (latest year first) and the criteria sets of the committees they see."""
    user = request.user
    q = request.GET.get("q", "").strip()[:100]
    evaluations = Evaluation.objects.visible_to(user).select_related("criteria_set", "unit", "person", "level")
    if q:
        evaluations = evaluations.filter(search_q(q, "unit__search_key"))
    page = Paginator(evaluations.order_by("-criteria_set__year", "unit__path", "person__full_name", "pk"), PAGE)
    sets = CriteriaSet.objects.visible_to(user).select_related("unit").order_by("-year", "unit__name", "subject")[:50]
    form = CriteriaSetCreateForm(user=user)
    return render(
        request,
        "evaluations/index.html",
        {
            "page": page.get_page(request.GET.get("page")),
            "sets": sets,
            "create_form": form if form.fields["unit"].queryset.exists() else None,
            "q": q,
            "nav_section": "evaluations",
        },
    )


@login_required
@require_POST
def set_create(request):
    form = CriteriaSetCreateForm(request.POST, user=request.user)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
        return redirect("evaluations:index")
    try:
        criteria_set = services.criteria_set_create(actor=request.user, **form.cleaned_data)
    except ValidationError as e:
        _errors(request, e)
        return redirect("evaluations:index")
    messages.success(request, _("The default criteria were copied in: adjust them to your province's guidance."))
    return redirect(criteria_set)


def _set(request, pk) -> CriteriaSet:
    return get_object_or_404(CriteriaSet.objects.visible_to(request.user).select_related("unit"), pk=pk)


def _ranked(request, criteria_set):
    """The set's evaluations the user sees, best first by their points (the committee's once it has reviewed)."""
    qs = (
        Evaluation.objects.visible_to(request.user)
        .filter(criteria_set=criteria_set)
        .select_related("unit", "person", "level")
        .annotate(points=Coalesce("final_total", "self_total"))
    )
    return qs.order_by(F("points").desc(nulls_last=True), "unit__name", "person__full_name", "pk")


@login_required
@require_safe
def set_detail(request, pk: int):
    criteria_set = _set(request, pk)
    criteria = list(criteria_set.criteria.all())
    page = Paginator(_ranked(request, criteria_set), PAGE).get_page(request.GET.get("page"))
    can_configure = rules.may_configure(request.user, criteria_set.unit)
    return render(
        request,
        "evaluations/set_detail.html",
        {
            "set": criteria_set,
            "criteria": criteria,
            "max_total": sum(c.max_points for c in criteria),
            "levels": list(criteria_set.levels.all()),
            "page": page,
            "rank_offset": page.start_index() - 1 if page.object_list else 0,
            "can_configure": can_configure,
            "can_edit": can_configure and not services._started(criteria_set),
            "targets": len(services.targets(criteria_set)) if can_configure else None,
            "nav_section": "evaluations",
        },
    )


@login_required
def set_edit(request, pk: int):
    criteria_set = _set(request, pk)
    if not rules.may_configure(request.user, criteria_set.unit):
        raise PermissionDenied(_("Only the committee may change these criteria."))
    initial_criteria = [
        {"id": c.pk, "title": c.title, "kind": c.kind, "max_points": c.max_points, "guidance": c.guidance}
        for c in criteria_set.criteria.all()
    ]
    initial_levels = [{"id": lv.pk, "name": lv.name, "min_points": lv.min_points} for lv in criteria_set.levels.all()]
    data = request.POST if request.method == "POST" else None
    form = CriteriaSetForm(data, instance=criteria_set)
    criteria = CriterionFormSet(data, initial=initial_criteria, prefix="c")
    levels = LevelFormSet(data, initial=initial_levels, prefix="l")
    if criteria_set.is_heads:  # the heads' four levels are fixed (Decree 90/2020/NĐ-CP)
        levels = None
    if data is not None and form.is_valid() and criteria.is_valid() and (levels is None or levels.is_valid()):
        rows = [{**f.cleaned_data, "delete": f.cleaned_data.get("DELETE")} for f in criteria if f.cleaned_data]
        level_rows = (
            [{**f.cleaned_data, "delete": f.cleaned_data.get("DELETE")} for f in levels if f.cleaned_data]
            if levels is not None
            else [{"id": lv["id"], "name": lv["name"], "min_points": lv["min_points"]} for lv in initial_levels]
        )
        try:
            services.criteria_set_update(
                actor=request.user, criteria_set=criteria_set, name=form.cleaned_data["name"],
                header=form.cleaned_data["header"], criteria=rows, levels=level_rows,
            )  # fmt: skip
        except ValidationError as e:
            _errors(request, e)
        else:
            messages.success(request, _("Criteria saved."))
            return redirect(criteria_set)
    return render(
        request,
        "evaluations/set_edit.html",
        {"set": criteria_set, "form": form, "criteria": criteria, "levels": levels, "nav_section": "evaluations"},
    )


@login_required
@require_POST
def set_open(request, pk: int):
    criteria_set = _set(request, pk)
    n = services.evaluations_open(actor=request.user, criteria_set=criteria_set)
    messages.success(request, _("%(n)s evaluations opened.") % {"n": n})
    return redirect(criteria_set)


@login_required
@require_safe
def set_ranking_xlsx(request, pk: int):
    criteria_set = _set(request, pk)
    content = exports.ranking_xlsx(criteria_set, list(_ranked(request, criteria_set)))
    return _download(content, exports.file_name(criteria_set) + ".xlsx", XLSX)


# Evaluations -----------------------------------------------------------------------------------------------


def _evaluation(request, pk) -> Evaluation:
    qs = Evaluation.objects.visible_to(request.user).select_related(
        "criteria_set__unit", "unit", "person", "level", "approved_by", "decided_by"
    )
    qs = qs.prefetch_related(
        Prefetch("criteria_set__criteria", queryset=Criterion.objects.order_by("position", "pk")),
        Prefetch("criteria_set__levels", queryset=ClassificationLevel.objects.order_by("position", "pk")),
        "scores",
    )
    return get_object_or_404(qs, pk=pk)


def _rows(evaluation: Evaluation, found: dict) -> list[dict]:
    scores = {s.criterion_id: s for s in evaluation.scores.all()}
    rows = []
    for n, c in enumerate(evaluation.criteria_set.criteria.all(), start=1):
        score = scores.get(c.pk)
        ev = found.get(c.pk)
        rows.append(
            {
                "n": n,
                "criterion": c,
                "kind": c.kind_info,
                "score": score,
                "evidence": ev,
                "suggested": services.suggested_points(c, ev),
            }
        )
    return rows


@login_required
def evaluation_detail(request, pk: int):
    evaluation = _evaluation(request, pk)
    user = request.user
    if request.method == "POST":
        scores = {
            c.pk: {
                "points": request.POST.get(f"points_{c.pk}", ""),
                "explanation": request.POST.get(f"explanation_{c.pk}", ""),
            }
            for c in evaluation.criteria_set.criteria.all()
        }
        try:
            services.evaluation_save(
                actor=user, evaluation=evaluation, scores=scores, summary=request.POST.get("summary", "")
            )
        except ValidationError as e:
            _errors(request, e)
        else:
            messages.success(request, _("Self-assessment saved."))
        return redirect(evaluation)
    # Locked or with the committee: the evidence as submitted; while in progress, as it stands today.
    found = services.evidence(evaluation, user=user) if evaluation.status == Evaluation.Status.DRAFT else {}
    rows = _rows(evaluation, found)
    total = evaluation.total
    committee = rules.may_review(user, evaluation)
    return render(
        request,
        "evaluations/evaluation_detail.html",
        {
            "evaluation": evaluation,
            "set": evaluation.criteria_set,
            "rows": rows,
            "max_total": sum(r["criterion"].max_points for r in rows),
            "tenures": kinds.Subject(
                evaluation.unit, evaluation.criteria_set.year, timezone.localdate(), evaluation.person
            ).tenures
            if evaluation.is_head
            else [],
            "events": evaluation.events.select_related("actor__person").order_by("created_at", "pk"),
            "can_prepare": rules.may_prepare(user, evaluation),
            "can_approve": rules.may_approve(user, evaluation),
            "can_return": rules.may_return(user, evaluation),
            "can_review": committee,
            "adjust_form": AdjustForm(criteria=evaluation.criteria_set.criteria.all()) if committee else None,
            "decide_form": DecideForm(evaluation=evaluation, suggested=services.suggested_level(evaluation, total))
            if committee
            else None,
            "return_form": ReasonForm(),
            "nav_section": "evaluations",
        },
    )


@login_required
@require_POST
def evaluation_action(request, pk: int, action: str):
    evaluation = _evaluation(request, pk)
    user = request.user
    try:
        if action == "submit":
            services.evaluation_submit(actor=user, evaluation=evaluation)
            messages.success(request, _("Self-assessment submitted."))
        elif action == "approve":
            services.evaluation_approve(actor=user, evaluation=evaluation)
            messages.success(request, _("Approved and sent to the committee."))
        elif action == "return":
            services.evaluation_return(actor=user, evaluation=evaluation, reason=request.POST.get("reason", ""))
            messages.success(request, _("Returned to the unit for revision."))
        elif action == "adjust":
            form = AdjustForm(request.POST, criteria=evaluation.criteria_set.criteria.all())
            if not form.is_valid():
                raise ValidationError([e for errors in form.errors.values() for e in errors])
            criterion = next(
                c for c in evaluation.criteria_set.criteria.all() if c.pk == form.cleaned_data["criterion"]
            )
            services.evaluation_adjust(
                actor=user, evaluation=evaluation, criterion=criterion, points=form.cleaned_data["points"],
                reason=form.cleaned_data["reason"],
            )  # fmt: skip
            messages.success(request, _("Points changed."))
        elif action == "decide":
            form = DecideForm(request.POST, evaluation=evaluation)
            if not form.is_valid():
                raise ValidationError([e for errors in form.errors.values() for e in errors])
            services.evaluation_decide(
                actor=user, evaluation=evaluation, level=form.cleaned_data["level"],
                symbol=form.cleaned_data["decision_symbol"], date=form.cleaned_data["decision_date"],
                note=form.cleaned_data["note"],
            )  # fmt: skip
            messages.success(request, _("Classification decided: the evaluation is locked."))
        else:
            raise Http404
    except ValidationError as e:
        _errors(request, e)
    return redirect(evaluation)


@login_required
@require_safe
def evaluation_pdf(request, pk: int):
    evaluation = _evaluation(request, pk)
    return _download(documents.render_pdf(evaluation), documents.file_name(evaluation) + ".pdf", "application/pdf")


@login_required
@require_safe
def evaluation_docx(request, pk: int):
    evaluation = _evaluation(request, pk)
    return _download(documents.render_docx(evaluation), documents.file_name(evaluation) + ".docx", DOCX)


# Commendations ---------------------------------------------------------------------------------------------


@login_required
@require_safe
def commendation_list(request):
    form = CommendationFilterForm(request.GET)
    qs = Commendation.objects.visible_to(request.user).select_related("unit", "person")
    unit = None
    if form.is_valid():
        f = form.cleaned_data
        if f.get("q"):
            qs = qs.filter(search_q(f["q"], "unit__search_key") | search_q(f["q"], "person__search_key"))
        if f.get("year"):
            qs = qs.in_year(f["year"])
        if f.get("unit"):
            unit = Unit.objects.visible_to(request.user).filter(pk=f["unit"]).first()
            qs = qs.filter(unit=unit) if unit else qs.none()
        if f.get("exemplary"):
            qs = qs.filter(exemplary=True)
    page = Paginator(qs.order_by("-decision_date", "-pk"), PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "evaluations/commendation_list.html",
        {"page": page, "form": form, "unit": unit, "query": query.urlencode(), "nav_section": "evaluations"},
    )


@login_required
@require_safe
def commendation_detail(request, pk: int):
    c = get_object_or_404(
        Commendation.objects.visible_to(request.user).select_related("unit", "person", "recorded_by"), pk=pk
    )
    return render(
        request,
        "evaluations/commendation_detail.html",
        {"c": c, "can_edit": rules.may_commend(request.user, c.unit), "nav_section": "evaluations"},
    )


@login_required
def commendation_create(request, unit_pk: int):
    unit = get_object_or_404(Unit.objects.visible_to(request.user), pk=unit_pk)
    if not rules.may_commend(request.user, unit):
        raise PermissionDenied(_("Only committee staff or administrators over this unit may record it."))
    form = CommendationForm(request.POST or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        try:
            c = services.commendation_create(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("Commendation recorded."))
            return redirect(c)
    return render(
        request, "evaluations/commendation_form.html", {"form": form, "unit": unit, "nav_section": "evaluations"}
    )


@login_required
def commendation_edit(request, pk: int):
    c = get_object_or_404(Commendation.objects.visible_to(request.user).select_related("unit"), pk=pk)
    if not rules.may_commend(request.user, c.unit):
        raise PermissionDenied(_("Only committee staff or administrators over this unit may change it."))
    form = CommendationForm(request.POST or None, instance=Commendation.objects.get(pk=c.pk), unit=c.unit)
    if request.method == "POST" and form.is_valid():
        try:
            services.commendation_update(actor=request.user, commendation=c, **form.cleaned_data)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("Commendation saved."))
            return redirect(c)
    return render(
        request,
        "evaluations/commendation_form.html",
        {"form": form, "unit": c.unit, "commendation": c, "nav_section": "evaluations"},
    )


@login_required
@require_safe
def person_evaluations(request, pk: int):
    """A head's evaluations across the years, and the person's commendations."""
    person = get_object_or_404(Person.objects.visible_to(request.user), pk=pk)
    evaluations = (
        Evaluation.objects.visible_to(request.user)
        .filter(person=person)
        .select_related("criteria_set", "unit", "level")
        .order_by("-criteria_set__year", "unit__name")
    )
    return render(
        request,
        "evaluations/person_evaluations.html",
        {
            "person": person,
            "evaluations": evaluations,
            "commendations": Commendation.objects.visible_to(request.user).filter(person=person).select_related("unit"),
            "nav_section": "people",
        },
    )
