"""``SqliteStore``: the embedded default engine — one SQLite file, its connection and queries.

Opening a database:

1. inspects the file without writing (``dbfile.inspect``): anything that is not a kxplan
   database, or one newer than this kxplan, is refused with one line and never modified;
2. connects read-write with ``foreign_keys=ON``, a 10 s ``busy_timeout`` and
   ``synchronous=FULL`` — with WAL every commit is synced to the disk before it is
   acknowledged, so an acknowledged entry survives an application crash *and* a power loss
   (docs/reliability.md gives the measured cost: a fraction of a millisecond per record);
3. when the file is new or older than ``SCHEMA_VERSION`` (unless ``upgrade=False``, as for
   ``backup``), switches it to WAL (persistent, so readers never block the writer) and applies
   the migrations (``schema.apply_migrations``) in one ``BEGIN IMMEDIATE`` transaction.
   ``PRAGMA user_version`` is the authoritative schema version, so checking it costs a pragma.

Every write runs in ``BEGIN IMMEDIATE`` and retries while another writer holds the lock
(``kxplan.store.retry``), so concurrent clerks never see "database is locked". Amounts are
stored as exact integer thousandths.

The measured hot paths (``record``, the aggregates of ``status`` and reports, ``import``'s
bulk insert) use the stdlib connection directly: plain indexed SELECTs, one INSERT, one
``executemany``; sqlite-utils serves the schema and migrations only.
"""

from __future__ import annotations

import heapq
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

from kxplan.entry import (
    DailyTotal,
    Draft,
    Entry,
    ImportState,
    UnitTotal,
    Void,
    amount_from_milli,
)
from kxplan.errors import DatabaseError, KxplanError, OutputError
from kxplan.messages import t
from kxplan.store.interface import (
    BackupResult,
    CopyFacts,
    EntryRow,
    Health,
    ListingBounds,
    ListingRow,
    Location,
    RawEntry,
    RawVoid,
    Store,
)
from kxplan.store.location import ServerLocation
from kxplan.store.retry import deadline_after, retry, waiting
from kxplan.store.sqlite import dbfile
from kxplan.store.sqlite.dbfile import BUSY_TIMEOUT_MS, has_tables, inspect
from kxplan.store.sqlite.schema import (
    APPLICATION_ID,
    DAILY_REBUILD,
    SAMPLE_MARKER,
    SCHEMA_VERSION,
    apply_migrations,
)
from kxplan.store.sqlite.sql import (
    ENTRY_COLUMNS,
    INSERT_ENTRY,
    LISTING_COLUMNS,
    LIVE,
    VOID_COLUMNS,
    entry_from_row,
    marks,
    void_from_row,
)
from kxplan.store.staging import INSERT_COLUMNS, SELECT_ADDED, ImportStaging

REBUILD_AT = 10_000
"""An import of at least this many rows, more than the table holds, rebuilds the indexes."""
SUMMARY_TRIGGERS = ("daily_entry_no_unit", "daily_entry_with_unit")
"""The triggers that add each new entry to ``daily`` (schema 5); a rebuilding import sets them
aside and rebuilds ``daily`` once."""
WAIT_STEP_MS = 100
"""SQLite's own wait per attempt while another writer holds the lock (then kxplan retries)."""

T = TypeVar("T")
R = TypeVar("R")


def is_busy(exc: BaseException) -> bool:
    """Whether an SQLite error means another connection holds the lock (worth retrying)."""
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    text = str(exc)
    return "locked" in text or "busy" in text


def _write_failure(exc: sqlite3.OperationalError, path: Path) -> KxplanError:
    """The one-line error for a write that could not start or commit: busy, disk full, or other."""
    if is_busy(exc):
        return DatabaseError(t("store.locked", path=path, reason=exc))
    if getattr(exc, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_FULL or "full" in str(exc):
        return OutputError(t("store.disk_full", path=path))
    return DatabaseError(t("store.failed", path=path, reason=exc))


class SqliteStore(Store):
    """A kxplan database in one SQLite file (``conn`` is its stdlib connection)."""

    def __init__(self, conn: sqlite3.Connection, path: Path, created: bool) -> None:
        self.conn = conn
        self.path = path
        self.created = created

    # opening -----------------------------------------------------------------------------------
    @classmethod
    def open(cls, location: Location, *, create: bool, upgrade: bool = True) -> SqliteStore:
        """Open the database file ``location`` (see ``Store.open`` and the module)."""
        path = _file(location)
        version = inspect(path)
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
            if version is not None:
                store._ensure_wal()
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

    def _ensure_wal(self) -> None:
        """Put a database back into WAL mode if it left it (restored by ``cp`` from a backup,
        which is a single file in rollback-journal mode): in rollback mode readers and the
        writer block each other. Switching needs a moment alone with the file; when another
        process has it open, the next open switches it.
        """
        mode = self.conn.execute("PRAGMA journal_mode").fetchone()[0]
        if str(mode).lower() == "wal":
            return
        self.conn.execute(f"PRAGMA busy_timeout = {WAIT_STEP_MS}")
        try:
            self.conn.execute("PRAGMA journal_mode = WAL").fetchone()
        except sqlite3.OperationalError as exc:
            if not is_busy(exc):
                raise
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    @classmethod
    def init(cls, location: Location) -> tuple[int, int]:
        """Create or upgrade the database file (what the first write does; ``kxplan db init``)."""
        path = _file(location)
        before = inspect(path) or 0
        with cls.open(path, create=True) as store:
            return before, store.schema_version()

    @classmethod
    def open_read_only(cls, location: Location) -> SqliteStore | None:
        """A store that only reads the existing database file, or None when there is none.

        For shell completion, which must never create, migrate or lock a database, nor leave
        files behind: a read-only connection to a WAL database creates ``-wal`` and ``-shm``
        files it cannot remove, so when no ``-wal`` file exists (no writer has the database
        open) the file is read as ``immutable``, else with ``mode=ro``. The file is not
        inspected: a query on something that is not a kxplan database raises
        ``sqlite3.Error``, and a connection that cannot be made raises ``DatabaseError``;
        neither prints anything.
        """
        path = _file(location)
        if not path.is_file() or path.stat().st_size == 0:
            return None
        writing = Path(f"{path}-wal").exists()
        uri = path.absolute().as_uri() + ("?mode=ro" if writing else "?immutable=1")
        try:
            conn = sqlite3.connect(uri, uri=True, timeout=0.2, isolation_level=None)
        except sqlite3.Error as exc:
            raise DatabaseError(t("store.cannot_open", path=path, reason=exc)) from None
        return cls(conn, path, created=False)

    @classmethod
    def exists(cls, location: Location) -> bool:
        """Whether ``location`` is a directory or holds content (a non-empty file or its WAL)."""
        path = _file(location)
        return path.is_dir() or dbfile.database_exists(path)

    @classmethod
    def create_with(
        cls, location: Location, fill: Callable[[Store], R], keep: Callable[[R], bool]
    ) -> R | None:
        """Build the new database beside its final name, then link it into place (``Store``).

        The leftovers of killed builds are removed first; the staging file gets a fresh name,
        so a killed build is never published by a later one. An error names ``location``,
        never the hidden staging file.
        """
        path = _file(location)
        if not path.absolute().parent.is_dir():
            raise DatabaseError(t("store.no_directory", path=path))
        dbfile.remove_stale_staging(path)
        staging = dbfile.staging_path(path)
        try:
            try:
                building = cls.open(staging, create=True)
            except DatabaseError as exc:
                raise DatabaseError(exc.message.replace(str(staging), str(path))) from None
            with building as store:
                result = fill(store)
            if not keep(result) or dbfile.publish_new(staging, path):
                return result
            return None
        finally:
            dbfile.remove_database(staging)

    def _retry_busy(self, step: Callable[[], T]) -> T:
        """Run an idempotent step again while SQLite answers "busy" without waiting.

        Switching a new file to WAL while another process creates it can fail at once with
        "database is locked" (SQLite refuses to wait where waiting could deadlock).
        """

        def attempt() -> T:
            try:
                return step()
            except sqlite3.OperationalError:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise

        return retry(
            attempt, retry_on=sqlite3.OperationalError, transient=is_busy, deadline=deadline_after()
        )

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
            version = self.schema_version()
            if app_id not in (0, APPLICATION_ID) or (app_id == 0 and has_tables(self.conn)):
                raise DatabaseError(t("store.foreign", path=self.path))
            if version > SCHEMA_VERSION:
                raise DatabaseError(
                    t("store.too_new", path=self.path, version=version, known=SCHEMA_VERSION)
                )
            if version < SCHEMA_VERSION:
                apply_migrations(self.conn)
            return version == 0

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    # transactions -------------------------------------------------------------------------------
    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: ``BEGIN IMMEDIATE`` (retried while locked) … ``COMMIT``."""
        conn = self.conn
        deadline = deadline_after()
        # SQLite's own busy wait cannot be interrupted and says nothing: wait in short steps
        # here instead, so Ctrl-C works at once and a long wait is announced after ~2 s.
        conn.execute(f"PRAGMA busy_timeout = {WAIT_STEP_MS}")
        try:
            retry(
                lambda: conn.execute("BEGIN IMMEDIATE"),
                retry_on=sqlite3.OperationalError,
                transient=is_busy,
                deadline=deadline,
                on_slow=waiting(str(self.path)),
            )
        except sqlite3.OperationalError as exc:
            raise _write_failure(exc, self.path) from None
        finally:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        try:
            yield conn
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        try:
            # Only a rollback-journal database (no WAL) can be busy at COMMIT; retrying keeps
            # the transaction, giving up rolls it back.
            retry(
                lambda: conn.execute("COMMIT"),
                retry_on=sqlite3.OperationalError,
                transient=is_busy,
                deadline=deadline,
            )
        except sqlite3.OperationalError as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise _write_failure(exc, self.path) from None

    @contextmanager
    def write_transaction(self, *, bulk: bool = False) -> Iterator[SqliteStore]:
        """A write transaction for a batch of writes (``import``): all or nothing.

        ``bulk`` gives this connection a 32 MiB page cache, so a large import does not
        thrash the indexes (the random ``import_key`` index above all). SQLite's sorts (the
        indexes an import rebuilds) take as much again: at 1M rows a 64 MiB cache made a peak
        RSS of 179 MB, 32 MiB 109 MB, 16 MiB 73 MB (the Python heap peaks at ~17 MiB).
        """
        if bulk:
            self.conn.execute("PRAGMA cache_size = -32768")
        with self._write():
            yield self

    @contextmanager
    def read_snapshot(self) -> Iterator[SqliteStore]:
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
    # `kxplan record` is a measured hot path: Store.record runs counted_item / first_entry (one
    # indexed SELECT each) and insert_entry inside BEGIN IMMEDIATE on this connection.
    def insert_entry(self, row: EntryRow) -> int:
        """Insert one entry row; return its id."""
        entry_id = self.conn.execute(INSERT_ENTRY, row).lastrowid
        assert entry_id is not None
        return entry_id

    def insert_void(self, entry_id: int, reason: str, by: str, recorded_at: str) -> int:
        """Insert one void row; return its id."""
        void_id = self.conn.execute(
            'INSERT INTO voids (entry_id, reason, "by", recorded_at) VALUES (?, ?, ?, ?)',
            (entry_id, reason, by, recorded_at),
        ).lastrowid
        assert void_id is not None
        return void_id

    def insert_rows(self, rows: Iterable[EntryRow]) -> int:
        """Insert prepared entry rows (the bulk path of ``import``); return how many.

        Call inside ``write_transaction()``. This is the measured bulk hot path: one
        ``executemany`` on the raw connection, no per-row Python here.
        """
        before = self.conn.total_changes
        self.conn.executemany(INSERT_ENTRY, rows)
        return self.conn.total_changes - before

    # reads ------------------------------------------------------------------------------------------
    def counted_item(self, year: int, target_ids: Iterable[str], item: str) -> int | None:
        """The first live entry that counts ``item`` for one of these target ids, or None."""
        ids = tuple(target_ids)
        row = self.conn.execute(
            f"SELECT e.id FROM entries e WHERE e.plan_year = ? AND e.target IN ({marks(ids)})"
            f" AND e.item = ? AND {LIVE} ORDER BY e.id LIMIT 1",
            (year, *ids, item),
        ).fetchone()
        return row[0] if row else None

    def same_entry(
        self, year: int, target_ids: Iterable[str], draft: Draft, *, outside_imports: bool = False
    ) -> int | None:
        """The first live entry identical to ``draft``, or None (``Store.same_entry``).

        A seek on the (plan_year, target, date) index; ``IS`` compares the columns that may
        be NULL.
        """
        ids = tuple(target_ids)
        imported = " AND e.import_key IS NULL" if outside_imports else ""
        row = self.conn.execute(
            f"SELECT e.id FROM entries e WHERE e.plan_year = ? AND e.target IN ({marks(ids)})"
            " AND e.date = ? AND e.amount_milli IS ? AND e.item IS ? AND e.note IS ?"
            f" AND e.unit IS ?{imported} AND {LIVE} ORDER BY e.id LIMIT 1",
            (
                year,
                *ids,
                draft.date.isoformat(),
                draft.amount_milli,
                draft.item,
                draft.note,
                draft.unit,
            ),
        ).fetchone()
        return row[0] if row else None

    def first_entry(self, year: int, target_ids: Iterable[str]) -> tuple[int, date] | None:
        """(id, date) of the first live entry, by (date, id), of these target ids, or None."""
        ids = tuple(target_ids)
        row = self.conn.execute(
            f"SELECT e.id, e.date FROM entries e WHERE e.plan_year = ? AND e.target IN ({marks(ids)})"
            f" AND {LIVE} ORDER BY e.date, e.id LIMIT 1",
            (year, *ids),
        ).fetchone()
        return (row[0], date.fromisoformat(row[1])) if row else None

    def import_state(self, year: int) -> ImportState:
        """The done targets of a year (one query) and whether it has live entries made outside
        imports (one more)."""
        state = ImportState()
        conn = self.conn
        for entry_id, target, day in conn.execute(
            f"SELECT e.id, e.target, e.date FROM entries e WHERE e.plan_year = ? AND {LIVE}"
            " AND e.amount_milli IS NULL ORDER BY e.date, e.id",
            (year,),
        ):
            state.done.setdefault(target, (entry_id, day))
        state.by_hand = (
            conn.execute(
                f"SELECT 1 FROM entries e WHERE e.import_key IS NULL AND e.plan_year = ?"
                f" AND {LIVE} LIMIT 1",
                (year,),
            ).fetchone()
            is not None
        )
        return state

    def live_items(self, year: int) -> Iterator[tuple[int, str, str]]:
        """``(id, target, item)`` of a year's live entries with an item, in id order."""
        yield from self.conn.execute(
            f"SELECT e.id, e.target, e.item FROM entries e WHERE e.plan_year = ?"
            f" AND e.item IS NOT NULL AND {LIVE} ORDER BY e.id",
            (year,),
        )

    def imported_keys(self, keys: list[str]) -> set[str]:
        """Which of these import keys the database holds (an indexed lookup per 500)."""
        found: set[str] = set()
        for start in range(0, len(keys), 500):
            part = keys[start : start + 500]
            found.update(
                row[0]
                for row in self.conn.execute(
                    f"SELECT import_key FROM entries WHERE import_key IN ({marks(part)})", part
                )
            )
        return found

    # imports: the staging tables live in this connection ------------------------------------------
    def import_staging(self) -> ImportStaging:
        """TEMP tables of this connection: the rules and the insert join the entries directly."""
        return ImportStaging(self.conn)

    def skip_imported(self, staging: ImportStaging) -> None:
        """Mark the staged rows already imported: one statement, a seek on the import key's
        UNIQUE index per row (none when no entry has an import key)."""
        if self.conn.execute(
            "SELECT 1 FROM entries WHERE import_key IS NOT NULL LIMIT 1"
        ).fetchone():
            staging.skip_in("main.entries")

    def insert_staged(self, staging: ImportStaging, year: int, by: str, recorded_at: str) -> int:
        """Insert the staged rows to add with one ``INSERT … SELECT``, in file order.

        When they are more than the table holds (and at least ``REBUILD_AT``), the secondary
        indexes of ``entries`` are dropped first and built again after the insert, inside the
        same transaction: building an index from sorted rows is several times faster than
        inserting a million rows into it one at a time in file order (measured at 1M rows:
        40.1 s with the indexes, 8.0 s without plus 7.9 s to build them). The UNIQUE index of
        the import key stays (it is part of the table). Each index is built again from its own
        ``CREATE INDEX`` text, so it is exactly what the schema made. Likewise the triggers that
        keep the per-day summary (``SUMMARY_TRIGGERS``, schema 5) are set aside and the summary
        rebuilt once from the entries (``schema.DAILY_REBUILD``) instead of updated per row.
        """
        conn = self.conn
        adding = staging.staged - staging.skipped()
        indexes: list[tuple[str, str]] = []
        triggers: list[tuple[str, str]] = []
        if adding >= REBUILD_AT:
            held = conn.execute("SELECT count(*) FROM entries").fetchone()[0]
            if adding > held:
                indexes = conn.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
                    " AND tbl_name = 'entries' AND sql IS NOT NULL ORDER BY name"
                ).fetchall()
                triggers = conn.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
                    f" AND tbl_name = 'entries' AND name IN ({marks(SUMMARY_TRIGGERS)})"
                    " ORDER BY name",
                    SUMMARY_TRIGGERS,
                ).fetchall()
        for name, _ in indexes:
            conn.execute(f'DROP INDEX main."{name}"')
        for name, _ in triggers:
            conn.execute(f'DROP TRIGGER main."{name}"')
        added: int = conn.execute(
            f"INSERT INTO main.entries ({INSERT_COLUMNS}) {SELECT_ADDED}", (year, by, recorded_at)
        ).rowcount
        for _, sql in indexes:
            conn.execute(sql)
        if triggers:
            for statement in DAILY_REBUILD:
                conn.execute(statement)
            for _, sql in triggers:
                conn.execute(sql)
        return added

    def entry(self, entry_id: int) -> Entry | None:
        """One entry with its void (if any), or None."""
        row = self.conn.execute(
            f"SELECT {ENTRY_COLUMNS}, {VOID_COLUMNS} FROM entries e"
            " LEFT JOIN voids v ON v.entry_id = e.id WHERE e.id = ?",
            (entry_id,),
        ).fetchone()
        return entry_from_row(row) if row else None

    def listing_bounds(
        self,
        year: int,
        *,
        targets: Iterable[str] | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        unit: str | None = None,
        units: Iterable[str] | None = None,
    ) -> ListingBounds | None:
        """Bounds for a listing: the largest id is the table's (entries are never deleted, so
        that is one b-tree seek); amounts from one aggregate over the filtered entries, read
        from the covering index (no table look-ups unless ``unit`` filters)."""
        filters = _entry_filters(year, None, targets, date_from, date_to, unit, units)
        if filters is None:
            return ListingBounds(0, None, False, False)
        where, params = filters
        (max_id,) = self.conn.execute("SELECT coalesce(max(id), 0) FROM entries").fetchone()
        largest, fraction = self.conn.execute(
            "SELECT max(e.amount_milli), coalesce(max(e.amount_milli % 1000 <> 0), 0)"
            f" FROM entries e INDEXED BY entries_year_target_date_id_amount"
            f" WHERE {' AND '.join(where)}",
            params,
        ).fetchone()
        (voided,) = self.conn.execute(
            "SELECT EXISTS (SELECT 1 FROM voids v CROSS JOIN entries e ON e.id = v.entry_id"
            f" WHERE {' AND '.join(where)})",
            params,
        ).fetchone()
        amount = None if largest is None else amount_from_milli(largest)
        return ListingBounds(max_id, amount, bool(fraction), bool(voided))

    def iter_entries(
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
    ) -> Iterator[Entry]:
        """``entries`` one row at a time from the cursor: memory stays bounded at any size.

        The rows come from the (date, id) index in order, so the first is ready before the
        last is read (``log``, ``export``). Run it inside ``read_snapshot`` so every row is from
        one moment.
        """
        rows = self._entry_rows(
            f"{ENTRY_COLUMNS}, {VOID_COLUMNS}",
            3,
            year,
            target=target,
            targets=targets,
            date_from=date_from,
            date_to=date_to,
            unit=unit,
            units=units,
            include_voided=include_voided,
            known_at=known_at,
            limit=limit,
        )
        for row in rows:
            yield entry_from_row(row)

    def iter_listing(
        self,
        year: int,
        *,
        targets: Iterable[str] | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        units: Iterable[str] | None = None,
        include_voided: bool = False,
    ) -> Iterator[ListingRow]:
        """``iter_entries`` as the cursor's own tuples (``ListingRow``): no ``Entry``, date or
        Decimal is built per row, which was a third of ``log``'s time at 1M entries."""
        return self._entry_rows(
            LISTING_COLUMNS,
            1,
            year,
            targets=targets,
            date_from=date_from,
            date_to=date_to,
            units=units,
            include_voided=include_voided,
        )

    def _entry_rows(
        self,
        columns: str,
        date_column: int,
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
    ) -> Iterator[Any]:
        """The rows of ``SELECT columns`` (``e.id`` first, the date at ``date_column``) for
        ``iter_entries``' filters, in (date, id) order, from the cursor."""
        if targets is not None and len(set(targets)) > 1:
            # One query per id, merged: each reads its rows in order from the target index,
            # where one ``IN`` query would sort every matching entry before the first.
            per_target = [
                self._entry_rows(
                    columns,
                    date_column,
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
            merged = heapq.merge(*per_target, key=lambda row: (row[date_column], row[0]))
            yield from merged if limit is None else islice(merged, limit)
            return
        join = "LEFT JOIN voids v ON v.entry_id = e.id"
        params: list[Any] = []
        if known_at is not None:
            join += " AND v.recorded_at <= ?"
            params.append(known_at)
        filters = _entry_filters(year, target, targets, date_from, date_to, unit, units)
        if filters is None:
            return
        where, filter_params = filters
        params += filter_params
        if known_at is not None:
            where.append("e.recorded_at <= ?")
            params.append(known_at)
        if not include_voided:
            where.append("v.id IS NULL")
        sql = f"SELECT {columns} FROM entries e {join} WHERE {' AND '.join(where)} ORDER BY e.date, e.id"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        # A loop, not ``yield from``: a listing left unfinished (``log | head``) is closed when
        # collected, after the store has closed its connection; ``yield from`` would then close
        # the cursor too, which raises on a closed connection ("Exception ignored" on stderr).
        for row in self.conn.execute(sql, params):  # noqa: UP028
            yield row

    def daily_totals(
        self,
        year: int,
        *,
        as_of: date | None = None,
        known_at: str | None = None,
        targets: Iterable[str] | None = None,
    ) -> list[DailyTotal]:
        """Per (target, date): sum and count of non-voided entries dated up to ``as_of``.

        Target ids are as stored (old ids are not mapped); ``targets`` keeps only these ids.
        With ``known_at``, entries and voids recorded after it are ignored. Read from the
        per-day summary ``daily`` (schema 5), ``known_at`` adjusted exactly (``_summed``).
        """
        where, scope = _summary_filters(as_of=as_of, targets=targets)
        if where is None:
            return []
        rows = self._summed(("target", "date"), year, where, scope, known_at)
        return [_daily_total(row) for row in rows]

    def _summed(
        self,
        columns: tuple[str, ...],
        year: int,
        where: str,
        scope: list[Any],
        known_at: str | None,
    ) -> list[tuple[Any, ...]]:
        """Per group of ``columns`` (of ``plan_year``, ``target``, ``date``, ``unit``) of the
        year's rows matching ``where`` (unqualified column names): the columns, the live sum of
        ``amount_milli`` and the live count, in ``columns`` order; groups of no entry left out.

        Read from ``daily``, which holds what counts now (every entry minus the voided). With
        ``known_at`` that is adjusted to what counted at that moment, exactly: minus the live
        entries recorded after it (the ``recorded_at`` index), plus the entries recorded by
        then and voided after it (the voids' ``recorded_at`` index) — so the cost is the
        summary plus what was written since, never a read of every entry.
        """
        grouped = ", ".join(columns)
        parts = [f"SELECT {grouped}, amount_milli, entries FROM daily WHERE plan_year = ?{where}"]
        params = [year, *scope]
        if known_at is not None:
            parts.append(
                f"SELECT {grouped}, -coalesce(amount_milli, 0), -1 FROM entries e"
                " INDEXED BY entries_recorded_at WHERE e.recorded_at > ?"
                f" AND plan_year = ?{where} AND {LIVE}"
            )
            parts.append(
                f"SELECT {', '.join(f'e.{column}' for column in columns)},"
                " coalesce(e.amount_milli, 0), 1 FROM voids v CROSS JOIN entries e"
                " ON e.id = v.entry_id WHERE v.recorded_at > ? AND e.recorded_at <= ?"
                f" AND e.plan_year = ?{where}"
            )
            params += [known_at, year, *scope, known_at, known_at, year, *scope]
        sql = (
            f"SELECT {grouped}, sum(amount_milli), sum(entries)"
            f" FROM ({' UNION ALL '.join(parts)}) GROUP BY {grouped}"
            f" HAVING sum(entries) > 0 ORDER BY {grouped}"
        )
        return self.conn.execute(sql, params).fetchall()

    def target_total(
        self, year: int, targets: Iterable[str], *, as_of: date | None = None
    ) -> tuple[Decimal, int]:
        """The sum and count of non-voided entries of these target ids in a year, dated up to
        ``as_of`` when given (from ``daily``)."""
        where, scope = _summary_filters(as_of=as_of, targets=targets)
        if where is None:
            return Decimal(0), 0
        row = self.conn.execute(
            "SELECT coalesce(sum(amount_milli), 0), coalesce(sum(entries), 0) FROM daily"
            f" WHERE plan_year = ?{where}",
            (year, *scope),
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
            f"SELECT {ENTRY_COLUMNS}, {VOID_COLUMNS} FROM voids v"
            f" CROSS JOIN entries e ON e.id = v.entry_id"
            f" WHERE {' AND '.join(where)} ORDER BY v.recorded_at, v.id"
        )
        result = []
        for row in self.conn.execute(sql, params):
            void = void_from_row(row[11:])
            assert void is not None
            result.append((void, entry_from_row(row)))
        return result

    def count_entries(
        self, year: int, *, known_at: str | None = None, include_voided: bool = False
    ) -> int:
        """How many entries a year has (non-voided unless asked), as known at ``known_at``."""
        if not include_voided:
            return sum(row[2] for row in self._summed(("plan_year",), year, "", [], known_at))
        sql = "SELECT count(*) FROM entries e WHERE e.plan_year = ?"
        params: list[Any] = [year]
        if known_at is not None:
            sql += " AND e.recorded_at <= ?"
            params.append(known_at)
        count: int = self.conn.execute(sql, params).fetchone()[0]
        return count

    def last_entry_by(self, user: str, year: int, *, include_voided: bool = False) -> Entry | None:
        """The entry this user recorded last in a year (non-voided unless asked), or None."""
        live = "" if include_voided else " AND v.id IS NULL"
        row = self.conn.execute(
            f"SELECT {ENTRY_COLUMNS}, {VOID_COLUMNS} FROM entries e"
            ' LEFT JOIN voids v ON v.entry_id = e.id WHERE e."by" = ? AND e.plan_year = ?'
            f"{live} ORDER BY e.recorded_at DESC, e.id DESC LIMIT 1",
            (user, year),
        ).fetchone()
        return entry_from_row(row) if row else None

    def units(self, year: int) -> list[str]:
        """The distinct organisational units used in a year, sorted (voided entries' too: a
        ``daily`` row stays when its entries are voided)."""
        return [
            row[0]
            for row in self.conn.execute(
                "SELECT DISTINCT unit FROM daily WHERE plan_year = ? AND unit IS NOT NULL"
                " ORDER BY unit",
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
        """Each stored unit text of a year with its non-voided entry count, sorted by text
        (from ``daily``, as ``daily_totals``)."""
        where, scope = _summary_filters(date_from=date_from, as_of=date_to)
        assert where is not None
        rows = self._summed(("unit",), year, where + " AND unit IS NOT NULL", scope, known_at)
        return [(row[0], row[2]) for row in rows]

    def unit_totals(
        self,
        year: int,
        *,
        as_of: date | None = None,
        known_at: str | None = None,
        targets: Iterable[str] | None = None,
        units: Iterable[str] | None = None,
    ) -> list[UnitTotal]:
        """Per (stored unit, target, date) sums of non-voided entries, in (target, unit, date)
        order — the ``targets`` and ``units`` asked for — from ``daily``, as ``daily_totals``."""
        where, scope = _summary_filters(as_of=as_of, targets=targets, units=units)
        if where is None:
            return []
        rows = self._summed(
            ("target", "unit", "date"), year, where + " AND unit IS NOT NULL", scope, known_at
        )
        return [
            UnitTotal(
                unit=row[1],
                target=row[0],
                date=date.fromisoformat(row[2]),
                amount=Decimal(row[3]) / 1000,
                count=row[4],
            )
            for row in rows
        ]

    def last_unit_by(self, user: str) -> str | None:
        """The unit of the latest entry this user recorded with one, or None."""
        row = self.conn.execute(
            'SELECT unit FROM entries WHERE "by" = ? AND unit IS NOT NULL ORDER BY id DESC LIMIT 1',
            (user,),
        ).fetchone()
        return row[0] if row else None

    def is_sample(self) -> bool:
        """Whether the database holds sample data (the ``sample`` marker, schema 3)."""
        row = self.conn.execute("SELECT 1 FROM markers WHERE name = ?", (SAMPLE_MARKER,))
        return row.fetchone() is not None

    def insert_sample_marker(self, by: str, recorded_at: str) -> None:
        """Set the ``sample`` marker (once: a second call changes nothing)."""
        self.conn.execute(
            'INSERT OR IGNORE INTO markers (name, "by", recorded_at) VALUES (?, ?, ?)',
            (SAMPLE_MARKER, by, recorded_at),
        )

    def years(self) -> list[int]:
        """The plan years that have entries, sorted."""
        return [
            row[0] for row in self.conn.execute("SELECT DISTINCT plan_year FROM entries ORDER BY 1")
        ]

    def quick_check(self) -> str:
        """SQLite's ``PRAGMA quick_check``: ``ok`` or the first problems found."""
        from kxplan.store.sqlite.health import quick_check

        return quick_check(self.conn)

    def schema_version(self) -> int:
        """The schema version of the open database (``PRAGMA user_version``)."""
        version: int = self.conn.execute("PRAGMA user_version").fetchone()[0]
        return version

    # checks and backups ----------------------------------------------------------------------------
    def health_report(
        self,
        year: int | None,
        known_ids: Iterable[str] = (),
        aliases: dict[str, str] | None = None,
        milestones: Iterable[str] = (),
    ) -> Health:
        """The database's health (``kxplan.store.sqlite.health``); call inside ``read_snapshot()``."""
        from kxplan.store.sqlite.health import health_report

        return health_report(self.conn, year, known_ids, aliases, milestones)

    def rebuild_summary(self) -> int:
        """Rebuild ``daily`` from the entries (inside ``write_transaction``); return its rows."""
        for statement in DAILY_REBUILD:
            self.conn.execute(statement)
        rows: int = self.conn.execute("SELECT count(*) FROM daily").fetchone()[0]
        return rows

    # copying a whole database --------------------------------------------------------------------
    def raw_entries(self) -> Iterator[RawEntry]:
        """Every entry as stored, in id order."""
        yield from self.conn.execute(
            'SELECT id, plan_year, target, date, amount_milli, item, note, unit, "by", evidence,'
            " recorded_at, import_key FROM entries ORDER BY id"
        )

    def raw_voids(self) -> Iterator[RawVoid]:
        """Every void as stored, in id order."""
        yield from self.conn.execute(
            'SELECT id, entry_id, reason, "by", recorded_at FROM voids ORDER BY id'
        )

    def load_raw(self, entries: Iterable[RawEntry], voids: Iterable[RawVoid]) -> tuple[int, int]:
        """Insert copied rows with their ids (one ``executemany`` each)."""
        before = self.conn.total_changes
        self.conn.executemany(
            'INSERT INTO entries (id, plan_year, target, date, amount_milli, item, note, unit, "by",'
            " evidence, recorded_at, import_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            entries,
        )
        copied = self.conn.total_changes - before
        self.conn.executemany(
            'INSERT INTO voids (id, entry_id, reason, "by", recorded_at) VALUES (?, ?, ?, ?, ?)',
            voids,
        )
        return copied, self.conn.total_changes - before - copied

    def copy_facts(self) -> CopyFacts:
        """Counts and per-target totals of the whole database."""
        conn = self.conn
        entries = conn.execute("SELECT count(*) FROM entries").fetchone()[0]
        voids = conn.execute("SELECT count(*) FROM voids").fetchone()[0]
        targets = {
            (row[0], row[1]): (row[2], row[3], row[4], row[5])
            for row in conn.execute(
                "SELECT e.plan_year, e.target, count(*), coalesce(sum(e.amount_milli), 0),"
                " count(*) - count(v.id), coalesce(sum(e.amount_milli) FILTER (WHERE v.id IS NULL), 0)"
                " FROM entries e LEFT JOIN voids v ON v.entry_id = e.id"
                " GROUP BY e.plan_year, e.target"
            )
        }
        return CopyFacts(entries, voids, targets)

    def backup(self, dest: Path | str, *, force: bool = False) -> BackupResult:
        """Copy the database with SQLite's online backup API (``kxplan.store.sqlite.backup``)."""
        from kxplan.store.sqlite.backup import backup

        return backup(self.conn, self.path, self.read_snapshot(), Path(dest), force=force)


def _file(location: Location) -> Path:
    """The SQLite file a location names (a server URL never reaches this engine)."""
    assert not isinstance(location, ServerLocation), "SqliteStore needs a file path"
    return Path(location)


def _entry_filters(
    year: int,
    target: str | None,
    targets: Iterable[str] | None,
    date_from: date | None,
    date_to: date | None,
    unit: str | None,
    units: Iterable[str] | None = None,
) -> tuple[list[str], list[Any]] | None:
    """WHERE terms and parameters selecting a year's entries (alias ``e``); None: none match."""
    where = ["e.plan_year = ?"]
    params: list[Any] = [year]
    if target is not None:
        where.append("e.target = ?")
        params.append(target)
    if targets is not None:
        wanted = sorted(set(targets))
        if not wanted:
            return None
        where.append(f"e.target IN ({marks(wanted)})")
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
            return None
        where.append(f"e.unit IN ({marks(spellings)})")
        params.extend(spellings)
    return where, params


def _daily_total(row: tuple[str, str, int, int]) -> DailyTotal:
    return DailyTotal(
        target=row[0], date=date.fromisoformat(row[1]), amount=Decimal(row[2]) / 1000, count=row[3]
    )


def _summary_filters(
    *,
    as_of: date | None = None,
    date_from: date | None = None,
    targets: Iterable[str] | None = None,
    units: Iterable[str] | None = None,
) -> tuple[str | None, list[Any]]:
    """`` AND …`` terms (unqualified columns, for ``daily`` and ``entries`` alike) and their
    parameters; (None, []) when an empty ``targets`` or ``units`` means nothing matches."""
    where = ""
    scope: list[Any] = []
    if date_from is not None:
        where += " AND date >= ?"
        scope.append(date_from.isoformat())
    if as_of is not None:
        where += " AND date <= ?"
        scope.append(as_of.isoformat())
    for column, values in (("target", targets), ("unit", units)):
        if values is None:
            continue
        wanted = sorted(set(values))
        if not wanted:
            return None, []
        where += f" AND {column} IN ({marks(wanted)})"
        scope.extend(wanted)
    return where, scope
