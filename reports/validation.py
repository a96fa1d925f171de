"""Reading and checking what was typed into a report. Drafts keep anything; submission needs it right.

Numbers are read the way officials type them: ``1.234`` or ``1 234`` is one thousand two hundred and
thirty-four in a whole-number field, ``12,5`` and ``12.5`` are both twelve and a half, ``85%`` is
85. Yes/no accepts "có/không", "yes/no", "x" and 1/0.
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from reports.models import FormSection, Indicator, IndicatorRule

V = Indicator.ValueType
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}([.,]\d{3})+$")
_PLAIN = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")
YES = {"yes", "y", "có", "co", "x", "1", "true", "đạt", "dat"}
NO = {"no", "n", "không", "khong", "0", "false"}
MAX_TEXT = 2000
MAX_NARRATIVE = 50_000  # characters in one section of a report's text


def narrative_length_error(text: str) -> str | None:
    """What to tell the user when a section's text is over the limit (it is refused whole, never cut)."""
    if len(text) <= MAX_NARRATIVE:
        return None
    return _("This text has %(n)s characters; the limit is %(limit)s. Shorten it, or attach the rest as a file.") % {
        "n": number_format(len(text), force_grouping=True),
        "limit": number_format(MAX_NARRATIVE, force_grouping=True),
    }


@dataclass(frozen=True)
class Parsed:
    decimal: Decimal | None = None
    text: str = ""
    error: str | None = None


def _number(text: str, whole: bool) -> Decimal | None:
    text = text.replace(" ", "").replace("\u00a0", "")
    if _PLAIN.match(text):
        return Decimal(text)
    if _THOUSANDS.match(text):
        separators = [c for c in text if c in ".,"]
        # In a decimal field one separator is the decimal point (1.5, 1,234); several are thousands.
        if whole or (len(separators) > 1 and len(set(separators)) == 1):
            return Decimal(re.sub(r"[.,]", "", text))
    if whole:
        return None
    if "." in text and "," in text:  # the last separator is the decimal one: 1.234,5 or 1,234.5
        decimal_sep = "," if text.rfind(",") > text.rfind(".") else "."
        thousands_sep = "." if decimal_sep == "," else ","
        text = text.replace(thousands_sep, "")
    if _DECIMAL.match(text):
        try:
            return Decimal(text.replace(",", "."))
        except InvalidOperation:
            return None
    return None


def show_number(value: Decimal | None) -> str:
    """A stored number as the user's language writes it, without trailing zeros: 12,5 or 12.5."""
    if value is None:
        return ""
    value = value.normalize()
    places = max(0, -value.as_tuple().exponent)
    return number_format(value, decimal_pos=places, force_grouping=True)


def parse_value(indicator: Indicator, raw: str) -> Parsed:
    """Read one typed value; ``error`` says what is wrong in words for the person who typed it."""
    raw = (raw or "").strip()
    if not raw:
        return Parsed()
    kind = indicator.value_type
    if kind == V.TEXT:
        if len(raw) > MAX_TEXT:
            return Parsed(text=raw, error=_("At most %(n)d characters.") % {"n": MAX_TEXT})
        return Parsed(text=raw)
    if kind == V.BOOLEAN:
        word = raw.casefold()
        if word in YES:
            return Parsed(decimal=Decimal(1))
        if word in NO:
            return Parsed(decimal=Decimal(0))
        return Parsed(error=_("Answer yes or no."))
    text = raw.rstrip("%").strip() if kind == V.PERCENT else raw
    number = _number(text, whole=kind == V.INTEGER)
    if number is None:
        if kind == V.INTEGER:
            return Parsed(error=_("Enter a whole number, e.g. 12."))
        return Parsed(error=_("Enter a number, e.g. 12,5."))
    if abs(number) >= Decimal("1e14"):
        return Parsed(error=_("This number is too large."))
    low, high = indicator.bounds()
    if low is not None and number < low:
        return Parsed(decimal=number, error=_("Must be at least %(n)s.") % {"n": show_number(Decimal(low))})
    if high is not None and number > high:
        return Parsed(decimal=number, error=_("Must be at most %(n)s.") % {"n": show_number(Decimal(high))})
    return Parsed(decimal=number.quantize(Decimal("0.0001")))


def bounds_hint(indicator: Indicator, with_kind: bool = True) -> str:
    """What the field accepts, shown under it: "whole number, at least 0", "number, from 0 to 100"."""
    parts = []
    if with_kind and indicator.value_type == V.INTEGER:
        parts.append(_("whole number"))
    elif with_kind and indicator.value_type in (V.DECIMAL, V.PERCENT):
        parts.append(_("number"))
    low, high = indicator.bounds() if indicator.is_numeric else (None, None)
    if low is not None and high is not None:
        parts.append(
            _("from %(low)s to %(high)s") % {"low": show_number(Decimal(low)), "high": show_number(Decimal(high))}
        )
    elif low is not None:
        parts.append(_("at least %(n)s") % {"n": show_number(Decimal(low))})
    elif high is not None:
        parts.append(_("at most %(n)s") % {"n": show_number(Decimal(high))})
    return ", ".join(str(p) for p in parts)


def validate(
    *,
    sections: list[FormSection],
    indicators: list[Indicator],
    rules: list[IndicatorRule],
    narrative: dict,
    raws: dict[int, str],
) -> dict[str, list[str]]:
    """Every problem that stops a submission, keyed by the field it belongs to (``__all__`` otherwise)."""
    errors: dict[str, list[str]] = {}
    for section in sections:
        if section.required and not (narrative.get(str(section.pk)) or "").strip():
            errors.setdefault(section.field_name, []).append(_("Write this section before submitting."))
    parsed: dict[int, Parsed] = {}
    for indicator in indicators:
        result = parse_value(indicator, raws.get(indicator.pk, ""))
        parsed[indicator.pk] = result
        if result.error:
            errors.setdefault(indicator.field_name, []).append(result.error)
        elif indicator.required and result.decimal is None and not result.text:
            errors.setdefault(indicator.field_name, []).append(_("Enter this figure before submitting (0 if none)."))
    by_id = {i.pk: i for i in indicators}
    for rule in rules:
        left, right = parsed.get(rule.left_id), parsed.get(rule.right_id)
        if not left or not right or left.error or right.error or left.decimal is None or right.decimal is None:
            continue
        if not rule.holds(left.decimal, right.decimal):
            message = rule.message or _("%(left)s must be %(op)s %(right)s (%(right_value)s).") % {
                "left": by_id[rule.left_id].label,
                "op": rule.get_operator_display(),
                "right": by_id[rule.right_id].label,
                "right_value": show_number(right.decimal),
            }
            errors.setdefault(by_id[rule.left_id].field_name, []).append(message)
    return errors
