"""Who may act: every predicate of ``units.permissions`` for every role, written out as a table from the
rules (not from the code), and the services' own refusals for units, heads, bodies and logins."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reports.documents import signing
from reports.models import ReportForm
from tests.factories import make_body, make_person, make_signer, make_user
from units import permissions, services
from units.models import BodyMembership, RoleGrant

EVERY_ROLE = (R := RoleGrant.Role).values
STAFF_GIVE = [R.REPORTER, R.HEAD, R.LEADER]


@pytest.fixture
def people(users, tree):
    """The one-user-per-role logins, a superuser, an administrator whose login was closed, and the head of
    Từ Sơn holding the People's Committee chairmanship (the post that signs its UBND reports) today."""
    make_signer(users["head_tu_son"], tree["tu_son"], started_on=datetime.date(2025, 7, 1))
    return {
        **users,
        "superuser": make_user("root", is_superuser=True),
        "closed_admin": make_user("former_admin", role=R.ADMIN, unit=tree["nation"], is_active=False),
    }


# (predicate, what it is asked about) -> the users for whom it is true; false for every other user.
TABLE = [
    ("is_manager", None, {"admin", "staff", "staff_ha_noi", "superuser"}),
    ("may_manage", "nation", {"admin", "superuser"}),
    ("may_manage", "bac_ninh", {"admin", "staff", "superuser"}),
    ("may_manage", "tu_son", {"admin", "staff", "superuser"}),
    ("may_manage", "hoan_kiem", {"admin", "staff_ha_noi", "superuser"}),
    ("may_file", "tu_son", {"reporter_tu_son", "head_tu_son", "admin", "superuser"}),
    ("may_file", "dong_ngan", {"reporter_dong_ngan", "admin", "superuser"}),
    ("may_file", "bac_ninh", {"admin", "superuser"}),
    ("may_approve", "tu_son", {"head_tu_son"}),
    ("may_approve", "dong_ngan", set()),
    ("may_review", "tu_son", {"admin", "staff", "superuser"}),
    ("may_review", "bac_ninh", {"admin", "superuser"}),
    ("may_review", "hoan_kiem", {"admin", "staff_ha_noi", "superuser"}),
    ("may_see_heads", "tu_son", {"admin", "staff", "leader", "superuser"}),
    ("may_see_heads", "hoan_kiem", {"admin", "staff_ha_noi", "superuser"}),
    ("is_national_admin", None, {"admin", "superuser"}),
    ("may_change_calendar", None, {"admin", "superuser"}),
    ("may_change_form", "shipped", {"admin", "superuser"}),
    ("may_change_form", "bac_ninh", {"admin", "staff", "superuser"}),
]
WHO = [
    "admin",
    "staff",
    "leader",
    "reporter_tu_son",
    "reporter_dong_ngan",
    "head_tu_son",
    "staff_ha_noi",
    "nobody",
    "superuser",
    "closed_admin",
]


def _ask(name: str, about, user, tree):
    predicate = getattr(permissions, name)
    if about is None:
        return predicate(user)
    if name == "may_change_form":
        return predicate(user, ReportForm(owner_unit=None if about == "shipped" else tree[about]))
    if name == "may_approve":
        return predicate(user, tree[about], posts=signing.posts_signing())
    return predicate(user, tree[about])


@pytest.mark.parametrize(("name", "about", "allowed"), TABLE, ids=[f"{n}-{a}" for n, a, _ in TABLE])
def test_each_predicate_answers_yes_for_exactly_the_roles_the_rules_name(people, tree, name, about, allowed):
    answers = {who: _ask(name, about, people[who], tree) for who in WHO}
    assert {who for who, yes in answers.items() if yes} == allowed


def test_the_head_approves_only_while_in_the_post_that_signs(people, tree):
    head = people["head_tu_son"]
    on = datetime.date(2025, 6, 30)  # the day before the chairmanship began
    assert not permissions.may_approve(head, tree["tu_son"], posts=["committee"], day=on)
    assert permissions.may_approve(head, tree["tu_son"], posts=["committee"])
    assert not permissions.may_approve(head, tree["tu_son"], posts=["party"])  # he is not the Party secretary


@pytest.mark.parametrize(
    ("who", "roles"),
    [
        ("admin", EVERY_ROLE),
        ("superuser", EVERY_ROLE),
        ("staff", STAFF_GIVE),
        ("staff_ha_noi", []),
        ("leader", []),
        ("head_tu_son", []),
        ("nobody", []),
        ("closed_admin", []),
    ],
)
def test_who_gives_which_role_over_a_ward(people, tree, who, roles):
    assert sorted(permissions.grantable_roles(people[who], tree["tu_son"])) == sorted(roles)


@pytest.fixture
def head_and_body(tree):
    person = make_person("Lê Thị Bình", unit=tree["tu_son"])
    body = make_body(tree["tu_son"])
    return person, body


@pytest.mark.parametrize("who", ["reporter_tu_son", "head_tu_son", "leader", "staff_ha_noi", "nobody"])
def test_the_unit_services_refuse_those_who_do_not_manage_the_unit(users, tree, head_and_body, who):
    person, body = head_and_body
    actor = users[who]
    start = datetime.date(2026, 1, 1)
    attempts = [
        lambda: services.unit_create(actor=actor, name="Tổ dân phố 1", kind="residential_group", parent=tree["tu_son"]),
        lambda: services.unit_update(actor=actor, unit=tree["tu_son"], name="Phường Từ Sơn mới"),
        lambda: services.headship_create(
            actor=actor, unit=tree["tu_son"], person=person, title="Bí thư", started_on=start
        ),
        lambda: services.person_create(actor=actor, full_name="Trần Văn Cường", unit=tree["tu_son"]),
        lambda: services.person_update(actor=actor, person=person, position="Cán bộ"),
        lambda: services.body_create(actor=actor, unit=tree["tu_son"], kind=body.kind, name="Ban thanh tra"),
        lambda: services.body_update(actor=actor, body=body, name="Ban khác"),
        lambda: services.membership_add(actor=actor, body=body, person=person, role="member", started_on=start),
        lambda: services.role_grant(actor=actor, user=users["nobody"], role=R.REPORTER, unit=tree["tu_son"]),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    person.refresh_from_db()
    tree["tu_son"].refresh_from_db()
    assert person.position == "" and tree["tu_son"].name == "Phường Từ Sơn"
    assert not body.memberships.exists() and not users["nobody"].role_grants.exists()


def test_staff_of_the_province_may_do_all_of_it(users, tree, head_and_body):
    person, body = head_and_body
    staff = users["staff"]
    start = datetime.date(2026, 1, 1)
    services.unit_create(actor=staff, name="Tổ dân phố 1", kind="residential_group", parent=tree["tu_son"])
    services.headship_create(actor=staff, unit=tree["tu_son"], person=person, title="Bí thư", started_on=start)
    membership = services.membership_add(actor=staff, body=body, person=person, role="member", started_on=start)
    services.membership_end(actor=staff, membership=membership, ended_on=start)
    grant = services.role_grant(actor=staff, user=users["nobody"], role=R.REPORTER, unit=tree["tu_son"])
    services.role_revoke(actor=staff, grant=grant)
    assert BodyMembership.objects.get(pk=membership.pk).ended_on == start
    assert not users["nobody"].role_grants.exists()


def test_staff_may_neither_give_nor_take_away_the_administrator_role(users, tree):
    with pytest.raises(PermissionDenied):
        services.role_grant(actor=users["staff"], user=users["nobody"], role=R.ADMIN, unit=tree["tu_son"])
    grant = RoleGrant.objects.create(user=users["nobody"], role=R.ADMIN, unit=tree["tu_son"])
    with pytest.raises(PermissionDenied):
        services.role_revoke(actor=users["staff"], grant=grant)
    assert RoleGrant.objects.filter(pk=grant.pk).exists()


def test_an_administrator_cannot_take_away_his_own_administrator_role(users):
    grant = users["admin"].role_grants.get()
    with pytest.raises(ValidationError):
        services.role_revoke(actor=users["admin"], grant=grant)
    assert RoleGrant.objects.filter(pk=grant.pk).exists()


def test_only_a_superuser_makes_a_unit_at_the_top_of_the_tree(users):
    with pytest.raises(PermissionDenied):
        services.unit_create(actor=users["admin"], name="Quốc gia khác", kind="nation", parent=None)
    root = make_user("root2", is_superuser=True)
    assert services.unit_create(actor=root, name="Quốc gia khác", kind="nation", parent=None).parent is None
