"""The official documents as Word files (.docx, python-docx), for officials who finish them in Word.

The same content and layout as the PDFs (``reports/_document_style.html``), from the same contexts
(``documents.document_context``, ``dashboard_summary.summary_context``): A4 with Decree 30's margins, Times New Roman
(the decree's typeface; the PDFs embed Tinos, its metric twin), the two-column header as a borderless table, page
numbers centred in the header from page 2, the figures as a ruled table whose header row repeats, the recipients and
the signer side by side, the summary's annex on a page of its own. The rules under the issuing body and the motto are
bottom borders of paragraphs narrowed to the text's width, measured with the metrics of the shipped typeface.
"""

import io
from functools import cache
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from reports.documents.pdf import FONT_DIR, FONT_FILES

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT = "Times New Roman"
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGINS = {"top": Mm(20), "bottom": Mm(20), "left": Mm(30), "right": Mm(15)}
TEXT_WIDTH_MM = 210 - 30 - 15
# The issuer's column and the right one, as the PDF's (42 % and 58 %, 48 % and 52 % for the Party): the State's
# leaves "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" one line; the Party's right column needs only "ĐẢNG CỘNG SẢN VIỆT NAM"
# (15 pt) and gives the rest to the issuing body's 14 pt name ("ĐẢNG ỦY PHƯỜNG TỪ SƠN" on one line).
HEADER_COLUMNS_MM = {False: (69, 96), True: (79, 86)}
CELL_MARGIN_MM = 1.9  # Word's default left and right cell margins
CENTER, JUSTIFY, LEFT, RIGHT = (
    WD_ALIGN_PARAGRAPH.CENTER,
    WD_ALIGN_PARAGRAPH.JUSTIFY,
    WD_ALIGN_PARAGRAPH.LEFT,
    WD_ALIGN_PARAGRAPH.RIGHT,
)


def fonts_conf(into: Path) -> Path:
    """A fontconfig file, written in ``into``, that adds the shipped Tinos to the machine's fonts: for LibreOffice
    opening these files where Times New Roman is not installed (a bare Linux server, a test). fontconfig's metric
    aliases then give it Tinos for Times New Roman, with the same widths, as Word on an official's computer has
    Times New Roman itself; without it LibreOffice takes a wider serif and the lines and cells wrap differently.
    Point ``FONTCONFIG_FILE`` at it."""
    conf = into / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f'<include ignore_missing="yes">/etc/fonts/fonts.conf</include><dir>{FONT_DIR}</dir>'
        f"<cachedir>{into / 'fontconfig-cache'}</cachedir></fontconfig>"
    )
    return conf


@cache
def _metrics(bold: bool, italic: bool):
    from fontTools.ttLib import TTFont

    font = TTFont(FONT_DIR / FONT_FILES[("bold" if bold else "normal", "italic" if italic else "normal")])
    return font.getBestCmap(), font["hmtx"], font["head"].unitsPerEm


def text_width_mm(text: str, size: float, *, bold: bool = False, italic: bool = False) -> float:
    """How wide ``text`` prints, in mm, in Times New Roman's metrics (Tinos has the same advance widths)."""
    cmap, hmtx, units = _metrics(bold, italic)
    advance = sum(hmtx[cmap[ord(c)]][0] if ord(c) in cmap else units // 2 for c in text)
    return advance / units * size * 25.4 / 72


class Writer:
    """One document being written: its fixed parts (header, title, signature) and blocks."""

    def __init__(self, *, party: bool):
        self.party = party
        self.doc = Document()
        normal = self.doc.styles["Normal"]
        normal.font.name = FONT
        normal.font.size = Pt(14)
        normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
        normal.element.rPr.rFonts.set(qn("w:cs"), FONT)
        normal.paragraph_format.space_after = Pt(0)
        normal.paragraph_format.space_before = Pt(0)
        normal.paragraph_format.line_spacing = 1.15
        section = self.doc.sections[0]
        section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
        for side, value in MARGINS.items():
            setattr(section, f"{side}_margin", value)
        section.header_distance = Mm(10)
        section.different_first_page_header_footer = True  # Decree 30: no number on the first page
        self._page_number(section)

    # Building blocks -------------------------------------------------------------------------------------

    def _page_number(self, section):
        paragraph = section.header.paragraphs[0]
        paragraph.alignment = CENTER
        run = paragraph.add_run()
        run.font.size = Pt(14 if self.party else 13)
        for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, None), ("end", None)):
            if kind:
                char = OxmlElement("w:fldChar")
                char.set(qn("w:fldCharType"), kind)
                run._r.append(char)
            elif text:
                instr = OxmlElement("w:instrText")
                instr.set(qn("xml:space"), "preserve")
                instr.text = text
                run._r.append(instr)
            else:
                shown = OxmlElement("w:t")
                shown.text = "2"
                run._r.append(shown)

    def para(
        self,
        text: str = "",
        *,
        size: float = 14,
        bold: bool = False,
        italic: bool = False,
        underline: bool = False,
        align=JUSTIFY,
        indent: bool = False,
        after: float = 0,
        before: float = 0,
        container=None,
    ):
        target = container if container is not None else self.doc
        paragraph = target.add_paragraph()
        paragraph.alignment = align
        paragraph.paragraph_format.space_after = Pt(after)
        paragraph.paragraph_format.space_before = Pt(before)
        if indent:
            paragraph.paragraph_format.first_line_indent = Mm(12.7)
        if text:
            run = paragraph.add_run(text)
            run.font.size = Pt(size)
            run.bold, run.italic, run.underline = bold, italic, underline
        return paragraph

    @staticmethod
    def _first(cell, text, **style):
        """Write into a cell's first (empty) paragraph, then append the next ones."""
        paragraph = cell.paragraphs[0]
        paragraph.alignment = style.get("align", CENTER)
        run = paragraph.add_run(text)
        run.font.size = Pt(style.get("size", 14))
        run.bold, run.italic, run.underline = style.get("bold", False), style.get("italic", False), False
        return paragraph

    def rule(self, container, width_mm: float, column_mm: float, *, after: float = 2, before: float = 0):
        """A line ``width_mm`` long, centred in ``container`` (a column ``column_mm`` wide): the bottom border of a
        paragraph of its own, narrowed by its indents, so that the text above keeps the column's width."""
        paragraph = container.add_paragraph()
        paragraph.paragraph_format.line_spacing = Pt(3)
        paragraph.paragraph_format.space_after = Pt(after)
        paragraph.paragraph_format.space_before = Pt(before)
        side = max(0.0, (column_mm - 2 * CELL_MARGIN_MM - width_mm) / 2)
        paragraph.paragraph_format.left_indent = Mm(side)
        paragraph.paragraph_format.right_indent = Mm(side)
        borders = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for key, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "000000")):
            bottom.set(qn(f"w:{key}"), value)
        borders.append(bottom)
        paragraph._p.get_or_add_pPr().append(borders)

    @staticmethod
    def _borderless(table):
        borders = OxmlElement("w:tblBorders")
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
            element = OxmlElement(f"w:{edge}")
            element.set(qn("w:val"), "nil")
            borders.append(element)
        table._tbl.tblPr.append(borders)

    def _two_columns(self, widths_mm):
        table = self.doc.add_table(rows=1, cols=2)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        self._borderless(table)
        for cell, width in zip(table.rows[0].cells, widths_mm, strict=True):
            cell.width = Mm(width)
        for column, width in zip(table.columns, widths_mm, strict=True):
            column.width = Mm(width)
        return table.rows[0].cells

    # The parts of an official document -------------------------------------------------------------------

    def header(self, context: dict):
        columns = HEADER_COLUMNS_MM[self.party]
        left, right = self._two_columns(columns)
        size = 14 if self.party else 13
        lines = [(line, False) for line in context.get("parent_lines", [])]
        lines += [(line, True) for line in context["issuer_lines"]]
        for i, (line, bold) in enumerate(lines):
            (self._first if i == 0 else self._next)(left, line.upper(), size=size, bold=bold)
        if self.party:
            self._next(left, "*", size=14)
        else:  # as the PDF's: 30 % of the column, between a third and a half of the body's name
            self.rule(left, 0.3 * (columns[0] - 2 * CELL_MARGIN_MM), columns[0])
        if context.get("symbol_line"):
            self._next(left, context["symbol_line"], size=size, before=3)
        if self.party:
            self._first(right, "ĐẢNG CỘNG SẢN VIỆT NAM", size=15, bold=True).runs[0].underline = True
        else:
            self._first(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=12, bold=True)
            motto = "Độc lập - Tự do - Hạnh phúc"
            self._next(right, motto, size=13, bold=True)
            self.rule(right, text_width_mm(motto, 13, bold=True), columns[1])
        self._next(
            right, context["date_line"], size=14 if self.party else 13, italic=True, before=10 if self.party else 8
        )

    @staticmethod
    def _next(cell, text, *, size=14, bold=False, italic=False, before=0, align=CENTER):
        paragraph = cell.add_paragraph()
        paragraph.alignment = align
        paragraph.paragraph_format.space_before = Pt(before)
        run = paragraph.add_run(text)
        run.font.size = Pt(size)
        run.bold, run.italic = bold, italic
        return paragraph

    def title(self, kind: str, subtitle: str, reference: str = ""):
        self.para(kind, size=16 if self.party else 14, bold=True, align=CENTER, before=18)
        self.para(subtitle, bold=True, align=CENTER)
        if reference:
            self.para(reference, italic=True, align=CENTER)
        self.rule(self.doc, TEXT_WIDTH_MM / 4, TEXT_WIDTH_MM + 2 * CELL_MARGIN_MM, after=12, before=3)

    def heading(self, text: str):
        self.para(text, bold=True, indent=True, before=6, after=3)

    def text(self, text: str, *, italic: bool = False, size: float = 14):
        self.para(text, indent=True, italic=italic, size=size, after=6)

    def table(
        self,
        headers: list[str] | None,
        rows: list[list[str]],
        *,
        numeric: set[int],
        widths_mm=None,
        size=13,
        centred: frozenset[int] = frozenset(),
    ):
        """A ruled table; columns in ``numeric`` are right-aligned, in ``centred`` centred; the header row repeats
        on every page."""
        columns = len(headers or rows[0])
        table = self.doc.add_table(rows=0, cols=columns)
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        if headers:
            cells = table.add_row().cells
            for cell, text in zip(cells, headers, strict=True):
                self._first(cell, text, size=size, bold=True)
            row_pr = table.rows[0]._tr.get_or_add_trPr()
            repeat = OxmlElement("w:tblHeader")
            repeat.set(qn("w:val"), "true")
            row_pr.append(repeat)
        for values in rows:
            cells = table.add_row().cells
            for i, (cell, value) in enumerate(zip(cells, values, strict=True)):
                bold = isinstance(value, Bold)
                align = RIGHT if i in numeric else CENTER if i in centred else LEFT
                self._first(cell, str(value), size=size, bold=bold, align=align)
        if widths_mm:
            table.autofit = False
            for column, width in zip(table.columns, widths_mm, strict=True):
                column.width = Mm(width)  # the grid, which LibreOffice reads
            for row in table.rows:
                for cell, width in zip(row.cells, widths_mm, strict=True):
                    cell.width = Mm(width)
        self.para(after=6)
        return table

    def signature(self, context: dict, signer_name: str):
        left, right = self._two_columns((TEXT_WIDTH_MM / 2, TEXT_WIDTH_MM / 2))
        label = self._first(left, "Nơi nhận:", size=14 if self.party else 12, align=LEFT)
        run = label.runs[0]
        if self.party:
            run.underline = True
        else:
            run.bold = run.italic = True
        for line in context["recipients"]:
            self._next(left, line, size=12 if self.party else 11, align=LEFT)
        first = True
        for line in context["signer_lines"]:
            (self._first if first else self._next)(right, line.upper(), size=14, bold=True)
            first = False
        for _blank in range(4):
            self._next(right, "", size=14)
        self._next(right, signer_name, size=14, bold=True)

    def page_break(self):
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def draft_mark(self):
        self.para("DỰ THẢO", size=11, bold=True, align=RIGHT)

    def save(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


class Bold(str):
    """A table cell printed bold (a total row)."""


# The documents -------------------------------------------------------------------------------------------


def report_docx(context: dict) -> bytes:
    """A report (``documents.document_context``) as a .docx."""
    writer = Writer(party=context["party"])
    if context.get("draft"):
        writer.draft_mark()
    writer.header(context)
    writer.title("BÁO CÁO", context["subtitle"])
    for title, paragraphs in context["sections"]:
        writer.heading(title)
        for text in paragraphs or ["(Chưa có nội dung)"]:
            writer.text(text, italic=not paragraphs)
    if context["figures"]:
        writer.heading("Số liệu kết quả thực hiện")
        writer.table(
            ["TT", "Chỉ tiêu", "Đơn vị tính", "Kết quả"],
            [[str(n), i.label, i.unit, value] for n, (i, value) in enumerate(context["figures"], start=1)],
            numeric={3},
            centred=frozenset({0, 2}),
            widths_mm=(11, 100, 30, 24),
        )
    writer.signature(context, context["report"].signer_name)
    if context.get("approval_line"):  # which version this is and who approved it, as under the PDF's signature
        writer.para(context["approval_line"], size=10, italic=True, align=LEFT, before=12)
    return writer.save()


def summary_docx(context: dict) -> bytes:
    """The dashboard's summary (``dashboard_summary.summary_context``) and its annex as a .docx."""
    writer = Writer(party=context["party"])
    writer.header(context)
    writer.title("BÁO CÁO", context["subtitle"])
    writer.text(context["intro"])
    writer.heading("I. Kết quả chung")
    writer.table(None, [list(row) for row in context["headline"]], numeric={1}, widths_mm=(120, 45))
    writer.text(context["note"], italic=True, size=12)
    writer.heading("II. Kết quả theo đơn vị")
    writer.text(context["units_text"])
    if context["attention"]:
        writer.text("Các đơn vị có tỷ lệ nộp đúng hạn thấp nhất:")
        writer.table(
            ["Đơn vị", "Phải nộp", "Đúng hạn", "Tỷ lệ đúng hạn", "Quá hạn"],
            [list(row) for row in context["attention"]],
            numeric={1, 2, 3, 4},
            widths_mm=(65, 25, 25, 30, 20),
        )
    writer.heading("III. Báo cáo quá hạn chưa nộp")
    if context["overdue"]:
        more = context["overdue_more"]
        tail = f", trong đó {len(context['overdue'])} báo cáo quá hạn lâu nhất là" if more else ""
        writer.text(f"Đến ngày lập báo cáo còn {context['overdue_total']} báo cáo quá hạn chưa nộp{tail}:")
        writer.table(
            ["Đơn vị", "Kỳ báo cáo", "Hạn nộp", "Người đứng đầu"],
            [list(row) for row in context["overdue"]],
            numeric={2},
            centred=frozenset({2}),
            widths_mm=(50, 40, 28, 47),
        )
    else:
        writer.text("Không có báo cáo quá hạn chưa nộp.")
    writer.signature(context, context["signer_name"])
    annex_docx(writer, context)
    return writer.save()


def annex_only_docx(context: dict) -> bytes:
    """The summary's annex alone, to attach to a document finished elsewhere."""
    writer = Writer(party=context["party"])
    annex_docx(writer, context, new_page=False)
    return writer.save()


def annex_docx(writer: Writer, context: dict, *, new_page: bool = True):
    """The annex (*Phụ lục*): every unit with its figures, then the total, on a page of its own."""
    if new_page:
        writer.page_break()
    writer.title("PHỤ LỤC", context["annex_title"], context["annex_reference"])
    rows = [[str(n), *row] for n, row in enumerate(context["annex"], start=1)]
    rows.append(["", Bold("Tổng cộng"), *(Bold(value) for value in context["annex_total"])])
    writer.table(
        context["annex_headers"],
        rows,
        numeric={2, 3, 4, 5, 6, 7},
        centred=frozenset({0}),
        widths_mm=(10, 50, 16, 16, 19, 16, 20, 18),
        size=12,
    )
