"""A value a process keeps for a few seconds in front of a shared source (issue 24).

Several hot paths read the same small thing on every request (the report form's choice
lists, the public cases a report may be near, whether calendar decrees changed, saved
channel credentials). Each process keeps what it read for ``seconds``: a change made
in another process shows at most that much later; the process that made the change
calls :meth:`ProcessCopy.forget` (a signal receiver or the writing action), so its own
next read is fresh. The bound on staleness is each use's documented constant.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from django.db import transaction

T = TypeVar("T")
_NEVER = float("-inf")


class ProcessCopy(Generic[T]):
    """``load()``'s result, kept for ``seconds`` in this process (all its threads)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._slot: tuple[float, T | None] = (_NEVER, None)
        self._lock = threading.Lock()

    def get(self, load: Callable[[], T]) -> T:
        """The kept value while younger than ``seconds``, else ``load()``, kept."""
        read_at, value = self._slot
        now = time.monotonic()
        if now - read_at < self.seconds:
            return value  # type: ignore[return-value]  # set together with read_at
        value = load()
        with self._lock:
            self._slot = (now, value)
        return value

    def forget(self) -> bool:
        """Read anew next time; whether a value was kept."""
        with self._lock:
            had, self._slot = self._slot[0] != _NEVER, (_NEVER, None)
        return had

    def forget_now_and_after_commit(self) -> None:
        """Forget now and, inside a transaction, once more when it commits (a read made
        meanwhile saw the rows before the commit)."""
        self.forget()
        if transaction.get_connection().in_atomic_block:
            transaction.on_commit(self.forget)
