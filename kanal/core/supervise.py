"""``python -m kanal.core.supervise SPEC``: what ``manage.py serve`` becomes once it has
checked everything, so the supervisor that watches the processes for days holds
~12 MB instead of the ~110 MB of a process with Django and every app imported.

serve runs its checks, compiles the catalogues, collects the static files and opens
the web socket with Django loaded, then replaces itself (``os.execve``: the same pid,
so systemd's MainPID, SIGHUP and SIGTERM still reach it; the socket inherited) with
this module, which imports nothing but :mod:`kanal.core.processes`. SPEC is the JSON
built by serve: the commands, the working folder, the address, the socket's file
descriptor (``null`` without a web server), the number of web workers and the grace
period. What it prints and its exit status are serve's: the address once gunicorn
answers, "Kanal stopped." at the end, and ``CommandError: ...`` with status 1 when a
process failed, as Django prints a management command's error.
"""

from __future__ import annotations

import json
import socket
import sys

from kanal.core.processes import StartFailed, Supervisor


def _fail(message: str) -> int:
    print(f"CommandError: {message}", file=sys.stderr, flush=True)
    return 1


def main(argv: list[str]) -> int:
    spec = json.loads(argv[1])
    fd = spec["fd"]
    supervisor = Supervisor(
        commands=spec["commands"],
        cwd=spec["cwd"],
        host=spec["host"],
        port=spec["port"],
        grace=spec["grace"],
        listener=None if fd is None else socket.socket(fileno=fd),
        web_workers=spec["web_workers"],
    )
    try:
        supervisor.start(check_port=False)  # serve opened the socket (or runs no web)
        if fd is not None:
            supervisor.wait_until_ready()
    except StartFailed as exc:
        return _fail(str(exc))
    running = ", ".join(supervisor.procs)
    if fd is not None:
        print(f"Kanal is serving at http://{spec['host']}:{spec['port']}/ ({running})", flush=True)
    else:
        print(f"Kanal's workers are running ({running})", flush=True)
    code = supervisor.watch()
    print("Kanal stopped.", flush=True)
    if code:
        return _fail("A process exited; every process was stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
