"""The import streams its file into staging in chunks and applies the cross-row rules in SQL:
rows are staged before the file is read to its end, a bad row anywhere writes nothing,
re-imports stay idempotent across chunks, and a large import rebuilds the indexes it dropped.
No timing here (bench/import_scale.py measures speed and memory)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

import kxplan.csvio as csvio
import kxplan.paths as paths
import kxplan.store.sqlite.engine as sqlite_engine
from kxplan.store.sqlite.schema import DAILY_FROM_ENTRIES
from kxplan.store.staging import ImportStaging, Seen

HEADER = "target,date,amount,item,note,unit,by,evidence\n"


@pytest.fixture(autouse=True)
def _late_in_the_year(monkeypatch: pytest.MonkeyPatch) -> None:
    import conftest

    monkeypatch.setitem(conftest.ENTRY_ENV, "KXPLAN_TODAY", "2019-12-31")


def rows_file(path: Path, count: int, *, note: str = "", tail: str = "") -> Path:
    """``count`` valid rows (one item each, so none repeats another), then ``tail``."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(HEADER)
        for number in range(count):
            day = f"2019-{1 + number % 12:02d}-{1 + number % 28:02d}"
            handle.write(f"p1.visits,{day},{1 + number % 7},样本{number:06d},{note},,,\n")
        handle.write(tail)
    return path


def test_rows_are_staged_before_the_file_is_read_to_its_end(
    kx: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = rows_file(tmp_path / "big.csv", 20_000, note="走访" * 40)  # ~5 MB
    size = path.stat().st_size
    read = {"bytes": 0}
    real_read = paths._CappedFile.readinto

    def counting(self: Any, buffer: Any) -> int:
        count = real_read(self, buffer)
        read["bytes"] += count
        return count

    seen: list[int] = []
    real_add = ImportStaging.add

    def add(self: ImportStaging, rows: list[Any]) -> None:
        seen.append(read["bytes"])
        real_add(self, rows)

    monkeypatch.setattr(paths._CappedFile, "readinto", counting)
    monkeypatch.setattr(ImportStaging, "add", add)
    monkeypatch.setattr(csvio, "CHUNK", 500)
    result = kx("import", str(path))
    assert result.exit_code == 0, result.stderr
    assert "imported 20000 new entries" in result.stderr
    assert len(seen) == 40  # 20,000 rows staged 500 at a time
    assert seen[0] < size / 2  # the first chunk went to staging with most of the file unread
    assert read["bytes"] >= size  # and the whole file was read in the end


@pytest.mark.parametrize(
    ("tail", "message"),
    [
        ("p1.visits,2019-13-01,1,,,,,\n", "20002: "),  # a bad row after every good one
        ("p1.visits,2019-02-02,1,样本000003,,,,\n", "20002: "),  # an item counted above
    ],
)
def test_a_bad_row_at_the_end_writes_nothing(
    kx: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    tail: str,
    message: str,
) -> None:
    monkeypatch.setattr(csvio, "CHUNK", 1000)
    monkeypatch.setattr(sqlite_engine, "REBUILD_AT", 100)
    first = rows_file(tmp_path / "first.csv", 50)
    assert kx("import", str(first)).exit_code == 0
    path = rows_file(tmp_path / "big.csv", 20_000, tail=tail)
    result = kx("import", str(path))
    assert result.exit_code == 1
    assert f"{path}:{message}" in result.stderr
    assert "new entries" not in result.stderr
    assert len(json.loads(kx("log", "--json").stdout)) == 50  # none of the 20,000 before it
    fixed = kx("import", str(rows_file(path, 20_000))).stderr  # the first 50 are the same rows
    assert "imported 19950 new entries; 50 rows were imported before" in fixed


def test_a_large_import_rebuilds_the_indexes_as_they_were(
    kx: Any, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csvio, "CHUNK", 300)
    monkeypatch.setattr(sqlite_engine, "REBUILD_AT", 100)
    kx("db", "init")
    with sqlite3.connect(db) as conn:
        before = conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name"
        ).fetchall()
    path = rows_file(tmp_path / "rows.csv", 2000)
    result = kx("import", str(path))
    assert result.exit_code == 0, result.stderr
    with sqlite3.connect(db) as conn:
        after = conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name"
        ).fetchall()
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        ids = [row[0] for row in conn.execute("SELECT item FROM entries ORDER BY id")]
    assert after == before  # indexes and the summary's triggers, as the schema made them
    assert ids == [f"样本{number:06d}" for number in range(2000)]  # ids in file order
    assert kx("record", "p1.visits", "3", "--date", "2019-05-05").exit_code == 0
    with sqlite3.connect(db) as conn:  # the per-day summary rebuilt, and kept by its triggers
        daily = conn.execute("SELECT * FROM daily ORDER BY 1, 2, 3, 4").fetchall()
        wanted = conn.execute(f"{DAILY_FROM_ENTRIES} ORDER BY 1, 2, 3, 4").fetchall()
    assert daily == wanted
    assert sum(row[5] for row in daily) == 2001


def test_reimport_across_chunks_is_idempotent_and_identical_rows_stay_two(
    kx: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csvio, "CHUNK", 7)
    monkeypatch.setattr(sqlite_engine, "REBUILD_AT", 10)
    same = "p1.visits,2019-03-03,2,,同一行,,,\n"
    path = rows_file(tmp_path / "rows.csv", 30, tail=same * 3)
    assert "imported 33 new entries; 0 rows" in kx("import", str(path)).stderr
    again = kx("import", str(path))
    assert "imported 0 new entries; 33 rows were imported before" in again.stderr
    with path.open("a", encoding="utf-8") as handle:
        handle.write(same)  # a fourth identical row is new
    assert "imported 1 new entries; 33 rows" in kx("import", str(path)).stderr
    assert len(json.loads(kx("log", "--json").stdout)) == 34
    dry = kx("import", str(path), "--dry-run")
    assert "0 would be imported, 34 were imported before" in dry.stderr


def test_a_gb18030_file_whose_head_is_ascii_is_read_as_gb18030(
    kx: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csvio, "HEAD_BYTES", 64)  # the Chinese row comes after the head
    monkeypatch.setattr(csvio, "CHUNK", 2)
    text = HEADER + "p1.visits,2019-01-02,1,,,,,\n" * 5 + "p1.visits,2019-01-03,1,,专家来访,,,\n"
    path = tmp_path / "gbk.csv"
    path.write_bytes(text.encode("gb18030"))
    result = kx("import", str(path))
    assert result.exit_code == 0, result.stderr
    assert "imported 6 new entries" in result.stderr
    notes = [row["note"] for row in json.loads(kx("log", "--json").stdout)]
    assert notes[-1] == "专家来访"


def test_a_late_byte_that_is_no_encoding_is_refused_as_before(
    kx: Any, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csvio, "HEAD_BYTES", 64)
    data = (
        HEADER + "p1.visits,2019-01-02,1,,,,,\n" * 5
    ).encode() + b"p1.visits,2019-01-03,1,,\xff,,,\n"
    path = tmp_path / "bad.csv"
    path.write_bytes(data)
    result = kx("import", str(path))
    assert result.exit_code == 1
    with pytest.raises(csvio.InputError) as whole:
        csvio.decode(data, str(path), None)
    assert result.stderr.splitlines()[-1].endswith(whole.value.message)


def test_the_rules_hold_when_the_filter_flags_every_row(
    kx: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``Seen`` may flag rows that repeat nothing (never the reverse): with a filter so small
    that it flags nearly every row, the same rows are refused and the same ones added."""
    monkeypatch.setattr(csvio, "Seen", lambda: Seen(bits=3))
    monkeypatch.setattr(csvio, "CHUNK", 5)
    same = "p1.visits,2019-03-03,2,,同一行,,,\n"
    twice = "p1.visits,2019-03-04,1,样本000004,,,,\n"
    path = rows_file(tmp_path / "rows.csv", 30, tail=same * 2 + twice)
    refused = kx("import", str(path))
    assert refused.exit_code == 1
    assert refused.stderr.splitlines()[0].startswith(f"{path}:34: ")
    assert "line 6" in refused.stderr.splitlines()[0]
    path = rows_file(path, 30, tail=same * 2)
    assert "imported 32 new entries; 0 rows" in kx("import", str(path)).stderr
    assert "imported 0 new entries; 32 rows" in kx("import", str(path)).stderr


def test_a_broken_quote_before_a_late_bad_byte_is_refused_for_the_byte_as_before(
    kx: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csvio, "HEAD_BYTES", 64)
    data = (
        HEADER + "p1.visits,2019-01-02,1,,,,,\n" * 5 + 'p1.visits,2019-01-02,1,"a"b,,,,\n'
    ).encode()
    data += b"p1.visits,2019-01-03,1,,\xff,,,\n"
    path = tmp_path / "bad.csv"
    path.write_bytes(data)
    result = kx("import", str(path))
    assert result.exit_code == 1
    with pytest.raises(csvio.InputError) as whole:
        csvio.decode(data, str(path), None)
    assert result.stderr.splitlines()[-1].endswith(whole.value.message)
    path.write_bytes(data.replace(b"\xff", b"x"))  # without the byte: the quote is the problem
    assert f"{path}:7: " in kx("import", str(path)).stderr
