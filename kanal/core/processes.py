"""Run several of Kanal's processes as one: start, wait until the web port answers, stop.

Used by `manage.py run_kanal` (development: runserver, one worker, the scheduler) and
`manage.py serve` (production: gunicorn, N workers, the scheduler). The contract:

- the port is checked before anything starts: a port already taken is refused with a
  sentence saying what to do, instead of a web process dying behind a banner;
- :meth:`Supervisor.wait_until_ready` returns only once the web port accepts a
  connection, so the caller prints the address when it is true; if any process exits
  first, every process is stopped and :class:`StartFailed` says which one;
- afterwards, one process exiting stops them all (a half-running Kanal is worse than
  none: under systemd the unit restarts as a whole); SIGINT/SIGTERM stop them all,
  each given ``grace`` seconds to finish its current request or task.

With a ``listener`` (serve: gunicorn loads the application once, before it forks its
workers, so they share its memory), the supervisor owns the listening socket and the
web command inherits it. Readiness is then an HTTP answer (the socket accepts as soon
as it exists), and SIGHUP starts a new web server on the same socket, with the code
as it is now, and stops the old one gracefully once the new one's workers are up: no
connection is refused meanwhile, and if the new one fails to start the old one keeps
serving. Without a listener SIGHUP is passed to the web process.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field


class StartFailed(Exception):
    """A process exited (or the port never answered) before Kanal was up."""


def parse_addr(addr: str) -> tuple[str, int]:
    """``host:port`` (or a bare port) as a pair; raises ValueError with a readable message."""
    host, _, port = addr.rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"{addr!r} is not host:port (for example 127.0.0.1:8000)")
    return host, int(port)


def port_in_use(host: str, port: int) -> bool:
    """True when something already listens on (host, port) or the address can't be bound."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


def _connect_host(host: str) -> str:
    return "127.0.0.1" if host in {"0.0.0.0", ""} else "::1" if host == "::" else host  # noqa: S104


def http_answers(host: str, port: int) -> bool:
    """True when a web worker answers ``GET /healthz`` (any HTTP status) on (host, port)."""
    try:
        with socket.create_connection((_connect_host(host), port), timeout=2) as sock:
            sock.sendall(b"GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
            return sock.recv(5) == b"HTTP/"
    except OSError:
        return False


def children(pid: int) -> list[int]:
    """Live child processes of ``pid`` (from /proc; empty where there is none)."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def port_answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((_connect_host(host), port), timeout=0.5):
            return True
    except OSError:
        return False


@dataclass
class Supervisor:
    commands: dict[str, list[str]]
    cwd: str
    host: str
    port: int
    grace: float = 20.0
    env: dict[str, str] | None = None
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)
    stopping: bool = False
    # The web command's listening socket, owned here (see the module docstring), and
    # how many worker processes a new web server must have forked to replace the old.
    listener: socket.socket | None = None
    web_workers: int = 1
    reload_requested: bool = False
    retiring: list[subprocess.Popen] = field(default_factory=list)

    def _refuse_taken_port(self) -> None:
        if port_in_use(self.host, self.port):
            raise StartFailed(
                f"Port {self.port} on {self.host} is already in use (another Kanal or another "
                f"program). Stop it, or choose another port: make run PORT={self.port + 1}"
            )

    def listen(self, backlog: int = 2048) -> int:
        """Open the web command's listening socket here; its file descriptor (the web
        command binds ``fd://N``). A taken port is refused as in :meth:`start`."""
        self._refuse_taken_port()
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        self.listener = socket.create_server((self.host, self.port), family=family, backlog=backlog)
        return self.listener.fileno()

    def start(self, check_port: bool = True) -> None:
        if check_port and not self.listener:
            self._refuse_taken_port()
        signal.signal(signal.SIGINT, self._on_signal)
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGHUP, self._forward_hup)
        for name in self.commands:
            self.procs[name] = self._spawn(name)

    def _spawn(self, name: str) -> subprocess.Popen:
        fds = (self.listener.fileno(),) if self.listener and name == "web" else ()
        # Fixed argument lists built by the calling command, no user input.
        return subprocess.Popen(self.commands[name], cwd=self.cwd, env=self.env, pass_fds=fds)  # noqa: S603

    def _on_signal(self, signum, frame) -> None:
        self.stopping = True

    def _forward_hup(self, signum, frame) -> None:
        """systemctl reload: the web workers are replaced gracefully, with the code as it
        is now (a new web server on the owned socket, or gunicorn's own SIGHUP)."""
        if self.listener:
            self.reload_requested = True  # done by watch(), outside the signal handler
        elif (web := self.procs.get("web")) and web.poll() is None:
            web.send_signal(signal.SIGHUP)

    def _replace_web(self, timeout: float = 120.0) -> None:
        """Start a new web server on the owned socket; once it has forked its workers,
        stop the old one gracefully. If the new one fails, the old one keeps serving."""
        new = self._spawn("web")
        deadline = time.monotonic() + timeout
        while len(children(new.pid)) < self.web_workers:
            failed = new.poll() is not None
            if failed or self.stopping or time.monotonic() > deadline:
                if not failed:
                    new.terminate()
                    new.wait()
                print(
                    f"Reload failed: the new web server did not start (code {new.returncode}); "
                    "the running one continues.",
                    flush=True,
                )
                return
            time.sleep(0.2)
        old, self.procs["web"] = self.procs["web"], new
        old.send_signal(signal.SIGTERM)  # gunicorn: finish the requests in flight, then exit
        self.retiring.append(old)
        print("Reloaded: a new web server took over.", flush=True)

    def exited(self) -> tuple[str, int] | None:
        for name, proc in self.procs.items():
            if proc.poll() is not None:
                return name, proc.returncode
        return None

    def wait_until_ready(self, timeout: float = 120.0) -> None:
        """Block until the web port answers; stop everything and raise if that fails."""
        answers = http_answers if self.listener else port_answers
        deadline = time.monotonic() + timeout
        while not answers(self.host, self.port):
            if dead := self.exited():
                self.stop()
                raise StartFailed(f"{dead[0]} exited with code {dead[1]} while starting.")
            if self.stopping:
                self.stop()
                raise StartFailed("Stopped before the web server answered.")
            if time.monotonic() > deadline:
                self.stop()
                raise StartFailed(f"The web server did not answer on port {self.port} in time.")
            time.sleep(0.2)

    def watch(self) -> int:
        """Run until a signal or a process exits; stop all; 0 on a signal, 1 otherwise."""
        code = 0
        while not self.stopping:
            if self.reload_requested:
                self.reload_requested = False
                self._replace_web()
            self.retiring = [p for p in self.retiring if p.poll() is None]
            if dead := self.exited():
                print(f"{dead[0]} exited with code {dead[1]}; stopping all.", flush=True)
                code = 1
                break
            time.sleep(0.5)
        self.stop()
        return code

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + self.grace
        for name, proc in [*self.procs.items(), *(("old web", p) for p in self.retiring)]:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                print(f"{name} did not stop in {self.grace:.0f} s; killing it.", flush=True)
                proc.kill()
                proc.wait()


class StopSignal:
    """SIGTERM/SIGINT as a flag that also ends a sleep at once (scheduler, task worker).

    ``threading.Event.wait`` is not woken by a signal on Linux and ``time.sleep`` is
    resumed after the handler; a ``select`` on a pipe the handler writes to returns as
    soon as the signal arrives, however long the sleep was meant to be.
    """

    def __init__(self) -> None:
        self.stopped = False
        self._second_exits = False
        self._read, self._write = os.pipe()
        os.set_blocking(self._write, False)

    def install(self, *, second_exits: bool = False) -> StopSignal:
        """Handle SIGTERM and SIGINT; with ``second_exits`` a second one exits at once
        (status 1), for a process whose current piece of work may take long.

        Outside the main thread (``task_worker`` under Django's autoreloader, as in
        ``make run``) Python cannot take signals: nothing is installed there, the
        reloader ends its child with SIGTERM's default action, and the recovery job
        requeues whatever the killed child had claimed."""
        self._second_exits = second_exits
        if threading.current_thread() is not threading.main_thread():
            return self
        signal.signal(signal.SIGTERM, self._handle)
        signal.signal(signal.SIGINT, self._handle)
        return self

    def _handle(self, signum, frame) -> None:
        if self.stopped and self._second_exits:
            raise SystemExit(1)
        self.stopped = True
        with contextlib.suppress(BlockingIOError):
            os.write(self._write, b"x")

    def sleep(self, seconds: float) -> bool:
        """Sleep up to ``seconds``; True if a stop signal came (before or during)."""
        if not self.stopped and seconds > 0:
            select.select([self._read], [], [], seconds)
        return self.stopped
