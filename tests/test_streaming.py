"""Listings stream: a command writes its first entry before the database has given the last.

Each test replaces ``Store.iter_entries`` with a wrapper that, every time the command asks for
the next entry, notes how much the command has already written. A command that read every
entry first (a list, a table measured before printing) would have written nothing by then.
No timing: the order of reads and writes is the behaviour under test (speed is in bench/).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kxplan.cli.term import cell_width
from kxplan.store.postgres.engine import PostgresStore
from kxplan.store.sqlite.engine import SqliteStore

ROWS = 40


@pytest.fixture
def filled(kx: Any, tmp_path: Path) -> Any:
    """A database with ``ROWS`` entries of p1.visits on distinct days, ids in date order."""
    lines = ["target,date,amount,item,note,unit,by,evidence"]
    lines += [
        f"p1.visits,2019-04-{day:02d},{day},,第{day}次,南湖区科协,clerk," for day in range(1, 31)
    ]
    lines += [f"p1.visits,2019-05-{day:02d},{day},,第{day + 30}次,,clerk," for day in range(1, 11)]
    path = tmp_path / "rows.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert kx("import", str(path)).exit_code == 0
    return kx


class Recorder:
    """Wraps how the engines hand out entries — ``iter_entries`` (both engines) and SQLite's
    own ``iter_listing`` (PostgreSQL's reads ``iter_entries``): before handing out entry N,
    notes what stdout held."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, written: Any) -> None:
        self.before: list[str] = []
        self.written = written
        recorder = self
        for engine, method in (
            (SqliteStore, "iter_entries"),
            (SqliteStore, "iter_listing"),
            (PostgresStore, "iter_entries"),
        ):
            original = getattr(engine, method)

            def iter_entries(
                store: Any, *args: Any, _original: Any = original, **kwargs: Any
            ) -> Iterator[Any]:
                for entry in _original(store, *args, **kwargs):
                    recorder.before.append(recorder.written())
                    yield entry

            monkeypatch.setattr(engine, method, iter_entries)


def stdout_so_far() -> str:
    """What the command wrote to stdout until now (CliRunner's captured bytes)."""
    sys.stdout.flush()
    return sys.stdout.buffer.getvalue().decode("utf-8")  # type: ignore[attr-defined]


def test_export_csv_writes_the_first_row_before_reading_the_last(
    filled: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = Recorder(monkeypatch, stdout_so_far)
    result = filled("export")
    assert result.exit_code == 0, result.output
    assert len(recorder.before) == ROWS
    assert "p1.visits,2019-04-01,1,,第1次,南湖区科协,clerk," in recorder.before[-1]
    assert recorder.before[0] == "target,date,amount,item,note,unit,by,evidence\r\n"
    assert result.stdout_bytes.count(b"\r\n") == ROWS + 1


def test_export_json_writes_the_first_entry_before_reading_the_last(
    filled: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = Recorder(monkeypatch, stdout_so_far)
    result = filled("export", "--format", "json")
    assert result.exit_code == 0, result.output
    assert '"note": "第1次"' in recorder.before[-1]
    rows = json.loads(result.stdout)  # and the pieces are one valid JSON array
    assert [row["amount"] for row in rows][:3] == [1, 2, 3]
    assert len(rows) == ROWS


def test_export_to_a_file_streams_into_a_temporary_file_renamed_at_the_end(
    filled: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    out = tmp_path / "out.csv"
    out.write_text("previous\n", encoding="utf-8")

    def staged() -> str:
        assert out.read_text(encoding="utf-8") == "previous\n"  # untouched until the end
        return " ".join(path.name[:9] for path in tmp_path.glob(".out.csv.*.tmp"))

    recorder = Recorder(monkeypatch, staged)
    result = filled("export", "--out", str(out), "--force")
    assert result.exit_code == 0, result.output
    assert len(recorder.before) == ROWS
    assert set(recorder.before) == {".out.csv."}  # written into one temporary file
    assert out.read_bytes().startswith(b"\xef\xbb\xbftarget,date,amount")
    assert out.read_bytes().count(b"\r\n") == ROWS + 1
    assert list(tmp_path.glob(".out.csv.*")) == []


def test_an_export_that_fails_midway_leaves_the_previous_file(
    filled: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    out = tmp_path / "out.csv"
    out.write_text("previous\n", encoding="utf-8")
    for engine in (SqliteStore, PostgresStore):
        original = engine.iter_entries

        def failing(
            store: Any, *args: Any, _original: Any = original, **kwargs: Any
        ) -> Iterator[Any]:
            for number, entry in enumerate(_original(store, *args, **kwargs)):
                if number == 5:
                    raise KeyboardInterrupt
                yield entry

        monkeypatch.setattr(engine, "iter_entries", failing)
    result = filled("export", "--out", str(out), "--force")
    assert result.exit_code == 130
    assert out.read_text(encoding="utf-8") == "previous\n"
    assert list(tmp_path.glob(".out.csv.*")) == []


@pytest.fixture
def short_measure(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``log`` stream after 5 entries instead of 1,000, so a small database streams."""
    from kxplan.cli import listing

    monkeypatch.setattr(listing, "MEASURED_ROWS", 5)


def test_log_prints_its_first_row_before_reading_the_last(
    filled: Any, monkeypatch: pytest.MonkeyPatch, short_measure: None
) -> None:
    recorder = Recorder(monkeypatch, stdout_so_far)
    result = filled("log", "--quarter", "2019Q2", COLUMNS="80")
    assert result.exit_code == 0, result.output
    assert len(recorder.before) == ROWS
    lines = recorder.before[-1].splitlines()  # written before the last entry was read
    assert lines[0].split() == ["id", "date", "target", "amount", "item", "note", "unit", "by"]
    assert lines[2].split()[:5] == ["#1", "2019-04-01", "p1.visits", "1", "第1次"]
    assert recorder.before[5] == ""  # the first page is measured before printing
    out = result.stdout.splitlines()
    assert {cell_width(line) for line in out} == {80}  # every line as wide as the table
    assert out[-1].split() == ["#40", "2019-05-10", "p1.visits", "10", "第40次", "clerk"]


def test_a_streamed_log_keeps_its_columns_aligned(
    filled: Any, monkeypatch: pytest.MonkeyPatch, short_measure: None
) -> None:
    """Widths come from bounds (largest id and amount) known before the rows: no row overflows."""
    result = filled("log", COLUMNS="80")
    rows = [line for line in result.stdout.splitlines() if line.lstrip().startswith("#")]
    assert len(rows) == ROWS
    assert len({row.index("2019-") for row in rows}) == 1
    ends = set()
    for row in rows:
        amount = row.split()[3]
        ends.add(row.index(f" {amount} ", row.index("p1.visits") + 9) + 1 + len(amount))
    assert len(ends) == 1  # amounts 1 to 30 right-aligned in one column


def test_log_json_streams_too(filled: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    recorder = Recorder(monkeypatch, stdout_so_far)
    result = filled("log", "--json")
    assert '"note": "第1次"' in recorder.before[-1]
    assert len(json.loads(result.stdout)) == ROWS


def test_show_prints_its_first_entry_before_reading_the_last(
    filled: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kxplan.cli import clerk_cmds

    monkeypatch.setattr(clerk_cmds, "MEASURED_ROWS", 5)
    recorder = Recorder(monkeypatch, stdout_so_far)
    result = filled("show", "p1.visits", "--as-of", "2019-06-30", COLUMNS="80")
    assert result.exit_code == 0, result.output
    assert len(recorder.before) == ROWS
    assert "第1次" in recorder.before[-1]  # the first row was out before the last was read
    rows = [line.split() for line in result.stdout.splitlines() if line.startswith("  #")]
    assert [row[0] for row in rows] == [f"#{number}" for number in range(1, ROWS + 1)]
    assert rows[-1][:3] == ["#40", "2019-05-10", "10"]


def test_show_json_streams_its_entries(filled: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    recorder = Recorder(monkeypatch, stdout_so_far)
    result = filled("show", "p1.visits", "--json")
    assert '"note": "第1次"' in recorder.before[-1]
    document = json.loads(result.stdout)
    assert list(document)[-1] == "entries" and len(document["entries"]) == ROWS
    assert document["progress"]["entries"] == ROWS


def test_a_long_log_into_a_broken_pipe_ends_quietly(kx: Any, db: Path, tmp_path: Path) -> None:
    """``log | head`` on a listing longer than the measured page: the unfinished listing is
    collected after the database is closed, and says nothing about it (exit 141, no stderr)."""
    import os
    import subprocess

    from conftest import SMALL_PLAN

    lines = ["target,date,amount,item,note,unit,by,evidence"]
    lines += [
        f"p1.visits,2019-04-{number % 28 + 1:02d},1,,第{number}次,,clerk," for number in range(1100)
    ]
    path = tmp_path / "rows.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert kx("import", str(path)).exit_code == 0
    reader, writer = os.pipe()
    os.close(reader)  # nobody reads: the first write fails with EPIPE
    env = {key: value for key, value in os.environ.items() if not key.startswith("KXPLAN_")}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "kxplan", "--plan", str(SMALL_PLAN), "--db", str(db), "log"],
            env={**env, "KXPLAN_TODAY": "2019-05-10"},
            stdin=subprocess.DEVNULL,
            stdout=writer,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        os.close(writer)
    assert (done.returncode, done.stderr) == (141, "")
