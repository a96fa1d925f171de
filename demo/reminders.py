"""A demo report due on the next working day, so that `make run` shows a reminder at once (on the worker's
console and in the bell of baocao.tuson) and, the day after the due date, the escalation naming the head of
Phường Từ Sơn (``manage.py send_reminders --today <that day>`` shows it without waiting)."""

import datetime

from django.utils import timezone

from reports import periods
from reports.models import FormSection, Obligation, ReportForm
from units.models import Unit

CODE = "demo-doi-thoai"


def demo_reminders_load(*, tu_son: Unit, today: datetime.date | None = None) -> Obligation:
    today = today or timezone.localdate()
    form, created = ReportForm.objects.get_or_create(
        code=CODE,
        defaults={
            "name": "Báo cáo nhanh kết quả hội nghị đối thoại với Nhân dân",
            "kind": ReportForm.Kind.AD_HOC,
            "title": "Kết quả hội nghị đối thoại giữa người đứng đầu cấp ủy, chính quyền với Nhân dân",
            "requires_approval": True,
        },
    )
    if created:
        FormSection.objects.create(form=form, position=10, title="I. Kết quả đối thoại")
    due = periods.add_working_days(today, 1)
    dates = {"period_start": today - datetime.timedelta(days=30), "period_end": today, "due_date": due}
    # Loading the demo again on a later day moves the untouched demo report to the new dates rather than
    # piling up one more report each day; one already started or filed stays and a new one is opened.
    untouched = Obligation.objects.filter(form=form, unit=tu_son, status=Obligation.Status.NOT_STARTED).first()
    if untouched is not None:
        Obligation.objects.filter(pk=untouched.pk).update(year=today.year, **dates)
        untouched.refresh_from_db()
        return untouched
    obligation, _ = Obligation.objects.get_or_create(
        form=form,
        unit=tu_son,
        period_start=dates["period_start"],
        assignment=None,
        defaults={"year": today.year, "period_end": today, "due_date": due},
    )
    return obligation
