"""The evaluation sheet of a unit or a head, as a PDF and a .docx in the official format.

The reports' machinery makes it: the header and the signature block follow the issuing body
(``reports.documents.signing``: a State sheet is the People's Committee's, signed by its chairman; a Party sheet the Party
committee's, signed by its secretary), the PDF embeds the shipped Tinos typeface (``reports.documents.pdf``) and
the .docx is written by ``reports.documents.word``. A unit's sheet is signed by the head who approved it (by whoever holds the
post on the day while it is in progress); a head's sheet by the head himself. Always in Vietnamese.
"""

from django.utils import timezone, translation

from evaluations import kinds, services
from reports import periods
from reports.documents import signing, word
from reports.documents.pdf import split_issuer, symbol_text, text_lines, write_pdf
from reports.numbers import number
from reports.services import place_of
from units.text import search_key


def _points(value) -> str:
    return "" if value is None else number(value)


def _signer(evaluation, issuing_body: str, day):
    if evaluation.is_head:
        return ["NGƯỜI TỰ ĐÁNH GIÁ"], evaluation.person.full_name
    holder = None
    if evaluation.approved_by_id:
        holder = signing.tenure_of(evaluation.approved_by, evaluation.unit, issuing_body, day)
    holder = holder or signing.expected_signer(evaluation.unit, issuing_body, day)
    title, name = signing.signature(issuing_body, holder)
    return text_lines(title), name


def sheet_context(evaluation, today=None) -> dict:
    criteria_set = evaluation.criteria_set
    unit = evaluation.unit
    party = criteria_set.header == "party"
    issuing_body = "party" if party else "committee"
    today = today or timezone.localdate()
    day = timezone.localdate(evaluation.approved_at) if evaluation.approved_at else today
    defaults = signing.document_defaults(unit, issuing_body, day)
    parent_lines, issuer_lines = split_issuer(text_lines(defaults["issuer"]))
    found = services.evidence(evaluation, today) if evaluation.status == evaluation.Status.DRAFT else {}
    scores = {s.criterion_id: s for s in evaluation.scores.all()}
    rows = []
    reviewed = evaluation.final_total is not None
    for n, c in enumerate(evaluation.criteria_set.criteria.all(), start=1):
        s = scores.get(c.pk)
        ev = found.get(c.pk)
        proof = ev.text if ev else (s.evidence_text if s else "")
        if s and s.explanation:
            proof = f"{proof} {s.explanation}".strip()
        decided = s.points if s and reviewed else None  # once reviewed, the points that count, changed or not
        rows.append([str(n), c.title, _points(c.max_points), proof, _points(s.self_points if s else None),
                     _points(decided)])  # fmt: skip
    max_total = sum(c.max_points for c in evaluation.criteria_set.criteria.all())
    total_row = [
        "",
        "Tổng cộng",
        _points(max_total),
        "",
        _points(evaluation.self_total),
        _points(evaluation.final_total),
    ]
    year = criteria_set.year
    if evaluation.is_head:
        kind = "PHIẾU ĐÁNH GIÁ, XẾP LOẠI"
        subtitle = f"Người đứng đầu {unit.name} năm {year}"
        subject = kinds.Subject(unit, year, today, evaluation.person)
        intro = [f"Họ và tên: {evaluation.person.full_name}."]
        intro += [
            f"Chức vụ: {h.title}, từ ngày {h.started_on:%d/%m/%Y}"
            + (f" đến ngày {h.ended_on:%d/%m/%Y}." if h.ended_on else " đến nay.")
            for h in subject.tenures
        ]
    else:
        kind = "BÁO CÁO"
        subtitle = f"Tự đánh giá, xếp loại kết quả thực hiện Quy chế dân chủ ở cơ sở năm {year}"
        intro = [f"Đơn vị: {unit.name}.", f"Căn cứ: {criteria_set.name}."]
    if evaluation.status == evaluation.Status.DECIDED:
        result = (
            f"Kết quả xếp loại: {evaluation.level.name} ({number(evaluation.final_total)} điểm), theo Quyết định số "
            f"{evaluation.decision_symbol} ngày {evaluation.decision_date:%d/%m/%Y}."
        )
    else:
        level = services.suggested_level(evaluation, evaluation.self_total)
        result = f"Tự xếp loại: {level.name}." if level and evaluation.self_total is not None else "Chưa tự chấm điểm."
    signer_lines, signer_name = _signer(evaluation, issuing_body, day)
    return {
        "party": party,
        "parent_lines": parent_lines,
        "issuer_lines": issuer_lines,
        "symbol_line": "" if evaluation.is_head else symbol_text(defaults["doc_symbol"], party=party),
        "date_line": periods.document_date_vi(place_of(unit), day),
        "kind": kind,
        "subtitle": subtitle,
        "intro": intro,
        "headers": ["TT", "Tiêu chí", "Điểm tối đa", "Minh chứng, giải trình", "Tự chấm", "Cấp trên chấm"],
        "rows": rows,
        "total_row": total_row,
        "summary": [p.strip() for p in evaluation.summary.splitlines() if p.strip()],
        "result": result,
        "recipients": ["- " + f"Ban Chỉ đạo {criteria_set.unit.name} (để báo cáo);", "- Lưu: VT."],
        "signer_lines": signer_lines,
        "signer_name": signer_name,
        "draft": evaluation.status == evaluation.Status.DRAFT,
    }


def render_pdf(evaluation) -> bytes:
    with translation.override("vi"):
        context = sheet_context(evaluation)
    return write_pdf("evaluations/sheet.html", context)


def render_docx(evaluation) -> bytes:
    with translation.override("vi"):
        context = sheet_context(evaluation)
    writer = word.Writer(party=context["party"])
    if context["draft"]:
        writer.draft_mark()
    writer.header(context)
    writer.title(context["kind"], context["subtitle"])
    for line in context["intro"]:
        writer.text(line)
    writer.table(
        context["headers"],
        [*context["rows"], [word.Bold(v) for v in context["total_row"]]],
        numeric={2, 4, 5},
        centred=frozenset({0}),
        widths_mm=(9, 50, 16, 56, 17, 17),
        size=11,
    )
    for text in context["summary"]:
        writer.text(text)
    writer.text(context["result"])
    writer.signature(context, context["signer_name"])
    return writer.save()


def file_name(evaluation) -> str:
    who = evaluation.person.full_name if evaluation.is_head else evaluation.unit.name
    return "-".join(["danh-gia", str(evaluation.criteria_set.year), search_key(who).replace(" ", "-")])[:120]
