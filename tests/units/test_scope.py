from units.models import Unit


def test_a_ward_reporter_sees_only_their_ward_and_its_villages(tree, users):
    names = set(Unit.objects.visible_to(users["reporter_dong_ngan"]).values_list("name", flat=True))
    assert names == {"Phường Đông Ngàn", "Thôn Đông"}


def test_provincial_staff_see_their_province_but_not_another(tree, users):
    visible = Unit.objects.visible_to(users["staff"])
    assert tree["tu_son"] in visible and tree["village"] in visible
    assert tree["hoan_kiem"] not in visible and tree["nation"] not in visible


def test_a_user_without_grants_sees_nothing(tree, users):
    assert not Unit.objects.visible_to(users["nobody"]).exists()


def test_search_ignores_diacritics_and_case(tree):
    assert list(Unit.objects.search("tu son")) == [tree["tu_son"]]
    assert list(Unit.objects.search("TU SON")) == [tree["tu_son"]]
    assert list(Unit.objects.search("dong ngan")) == [tree["dong_ngan"]]


def test_pages_are_in_vietnamese_by_default_and_english_on_request(client, users):
    client.force_login(users["staff"])
    page = client.get("/units/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="vi"' in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/units/"})
    assert 'lang="en"' in client.get("/units/").content.decode()


def test_former_units_widen_the_scope_but_new_work_starts_at_todays_unit(tree, users):
    import datetime

    from tests.factories import make_unit
    from units import scope
    from units.models import UnitSuccession

    old = make_unit("Tỉnh Bắc Ninh (cũ)", Unit.Kind.PROVINCE, tree["nation"], closed_on=datetime.date(2025, 7, 1))
    old_ward = make_unit("Phường Đông Ngàn (cũ)", Unit.Kind.WARD, old, closed_on=datetime.date(2025, 7, 1))
    UnitSuccession.objects.create(predecessor=old, successor=tree["bac_ninh"])
    staff = type(users["staff"]).objects.get(pk=users["staff"].pk)  # a fresh request's user
    assert old_ward in Unit.objects.visible_to(staff)
    assert scope.home_unit(staff, ["staff"]) == tree["bac_ninh"]
    assert scope.home_unit(users["admin"], ["admin"]) == tree["nation"]


def test_former_units_under_another_root_join_the_scope_they_were_merged_into(tree, users, django_assert_num_queries):
    """A scope that leaves no root of the tree out reads no succession; one that does reads them, and then
    holds the former units merged into it, wherever they lie, and not the others."""
    import datetime

    from tests.factories import make_unit
    from units import scope
    from units.models import UnitSuccession

    closed = datetime.date(2025, 7, 1)
    admin = type(users["admin"]).objects.get(pk=users["admin"].pk)  # a fresh request's user
    with django_assert_num_queries(2):  # the grants, then the check: no former unit outside the nation
        assert scope.scope_paths(admin) == [tree["nation"].path]

    legacy = make_unit("Việt Nam (danh mục cũ)", Unit.Kind.NATION, None, closed_on=closed)
    merged = make_unit("Phường Đông Ngàn (cũ)", Unit.Kind.WARD, legacy, closed_on=closed)
    other = make_unit("Phường Hàng Bạc (cũ)", Unit.Kind.WARD, legacy, closed_on=closed)
    UnitSuccession.objects.create(predecessor=merged, successor=tree["dong_ngan"])
    for user, sees_merged in [
        (users["admin"], True),
        (users["staff"], True),
        (users["reporter_dong_ngan"], True),
        (users["staff_ha_noi"], False),
    ]:
        fresh = type(user).objects.get(pk=user.pk)
        visible = set(Unit.objects.visible_to(fresh))
        assert (merged in visible) is sees_merged and other not in visible and legacy not in visible
