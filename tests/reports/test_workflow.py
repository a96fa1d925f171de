"""Every transition of the report workflow and every forbidden one; who, when and why are recorded; the
obligation's timeliness columns follow."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from reports import services
from reports.models import Obligation, ReportEvent, Status
from reports.reminders import events
from tests.factories import make_user
from tests.reports.conftest import IN_APRIL, TZ, fill
from units.models import AuditEvent, RoleGrant

pytestmark = pytest.mark.django_db

K = ReportEvent.Kind


def _state(obligation, users, status):
    """A report of ``obligation`` brought to ``status`` by the right people."""
    reporter, head, staff = users["reporter_tu_son"], users["head_tu_son"], users["staff"]
    report = fill(obligation, reporter)
    if status == Status.DRAFT:
        return report
    services.report_request_approval(actor=reporter, report=report)
    if status == Status.AWAITING_APPROVAL:
        return report
    services.report_approve(actor=head, report=report)
    if status == Status.SUBMITTED:
        return report
    services.report_return(actor=staff, report=report, reason="Bổ sung số liệu đơn thư.")
    if status == Status.RETURNED:
        return report
    report = fill(obligation, reporter, {"PETITIONS_RESOLVED": "8"})
    services.report_request_approval(actor=reporter, report=report)
    services.report_approve(actor=head, report=report)
    if status == Status.RESUBMITTED:
        return report
    services.report_accept(actor=staff, report=report)
    return report


@time_machine.travel(IN_APRIL, tick=False)
def test_the_whole_way_with_approval_return_and_acceptance(obligation, users):
    reporter, head, staff = users["reporter_tu_son"], users["head_tu_son"], users["staff"]
    report = fill(obligation, reporter)
    assert report.status == Status.DRAFT and report.revision == 1
    services.report_request_approval(actor=reporter, report=report, note="Kính trình anh duyệt")
    services.report_approve(actor=head, report=report)
    report.refresh_from_db()
    obligation.refresh_from_db()
    assert report.status == obligation.status == Status.SUBMITTED
    assert report.approved_by == head and report.doc_date == datetime.date(2026, 4, 2)
    assert obligation.first_submitted_at is not None and obligation.on_time is True and obligation.days_late == 0

    with pytest.raises(ValidationError) as excinfo:
        services.report_return(actor=staff, report=report, reason="  ")
    assert "reason" in excinfo.value.message_dict
    services.report_return(actor=staff, report=report, reason="Thiếu số đơn thư đã giải quyết.")
    obligation.refresh_from_db()
    assert obligation.status == Status.RETURNED and obligation.returned_count == 1

    report = fill(obligation, reporter, {"PETITIONS_RESOLVED": "8"})
    with pytest.raises(ValidationError) as excinfo:  # the revised report needs the head's approval again
        services.report_submit(actor=reporter, report=report)
    assert excinfo.value.code == "needs_approval"
    services.report_request_approval(actor=reporter, report=report)
    services.report_approve(actor=head, report=report)
    obligation.refresh_from_db()
    assert obligation.status == Status.RESUBMITTED
    first = obligation.first_submitted_at
    assert obligation.last_submitted_at >= first

    services.report_accept(actor=staff, report=report, note="Đạt yêu cầu")
    obligation.refresh_from_db()
    report.refresh_from_db()
    assert report.status == obligation.status == Status.ACCEPTED
    assert obligation.accepted_on_time is True and obligation.first_submitted_at == first

    history = list(report.events.order_by("created_at", "pk").values_list("kind", "actor__username", "note"))
    assert [k for k, _who, _note in history] == [
        K.CREATED,
        K.APPROVAL_REQUESTED,
        K.APPROVED,
        K.RETURNED,
        K.APPROVAL_REQUESTED,
        K.APPROVED,
        K.ACCEPTED,
    ]
    assert history[3] == (K.RETURNED, "staff_bn", "Thiếu số đơn thư đã giải quyết.")
    versions = list(report.versions.order_by("number"))
    assert [(v.number, v.status) for v in versions] == [(1, Status.SUBMITTED), (2, Status.RESUBMITTED)]
    assert [v.approved_by for v in versions] == [head, head] and versions[1].approved_at is not None
    resolved = {v["code"]: v["raw"] for v in versions[0].snapshot["values"]}["PETITIONS_RESOLVED"]
    assert resolved == "7"  # the first version keeps what was first submitted
    actions = set(
        AuditEvent.objects.filter(object_id=report.pk, object_type="reports.report").values_list("action", flat=True)
    )
    assert {"report.returned", "report.accepted", "report.approved"} <= actions


ALL_STATES = [
    Status.DRAFT,
    Status.AWAITING_APPROVAL,
    Status.SUBMITTED,
    Status.RETURNED,
    Status.RESUBMITTED,
    Status.ACCEPTED,
]


def _attempt(name, report, users):
    reporter, head, staff = users["reporter_tu_son"], users["head_tu_son"], users["staff"]
    calls = {
        "request_approval": lambda: services.report_request_approval(actor=reporter, report=report),
        "send_back": lambda: services.report_send_back(actor=head, report=report, note="Sửa lại"),
        "approve": lambda: services.report_approve(actor=head, report=report),
        "submit": lambda: services.report_submit(actor=head, report=report),
        "return": lambda: services.report_return(actor=staff, report=report, reason="Bổ sung"),
        "accept": lambda: services.report_accept(actor=staff, report=report),
    }
    return calls[name]()


ALLOWED = {
    Status.DRAFT: {"request_approval", "submit"},
    Status.AWAITING_APPROVAL: {"send_back", "approve"},
    Status.SUBMITTED: {"return", "accept"},
    Status.RETURNED: {"request_approval", "submit"},  # a corrected report is approved again, as a draft is
    Status.RESUBMITTED: {"return", "accept"},
    Status.ACCEPTED: set(),
}


@pytest.mark.parametrize("status", ALL_STATES)
@pytest.mark.parametrize("action", ["request_approval", "send_back", "approve", "submit", "return", "accept"])
def test_each_transition_is_allowed_only_from_its_states(obligation, users, status, action):
    report = _state(obligation, users, status)
    report.refresh_from_db()
    if action in ALLOWED[status]:
        _attempt(action, report, users)
        report.refresh_from_db()
        assert report.status != status
    else:
        events_before = ReportEvent.objects.filter(report=report).count()
        with pytest.raises(ValidationError):
            _attempt(action, report, users)
        report.refresh_from_db()
        assert report.status == status
        assert ReportEvent.objects.filter(report=report).count() == events_before


@pytest.mark.parametrize(
    ("who", "action", "status"),
    [
        ("reporter_tu_son", "approve", Status.AWAITING_APPROVAL),
        ("reporter_tu_son", "send_back", Status.AWAITING_APPROVAL),
        ("reporter_tu_son", "accept", Status.SUBMITTED),
        ("reporter_tu_son", "return", Status.SUBMITTED),
        ("head_tu_son", "accept", Status.SUBMITTED),
        ("head_tu_son", "return", Status.SUBMITTED),
        ("reporter_dong_ngan", "submit", Status.DRAFT),
        ("reporter_dong_ngan", "request_approval", Status.DRAFT),
        ("staff", "submit", Status.DRAFT),
        ("staff", "approve", Status.AWAITING_APPROVAL),
        ("staff_ha_noi", "accept", Status.SUBMITTED),
        ("staff_ha_noi", "return", Status.SUBMITTED),
        ("leader", "accept", Status.SUBMITTED),
        ("nobody", "submit", Status.DRAFT),
    ],
)
def test_people_without_the_role_are_refused(obligation, users, who, action, status):
    report = _state(obligation, users, status)
    actor = users[who]
    call = {
        "approve": lambda: services.report_approve(actor=actor, report=report),
        "send_back": lambda: services.report_send_back(actor=actor, report=report, note="x"),
        "accept": lambda: services.report_accept(actor=actor, report=report),
        "return": lambda: services.report_return(actor=actor, report=report, reason="x"),
        "submit": lambda: services.report_submit(actor=actor, report=report),
        "request_approval": lambda: services.report_request_approval(actor=actor, report=report),
    }[action]
    with pytest.raises(PermissionDenied):
        call()
    report.refresh_from_db()
    assert report.status == status


def test_a_wards_own_staff_do_not_review_its_report(obligation, users, tree):
    ward_staff = make_user("staff_ts", role=RoleGrant.Role.STAFF, unit=tree["tu_son"])
    report = _state(obligation, users, Status.SUBMITTED)
    with pytest.raises(PermissionDenied):
        services.report_accept(actor=ward_staff, report=report)


def test_a_reporter_cannot_bypass_the_heads_approval(obligation, users):
    report = fill(obligation, users["reporter_tu_son"])
    with pytest.raises(ValidationError) as excinfo:
        services.report_submit(actor=users["reporter_tu_son"], report=report)
    assert excinfo.value.code == "needs_approval"


def test_the_head_may_approve_and_submit_a_draft_at_once(obligation, users):
    report = fill(obligation, users["reporter_tu_son"])
    services.report_submit(actor=users["head_tu_son"], report=report)
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED and report.approved_by == users["head_tu_son"]
    assert report.events.order_by("-pk").first().kind == K.APPROVED


def test_without_approval_the_reporter_submits(obligation, users):
    obligation.form.requires_approval = False
    obligation.form.save()
    report = fill(obligation, users["reporter_tu_son"])
    services.report_submit(actor=users["reporter_tu_son"], report=report)
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED and report.approved_by is None
    with pytest.raises(ValidationError) as excinfo:
        services.report_request_approval(actor=users["reporter_tu_son"], report=report)
    assert excinfo.value.code == "wrong_state"


def test_a_form_may_let_a_corrected_report_go_up_without_the_head_and_it_claims_no_approval(obligation, users):
    obligation.form.reapproval_required = False
    obligation.form.save()
    report = _state(obligation, users, Status.RETURNED)
    services.report_submit(actor=users["reporter_tu_son"], report=report)
    report.refresh_from_db()
    assert report.status == Status.RESUBMITTED
    assert report.approved_by is None and report.approved_at is None
    first, second = report.versions.order_by("number")
    assert first.approved_by == users["head_tu_son"] and second.approved_by is None and second.approved_at is None


def test_the_head_sends_back_with_a_reason(obligation, users):
    report = _state(obligation, users, Status.AWAITING_APPROVAL)
    with pytest.raises(ValidationError):
        services.report_send_back(actor=users["head_tu_son"], report=report, note="")
    services.report_send_back(actor=users["head_tu_son"], report=report, note="Viết rõ phần II")
    report.refresh_from_db()
    assert report.status == Status.DRAFT
    assert report.events.order_by("-pk").first().note == "Viết rõ phần II"


def test_sent_back_after_a_return_it_stays_returned(obligation, users):
    report = _state(obligation, users, Status.RETURNED)
    services.report_request_approval(actor=users["reporter_tu_son"], report=report)
    services.report_send_back(actor=users["head_tu_son"], report=report, note="Chưa đủ")
    report.refresh_from_db()
    assert report.status == Status.RETURNED


def test_an_incomplete_report_cannot_leave_the_unit(obligation, users):
    report = fill(obligation, users["reporter_tu_son"], {"MEETINGS": "", "PETITIONS_RESOLVED": "20"})
    with pytest.raises(ValidationError) as excinfo:
        services.report_request_approval(actor=users["reporter_tu_son"], report=report)
    problems = excinfo.value.message_dict
    meetings = obligation.form.indicators.get(code="MEETINGS").field_name
    resolved = obligation.form.indicators.get(code="PETITIONS_RESOLVED").field_name
    assert meetings in problems and resolved in problems
    report.refresh_from_db()
    assert report.status == Status.DRAFT


@pytest.mark.parametrize("status", [Status.AWAITING_APPROVAL, Status.SUBMITTED, Status.RESUBMITTED, Status.ACCEPTED])
def test_a_report_out_of_the_units_hands_is_read_only(obligation, users, status):
    report = _state(obligation, users, status)
    report.refresh_from_db()
    with pytest.raises(ValidationError) as excinfo:
        services.report_save_draft(
            actor=users["reporter_tu_son"], obligation=obligation, revision=report.revision, narrative={}, values={}
        )
    assert excinfo.value.code == "not_editable"


def test_late_first_submission_is_recorded_and_kept(obligation, users):
    reporter, head, staff = users["reporter_tu_son"], users["head_tu_son"], users["staff"]
    assert obligation.due_date == datetime.date(2026, 4, 7)
    with time_machine.travel(datetime.datetime(2026, 4, 13, 10, 0, tzinfo=TZ), tick=False):
        report = fill(obligation, reporter)
        services.report_submit(actor=head, report=report)
    with time_machine.travel(datetime.datetime(2026, 4, 14, 10, 0, tzinfo=TZ), tick=False):
        services.report_return(actor=staff, report=report, reason="Bổ sung")
        services.report_submit(actor=head, report=fill(obligation, reporter))
        services.report_accept(actor=staff, report=report)
    obligation.refresh_from_db()
    assert obligation.on_time is False and obligation.days_late == 4  # working days: 08, 09, 10 and 13/04
    assert obligation.accepted_on_time is False and obligation.returned_count == 1
    assert timezone_date(obligation.first_submitted_at) == datetime.date(2026, 4, 13)


def timezone_date(value):
    return value.astimezone(TZ).date()


def test_every_transition_hands_an_event_to_after_commit(
    obligation, users, monkeypatch, django_capture_on_commit_callbacks
):
    seen = []
    monkeypatch.setattr(events, "after_transition", lambda **kw: seen.append(kw))
    with django_capture_on_commit_callbacks(execute=True):
        _state(obligation, users, Status.ACCEPTED)
    kinds = [s["kind"] for s in seen]
    assert kinds == [K.APPROVAL_REQUESTED, K.APPROVED, K.RETURNED, K.APPROVAL_REQUESTED, K.APPROVED, K.ACCEPTED]
    assert all(s["obligation_id"] == obligation.pk for s in seen)


def test_a_failing_notification_never_fails_the_transition(
    obligation, users, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def broken(**kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr("reports.reminders.sweep.sweep", broken)
    report = fill(obligation, users["reporter_tu_son"])
    with django_capture_on_commit_callbacks(execute=True):
        services.report_submit(actor=users["head_tu_son"], report=report)
    assert Obligation.objects.get(pk=obligation.pk).status == Status.SUBMITTED
    assert "notifications left to the sweep" in caplog.text


def test_obligation_mirrors_the_report_status(obligation, users):
    assert obligation.status == Status.NOT_STARTED
    fill(obligation, users["reporter_tu_son"])
    assert Obligation.objects.get(pk=obligation.pk).status == Status.DRAFT
