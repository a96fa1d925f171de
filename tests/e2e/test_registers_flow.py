"""A ward official on a phone keeps the registers, and the quarterly report follows from them: a budget
disclosure with its photo, a household ballot whose result the page computes, a conference on
Kết luận 120-KL/TW; then the quarterly report shows those figures with links to the rows."""

import datetime

import pytest

from registers.models import CommunityDecision, Conference, Disclosure, RecordAttachment
from reports import generation
from reports.models import FormAssignment, Obligation
from tests.e2e.conftest import login
from tests.registers.conftest import make_directive_120
from tests.reports.conftest import form_by_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def quarter(tree):
    form = form_by_code("qcdc-quarter")
    FormAssignment.objects.create(form=form, root=tree["bac_ninh"], kinds=["ward"], starts_on=datetime.date(2026, 1, 1))
    generation.obligations_generate(form=form, year=2026, until=datetime.date(2026, 1, 1))
    return Obligation.objects.get(form=form, unit=tree["tu_son"], period_index=1)


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_ward_keeps_its_registers_and_the_report_follows(
    page, live_server, users, tree, quarter, tmp_path, uploads_in_tmp
):
    directive_120 = make_directive_120(tree)
    login(page, live_server, users["reporter_tu_son"].username)
    photo = tmp_path / "niem-yet-du-toan.png"
    photo.write_bytes(PNG)

    page.goto(f"{live_server.url}/registers/disclosures/new/")
    page.fill("#id_date", "2026-01-20")
    page.fill("#id_subject", "Dự toán ngân sách phường năm 2026")
    page.select_option("#id_group", "budget")
    page.fill("#id_days_posted", "30")
    page.set_input_files("#id_files", str(photo))
    _fits(page)
    page.click("button[type=submit].btn-primary")
    page.wait_for_selector("[data-testid=attachment]")
    assert page.inner_text("[data-testid=attachment]") == "niem-yet-du-toan.png"
    assert RecordAttachment.objects.get().record_id == Disclosure.objects.get().pk

    page.goto(f"{live_server.url}/registers/community-decisions/new/")
    page.fill("#id_date", "2026-02-15")
    page.fill("#id_subject", "Bỏ phiếu đóng góp làm đường khu phố")
    page.select_option("#id_matter_kind", index=1)
    page.select_option("#id_method", "ballot")
    page.fill("#id_households_total", "300")
    page.fill("#id_households_present", "250")
    page.fill("#id_households_agreeing", "150")
    result = page.locator("#ballot-result")
    assert "Không được thông qua" in result.inner_text()  # exactly half is not more than half
    page.fill("#id_households_agreeing", "151")
    assert result.inner_text().startswith("Được thông qua")
    _fits(page)
    page.click("button[type=submit].btn-primary")
    page.wait_for_selector("[data-testid=carried]")
    assert "Nội dung được thông qua." in page.inner_text("[data-testid=carried]")
    assert CommunityDecision.objects.get().carried

    page.goto(f"{live_server.url}/registers/conferences/new/")
    page.fill("#id_date", "2026-03-05")
    page.fill("#id_subject", "Hội nghị quán triệt Kết luận 120-KL/TW")
    page.select_option("#id_directive", str(directive_120.pk))
    page.fill("#id_party_cells_total", "12")
    page.fill("#id_party_cells_reached", "11")
    page.fill("#id_resident_attendees", "80")
    _fits(page)
    page.click("button[type=submit].btn-primary")
    page.wait_for_url(f"**/registers/conferences/{Conference.objects.get().pk}/")

    page.goto(f"{live_server.url}/reports/{quarter.pk}/edit/")
    panel = page.locator("[data-testid=register-figures]")
    panel.wait_for()
    _fits(page)
    form = quarter.form
    for code, figure in (("DISCLOSURES", "1"), ("BALLOTS", "1"), ("MEETINGS", "0"), ("CONFERENCES", "1")):
        assert page.inner_text(f"[data-testid=bound-link-{code}]") == figure, code
        assert page.input_value(f"#id_{form.indicators.get(code=code).field_name}") == figure, code
    # Each figure leads to exactly the rows it counts: the ward's, of the quarter.
    for code, subject in (
        ("DISCLOSURES", "Dự toán ngân sách phường năm 2026"),
        ("BALLOTS", "Bỏ phiếu đóng góp làm đường khu phố"),
        ("CONFERENCES", "Hội nghị quán triệt Kết luận 120-KL/TW"),
    ):
        page.click(f"[data-testid=bound-link-{code}]")
        page.wait_for_selector("[data-testid=row-count]")
        assert page.inner_text("[data-testid=row-count]").startswith("1 "), code
        assert subject in page.content(), code
        _fits(page)
        page.go_back()
        panel.wait_for()
