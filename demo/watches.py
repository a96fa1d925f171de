"""Demo watch list: the weakest ward of Bắc Ninh (the most reports overdue, Từ Sơn aside) is followed up.

The committee staff put it on the watch list with the reason, gave it a follow-up task under the
Tỉnh ủy's *Kế hoạch 45-KH/TU* and went there on a working visit; the review falls three days from the
load, so the leaders' next Monday digest lists it. Two pilot wards have reported progress on their dialogue task.
Written through the services, as the people of the demo would, and loaded once.
"""

import datetime

from django.db.models import Count, Q
from django.utils import timezone

from demo.directives import DIALOGUE, KH_TU
from directives import progress, watches
from directives.models import Assignment, Directive, Watch, WatchAction
from reports.models.obligations import overdue_q
from units.models import Unit, User

REASON = (
    "Nhiều kỳ báo cáo thực hiện Quy chế dân chủ ở cơ sở quá hạn chưa nộp; chưa tổ chức hội nghị đối thoại "
    "giữa người đứng đầu với Nhân dân theo Kế hoạch 45-KH/TU"
)
TASK = (
    "Khắc phục ngay việc chậm báo cáo: rà soát, hoàn thành các báo cáo còn nợ; tổ chức hội nghị đối thoại với "
    "Nhân dân và cập nhật tiến độ cho Ban Dân vận Tỉnh ủy"
)
FINDINGS = (
    "Đoàn công tác Ban Dân vận Tỉnh ủy làm việc với Đảng ủy phường: công chức phụ trách mới thay đổi, chưa nắm "
    "quy trình báo cáo; Đảng ủy phường cam kết phân công lại và nộp đủ báo cáo trong tháng."
)


def demo_watches_load(*, bac_ninh: Unit, tu_son: Unit, today: datetime.date | None = None, **_units) -> int:
    """Put the weakest ward on the watch list with its follow-up; returns 1 if it was loaded now, else 0."""
    today = today or timezone.localdate()
    staff = User.objects.filter(username="canbo.bacninh").first()
    plan = Directive.objects.filter(symbol=KH_TU).first()
    if staff is None or plan is None or Watch.objects.exists():
        return 0
    weakest = (
        Unit.objects.filter(parent=bac_ninh, kind=Unit.Kind.WARD, closed_on__isnull=True)
        .exclude(pk=tu_son.pk)
        .annotate(overdue=Count("obligations", filter=Q(overdue_q(today, "obligations__"))))
        .order_by("-overdue", "code")
        .first()
    )
    if weakest is None:
        return 0
    watch = watches.watch_open(actor=staff, unit=weakest, reason=REASON, review_on=today + datetime.timedelta(days=3))
    # It reports through its progress notes: the plan's thematic report stays the pilot wards' alone.
    watches.watch_give_task(
        actor=staff,
        watch=watch,
        directive=plan,
        task=TASK,
        deadline=today + datetime.timedelta(days=21),
        report_required=False,
    )
    watches.watch_record_visit(
        actor=staff, watch=watch, kind=WatchAction.Kind.VISIT, happened_on=today, findings=FINDINGS
    )
    for assignment, percent, note in zip(
        Assignment.objects.filter(directive=plan, task=DIALOGUE, status=Assignment.Status.OPEN).select_related("unit")[
            :2
        ],
        (60, 30),
        ("Đã đối thoại ở 5/9 tổ dân phố; biên bản lưu tại Văn phòng Đảng ủy.", "Đã xây dựng kế hoạch đối thoại."),
        strict=False,
    ):
        progress.progress_note_add(actor=staff, assignment=assignment, percent=percent, note=note)
    return 1
