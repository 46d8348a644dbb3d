"""Which files kxplan may read and write: the one place that decides.

The rules (README "Reliability"):

- kxplan writes only regular files: a new file, or one of its own (a kxplan database, an
  export, a report). A device (``/dev/null``), a FIFO, a socket or a folder is never opened
  for writing, nor replaced by a rename — as root, ``--db /dev/null`` would otherwise swap
  the system's ``/dev/null`` for a database.
- The plan file in use and the database (with its ``-wal``/``-shm``/``-journal``) are never
  the target of an export, a backup or a report, whatever the name they are reached by
  (symbolic link, hard link, ``..``).
- ``--db`` names a file: ``:memory:``, ``file:`` URIs and an empty name would "record"
  into nothing, so they are refused. (A ``postgresql://`` URL is left for the PostgreSQL
  engine to route.)
- Inputs (the plan, a CSV, a template) must be regular files and are read with a size cap:
  a FIFO is never opened in a way that blocks, ``/dev/zero`` is never read.

``check_database`` serves ``--db``; ``check_output`` every file a command writes;
``read_input`` every file a command reads whole. ``kind`` is the classification they share.
"""

from __future__ import annotations

import io
import os
import stat
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from kxplan.errors import DatabaseError, InputError
from kxplan.messages import t

if TYPE_CHECKING:
    from kxplan.store.location import ServerLocation  # a server URL: --db names no file

#: Path prefixes that another store engine answers (issue 19); never refused here.
ENGINE_URLS = ("postgresql://", "postgres://")


def kind(path: Path | str) -> str:
    """What is at ``path`` (links followed): ``missing``, ``file``, ``directory`` or ``special``."""
    try:
        mode = os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return "missing"
    except OSError:
        return "missing"  # unreachable: opening it will give the OS's own reason
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "directory"
    return "special"


def same_file(one: Path | str, other: Path | str | None) -> bool:
    """Whether two names reach the same file (links and ``..`` included)."""
    if other is None:
        return False
    try:
        if os.path.samefile(one, other):
            return True
    except (OSError, ValueError):
        pass
    return os.path.realpath(one) == os.path.realpath(other)


def is_engine_url(value: Path | str | ServerLocation) -> bool:
    """Whether ``--db`` is a server URL (another engine), not a file name."""
    text = str(value)
    return text.startswith(ENGINE_URLS) or text.startswith(("postgresql:/", "postgres:/"))


def check_database(path: Path | str | ServerLocation, *, plan: Path | None = None) -> None:
    """Refuse a ``--db`` that is not a database *file* kxplan may create or open.

    ``DatabaseError`` (exit 3, nothing touched) for ``:memory:``, a ``file:`` URI, an empty
    name, a device/FIFO/socket, the plan file itself, or a ``-wal``/``-shm``/``-journal``
    beside it that is a link, device, FIFO or folder (SQLite would write through it). A
    folder is left to the store's own message.
    """
    text = str(path)
    if is_engine_url(text):
        return
    if not text.strip() or text.startswith(":memory") or text.lower().startswith("file:"):
        raise DatabaseError(t("path.db_not_a_file", path=text))
    found = kind(text)
    if found == "special":
        raise DatabaseError(t("path.db_special", path=text))
    if found == "file" and plan is not None and same_file(text, plan):
        raise DatabaseError(t("path.db_is_plan", path=text))
    for companion in database_names(path)[1:]:
        # SQLite opens these beside the database and writes through whatever they are
        if os.path.islink(companion) or kind(companion) in ("special", "directory"):
            raise DatabaseError(t("path.db_companion", path=text, companion=str(companion)))


def refuse_special(path: Path | str) -> None:
    """``InputError`` when ``path`` exists and is neither a regular file nor missing/a folder."""
    if kind(path) == "special":
        raise InputError(t("path.not_regular", path=str(path)))


def _protected(path: Path, names: Iterable[Path | None]) -> bool:
    for name in names:
        if name is None or is_engine_url(name):
            continue
        if same_file(path, name):
            return True
    return False


def database_names(db: Path | str | ServerLocation | None) -> list[Path]:
    """The database and its companion files (``-wal``, ``-shm``, ``-journal``)."""
    if db is None or is_engine_url(db):
        return []
    from kxplan.store.sqlite.dbfile import JOURNALS

    return [Path(str(db)), *(Path(f"{db}{suffix}") for suffix in JOURNALS)]


def check_output(
    path: Path,
    keys: Mapping[str, str],
    *,
    plan: Path | None,
    db: Path | str | ServerLocation | None,
    force: bool = True,
    replaceable: str = "any",
    **fields: object,
) -> None:
    """Refuse to write ``path`` unless it is new or a regular file this command may replace.

    ``keys`` names the message for each refusal — ``directory``, ``special``, ``plan``,
    ``database``, ``foreign`` (an existing file of the wrong kind) and ``exists`` (an
    existing file without ``force``) — each formatted with ``path`` and ``fields``.
    ``replaceable`` says what an existing file may be: ``any`` regular file, ``not-sqlite``
    (an export never replaces a database) or ``kxplan`` (a backup replaces only a kxplan
    database). Raise ``InputError`` (exit 1): nothing is written.
    """

    def refuse(reason: str) -> InputError:
        return InputError(t(keys[reason], path=str(path), **fields))

    found = kind(path)
    if found == "directory":
        raise refuse("directory")
    if found == "special":
        raise refuse("special")
    if _protected(path, database_names(db)):
        raise refuse("database")
    if _protected(path, [plan]):
        raise refuse("plan")
    if found == "missing":
        return
    from kxplan.store.sqlite.dbfile import sqlite_kind  # the file's header, read by the store

    sqlite = sqlite_kind(path)
    if replaceable == "not-sqlite" and sqlite is not None:
        raise refuse("foreign")  # said first: --force would not help
    if not force:
        raise refuse("exists")
    if replaceable == "kxplan" and sqlite != "kxplan":
        raise refuse("foreign")


def read_input(path: Path, limit: int, keys: Mapping[str, str], **fields: object) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them, read without blocking.

    ``keys`` names the message (``InputError``) for ``missing``, ``directory``, ``special``
    (a FIFO, device or socket: never read), ``too_large`` and ``unreadable`` — formatted with
    ``path``, ``limit``, ``reason`` and ``fields``. The file is opened ``O_NONBLOCK`` and
    checked with ``fstat`` on the open descriptor, so a FIFO swapped in after a check still
    cannot hang the command.
    """
    with open_input(path, limit, keys, **fields) as stream:
        return stream.read()


def open_input(path: Path, limit: int, keys: Mapping[str, str], **fields: object) -> BinaryIO:
    """The regular file ``path`` opened for reading as a stream, checked as ``read_input``
    checks it; reading it past ``limit`` bytes (it grew) raises the ``too_large`` message,
    and a failed read the ``unreadable`` one. For files read a piece at a time (an import)."""

    def refuse(reason: str, why: object = "") -> InputError:
        message = t(keys[reason], path=str(path), limit=_size(limit), reason=why, **fields)
        return InputError(message)

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise refuse("missing") from None
    except IsADirectoryError:
        raise refuse("directory") from None
    except OSError as exc:
        raise refuse("unreadable", exc.strerror or exc) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise refuse("directory")
        if not stat.S_ISREG(info.st_mode):
            raise refuse("special")
        if info.st_size > limit:
            raise refuse("too_large")
    except OSError as exc:
        os.close(fd)
        raise refuse("unreadable", exc.strerror or exc) from None
    except BaseException:
        os.close(fd)
        raise
    return io.BufferedReader(_CappedFile(fd, limit, refuse), 1 << 20)


class _CappedFile(io.RawIOBase):
    """A file descriptor read with a cap on the bytes read (``open_input``)."""

    def __init__(self, fd: int, limit: int, refuse: Callable[..., InputError]) -> None:
        super().__init__()
        self.fd = fd
        self.limit = limit
        self.refuse = refuse

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        return os.lseek(self.fd, offset, whence)

    def tell(self) -> int:
        return os.lseek(self.fd, 0, os.SEEK_CUR)

    def readinto(self, buffer: Any) -> int:
        try:
            count = os.readv(self.fd, [buffer])
        except OSError as exc:
            raise self.refuse("unreadable", exc.strerror or exc) from None
        if count and self.tell() > self.limit:
            raise self.refuse("too_large")  # the file grew while it was read
        return count

    def close(self) -> None:
        if not self.closed:
            os.close(self.fd)
        super().close()


def _size(limit: int) -> str:
    """A byte count for people: ``64 MiB``."""
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if limit >= size and limit % size == 0:
            return f"{limit // size} {unit}"
    return f"{limit} B"
