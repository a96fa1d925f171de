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


def _run_order(item) -> int:
    """pytest-django's order, but for the tests without a database: -1 none (they may run at any time, so
    first), 0 rolled back, 1 committing (transactional: the tables are emptied after each)."""
    marker = item.get_closest_marker("django_db")
    fixtures = set(getattr(item, "fixturenames", ()))
    if marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return 1
    if fixtures & {"transactional_db", "live_server"}:
        return 1
    return 0 if marker or "db" in fixtures else -1


def pytest_collection_modifyitems(items):
    """The modules with a slow test first among those of the same order: on several workers, the longest
    ones start early instead of ending the run alone."""
    slow = {item.nodeid.split("::")[0] for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: (_run_order(item), item.nodeid.split("::")[0] not in slow))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """Under pytest-xdist (``make test``): each worker runs the tests in the order one process would.

    The tests that roll back run before those that commit (``pytest_collection_modifyitems``): a
    transactional test empties the tables when it ends, the rows the migrations ship with them. Each test
    module is sent whole to one worker, except that its committing tests are sent later, among the other
    modules' committing tests: so no worker runs a rolled-back test after a committing one. Modules keep
    their collection order, rather than xdist's largest-first, for the same reason."""
    from xdist.scheduler import LoadScopeScheduling

    class InOrderScheduling(LoadScopeScheduling):
        _scope_of: dict[str, str] = {}

        def schedule(self):
            if self.collection is None and self.collection_is_completed:
                self._scope_of, previous, run = {}, None, 0
                for nodeid in next(iter(self.registered_collections.values())):
                    module = super()._split_scope(nodeid)
                    run += module != previous
                    previous = module
                    self._scope_of[nodeid] = f"{module}#{run}"
            super().schedule()

        def _split_scope(self, nodeid):
            return self._scope_of.get(nodeid) or super()._split_scope(nodeid)

    config.option.loadscopereorder = False
    return InOrderScheduling(config, log)


@pytest.fixture(autouse=True)
def _shipped_rows(request):
    """A test that commits finds the rows the migrations ship, even after another emptied the tables."""
    marker = request.node.get_closest_marker("django_db")
    committing = {"transactional_db", "live_server"} & set(request.fixturenames)
    if (marker and marker.kwargs.get("transaction")) or committing:
        from tests import shipped

        request.getfixturevalue("transactional_db")
        shipped.put_back()


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language (Vietnamese), whatever the one before it used: a request in
    English leaves English active in the thread, so a test would otherwise read the language of its
    neighbour. A test that reads the English source texts says so (``english``)."""
    from django.conf import settings

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


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
