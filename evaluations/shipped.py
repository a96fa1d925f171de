"""The criteria QCDC ships for a committee's first year: 100 points, computed where QCDC holds the evidence.

A province's own guidance varies: the committee changes titles, points, kinds and levels once the set is made.
The texts are Vietnamese, as the committee's documents are.
"""

from units.models import Unit

UNIT_CRITERIA = (
    ("Lãnh đạo, chỉ đạo, ban hành văn bản, kế hoạch triển khai thực hiện Quy chế dân chủ ở cơ sở", "entered", 15,
     "Có kế hoạch năm, văn bản chỉ đạo kịp thời: tối đa; thiếu hoặc chậm: trừ điểm tương ứng."),
    ("Thực hiện chế độ báo cáo đúng hạn", "on_time_rate", 25,
     "Điểm theo tỷ lệ báo cáo nộp đúng hạn trên số báo cáo phải nộp trong năm."),
    ("Chất lượng báo cáo (không bị trả lại để hoàn thiện)", "returns", 10,
     "Điểm theo tỷ lệ báo cáo không bị trả lại trên số báo cáo đã nộp."),
    ("Thực hiện nhiệm vụ được giao đúng thời hạn", "tasks_on_time", 20,
     "Điểm theo tỷ lệ nhiệm vụ được giao có báo cáo đúng thời hạn."),
    ("Thực hiện công khai, dân bàn, dân quyết, dân kiểm tra, dân giám sát, dân thụ hưởng", "entered", 20,
     "Nêu kết quả cụ thể: nội dung công khai, hội nghị, tiếp công dân, đối thoại."),
    ("Được biểu dương, khen thưởng trong năm", "commendations", 10,
     "Có quyết định biểu dương, khen thưởng trong năm: tối đa."),
)  # fmt: skip

HEAD_CRITERIA = (
    ("Trách nhiệm lãnh đạo, chỉ đạo thực hiện Quy chế dân chủ ở cơ sở", "entered", 30,
     "Tự đánh giá vai trò nêu gương, chỉ đạo, kiểm tra của người đứng đầu."),
    ("Báo cáo của đơn vị nộp đúng hạn trong thời gian giữ chức vụ", "on_time_rate", 30,
     "Điểm theo tỷ lệ báo cáo đến hạn trong nhiệm kỳ được nộp đúng hạn."),
    ("Báo cáo không bị trả lại trong thời gian giữ chức vụ", "returns", 10,
     "Điểm theo tỷ lệ báo cáo không bị trả lại."),
    ("Nhiệm vụ được giao thực hiện đúng thời hạn", "tasks_on_time", 20,
     "Điểm theo tỷ lệ nhiệm vụ có báo cáo đúng thời hạn trong nhiệm kỳ."),
    ("Tiếp công dân, đối thoại trực tiếp với Nhân dân", "entered", 10,
     "Nêu số buổi tiếp công dân, đối thoại và kết quả giải quyết."),
)  # fmt: skip

# Decree 90/2020/NĐ-CP's four levels, with the points that suggest each; the committee decides.
LEVELS = (
    ("Hoàn thành xuất sắc nhiệm vụ", 90),
    ("Hoàn thành tốt nhiệm vụ", 70),
    ("Hoàn thành nhiệm vụ", 50),
    ("Không hoàn thành nhiệm vụ", 0),
)

UNIT_KINDS = [str(k) for k in Unit.COMMUNAL_KINDS]


def criteria(subject: str) -> tuple:
    return HEAD_CRITERIA if subject == "head" else UNIT_CRITERIA


def set_name(subject: str, year: int, unit: Unit) -> str:
    if subject == "head":
        return f"Tiêu chí đánh giá người đứng đầu năm {year} ({unit.name})"
    return f"Tiêu chí đánh giá, xếp loại đơn vị năm {year} ({unit.name})"
