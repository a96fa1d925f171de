"""Who signs a report, and how the signature block reads: it follows the body that issues the report.

A UBND report is signed by the People's Committee's chairman ("TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH") or, for
him, by a deputy ("TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH", Decree 30/2020/NĐ-CP); a Party
committee's by its secretary ("T/M ĐẢNG ỦY / BÍ THƯ", or "T/M BAN THƯỜNG VỤ / BÍ THƯ" for the standing
committee) or a deputy secretary ("T/M BAN THƯỜNG VỤ / PHÓ BÍ THƯ", Guideline 36-HD/VPTW); an agency's
or enterprise's by its director under his own title ("GIÁM ĐỐC", or "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC"). Only a person
holding that post on the day may approve: the tenure (``Headship`` dates), not the role grant alone,
gives the right. The fixed words are Vietnamese: documents are always in Vietnamese.
"""

import datetime
import re
from dataclasses import dataclass

from django.db.models import Q

from units.models import Headship, Unit
from units.querysets import in_office_q

F = Headship.Function
_DEPUTY = re.compile(r"^PHÓ\s+")


@dataclass(frozen=True)
class IssuingBody:
    function: str  # the Headship.Function whose holders sign
    party: bool  # the Party header (ĐẢNG CỘNG SẢN VIỆT NAM) rather than the State one
    issuer: str  # the top-left lines; {unit} and {parent} are names in capitals (the template adds the "*")
    symbol: str  # the number and symbol, number left out
    head_lines: tuple[str, ...]
    deputy_lines: tuple[str, ...]


BODIES = {
    "committee": IssuingBody(
        F.PEOPLES_COMMITTEE,
        False,
        "ỦY BAN NHÂN DÂN\n{unit}",
        "/BC-UBND",
        ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
        ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
    ),
    "party": IssuingBody(
        F.PARTY,
        True,
        "ĐẢNG BỘ {parent}\nĐẢNG ỦY {unit}",
        "-BC/ĐU",
        ("T/M ĐẢNG ỦY", "BÍ THƯ"),
        ("T/M ĐẢNG ỦY", "PHÓ BÍ THƯ"),
    ),
    "party_standing": IssuingBody(
        F.PARTY,
        True,
        "ĐẢNG BỘ {parent}\nĐẢNG ỦY {unit}",
        "-BC/ĐU",
        ("T/M BAN THƯỜNG VỤ", "BÍ THƯ"),
        ("T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ"),
    ),
    # The head signs in his own name and title, not on behalf of a collective body: the lines are his title.
    "agency": IssuingBody(F.AGENCY, False, "{parent}\n{unit}", "/BC-", (), ()),
}


def body(issuing_body: str) -> IssuingBody:
    return BODIES.get(issuing_body) or BODIES["committee"]


def body_for_header(header: str, unit: Unit | None = None) -> str:
    """The issuing body a new report starts with: an agency's or enterprise's own, otherwise its form's usual one."""
    if unit is not None and unit.kind in (Unit.Kind.AGENCY, Unit.Kind.ENTERPRISE):
        return "agency"
    return "party" if header == "party" else "committee"


def function_q(field: str = "issuing_body", prefix: str = "") -> Q:
    """On reports (``field`` their issuing body): those a headship of ``prefix``function may sign."""
    q = Q(pk__in=[])
    for function in {b.function for b in BODIES.values()}:
        codes = [code for code, b in BODIES.items() if b.function == function]
        q |= Q(**{f"{field}__in": codes, f"{prefix}function": function})
    return q


def holders(unit: Unit, issuing_body: str, day: datetime.date) -> list[Headship]:
    """The posts of the issuing body in office on ``day``: its head first, then its deputies."""
    return list(
        Headship.objects.filter(in_office_q(day), unit=unit, function=body(issuing_body).function)
        .select_related("person")
        .order_by("is_deputy", "-is_principal", "-started_on", "pk")
    )


def expected_signer(unit: Unit, issuing_body: str, day: datetime.date) -> Headship | None:
    """Who would sign on ``day``: the body's head, or a deputy while the post is vacant."""
    found = holders(unit, issuing_body, day)
    return found[0] if found else None


def tenure_of(user, unit: Unit, issuing_body: str, day: datetime.date) -> Headship | None:
    """The post of the issuing body that ``user`` (through their person) holds on ``day``, or None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return (
        Headship.objects.filter(in_office_q(day), unit=unit, function=body(issuing_body).function, person__user=user)
        .select_related("person")
        .order_by("is_deputy", "-started_on")
        .first()
    )


def any_tenure(user, unit: Unit, day: datetime.date) -> bool:
    """Does ``user`` hold, on ``day``, a post that signs some body's reports of ``unit``?"""
    functions = {b.function for b in BODIES.values()}
    return Headship.objects.filter(in_office_q(day), unit=unit, function__in=functions, person__user=user).exists()


def signature(issuing_body: str, headship: Headship | None) -> tuple[str, str]:
    """(the authority and position lines, the signer's name) for ``headship`` signing for the body."""
    chosen = body(issuing_body)
    if headship is None:
        return "\n".join(chosen.head_lines), ""
    if chosen.function == F.AGENCY:  # "GIÁM ĐỐC"; a deputy "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC"
        title = headship.title.strip().upper()
        lines = (f"KT. {_DEPUTY.sub('', title)}", title) if headship.is_deputy else (title,)
    else:
        lines = chosen.deputy_lines if headship.is_deputy else chosen.head_lines
    return "\n".join(lines), headship.person.full_name


def document_defaults(unit: Unit, issuing_body: str, day: datetime.date) -> dict:
    """The header and signature fields of a report issued by ``issuing_body`` of ``unit``."""
    chosen = body(issuing_body)
    title, name = signature(issuing_body, expected_signer(unit, issuing_body, day))
    parent = Unit.objects.filter(pk=unit.parent_id).values_list("name", flat=True).first() if unit.parent_id else None
    issuer = chosen.issuer.format(unit=unit.name.upper(), parent=(parent or "").upper())
    if not parent:  # a top unit: no line for the body above
        issuer = "\n".join(line for line in issuer.splitlines() if line.strip() and not line.endswith(" "))
    return {
        "issuing_body": issuing_body,
        "issuer": issuer,
        "doc_symbol": chosen.symbol,
        "signer_title": title,
        "signer_name": name,
    }
