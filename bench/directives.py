"""Assigning one task to every commune-level unit of the country in one request, then the register and
"our tasks" pages at that size. Prints time and query counts; the page counts must not grow with the data.

Uses the official list (``import_units``) when it can be loaded, otherwise builds 3,321 communes itself.
"""

import datetime
import sys

from _common import figure, load_communes, measure_page, setup, timer

setup("directives")

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from directives import services  # noqa: E402
from directives.models import Assignment, Directive, DirectiveType  # noqa: E402
from units.models import RoleGrant, Unit, User  # noqa: E402

source, load_seconds = load_communes()
nation = Unit.objects.get(parent__isnull=True, kind=Unit.Kind.NATION)
communal = list(Unit.COMMUNAL_KINDS)
targets = Unit.objects.subtree(nation).filter(kind__in=communal, closed_on__isnull=True).count()
figure(f"communes loaded ({source})", targets, "units")
figure("units load", load_seconds, "s")

admin = User.objects.create_user("bench-admin", password="x")
RoleGrant.objects.create(user=admin, role=RoleGrant.Role.ADMIN, unit=nation)
kl = services.directive_create(
    actor=admin,
    owner_unit=nation,
    doc_type=DirectiveType.objects.get(name="Kết luận", family="party"),
    symbol="120-KL/TW",
    issuer="Ban Chấp hành Trung ương",
    abstract="Về tiếp tục đẩy mạnh xây dựng và thực hiện quy chế dân chủ ở cơ sở",
    issued_on=datetime.date(2016, 1, 7),
)

client = Client()
client.force_login(admin)
url = reverse("directives:assignment_create", args=[kl.pk])
form = {
    "root": nation.pk,
    "kinds": communal,
    "only_open": "on",
    "task": "Quán triệt Kết luận 120-KL/TW đến từng chi bộ và báo cáo kết quả",
    "role": Assignment.Role.LEAD,
    "deadline": "2030-06-30",
    "report_required": "on",
}
with CaptureQueriesContext(connection) as ctx, timer() as took:
    response = client.post(url, form)
assert response.status_code == 302, response.status_code
created = Assignment.objects.filter(directive=kl).count()
assert created == targets, (created, targets)
figure("assign all communes", took["s"], "s")
figure("assign all communes queries", len(ctx.captured_queries), "queries")
figure("assignments created", created, "assignments")

with CaptureQueriesContext(connection) as ctx, timer() as took:
    response = client.post(url, form)
assert response.status_code == 302 and Assignment.objects.filter(directive=kl).count() == created
figure("assign all communes again (nothing to do)", took["s"], "s")

# Pages at that size, as a ward's reporter and as the national administrator.
ward = Unit.objects.filter(kind__in=communal, directive_assignments__directive=kl).order_by("pk").first()
reporter = User.objects.create_user("bench-reporter", password="x")
RoleGrant.objects.create(user=reporter, role=RoleGrant.Role.REPORTER, unit=ward)
reader = Client()
reader.force_login(reporter)
register_url = reverse("directives:directive_list")
tasks_url = reverse("directives:unit_tasks", args=[ward.pk])
small = {url: measure_page(reader, url, repeat=1)[0] for url in (register_url, tasks_url)}

for i in range(60):  # a register longer than one page, cascading from the centre, each with a task for the ward
    plan = services.directive_create(
        actor=admin,
        owner_unit=nation,
        doc_type=DirectiveType.objects.get(name="Kế hoạch", family="party"),
        symbol=f"{i + 1}-KH/TW",
        issuer="Ban Bí thư",
        abstract=f"Kế hoạch số {i + 1}",
        issued_on=datetime.date(2025, 1, 1) + datetime.timedelta(days=i),
        implements=kl,
        confidentiality=Directive.Confidentiality.SECRET if i % 5 == 0 else Directive.Confidentiality.NORMAL,
    )
    services.assignment_bulk_create(actor=admin, directive=plan, task=f"Thực hiện kế hoạch {i + 1}", units=[ward])

# A live database has its statistics kept by autovacuum; a freshly filled one must be told, or the
# planner takes 3,000-row tables for empty ones.
with connection.cursor() as cursor:
    cursor.execute("ANALYZE")

pages = [
    ("directive register", reader, register_url),
    ("our tasks", reader, tasks_url),
    ("directive register national", client, register_url),
    ("our tasks national subtree", client, reverse("directives:unit_tasks", args=[nation.pk]) + "?sub=1"),
    ("directive page with all assignments", client, kl.get_absolute_url()),
    ("register export national", client, reverse("directives:directive_export")),
]
grew = []
for name, who, page_url in pages:
    queries, ms = measure_page(who, page_url)
    figure(f"{name} queries", queries, "queries")
    figure(f"{name} time", ms, "ms")
    if page_url in small and who is reader and queries > small[page_url]:
        grew.append(f"{name}: {small[page_url]} queries with one directive, {queries} with 61")
if grew:
    sys.exit("Query counts grew with the data: " + "; ".join(grew))
