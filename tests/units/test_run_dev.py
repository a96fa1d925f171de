"""`make run` as a newcomer sees it: one line per setup step, the banner last before the servers' logs,
Ctrl-C ending with "Stopped." and status 0, and no server left behind when `make` is killed outright.

Real processes (make, runserver, a Celery worker with beat) on a free port, on SQLite and the filesystem
broker in a temporary data folder, whatever database the rest of the suite uses.
"""

import fcntl
import os
import pty
import re
import shutil
import signal
import socket
import subprocess
import termios
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PYTHON = ROOT / ".venv" / "bin" / "python"
UP_TIMEOUT = 180  # seconds: setup steps and both servers, on a busy 2-core machine
GONE_TIMEOUT = 60

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("make") is None or not PYTHON.exists(), reason="needs make and the .venv"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def wait_for(condition, timeout: float, what: str, output=lambda: ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what} within {timeout} s; output so far:\n{output()}")


def processes_using(data_dir: Path) -> list[int]:
    """Every process whose environment names this data folder: make's servers and whatever they started."""
    needle = f"QCDC_DATA_DIR={data_dir}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                stat = (entry / "stat").read_text()
                if stat.rsplit(")", 1)[1].split()[0] != "Z":  # a zombie holds nothing
                    found.append(int(entry.name))
        except OSError:
            continue
    return found


def newcomer_env(data_dir: Path) -> dict[str, str]:
    """Nothing configured but the data folder: SQLite, the filesystem broker, the development settings."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "EMAIL_URL", "EMAIL_FILE_PATH", "SITE_URL"}
        and not k.startswith(("MAKE", "MFLAGS", "PYTEST"))
    }
    env["QCDC_DATA_DIR"] = str(data_dir)
    return env


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    """One data folder for the module, migrated once: each `make run` then finds its database up to date."""
    data_dir = tmp_path_factory.mktemp("run-dev") / "data"
    subprocess.run(
        [str(PYTHON), "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=newcomer_env(data_dir),
        check=True,
        timeout=UP_TIMEOUT,
    )
    return data_dir


@pytest.fixture
def run_env(tmp_path, data_dir):
    """`make run` on SQLite in a temporary data folder, without the demo, without reinstalling packages."""
    stamp = tmp_path / "requirements.stamp"  # newer than requirements.txt: the packages count as installed
    stamp.touch()
    env = newcomer_env(data_dir)
    port = free_port()
    args = ["make", "--no-print-directory", "run", f"STAMP={stamp}", "DEMO=0", f"PORT={port}"]
    yield {"env": env, "port": port, "args": args, "data_dir": data_dir}
    for pid in processes_using(data_dir):  # only if a test failed half-way
        os.kill(pid, signal.SIGKILL)


class Console:
    """`make run` on a terminal of its own (a pseudo-terminal), as when a person types it."""

    def __init__(self, args, env):
        master, slave = pty.openpty()
        self.master = master
        self.text = ""
        self.process = subprocess.Popen(
            args,
            cwd=ROOT,
            env=env,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            start_new_session=True,
            preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),  # the terminal becomes make's
        )
        os.close(slave)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        while True:
            try:
                chunk = os.read(self.master, 4096)
            except OSError:
                return
            if not chunk:
                return
            self.text += chunk.decode("utf-8", "replace").replace("\r\n", "\n")

    def press_ctrl_c(self):
        os.write(self.master, b"\x03")


def test_make_run_prints_its_steps_then_the_banner_then_the_logs_and_ctrl_c_stops_everything(run_env):
    console = Console(run_env["args"], run_env["env"])
    wait_for(lambda: "QCDC is running" in console.text, UP_TIMEOUT, "the banner", lambda: console.text)
    wait_for(lambda: listening(run_env["port"]), 30, "the web server listening", lambda: console.text)
    wait_for(lambda: "worker | " in console.text, 30, "the worker's log after the banner", lambda: console.text)

    before, banner_and_after = console.text.split("\n" + "=" * 80 + "\n QCDC is running", 1)
    steps = [line for line in before.splitlines() if line.strip()]
    assert all(line.startswith("• ") for line in steps), before
    assert [re.sub(r" … done \(\d+ s\)$", "", s) for s in steps][-4:] == [
        "• Translations: compiling locale/*/LC_MESSAGES/django.po",
        f"• Database (SQLite in {run_env['data_dir']}/): applying migrations",
        f"• Static files: collecting into {run_env['data_dir']}/staticfiles/",
        "• Demo data: not loaded (DEMO=0)",
    ]
    assert not re.search(r"^(web|worker) +\| ", before, re.MULTILINE)  # no server line before the banner
    banner, logs = banner_and_after.split("=" * 80 + "\n", 1)
    assert f"http://127.0.0.1:{run_env['port']}/" in banner
    assert f"written as files to {run_env['data_dir']}/mail/" in banner
    assert "Starting development server" in console.text.split(banner, 1)[1]

    console.press_ctrl_c()
    assert console.process.wait(timeout=GONE_TIMEOUT) == 0, console.text
    wait_for(lambda: console.text.rstrip().endswith("Stopped."), 10, "the last words", lambda: console.text)
    assert "Error 130" not in console.text and "Interrupt" not in console.text
    wait_for(lambda: not processes_using(run_env["data_dir"]), GONE_TIMEOUT, "every server gone")
    assert not listening(run_env["port"])


def test_the_servers_do_not_outlive_make_killed_with_sigkill(run_env):
    make = subprocess.Popen(
        run_env["args"],
        cwd=ROOT,
        env=run_env["env"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(raw.decode() for raw in make.stdout), daemon=True).start()
    wait_for(lambda: "QCDC is running" in "".join(lines), UP_TIMEOUT, "the banner", lambda: "".join(lines))
    assert listening(run_env["port"])
    launched = processes_using(run_env["data_dir"])
    # make, the supervisor, a guard each, runserver and its reloaded child, the worker and beat.
    assert len(launched) >= 7, launched
    supervisor = [pid for pid in launched if Path(f"/proc/{pid}/cmdline").read_bytes().endswith(b"bin/run-dev\0")]
    assert len(supervisor) == 1

    os.kill(make.pid, signal.SIGKILL)
    os.kill(supervisor[0], signal.SIGKILL)
    make.wait(timeout=10)
    wait_for(
        lambda: not processes_using(run_env["data_dir"]), GONE_TIMEOUT, "every server gone", lambda: "".join(lines)
    )
    wait_for(lambda: not listening(run_env["port"]), 10, "the port freed")


def test_make_refuses_a_python_other_than_3_11(tmp_path):
    fake = tmp_path / "python3"
    fake.write_text("#!/bin/sh\necho 3.12\n")
    fake.chmod(0o755)
    result = subprocess.run(
        ["make", "--no-print-directory", "venv", f"PYTHON={fake}", f"VENV={tmp_path / 'venv'}"],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS"))},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert f"QCDC needs Python 3.11, but {fake} is 3.12." in result.stderr
    assert not (tmp_path / "venv").exists()


def test_each_e_mail_written_to_the_mail_folder_is_announced_once_with_its_subject_readable(tmp_path):
    from importlib.machinery import SourceFileLoader
    from importlib.util import module_from_spec, spec_from_loader

    from django.core.mail import EmailMessage
    from django.core.mail.backends.filebased import EmailBackend

    loader = SourceFileLoader("run_dev", str(ROOT / "bin" / "run-dev"))
    run_dev = module_from_spec(spec_from_loader("run_dev", loader))
    loader.exec_module(run_dev)

    def send(backend, *messages):
        backend.send_messages([EmailMessage(subject, "Nội dung", "qcdc@localhost", [to]) for to, subject in messages])
        for path in tmp_path.glob("*.log"):  # written and closed a while ago
            os.utime(path, (time.time() - 5, time.time() - 5))

    # One backend object keeps its file name, as two connections opened in the same second share one:
    # what the second writes is appended to a file whose beginning was already there.
    first = EmailBackend(file_path=str(tmp_path))
    send(first, ("truong.tuson@qcdc.example", "[QCDC] Thư cũ"))
    folder = run_dev.MailFolder(tmp_path, "data/mail/")
    (shared,) = [p.name for p in tmp_path.glob("*.log")]
    seen = []

    class Log:
        def line(self, name, text):
            seen.append((name, text))

    reminder = "[QCDC] Nhắc hạn nộp: Báo cáo quý về thực hiện QCDC ở cơ sở, Quý IV/2026, Phường Từ Sơn, hạn 05/01/2027"
    escalation = "[QCDC] Quá hạn: Báo cáo chuyên đề 10 năm thực hiện Kết luận 120-KL/TW, Phường Đồng Nguyên"
    send(first, ("baocao.tuson@qcdc.example", reminder), ("lanhdao.bacninh@qcdc.example", escalation))
    folder.poll(Log())
    folder.poll(Log())
    assert seen == [
        ("mail", f"to baocao.tuson@qcdc.example: {reminder}  (data/mail/{shared})"),
        ("mail", f"to lanhdao.bacninh@qcdc.example: {escalation}  (data/mail/{shared})"),
    ]

    second = EmailBackend(file_path=str(tmp_path))  # alive beside the first: another id, another file
    send(second, ("chutich.tuson@qcdc.example", "[QCDC] Thư mới"))
    folder.poll(Log())
    (new_file,) = {p.name for p in tmp_path.glob("*.log")} - {shared}
    assert seen[2:] == [("mail", f"to chutich.tuson@qcdc.example: [QCDC] Thư mới  (data/mail/{new_file})")]
    assert first is not second
    assert "=?utf-8?" in (tmp_path / shared).read_text()  # in the file itself the subject is MIME-encoded
