"""The links in e-mails: every process reads SITE_URL the same way, so a ``manage.py send_reminders`` run in
another shell beside ``make run PORT=8080`` links to port 8080, not to the default 8000."""

import os
import signal
import subprocess
import sys

from tests.reminders.services import ROOT, free_port, wait_for


def site_url_seen_by_manage_py(data_dir, **env) -> str:
    environ = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "DATABASE_URL", "REDIS_URL")}
    environ.update(QCDC_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="qcdc.settings.local", **env)
    code = "from django.conf import settings; print(settings.SITE_URL)"
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip().splitlines()[-1]  # after the shell's own "objects imported" line


def test_manage_py_beside_the_development_server_links_to_its_port(tmp_path):
    port = free_port()
    assert site_url_seen_by_manage_py(tmp_path) == "http://127.0.0.1:8000"  # nothing started yet
    environ = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "DATABASE_URL", "REDIS_URL")}
    environ.update(QCDC_DATA_DIR=str(tmp_path), HOST="127.0.0.1", PORT=str(port))
    server = subprocess.Popen(
        ["bin/run-dev"],
        cwd=ROOT,
        env=environ,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_for(lambda: (tmp_path / "site-url").exists(), 30, "the development server to start")
        assert site_url_seen_by_manage_py(tmp_path) == f"http://127.0.0.1:{port}"
        # An address given in the environment wins, in every process alike.
        assert site_url_seen_by_manage_py(tmp_path, SITE_URL="https://qcdc.bacninh.gov.vn") == (
            "https://qcdc.bacninh.gov.vn"
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(10)
