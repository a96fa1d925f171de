"""The evaluation's steps, each recorded with who and when, and the lock once the committee has decided."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from evaluations import services
from evaluations.models import Evaluation, EvaluationEvent
from tests.evaluations.conftest import opened

S = Evaluation.Status


def ward(criteria_set, users, unit):
    return next(e for e in opened(criteria_set, users["staff"]) if e.unit == unit)


def score_all(evaluation, actor, points=10):
    scores = {
        c.pk: {"points": min(points, c.max_points), "explanation": "Đã thực hiện"}
        for c in evaluation.criteria_set.criteria.all()
    }
    return services.evaluation_save(actor=actor, evaluation=evaluation, scores=scores, summary="Tự đánh giá")


@pytest.mark.django_db
def test_the_whole_flow_records_every_step_and_locks(tree, users, history, unit_set, head_signs, client, english):
    e = ward(unit_set, users, tree["tu_son"])
    reporter, head, staff = users["reporter_tu_son"], users["head_tu_son"], users["staff"]
    with pytest.raises(ValidationError):  # not every criterion scored yet
        services.evaluation_submit(actor=reporter, evaluation=e)
    e = score_all(e, reporter)
    assert e.self_total == 60  # six criteria, 10 points each
    with pytest.raises(PermissionDenied):  # the committee does not fill in the unit's self-assessment
        score_all(e, staff)
    e = services.evaluation_submit(actor=reporter, evaluation=e)
    assert e.status == S.AWAITING_APPROVAL
    assert e.scores.get(criterion__kind="on_time_rate").evidence_text  # the evidence as submitted is kept
    with pytest.raises(PermissionDenied):  # a reporter does not approve
        services.evaluation_approve(actor=reporter, evaluation=e)
    e = services.evaluation_approve(actor=head, evaluation=e)
    assert e.status == S.SUBMITTED and e.approved_by == head
    criterion = e.criteria_set.criteria.get(kind="returns")
    with pytest.raises(ValidationError):  # a change of points needs a reason
        services.evaluation_adjust(actor=staff, evaluation=e, criterion=criterion, points=8, reason=" ")
    with pytest.raises(PermissionDenied):  # another province's committee
        services.evaluation_adjust(actor=users["staff_ha_noi"], evaluation=e, criterion=criterion, points=8, reason="x")
    services.evaluation_adjust(actor=staff, evaluation=e, criterion=criterion, points=8, reason="Một báo cáo trễ")
    e.refresh_from_db()
    assert e.final_total == 58 and e.self_total == 60
    level = e.criteria_set.levels.get(name="Hoàn thành nhiệm vụ")
    e = services.evaluation_decide(
        actor=staff, evaluation=e, level=level, symbol="12-QĐ/BCĐ", date=datetime.date(2026, 12, 20)
    )
    assert e.status == S.DECIDED and e.level == level
    steps = list(e.events.values_list("kind", "actor__username"))
    assert steps == [
        ("opened", "staff_bn"),
        ("saved", "reporter_ts"),
        ("submitted", "reporter_ts"),
        ("approved", "head_ts"),
        ("adjusted", "staff_bn"),
        ("decided", "staff_bn"),
    ]
    assert e.events.get(kind="adjusted").note == "Một báo cáo trễ"

    # Locked: no service changes it, whoever asks, and the page's forms are gone.
    for call in (
        lambda: score_all(e, reporter),
        lambda: services.evaluation_return(actor=staff, evaluation=e, reason="Xem lại"),
        lambda: services.evaluation_adjust(actor=staff, evaluation=e, criterion=criterion, points=1, reason="x"),
        lambda: services.evaluation_decide(
            actor=staff, evaluation=e, level=level, symbol="1", date=datetime.date.today()
        ),
    ):
        with pytest.raises(ValidationError, match="locked"):
            call()
    client.force_login(reporter)
    page = client.get(e.get_absolute_url())
    assert b'id="save-scores"' not in page.content and b'id="decide-form"' not in page.content
    client.post(e.get_absolute_url(), {f"points_{criterion.pk}": "0", "summary": "đổi"})
    client.force_login(staff)
    client.post(
        reverse("evaluations:evaluation_action", args=[e.pk, "adjust"]),
        {"criterion": criterion.pk, "points": "0", "reason": "x"},
    )
    e.refresh_from_db()
    assert e.final_total == 58 and e.summary == "Tự đánh giá"
    assert EvaluationEvent.objects.filter(evaluation=e).count() == 6


@pytest.mark.django_db
def test_the_head_returns_and_the_unit_revises(tree, users, history, unit_set, head_signs):
    e = ward(unit_set, users, tree["tu_son"])
    e = services.evaluation_submit(actor=users["reporter_tu_son"], evaluation=score_all(e, users["reporter_tu_son"]))
    with pytest.raises(ValidationError):
        services.evaluation_return(actor=users["head_tu_son"], evaluation=e, reason="")
    e = services.evaluation_return(actor=users["head_tu_son"], evaluation=e, reason="Bổ sung minh chứng")
    assert e.status == S.DRAFT
    assert e.events.last().kind == "returned" and e.events.last().actor == users["head_tu_son"]


@pytest.mark.django_db
def test_a_head_without_the_post_cannot_approve(tree, users, history, unit_set):
    """The head's role alone does not approve: the post that signs the unit's documents, held today, does."""
    e = ward(unit_set, users, tree["tu_son"])
    e = services.evaluation_submit(actor=users["reporter_tu_son"], evaluation=score_all(e, users["reporter_tu_son"]))
    with pytest.raises(PermissionDenied):
        services.evaluation_approve(actor=users["head_tu_son"], evaluation=e)


@pytest.mark.django_db
def test_a_heads_self_assessment_goes_straight_to_the_committee(tree, users, history, head_set):
    an = history["heads"]["an"].person
    an.user = users["reporter_dong_ngan"]  # An's login, whatever grants it holds elsewhere
    an.save()
    e = next(x for x in opened(head_set, users["staff"]) if x.person == an)
    e = services.evaluation_submit(actor=an.user, evaluation=score_all(e, an.user))
    assert e.status == S.SUBMITTED
    binh = history["heads"]["binh"].person
    binh.user = users["reporter_tu_son"]
    binh.save()
    with pytest.raises(PermissionDenied):  # the other head of the same ward does not judge An's
        services.evaluation_return(actor=binh.user, evaluation=e, reason="x")


@pytest.mark.django_db
def test_criteria_change_until_an_evaluation_is_submitted(tree, users, history, unit_set, english):
    rows = [
        {"id": c.pk, "title": c.title, "kind": c.kind, "max_points": c.max_points, "guidance": c.guidance}
        for c in unit_set.criteria.all()
    ]
    rows[0]["max_points"] = 20
    levels = [{"id": lv.pk, "name": lv.name, "min_points": lv.min_points} for lv in unit_set.levels.all()]
    services.criteria_set_update(
        actor=users["staff"], criteria_set=unit_set, name="Bộ tiêu chí", header="party", criteria=rows, levels=levels
    )
    assert unit_set.criteria.first().max_points == 20
    with pytest.raises(PermissionDenied):
        services.criteria_set_update(
            actor=users["reporter_tu_son"],
            criteria_set=unit_set,
            name="x",
            header="state",
            criteria=rows,
            levels=levels,
        )
    e = ward(unit_set, users, tree["tu_son"])
    services.evaluation_submit(actor=users["reporter_tu_son"], evaluation=score_all(e, users["reporter_tu_son"]))
    with pytest.raises(ValidationError, match="no longer change"):
        services.criteria_set_update(
            actor=users["staff"], criteria_set=unit_set, name="x", header="state", criteria=rows, levels=levels
        )
    # Opening again adds nothing: one evaluation per unit and year.
    assert services.evaluations_open(actor=users["staff"], criteria_set=unit_set) == 0
    assert unit_set.evaluations.filter(unit=tree["tu_son"]).count() == 1
