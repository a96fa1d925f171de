"""Cells for every workbook the site writes: text is written as text, never as a formula.

A value that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is taken for a formula
by openpyxl (``=``) or by the spreadsheet when the cell is edited (the others): a ward could plant
``=HYPERLINK(…)`` or a DDE call in a file the committee opens. Such text becomes a string cell with
Excel's quote prefix, the way Excel itself stores text typed after an apostrophe. Characters XML cannot
hold (control characters) are dropped instead of failing the export. Works in write-only and ordinary
workbooks alike: pass the results to ``sheet.append``.
"""

import re
from collections.abc import Iterable

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def clean_text(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _hold(cell: Cell, value) -> Cell:
    """Put ``value`` in ``cell``; text that a spreadsheet would run is kept as quoted text."""
    if isinstance(value, str):
        value = clean_text(value)
        cell.value = value
        if value.startswith(FORMULA_STARTS):
            cell.data_type = "s"
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def text_cell(sheet, value) -> Cell:
    """A cell of ``sheet`` holding ``value``; text in it is always text."""
    return _hold(Cell(sheet, row=1, column=1), value)  # placed where it is appended


def safe_cell(sheet, value):
    """``value`` as it may go into ``sheet.append``: unchanged unless it is text a spreadsheet could run."""
    if isinstance(value, str):
        value = clean_text(value)
        if value.startswith(FORMULA_STARTS):
            return text_cell(sheet, value)
    return value


def safe_row(sheet, values: Iterable) -> list:
    return [safe_cell(sheet, value) for value in values]


def sheet_title(text: str, default: str = "Sheet") -> str:
    """A sheet name Excel accepts: at most 31 characters, none of ``[]:*?/\\`` nor control characters."""
    title = re.sub(r"[\[\]:*?/\\]", " ", clean_text(text)).strip().strip("'")[:31].strip()
    return title or default


def put(sheet, row: int, column: int, value) -> Cell:
    """``sheet.cell(row, column, value)`` of an ordinary workbook, with text always written as text."""
    return _hold(sheet.cell(row=row, column=column), value)
