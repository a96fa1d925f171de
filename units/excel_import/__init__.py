"""Units that no official list holds, from the officials' own Excel files.

Villages and residential groups (below the commune) and Party organisations, agencies, enterprises
and mass organisations are typed by officials in Excel. One upload is all or nothing: every row is
checked first, every problem is reported with its row and column as Excel shows them, and nothing is
saved unless every row is good. A unit already there (same name and kind under the same parent) is
updated rather than duplicated, so uploading the same file twice changes nothing.

The column headings are part of the file format, so the template writes them in Vietnamese whatever
the page language; the parser also accepts the English headings.

The package holds the template (``template``), the reading of cells (``cells``) and the import
itself (``importer``); what callers use is named here.
"""

from units.excel_import.importer import ImportResult, RowError, excel_import
from units.excel_import.template import IMPORTABLE_KINDS, MAX_ROWS, TEMPLATE_FILENAME, XLSX_CONTENT_TYPE, excel_template

__all__ = [
    "IMPORTABLE_KINDS",
    "MAX_ROWS",
    "TEMPLATE_FILENAME",
    "XLSX_CONTENT_TYPE",
    "ImportResult",
    "RowError",
    "excel_import",
    "excel_template",
]
