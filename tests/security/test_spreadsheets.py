"""The one cell helper every export uses, in both kinds of workbook openpyxl writes."""

import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from qcdc.spreadsheets import put, safe_row, sheet_title, text_cell

DANGEROUS = [
    '=HYPERLINK("http://evil.example","x")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1",
    "\r=1",
    "=cmd|' /C calc'!A0",
]


@pytest.mark.parametrize("write_only", [True, False])
def test_text_that_looks_like_a_formula_is_written_as_text(write_only):
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("x") if write_only else book.active
    sheet.append(safe_row(sheet, [*DANGEROUS, "Thôn Đông", 42, None, "a\x01b"]))
    sheet.append([text_cell(sheet, "=1+1"), text_cell(sheet, 7)])
    if not write_only:
        put(sheet, 3, 1, "=2+2")
    out = io.BytesIO()
    book.save(out)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        xml = "".join(archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" not in xml and "<f " not in xml
    read = load_workbook(io.BytesIO(out.getvalue())).worksheets[-1]
    first = list(next(read.iter_rows(max_row=1)))
    assert all(c.data_type == "s" and c.quotePrefix for c in first[: len(DANGEROUS)])
    assert [c.value for c in first[len(DANGEROUS) : len(DANGEROUS) + 2]] == ["Thôn Đông", 42]
    assert first[-1].value == "ab"  # a control character XML cannot hold is dropped, not a failed export
    assert read["A2"].value == "=1+1" and read["A2"].data_type == "s" and read["B2"].value == 7
    if not write_only:
        assert read["A3"].value == "=2+2" and read["A3"].data_type == "s"


def test_a_sheet_title_drops_what_excel_refuses():
    title = sheet_title("@SUM(1+1)*cmd|' /C calc'!A0")
    assert len(title) <= 31 and not set(title) & set("[]:*?/\\")
    assert sheet_title("[]:*?/\\") == "Sheet"
