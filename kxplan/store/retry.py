"""The one retry-with-backoff loop of the store.

A database that another writer holds answers "busy" (SQLite: ``SQLITE_BUSY`` where waiting
could deadlock, or after its busy timeout; a server: a serialization failure). Such a step is
run again after a pause that doubles up to ``MAX_PAUSE_S``, until a deadline; any other error,
or the deadline, ends it with the step's own exception, which the caller turns into a message.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

SLOW_NOTICE_S = 2.0
"""After this long waiting, the person at the terminal is told what kxplan is waiting for."""
_notify: Callable[[str], None] | None = None


def set_waiting_notice(notify: Callable[[str], None] | None) -> None:
    """Who says "waiting for …" (the CLI: one stderr line); the store itself never prints."""
    global _notify
    _notify = notify


def waiting(what: str) -> Callable[[], None]:
    """An ``on_slow`` for ``retry``: tell the registered notifier about ``what``."""

    def slow() -> None:
        if _notify is not None:
            _notify(what)

    return slow


LOCK_DEADLINE_S = 120.0
"""How long a writer keeps retrying a locked database before giving up with a message."""
FIRST_PAUSE_S = 0.01
MAX_PAUSE_S = 0.5


def deadline_after(seconds: float = LOCK_DEADLINE_S) -> float:
    """The moment (``time.monotonic``) a retry started now gives up."""
    return time.monotonic() + seconds


def retry(
    step: Callable[[], T],
    *,
    retry_on: type[BaseException] | tuple[type[BaseException], ...],
    transient: Callable[[BaseException], bool],
    deadline: float,
    on_slow: Callable[[], None] | None = None,
) -> T:
    """Run ``step``; while it raises ``retry_on`` that is ``transient``, pause and run it again.

    ``deadline`` is a ``time.monotonic()`` moment (``deadline_after``); past it, or for an
    error that is not transient, the step's exception propagates unchanged. The step must be
    safe to repeat (it rolled back whatever it started). ``on_slow`` is called once when the
    wait has lasted ``SLOW_NOTICE_S``.
    """
    pause = FIRST_PAUSE_S
    slow_at = time.monotonic() + SLOW_NOTICE_S
    while True:
        try:
            return step()
        except retry_on as exc:
            if not transient(exc) or time.monotonic() > deadline:
                raise
            if on_slow is not None and time.monotonic() >= slow_at:
                on_slow()
                on_slow = None
            time.sleep(pause)  # Ctrl-C (or SIGTERM) interrupts here: nothing was started
            pause = min(pause * 2, MAX_PAUSE_S)
