"""Real threads against PostgreSQL: twenty people pressing Submit at once make one transition; twenty saves
of the same draft copy make one save and nineteen conflicts; two generators at once create each
obligation once. Skipped on SQLite unless REQUIRE_SERVICES=1, where it must run (and fails)."""

import os
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from reports import generation, services
from reports.models import Obligation, Report, ReportEvent, ReportVersion, Status
from tests.reports.conftest import entry, fill
from units.models import User

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
THREADS = 20


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail("REQUIRE_SERVICES=1 but the database is not PostgreSQL")
        pytest.skip("row locks need PostgreSQL")


def _race(work) -> list:
    """Run ``work()`` in THREADS threads released together; each result or exception, in any order."""
    barrier = threading.Barrier(THREADS)
    results, lock = [], threading.Lock()

    def run():
        try:
            barrier.wait(timeout=30)
            outcome = work()
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test looks at
            outcome = exc
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(results) == THREADS
    return results


def test_twenty_concurrent_submits_make_exactly_one_transition(obligation, users):
    report = fill(obligation, users["reporter_tu_son"])
    head_id = users["head_tu_son"].pk

    def submit():
        return services.report_submit(actor=User.objects.get(pk=head_id), report=Report.objects.get(pk=report.pk))

    results = _race(submit)
    done = [r for r in results if isinstance(r, Report)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(done) == 1 and len(refused) == THREADS - 1, results
    assert {e.code for e in refused} == {"wrong_state"}
    assert ReportEvent.objects.filter(report=report, kind=ReportEvent.Kind.APPROVED).count() == 1
    assert ReportVersion.objects.filter(report=report).count() == 1
    obligation.refresh_from_db()
    assert obligation.status == Status.SUBMITTED and obligation.first_submitted_at is not None


def test_twenty_saves_of_one_copy_make_one_save_and_nineteen_conflicts(obligation, users):
    report = fill(obligation, users["reporter_tu_son"])
    reporter_id, revision = users["reporter_tu_son"].pk, report.revision
    section = str(obligation.form.sections.first().pk)
    counter = iter(range(THREADS))

    def save():
        parts = entry(obligation.form)
        parts["narrative"][section] = f"Bản {next(counter)}"
        return services.report_save_draft(
            actor=User.objects.get(pk=reporter_id), obligation=obligation, revision=revision, **parts
        )

    results = _race(save)
    saved = [r for r in results if isinstance(r, Report)]
    conflicts = [r for r in results if isinstance(r, services.EditConflict)]
    assert len(saved) == 1 and len(conflicts) == THREADS - 1, results
    report.refresh_from_db()
    assert report.revision == revision + 1 and report.narrative[section] == saved[0].narrative[section]


def test_generators_running_at_once_create_each_obligation_once(quarterly, tree):
    results = _race(lambda: generation.obligations_generate(form=quarterly, year=2026))
    assert all(isinstance(r, int) for r in results), results
    assert Obligation.objects.filter(form=quarterly, year=2026).count() == 8
