"""Real mail servers for the tests: an SMTP server (aiosmtpd) and an IMAP server (Dovecot).

Used by every app whose tests send or fetch mail (``pytest_plugins`` in the root
``conftest.py`` makes the fixtures available everywhere):

- ``smtp_server``: an aiosmtpd server on 127.0.0.1 that keeps what it receives
  (``.messages``, parsed ``email.message.Message`` objects; ``.envelopes``).
- ``smtp_backend``: the same, with Django's SMTP backend pointed at it for in-process
  tests (the test harness replaces the backend with ``locmem``; this undoes that).
  A server process started by a test gets ``smtp_server.env()`` instead.
- ``imap_server``: Dovecot with one mailbox user, started from a generated config in a
  temporary folder (Debian: ``apt-get install dovecot-imapd``). ``.deliver(raw)`` puts a
  message in the INBOX through IMAP APPEND; ``.env()`` / ``.console_values()`` give the
  ``KANAL_IMAP_*`` values for a server process or the console's channel page.

Nothing is skipped: without Dovecot the IMAP tests fail and say how to install it.
Ports: free ports, taken from ``KANAL_TEST_PORT_RANGE`` (say ``23500-23599``) when set, so
developers sharing a machine stay within their own range.
"""

from __future__ import annotations

import email
import grp
import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
INSTALL_HINT = (
    "Dovecot is not installed; the IMAP tests need a real IMAP server. "
    "Install it with: apt-get install -y --no-install-recommends dovecot-imapd"
)


_HANDED_OUT: set[int] = set()


def _candidates() -> list[int]:
    """Ports to try: 0 (the system picks) or this xdist worker's slice of the range."""
    span = os.environ.get("KANAL_TEST_PORT_RANGE", "")
    if not span:
        return [0] * 20  # the system's pick, again if it repeats one handed out before
    low, high = (int(p) for p in span.split("-"))
    ports = list(range(low, high + 1))
    # Parallel workers (pytest-xdist: gw0, gw1, ...) take disjoint slices of the range,
    # so two workers never probe the same port at the same moment.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    count = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1") or 1)
    if worker.startswith("gw") and count > 1:
        ports = ports[int(worker[2:]) % count :: count]
    return ports


def free_port() -> int:
    """A free TCP port on 127.0.0.1, within KANAL_TEST_PORT_RANGE when it is set.

    Never the same port twice in one process, so a port kept for "nobody listens here"
    is not later handed to a server. Tests take their ports from here rather than
    fixing numbers: parallel workers, helpers and CI runs on one machine do not collide.
    """
    span = os.environ.get("KANAL_TEST_PORT_RANGE", "")
    for port in _candidates():
        if port in _HANDED_OUT:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            found = probe.getsockname()[1]
        if found in _HANDED_OUT:
            continue
        _HANDED_OUT.add(found)
        return found
    raise RuntimeError(f"no free port left in KANAL_TEST_PORT_RANGE={span}")


def wait_for_port(port: int, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {seconds} s")


# --- SMTP ---------------------------------------------------------------------------------


class SmtpServer:
    """aiosmtpd on 127.0.0.1 keeping every message it accepts."""

    def __init__(self, port: int | None = None):
        from aiosmtpd.controller import Controller

        self.port = port or free_port()
        self.envelopes = []
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"

    @property
    def messages(self) -> list[email.message.Message]:
        return [email.message_from_bytes(e.content) for e in self.envelopes]

    def env(self) -> dict[str, str]:
        """Environment variables pointing a Kanal process at this server (as deploy.md says)."""
        return {
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.port),
            "EMAIL_USE_TLS": "0",
            "DEFAULT_FROM_EMAIL": "pengaduan@kanal.test",
        }

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()


@pytest.fixture
def smtp_server():
    with SmtpServer() as server:
        yield server


@pytest.fixture
def smtp_backend(smtp_server, settings):
    """Django's SMTP backend, pointed at ``smtp_server`` (the harness had put locmem)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    return smtp_server


# --- IMAP (Dovecot) -----------------------------------------------------------------------

DOVECOT_CONF = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
first_valid_uid = {uid}
last_valid_uid = {uid}
first_valid_gid = {gid}
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service stats {{
  unix_listener stats-reader {{
    user = {user}
  }}
  unix_listener stats-writer {{
    user = {user}
  }}
}}
"""


class DovecotServer:
    """Dovecot serving one mailbox (``pengaduan`` / a password) on a free port."""

    user = "pengaduan"
    password = "kotak-surat-uji"

    def __init__(self, port: int | None = None):
        if not Path(DOVECOT).exists():
            pytest.fail(INSTALL_HINT, pytrace=False)
        self.port = port or free_port()
        self.root = Path(tempfile.mkdtemp(prefix="kanal-dovecot-"))
        self.process: subprocess.Popen | None = None

    def _write_config(self) -> Path:
        uid, gid = os.getuid(), os.getgid()
        # Dovecot runs its login and internal processes as an unprivileged user; as root
        # (CI containers) that is Debian's dovenull/dovecot, otherwise ourselves.
        user = "dovenull" if uid == 0 else pwd.getpwuid(uid).pw_name
        group = "dovecot" if uid == 0 else grp.getgrgid(gid).gr_name
        if uid == 0:
            # The mail itself belongs to an ordinary user, never root.
            uid, gid = pwd.getpwnam("dovecot").pw_uid, grp.getgrnam("dovecot").gr_gid
            os.chmod(self.root, 0o755)  # noqa: S103 (traversable by the mail user)
        for folder in ("run", "state", "mail", "home"):
            (self.root / folder).mkdir()
            if os.getuid() == 0:
                os.chown(self.root / folder, uid, gid)
        (self.root / "users").write_text(f"{self.user}:{{PLAIN}}{self.password}\n")
        conf = self.root / "dovecot.conf"
        conf.write_text(
            DOVECOT_CONF.format(
                root=self.root, user=user, group=group, uid=uid, gid=gid, port=self.port
            )
        )
        return conf

    def __enter__(self) -> DovecotServer:
        conf = self._write_config()
        self.process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(conf)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for_port(self.port)
        except TimeoutError:
            self.process.kill()
            output = self.process.communicate()[0].decode(errors="replace")
            log = (
                (self.root / "dovecot.log").read_text()
                if (self.root / "dovecot.log").exists()
                else ""
            )
            pytest.fail(f"Dovecot did not start: {output}\n{log}", pytrace=False)
        return self

    def __exit__(self, *exc) -> None:
        if self.process:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.root, ignore_errors=True)

    def client(self) -> imaplib.IMAP4:
        box = imaplib.IMAP4("127.0.0.1", self.port)
        box.login(self.user, self.password)
        return box

    def deliver(self, raw: bytes, folder: str = "INBOX") -> None:
        """Put one message in the mailbox, unseen, as a mail server's delivery would."""
        box = self.client()
        try:
            status, detail = box.append(folder, "", imaplib.Time2Internaldate(time.time()), raw)
            assert status == "OK", detail
        finally:
            box.logout()

    def unseen(self, folder: str = "INBOX") -> list[bytes]:
        box = self.client()
        try:
            box.select(folder)
            _, data = box.search(None, "UNSEEN")
            return data[0].split()
        finally:
            box.logout()

    def console_values(self) -> dict[str, str]:
        """What an administrator types on the e-mail channel's page."""
        return {
            "KANAL_IMAP_HOST": "127.0.0.1",
            "KANAL_IMAP_PORT": str(self.port),
            "KANAL_IMAP_SSL": "0",
            "KANAL_IMAP_USER": self.user,
            "KANAL_IMAP_PASSWORD": self.password,
            "KANAL_IMAP_FOLDER": "INBOX",
            "KANAL_EMAIL_REPLY_ADDRESS": "pengaduan@kanal.test",
        }

    def env(self) -> dict[str, str]:
        """The same as environment variables for a Kanal process."""
        return self.console_values()


@pytest.fixture
def imap_server():
    with DovecotServer() as server:
        yield server


@pytest.fixture
def port() -> int:
    """A free port on 127.0.0.1 for a server this test starts (see ``free_port``)."""
    return free_port()
