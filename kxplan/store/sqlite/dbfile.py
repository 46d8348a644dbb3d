"""The SQLite database as a file: what a file is before it is opened, staging, publishing, removal.

- ``inspect`` reads a file's 100-byte header (or, while its content is only in a WAL, asks
  SQLite read-only) and says whether it is a kxplan database and of which schema version; a
  directory, a text file, random bytes, another application's SQLite or a newer schema is
  refused with one line and never modified.
- A new database built elsewhere (``import`` into no database) lives under ``staging_path``
  beside its final name and is published with ``publish_new``; the leftovers of a killed
  import are removed by ``remove_stale_staging`` once their process is gone.
- ``link_into_place`` is the one way a finished file gets its name without ever replacing one
  that appeared meanwhile (a hard link, or a rename where there are no hard links).
"""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path

from kxplan.errors import DatabaseError
from kxplan.messages import t
from kxplan.store.sqlite.schema import APPLICATION_ID, SCHEMA_VERSION, SQLITE_MAGIC

BUSY_TIMEOUT_MS = 10_000
"""How long a connection waits for a lock before SQLite answers "busy"."""
JOURNALS = ("-wal", "-shm", "-journal")
"""The files SQLite keeps beside a database while it is open or was interrupted."""

_STAGING_RE = re.compile(
    r"\.import-(\d+)-[0-9a-f]+(?:-wal|-shm|-journal)?$|\.import-(\d+)(?:-wal|-shm|-journal)?$"
)


# --- what a file is ---------------------------------------------------------------------------


def sqlite_kind(path: Path) -> str | None:
    """``kxplan`` or ``sqlite`` when the readable file at ``path`` is an SQLite database, else None.

    Only the header is read: its first 16 bytes, and the application id at bytes 68–72.
    """
    try:
        with open(path, "rb") as handle:
            head = handle.read(100)
    except OSError:
        return None
    if not head.startswith(SQLITE_MAGIC):
        return None
    return "kxplan" if head[68:72] == APPLICATION_ID.to_bytes(4, "big") else "sqlite"


def has_tables(conn: sqlite3.Connection) -> bool:
    """Whether the database on ``conn`` holds any table, index, view or trigger."""
    count: int = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    return count > 0


def inspect(path: Path) -> int | None:
    """The schema version of an existing kxplan database, or None when there is none yet.

    Raise ``DatabaseError`` for anything else. Only the 100-byte SQLite header is read (no
    SQLite connection), so a foreign file is never modified and nothing is left beside it.
    The header can lag behind a WAL that is not yet checkpointed; ``SqliteStore.open``
    re-checks the version on its connection, and a creation re-checks everything under the
    write lock.
    """
    from kxplan.paths import kind

    found = kind(path)
    if found == "directory":
        raise DatabaseError(t("store.is_directory", path=path))
    if found == "special":  # a device or FIFO is never opened, let alone replaced
        raise DatabaseError(t("path.db_special", path=path))
    try:
        with open(path, "rb") as handle:
            head = handle.read(100)
            size = os.fstat(handle.fileno()).st_size
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise DatabaseError(t("store.cannot_open", path=path, reason=exc.strerror or exc)) from None
    if not head:
        return _inspect_wal(path)  # an empty file (e.g. from `touch`) is a database not yet created
    if head[:16] != SQLITE_MAGIC[: len(head[:16])] or len(head) < 16:
        raise DatabaseError(t("store.not_sqlite", path=path))
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if len(head) < 100 or page_size < 512 or page_size & (page_size - 1):
        raise DatabaseError(t("store.damaged", path=path, reason="bad header"))
    version = int.from_bytes(head[60:64], "big")
    app_id = int.from_bytes(head[68:72], "big")
    if app_id == APPLICATION_ID:
        if version > SCHEMA_VERSION:
            raise DatabaseError(
                t("store.too_new", path=path, version=version, known=SCHEMA_VERSION)
            )
        return version
    if app_id != 0:
        raise DatabaseError(t("store.foreign_app", path=path, app_id=f"0x{app_id:08X}"))
    if version == 0 and size <= page_size:
        return _inspect_wal(path)  # an empty SQLite file: ours to create
    raise DatabaseError(t("store.foreign", path=path))


def _inspect_wal(path: Path) -> int | None:
    """Like ``inspect`` for a file whose header says "empty" while a WAL holds its content.

    A database just created by another process may exist only in its ``-wal`` file until a
    checkpoint; SQLite itself (read-only) is asked then. Without a WAL: None (a new database).
    """
    try:
        if os.stat(f"{path}-wal").st_size == 0:
            return None
    except OSError:
        return None
    uri = path.absolute().as_uri() + "?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except sqlite3.Error as exc:
        raise DatabaseError(t("store.cannot_open", path=path, reason=exc)) from None
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        app_id: int = conn.execute("PRAGMA application_id").fetchone()[0]
        version: int = conn.execute("PRAGMA user_version").fetchone()[0]
        if app_id == 0 and version == 0 and not has_tables(conn):
            return None
        if app_id != APPLICATION_ID:
            raise DatabaseError(t("store.foreign", path=path))
        if version > SCHEMA_VERSION:
            raise DatabaseError(
                t("store.too_new", path=path, version=version, known=SCHEMA_VERSION)
            )
        return version
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(t("store.damaged", path=path, reason=exc)) from None
    finally:
        conn.close()


def database_exists(path: Path) -> bool:
    """Whether ``path`` holds a database with content: a non-empty file, or a WAL of one."""
    for name in (path, Path(f"{path}-wal")):
        try:
            if os.stat(name).st_size > 0:
                return True
        except OSError:
            pass
    return False


# --- staging and publishing ---------------------------------------------------------------------


def link_into_place(staging: Path, dest: Path) -> bool:
    """Give a finished file the name ``dest`` unless a file has it; False when one has.

    A hard link never replaces an existing file; where the filesystem has no hard links, the
    file is renamed, after checking that ``dest`` is still free. The staging name stays (the
    caller removes it).
    """
    try:
        os.link(staging, dest)
        return True
    except FileExistsError:
        return False
    except OSError:  # a filesystem without hard links
        if dest.exists():
            return False
        os.replace(staging, dest)
        return True


def publish_new(staging: Path, path: Path) -> bool:
    """Give a newly built (closed) database its final name unless one appeared there meanwhile.

    An empty placeholder file (e.g. from ``touch``) is replaced. Return False when another
    database took the name first (the staging copy stays).
    """
    if link_into_place(staging, path):
        return True
    if database_exists(path):
        return False
    os.replace(staging, path)  # an empty placeholder file
    return True


def staging_path(path: Path) -> Path:
    """A fresh name beside ``path`` to build a new database in; never the name of a leftover."""
    return path.with_name(f".{path.name}.import-{os.getpid()}-{os.urandom(6).hex()}")


def remove_database(path: Path) -> None:
    """Remove a database file and its ``-wal`` / ``-shm`` / ``-journal`` companions, if present."""
    for name in (path, *(Path(f"{path}{suffix}") for suffix in JOURNALS)):
        try:
            name.unlink()
        except FileNotFoundError:
            pass


def remove_stale_staging(path: Path) -> int:
    """Delete what killed imports into ``path`` left behind (their process is gone); say how many."""
    removed = 0
    prefix = f".{path.name}.import-"
    try:
        leftovers = [p for p in path.parent.iterdir() if p.name.startswith(prefix)]
    except OSError:
        return 0
    for leftover in leftovers:
        match = _STAGING_RE.search(leftover.name)
        if not match:
            continue
        pid = int(match.group(1) or match.group(2))
        if _process_alive(pid):
            continue
        base = re.sub(r"-(?:wal|shm|journal)$", "", leftover.name)
        remove_database(leftover.with_name(base))
        removed += 1
    return removed


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists but is not ours
    return True
