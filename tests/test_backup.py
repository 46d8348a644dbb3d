"""``kxplan backup DEST [--force]``: an online, verified copy — also while clerks are writing."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import SMALL_PLAN, file_digest
from test_check import damage

from kxplan.errors import ExitCode
from kxplan.store import SCHEMA_VERSION, Store


def rows(path: Path, table: str = "entries") -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
    finally:
        conn.close()


def leftovers(folder: Path) -> list[str]:
    """Temporary files a backup might have left beside DEST."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.fixture
def recorded(kx: Callable[..., Any], db: Path) -> Path:
    for args in (
        ("p1.visits", "3", "--item", "Dr Li"),
        ("p1.visits", "2"),
        ("p2.science-day",),
    ):
        assert kx("record", *args).exit_code == 0
    assert kx("void", "2", "--reason", "typed twice").exit_code == 0
    return db


def test_a_backup_is_a_verified_single_file_copy(
    kx: Callable[..., Any], recorded: Path, tmp_path: Path
) -> None:
    dest = tmp_path / "copies" / "kxplan-20190510.db"
    dest.parent.mkdir()
    result = kx("backup", str(dest))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr == f"backup written to {dest}: 3 entries, 1 voids, integrity ok\n"
    assert rows(dest) == rows(recorded) and rows(dest, "voids") == rows(recorded, "voids")
    assert sorted(p.name for p in dest.parent.iterdir()) == [dest.name]  # no -wal, no temp
    conn = sqlite3.connect(dest)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    restored = kx("--db", str(dest), "check")  # the copy is a kxplan database as it is
    assert (restored.exit_code, restored.stdout) == (0, "")


def test_an_existing_dest_is_refused_unless_force(
    kx: Callable[..., Any], recorded: Path, tmp_path: Path
) -> None:
    dest = tmp_path / "backup.db"
    dest.write_bytes(b"an older backup")
    result = kx("backup", str(dest))
    assert result.exit_code == ExitCode.PROBLEMS
    assert result.stderr == (
        f"error: {dest} already exists; choose another file name, or replace it with --force\n"
    )
    assert dest.read_bytes() == b"an older backup"
    # --force replaces an earlier backup (a kxplan database), never a file of another kind
    result = kx("backup", str(dest), "--force")
    assert result.exit_code == ExitCode.PROBLEMS
    assert result.stderr == (
        f"error: {dest} exists and is not a kxplan database, so even --force does not replace"
        " it; give the backup another file name\n"
    )
    assert dest.read_bytes() == b"an older backup"
    dest.unlink()
    assert kx("backup", str(dest)).exit_code == 0
    assert kx("record", "p1.visits", "2").exit_code == 0
    result = kx("backup", str(dest), "--force")
    assert result.exit_code == 0, result.output
    assert rows(dest) == rows(recorded)
    assert leftovers(tmp_path) == []


def test_a_failed_backup_keeps_the_previous_one(
    kx: Callable[..., Any], db: Path, tmp_path: Path
) -> None:
    dest = tmp_path / "backup.db"
    assert kx("record", "p1.visits", "2").exit_code == 0
    assert kx("backup", str(dest)).exit_code == 0
    yesterday = dest.read_bytes()
    damage(db)
    result = kx("backup", str(dest), "--force")
    assert result.exit_code == ExitCode.IO
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: the backup copy failed verification (")
    assert line.endswith(f"), so {dest} was not written; run: kxplan check")
    assert dest.read_bytes() == yesterday
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("make_dest", "code", "expected"),
    [
        (
            lambda tmp: tmp,
            ExitCode.PROBLEMS,
            "error: {dest} is a folder; give the backup a file name, e.g. {dest}/kxplan-backup.db",
        ),
        (
            lambda tmp: tmp / "missing" / "backup.db",
            ExitCode.IO,
            "error: cannot write the backup {dest}: its folder does not exist",
        ),
    ],
    ids=["a folder", "a missing folder"],
)
def test_a_dest_that_cannot_be_written_is_one_line(
    kx: Callable[..., Any], recorded: Path, tmp_path: Path, make_dest: Any, code: int, expected: str
) -> None:
    dest = make_dest(tmp_path)
    before = sorted(tmp_path.rglob("*"))
    result = kx("backup", str(dest))
    assert result.exit_code == code
    assert result.stderr == expected.format(dest=dest) + "\n"
    assert sorted(tmp_path.rglob("*")) == before


def test_an_unwritable_folder_is_one_line(
    kx: Callable[..., Any], recorded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied")

    # chmod does not stop root, so the refusal is simulated where the file would be created
    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    dest = tmp_path / "backup.db"
    result = kx("backup", str(dest))
    assert result.exit_code == ExitCode.IO
    assert result.stderr == (
        f"error: cannot write the backup {dest}: Permission denied;"
        " an earlier file of that name is unchanged\n"
    )
    assert not dest.exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="running as root: chmod does not stop writes")
def test_a_read_only_folder_is_one_line(
    kx: Callable[..., Any], recorded: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        result = kx("backup", str(folder / "backup.db"))
    finally:
        folder.chmod(0o700)
    assert result.exit_code == ExitCode.IO
    assert result.stderr.startswith("error: cannot write the backup ")
    assert result.stderr.count("\n") == 1


def test_the_database_itself_is_refused(kx: Callable[..., Any], recorded: Path) -> None:
    before = file_digest(recorded)
    result = kx("backup", str(recorded), "--force")
    assert result.exit_code == ExitCode.PROBLEMS
    assert "is the database itself" in result.stderr
    assert file_digest(recorded) == before


def test_a_missing_database_is_the_store_error(
    kx: Callable[..., Any], db: Path, tmp_path: Path
) -> None:
    result = kx("backup", str(tmp_path / "backup.db"))
    assert result.exit_code == ExitCode.NO_DATABASE
    assert result.stderr.startswith(f"error: there is no database {db} yet;")
    assert not (tmp_path / "backup.db").exists()


def test_an_older_database_is_copied_as_it_is(
    kx: Callable[..., Any], db: Path, tmp_path: Path
) -> None:
    fixture = Path(__file__).parent / "fixtures" / "schema_v1.sql"
    conn = sqlite3.connect(db)
    conn.executescript(fixture.read_text(encoding="utf-8"))
    conn.close()
    dest = tmp_path / "backup.db"
    result = kx("backup", str(dest))
    assert result.exit_code == 0, result.output
    assert "3 entries, 1 voids" in result.stderr
    for path in (db, dest):  # neither the source nor the copy was upgraded
        conn = sqlite3.connect(path)
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1 < SCHEMA_VERSION
        conn.close()


# --- while clerks are writing ------------------------------------------------------------------

WRITER = textwrap.dedent(
    """
    import sys, time
    from datetime import date
    from decimal import Decimal
    from pathlib import Path
    from kxplan.entry import Draft
    from kxplan.plan import load
    from kxplan.store import Store

    db, plan_path, name, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    plan = load(plan_path)
    with Store.open(Path(db), create=False) as store:
        for i in range(count):
            draft = Draft("p1.visits", "count", date(2019, 5, 1), Decimal(1), item=f"{name}-{i}",
                          written_target="p1.visits")
            entry = store.record(plan, draft, name)
            print(entry.id, flush=True)  # acknowledged
            time.sleep(0.003)
    """
)


def count(db: Path) -> int:
    with Store.open(db, create=False) as store:
        return store.count_entries(2019, include_voided=True)


@pytest.mark.slow
def test_a_backup_while_two_writers_record_is_a_consistent_snapshot(
    db: Path, tmp_path: Path
) -> None:
    per_writer = 400
    with Store.open(db, create=True):
        pass
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db), str(SMALL_PLAN), f"w{n}", str(per_writer)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(2)
    ]
    backups = []
    try:
        for threshold in (60, 250, 500):
            deadline = time.monotonic() + 60
            while count(db) < threshold and time.monotonic() < deadline:
                time.sleep(0.01)
            dest = tmp_path / f"backup-{threshold}.db"
            start = count(db)
            with Store.open(db, create=False, upgrade=False) as store:
                result = store.backup(dest)
            end = count(db)
            backups.append((dest, start, result.entries, end))
    finally:
        outputs = [writer.communicate(timeout=120) for writer in writers]
    for writer, (out, err) in zip(writers, outputs, strict=True):
        assert writer.returncode == 0, err
        assert len(out.split()) == per_writer and "locked" not in err

    acknowledged = {int(line) for out, _ in outputs for line in out.split()}
    source = {row[0]: row for row in rows(db)}
    assert acknowledged <= set(source) and len(source) == 2 * per_writer
    assert backups[0][3] < 2 * per_writer  # the writers were still writing after a backup
    for dest, start, copied, end in backups:
        assert start <= copied <= end
        copy = rows(dest)
        assert len(copy) == copied
        assert all(source[row[0]] == row for row in copy)  # the same rows, unchanged
        for name in ("w0", "w1"):  # each writer's entries form a prefix: one snapshot
            items = sorted(int(row[5].split("-")[1]) for row in copy if row[8] == name)
            assert items == list(range(len(items)))
        conn = sqlite3.connect(dest)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
    assert leftovers(tmp_path) == []
