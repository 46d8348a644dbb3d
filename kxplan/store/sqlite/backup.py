"""``kxplan backup`` for SQLite: the online backup API, a verified copy, and its publishing.

The copy is taken inside one read transaction (writers carry on meanwhile) into a temporary
file beside the destination, made a single self-contained file (``journal_mode=DELETE``),
verified (``integrity_check``, application id, schema version, entry and void counts equal to
the snapshot's), synced (``kxplan.fsio``), and only then given its name: a failed backup never
leaves half a file nor destroys an earlier backup (docs/reliability.md).
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from kxplan.errors import InputError, OutputError
from kxplan.messages import t
from kxplan.paths import same_file
from kxplan.store.interface import BackupResult
from kxplan.store.sqlite.dbfile import link_into_place, remove_database
from kxplan.store.sqlite.schema import APPLICATION_ID


def backup(
    conn: sqlite3.Connection,
    source: Path,
    snapshot: AbstractContextManager[Any],
    dest: Path,
    *,
    force: bool,
) -> BackupResult:
    """Copy the database open on ``conn`` (the file ``source``) to ``dest``; see the module.

    ``snapshot`` is the store's read transaction. An existing ``dest`` is refused unless
    ``force``; ``dest`` may never be the database itself.
    """
    from kxplan.fsio import fsync_file, fsync_folder

    if dest.is_dir():
        raise InputError(t("backup.is_directory", path=dest, example=dest / "kxplan-backup.db"))
    if dest.exists():
        if same_file(dest, source):
            raise InputError(t("backup.same_file", path=dest))
        if not force:
            raise InputError(t("backup.exists", path=dest))
    folder = dest.absolute().parent
    if not folder.is_dir():
        raise OutputError(t("backup.no_folder", path=dest))
    import tempfile  # only here: it costs start-up time for every other command

    try:
        handle, name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=folder)
        os.close(handle)
    except OSError as exc:
        raise OutputError(t("backup.cannot_write", path=dest, reason=exc.strerror or exc)) from None
    staging = Path(name)
    try:
        try:
            facts = _copy_into(conn, source, snapshot, staging)
        except sqlite3.Error as exc:
            raise OutputError(t("backup.failed", path=dest, reason=exc)) from None
        problem = _verify_copy(staging, facts)
        if problem:
            raise OutputError(t("backup.verify_failed", path=dest, reason=problem))
        try:
            fsync_file(staging)
            if force:
                os.replace(staging, dest)
            elif not link_into_place(staging, dest):
                raise InputError(t("backup.exists", path=dest))
        except OSError as exc:
            raise OutputError(
                t("backup.cannot_write", path=dest, reason=exc.strerror or exc)
            ) from None
    finally:
        remove_database(staging)
    fsync_folder(folder)
    return BackupResult(
        path=dest,
        entries=facts["entries"],
        voids=facts["voids"],
        schema_version=facts["schema version"],
    )


def _copy_into(
    conn: sqlite3.Connection,
    source: Path,
    snapshot: AbstractContextManager[Any],
    staging: Path,
) -> dict[str, int]:
    """Copy one read snapshot into ``staging``; return the snapshot's facts."""
    target = sqlite3.connect(staging, isolation_level=None)
    try:
        with snapshot:
            facts = _facts(conn)
            conn.backup(target)
        target.execute("PRAGMA journal_mode = DELETE").fetchone()
    finally:
        target.close()
    try:
        os.chmod(staging, os.stat(source).st_mode & 0o777)
    except OSError:
        pass
    return facts


def _facts(conn: sqlite3.Connection) -> dict[str, int]:
    """What a backup must reproduce: application id, schema version, entry and void counts."""
    return {
        "application_id": conn.execute("PRAGMA application_id").fetchone()[0],
        "schema version": conn.execute("PRAGMA user_version").fetchone()[0],
        "entries": conn.execute("SELECT count(*) FROM entries").fetchone()[0],
        "voids": conn.execute("SELECT count(*) FROM voids").fetchone()[0],
    }


def _verify_copy(path: Path, expected: dict[str, int]) -> str | None:
    """Why the copy at ``path`` is not a faithful backup, or None when it is."""
    try:
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return str(exc)
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
        integrity = "; ".join(str(row[0]) for row in rows)
        if integrity != "ok":
            return f"integrity_check: {integrity}"
        found = _facts(conn)
    except sqlite3.Error as exc:
        return str(exc)
    finally:
        conn.close()
    for name, value in expected.items():
        if found[name] != value:
            return t("backup.differs", what=name, copy=found[name], source=value)
    if found["application_id"] != APPLICATION_ID:
        return t(
            "backup.differs",
            what="application_id",
            copy=found["application_id"],
            source=APPLICATION_ID,
        )
    return None
