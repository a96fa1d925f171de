"""How every figure is rounded and written, for the pages, the workbooks, the PDFs, the e-mails and the API.

One rounding (half up, to one decimal, on the exact decimal value): Python's ``round`` and ``f"{x:.1f}"``
round halves to even on the binary value (4.25 -> 4.2) while Django's ``floatformat`` rounds them up
(4.3), which is how a card and its table once disagreed. One way of writing: the Vietnamese way,
thousands grouped with a dot and decimals after a comma (1.386; 86,4 %), whatever the interface language.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils import numberformat

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
PLACES = 1  # rates and averages
NONE = "—"


def rounded(value, places: int = PLACES) -> Decimal | None:
    """A rate or an average rounded half up to ``places`` decimals; None stays None."""
    if value is None:
        return None
    if not isinstance(value, Decimal):
        # repr() gives the shortest decimal that reads back as the same float: 4.25 is "4.25", not 4.2499…
        value = Decimal(repr(float(value)))
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def rounded_float(value, places: int = PLACES) -> float | None:
    """``rounded`` as a float, for the JSON of the API and the charts and the cells of a workbook."""
    r = rounded(value, places)
    return None if r is None else float(r)


def number(value, places: int | None = None) -> str:
    """A count or a measure written the Vietnamese way: 1.386, 12,5; ``places`` fixes the decimals (rounded
    half up), otherwise a whole number stays whole and a decimal keeps its own digits."""
    if value is None:
        return NONE
    if isinstance(value, int) and places is None and -1000 < value < 1000:
        return str(value)  # the heatmap's thousands of cells
    if places is not None:
        value = rounded(value, places)
    elif not isinstance(value, int):
        value = Decimal(repr(value) if isinstance(value, float) else value).normalize()
        if value == value.to_integral_value():
            value = value.quantize(Decimal(1))
    decimals = 0
    if isinstance(value, Decimal):
        decimals = max(0, -value.as_tuple().exponent) if places is None else places
    return numberformat.format(
        value,
        DECIMAL_SEPARATOR,
        decimal_pos=decimals,
        grouping=3,
        thousand_sep=THOUSAND_SEPARATOR,
        force_grouping=True,
    )


def average(value) -> str:
    """An average (days late…) to one decimal: 4,3; "—" when there was nothing to average."""
    return NONE if value is None else number(value, PLACES)


def percent(value) -> str:
    """A rate as "86,4 %"; "—" when there was nothing to count."""
    return NONE if value is None else f"{number(value, PLACES)} %"
