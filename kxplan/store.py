"""The only module that talks SQL: schema, migrations, entries, voids and their queries.

The database is one SQLite file. Opening it:

1. inspects it without writing — its 100-byte SQLite header, or a *read-only* connection
   when its content is still only in a WAL: a directory, a text file, random bytes, another
   application's SQLite (``application_id`` not ours, or 0 with tables of its own) or a
   schema newer than this kxplan knows is refused with one line and never modified;
2. opens it read-write with ``foreign_keys=ON``, a 10 s ``busy_timeout`` and
   ``synchronous=FULL`` — with WAL every commit is synced to the disk before it is
   acknowledged, so an acknowledged entry survives an application crash *and* a power loss
   (docs/reliability.md gives the measured cost: a fraction of a millisecond per record);
3. when the file is new or older than ``SCHEMA_VERSION`` (unless ``upgrade=False``, as for
   ``backup``), switches it to WAL (persistent, so readers never block the writer) and
   applies the migrations in one ``BEGIN IMMEDIATE`` transaction through
   ``sqlite_utils.Migrations``. ``PRAGMA user_version`` is the
   authoritative schema version, so checking it costs a pragma and sqlite-utils (≈150 ms
   to import) is imported only when a migration is actually needed.

Entries and voids are append-only: triggers refuse UPDATE and DELETE, a correction is a
void row, and an entry can be voided once (``voids.entry_id`` is UNIQUE). Every write runs
in ``BEGIN IMMEDIATE`` and retries while another writer holds the lock, so concurrent clerks
never see "database is locked". Amounts are stored as exact integer thousandths.

``health_report`` answers ``kxplan check`` (plain data, judged in ``kxplan.checks``);
``backup`` copies the database with SQLite's online backup API inside one read transaction,
verifies the copy and only then gives it its name (docs/reliability.md).
"""

from __future__ import annotations

import heapq
import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from kxplan.entry import (
    DailyTotal,
    Draft,
    Entry,
    UnitTotal,
    Void,
    amount_from_milli,
    duplicate_item_problem,
    milestone_done_problem,
)
from kxplan.errors import DatabaseError, InputError, KxplanError, OutputError
from kxplan.messages import t

if TYPE_CHECKING:
    from kxplan.plan import Plan

T = TypeVar("T")
APPLICATION_ID = 0x4B58504C  # "KXPL"
SCHEMA_VERSION = 2
BUSY_TIMEOUT_MS = 10_000
LOCK_DEADLINE_S = 120.0
"""How long a writer keeps retrying a locked database before giving up with a message."""

_SQLITE_MAGIC = b"SQLite format 3\x00"

# --- schema and migrations -------------------------------------------------------------------

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


# (version, sqlite-utils migration name, step). Each step ends by setting user_version.
# Never edit a released step: add the next one (tests/fixtures/schema_vN.sql guard this).
MIGRATIONS: tuple[tuple[int, str, Any], ...] = (
    (1, "0001_initial", _migrate_1_initial),
    (2, "0002_report_indexes", _migrate_2_report_indexes),
)
assert MIGRATIONS[-1][0] == SCHEMA_VERSION


def _apply_migrations(conn: sqlite3.Connection, upto: int = SCHEMA_VERSION) -> None:
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


# --- small helpers -------------------------------------------------------------------------------


def timestamp(moment: datetime | None = None) -> str:
    """A UTC timestamp as stored in ``recorded_at``: ``YYYY-MM-DDTHH:MM:SS.ffffffZ``."""
    moment = moment or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _write_failure(exc: sqlite3.OperationalError, path: Path) -> KxplanError:
    """The one-line error for a write that could not start or commit: busy, disk full, or other."""
    if _is_busy(exc):
        return DatabaseError(t("store.locked", path=path, reason=exc))
    if getattr(exc, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_FULL or "full" in str(exc):
        return OutputError(t("store.disk_full", path=path))
    return DatabaseError(t("store.failed", path=path, reason=exc))


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    text = str(exc)
    return "locked" in text or "busy" in text


_ENTRY_COLUMNS = (
    'e.id, e.plan_year, e.target, e.date, e.amount_milli, e.item, e.note, e.unit, e."by", '
    "e.evidence, e.recorded_at"
)
_VOID_COLUMNS = 'v.id, v.entry_id, v.reason, v."by", v.recorded_at'
_INSERT_ENTRY = (
    'INSERT INTO entries (plan_year, target, date, amount_milli, item, note, unit, "by", '
    "evidence, recorded_at, import_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _entry(row: Sequence[Any], void: Void | None = None) -> Entry:
    return Entry(
        id=row[0],
        plan_year=row[1],
        target=row[2],
        date=date.fromisoformat(row[3]),
        amount=amount_from_milli(row[4]),
        item=row[5],
        note=row[6],
        unit=row[7],
        by=row[8],
        evidence=row[9],
        recorded_at=row[10],
        void=void,
    )


def _void(row: Sequence[Any]) -> Void | None:
    if row[0] is None:
        return None
    return Void(id=row[0], entry_id=row[1], reason=row[2], by=row[3], recorded_at=row[4])


@dataclass
class ImportState:
    """What an import checks its rows against, loaded once per import (no per-row SELECT).

    ``items`` maps (target, item) of non-voided entries to the entry id; ``done`` maps a
    target with a non-voided entry to (entry id, date) — used for milestones.
    """

    keys: set[str] = field(default_factory=set)
    items: dict[tuple[str, str], int] = field(default_factory=dict)
    done: dict[str, tuple[int, str]] = field(default_factory=dict)


@dataclass
class Health:
    """What ``kxplan check`` asks the database, as plain data; ``kxplan.checks`` judges it.

    Data lists hold non-voided entries of the checked plan year only (a voided entry no longer
    counts, so it is never a problem); target ids are mapped through ``renamed_from``.
    """

    quick_check: str
    schema_version: int
    application_id: int
    damaged: bool = False
    """The file's structure is damaged (not just rows breaking a CHECK, NOT NULL or type rule)."""
    year: int | None = None
    """The plan year whose entries were checked (None: only the database itself)."""
    other_years: list[tuple[int, int]] = field(default_factory=list)
    """(plan year, number of entries) for years other than the checked one."""
    orphans: list[tuple[str, list[int]]] = field(default_factory=list)
    """(stored target id, entry ids) for ids neither in the plan nor a ``renamed_from``."""
    bad_dates: list[tuple[int, str]] = field(default_factory=list)
    """(entry id, date) for dates that are not a day of the plan year."""
    milestones_twice: list[tuple[str, list[int]]] = field(default_factory=list)
    """(milestone id, entry ids) for milestones with more than one entry."""
    duplicate_items: list[tuple[str, str, list[int]]] = field(default_factory=list)
    """(target id, item, entry ids) for an item counted more than once."""
    dangling_voids: list[tuple[int, int]] = field(default_factory=list)
    """(void id, entry id) for voids whose entry does not exist (any year)."""
    units: list[tuple[str, int]] = field(default_factory=list)
    """(stored unit text, number of entries) for every unit used in the plan year."""


@dataclass(frozen=True)
class BackupResult:
    """A verified backup: where it is and what it holds (equal to the source snapshot)."""

    path: Path
    entries: int
    voids: int
    schema_version: int
    integrity: str = "ok"


# --- the store -------------------------------------------------------------------------------------


class Store:
    """A kxplan database: open it with ``Store.open(path, create=...)``; use as a context manager."""

    def __init__(self, conn: sqlite3.Connection, path: Path, created: bool) -> None:
        self.conn = conn
        self.path = path
        self.created = created

    # opening -----------------------------------------------------------------------------------
    @classmethod
    def open(cls, path: Path | str, *, create: bool, upgrade: bool = True) -> Store:
        """Open the database at ``path``; create it when missing if ``create`` (``created`` says so).

        An older schema is upgraded unless ``upgrade`` is false (``backup`` copies a database
        as it is). Raise ``DatabaseError`` (one line, file untouched) when it is missing and
        ``create`` is false, or when it is not a kxplan database.
        """
        path = Path(path)
        version = _inspect(path)
        if version is None and not create:
            raise DatabaseError(t("store.missing", path=path))
        if version is None and not path.absolute().parent.is_dir():
            raise DatabaseError(t("store.no_directory", path=path))
        try:
            conn = sqlite3.connect(
                path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise DatabaseError(t("store.cannot_open", path=path, reason=exc)) from None
        store = cls(conn, path, created=version is None)
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = FULL")
            if version is None or (upgrade and version < SCHEMA_VERSION):
                store.created = store._retry_busy(store._migrate)
            elif store.schema_version() > SCHEMA_VERSION:  # upgraded in a WAL not yet checkpointed
                raise DatabaseError(
                    t(
                        "store.too_new",
                        path=path,
                        version=store.schema_version(),
                        known=SCHEMA_VERSION,
                    )
                )
        except sqlite3.Error as exc:
            conn.close()
            raise DatabaseError(t("store.cannot_open", path=path, reason=exc)) from None
        except BaseException:
            conn.close()
            raise
        return store

    @classmethod
    def open_read_only(cls, path: Path | str) -> Store | None:
        """A ``Store`` that only reads the existing database at ``path``, or None when there is none.

        For shell completion, which must never create, migrate or lock a database, nor leave
        files behind: a read-only connection to a WAL database creates ``-wal`` and ``-shm``
        files it cannot remove, so when no ``-wal`` file exists (no writer has the database
        open) the file is read as ``immutable``, else with ``mode=ro``. The file is not
        inspected: a query on something that is not a kxplan database raises
        ``sqlite3.Error``, and a connection that cannot be made raises ``DatabaseError``;
        neither prints anything.
        """
        path = Path(path)
        if not path.is_file() or path.stat().st_size == 0:
            return None
        writing = Path(f"{path}-wal").exists()
        uri = path.absolute().as_uri() + ("?mode=ro" if writing else "?immutable=1")
        try:
            conn = sqlite3.connect(uri, uri=True, timeout=0.2, isolation_level=None)
        except sqlite3.Error as exc:
            raise DatabaseError(t("store.cannot_open", path=path, reason=exc)) from None
        return cls(conn, path, created=False)

    def _retry_busy(self, step: Callable[[], T]) -> T:
        """Run an idempotent step again while SQLite answers "busy" without waiting.

        Switching a new file to WAL while another process creates it can fail at once with
        "database is locked" (SQLite refuses to wait where waiting could deadlock).
        """
        deadline = time.monotonic() + LOCK_DEADLINE_S
        pause = 0.01
        while True:
            try:
                return step()
            except sqlite3.OperationalError as exc:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                if not _is_busy(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(pause)
                pause = min(pause * 2, 0.5)

    def _migrate(self) -> bool:
        """Create or upgrade the schema in one write transaction (re-checked under the lock).

        Return True when this call created the database (another process may have won the
        race to create it, and then nothing is left to do).
        """
        # WAL is persistent in the file. Where a filesystem cannot do WAL, SQLite keeps the
        # rollback journal: slower for concurrent readers, still correct.
        self.conn.execute("PRAGMA journal_mode = WAL").fetchone()
        with self._write():
            app_id = self.conn.execute("PRAGMA application_id").fetchone()[0]
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
            if app_id not in (0, APPLICATION_ID) or (app_id == 0 and _has_tables(self.conn)):
                raise DatabaseError(t("store.foreign", path=self.path))
            if version > SCHEMA_VERSION:
                raise DatabaseError(
                    t("store.too_new", path=self.path, version=version, known=SCHEMA_VERSION)
                )
            if version < SCHEMA_VERSION:
                _apply_migrations(self.conn)
            return version == 0

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # transactions -------------------------------------------------------------------------------
    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: ``BEGIN IMMEDIATE`` (retried while locked) … ``COMMIT``."""
        conn = self.conn
        deadline = time.monotonic() + LOCK_DEADLINE_S
        pause = 0.01
        while True:
            try:
                conn.execute("BEGIN IMMEDIATE")
                break
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc) or time.monotonic() > deadline:
                    raise _write_failure(exc, self.path) from None
                time.sleep(pause)
                pause = min(pause * 2, 0.5)
        try:
            yield conn
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        while True:
            try:
                conn.execute("COMMIT")
                return
            except sqlite3.OperationalError as exc:
                # Only a rollback-journal database (no WAL) can be busy at COMMIT; retrying
                # keeps the transaction, giving up rolls it back.
                if not _is_busy(exc) or time.monotonic() > deadline:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise _write_failure(exc, self.path) from None
                time.sleep(pause)
                pause = min(pause * 2, 0.5)

    @contextmanager
    def write_transaction(self, *, bulk: bool = False) -> Iterator[Store]:
        """A write transaction for a batch of writes (``import``): all or nothing.

        ``bulk`` gives this connection a 64 MiB page cache, so a large import does not
        thrash the indexes (the random ``import_key`` index above all).
        """
        if bulk:
            self.conn.execute("PRAGMA cache_size = -65536")
        with self._write():
            yield self

    @contextmanager
    def read_snapshot(self) -> Iterator[Store]:
        """One read transaction, so a report sees a consistent snapshot while writers run."""
        if self.conn.in_transaction:
            yield self
            return
        self.conn.execute("BEGIN")
        try:
            self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            yield self
        finally:
            if self.conn.in_transaction:
                self.conn.execute("COMMIT")

    # writes ------------------------------------------------------------------------------------------
    # record/void are the measured hot path of `kxplan record`: plain sqlite3 on the open
    # connection, a couple of indexed SELECTs and one INSERT inside BEGIN IMMEDIATE.
    def record(self, plan: Plan, draft: Draft, by: str, *, now: datetime | None = None) -> Entry:
        """Append one validated entry (``draft.by`` if given, else ``by``); return it with its id.

        Raise ``InputError`` when the item is already counted for the target, or the milestone
        is already done (checked under the write lock, so concurrent clerks cannot both pass).
        """
        who = draft.by or by
        recorded_at = timestamp(now)
        ids = _target_ids(plan, draft.target)
        with self._write() as conn:
            if draft.kind == "count" and draft.item is not None:
                earlier = conn.execute(
                    f"SELECT e.id FROM entries e WHERE e.plan_year = ? AND e.target IN ({_marks(ids)})"
                    " AND e.item = ? AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.entry_id = e.id)"
                    " ORDER BY e.id LIMIT 1",
                    (plan.year, *ids, draft.item),
                ).fetchone()
                if earlier:
                    raise InputError(duplicate_item_problem(draft, earlier[0]))
            elif draft.kind == "milestone":
                done = conn.execute(
                    f"SELECT e.id, e.date FROM entries e WHERE e.plan_year = ? AND e.target IN ({_marks(ids)})"
                    " AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.entry_id = e.id)"
                    " ORDER BY e.date, e.id LIMIT 1",
                    (plan.year, *ids),
                ).fetchone()
                if done:
                    raise InputError(milestone_done_problem(draft, done[0], done[1]))
            values = (
                plan.year,
                draft.target,
                draft.date.isoformat(),
                draft.amount_milli,
                draft.item,
                draft.note,
                draft.unit,
                who,
                draft.evidence,
                recorded_at,
                None,
            )
            entry_id = conn.execute(_INSERT_ENTRY, values).lastrowid
        assert entry_id is not None
        return Entry(
            id=entry_id,
            plan_year=plan.year,
            target=draft.target,
            date=draft.date,
            amount=draft.amount,
            item=draft.item,
            note=draft.note,
            unit=draft.unit,
            by=who,
            evidence=draft.evidence,
            recorded_at=recorded_at,
        )

    def void(self, entry_id: int, reason: str, by: str, *, now: datetime | None = None) -> Void:
        """Void an entry once, with a reason; raise ``InputError`` for unknown or voided entries."""
        reason = reason.strip()
        if not reason:
            raise InputError(t("void.reason_required"))
        recorded_at = timestamp(now)
        with self._write() as conn:
            row = conn.execute(
                f"SELECT e.id, {_VOID_COLUMNS} FROM entries e LEFT JOIN voids v ON v.entry_id = e.id"
                " WHERE e.id = ?",
                (entry_id,),
            ).fetchone()
            if row is None:
                raise InputError(t("void.unknown", id=entry_id))
            if row[1] is not None:
                raise InputError(
                    t("void.already", id=entry_id, void=row[1], by=row[4], at=row[5], reason=row[3])
                )
            void_id = conn.execute(
                'INSERT INTO voids (entry_id, reason, "by", recorded_at) VALUES (?, ?, ?, ?)',
                (entry_id, reason, by, recorded_at),
            ).lastrowid
        assert void_id is not None
        return Void(id=void_id, entry_id=entry_id, reason=reason, by=by, recorded_at=recorded_at)

    def import_state(self, year: int) -> ImportState:
        """The import keys, counted items and done targets of a year, loaded in three queries."""
        state = ImportState()
        conn = self.conn
        state.keys = {
            row[0]
            for row in conn.execute(
                "SELECT import_key FROM entries WHERE plan_year = ? AND import_key IS NOT NULL",
                (year,),
            )
        }
        live = "NOT EXISTS (SELECT 1 FROM voids v WHERE v.entry_id = e.id)"
        for entry_id, target, item in conn.execute(
            f"SELECT e.id, e.target, e.item FROM entries e WHERE e.plan_year = ?"
            f" AND e.item IS NOT NULL AND {live} ORDER BY e.id",
            (year,),
        ):
            state.items.setdefault((target, item), entry_id)
        for entry_id, target, day in conn.execute(
            f"SELECT e.id, e.target, e.date FROM entries e WHERE e.plan_year = ? AND {live}"
            " AND e.amount_milli IS NULL ORDER BY e.date, e.id",
            (year,),
        ):
            state.done.setdefault(target, (entry_id, day))
        return state

    def insert_rows(self, rows: Iterable[tuple[Any, ...]]) -> int:
        """Insert prepared entry rows (the bulk path of ``import``); return how many.

        Each row is ``(plan_year, target, date, amount_milli, item, note, unit, by, evidence,
        recorded_at, import_key)``. Call inside ``write_transaction()``. This is the measured
        bulk hot path: one ``executemany`` on the raw connection, no per-row Python here.
        """
        before = self.conn.total_changes
        self.conn.executemany(_INSERT_ENTRY, rows)
        return self.conn.total_changes - before

    # reads ------------------------------------------------------------------------------------------
    def entry(self, entry_id: int) -> Entry | None:
        """One entry with its void (if any), or None."""
        row = self.conn.execute(
            f"SELECT {_ENTRY_COLUMNS}, {_VOID_COLUMNS} FROM entries e"
            " LEFT JOIN voids v ON v.entry_id = e.id WHERE e.id = ?",
            (entry_id,),
        ).fetchone()
        return _entry(row, _void(row[11:])) if row else None

    def entries(
        self,
        year: int,
        *,
        target: str | None = None,
        targets: Iterable[str] | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        unit: str | None = None,
        units: Iterable[str] | None = None,
        include_voided: bool = False,
        known_at: str | None = None,
        limit: int | None = None,
    ) -> list[Entry]:
        """Entries of a year in (date, id) order, filtered; voided ones only if asked.

        ``unit`` keeps one stored unit text, ``units`` any of several (the spellings of one
        unit: ``UnitResolver.matching``). With ``known_at`` (a ``recorded_at`` timestamp), entries and voids recorded after it are
        ignored: an entry voided later counts as not voided.
        """
        if targets is not None and limit is not None and len(set(targets)) > 1:
            # One query per id, merged: each reads its first ``limit`` rows from the target
            # index, where one ``IN`` query would sort every matching entry of the period.
            per_target = [
                self.entries(
                    year,
                    target=one,
                    date_from=date_from,
                    date_to=date_to,
                    unit=unit,
                    units=units,
                    include_voided=include_voided,
                    known_at=known_at,
                    limit=limit,
                )
                for one in sorted(set(targets))
                if target is None or one == target
            ]
            merged = heapq.merge(*per_target, key=lambda entry: (entry.date, entry.id))
            return list(islice(merged, limit))
        join = "LEFT JOIN voids v ON v.entry_id = e.id"
        params: list[Any] = []
        if known_at is not None:
            join += " AND v.recorded_at <= ?"
            params.append(known_at)
        where = ["e.plan_year = ?"]
        params.append(year)
        if target is not None:
            where.append("e.target = ?")
            params.append(target)
        if targets is not None:
            wanted = sorted(set(targets))
            if not wanted:
                return []
            where.append(f"e.target IN ({_marks(wanted)})")
            params.extend(wanted)
        if date_from is not None:
            where.append("e.date >= ?")
            params.append(date_from.isoformat())
        if date_to is not None:
            where.append("e.date <= ?")
            params.append(date_to.isoformat())
        if unit is not None:
            where.append("e.unit = ?")
            params.append(unit)
        if units is not None:
            spellings = sorted(set(units))
            if not spellings:
                return []
            where.append(f"e.unit IN ({_marks(spellings)})")
            params.extend(spellings)
        if known_at is not None:
            where.append("e.recorded_at <= ?")
            params.append(known_at)
        if not include_voided:
            where.append("v.id IS NULL")
        sql = (
            f"SELECT {_ENTRY_COLUMNS}, {_VOID_COLUMNS} FROM entries e {join}"
            f" WHERE {' AND '.join(where)} ORDER BY e.date, e.id"
        )
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [_entry(row, _void(row[11:])) for row in self.conn.execute(sql, params)]

    def daily_totals(
        self, year: int, *, as_of: date | None = None, known_at: str | None = None
    ) -> list[DailyTotal]:
        """Per (target, date): sum and count of non-voided entries dated up to ``as_of``.

        Computed in SQL with GROUP BY; target ids are as stored (old ids are not mapped).
        With ``known_at``, entries and voids recorded after it are ignored.

        Without ``known_at`` (every report and ``status``) this is all entries minus the
        voided ones, each grouped in SQL: the first is read from the covering index alone,
        the second from the (few) voids; no per-entry look-up into ``voids``. ``known_at``
        needs ``recorded_at`` of every entry, so that form reads the table.
        """
        if known_at is None:
            return self._daily_totals_now(year, as_of)
        sql = (
            "SELECT e.target, e.date, coalesce(sum(e.amount_milli), 0), count(*) FROM entries e"
            " WHERE e.plan_year = ?"
        )
        params: list[Any] = [year]
        if as_of is not None:
            sql += " AND e.date <= ?"
            params.append(as_of.isoformat())
        sql += " AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.entry_id = e.id"
        if known_at is not None:
            sql += " AND v.recorded_at <= ?) AND e.recorded_at <= ?"
            params += [known_at, known_at]
        else:
            sql += ")"
        sql += " GROUP BY e.target, e.date ORDER BY e.target, e.date"
        return [
            DailyTotal(
                target=row[0],
                date=date.fromisoformat(row[1]),
                amount=Decimal(row[2]) / 1000,
                count=row[3],
            )
            for row in self.conn.execute(sql, params)
        ]

    def _daily_totals_now(self, year: int, as_of: date | None) -> list[DailyTotal]:
        """``daily_totals`` without ``known_at``: grouped entries minus grouped voided entries."""
        day = " AND e.date <= ?" if as_of is not None else ""
        params: list[Any] = [year] + ([as_of.isoformat()] if as_of is not None else [])
        # CROSS JOIN makes SQLite start from voids (a handful) rather than from entries.
        sql = (
            "SELECT a.target, a.date, a.total - coalesce(b.total, 0), a.n - coalesce(b.n, 0)"
            " FROM (SELECT e.target, e.date, coalesce(sum(e.amount_milli), 0) AS total,"
            f" count(*) AS n FROM entries e WHERE e.plan_year = ?{day}"
            " GROUP BY e.target, e.date) AS a"
            " LEFT JOIN (SELECT e.target, e.date, coalesce(sum(e.amount_milli), 0) AS total,"
            " count(*) AS n FROM voids v CROSS JOIN entries e ON e.id = v.entry_id"
            f" WHERE e.plan_year = ?{day} GROUP BY e.target, e.date) AS b"
            " ON b.target = a.target AND b.date = a.date"
            " WHERE a.n > coalesce(b.n, 0) ORDER BY a.target, a.date"
        )
        return [
            DailyTotal(
                target=row[0],
                date=date.fromisoformat(row[1]),
                amount=Decimal(row[2]) / 1000,
                count=row[3],
            )
            for row in self.conn.execute(sql, params + params)
        ]

    def target_total(self, year: int, targets: Iterable[str]) -> tuple[Decimal, int]:
        """The sum and count of non-voided entries recorded for these target ids in a year."""
        ids = sorted(set(targets))
        if not ids:
            return Decimal(0), 0
        row = self.conn.execute(
            "SELECT coalesce(sum(e.amount_milli), 0), count(*) FROM entries e"
            f" WHERE e.plan_year = ? AND e.target IN ({_marks(ids)})"
            " AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.entry_id = e.id)",
            (year, *ids),
        ).fetchone()
        return amount_from_milli(row[0]) or Decimal(0), row[1]

    def voids(
        self, year: int, *, recorded_after: str | None = None, recorded_until: str | None = None
    ) -> list[tuple[Void, Entry]]:
        """Voids of a year's entries in ``recorded_at`` order (after is exclusive, until inclusive)."""
        where = ["e.plan_year = ?"]
        params: list[Any] = [year]
        if recorded_after is not None:
            where.append("v.recorded_at > ?")
            params.append(recorded_after)
        if recorded_until is not None:
            where.append("v.recorded_at <= ?")
            params.append(recorded_until)
        # CROSS JOIN keeps voids the outer loop (its recorded_at index gives the order and
        # the bounds); a plain JOIN lets SQLite scan the year's entries looking for voids.
        sql = (
            f"SELECT {_ENTRY_COLUMNS}, {_VOID_COLUMNS} FROM voids v"
            f" CROSS JOIN entries e ON e.id = v.entry_id"
            f" WHERE {' AND '.join(where)} ORDER BY v.recorded_at, v.id"
        )
        result = []
        for row in self.conn.execute(sql, params):
            void = _void(row[11:])
            assert void is not None
            result.append((void, _entry(row, void)))
        return result

    def count_entries(
        self, year: int, *, known_at: str | None = None, include_voided: bool = False
    ) -> int:
        """How many entries a year has (non-voided unless asked), as known at ``known_at``."""
        sql = "SELECT count(*) FROM entries e WHERE e.plan_year = ?"
        params: list[Any] = [year]
        if known_at is not None:
            sql += " AND e.recorded_at <= ?"
            params.append(known_at)
        if not include_voided:
            sql += " AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.entry_id = e.id"
            if known_at is not None:
                sql += " AND v.recorded_at <= ?"
                params.append(known_at)
            sql += ")"
        return self.conn.execute(sql, params).fetchone()[0]

    def last_entry_by(self, user: str, year: int, *, include_voided: bool = False) -> Entry | None:
        """The entry this user recorded last in a year (non-voided unless asked), or None."""
        live = "" if include_voided else " AND v.id IS NULL"
        row = self.conn.execute(
            f"SELECT {_ENTRY_COLUMNS}, {_VOID_COLUMNS} FROM entries e"
            ' LEFT JOIN voids v ON v.entry_id = e.id WHERE e."by" = ? AND e.plan_year = ?'
            f"{live} ORDER BY e.recorded_at DESC, e.id DESC LIMIT 1",
            (user, year),
        ).fetchone()
        return _entry(row, _void(row[11:])) if row else None

    def units(self, year: int) -> list[str]:
        """The distinct organisational units used in a year, sorted."""
        return [
            row[0]
            for row in self.conn.execute(
                "SELECT DISTINCT unit FROM entries WHERE plan_year = ? AND unit IS NOT NULL ORDER BY unit",
                (year,),
            )
        ]

    def unit_counts(
        self,
        year: int,
        *,
        date_from: date | None = None,
        date_to: date | None = None,
        known_at: str | None = None,
    ) -> list[tuple[str, int]]:
        """Each stored unit text of a year with its number of non-voided entries, sorted by text.

        Optionally only entries dated from ``date_from`` to ``date_to`` (a report's quarter,
        read from the (year, date) index) and as known at ``known_at``.
        """
        sql = "SELECT e.unit, count(*) FROM entries e WHERE e.plan_year = ? AND e.unit IS NOT NULL"
        params: list[Any] = [year]
        if date_from is not None:
            sql += " AND e.date >= ?"
            params.append(date_from.isoformat())
        if date_to is not None:
            sql += " AND e.date <= ?"
            params.append(date_to.isoformat())
        if known_at is not None:
            sql += " AND e.recorded_at <= ?"
            params.append(known_at)
        sql += " AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.entry_id = e.id"
        if known_at is not None:
            sql += " AND v.recorded_at <= ?"
            params.append(known_at)
        sql += ") GROUP BY e.unit ORDER BY e.unit"
        return [(row[0], row[1]) for row in self.conn.execute(sql, params)]

    def unit_totals(
        self,
        year: int,
        *,
        as_of: date | None = None,
        known_at: str | None = None,
        targets: Iterable[str] | None = None,
        units: Iterable[str] | None = None,
    ) -> list[UnitTotal]:
        """Per (stored unit, target, date): sum and count of non-voided entries up to ``as_of``.

        Restricted to the target ids ``targets`` (read through the target index: per-unit
        figures only need the allocated targets) and/or the stored unit texts ``units``.
        Target ids and unit texts are as stored; the caller maps old ids and spellings.
        """
        sql = (
            "SELECT e.unit, e.target, e.date, coalesce(sum(e.amount_milli), 0), count(*)"
            " FROM entries e WHERE e.plan_year = ? AND e.unit IS NOT NULL"
        )
        params: list[Any] = [year]
        for column, values in (("e.target", targets), ("e.unit", units)):
            if values is None:
                continue
            wanted = sorted(set(values))
            if not wanted:
                return []
            sql += f" AND {column} IN ({_marks(wanted)})"
            params.extend(wanted)
        if as_of is not None:
            sql += " AND e.date <= ?"
            params.append(as_of.isoformat())
        if known_at is not None:
            sql += " AND e.recorded_at <= ?"
            params.append(known_at)
        sql += " AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.entry_id = e.id"
        if known_at is not None:
            sql += " AND v.recorded_at <= ?"
            params.append(known_at)
        sql += ") GROUP BY e.unit, e.target, e.date ORDER BY e.unit, e.target, e.date"
        return [
            UnitTotal(
                unit=row[0],
                target=row[1],
                date=date.fromisoformat(row[2]),
                amount=Decimal(row[3]) / 1000,
                count=row[4],
            )
            for row in self.conn.execute(sql, params)
        ]

    def last_unit_by(self, user: str) -> str | None:
        """The unit of the latest entry this user recorded with one, or None."""
        row = self.conn.execute(
            'SELECT unit FROM entries WHERE "by" = ? AND unit IS NOT NULL ORDER BY id DESC LIMIT 1',
            (user,),
        ).fetchone()
        return row[0] if row else None

    def years(self) -> list[int]:
        """The plan years that have entries, sorted."""
        return [
            row[0] for row in self.conn.execute("SELECT DISTINCT plan_year FROM entries ORDER BY 1")
        ]

    def quick_check(self) -> str:
        """SQLite's ``PRAGMA quick_check``: ``ok`` or the first problems found."""
        rows = self.conn.execute("PRAGMA quick_check").fetchall()
        return "\n".join(str(row[0]) for row in rows)

    def schema_version(self) -> int:
        """The schema version of the open database (``PRAGMA user_version``)."""
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    # checks and backups ----------------------------------------------------------------------------
    def health_report(
        self,
        year: int | None,
        known_ids: Iterable[str] = (),
        aliases: dict[str, str] | None = None,
        milestones: Iterable[str] = (),
    ) -> Health:
        """The database's health and, for a plan ``year``, the entries a plan cannot account for.

        ``known_ids`` are the plan's target ids, ``aliases`` its old ids (``renamed_from``)
        mapped to the current ones, ``milestones`` the current ids of its milestones. With
        ``year`` None (no usable plan) only the database itself is checked. Call inside
        ``read_snapshot()`` so every answer comes from the same moment.
        """
        conn = self.conn
        try:
            integrity = self.quick_check()
        except sqlite3.DatabaseError as exc:  # too damaged even to be checked
            integrity = str(exc)
        health = Health(
            quick_check=integrity,
            schema_version=self.schema_version(),
            application_id=conn.execute("PRAGMA application_id").fetchone()[0],
            damaged=integrity != "ok"
            and not all(_ROW_RULE.match(line) for line in integrity.splitlines()),
        )
        if health.damaged:
            return health  # a damaged file's answers cannot be trusted, nor always read
        health.dangling_voids = [
            (row[0], row[1])
            for row in conn.execute(
                "SELECT v.id, v.entry_id FROM voids v"
                " WHERE NOT EXISTS (SELECT 1 FROM entries e WHERE e.id = v.entry_id) ORDER BY v.id"
            )
        ]
        if year is None:
            return health
        health.year = year
        health.other_years = [
            (row[0], row[1])
            for row in conn.execute(
                "SELECT plan_year, count(*) FROM entries WHERE plan_year != ?"
                " GROUP BY plan_year ORDER BY plan_year",
                (year,),
            )
        ]
        aliases = dict(aliases or {})
        known = sorted(set(known_ids) | set(aliases))
        live = "NOT EXISTS (SELECT 1 FROM voids v WHERE v.entry_id = e.id)"
        health.orphans = [
            (row[0], _ids(row[1]))
            for row in conn.execute(
                "SELECT e.target, group_concat(e.id) FROM entries e WHERE e.plan_year = ?"
                f" AND e.target NOT IN ({_marks(known)}) AND {live}"
                " GROUP BY e.target ORDER BY e.target",
                (year, *known),
            )
        ]
        first, last = f"{year:04d}-01-01", f"{year:04d}-12-31"
        health.bad_dates = [
            (row[0], row[1])
            for row in conn.execute(
                "SELECT e.id, e.date FROM entries e WHERE e.plan_year = ?"
                " AND (date(e.date, '+0 days') IS NOT e.date OR e.date NOT BETWEEN ? AND ?)"
                f" AND {live} ORDER BY e.id",
                (year, first, last),
            )
        ]
        with_alias, params = _mapped_targets(aliases)
        wanted = _with_old_ids(set(milestones), aliases)
        if wanted:
            health.milestones_twice = [
                (row[0], _ids(row[1]))
                for row in conn.execute(
                    f"{with_alias} SELECT coalesce(a.new, e.target) AS mapped, group_concat(e.id)"
                    " FROM entries e LEFT JOIN alias a ON a.old = e.target"
                    f" WHERE e.plan_year = ? AND {live} AND e.target IN ({_marks(wanted)})"
                    " GROUP BY mapped HAVING count(*) > 1 ORDER BY mapped",
                    (*params, year, *wanted),
                )
            ]
        health.units = self.unit_counts(year)
        health.duplicate_items = [
            (row[0], row[1], _ids(row[2]))
            for row in conn.execute(
                f"{with_alias} SELECT coalesce(a.new, e.target) AS mapped, e.item,"
                " group_concat(e.id) FROM entries e LEFT JOIN alias a ON a.old = e.target"
                f" WHERE e.plan_year = ? AND e.item IS NOT NULL AND {live}"
                " GROUP BY mapped, e.item HAVING count(*) > 1 ORDER BY mapped, e.item",
                (*params, year),
            )
        ]
        return health

    def backup(self, dest: Path | str, *, force: bool = False) -> BackupResult:
        """Copy the database to ``dest`` with SQLite's online backup API, verify it, publish it.

        The copy is taken inside one read transaction (writers carry on meanwhile) into a
        temporary file beside ``dest``, made a single self-contained file
        (``journal_mode=DELETE``), verified (``integrity_check``, application id, schema
        version, entry and void counts equal to the snapshot's), synced, and only then renamed
        to ``dest``: a failed backup never leaves half a file nor destroys an earlier backup.
        An existing ``dest`` is refused unless ``force``.
        """
        dest = Path(dest)
        if dest.is_dir():
            raise InputError(t("backup.is_directory", path=dest, example=dest / "kxplan-backup.db"))
        if dest.exists():
            if _same_file(dest, self.path):
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
            raise OutputError(
                t("backup.cannot_write", path=dest, reason=exc.strerror or exc)
            ) from None
        staging = Path(name)
        try:
            try:
                facts = self._copy_into(staging)
            except sqlite3.Error as exc:
                raise OutputError(t("backup.failed", path=dest, reason=exc)) from None
            problem = _verify_copy(staging, facts)
            if problem:
                raise OutputError(t("backup.verify_failed", path=dest, reason=problem))
            try:
                _fsync(staging)
                _publish(staging, dest, replace=force)
            except FileExistsError:
                raise InputError(t("backup.exists", path=dest)) from None
            except OSError as exc:
                raise OutputError(
                    t("backup.cannot_write", path=dest, reason=exc.strerror or exc)
                ) from None
        finally:
            remove_database(staging)
        _fsync_folder(folder)
        return BackupResult(
            path=dest,
            entries=facts["entries"],
            voids=facts["voids"],
            schema_version=facts["schema version"],
        )

    def _copy_into(self, staging: Path) -> dict[str, int]:
        """Copy one read snapshot into ``staging``; return the snapshot's facts."""
        target = sqlite3.connect(staging, isolation_level=None)
        try:
            with self.read_snapshot():
                facts = _facts(self.conn)
                self.conn.backup(target)
            target.execute("PRAGMA journal_mode = DELETE").fetchone()
        finally:
            target.close()
        try:
            os.chmod(staging, os.stat(self.path).st_mode & 0o777)
        except OSError:
            pass
        return facts


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" * len(values))


# quick_check lines about rows that break a column rule (the file itself is sound), as
# SQLite words them: "CHECK constraint failed in entries", "NULL value in entries.by",
# "non-INTEGER value in entries.amount_milli".
_ROW_RULE = re.compile(
    r"^(?:CHECK constraint failed in \S+|NULL value in \S+|non-\w+ value in \S+)$"
)


def _ids(text: str) -> list[int]:
    """Entry ids from ``group_concat`` in ascending order."""
    return sorted(int(part) for part in text.split(","))


def _mapped_targets(aliases: dict[str, str]) -> tuple[str, list[str]]:
    """A ``WITH alias(old, new)`` clause mapping old target ids to current ones, and its params."""
    if not aliases:
        return "WITH alias(old, new) AS (SELECT NULL, NULL WHERE 0)", []
    pairs = sorted(aliases.items())
    values = ", ".join("(?, ?)" for _ in pairs)
    return f"WITH alias(old, new) AS (VALUES {values})", [v for pair in pairs for v in pair]


def _with_old_ids(ids: set[str], aliases: dict[str, str]) -> list[str]:
    """These target ids and every old id that maps to one of them, sorted."""
    return sorted(ids | {old for old, new in aliases.items() if new in ids})


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


def _same_file(one: Path, other: Path) -> bool:
    try:
        return os.path.samefile(one, other)
    except OSError:
        return False


def _fsync(path: Path) -> None:
    """Flush a file's data to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable, where the system allows it (not on Windows)."""
    try:
        _fsync(folder)
    except OSError:
        pass


def _publish(staging: Path, dest: Path, *, replace: bool) -> None:
    """Give the verified copy its name: replace ``dest`` only if asked, else never clobber it."""
    if replace:
        os.replace(staging, dest)
        return
    try:
        os.link(staging, dest)  # fails if dest appeared meanwhile
    except FileExistsError:
        raise
    except OSError:  # a filesystem without hard links
        if dest.exists():
            raise FileExistsError(dest) from None
        os.replace(staging, dest)


def _target_ids(plan: Plan, target_id: str) -> tuple[str, ...]:
    """A target's current id and its old ids, so rules see entries recorded under either."""
    target = plan.target(target_id)
    return (target_id, *target.renamed_from) if target is not None else (target_id,)


def _has_tables(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0


def _inspect(path: Path) -> int | None:
    """The schema version of an existing kxplan database, or None when there is none yet.

    Raise ``DatabaseError`` for anything else. Only the 100-byte SQLite header is read (no
    SQLite connection), so a foreign file is never modified and nothing is left beside it.
    The header can lag behind a WAL that is not yet checkpointed; ``Store.open`` re-checks
    the version on its connection, and a creation re-checks everything under the write lock.
    """
    if path.is_dir():
        raise DatabaseError(t("store.is_directory", path=path))
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
    if head[:16] != _SQLITE_MAGIC[: len(head[:16])] or len(head) < 16:
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
    """Like ``_inspect`` for a file whose header says "empty" while a WAL holds its content.

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
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if app_id == 0 and version == 0 and not _has_tables(conn):
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


def publish_new(staging: Path, path: Path) -> bool:
    """Give a newly built (closed) database its final name unless one appeared there meanwhile.

    A hard link never replaces an existing file; an empty placeholder file is replaced.
    Return False when another database took the name first (the staging copy stays).
    """
    try:
        os.link(staging, path)
        return True
    except FileExistsError:
        if database_exists(path):
            return False
        os.replace(staging, path)  # an empty placeholder file, e.g. from `touch`
        return True
    except OSError:
        if path.exists():
            return False
        os.replace(staging, path)  # a filesystem without hard links
        return True


@contextmanager
def sqlite_errors(path: Path | str) -> Iterator[None]:
    """An SQLite failure inside (a damaged file, a full disk) becomes one ``DatabaseError`` line.

    A write it interrupted was rolled back by its transaction.
    """
    try:
        yield
    except sqlite3.Error as exc:
        raise DatabaseError(t("store.failed", path=path, reason=exc)) from None


def database_exists(path: Path) -> bool:
    """Whether ``path`` holds a database with content: a non-empty file, or a WAL of one."""
    for name in (path, Path(f"{path}-wal")):
        try:
            if os.stat(name).st_size > 0:
                return True
        except OSError:
            pass
    return False


def remove_database(path: Path) -> None:
    """Remove a database file and its ``-wal`` / ``-shm`` companions, if present."""
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        try:
            name.unlink()
        except FileNotFoundError:
            pass


_STAGING_RE = re.compile(
    r"\.import-(\d+)-[0-9a-f]+(?:-wal|-shm|-journal)?$|\.import-(\d+)(?:-wal|-shm|-journal)?$"
)


def staging_path(path: Path) -> Path:
    """A fresh name beside ``path`` to build a new database in; never the name of a leftover."""
    return path.with_name(f".{path.name}.import-{os.getpid()}-{os.urandom(6).hex()}")


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
