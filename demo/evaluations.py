"""The evaluations' demo: this year's criteria of Bắc Ninh configured by its committee staff, an evaluation
opened for every ward and commune, Phường Từ Sơn's self-assessment in progress (scored, explained, not yet
sent to its head), and Phường Đồng Nguyên commended as an exemplary model. Running it again changes nothing."""

import datetime

from django.utils import timezone

from evaluations import services
from evaluations.models import Commendation, CriteriaSet
from units.models import Unit, User

COMMENDATION_SYMBOL = "1520/QĐ-UBND"
EXPLANATIONS = {
    "entered": "Đảng ủy ban hành Kế hoạch thực hiện Quy chế dân chủ ở cơ sở năm {year}; tổ chức 4 hội nghị quán triệt.",
    "on_time_rate": "Theo số liệu của hệ thống.",
    "returns": "Theo số liệu của hệ thống.",
    "tasks_on_time": "Các nhiệm vụ còn lại đang thực hiện.",
    "commendations": "Chưa có quyết định khen thưởng trong năm.",
}


def demo_evaluations_load(
    *, bac_ninh: Unit, tu_son: Unit, dong_nguyen: Unit, today: datetime.date | None = None
) -> None:
    today = today or timezone.localdate()
    staff = User.objects.get(username="canbo.bacninh")
    reporter = User.objects.get(username="baocao.tuson")
    criteria_set = CriteriaSet.objects.filter(unit=bac_ninh, year=today.year, subject=CriteriaSet.Subject.UNIT).first()
    if criteria_set is None:
        criteria_set = services.criteria_set_create(
            actor=staff, unit=bac_ninh, year=today.year, subject=CriteriaSet.Subject.UNIT
        )
    services.evaluations_open(actor=staff, criteria_set=criteria_set)
    evaluation = criteria_set.evaluations.get(unit=tu_son, person=None)
    if not evaluation.scores.exists():
        found = services.evidence(evaluation, today)
        scores = {}
        for criterion in criteria_set.criteria.all():
            suggested = services.suggested_points(criterion, found.get(criterion.pk))
            points = suggested if suggested is not None else criterion.max_points * 8 / 10
            text = EXPLANATIONS.get(criterion.kind, "").format(year=today.year)
            scores[criterion.pk] = {"points": points, "explanation": text}
        services.evaluation_save(
            actor=reporter, evaluation=evaluation, scores=scores,
            summary="Ưu điểm: cấp ủy quan tâm lãnh đạo, báo cáo cơ bản đúng hạn. Hạn chế: một số báo cáo còn chậm.",
        )  # fmt: skip
    if not Commendation.objects.filter(decision_symbol=COMMENDATION_SYMBOL, unit=dong_nguyen).exists():
        services.commendation_create(
            actor=staff, unit=dong_nguyen, form=Commendation.Form.CERTIFICATE, decision_symbol=COMMENDATION_SYMBOL,
            decision_date=today.replace(day=1), issuer="UBND tỉnh Bắc Ninh",
            reason="Điển hình trong thực hiện dân chủ ở cơ sở: tổ chức đối thoại định kỳ với Nhân dân, "
            "công khai đầy đủ thu chi ngân sách phường.",
        )  # fmt: skip
