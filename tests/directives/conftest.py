"""Fixtures for the register: uploads go to a temporary folder, directives are built through the services."""

import datetime
import math

import pytest
from django.db import connection

from directives import services
from directives.models import Directive, DirectiveType
from tests.factories import make_unit, make_user
from units.models import RoleGrant, Unit

TU_SON_WARDS = ["Đông Ngàn", "Đồng Kỵ", "Trang Hạ", "Đình Bảng", "Tân Hồng", "Châu Khê", "Đồng Nguyên"]
TU_SON_COMMUNES = ["Hương Mạc", "Phù Khê", "Tam Sơn", "Tương Giang", "Phù Chẩn"]


@pytest.fixture(autouse=True)
def _english_and_tmp_uploads(uploads_in_tmp, english):
    """Files in a temporary folder; pages and assertions in English, whatever the Vietnamese catalogue holds."""


def doc_type(name: str, family: str = DirectiveType.Family.PARTY) -> DirectiveType:
    return DirectiveType.objects.get(name=name, family=family)


def make_directive(actor, owner: Unit, symbol: str = "120-KL/TW", **fields) -> Directive:
    fields.setdefault("doc_type", doc_type("Kết luận"))
    fields.setdefault("issuer", "Ban Chấp hành Trung ương")
    fields.setdefault("abstract", "Về tiếp tục đẩy mạnh xây dựng và thực hiện quy chế dân chủ ở cơ sở")
    fields.setdefault("issued_on", datetime.date(2016, 1, 7))
    return services.directive_create(actor=actor, owner_unit=owner, symbol=symbol, **fields)


@pytest.fixture
def town(tree):
    return build_town(tree)


def build_town(tree) -> dict[str, Unit]:
    """Thị xã Từ Sơn (as in 2020) under Bắc Ninh: 7 wards and 5 communes; Tương Giang has a village."""
    town = make_unit("Thị xã Từ Sơn", Unit.Kind.DISTRICT, tree["bac_ninh"])
    units = {}
    for name in TU_SON_WARDS:
        units[name] = make_unit(f"Phường {name}", Unit.Kind.WARD, town)
    for name in TU_SON_COMMUNES:
        units[name] = make_unit(f"Xã {name}", Unit.Kind.COMMUNE, town)
    make_unit("Thôn Tiêu", Unit.Kind.VILLAGE, units["Tương Giang"])
    return {"town": town, **units}


@pytest.fixture
def town_users(town):
    R = RoleGrant.Role
    return {
        "reporter_dinh_bang": make_user("reporter_db", role=R.REPORTER, unit=town["Đình Bảng"]),
        "reporter_dong_ky": make_user("reporter_dk", role=R.REPORTER, unit=town["Đồng Kỵ"]),
        "staff_town": make_user("staff_town", role=R.STAFF, unit=town["town"]),
        "leader_town": make_user("leader_town", role=R.LEADER, unit=town["town"]),
    }


def inserts_on_sqlite(model, rows: int) -> int:
    """How many INSERT statements a bulk_create of that many rows takes under SQLite's parameter cap."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    return math.ceil(rows / connection.ops.bulk_batch_size(fields, [None] * rows))
