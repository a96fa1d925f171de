"""The demo's evaluation: this year's criteria of Bắc Ninh, Phường Từ Sơn's self-assessment in progress with
its computed evidence, Phường Đồng Nguyên commended as an exemplary model; loading it again changes nothing."""

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from demo.units import PASSWORD, demo_load
from evaluations.models import Commendation, CriteriaSet, Evaluation, EvaluationEvent, Score
from units.models import RoleGrant

pytestmark = pytest.mark.slow  # the whole demo is loaded for the module


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        demo_load()
        yield
        transaction.set_rollback(True)


def counts() -> tuple:
    with connection.cursor() as cursor:
        result = []
        for table in ("criteriaset", "evaluation", "score", "evaluationevent", "commendation"):
            cursor.execute(f"SELECT COUNT(*) FROM evaluations_{table}")
            result.append(cursor.fetchone()[0])
        return tuple(result)


@pytest.mark.django_db
def test_the_ward_finds_its_self_assessment_in_progress(demo, client):
    year = timezone.localdate().year
    criteria_set = CriteriaSet.objects.get(unit__name="Tỉnh Bắc Ninh", year=year, subject="unit")
    tu_son = RoleGrant.objects.get(user__username="baocao.tuson").unit
    e = Evaluation.objects.get(criteria_set=criteria_set, unit=tu_son)
    assert e.status == Evaluation.Status.DRAFT and e.self_total is not None
    assert Score.objects.filter(evaluation=e).count() == criteria_set.criteria.count()
    assert client.login(username="baocao.tuson", password=PASSWORD)
    page = client.get(e.get_absolute_url())
    assert page.status_code == 200 and b'id="submit-evaluation"' in page.content
    assert any(r["evidence"] for r in page.context["rows"])  # the computed evidence beside its criteria
    assert client.login(username="canbo.bacninh", password=PASSWORD)
    ranking = client.get(criteria_set.get_absolute_url())
    assert ranking.context["page"].paginator.count == criteria_set.evaluations.count() > 50
    dashboard = client.get(reverse("reports:dashboard", args=[criteria_set.unit_id]))
    assert "1520/QĐ-UBND" in dashboard.content.decode()
    assert Commendation.objects.filter(exemplary=True, unit__name="Phường Đồng Nguyên").count() == 1


@pytest.mark.django_db
def test_loading_the_demo_again_changes_nothing(demo):
    before = counts()
    demo_load()
    assert counts() == before
    assert EvaluationEvent.objects.filter(kind="saved").count() == 1
