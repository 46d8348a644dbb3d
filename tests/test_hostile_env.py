"""Hostile environments (issue 18) beyond the declarative corpus: what needs a real process,
a signal, a lock held by another connection, or a fault injected at one exact point.

- class 3: an entry is refused *before* the commit when a target's total would overflow;
  a failure *after* the commit keeps exit 0 and says what was stored;
- class 7: target ids typed full-width are the plan's ids;
- class 8: a report pair whose second rename fails puts the first back; SIGTERM during an
  import leaves no staging file and no database;
- class 9: the plan's file name reaches the Markdown report escaped;
- class 10: a database restored with ``cp`` from a backup is back in WAL mode once opened;
  a writer waiting behind another says so and stops at once on Ctrl-C.
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import SMALL_PLAN, file_digest

KXPLAN = Path(sys.executable).with_name("kxplan")
PROCESS_ENV = {
    "KXPLAN_PLAN": str(SMALL_PLAN),
    "KXPLAN_TODAY": "2019-05-10",
    "KXPLAN_LANG": "en",
    "USER": "clerk",
    "LOGNAME": "clerk",
}


def process_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KXPLAN_")}
    return env | PROCESS_ENV


def rows(db: Path) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT id, target, amount_milli, item FROM entries ORDER BY id"
        ).fetchall()
    finally:
        conn.close()


# --- class 3: validated before the commit; after it, exit 0 -------------------------------------


def test_a_total_that_would_overflow_is_refused_before_the_commit(
    kx: Callable[..., Any], db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from decimal import Decimal

    import kxplan.store.interface as interface

    assert kx("record", "p1.visits", "60").exit_code == 0
    before = file_digest(db)
    monkeypatch.setattr(interface, "MAX_TARGET_TOTAL", Decimal(100))
    result = kx("record", "p1.visits", "41")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "error: p1.visits: this would bring the total to 101, more than kxplan can add up"
        " (1000000000000000); check the amount\n"
    )
    assert file_digest(db) == before
    assert kx("record", "p1.visits", "40").exit_code == 0  # exactly the limit is fine


def test_an_import_whose_rows_would_overflow_a_total_imports_nothing(
    kx: Callable[..., Any], db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kxplan.csvio as csvio

    assert kx("record", "p1.visits", "60").exit_code == 0
    before = rows(db)
    monkeypatch.setattr(csvio, "_MAX_TOTAL_MILLI", 100_000)
    source = tmp_path / "in.csv"
    source.write_text(
        "target,date,amount\np1.visits,2019-05-01,30\np1.visits,2019-05-02,30\n", encoding="utf-8"
    )
    result = kx("import", str(source))
    assert result.exit_code == 1
    assert f"{source}:3: p1.visits: this would bring the total to 120" in result.stderr
    assert rows(db) == before


def test_a_failure_after_the_commit_keeps_exit_0_and_says_what_was_stored(
    kx: Callable[..., Any], db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kxplan.cli.entry_cmds as entry_cmds

    def broken_summary(*args: Any) -> str:
        raise OverflowError("integer overflow")

    monkeypatch.setattr(entry_cmds, "summary", broken_summary)
    result = kx("record", "p1.visits", "2")
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr.splitlines()[1:] == [
        "#1 recorded (p1.visits)",
        "saved, but afterwards: OverflowError: integer overflow",
    ]
    assert len(rows(db)) == 1


# --- class 7: ids under the one normalisation ------------------------------------------------------


def test_a_full_width_target_id_is_the_plans_id(kx: Callable[..., Any], db: Path) -> None:
    result = kx("record", "ｐ１．ｖｉｓｉｔｓ", "2")
    assert result.exit_code == 0, result.output
    assert rows(db) == [(1, "p1.visits", 2000, None)]


def test_check_reports_items_equal_under_normalisation(kx: Callable[..., Any], db: Path) -> None:
    """Items recorded before the rule (or by another tool) are found by ``check``."""
    assert kx("record", "p1.workstations", "--item", "Café A").exit_code == 0
    conn = sqlite3.connect(db)
    conn.execute(
        'INSERT INTO entries (plan_year, target, date, item, "by", recorded_at)'
        " VALUES (2019, 'p1.workstations', '2019-05-02', ?, 'x', '2019-05-02T00:00:00Z')",
        ("Cafe\u0301\u200b  a",),
    )
    conn.commit()
    conn.close()
    result = kx("check")
    assert result.exit_code == 1
    assert "p1.workstations" in result.stdout and "#1" in result.stdout and "#2" in result.stdout


# --- class 8: outputs complete or not at all -----------------------------------------------------


def test_a_report_pair_is_published_together(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kxplan import fsio
    from kxplan.errors import OutputError

    md, html = tmp_path / "2019-Q2.md", tmp_path / "2019-Q2.html"
    md.write_bytes(b"old md")
    html.write_bytes(b"old html")
    real = os.replace
    calls = []

    def failing_second(src: Any, dst: Any) -> None:
        calls.append(dst)
        if Path(dst) == html:
            raise OSError(28, "No space left on device")
        real(src, dst)

    monkeypatch.setattr(fsio.os, "replace", failing_second)
    with pytest.raises(OutputError):
        fsio.write_atomic_many([(md, b"new md"), (html, b"new html")])
    monkeypatch.setattr(fsio.os, "replace", real)
    assert (md.read_bytes(), html.read_bytes()) == (b"old md", b"old html")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2019-Q2.html", "2019-Q2.md"]
    new = tmp_path / "new"
    new.mkdir()
    monkeypatch.setattr(fsio.os, "replace", lambda s, d: failing_second(s, new / Path(d).name))
    html = new / "2019-Q2.html"
    with pytest.raises(OutputError):
        fsio.write_atomic_many([(new / "2019-Q2.md", b"md"), (new / "2019-Q2.html", b"html")])
    assert list(new.iterdir()) == []  # a first report: neither file appears


def test_sigterm_during_an_import_leaves_no_staging_file_and_no_database(tmp_path: Path) -> None:
    source = tmp_path / "big.csv"
    lines = ["target,date,item"] + [f"p1.workstations,2019-05-01,ws-{n}" for n in range(150_000)]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "kxplan.db"
    process = subprocess.Popen(
        [str(KXPLAN), "--db", str(db), "import", str(source)],
        env=process_env(),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    while process.poll() is None and not [p for p in tmp_path.iterdir() if ".import-" in p.name]:
        pass  # until the import is building its staging database
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    if process.returncode == 0:
        pytest.skip("the import finished before the signal arrived")
    assert process.returncode == 143, stderr
    assert stderr.splitlines()[-1] == "interrupted; nothing was written"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.csv"]


# --- class 9: one escaping, whatever the source ------------------------------------------------------


def test_the_plan_file_name_is_escaped_in_the_markdown_report(
    kx: Callable[..., Any], tmp_path: Path
) -> None:
    hostile = tmp_path / "x\n\n<img src=x onerror=alert(1)>\n\n[a](javascript:b) `c` .yaml"
    hostile.write_bytes(SMALL_PLAN.read_bytes())
    assert kx("record", "p1.visits", "2", plan=hostile).exit_code == 0
    result = kx("report", "-q", "Q2", "--stdout", plan=hostile)
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "<img" not in text
    assert not re.search(r"(?<!\\)\]\(javascript", text)  # a link only if `]` is not escaped
    line = next(line for line in text.splitlines() if "&lt;img" in line)
    assert line.startswith("- Plan file: x  &lt;img src=x onerror=alert(1)&gt;  \\[a\\]")


# --- class 10: restore and waiting ---------------------------------------------------------------------


def test_a_database_restored_with_cp_is_back_in_wal_mode(
    kx: Callable[..., Any], db: Path, tmp_path: Path
) -> None:
    assert kx("record", "p1.visits", "2").exit_code == 0
    backup = tmp_path / "backup.db"
    assert kx("backup", str(backup)).exit_code == 0
    restored = tmp_path / "restored.db"
    restored.write_bytes(backup.read_bytes())  # the documented restore: cp backup kxplan.db
    conn = sqlite3.connect(restored)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()
    assert kx("log", database=restored).exit_code == 0
    conn = sqlite3.connect(restored)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    # readers are no longer blocked by a writer: a report during an open write transaction
    writer = sqlite3.connect(restored, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute(
        'INSERT INTO entries (plan_year, target, date, amount_milli, "by", recorded_at)'
        " VALUES (2019, 'p1.visits', '2019-05-03', 1000, 'x', '2019-05-03T00:00:00Z')"
    )
    try:
        assert kx("log", database=restored).exit_code == 0
    finally:
        writer.execute("ROLLBACK")
        writer.close()
        conn.close()


def test_a_waiting_writer_says_so_and_stops_at_once_on_ctrl_c(
    kx: Callable[..., Any], db: Path
) -> None:
    assert kx("record", "p1.visits", "2").exit_code == 0
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # a long import holds the write lock
    try:
        process = subprocess.Popen(
            [str(KXPLAN), "--db", str(db), "record", "p1.visits", "3"],
            env=process_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert process.stderr is not None
        first = process.stderr.readline()
        assert first == (
            f"waiting: another kxplan (an import or a backup?) is writing to {db}; this goes on"
            " as soon as it finishes — Ctrl-C to stop, nothing is written\n"
        )
        process.send_signal(signal.SIGINT)
        stdout, rest = process.communicate(timeout=30)
        assert (process.returncode, stdout, rest) == (130, "", "interrupted; nothing was written\n")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert len(rows(db)) == 1
