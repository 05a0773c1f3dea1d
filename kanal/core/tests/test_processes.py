"""The process supervisor behind `make run` and `manage.py serve`, with real processes."""

import os
import signal
import socket
import subprocess
import sys
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


def test_run_kanal_from_another_folder_serves_then_stops_cleanly_on_ctrl_c(tmp_path, port):
    """The banner comes only when the port answers; Ctrl-C stops all three processes."""
    manage = str(settings.BASE_DIR / "manage.py")
    # The embedded default (SQLite under KANAL_VAR_DIR), as on a fresh machine: under
    # `make test-pg` DATABASE_URL names a database only the test runner creates.
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["KANAL_VAR_DIR"] = str(tmp_path / "var")
    subprocess.run([sys.executable, manage, "migrate", "-v0"], env=env, check=True, cwd=tmp_path)
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
