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


def port_answers(host: str, port: int) -> bool:
    connect_host = "127.0.0.1" if host in {"0.0.0.0", ""} else "::1" if host == "::" else host  # noqa: S104
    try:
        with socket.create_connection((connect_host, port), timeout=0.5):
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

    def start(self, check_port: bool = True) -> None:
        if check_port and port_in_use(self.host, self.port):
            raise StartFailed(
                f"Port {self.port} on {self.host} is already in use (another Kanal or another "
                f"program). Stop it, or choose another port: make run PORT={self.port + 1}"
            )
        signal.signal(signal.SIGINT, self._on_signal)
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGHUP, self._forward_hup)
        for name, cmd in self.commands.items():
            # Fixed argument lists built by the calling command, no user input.
            self.procs[name] = subprocess.Popen(cmd, cwd=self.cwd, env=self.env)  # noqa: S603

    def _on_signal(self, signum, frame) -> None:
        self.stopping = True

    def _forward_hup(self, signum, frame) -> None:
        """systemctl reload: gunicorn replaces its workers gracefully on SIGHUP."""
        if (web := self.procs.get("web")) and web.poll() is None:
            web.send_signal(signal.SIGHUP)

    def exited(self) -> tuple[str, int] | None:
        for name, proc in self.procs.items():
            if proc.poll() is not None:
                return name, proc.returncode
        return None

    def wait_until_ready(self, timeout: float = 120.0) -> None:
        """Block until the web port answers; stop everything and raise if that fails."""
        deadline = time.monotonic() + timeout
        while not port_answers(self.host, self.port):
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
        for name, proc in self.procs.items():
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
