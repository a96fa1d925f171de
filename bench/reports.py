"""A year of monthly, quarterly and annual obligations for every commune-level unit of the country, then a
ward's obligations page and the committee's review inbox at that size. Prints times and query counts;
the page counts must not grow with the data.

Uses the official list (``import_units``) when it can be loaded, otherwise builds 3,321 communes itself.
"""

import datetime

from _common import figure, load_communes, measure_page, setup, timer

setup("reports")

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from reports import generation, services  # noqa: E402
from reports.models import FormAssignment, Obligation, Report, ReportForm, Status  # noqa: E402
from units.models import RoleGrant, Unit, User  # noqa: E402

YEAR = 2026

source, _seconds = load_communes()
nation = Unit.objects.get(parent__isnull=True, kind=Unit.Kind.NATION)
communal = list(Unit.COMMUNAL_KINDS)
communes = Unit.objects.subtree(nation).filter(kind__in=communal, closed_on__isnull=True).count()
figure(f"communes loaded ({source})", communes, "units")

admin = User.objects.create_user("bench-admin", password="x")
RoleGrant.objects.create(user=admin, role=RoleGrant.Role.ADMIN, unit=nation)
forms = list(ReportForm.objects.filter(code__in=["qcdc-month", "qcdc-quarter", "qcdc-year"]))
for form in forms:
    form.requires_approval = False
    form.save()
    FormAssignment.objects.create(form=form, root=nation, kinds=communal, starts_on=datetime.date(YEAR, 1, 1))

with timer() as took:
    created = sum(generation.obligations_generate(form=form, year=YEAR) for form in forms)
assert created == communes * (12 + 4 + 1), (created, communes)
figure("obligations generate year all communes", took["s"], "s")
figure("obligations created", created, "obligations")
with timer() as again:
    assert sum(generation.obligations_generate(form=form, year=YEAR) for form in forms) == 0
figure("obligations generate again (nothing to do)", again["s"], "s")

# A ward's page: its year of obligations, a few of them filed and accepted through the services.
ward = Unit.objects.filter(kind=Unit.Kind.WARD, closed_on__isnull=True, path__startswith=nation.path).order_by("pk")[0]
province = Unit.objects.get(pk=ward.parent_id)
reporter = User.objects.create_user("bench-reporter", password="x")
RoleGrant.objects.create(user=reporter, role=RoleGrant.Role.REPORTER, unit=ward)
staff = User.objects.create_user("bench-staff", password="x")
RoleGrant.objects.create(user=staff, role=RoleGrant.Role.STAFF, unit=province)


def file(obligation: Obligation, actor: User) -> Report:
    form = obligation.form
    report = services.report_save_draft(
        actor=actor,
        obligation=obligation,
        revision=0,
        narrative={str(s.pk): "Đã thực hiện theo kế hoạch." for s in form.sections.all()},
        values={i.pk: "yes" if i.value_type == "boolean" else "1" for i in form.indicators.all()},
    )
    return services.report_submit(actor=actor, report=report)


for obligation in Obligation.objects.filter(unit=ward, period_end__lt=datetime.date(YEAR, 7, 1)).select_related(
    "form", "unit"
):
    report = file(obligation, reporter)
    services.report_accept(actor=staff, report=report)

# The inbox at national size: one submitted first-quarter report from every commune, written in bulk.
now = timezone.now()
first_quarter = Obligation.objects.filter(
    form__code="qcdc-quarter", year=YEAR, period_index=1, status=Status.NOT_STARTED
)
Report.objects.bulk_create(
    [
        Report(obligation_id=pk, status=Status.SUBMITTED, submitted_at=now)
        for pk in first_quarter.values_list("pk", flat=True)
    ],
    batch_size=1000,
)
first_quarter.update(status=Status.SUBMITTED, first_submitted_at=now, last_submitted_at=now, on_time=True, days_late=0)
waiting = Report.objects.filter(status=Status.SUBMITTED).count()
figure("reports waiting for review", waiting, "reports")

with connection.cursor() as cursor:  # a live database keeps its statistics; a freshly filled one must be told
    if connection.vendor == "postgresql":
        cursor.execute("ANALYZE")

reader, national, provincial = Client(), Client(), Client()
reader.force_login(reporter)
national.force_login(admin)
provincial.force_login(staff)
for name, who, url in [
    ("obligations page", reader, reverse("reports:unit_obligations", args=[ward.pk])),
    ("review inbox", national, reverse("reports:review_inbox")),
    ("review inbox last page", national, reverse("reports:review_inbox") + "?page=last"),
    ("review inbox provincial", provincial, reverse("reports:review_inbox")),
    (
        "report page",
        reader,
        reverse(
            "reports:report_detail", args=[Obligation.objects.filter(unit=ward, status=Status.ACCEPTED).first().pk]
        ),
    ),
    ("home page with reports to file", reader, reverse("home")),
]:
    queries, ms = measure_page(who, url)
    figure(f"{name} queries", queries, "queries")
    figure(f"{name} time", ms, "ms")
