"""The demo gives the leader of Bắc Ninh a dashboard with something to say, and a ward's late report to open."""

import pytest
from django.db import transaction
from django.urls import reverse

from demo.reports import history_load
from demo.units import PASSWORD, demo_load
from reports import tallies
from reports.models import Obligation, Report
from units.models import Body, BodyMembership, Unit, User

pytestmark = pytest.mark.slow  # the whole demo is loaded for the module


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        demo_load()
        yield
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _frozen():  # the demo is dated from the real today, unlike the other tests of this package
    yield


@pytest.mark.django_db
def test_the_leaders_dashboard_has_something_to_say(demo, client):
    assert client.login(username="lanhdao.bacninh", password=PASSWORD)
    response = client.get(reverse("reports:dashboard_home"), follow=True)
    bac_ninh = Unit.objects.get(code_scheme="2025", code="24")
    assert response.redirect_chain[-1][0] == reverse("reports:dashboard", args=[bac_ninh.pk])
    h = response.context["headline"]
    assert 50 < h.reporting_rate < 100 and 0 < h.on_time_rate < h.reporting_rate
    assert h.late and h.returned and h.overdue and h.returns > h.returned  # some returned twice
    best, worst = response.context["best"], response.context["worst"]
    assert best and worst and best[0].figures.on_time_rate > worst[0].figures.on_time_rate
    assert response.context["indicators"]["totals"]


@pytest.mark.django_db
def test_a_ward_of_tu_son_has_a_late_report_the_leader_can_open(demo, client):
    tu_son = Unit.objects.get(code_scheme="2025", code="09367")
    leader = User.objects.get(username="lanhdao.bacninh")
    client.force_login(leader)
    ward = client.get(reverse("reports:dashboard", args=[tu_son.pk]))
    late = [o for o in ward.context["late"] if o.on_time is False]
    assert late
    report = client.get(late[0].get_absolute_url())
    assert report.status_code == 200 and Report.objects.filter(obligation=late[0]).exists()


@pytest.mark.django_db
def test_loading_the_history_again_changes_nothing(demo):
    tu_son = Unit.objects.get(code_scheme="2025", code="09367")
    before = Obligation.objects.filter(report__isnull=False).count()
    assert history_load(tu_son=tu_son, admin=User.objects.get(username="admin")) == 0
    assert Obligation.objects.filter(report__isnull=False).count() == before


@pytest.mark.django_db
def test_the_provinces_leader_issues_the_summary_from_its_steering_committee(demo, client):
    bac_ninh = Unit.objects.get(code_scheme="2025", code="24")
    assert client.login(username="lanhdao.bacninh", password=PASSWORD)
    url = reverse("reports:dashboard_summary", args=[bac_ninh.pk])
    form = client.get(url).context["form"]
    assert not form.no_body
    body = Body.objects.get(pk=form["body"].value())
    assert body.unit == bac_ninh and body.kind == Body.Kind.STEERING_COMMITTEE
    signer = BodyMembership.objects.get(pk=form["signer"].value())
    assert signer.body == body and signer.role == BodyMembership.Role.HEAD
    # the leader and the staff of the demo sit on it, as the province's standing deputy and its secretary
    members = {m.person.user.username: m.role for m in body.memberships.filter(person__user__isnull=False)}
    assert members == {"lanhdao.bacninh": "standing_deputy", "canbo.bacninh": "secretary"}
    response = client.post(url, {**{name: form[name].value() for name in form.fields}, "format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


@pytest.mark.django_db
def test_the_demos_roll_ups_are_what_a_rebuild_counts(demo):
    """The demo writes reports and their figures in bulk: the dashboards' roll-ups follow them, so its
    figures are those a rebuild counts from the reports (``rebuild_figures`` finds nothing to change)."""
    written = tallies.tallies_rebuild()
    changed = {k: v for k, v in written.items() if k.endswith(("deleted", "updated", "inserted"))}
    assert len(changed) == 6 and not any(changed.values()), changed
