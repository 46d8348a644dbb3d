"""The SQLite schema: its DDL, the migrations that build it, and what identifies the file.

``PRAGMA user_version`` is the schema version and ``PRAGMA application_id`` says the file is
kxplan's. Migrations run through ``sqlite_utils.Migrations`` (which records each applied step in
``_sqlite_migrations``); sqlite-utils costs ~150 ms to import, so it is imported only when a
migration actually runs. Never edit a released step: add the next one, with a fixture of the
schema it upgrades (``tests/fixtures/schema_vN.sql``, checked by ``tests/test_migrations.py``).
"""

from __future__ import annotations

import sqlite3
from typing import Any

APPLICATION_ID = 0x4B58504C  # "KXPL"
SCHEMA_VERSION = 5
SQLITE_MAGIC = b"SQLite format 3\x00"
"""The first 16 bytes of every SQLite database file."""

_SCHEMA_V1 = """
CREATE TABLE entries (
    id INTEGER PRIMARY KEY,
    plan_year INTEGER NOT NULL CHECK (plan_year BETWEEN 1900 AND 2999),
    target TEXT NOT NULL CHECK (length(target) BETWEEN 1 AND 200),
    date TEXT NOT NULL
        CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'
               AND substr(date, 1, 4) = CAST(plan_year AS TEXT)),
    amount_milli INTEGER CHECK (amount_milli IS NULL OR amount_milli > 0),
    item TEXT,
    note TEXT,
    unit TEXT,
    "by" TEXT NOT NULL,
    evidence TEXT,
    recorded_at TEXT NOT NULL
        CHECK (recorded_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z'),
    import_key TEXT UNIQUE
) STRICT;
CREATE TABLE voids (
    id INTEGER PRIMARY KEY,
    entry_id INTEGER NOT NULL UNIQUE REFERENCES entries(id),
    reason TEXT NOT NULL CHECK (length(reason) > 0),
    "by" TEXT NOT NULL,
    recorded_at TEXT NOT NULL
        CHECK (recorded_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z')
) STRICT;
CREATE INDEX entries_year_target_date ON entries (plan_year, target, date);
CREATE INDEX entries_year_date ON entries (plan_year, date);
CREATE INDEX entries_recorded_at ON entries (recorded_at);
CREATE INDEX voids_entry_id ON voids (entry_id);
CREATE INDEX voids_recorded_at ON voids (recorded_at);
CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries
BEGIN SELECT RAISE(ABORT, 'kxplan entries are append-only: void the entry instead'); END;
CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries
BEGIN SELECT RAISE(ABORT, 'kxplan entries are append-only: void the entry instead'); END;
CREATE TRIGGER voids_no_update BEFORE UPDATE ON voids
BEGIN SELECT RAISE(ABORT, 'kxplan voids are append-only'); END;
CREATE TRIGGER voids_no_delete BEFORE DELETE ON voids
BEGIN SELECT RAISE(ABORT, 'kxplan voids are append-only'); END;
"""


def _statements(script: str) -> list[str]:
    """Split a DDL script into statements (triggers keep their inner ``;``)."""
    statements, current = [], ""
    for line in script.strip().splitlines():
        current += line + "\n"
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return statements


def _migrate_1_initial(db: Any) -> None:
    """Schema 1: entries and voids, their indexes and the append-only triggers."""
    for statement in _statements(_SCHEMA_V1):
        db.execute(statement)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute("PRAGMA user_version = 1")


# Schema 2 (issue 7, report scale). The report sums every entry of the year per (target,
# date): a covering index answers that from the index alone, in (target, date) order, with
# no table lookups and no sort. ``id`` sits between ``date`` and ``amount_milli`` so the
# index keeps exactly the (target, date, id) order of the index it replaces: ``entries(…,
# target=…)``, the milestone check of ``record`` and ``log --target`` read "the first
# entries by (date, id)" straight from it (an index ending in ``amount_milli`` would order
# ties by amount, and those queries would fall back to scanning the whole year by date).
# The partial item index makes the "item already counted" check of ``record`` (and the
# duplicate-item check of ``kxplan check``) a seek instead of a scan of the target's entries.
_SCHEMA_V2 = """
CREATE INDEX entries_year_target_date_id_amount
    ON entries (plan_year, target, date, id, amount_milli);
DROP INDEX entries_year_target_date;
CREATE INDEX entries_year_target_item ON entries (plan_year, target, item)
    WHERE item IS NOT NULL;
"""


def _migrate_2_report_indexes(db: Any) -> None:
    """Schema 2: a covering index for daily totals (replacing the target index), an item index."""
    for statement in _statements(_SCHEMA_V2):
        db.execute(statement)
    db.execute("PRAGMA user_version = 2")


# Schema 3 (issue 13). Facts about the database as a whole, one row each, append-only like
# entries: today only ``sample`` — the database holds sample data (``kxplan import --sample``,
# ``make demo``), so every report, ``status`` and ``show`` from it says so. A marker is never
# removed: a database that held sample data stays marked (start real work in a new one).
_SCHEMA_V3 = """
CREATE TABLE markers (
    name TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 100),
    "by" TEXT NOT NULL,
    recorded_at TEXT NOT NULL
        CHECK (recorded_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z')
) STRICT;
CREATE TRIGGER markers_no_update BEFORE UPDATE ON markers
BEGIN SELECT RAISE(ABORT, 'kxplan markers are append-only'); END;
CREATE TRIGGER markers_no_delete BEFORE DELETE ON markers
BEGIN SELECT RAISE(ABORT, 'kxplan markers are append-only'); END;
"""
SAMPLE_MARKER = "sample"


def _migrate_3_markers(db: Any) -> None:
    """Schema 3: the append-only ``markers`` table (the sample-data marker)."""
    for statement in _statements(_SCHEMA_V3):
        db.execute(statement)
    db.execute("PRAGMA user_version = 3")


# Schema 4 (issue 14, units). 各单位进展 and ``status --by-unit`` sum the allocated targets'
# entries per unit and day, and the report counts each unit's entries of the quarter. Without
# the unit in an index each is a look-up into the table per entry (1.7 s and 0.9 s at a million
# entries). The first index answers the sums from the allocated targets' part of it alone
# (0.08 s), the second the counts from the quarter's part (0.07 s). One unit-first index for
# both would scan the whole year twice (0.21 s); each index costs every import some seconds
# per million rows, and the quarterly report is the job this tool exists for.
_SCHEMA_V4 = """
CREATE INDEX entries_year_target_unit_date
    ON entries (plan_year, target, unit, date, amount_milli);
CREATE INDEX entries_year_date_unit ON entries (plan_year, date, unit);
"""


def _migrate_4_unit_indexes(db: Any) -> None:
    """Schema 4: a covering index for per-unit totals, entry counts and the year's units."""
    for statement in _statements(_SCHEMA_V4):
        db.execute(statement)
    db.execute("PRAGMA user_version = 4")


# Schema 5 (issue 17, status at a million entries). ``daily`` holds the live (non-voided) sum
# and count of the entries of each (plan year, target, date, unit): ``status``, the report's
# totals, the per-unit figures and the year's units read it — about 20,000 rows for a million
# entries — instead of grouping every entry (status at 1M read 1M index entries, 156 ms).
# Triggers keep it true in the same transaction as every write, whatever path writes
# (record, add, import, ``db copy``): an entry adds to its row, a void subtracts its entry.
# A row whose entries are all voided stays, with 0 entries (so ``units`` still knows every
# unit ever written, as it did from ``entries``). A NULL unit is a key of its own: the
# partial unique index gives those rows their conflict target (NULLs are distinct in the
# full one). ``daily`` is derived data, not entries: ``kxplan check`` compares it with
# ``entries`` and ``kxplan db rebuild-summary`` rebuilds it (``DAILY_REBUILD``).
# The two unit indexes of schema 4 served only the per-unit sums and counts, now read from
# ``daily``: dropped, which every import pays for no longer.
DAILY_FROM_ENTRIES = """
SELECT e.plan_year, e.target, e.date, e.unit,
       coalesce(sum(e.amount_milli) FILTER (WHERE v.id IS NULL), 0),
       count(*) FILTER (WHERE v.id IS NULL)
FROM entries e LEFT JOIN voids v ON v.entry_id = e.id
GROUP BY e.plan_year, e.target, e.date, e.unit
"""
"""The rows ``daily`` must hold, recomputed from ``entries`` and ``voids``."""
DAILY_REBUILD = ("DELETE FROM daily", f"INSERT INTO daily {DAILY_FROM_ENTRIES}")
"""Rebuild ``daily`` from the entries (the migration, ``kxplan db rebuild-summary``)."""
_SCHEMA_V5 = """
CREATE TABLE daily (
    plan_year INTEGER NOT NULL,
    target TEXT NOT NULL,
    date TEXT NOT NULL,
    unit TEXT,
    amount_milli INTEGER NOT NULL,
    entries INTEGER NOT NULL CHECK (entries >= 0)
) STRICT;
CREATE UNIQUE INDEX daily_key ON daily (plan_year, target, date, unit);
CREATE UNIQUE INDEX daily_key_no_unit ON daily (plan_year, target, date) WHERE unit IS NULL;
CREATE TRIGGER daily_entry_with_unit AFTER INSERT ON entries WHEN NEW.unit IS NOT NULL
BEGIN
    INSERT INTO daily VALUES
        (NEW.plan_year, NEW.target, NEW.date, NEW.unit, coalesce(NEW.amount_milli, 0), 1)
    ON CONFLICT (plan_year, target, date, unit) DO UPDATE
        SET amount_milli = amount_milli + excluded.amount_milli, entries = entries + 1;
END;
CREATE TRIGGER daily_entry_no_unit AFTER INSERT ON entries WHEN NEW.unit IS NULL
BEGIN
    INSERT INTO daily VALUES
        (NEW.plan_year, NEW.target, NEW.date, NULL, coalesce(NEW.amount_milli, 0), 1)
    ON CONFLICT (plan_year, target, date) WHERE unit IS NULL DO UPDATE
        SET amount_milli = amount_milli + excluded.amount_milli, entries = entries + 1;
END;
CREATE TRIGGER daily_void AFTER INSERT ON voids
BEGIN
    UPDATE daily
        SET amount_milli = amount_milli
                - coalesce((SELECT amount_milli FROM entries WHERE id = NEW.entry_id), 0),
            entries = entries - 1
        WHERE (plan_year, target, date) =
                  (SELECT plan_year, target, date FROM entries WHERE id = NEW.entry_id)
          AND unit IS (SELECT unit FROM entries WHERE id = NEW.entry_id);
END;
DROP INDEX entries_year_target_unit_date;
DROP INDEX entries_year_date_unit;
"""


def _migrate_5_daily(db: Any) -> None:
    """Schema 5: the per-day summary ``daily`` (built from the entries), its triggers."""
    for statement in _statements(_SCHEMA_V5):
        db.execute(statement)
    for statement in DAILY_REBUILD:
        db.execute(statement)
    db.execute("PRAGMA user_version = 5")


# (version, sqlite-utils migration name, step). Each step ends by setting user_version.
# Never edit a released step: add the next one (tests/fixtures/schema_vN.sql guard this).
MIGRATIONS: tuple[tuple[int, str, Any], ...] = (
    (1, "0001_initial", _migrate_1_initial),
    (2, "0002_report_indexes", _migrate_2_report_indexes),
    (3, "0003_markers", _migrate_3_markers),
    (4, "0004_unit_indexes", _migrate_4_unit_indexes),
    (5, "0005_daily", _migrate_5_daily),
)
assert MIGRATIONS[-1][0] == SCHEMA_VERSION


def apply_migrations(conn: sqlite3.Connection, upto: int = SCHEMA_VERSION) -> None:
    """Apply the pending migrations (up to schema ``upto``) with ``sqlite_utils.Migrations``.

    The caller holds a ``BEGIN IMMEDIATE`` transaction; sqlite-utils wraps each step in a
    savepoint inside it, so an upgrade is applied whole or not at all. ``upto`` lets the
    migration tests build every older schema exactly as a released kxplan did.
    """
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

    version = conn.execute("PRAGMA user_version").fetchone()[0]
    migrations = Migrations("kxplan")
    for number, name, step in MIGRATIONS:
        if version < number <= upto:
            migrations(name=name)(step)
    db = Database(conn, recursive_triggers=False, execute_plugins=False, strict=True)
    migrations.apply(db)
