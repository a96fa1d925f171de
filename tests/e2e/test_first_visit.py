"""The login page's first visit on a phone, served as production serves it (gunicorn, WhiteNoise, the files
collected by collectstatic with the production settings): at most 100 KB over the wire, every static file
compressed and named by its content's hash, with a cache lifetime of ten years."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
LIMIT = 100 * 1024
pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def production_server(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")},
        "DJANGO_SETTINGS_MODULE": "qcdc.settings.production",
        "SECRET_KEY": "first-visit-test-" + "x" * 40,
        "QCDC_DATA_DIR": str(tmp_path),
        "SECURE_SSL_REDIRECT": "False",
        "SECURE_COOKIES": "False",
        "SECURE_HSTS_SECONDS": "0",
    }
    manage = [str(BIN / "python"), "manage.py"]
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=900)
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=900)
    port = _free_port()
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "qcdc.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120  # a busy machine: the first request loads Django
    while True:
        try:
            requests.get(f"{url}/login/", timeout=10)
            break
        except (requests.ConnectionError, requests.Timeout):
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("gunicorn did not start")
            time.sleep(0.2)
    yield url
    server.terminate()
    server.wait(timeout=10)


def test_the_login_page_weighs_at_most_100_kb_on_a_phones_first_visit(browser, production_server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", is_mobile=True)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    received: dict[str, float] = {}
    cdp.on("Network.loadingFinished", lambda e: received.__setitem__(e["requestId"], e["encodedDataLength"]))
    responses = []
    page.on("response", lambda r: responses.append(r))
    page.goto(f"{production_server}/login/")
    page.wait_for_load_state("networkidle")
    total = sum(received.values())
    print(f"login page, first visit on a phone: {total / 1024:.1f} KB in {len(received)} requests")
    assert total <= LIMIT, f"{total / 1024:.1f} KB"

    statics = [r for r in responses if "/static/" in r.url]
    assert len(statics) >= 4  # Bootstrap's CSS and JS, the site's CSS and JS
    for response in statics:
        name = response.url.rsplit("/", 1)[-1]
        assert len(name.split(".")) >= 3 and len(name.split(".")[-2]) == 12, f"not named by its hash: {name}"
        headers = response.all_headers()
        assert "max-age=315360000" in headers.get("cache-control", "") and "immutable" in headers["cache-control"]
        if name.endswith((".css", ".js")):
            assert headers.get("content-encoding") in ("gzip", "br"), name
    context.close()
