"""Names are stored in NFC without control characters, and a unit's name is unique among its siblings
however it was typed (NFD from some keyboards, extra spaces, another case)."""

import unicodedata

from django.urls import reverse

from tests.factories import make_person
from units.models import Unit

NFC = "Thôn Đồng Tâm"
NFD = unicodedata.normalize("NFD", NFC)


def _add(client, parent, name):
    return client.post(reverse("units:unit_create", args=[parent.pk]), {"name": name, "kind": Unit.Kind.VILLAGE})


def test_the_same_village_typed_three_ways_is_added_once(client, tree, users):
    assert NFD != NFC
    client.force_login(users["staff"])
    assert _add(client, tree["tu_son"], NFD).status_code == 302
    stored = Unit.objects.get(parent=tree["tu_son"])
    assert stored.name == NFC and unicodedata.is_normalized("NFC", stored.name)
    for again in (NFC, "  thôn  đồng tâm ", "Thôn\r\nĐồng Tâm"):
        response = _add(client, tree["tu_son"], again)
        assert response.status_code == 200
        assert "Đã có một đơn vị cùng loại tên" in response.content.decode()
    assert Unit.objects.filter(parent=tree["tu_son"]).count() == 1
    # Another ward may have its own Thôn Đồng Tâm.
    assert _add(client, tree["dong_ngan"], NFC).status_code == 302


def test_control_characters_never_reach_a_stored_name(client, tree, users):
    client.force_login(users["staff"])
    assert _add(client, tree["tu_son"], "Thôn\u202e Mới\x07\r\n").status_code == 302
    assert Unit.objects.get(parent=tree["tu_son"]).name == "Thôn Mới"
    person = make_person(unicodedata.normalize("NFD", "Nguyễn Văn\tAn\x07"))
    person.refresh_from_db()
    assert person.full_name == "Nguyễn Văn An"


def test_an_imported_name_is_stored_clean_too(client, tree, users):
    import io

    import openpyxl
    from django.core.files.uploadedfile import SimpleUploadedFile

    book = openpyxl.Workbook()
    book.active.append(["Tên đơn vị", "Loại"])
    book.active.append([unicodedata.normalize("NFD", "Thôn\u200b Đồng Tâm"), "Thôn"])
    out = io.BytesIO()
    book.save(out)
    client.force_login(users["staff"])
    response = client.post(
        "/units/import/", {"parent": tree["tu_son"].pk, "file": SimpleUploadedFile("don-vi.xlsx", out.getvalue())}
    )
    assert response.status_code == 302
    assert list(tree["tu_son"].children.values_list("name", flat=True)) == [NFC]
