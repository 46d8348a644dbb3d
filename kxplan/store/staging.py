"""An import's staging area: a file's validated rows in TEMP tables, its cross-row rules in SQL.

``kxplan.csvio`` validates a file's rows one at a time (``entry.Validator``) and stages the
valid ones here in chunks, so memory stays bounded whatever the size of the file. The rules
that need other rows are then answered by a few set-based queries over the staged rows:

- each row's import key: the sha256 of its normalised fields (``digest``) and its occurrence
  number among identical rows of the file (``number``), so a file imported again, or with rows
  appended, adds only its new rows, and two identical rows of one file stay two entries;
- rows already imported (their key is in the database: ``skip``), which no other rule sees;
- an item counted once per target: against the live entries (``load_items``) and earlier
  rows of the file (``item_conflicts``); a milestone done once (``milestone_rows``); a
  target's total within the limit (``amount_rows``).

The staging tables live in the store's own SQLite connection (``kxplan.store.sqlite``: the
final insert is then one ``INSERT … SELECT``) or in a private temporary SQLite database for
other engines and for a dry run without a database. TEMP tables are written to a temporary
file, not held in memory, and belong to the write transaction of the import: a failed import
leaves nothing behind.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from typing import Any

StagedRow = tuple[
    int,
    str,
    str,
    str,
    int | None,
    str | None,
    str | None,
    str | None,
    str | None,
    str | None,
    bytes,
    str | None,
    bool,
]
"""A valid row as staged: ``(line, target id, kind, ISO date, amount_milli, item, note, unit
(as stored), by (None: not given), evidence, sha256 digest, item key)``. The item key is the
item under ``text.comparable`` for a count target's row with an item, else None. The flag says
whether the (target, item key) may have been staged before (``Seen``): only such rows are looked
at for items counted twice in the file."""

_TABLES = """
CREATE TEMP TABLE kx_import_rows (
    line INTEGER PRIMARY KEY, target TEXT NOT NULL, kind TEXT NOT NULL, date TEXT NOT NULL,
    amount_milli INTEGER, item TEXT, note TEXT, unit TEXT, "by" TEXT, evidence TEXT,
    digest BLOB NOT NULL, item_key TEXT, item_seen INTEGER NOT NULL
);
CREATE TEMP TABLE kx_import_repeats (line INTEGER PRIMARY KEY, n INTEGER NOT NULL);
CREATE TEMP TABLE kx_import_skipped (line INTEGER PRIMARY KEY);
CREATE TEMP TABLE kx_import_refused (line INTEGER PRIMARY KEY);
CREATE TEMP TABLE kx_import_items (
    target TEXT NOT NULL, item_key TEXT NOT NULL, entry_id INTEGER NOT NULL,
    PRIMARY KEY (target, item_key)
) WITHOUT ROWID;
"""
_NAMES = (
    "kx_import_rows",
    "kx_import_repeats",
    "kx_import_skipped",
    "kx_import_refused",
    "kx_import_items",
)
KEY = "lower(hex(s.digest)) || ':' || coalesce(r.n, 1)"
"""A staged row's import key in SQL (``s``: the row, ``r``: its occurrence, if not the first)."""
KEYED = "temp.kx_import_rows s LEFT JOIN temp.kx_import_repeats r ON r.line = s.line"
"""The staged rows with their occurrence numbers (for ``KEY``)."""
ADDED = "s.line NOT IN (SELECT line FROM temp.kx_import_skipped)"
"""The condition a staged row ``s`` is not already imported."""
INSERT_COLUMNS = 'plan_year, target, date, amount_milli, item, note, unit, "by", evidence, recorded_at, import_key'
SELECT_ADDED = (
    'SELECT ?, s.target, s.date, s.amount_milli, s.item, s.note, s.unit, coalesce(s."by", ?),'
    f" s.evidence, ?, {KEY} FROM {KEYED} WHERE {ADDED} ORDER BY s.line"
)
"""The rows to add as entry rows, in file order; parameters: plan year, default by, recorded_at."""


class Seen:
    """Which values may have been seen before: a Bloom filter of ``2**bits`` bits, two per value.

    ``check_add(h)`` takes a 64-bit hash and says False only for a value never given before;
    a True may be wrong (about 4 % of a million distinct values with the default 2**23 bits,
    one MiB), so a True only means "look at this row in SQL". Memory is fixed whatever the
    number of rows.
    """

    def __init__(self, bits: int = 23) -> None:
        self.bits = bytearray(1 << (bits - 3))
        self.mask = (1 << bits) - 1
        self.any = False

    def check_add(self, h: int) -> bool:
        """Whether ``h`` may have been added before; add it."""
        bits, mask = self.bits, self.mask
        a, b = h & mask, (h >> 32) & mask
        seen = bits[a >> 3] >> (a & 7) & 1 and bits[b >> 3] >> (b & 7) & 1
        bits[a >> 3] |= 1 << (a & 7)
        bits[b >> 3] |= 1 << (b & 7)
        if seen:
            self.any = True
        return bool(seen)


class ImportStaging:
    """The staged rows of one import in TEMP tables of ``conn`` (see the module docstring)."""

    def __init__(self, conn: sqlite3.Connection, *, private: bool = False) -> None:
        self.conn = conn
        self.private = private
        self.staged = 0
        self.drop()
        for statement in _TABLES.strip().split(";\n"):
            conn.execute(statement)

    @classmethod
    def private_database(cls) -> ImportStaging:
        """Staging in a temporary SQLite database of its own (removed when closed)."""
        return cls(sqlite3.connect("", isolation_level=None), private=True)

    def drop(self) -> None:
        """Remove the staging tables (they belong to the transaction when inside one)."""
        for name in _NAMES:
            self.conn.execute(f"DROP TABLE IF EXISTS temp.{name}")

    def close(self) -> None:
        """Remove the staging tables, or the whole private database."""
        if self.private:
            self.conn.close()
        else:
            self.drop()

    # staging ------------------------------------------------------------------------------------
    def add(self, rows: list[StagedRow]) -> None:
        """Stage a chunk of valid rows (one ``executemany``)."""
        self.conn.executemany(
            "INSERT INTO temp.kx_import_rows VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        self.staged += len(rows)

    def number(self) -> None:
        """Number identical rows (same digest) in file order; only repeats are written down.

        One sort of the staged digests (measured at 1M rows: a window over all of them was
        faster than restricting it to the digests ``Seen`` flagged, which are many when a file
        repeats rows; the caller skips this when ``Seen`` flagged none).
        """
        self.conn.execute(
            "INSERT INTO temp.kx_import_repeats SELECT line, n FROM (SELECT line,"
            " row_number() OVER (PARTITION BY digest ORDER BY line) AS n"
            " FROM temp.kx_import_rows) WHERE n > 1"
        )

    def keys(self, size: int = 5000) -> Iterator[list[tuple[int, str]]]:
        """``(line, import key)`` of every staged row, in batches (after ``number``)."""
        cursor = self.conn.execute(f"SELECT s.line, {KEY} FROM {KEYED} ORDER BY s.line")
        while batch := cursor.fetchmany(size):
            yield batch

    def skip(self, lines: Iterable[int]) -> None:
        """Mark rows as already imported."""
        self.conn.executemany(
            "INSERT OR IGNORE INTO temp.kx_import_skipped VALUES (?)", ((line,) for line in lines)
        )

    def skip_in(self, table: str) -> None:
        """Mark the rows whose key is an ``import_key`` of ``table`` (same connection)."""
        self.conn.execute(
            f"INSERT INTO temp.kx_import_skipped SELECT s.line FROM {KEYED}"
            f" WHERE EXISTS (SELECT 1 FROM {table} e WHERE e.import_key = {KEY})"
        )

    def skipped(self) -> int:
        """How many staged rows are already imported."""
        count: int = self.conn.execute("SELECT count(*) FROM temp.kx_import_skipped").fetchone()[0]
        return count

    # the rules ----------------------------------------------------------------------------------
    def load_items(self, items: Iterable[tuple[str, str, int]]) -> None:
        """Counted items of live entries ``(target id, item key, entry id)``, in id order: the
        first entry of a (target, item key) is the one that counts it."""
        self.conn.executemany("INSERT OR IGNORE INTO temp.kx_import_items VALUES (?, ?, ?)", items)

    def milestone_rows(self) -> Iterator[tuple[int, str, str]]:
        """``(line, target, date)`` of the rows to add for milestones, in file order."""
        yield from self.conn.execute(
            "SELECT s.line, s.target, s.date FROM temp.kx_import_rows s"
            f" WHERE s.kind = 'milestone' AND {ADDED} ORDER BY s.line"
        )

    def item_conflicts(
        self, *, may_repeat: bool = True
    ) -> Iterator[tuple[int, str, str, int | None, int]]:
        """Rows to add whose item is already counted for their target: ``(line, target, item,
        entry id counting it or None, first line of the file counting it)``, in file order.

        An entry counting it comes first; else the first row of the file with the item counts
        it and every later one is a conflict. Without counted items in the database only the
        rows whose (target, item key) may repeat (``item_seen``) are looked at, and none when
        ``may_repeat`` says no row was flagged.
        """
        known = self.conn.execute("SELECT 1 FROM temp.kx_import_items LIMIT 1").fetchone()
        if not known and not may_repeat:
            return
        flagged = (
            ""
            if known
            else " AND (s.target, s.item_key) IN (SELECT target, item_key"
            " FROM temp.kx_import_rows WHERE item_seen)"
        )
        yield from self.conn.execute(
            "SELECT line, target, item, entry_id, first FROM (SELECT s.line, s.target, s.item,"
            " i.entry_id, min(s.line) OVER (PARTITION BY s.target, s.item_key) AS first"
            " FROM temp.kx_import_rows s LEFT JOIN temp.kx_import_items i"
            " ON i.target = s.target AND i.item_key = s.item_key"
            f" WHERE s.item_key IS NOT NULL AND {ADDED}{flagged})"
            " WHERE entry_id IS NOT NULL OR line > first ORDER BY line"
        )

    def refuse(self, lines: Iterable[int]) -> None:
        """Mark rows refused by a rule (they count in no later rule)."""
        self.conn.executemany(
            "INSERT OR IGNORE INTO temp.kx_import_refused VALUES (?)", ((line,) for line in lines)
        )

    def amount_rows(self, target: str) -> Iterator[tuple[int, int]]:
        """``(line, amount_milli)`` of a target's rows to add that no rule refused, in file order."""
        yield from self.conn.execute(
            "SELECT s.line, s.amount_milli FROM temp.kx_import_rows s WHERE s.target = ?"
            f" AND s.amount_milli IS NOT NULL AND {ADDED}"
            " AND s.line NOT IN (SELECT line FROM temp.kx_import_refused) ORDER BY s.line",
            (target,),
        )

    # what is added ------------------------------------------------------------------------------
    def added_rows(self) -> Iterator[tuple[Any, ...]]:
        """``(line, target, kind, date, amount_milli, item, note, unit)`` of the rows to add."""
        yield from self.conn.execute(
            "SELECT s.line, s.target, s.kind, s.date, s.amount_milli, s.item, s.note, s.unit"
            f" FROM temp.kx_import_rows s WHERE {ADDED} ORDER BY s.line"
        )

    def entry_rows(self, year: int, default_by: str, recorded_at: str) -> Iterator[tuple[Any, ...]]:
        """The rows to add as an engine inserts them (``EntryRow``), in file order."""
        yield from self.conn.execute(SELECT_ADDED, (year, default_by, recorded_at))
