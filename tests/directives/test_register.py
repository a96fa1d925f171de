"""Entering directives: parsed symbols, duplicates refused with a link, the cascade, and the history of every change."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from directives import services
from directives.models import Directive, DirectiveEvent, DirectiveRelation
from tests.directives.conftest import doc_type, make_directive
from units.models import AuditEvent


def test_a_directive_keeps_its_symbol_and_its_parts(tree, users):
    d = make_directive(users["staff"], tree["bac_ninh"], symbol="Số: 120 - KL/TW")
    d.refresh_from_db()
    assert d.symbol == "120 - KL/TW"
    assert (d.symbol_parsed, d.symbol_number, d.symbol_type_code, d.symbol_issuer_code) == (True, 120, "KL", "TW")
    assert d.year == 2016  # a Party symbol has no year: it comes from the issue date


def test_an_unreadable_symbol_is_kept_and_flagged_not_refused(tree, users):
    d = make_directive(users["staff"], tree["bac_ninh"], symbol="KL không số")
    assert not d.symbol_parsed and d.symbol == "KL không số"
    # and two such entries do not collide
    make_directive(users["staff"], tree["bac_ninh"], symbol="KL không số")


def test_the_same_symbol_from_the_same_issuer_in_the_same_year_is_refused_with_a_link(tree, users):
    first = make_directive(users["staff"], tree["bac_ninh"])
    with pytest.raises(services.DuplicateDirective) as caught:
        make_directive(users["staff"], tree["bac_ninh"], symbol="120-kl/tw")
    assert caught.value.existing == first
    message = " ".join(caught.value.messages)
    assert first.get_absolute_url() in message and "Tỉnh Bắc Ninh" in message
    assert Directive.objects.count() == 1


def test_same_number_from_another_issuer_or_year_is_another_document(tree, users):
    make_directive(users["staff"], tree["bac_ninh"], symbol="45-KH/TU", issuer="Tỉnh ủy Bắc Ninh")
    make_directive(users["staff"], tree["bac_ninh"], symbol="45-KH/TU", issuer="Thị ủy Từ Sơn")
    make_directive(
        users["staff"],
        tree["bac_ninh"],
        symbol="45-KH/TU",
        issuer="Tỉnh ủy Bắc Ninh",
        issued_on=datetime.date(2021, 3, 1),
    )
    kw = {"doc_type": doc_type("Quyết định", "state"), "issuer": "UBND tỉnh Bắc Ninh"}
    make_directive(users["staff"], tree["bac_ninh"], symbol="36/2019/QĐ-UBND", **kw)
    with pytest.raises(services.DuplicateDirective):
        # the year in a State symbol decides, whatever the issue date
        make_directive(
            users["staff"], tree["bac_ninh"], symbol="36/2019/QĐ-UBND", issued_on=datetime.date(2020, 1, 2), **kw
        )


def test_the_database_refuses_a_duplicate_even_past_the_service(tree, users):
    from django.db import IntegrityError, transaction

    first = make_directive(users["staff"], tree["bac_ninh"])
    copy = Directive(
        doc_type=first.doc_type,
        symbol="120-KL/TW",
        issuer=first.issuer,
        abstract="x",
        issued_on=first.issued_on,
        owner_unit=tree["tu_son"],
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()


def test_the_form_shows_the_duplicate_with_a_link(client, tree, users):
    first = make_directive(users["staff"], tree["bac_ninh"])
    client.force_login(users["staff"])
    response = client.post(
        reverse("directives:directive_create"),
        {
            "owner_unit": tree["bac_ninh"].pk,
            "doc_type": first.doc_type_id,
            "symbol": "120-KL/TW",
            "issuer": "Ban Chấp hành Trung ương",
            "issued_on": "2016-01-07",
            "abstract": "Trùng",
            "confidentiality": "normal",
            "urgency": "normal",
            "status": "in_force",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{first.get_absolute_url()}"' in html
    assert Directive.objects.count() == 1


def test_only_staff_of_the_unit_may_enter_directives(tree, users):
    for who in ("reporter_tu_son", "leader", "head_tu_son", "staff_ha_noi"):
        with pytest.raises(PermissionDenied):
            make_directive(users[who], tree["bac_ninh"])


def test_every_change_is_in_the_history_with_who_and_when(tree, users):
    staff = users["staff"]
    d = make_directive(staff, tree["bac_ninh"])
    services.directive_update(actor=staff, directive=d, signer="Đinh Thế Huynh", issued_place="Hà Nội")
    services.directive_update(actor=staff, directive=d, status=Directive.Status.EXPIRED, note="Hết hiệu lực")
    services.directive_update(actor=staff, directive=d, signer="Đinh Thế Huynh")  # no change, no event
    events = list(DirectiveEvent.objects.filter(directive=d).order_by("created_at", "id"))
    assert [e.kind for e in events] == ["created", "updated", "status"]
    assert all(e.actor == staff for e in events)
    assert events[1].changes == {"issued_place": ["", "Hà Nội"], "signer": ["", "Đinh Thế Huynh"]}
    assert events[2].changes == {"status": ["In force", "Expired"]} and events[2].note == "Hết hiệu lực"
    # and the unit's own list of recent changes shows them too
    assert (
        AuditEvent.objects.filter(unit=tree["bac_ninh"], object_id=d.pk, action__startswith="directive.").count() == 3
    )


def test_the_history_is_shown_on_the_page(client, tree, users):
    d = make_directive(users["staff"], tree["bac_ninh"])
    services.directive_update(actor=users["staff"], directive=d, signer="Đinh Thế Huynh")
    client.force_login(users["leader"])
    html = client.get(d.get_absolute_url()).content.decode()
    assert "staff_bn" in html and "Đinh Thế Huynh" in html


def test_editing_into_a_duplicate_is_refused(tree, users):
    make_directive(users["staff"], tree["bac_ninh"])
    other = make_directive(users["staff"], tree["bac_ninh"], symbol="121-KL/TW")
    with pytest.raises(services.DuplicateDirective):
        services.directive_update(actor=users["staff"], directive=other, symbol="120-KL/TW")


def test_effect_cannot_end_before_it_starts(tree, users):
    with pytest.raises(ValidationError):
        make_directive(
            users["staff"],
            tree["bac_ninh"],
            effective_from=datetime.date(2020, 1, 1),
            effective_to=datetime.date(2019, 1, 1),
        )


def test_a_plan_implementing_a_conclusion_makes_a_cascade(client, tree, users):
    staff = users["staff"]
    kl = make_directive(staff, tree["bac_ninh"])
    plan = make_directive(
        staff,
        tree["tu_son"],
        symbol="45-KH/TU",
        doc_type=doc_type("Kế hoạch"),
        issuer="Thị ủy Từ Sơn",
        issued_on=datetime.date(2016, 3, 1),
        implements=kl,
    )
    ward_plan = make_directive(
        staff,
        tree["tu_son"],
        symbol="12-KH/ĐU",
        doc_type=doc_type("Kế hoạch"),
        issuer="Đảng ủy phường Từ Sơn",
        implements=plan,
    )
    client.force_login(staff)
    html = client.get(kl.get_absolute_url()).content.decode()
    down = html.split('data-testid="implemented-by"')[1]
    assert down.index("45-KH/TU") < down.index("12-KH/ĐU")
    html = client.get(ward_plan.get_absolute_url()).content.decode()
    assert "45-KH/TU" in html and "120-KL/TW" in html
    assert DirectiveEvent.objects.filter(directive=plan, kind="related").exists()


def test_a_cascade_cannot_go_round_in_a_circle(tree, users):
    staff = users["staff"]
    a = make_directive(staff, tree["bac_ninh"], symbol="1-KL/TW")
    b = make_directive(staff, tree["bac_ninh"], symbol="2-KH/TU", implements=a)
    c = make_directive(staff, tree["bac_ninh"], symbol="3-KH/TU", implements=b)
    with pytest.raises(ValidationError):
        services.directive_relate(actor=staff, source=a, target=c, kind=DirectiveRelation.Kind.IMPLEMENTS)
    with pytest.raises(ValidationError):
        services.directive_relate(actor=staff, source=a, target=a, kind=DirectiveRelation.Kind.AMENDS)


def test_replacing_a_directive_marks_it_replaced(tree, users):
    staff = users["staff"]
    old = make_directive(staff, tree["bac_ninh"], symbol="66-QĐ/TW", doc_type=doc_type("Quyết định"))
    new = make_directive(staff, tree["bac_ninh"], symbol="399-QĐ/TW", doc_type=doc_type("Quyết định"))
    services.directive_relate(actor=staff, source=new, target=old, kind=DirectiveRelation.Kind.REPLACES)
    old.refresh_from_db()
    assert old.status == Directive.Status.REPLACED
    assert DirectiveEvent.objects.get(directive=old, kind="status").note.endswith("399-QĐ/TW")


def test_register_search_ignores_diacritics_and_filters(client, tree, users):
    staff = users["staff"]
    make_directive(staff, tree["bac_ninh"], abstract="Về thực hiện dân chủ ở cơ sở")
    make_directive(
        staff,
        tree["bac_ninh"],
        symbol="757/QĐ-UBND",
        doc_type=doc_type("Quyết định", "state"),
        issuer="UBND tỉnh Bắc Ninh",
        abstract="Phê duyệt kế hoạch",
        issued_on=datetime.date(2024, 5, 2),
    )
    client.force_login(users["leader"])
    url = reverse("directives:directive_list")
    html = client.get(url, {"q": "dan chu"}).content.decode()
    assert "120-KL/TW" in html and "757/QĐ-UBND" not in html
    html = client.get(url, {"q": "120 kl"}).content.decode()
    assert "120-KL/TW" in html
    html = client.get(url, {"year": "2024"}).content.decode()
    assert "757/QĐ-UBND" in html and "120-KL/TW" not in html
    html = client.get(url, {"issuer": "ubnd tinh"}).content.decode()
    assert "757/QĐ-UBND" in html and "120-KL/TW" not in html
    html = client.get(url, {"doc_type": doc_type("Kết luận").pk, "status": "in_force"}).content.decode()
    assert "120-KL/TW" in html and "757/QĐ-UBND" not in html
    html = client.get(url, {"confidentiality": "secret"}).content.decode()
    assert "120-KL/TW" not in html and "No directive you may see matches" in html
