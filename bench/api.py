"""The API under concurrent load on gunicorn, at national size: requests per second of the main lists and of
the dashboard figures of a province and of the nation (8 clients at once, for 5 s or 500 requests,
whichever comes first) and the queries of one request.

Each list page of 50 rows is also set against a DRF hello-world view behind the same token
authentication, permission and throttles, served by the same workers in the same run: ``api reports list
ratio: 0.35 x`` is the list's requests per second over the hello view's (the mean of one measurement just
before and one just after the list's, so a machine that gets busier midway does not skew the ratio).

Loads the official unit list, a register of directives with a task for every commune, and the
quarterly report owed by every commune for 2026, the first quarter's filed by every commune with a
text per section and a value per figure; then serves the bench database with gunicorn on a free port of
127.0.0.1 and stops it at the end.
"""

import datetime
import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from _common import ROOT, figure, measure_page, setup

setup("api")

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from api import services as api_services  # noqa: E402
from directives import services as directive_services  # noqa: E402
from directives.models import DirectiveType  # noqa: E402
from reports import generation  # noqa: E402
from reports.models import FormAssignment, Obligation, Report, ReportForm, ReportValue, Status  # noqa: E402
from units.models import RoleGrant, Unit, User  # noqa: E402

CLIENTS = 8
SECONDS = 5.0
MAX_REQUESTS = 500
WORKERS = 2  # the machine has two cores
THREADS = 4


def load() -> dict:
    call_command("import_units", "--no-progress", verbosity=0)
    nation = Unit.objects.get(parent__isnull=True, kind=Unit.Kind.NATION)
    province = Unit.objects.get(code_scheme="2025", code="24")  # Bắc Ninh
    ward = Unit.objects.get(code_scheme="2025", code="09367")  # Phường Từ Sơn
    admin = User.objects.create_user("bench-admin")
    RoleGrant.objects.create(user=admin, role=RoleGrant.Role.ADMIN, unit=nation)
    staff = User.objects.create_user("bench-staff")
    RoleGrant.objects.create(user=staff, role=RoleGrant.Role.STAFF, unit=province)
    reporter = User.objects.create_user("bench-reporter")
    RoleGrant.objects.create(user=reporter, role=RoleGrant.Role.REPORTER, unit=ward)

    plan = DirectiveType.objects.get(name="Kế hoạch", family="party")
    communal = list(Unit.COMMUNAL_KINDS)
    for i in range(60):
        directive = directive_services.directive_create(
            actor=admin,
            owner_unit=nation,
            doc_type=plan,
            symbol=f"{i + 1}-KH/TW",
            issuer="Ban Bí thư",
            abstract=f"Kế hoạch thực hiện quy chế dân chủ số {i + 1}",
            issued_on=datetime.date(2025, 1, 1) + datetime.timedelta(days=i),
        )
        if i == 0:  # one task for every commune of the country
            directive_services.assignment_bulk_create(
                actor=admin, directive=directive, task="Báo cáo kết quả", root=nation, kinds=communal
            )
        directive_services.assignment_bulk_create(actor=admin, directive=directive, task=f"Việc {i}", units=[ward])

    form = ReportForm.objects.get(code="qcdc-quarter")
    FormAssignment.objects.create(form=form, root=nation, kinds=communal, starts_on=datetime.date(2025, 1, 1))
    generation.obligations_generate(form=form, year=2026)
    file_first_quarter(form, reporter)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # as autovacuum would after the bulk writes (the dashboards' bench too)
    figure("api bench units", Unit.objects.count(), "units")
    figure("api bench obligations", Obligation.objects.count(), "obligations")
    return {
        "admin": api_services.token_create(user=admin, name="bench")[1],
        "staff": api_services.token_create(user=staff, name="bench")[1],
        "reporter": api_services.token_create(user=reporter, name="bench")[1],
        "ward": ward,
        "province": province,
        "nation_pk": nation.pk,
    }


def file_first_quarter(form: ReportForm, reporter: User) -> None:
    """Every commune's first-quarter report submitted, with a text per section and a value per figure."""
    sections = list(form.sections.values_list("pk", flat=True))
    indicators = list(form.indicators.values_list("pk", "value_type"))
    owed = Obligation.objects.filter(form=form, year=2026, period_index=1)
    submitted = datetime.datetime(2026, 4, 6, 9, 0, tzinfo=datetime.UTC)
    owed.update(status=Status.SUBMITTED, first_submitted_at=submitted, last_submitted_at=submitted, on_time=True)
    reports = Report.objects.bulk_create(
        [
            Report(
                obligation_id=pk,
                status=Status.SUBMITTED,
                revision=3,
                narrative={
                    str(s): f"Kết quả thực hiện quy chế dân chủ ở cơ sở, mục {s}, quý I năm 2026." for s in sections
                },
                doc_symbol=f"{pk}/BC-UBND",
                doc_place="Từ Sơn",
                doc_date=datetime.date(2026, 4, 3),
                updated_by=reporter,
                submitted_at=submitted,
            )
            for pk in owed.values_list("pk", flat=True)
        ],
        batch_size=1000,
    )
    ReportValue.objects.bulk_create(
        [
            ReportValue(report=r, indicator_id=i, raw="1" if kind == "boolean" else str(n + 7), value_decimal=n + 7)
            for r in reports
            for n, (i, kind) in enumerate(indicators)
            if kind != "text"
        ],
        batch_size=5000,
    )


HELLO_MODULE = '''"""The project's WSGI application with one more address: a DRF hello-world view behind the API's
default authentication, permission and throttles (the bench's yardstick)."""
from django.urls import path
from qcdc.wsgi import application  # noqa: F401  (sets Django up)
from rest_framework.response import Response
from rest_framework.views import APIView

import qcdc.urls


class Hello(APIView):
    def get(self, request):
        return Response({"hello": "world"})


qcdc.urls.urlpatterns.insert(0, path("bench/hello/", Hello.as_view()))
'''
HELLO = "/bench/hello/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port: int) -> subprocess.Popen:
    connection.close()  # the workers open their own
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    folder = tempfile.mkdtemp(prefix="qcdc-bench-hello-")
    with open(os.path.join(folder, "bench_hello.py"), "w") as f:
        f.write(HELLO_MODULE)
    command = [
        gunicorn,
        "bench_hello:application",
        "--pythonpath",
        folder,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(WORKERS),
        "--threads",
        str(THREADS),
        "--chdir",
        str(ROOT),
        "--log-level",
        "warning",
    ]
    # The throttles run as in production (a cache read and write per request) with a limit no bench reaches:
    # the hello view alone answers more requests a minute than a user may send.
    env = {**os.environ, "API_THROTTLE_USER": "10000000/minute"}
    process = subprocess.Popen(command, env=env, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status in (200, 503):
                return process
        except OSError:
            time.sleep(0.2)
    stop(process)
    raise SystemExit("gunicorn did not answer within 30 s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def requests_per_second(port: int, path: str, token: str) -> float:
    """``CLIENTS`` keep-alive connections GET ``path`` until ``SECONDS`` pass or ``MAX_REQUESTS`` are sent."""
    lock = threading.Lock()
    sent = [0]
    failures = []
    start = time.perf_counter()
    stop_at = start + SECONDS

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
        done = 0
        while time.perf_counter() < stop_at:
            with lock:
                if sent[0] >= MAX_REQUESTS:
                    break
                sent[0] += 1
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                failures.append(response.status)
            done += 1
        conn.close()
        return done

    with ThreadPoolExecutor(CLIENTS) as pool:
        done = sum(pool.map(lambda _i: client(), range(CLIENTS)))
    elapsed = time.perf_counter() - start
    if failures:
        raise SystemExit(f"{path}: {len(failures)} requests failed, e.g. HTTP {failures[0]}")
    return done / elapsed


data = load()
ward, province = data["ward"], data["province"]
ENDPOINTS = [
    ("api units list", "/api/v1/units/?kind=ward", "admin"),
    ("api units search", "/api/v1/units/?q=tu+son", "admin"),
    ("api directives list", "/api/v1/directives/", "reporter"),
    ("api reports list", "/api/v1/reports/?reviewable=true&status=submitted", "staff"),
    ("api assignments of a ward", f"/api/v1/assignments/?unit={ward.pk}", "reporter"),
    ("api obligations list", f"/api/v1/obligations/?unit={province.pk}&sub=true&status=open", "staff"),
    ("api obligations of a ward", f"/api/v1/obligations/?unit={ward.pk}", "reporter"),
    ("api dashboard figures provincial", f"/api/v1/units/{province.pk}/figures/?start=2026-01-01", "staff"),
    ("api dashboard figures national", f"/api/v1/units/{data['nation_pk']}/figures/?start=2026-01-01", "admin"),
]

for name, path, who in ENDPOINTS:  # queries of one request, in-process
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {data[who]}")
    client.get("/api/v1/me/")  # the token's last use is noted once a minute; not part of the lists' count
    queries, ms = measure_page(client, path, repeat=3)
    figure(f"{name} queries", queries, "queries")
    figure(f"{name} time", ms, "ms")

RATIOS = ["api reports list", "api obligations list", "api directives list"]
port = free_port()
server = start_gunicorn(port)
try:
    for name, path, who in ENDPOINTS:
        requests_per_second(port, path, data[who])  # warm the workers' connections and caches
        figure(name, requests_per_second(port, path, data[who]), "req/s")
    for name in RATIOS:
        _name, path, who = next(e for e in ENDPOINTS if e[0] == name)
        requests_per_second(port, HELLO, data[who])
        before = requests_per_second(port, HELLO, data[who])
        listed = requests_per_second(port, path, data[who])
        after = requests_per_second(port, HELLO, data[who])
        hello = (before + after) / 2
        figure(f"{name} hello-world", hello, "req/s")
        figure(f"{name} ratio", listed / hello, "x")
finally:
    stop(server)
