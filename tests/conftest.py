"""Shared fixtures: a small real tree (Bắc Ninh > Từ Sơn > two wards) and a user per role."""

import os

import pytest
from django.db import connection
from django.utils import translation

from reports import periods
from tests.factories import make_unit, make_user
from units.models import RoleGrant, Unit

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


@pytest.fixture(autouse=True, scope="session")
def _services_are_real(django_db_setup, django_db_blocker):
    if REQUIRE_SERVICES:
        with django_db_blocker.unblock():
            assert connection.vendor == "postgresql", "REQUIRE_SERVICES=1 but DATABASE_URL is not PostgreSQL"


@pytest.fixture(autouse=True)
def _fresh_working_calendar():
    """Each test reads the swapped days of its own database (a test's rows are rolled back after it)."""
    periods.calendar_changed()
    yield
    periods.calendar_changed()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The API's request counts (and the marks of wrong tokens) live in the cache: each test starts with none.

    Only those keys: on Redis the same database holds Celery's queues and bindings, which must stay.
    """
    from django.core.cache import cache
    from django.core.cache.backends.redis import RedisCache

    if isinstance(cache, RedisCache):
        client = cache._cache.get_client(None, write=True)
        for pattern in ("*throttle_*", "*api-token-failed:*"):
            for key in client.scan_iter(match=pattern):
                client.delete(key)
    else:
        cache.clear()
    yield


@pytest.fixture
def tree(db):
    """Việt Nam > Bắc Ninh > (Từ Sơn ward, Đông Ngàn ward > Thôn Đông) and Hà Nội > Hoàn Kiếm."""
    nation = make_unit("Việt Nam", Unit.Kind.NATION)
    bac_ninh = make_unit("Tỉnh Bắc Ninh", Unit.Kind.PROVINCE, nation, code="24", code_scheme="2025")
    tu_son = make_unit("Phường Từ Sơn", Unit.Kind.WARD, bac_ninh, code="09367", code_scheme="2025")
    dong_ngan = make_unit("Phường Đông Ngàn", Unit.Kind.WARD, bac_ninh, code="09999", code_scheme="2025")
    village = make_unit("Thôn Đông", Unit.Kind.VILLAGE, dong_ngan)
    ha_noi = make_unit("Thành phố Hà Nội", Unit.Kind.CITY, nation, code="01", code_scheme="2025")
    hoan_kiem = make_unit("Phường Hoàn Kiếm", Unit.Kind.WARD, ha_noi, code="00070", code_scheme="2025")
    return {
        "nation": nation,
        "bac_ninh": bac_ninh,
        "tu_son": tu_son,
        "dong_ngan": dong_ngan,
        "village": village,
        "ha_noi": ha_noi,
        "hoan_kiem": hoan_kiem,
    }


@pytest.fixture
def users(tree):
    """One user per role; the reporters and heads sit in sibling wards."""
    R = RoleGrant.Role
    return {
        "admin": make_user("admin", role=R.ADMIN, unit=tree["nation"]),
        "staff": make_user("staff_bn", role=R.STAFF, unit=tree["bac_ninh"]),
        "leader": make_user("leader_bn", role=R.LEADER, unit=tree["bac_ninh"]),
        "reporter_tu_son": make_user("reporter_ts", role=R.REPORTER, unit=tree["tu_son"]),
        "reporter_dong_ngan": make_user("reporter_dn", role=R.REPORTER, unit=tree["dong_ngan"]),
        "head_tu_son": make_user("head_ts", role=R.HEAD, unit=tree["tu_son"]),
        "staff_ha_noi": make_user("staff_hn", role=R.STAFF, unit=tree["ha_noi"]),
        "nobody": make_user("nobody"),
    }


@pytest.fixture
def english(settings, client):
    """For tests that read the English source texts: the site itself is Vietnamese by default."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def uploads_in_tmp(settings, tmp_path):
    """Uploaded files go to a temporary folder, under a size limit small enough to test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MAX_UPLOAD_SIZE = 200 * 1024
