"""The process supervisor behind `make run` and `manage.py serve`, with real processes."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest
from django.conf import settings

from kanal.core.processes import StartFailed, Supervisor, parse_addr, port_answers, port_in_use


def _http_server(port: int, delay: float = 0.0) -> list[str]:
    code = (
        f"import time, http.server as h; time.sleep({delay}); "
        f"h.test(h.SimpleHTTPRequestHandler, port={port}, bind='127.0.0.1')"
    )
    return [sys.executable, "-c", code]


def test_parse_addr_reads_host_and_port_and_refuses_nonsense():
    assert parse_addr("0.0.0.0:8080") == ("0.0.0.0", 8080)  # noqa: S104
    assert parse_addr("8001") == ("127.0.0.1", 8001)
    with pytest.raises(ValueError, match="not host:port"):
        parse_addr("127.0.0.1:eighty")


def test_a_taken_port_is_refused_before_anything_starts(tmp_path, port):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))
        sock.listen()
        assert port_in_use("127.0.0.1", port)
        supervisor = Supervisor({"web": _http_server(port)}, str(tmp_path), "127.0.0.1", port)
        with pytest.raises(StartFailed, match=f"Port {port} on 127.0.0.1 is already in use"):
            supervisor.start()
        assert supervisor.procs == {}
    assert not port_in_use("127.0.0.1", port)


def test_ready_only_once_the_port_answers_and_one_exit_stops_all(tmp_path, port):
    supervisor = Supervisor(
        {
            "web": _http_server(port, delay=1.5),
            "worker": [sys.executable, "-c", "import time; time.sleep(3); raise SystemExit(3)"],
        },
        str(tmp_path),
        "127.0.0.1",
        port,
        grace=5,
    )
    started = time.monotonic()
    supervisor.start()
    supervisor.wait_until_ready(timeout=20)
    assert time.monotonic() - started >= 1.5
    assert port_answers("127.0.0.1", port)
    assert supervisor.watch() == 1  # the worker's exit stopped the web server too
    assert all(p.poll() is not None for p in supervisor.procs.values())
    assert not port_answers("127.0.0.1", port)


def test_a_process_dying_at_start_stops_the_others_and_says_which(tmp_path, port):
    supervisor = Supervisor(
        {
            "web": _http_server(port, delay=30),
            "scheduler": [sys.executable, "-c", "raise SystemExit(2)"],
        },
        str(tmp_path),
        "127.0.0.1",
        port,
        grace=5,
    )
    supervisor.start()
    with pytest.raises(StartFailed, match="scheduler exited with code 2 while starting"):
        supervisor.wait_until_ready(timeout=20)
    assert supervisor.procs["web"].poll() is not None


# A web server on an inherited socket (as gunicorn on serve's fd://N): answers with the
# version file as it was when it started, and forks one "worker" that sleeps. SIGTERM is
# graceful, as gunicorn's: the request in hand is answered, then the server ends (leaving
# mid-request would drop a connection the test counts as refused).
_FD_SERVER = """
import http.server, signal, socket, subprocess, sys, threading
version = open(sys.argv[2]).read().encode()
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])

class Answer(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", str(len(version)))
        self.end_headers()
        self.wfile.write(version)

    def log_message(self, *args):
        pass

def stop(*args):
    threading.Thread(target=server.shutdown).start()  # serve_forever returns between requests

signal.signal(signal.SIGTERM, stop)
server = http.server.HTTPServer(("127.0.0.1", 0), Answer, bind_and_activate=False)
server.socket.close()
server.socket = socket.socket(fileno=int(sys.argv[1]))
server.serve_forever()
child.terminate()
"""


def _get(port: int) -> str:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"GET / HTTP/1.0\r\n\r\n")
        return sock.makefile("rb").read().decode().rpartition("\r\n\r\n")[2]


def test_with_a_listener_sighup_swaps_in_a_new_web_server_without_refusing_anyone(tmp_path, port):
    """serve's reload: the new server (new code) takes the socket over, the old one ends,
    and every connection meanwhile is answered; a stop ends both generations."""
    (tmp_path / "server.py").write_text(_FD_SERVER)
    version = tmp_path / "version.txt"
    version.write_text("v1")
    supervisor = Supervisor({}, str(tmp_path), "127.0.0.1", port, grace=5, web_workers=1)
    fd = supervisor.listen()
    supervisor.commands = {"web": [sys.executable, "server.py", str(fd), str(version)]}
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    watcher = threading.Thread(target=supervisor.watch)
    try:
        supervisor.start()
        supervisor.wait_until_ready(timeout=20)
        assert _get(port) == "v1"
        first = supervisor.procs["web"]
        watcher.start()
        version.write_text("v2")
        os.kill(os.getpid(), signal.SIGHUP)
        answers, deadline = [], time.monotonic() + 30
        while first.poll() is None:  # every request answered while the two swap
            answers.append(_get(port))
            assert time.monotonic() < deadline, "the old web server did not stop"
        assert set(answers) <= {"v1", "v2"}
        assert _get(port) == "v2"
        assert supervisor.procs["web"] is not first and watcher.is_alive()  # still serving
    finally:
        supervisor.stopping = True  # as SIGTERM: watch() stops every process
        if watcher.ident:
            watcher.join(20)
        else:
            supervisor.stop()
        for sig, handler in saved.items():
            signal.signal(sig, handler)
    assert all(p.poll() is not None for p in supervisor.procs.values())
    assert first.poll() is not None


def test_run_kanal_from_another_folder_serves_then_stops_cleanly_on_ctrl_c(
    tmp_path, port, migrated_site_db
):
    """The banner comes only when the port answers; Ctrl-C stops all three processes."""
    manage = str(settings.BASE_DIR / "manage.py")
    # The embedded default (SQLite under KANAL_VAR_DIR), as on a fresh machine: under
    # `make test-pg` DATABASE_URL names a database only the test runner creates.
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["KANAL_VAR_DIR"] = str(tmp_path / "var")
    # Migrated as `make setup` leaves it (a copy: migrating again cost ~8 s of CPU).
    (tmp_path / "var").mkdir()
    shutil.copy(migrated_site_db, tmp_path / "var" / "kanal.sqlite3")
    proc = subprocess.Popen(
        [sys.executable, manage, "run_kanal", "--addr", f"127.0.0.1:{port}"],
        cwd=tmp_path,  # not the project folder
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        for line in proc.stdout:
            if "Kanal is running at" in line:
                assert port_answers("127.0.0.1", port), "banner printed before the port answered"
                break
        else:
            pytest.fail(f"no banner; exit code {proc.wait()}")
        proc.send_signal(signal.SIGINT)
        rest = proc.communicate(timeout=30)[0]
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, rest
    assert "Stopped web server, worker and scheduler." in rest
    assert not port_answers("127.0.0.1", port)


def test_a_stop_signal_ends_a_long_sleep_at_once():
    import os
    import signal
    import threading
    import time

    from kanal.core.processes import StopSignal

    saved = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    try:
        stop = StopSignal().install()
        assert stop.sleep(0.01) is False  # no signal: the whole sleep, then "go on"
        threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGTERM)).start()
        started = time.monotonic()
        assert stop.sleep(30) is True
        assert time.monotonic() - started < 5
        assert stop.sleep(30) is True  # stopped stays stopped, no second wait
    finally:
        signal.signal(signal.SIGTERM, saved[0])
        signal.signal(signal.SIGINT, saved[1])


def test_a_stop_signal_outside_the_main_thread_installs_nothing_and_does_not_raise():
    """task_worker under the autoreloader (make run) works in a thread: installing there
    raised ValueError and killed the worker before it took a single task."""
    import signal
    import threading

    from kanal.core.processes import StopSignal

    before = signal.getsignal(signal.SIGTERM)
    outcome = []

    def in_thread():
        try:
            stop = StopSignal().install(second_exits=True)
            outcome.append(stop.sleep(0.01))
        except Exception as error:
            outcome.append(error)

    thread = threading.Thread(target=in_thread)
    thread.start()
    thread.join(5)
    assert outcome == [False]
    assert signal.getsignal(signal.SIGTERM) is before


def test_the_supervisor_serve_becomes_imports_no_django():
    """serve execs kanal.core.supervise to shed Django's ~100 MB: importing it must not
    bring Django (or anything of Kanal's apps) back."""
    code = (
        "import sys, kanal.core.supervise; "
        "print(sorted(m for m in sys.modules if m.startswith(('django', 'kanal.'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.strip() == "['kanal.core', 'kanal.core.processes', 'kanal.core.supervise']"
