"""Where a benchmark's CPU and memory go, per process, read from /proc (Linux): CPU seconds
by process group during a run, resident and proportional memory of a stack's processes."""

from __future__ import annotations

import os
from pathlib import Path

from bench.harness import table

# --- where the CPU goes -----------------------------------------------------------------
_TICKS = os.sysconf("SC_CLK_TCK")


def _proc_table() -> dict[int, tuple[int, str, float, float]]:
    """pid -> (parent pid, command, own CPU seconds, CPU seconds of waited-for children)."""
    table_ = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:
            continue  # exited meanwhile
        command = raw[raw.index("(") + 1 : raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2 :].split()
        utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
        table_[int(entry.name)] = (
            int(fields[1]),
            command,
            (utime + stime) / _TICKS,
            (cutime + cstime) / _TICKS,
        )
    return table_


def _cmdline(pid: int) -> str:
    try:
        return (
            Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        )
    except OSError:
        return ""


def serve_role(command: str, parent: str) -> str:
    """What a process of ``manage.py serve``'s tree is, from its command line and its
    parent's."""
    if "manage.py serve" in command or "kanal.core.supervise" in command:
        return "serve (supervisor)"  # serve, and what it execs once its checks are done
    if "-m gunicorn" in command:
        return "web worker" if "-m gunicorn" in parent else "web master"
    if "task_worker" in command:
        return "task worker"
    if "run_scheduler" in command:
        return "scheduler"
    return command[:40]


def serve_parts(serve_pid: int) -> dict[str, int]:
    """The roots of serve's parts for :func:`cpu_by_group` and :func:`memory_by_process`:
    {"web": gunicorn's master (its workers are its children), "worker": the task worker,
    "scheduler": the scheduler}. The supervisor itself only waits and is left out."""
    parts = {}
    for pid, (ppid, _command, *_rest) in _proc_table().items():
        if ppid != serve_pid:
            continue
        part = {"web master": "web", "task worker": "worker", "scheduler": "scheduler"}.get(
            serve_role(_cmdline(pid), _cmdline(serve_pid))
        )
        if part:
            parts[part] = pid
    return parts


def cpu_by_group(
    roots: dict[str, int], postgres: bool = True, databases: dict[str, str] | None = None
) -> dict[str, float]:
    """CPU seconds used so far by each named process tree (root pid and descendants,
    including children that have exited), by PostgreSQL and by this process.
    Differences of two readings give the CPU a run cost per part.

    PostgreSQL is shared with other work on this machine, so with ``databases``
    ({part name: database name}) only the backends connected to that database count
    (their process title names it; the connections are persistent, so a backend's CPU
    is not lost when it exits). Without it, the whole postmaster tree counts."""
    procs = _proc_table()
    children: dict[int, list[int]] = {}
    for pid, (ppid, *_rest) in procs.items():
        children.setdefault(ppid, []).append(pid)

    def tree(root: int) -> float:
        total, stack = 0.0, [root]
        while stack:
            pid = stack.pop()
            if pid in procs:
                _ppid, _cmd, own, waited = procs[pid]
                total += own + waited
                stack.extend(children.get(pid, ()))
        return total

    usage = {name: tree(pid) for name, pid in roots.items()}
    if databases:
        titles = {pid: _cmdline(pid) for pid, (_pp, cmd, *_r) in procs.items() if cmd == "postgres"}
        for part, db in databases.items():
            usage[part] = sum(
                procs[pid][2] for pid, title in titles.items() if f" {db} " in f"{title} "
            )
    elif postgres:
        postmasters = [
            pid for pid, (ppid, cmd, *_r) in procs.items() if cmd == "postgres" and ppid == 1
        ]
        usage["postgres"] = sum(tree(pid) for pid in postmasters)
    me = os.times()
    usage["load generator"] = me.user + me.system
    return usage


# --- memory -------------------------------------------------------------------------------
def _kb(path: Path, key: str) -> int:
    try:
        for line in path.read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def memory_by_process(roots: dict[str, int]) -> list[tuple[str, int, str, float, float]]:
    """(part, pid, command, RSS MB, PSS MB) of every process in each named tree.

    RSS counts pages shared with other processes (gunicorn workers forked from one
    master, shared libraries) in every process; PSS divides each shared page between
    its sharers, so PSS adds up to what the stack really holds."""
    procs = _proc_table()
    children: dict[int, list[int]] = {}
    for pid, (ppid, *_rest) in procs.items():
        children.setdefault(ppid, []).append(pid)
    rows = []
    for name, root in roots.items():
        stack = [root]
        while stack:
            pid = stack.pop()
            if pid not in procs:
                continue
            stack.extend(children.get(pid, ()))
            rss = _kb(Path(f"/proc/{pid}/status"), "VmRSS:")
            pss = _kb(Path(f"/proc/{pid}/smaps_rollup"), "Pss:")
            if rss:
                rows.append((name, pid, _cmdline(pid)[:60].strip(), rss / 1024, pss / 1024))
    return rows


def memory_table(rows: list[tuple[str, int, str, float, float]]) -> tuple[str, float, float]:
    """The rows as a table, and the totals (RSS MB, PSS MB)."""
    body = [[n, pid, cmd, f"{rss:.0f}", f"{pss:.0f}"] for n, pid, cmd, rss, pss in rows]
    rss_total = sum(r[3] for r in rows)
    pss_total = sum(r[4] for r in rows)
    body.append(["total", "", "", f"{rss_total:.0f}", f"{pss_total:.0f}"])
    return table(body, ["part", "pid", "command", "RSS MB", "PSS MB"]), rss_total, pss_total
