"""Demo data around the source article's Từ Sơn (Bắc Ninh): real units, invented people.

Everything is keyed on stable things (unit codes, deterministic names, usernames), so loading twice
changes nothing. Writes go through the services, so the audit trail looks as it would in real use.
"""

import datetime
import random
from dataclasses import dataclass

from django.db import transaction

from units import official_lists
from units.models import Body, BodyMembership, Headship, Person, RoleGrant, Unit, User
from units.services import (
    body_create,
    headship_create,
    membership_add,
    person_create,
    person_update,
    role_grant,
    unit_create,
)

PASSWORD = "qcdc2026"
EMAIL_DOMAIN = "qcdc.example"

BAC_NINH = "24"  # current list
LEGACY_TU_SON = "261"  # Thành phố (formerly thị xã) Từ Sơn, a district of the legacy list
TU_SON = "09367"  # Phường Từ Sơn, current list
DONG_NGUYEN = "09382"  # Phường Đồng Nguyên, current list (the legacy ward of that name was 09385)

CURRENT_TERM = datetime.date(2025, 7, 1)
COMMITTEE_DECIDED = datetime.date(2025, 7, 15)
LEGACY_TERM = (datetime.date(2020, 10, 15), datetime.date(2025, 6, 30))
LEGACY_COMMITTEE_DECIDED = datetime.date(2021, 3, 10)
TU_SON_HEAD_CHANGE = datetime.date(2025, 8, 15)  # the first head of Phường Từ Sơn moved on; history shows both
COMMUNITIES = ["Khu phố Dương Lôi", "Khu phố Cổ Pháp"]

_SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Ngô", "Dương", "Bùi", "Đặng", "Đào", "Nguyễn", "Trần"]  # fmt: skip
_MALE = (
    ["Văn", "Đức", "Hữu", "Minh", "Quang", "Xuân", "Đình", "Công", "Thế", "Ngọc"],
    ["Hùng", "Dũng", "Tuấn", "Hải", "Long", "Thắng", "Cường", "Sơn", "Quân", "Bình", "Trung", "Hưng", "Khánh", "Toàn"],
)
_FEMALE = (
    ["Thị", "Thu", "Thanh", "Ngọc", "Hồng", "Thị Thu", "Thị Minh"],
    ["Lan", "Hương", "Hạnh", "Hoa", "Mai", "Nga", "Phương", "Thảo", "Hằng", "Yến", "Dung", "Huyền", "Loan"],
)

# The committee besides its head (the unit's head): role, the post its member holds, a woman?
_COMMITTEE = [
    (BodyMembership.Role.STANDING_DEPUTY, "Phó Bí thư Thường trực Đảng ủy", None),
    (BodyMembership.Role.MEMBER, "Chủ tịch Ủy ban MTTQ Việt Nam", None),
    (BodyMembership.Role.MEMBER, "Chủ tịch Hội Liên hiệp Phụ nữ", True),
    (BodyMembership.Role.SECRETARY, "Công chức Văn phòng Đảng ủy", None),
]

# The province's committee: the Party secretary heads it; the demo's leader (head of the Party's mass mobilisation
# commission, as is usual) is its standing deputy and the demo's staff its secretary. Role, post, a woman?
_PROVINCE_COMMITTEE = [
    (BodyMembership.Role.HEAD, "Bí thư Tỉnh ủy {}", None),
    (BodyMembership.Role.MEMBER, "Phó Chủ tịch Ủy ban nhân dân tỉnh {}", None),
    (BodyMembership.Role.MEMBER, "Chủ tịch Ủy ban MTTQ Việt Nam tỉnh {}", True),
]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    full_name: str
    role: str
    unit: Unit
    position: str = ""


def person_names(seed: str, women: list[bool | None]) -> list[str]:
    """Different, realistic Vietnamese names, one per entry of ``women`` (True: a woman's name, None:
    either), always the same for the same seed."""
    rng = random.Random(seed)
    names: list[str] = []
    for woman in women:
        while True:
            middles, givens = _FEMALE if (woman if woman is not None else rng.random() < 0.35) else _MALE
            name = f"{rng.choice(_SURNAMES)} {rng.choice(middles)} {rng.choice(givens)}"
            if name not in names:
                names.append(name)
                break
    return names


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


class _Loader:
    """Knows in three queries which units are already staffed; a staffed unit is left as it is."""

    def __init__(self, units: list[Unit], actor: User | None = None):
        self.actor = actor
        self.headed = set(Headship.objects.filter(unit__in=units, is_principal=True).values_list("unit_id", flat=True))
        self.committees = set(
            Body.objects.filter(unit__in=units, kind=Body.Kind.STEERING_COMMITTEE).values_list("unit_id", flat=True)
        )
        self.persons = {(p.unit_id, p.full_name): p for p in Person.objects.filter(unit__in=units)}

    def person(self, unit: Unit, full_name: str, position: str) -> Person:
        person = self.persons.get((unit.pk, full_name))
        if person is None:
            person = person_create(actor=self.actor, full_name=full_name, position=position, unit=unit)
            self.persons[(unit.pk, full_name)] = person
        return person


PARTY_SECRETARY, CHAIRMAN = "Bí thư Đảng ủy", "Chủ tịch UBND"


def _staff_unit(loader: _Loader, unit: Unit, *, legacy: bool) -> None:
    """The heads of a commune or ward's Party committee and People's Committee (one of them the accountable
    head) and a steering committee, unless it has them. Each body's documents are signed by its own head."""
    seed = f"qcdc-demo:{unit.code_scheme}:{unit.code}"
    rng = random.Random(seed)
    names = person_names(seed, [None, None, *(woman for _role, _post, woman in _COMMITTEE)])
    place = _lower_first(unit.name)
    title = PARTY_SECRETARY if rng.random() < 0.7 else CHAIRMAN
    other_title = CHAIRMAN if title == PARTY_SECRETARY else PARTY_SECRETARY
    other_name = next(n for n in person_names(f"{seed}:other", [None] * 4) if n not in names)
    started, ended = LEGACY_TERM if legacy else (CURRENT_TERM, None)
    decided = LEGACY_COMMITTEE_DECIDED if legacy else COMMITTEE_DECIDED
    terms = [(names[0], started, ended)]
    if unit.code_scheme == Unit.CodeScheme.CURRENT and unit.code == TU_SON:
        terms = [
            (names[0], started, TU_SON_HEAD_CHANGE - datetime.timedelta(days=1)),
            (names[1], TU_SON_HEAD_CHANGE, None),
        ]

    if unit.pk not in loader.headed:
        for full_name, start, end in terms:
            head = loader.person(unit, full_name, f"{title} {place}")
            headship_create(actor=loader.actor, unit=unit, person=head, title=title, started_on=start, ended_on=end)
        other = loader.person(unit, other_name, f"{other_title} {place}")
        headship_create(
            actor=loader.actor,
            unit=unit,
            person=other,
            title=other_title,
            started_on=started,
            ended_on=ended,
            is_principal=False,
        )
    if unit.pk not in loader.committees:
        body = body_create(
            actor=loader.actor,
            unit=unit,
            kind=Body.Kind.STEERING_COMMITTEE,
            name=f"Ban Chỉ đạo xây dựng và thực hiện QCDC ở cơ sở {place}",
            decision_symbol=f"{rng.randint(1, 40):02d}-QĐ/ĐU",
            decision_date=decided,
            dissolved_on=official_lists.REFORM_DATE if legacy else None,
        )
        members = [
            (loader.person(unit, full_name, f"{title} {place}"), BodyMembership.Role.HEAD, max(start, decided), end)
            for full_name, start, end in terms
        ]
        for full_name, (role, post, _woman) in zip(names[2:], _COMMITTEE, strict=True):
            members.append((loader.person(unit, full_name, f"{post} {place}"), role, decided, ended))
        for person, role, start, end in members:
            membership_add(actor=loader.actor, body=body, person=person, role=role, started_on=start, ended_on=end)


def _staff_province(actor: User, province: Unit, *, standing_deputy: Person, secretary: Person) -> None:
    """The province's steering committee, which issues its summary report, unless it has one."""
    if Body.objects.filter(unit=province, kind=Body.Kind.STEERING_COMMITTEE).exists():
        return
    place = _lower_first(province.name)
    body = body_create(
        actor=actor,
        unit=province,
        kind=Body.Kind.STEERING_COMMITTEE,
        name=f"Ban Chỉ đạo xây dựng và thực hiện Quy chế dân chủ ở cơ sở {place}",
        decision_symbol="25-QĐ/TU",
        decision_date=COMMITTEE_DECIDED,
    )
    seed = f"qcdc-demo:{province.code_scheme}:{province.code}"
    short = province.name.removeprefix("Tỉnh ")
    names = person_names(seed, [woman for _role, _post, woman in _PROVINCE_COMMITTEE])
    members = [
        (person_create(actor=actor, full_name=name, position=post.format(short), unit=province), role)
        for name, (role, post, _woman) in zip(names, _PROVINCE_COMMITTEE, strict=True)
    ]
    members += [(standing_deputy, BodyMembership.Role.STANDING_DEPUTY), (secretary, BodyMembership.Role.SECRETARY)]
    for person, role in members:
        membership_add(actor=actor, body=body, person=person, role=role, started_on=COMMITTEE_DECIDED)


def _user(username: str, *, email: str, superuser: bool = False) -> User:
    user, created = User.objects.get_or_create(username=username, defaults={"email": email})
    changed = created
    if user.email != email:
        user.email, changed = email, True
    if superuser and not (user.is_staff and user.is_superuser):
        user.is_staff = user.is_superuser = True
        changed = True
    if created or not user.check_password(PASSWORD):
        user.set_password(PASSWORD)
        changed = True
    if changed:
        user.save()
    return user


def _login(
    actor: User | None,
    username: str,
    role: str,
    unit: Unit,
    *,
    full_name: str = "",
    position: str = "",
    person: Person | None = None,
    superuser: bool = False,
) -> tuple[User, DemoLogin]:
    """A user with a linked person (an existing one, e.g. a head, or a new one at ``unit``) and one role."""
    email = f"{username}@{EMAIL_DOMAIN}"
    user = _user(username, email=email, superuser=superuser)
    person = (
        person
        or Person.objects.filter(user=user).first()
        or Person.objects.filter(unit=unit, full_name=full_name).first()
    )
    if person is None:
        person = person_create(actor=actor, full_name=full_name, position=position, unit=unit, email=email, user=user)
    elif person.user_id != user.pk or person.email != email:
        person = person_update(actor=actor, person=person, user=user, email=email)
    role_grant(actor=actor, user=user, role=role, unit=unit)
    return user, DemoLogin(username, person.full_name, role, unit, person.position)


@transaction.atomic
def demo_load(*, progress: bool = False) -> list[DemoLogin]:
    """Load (or top up) the demo; returns the demo logins."""
    official_lists.units_import(progress=progress)
    official_lists.units_import(legacy=True, provinces=[BAC_NINH], progress=progress)

    codes = [BAC_NINH, TU_SON, DONG_NGUYEN]
    current = {u.code: u for u in Unit.objects.filter(code_scheme=Unit.CodeScheme.CURRENT, code__in=codes)}
    bac_ninh, tu_son, dong_nguyen = current[BAC_NINH], current[TU_SON], current[DONG_NGUYEN]
    nation = Unit.objects.get(pk=bac_ninh.ancestor_ids[0])
    communes = list(Unit.objects.filter(parent=bac_ninh, kind__in=Unit.COMMUNAL_KINDS).order_by("code"))
    legacy_tu_son = Unit.objects.get(code_scheme=Unit.CodeScheme.LEGACY, code=LEGACY_TU_SON)
    legacy_wards = list(Unit.objects.filter(parent=legacy_tu_son).order_by("code"))

    loader = _Loader([*communes, *legacy_wards])
    for unit in communes:
        _staff_unit(loader, unit, legacy=False)
    for unit in legacy_wards:
        _staff_unit(loader, unit, legacy=True)
    head_of_tu_son = (
        Headship.objects.filter(unit=tu_son, is_principal=True).select_related("person").latest("started_on").person
    )

    existing = set(Unit.objects.filter(parent=tu_son).values_list("name", flat=True))
    for name in COMMUNITIES:
        if name not in existing:
            unit_create(actor=None, name=name, kind=Unit.Kind.RESIDENTIAL_GROUP, parent=tu_son)

    R = RoleGrant.Role
    admin, admin_login = _login(
        None, "admin", R.ADMIN, nation, full_name="Trần Minh Quân", position="Quản trị hệ thống", superuser=True
    )
    logins = [admin_login]
    for username, role, unit, full_name, position in [
        ("canbo.bacninh", R.STAFF, bac_ninh, "Nguyễn Thị Thu Hà", "Chuyên viên Ban Dân vận Tỉnh ủy Bắc Ninh"),
        ("lanhdao.bacninh", R.LEADER, bac_ninh, "Lê Văn Thành", "Trưởng Ban Dân vận Tỉnh ủy Bắc Ninh"),
        ("baocao.tuson", R.REPORTER, tu_son, "Phạm Thị Hương", "Công chức Văn phòng Đảng ủy phường Từ Sơn"),
        ("truong.tuson", R.HEAD, tu_son, "", ""),
        ("baocao.dongnguyen", R.REPORTER, dong_nguyen, "Đỗ Văn Nam", "Công chức Văn phòng Đảng ủy phường Đồng Nguyên"),
    ]:
        person = head_of_tu_son if username == "truong.tuson" else None
        logins.append(_login(admin, username, role, unit, full_name=full_name, position=position, person=person)[1])
    people = {
        p.user.username: p
        for p in Person.objects.filter(user__username__in=["lanhdao.bacninh", "canbo.bacninh"]).select_related("user")
    }
    _staff_province(admin, bac_ninh, standing_deputy=people["lanhdao.bacninh"], secretary=people["canbo.bacninh"])
    _load_reports(nation=nation, bac_ninh=bac_ninh, tu_son=tu_son, dong_nguyen=dong_nguyen, admin=admin)
    return logins


def _load_reports(*, nation: Unit, **units_and_admin) -> None:
    """The reports app's demo (forms owed across Bắc Ninh, reports at each step; see ``demo.reports``), then
    the directives with their tasks and a thematic report (``demo.directives``), a year of registers for
    the wards that were Từ Sơn (``demo.registers``), the watch list (``demo.watches``), then this year's
    evaluation and a commendation (``demo.evaluations``)."""
    from demo.directives import demo_directives_load
    from demo.evaluations import demo_evaluations_load
    from demo.registers import demo_registers_load
    from demo.reports import demo_reports_load
    from demo.watches import demo_watches_load

    demo_reports_load(**units_and_admin)
    demo_directives_load(nation=nation, **units_and_admin)
    demo_registers_load(admin=units_and_admin["admin"])  # after the directives: conferences cover 120-KL/TW
    demo_watches_load(**units_and_admin)
    demo_evaluations_load(**{k: v for k, v in units_and_admin.items() if k != "admin"})
