"""Headers of every answer: a strict Content-Security-Policy with nothing inline in the pages to need
an exception, no-store for signed-in pages and the API, and a production configuration that
``check --deploy`` finds nothing to say about."""

import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse

from tests.directives.conftest import make_directive

ROOT = Path(__file__).resolve().parents[2]


class InlineFinder(HTMLParser):
    """Collects what a strict CSP blocks: inline scripts, on* handlers, style attributes, javascript: links."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._in_script = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name == "style":
                self.found.append(f"<{tag} style={value!r}>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:…>")
        if tag == "script":
            self._in_script = attrs
        if tag == "style":
            self.found.append("<style> element")

    def handle_data(self, data):
        if self._in_script is not None and data.strip():
            kind = (self._in_script.get("type") or "").lower()
            if "src" not in self._in_script and kind != "application/json":
                self.found.append(f"inline <script>: {data.strip()[:60]}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = None


def pages(tree, directive):
    return [
        "/",
        tree["tu_son"].get_absolute_url(),
        reverse("units:unit_tree"),
        reverse("directives:directive_list"),
        directive.get_absolute_url(),
        reverse("reports:dashboard", args=[tree["bac_ninh"].pk]),
        reverse("reports:heads", args=[tree["bac_ninh"].pk]),
        "/profile/",
        "/password/",
        "/api/docs/",
    ]


@pytest.fixture
def directive(tree, users):
    return make_directive(users["staff"], tree["bac_ninh"])


def test_every_page_is_served_under_a_strict_csp_and_needs_nothing_inline(client, tree, users, directive):
    client.force_login(users["admin"])
    for url in pages(tree, directive):
        response = client.get(url)
        assert response.status_code == 200, url
        policy = response["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
        assert directives["default-src"] == "'self'" and directives["script-src"] == "'self'", url
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, url
        finder = InlineFinder()
        finder.feed(response.content.decode())
        assert finder.found == [], (url, finder.found)


def test_the_login_page_and_the_error_pages_need_nothing_inline(client, db):
    for url, status in (("/login/", 200), ("/khong-co/", 404)):
        response = client.get(url)
        assert response.status_code == status
        assert "default-src 'self'" in response["Content-Security-Policy"]
        finder = InlineFinder()
        finder.feed(response.content.decode())
        assert finder.found == [], (url, finder.found)


def test_signed_in_pages_and_the_api_are_never_stored(client, users, api):
    client.force_login(users["staff"])
    assert "no-store" in client.get("/").headers["Cache-Control"]
    assert "no-store" in api("staff").get("/api/v1/me/").headers["Cache-Control"]
    assert "no-store" in api().get("/api/v1/me/").headers["Cache-Control"]  # a 401 too


def test_check_deploy_finds_nothing_under_the_readme_production_environment(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "qcdc.settings.production",
        "SECRET_KEY": "k" * 20 + "-Zq8#vN3@pL5!xR7$wT1%yU4^" * 3,
        "DATABASE_URL": "postgres://qcdc:secret@127.0.0.1:5432/qcdc",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "ALLOWED_HOSTS": "qcdc.bacninh.gov.vn",
        "CSRF_TRUSTED_ORIGINS": "https://qcdc.bacninh.gov.vn",
        "QCDC_DATA_DIR": str(tmp_path),
        "EMAIL_URL": "smtp+tls://user:password@mail.example.gov.vn:587",
    }
    # Only the README's variables: not what the browser tests set for their own process.
    for name in ("DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
