"""Reading a document symbol (*số, ký hiệu*) as typed into its parts.

Two families exist:

- Party (Quy định 66-QĐ/TW, now 399-QĐ/TW): ``number-TYPE/ISSUER``, e.g. ``120-KL/TW``, ``11-QĐi/TW``,
  ``45-KH/TU``, ``08-QĐ/BCĐ``. No year: Party numbering restarts with each committee term, so the year
  comes from the issue date.
- State (Decree 30/2020/NĐ-CP): ``number/TYPE-ISSUER`` or ``number/year/TYPE-ISSUER``, e.g.
  ``757/QĐ-UBND``, ``36/2019/QĐ-UBND``. An official letter (*công văn*) has no type code:
  ``1234/UBND-VX`` is issuer UBND, department VX; a law names only its issuer, ``10/2022/QH15``.

Parsing is lenient and never raises: whatever cannot be read is returned with ``parsed=False`` so the
register keeps the symbol as typed and flags it.
"""

import re
import unicodedata
from dataclasses import dataclass

# Type codes of both families (Party rules and Decree 30/2020/NĐ-CP, Appendix III, plus legal documents).
_TYPE_CODES = (
    "NQ QĐ QĐi QyĐ CT KL QC TT TTr TTLT HD TB TC BC KH CTr ĐA DA PA BB CV CĐ HĐ NĐ GN TTh GUQ GM GGT NP PG PC PB"
)
KNOWN_TYPE_CODES = frozenset(code.upper() for code in _TYPE_CODES.split())

_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_PREFIX = re.compile(r"^(?:số|so)\s*[:.]?\s*", re.IGNORECASE)
_PARTY = re.compile(r"^(?P<number>\d{1,6})\s*-\s*(?P<type>[^\W\d_]{1,6})\s*/\s*(?P<issuer>[\w.\-]+)$")
_STATE = re.compile(r"^(?P<number>\d{1,6})\s*/\s*(?:(?P<year>(?:19|20)\d\d)\s*/\s*)?(?P<rest>[\w.\-]+)$")


@dataclass(frozen=True)
class Symbol:
    """The parts of one symbol. ``key`` is the normalised form that identifies it (upper case, no spaces)."""

    text: str
    parsed: bool
    family: str = ""  # "party", "state" or "" when unparsed
    number: int | None = None
    type_code: str = ""
    issuer_code: str = ""
    year: int | None = None

    @property
    def key(self) -> str:
        if not self.parsed:
            return re.sub(r"\s+", "", self.text).upper()[:80]
        if self.family == "party":
            return f"{self.number}-{self.type_code}/{self.issuer_code}".upper()
        year = f"{self.year}/" if self.year else ""
        body = f"{self.type_code}-{self.issuer_code}" if self.type_code else self.issuer_code
        return f"{self.number}/{year}{body}".upper()


def normalise(text: str) -> str:
    """NFC, plain hyphens, single spaces, no leading *Số:*."""
    text = unicodedata.normalize("NFC", text or "")
    text = _DASHES.sub("-", text)
    text = re.sub(r"\s+", " ", text).strip()
    return _PREFIX.sub("", text).strip()


def parse_symbol(text: str) -> Symbol:
    """``"120-KL/TW"`` -> Symbol(number=120, type_code="KL", issuer_code="TW", family="party", ...)."""
    clean = normalise(text)
    match = _PARTY.match(clean)
    if match:
        return Symbol(
            text=clean,
            parsed=True,
            family="party",
            number=int(match["number"]),
            type_code=match["type"],
            issuer_code=match["issuer"].strip(".-"),
        )
    match = _STATE.match(clean)
    if match:
        rest = match["rest"].strip(".-")
        head, sep, tail = rest.partition("-")
        if sep and tail and head.upper() in KNOWN_TYPE_CODES:
            type_code, issuer_code = head, tail
        else:
            type_code, issuer_code = "", rest
        if issuer_code:
            return Symbol(
                text=clean,
                parsed=True,
                family="state",
                number=int(match["number"]),
                type_code=type_code,
                issuer_code=issuer_code,
                year=int(match["year"]) if match["year"] else None,
            )
    return Symbol(text=clean, parsed=False)
