"""``PostgresStore``: a kxplan database on a PostgreSQL server, through psycopg 3.

Chosen by ``Store.open`` for a ``postgresql://`` location (``kxplan.store.location``);
psycopg is imported here only, so SQLite start-up never pays for it.

- **Connecting**: libpq conventions — the password comes from ``PGPASSWORD``, ``~/.pgpass``
  or the URL; ``sslmode=`` and other parameters from the URL. Every message names the
  location without its password, and a driver's error text is scrubbed of it.
- **Opening** checks the application marker and schema version (``schema.py``): a database
  of another application is refused, an empty one or an older schema is left for the
  administrator's ``kxplan db init`` (clerks' logins may not change the schema).
- **Writes** run in one transaction that first takes the advisory lock ``WRITE_LOCK``: the
  rules that read before they write (an item counted once, a milestone done once, a void
  once — ``Store.record``/``Store.void``) see every earlier commit, and two clerks cannot both
  pass a check. Waiting is the server's: ``lock_timeout`` ends a wait that lasts too long with
  one line; there is no retry loop and no serialization failure to retry.
- **Reads** of a report run in one ``REPEATABLE READ READ ONLY`` transaction (one snapshot).
- **Bulk import** uses ``COPY … FROM STDIN``; a login subject to row-level security (a
  clerk) inserts with a pipelined ``executemany`` instead (PostgreSQL does not allow COPY
  into a table with row-level security for such a login).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
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
from kxplan.errors import DatabaseError, InputError, KxplanError, OutputError
from kxplan.messages import t
from kxplan.store.interface import (
    BackupResult,
    CopyFacts,
    EntryRow,
    Health,
    ListingBounds,
    Location,
    RawEntry,
    RawVoid,
    Store,
)
from kxplan.store.location import ServerLocation, location_of
from kxplan.store.postgres.schema import (
    APPLICATION,
    ENTRY_INSERT_COLUMNS,
    FOREIGN_TABLES,
    MIGRATION_LOCK,
    MIGRATIONS,
    SAMPLE_MARKER,
    SCHEMA_VERSION,
    VOID_INSERT_COLUMNS,
    WRITE_LOCK,
)
from kxplan.store.sqlite.schema import APPLICATION_ID

R = TypeVar("R")

CONNECT_TIMEOUT_S = 10
LOCK_TIMEOUT = "120s"
"""How long a writer waits for another writer's transaction before giving up with a message."""

ENTRY_COLUMNS = (
    'e.id, e.plan_year, e.target, e.date, e.amount_milli, e.item, e.note, e.unit, e."by", '
    "e.evidence, e.recorded_at"
)
VOID_COLUMNS = 'v.id, v.entry_id, v.reason, v."by", v.recorded_at'
LIVE = "NOT EXISTS (SELECT 1 FROM voids v WHERE v.entry_id = e.id)"
_COLUMN_LIST = ", ".join(f'"{c}"' for c in ENTRY_INSERT_COLUMNS)
INSERT_ENTRY = (
    f"INSERT INTO entries ({_COLUMN_LIST}) VALUES ({', '.join(['%s'] * len(ENTRY_INSERT_COLUMNS))})"
)
COPY_ENTRIES = f"COPY entries ({_COLUMN_LIST}) FROM STDIN"


def driver() -> Any:
    """The psycopg module, or one line saying how to install it."""
    try:
        import psycopg
    except ImportError:
        raise DatabaseError(t("store.pg_driver_missing")) from None
    return psycopg


def reason_of(location: ServerLocation, exc: BaseException) -> str:
    """A driver error as one line of text, without any secret of ``location``."""
    text = "; ".join(line.strip() for line in str(exc).splitlines() if line.strip())
    return location.scrub(text) or type(exc).__name__


def connect(location: ServerLocation) -> Any:
    """A psycopg connection (autocommit: transactions are explicit) to ``location``."""
    psycopg = driver()
    from psycopg.conninfo import conninfo_to_dict

    try:
        params = conninfo_to_dict(location.url)
    except psycopg.Error as exc:
        raise DatabaseError(
            t("store.pg_bad_url", path=location, reason=reason_of(location, exc))
        ) from None
    params.setdefault("connect_timeout", CONNECT_TIMEOUT_S)
    params.setdefault("application_name", "kxplan")
    options = str(params.get("options") or "")
    params["options"] = f"{options} -c search_path=public -c lock_timeout={LOCK_TIMEOUT}".strip()
    try:
        return psycopg.connect(autocommit=True, **params)
    except psycopg.Error as exc:
        raise DatabaseError(
            t("store.pg_cannot_connect", path=location, reason=reason_of(location, exc))
        ) from None


def failure(location: ServerLocation, exc: BaseException, conn: Any = None) -> KxplanError:
    """The one-line error for a server failure ``exc`` (nothing was written: it rolled back)."""
    state = getattr(exc, "sqlstate", None) or ""
    reason = reason_of(location, exc)
    if state == "42501" and "row-level security" in str(exc) and conn is not None:
        login, unit, clerk = _who(conn)
        if not clerk:
            return InputError(t("store.pg_not_clerk", login=login, path=location))
        if '"voids"' in str(exc):
            return InputError(t("store.pg_other_unit_void", login=login, unit=unit))
        return InputError(t("store.pg_other_unit", login=login, unit=unit))
    if state == "42501":
        return DatabaseError(t("store.pg_denied", path=location, reason=reason))
    if state in ("55P03", "57014", "40P01"):
        return DatabaseError(t("store.locked", path=location, reason=reason))
    if state == "53100":
        return OutputError(t("store.pg_disk_full", path=location))
    if state.startswith("08") or state.startswith("57P"):
        return DatabaseError(t("store.pg_connection_lost", path=location, reason=reason))
    return DatabaseError(t("store.pg_failed", path=location, reason=reason))


def _who(conn: Any) -> tuple[str, str, bool]:
    """(login, unit or "", whether the login is a kxplan clerk of this database)."""
    try:
        row = conn.execute(
            "SELECT current_user, c.login IS NOT NULL, coalesce(c.unit, '')"
            " FROM (SELECT 1) one LEFT JOIN kxplan_clerks c ON c.login = current_user"
        ).fetchone()
    except Exception:  # the explanation must not fail in its turn
        return "?", "", False
    return row[0], row[2], bool(row[1])


def is_driver_error(exc: BaseException) -> bool:
    """Whether ``exc`` is psycopg's (only when psycopg was ever imported)."""
    import sys

    psycopg = sys.modules.get("psycopg")
    return psycopg is not None and isinstance(exc, psycopg.Error)


def inspect(conn: Any, location: ServerLocation) -> int | None:
    """The kxplan schema version of the connected database; None when it has no tables at all.

    Raise ``DatabaseError`` for another application's database (never modified) or a login
    without access to kxplan's tables.
    """
    psycopg = driver()
    try:
        if conn.execute("SELECT to_regclass('public.kxplan_meta') IS NULL").fetchone()[0]:
            if conn.execute(FOREIGN_TABLES).fetchone()[0]:
                raise DatabaseError(t("store.pg_foreign", path=location))
            return None
        row = conn.execute("SELECT application, schema_version FROM kxplan_meta").fetchone()
    except psycopg.errors.InsufficientPrivilege:
        login = conn.execute("SELECT current_user").fetchone()[0]
        raise DatabaseError(t("store.pg_not_clerk", login=login, path=location)) from None
    except psycopg.Error as exc:
        raise failure(location, exc) from None
    if row is None or row[0] != APPLICATION:
        raise DatabaseError(t("store.pg_foreign", path=location))
    return int(row[1])


class PostgresStore(Store):
    """A kxplan database on a PostgreSQL server (``conn`` is its psycopg connection)."""

    def __init__(self, conn: Any, location: ServerLocation, created: bool = False) -> None:
        self.conn = conn
        self.location = location
        self.path = location  # what messages name: the URL without its password
        self.created = created
        self._depth = 0
        self._copy_allowed: bool | None = None
        self._by_hand: dict[int, dict[tuple[Any, ...], int]] = {}
        """Per year, the entries made by hand (``same_entry``), for one transaction only."""

    # opening -----------------------------------------------------------------------------------
    @classmethod
    def open(cls, location: Location, *, create: bool, upgrade: bool = True) -> PostgresStore:
        """Connect to the database at the URL ``location`` and check it is kxplan's, current.

        The schema is the administrator's (``kxplan db init``): ``create`` and ``upgrade``
        never change it here; an empty database or an older schema is one line saying so.
        """
        where = _server(location)
        conn = connect(where)
        try:
            version = inspect(conn, where)
            if version is None:
                raise DatabaseError(t("store.pg_uninitialised", path=where))
            if version > SCHEMA_VERSION:
                raise DatabaseError(
                    t("store.too_new", path=where, version=version, known=SCHEMA_VERSION)
                )
            if version < SCHEMA_VERSION:
                raise DatabaseError(
                    t("store.pg_old", path=where, version=version, known=SCHEMA_VERSION)
                )
        except BaseException:
            conn.close()
            raise
        return cls(conn, where)

    @classmethod
    def open_read_only(cls, location: Location) -> PostgresStore | None:
        """The store for reading (shell completion): the same connection, nothing is written."""
        return cls.open(location, create=False, upgrade=False)

    @classmethod
    def exists(cls, location: Location) -> bool:
        """A server database is always something ``open`` must judge."""
        return True

    @classmethod
    def create_with(
        cls, location: Location, fill: Callable[[Store], R], keep: Callable[[R], bool]
    ) -> R | None:
        """Run ``fill`` on the (initialised) server database: its one transaction is the unit."""
        with cls.open(location, create=True) as store:
            return fill(store)

    @classmethod
    def init(cls, location: Location) -> tuple[int, int]:
        """Create or upgrade the schema (``kxplan db init``); return (version before, after).

        One transaction under an advisory lock: concurrent inits apply each step once, and a
        failure leaves the previous schema intact. Another application's database is refused.
        """
        where = _server(location)
        psycopg = driver()
        conn = connect(where)
        try:
            conn.execute("BEGIN")
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            before = inspect(conn, where) or 0
            if before > SCHEMA_VERSION:
                raise DatabaseError(
                    t("store.too_new", path=where, version=before, known=SCHEMA_VERSION)
                )
            for version, statements in MIGRATIONS:
                if before < version:
                    conn.execute(";\n".join(statements))  # one round trip per step
                    conn.execute("UPDATE kxplan_meta SET schema_version = %s", (version,))
            conn.execute("COMMIT")
            return before, SCHEMA_VERSION
        except psycopg.Error as exc:
            raise failure(where, exc) from None
        finally:
            conn.close()

    def close(self) -> None:
        """Close the connection (a transaction still open is rolled back by the server)."""
        self.conn.close()

    # transactions -------------------------------------------------------------------------------
    def _in_transaction(self) -> bool:
        status: int = self.conn.info.transaction_status
        return status != 0  # psycopg.pq.TransactionStatus.IDLE

    def _rollback(self) -> None:
        try:
            if not self.conn.closed and self._in_transaction():
                self.conn.execute("ROLLBACK")
        except Exception:
            pass  # a lost connection rolled back by itself

    @contextmanager
    def write_transaction(self, *, bulk: bool = False) -> Iterator[PostgresStore]:
        """One write transaction, all or nothing, after every earlier writer (``WRITE_LOCK``)."""
        if self._depth:
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        psycopg = driver()
        self._by_hand = {}
        try:
            self.conn.execute("BEGIN")
            self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
        except psycopg.Error as exc:
            self._rollback()
            raise failure(self.location, exc, self.conn) from None
        self._depth = 1
        try:
            yield self
        except psycopg.Error as exc:
            self._rollback()
            raise failure(self.location, exc, self.conn) from None
        except BaseException:
            self._rollback()
            raise
        finally:
            self._depth = 0
        try:
            self.conn.execute("COMMIT")
        except psycopg.Error as exc:
            self._rollback()
            raise failure(self.location, exc, self.conn) from None

    @contextmanager
    def read_snapshot(self) -> Iterator[PostgresStore]:
        """One ``REPEATABLE READ`` transaction: every query inside sees the same moment."""
        if self._in_transaction():
            yield self
            return
        self._by_hand = {}
        self.conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            yield self
        finally:
            self._rollback()  # nothing to keep: it only read

    # writes --------------------------------------------------------------------------------------
    def insert_entry(self, row: EntryRow) -> int:
        """Insert one entry row; return its id."""
        return int(self.conn.execute(INSERT_ENTRY + " RETURNING id", row).fetchone()[0])

    def insert_void(self, entry_id: int, reason: str, by: str, recorded_at: str) -> int:
        """Insert one void row; return its id."""
        return int(
            self.conn.execute(
                'INSERT INTO voids (entry_id, reason, "by", recorded_at) VALUES (%s, %s, %s, %s)'
                " RETURNING id",
                (entry_id, reason, by, recorded_at),
            ).fetchone()[0]
        )

    def insert_rows(self, rows: Iterable[EntryRow]) -> int:
        """Insert prepared entry rows in bulk with ``COPY`` (a clerk: pipelined INSERTs)."""
        count = 0
        with self.conn.cursor() as cursor:
            if self._may_copy():
                with cursor.copy(COPY_ENTRIES) as copy:
                    for row in rows:
                        copy.write_row(row)
                        count += 1
                return count
            for chunk in _chunks(rows, 5000):
                cursor.executemany(INSERT_ENTRY, chunk)
                count += len(chunk)
        return count

    def _may_copy(self) -> bool:
        """Whether this login bypasses row-level security (owner, superuser): COPY is allowed."""
        if self._copy_allowed is None:
            row = self.conn.execute(
                "SELECT r.rolsuper OR r.rolbypassrls OR c.relowner = r.oid"
                " FROM pg_catalog.pg_roles r, pg_catalog.pg_class c"
                " WHERE r.rolname = current_user AND c.oid = 'public.entries'::regclass"
            ).fetchone()
            self._copy_allowed = bool(row and row[0])
        return bool(self._copy_allowed)

    # reads ---------------------------------------------------------------------------------------
    def counted_item(self, year: int, target_ids: Iterable[str], item: str) -> int | None:
        """The first live entry that counts ``item`` for one of these target ids, or None."""
        row = self.conn.execute(
            f"SELECT e.id FROM entries e WHERE e.plan_year = %s AND e.target = ANY(%s)"
            f" AND e.item = %s AND {LIVE} ORDER BY e.id LIMIT 1",
            (year, list(target_ids), item),
        ).fetchone()
        return int(row[0]) if row else None

    def first_entry(self, year: int, target_ids: Iterable[str]) -> tuple[int, date] | None:
        """(id, date) of the first live entry, by (date, id), of these target ids, or None."""
        row = self.conn.execute(
            f"SELECT e.id, e.date FROM entries e WHERE e.plan_year = %s AND e.target = ANY(%s)"
            f" AND {LIVE} ORDER BY e.date, e.id LIMIT 1",
            (year, list(target_ids)),
        ).fetchone()
        return (int(row[0]), row[1]) if row else None

    def same_entry(
        self, year: int, target_ids: Iterable[str], draft: Draft, *, outside_imports: bool = False
    ) -> int | None:
        """The first live entry identical to ``draft``, or None (``Store.same_entry``);
        ``IS NOT DISTINCT FROM`` compares the columns that may be NULL.

        An import asks this for every row (``outside_imports``): a round trip per row to a
        server would dominate it, so inside a transaction the year's entries made by hand are
        loaded once into memory (they are few: recorded one by one) and looked up there.
        """
        if outside_imports and self._in_transaction():
            index = self._by_hand.get(year)
            if index is None:
                index = self._by_hand[year] = {}
                for row in self.conn.execute(
                    "SELECT e.id, e.target, e.date, e.amount_milli, e.item, e.note, e.unit"
                    f" FROM entries e WHERE e.plan_year = %s AND e.import_key IS NULL AND {LIVE}"
                    " ORDER BY e.id DESC",
                    (year,),
                ):
                    index[tuple(row[1:])] = int(row[0])  # the smallest id wins
            found = [
                index[key]
                for key in (
                    (one, draft.date, draft.amount_milli, draft.item, draft.note, draft.unit)
                    for one in target_ids
                )
                if key in index
            ]
            return min(found) if found else None
        imported = " AND e.import_key IS NULL" if outside_imports else ""
        row = self.conn.execute(
            "SELECT e.id FROM entries e WHERE e.plan_year = %s AND e.target = ANY(%s)"
            " AND e.date = %s AND e.amount_milli IS NOT DISTINCT FROM %s::bigint"
            " AND e.item IS NOT DISTINCT FROM %s::text AND e.note IS NOT DISTINCT FROM %s::text"
            f" AND e.unit IS NOT DISTINCT FROM %s::text{imported} AND {LIVE} ORDER BY e.id LIMIT 1",
            (
                year,
                list(target_ids),
                draft.date,
                draft.amount_milli,
                draft.item,
                draft.note,
                draft.unit,
            ),
        ).fetchone()
        return int(row[0]) if row else None

    def import_state(self, year: int) -> ImportState:
        """The done targets of a year and whether it has live entries made by hand."""
        state = ImportState()
        conn = self.conn
        for entry_id, target, day in conn.execute(
            f"SELECT e.id, e.target, e.date FROM entries e WHERE e.plan_year = %s AND {LIVE}"
            " AND e.amount_milli IS NULL ORDER BY e.date, e.id",
            (year,),
        ):
            state.done.setdefault(target, (int(entry_id), day.isoformat()))
        state.by_hand = (
            conn.execute(
                f"SELECT 1 FROM entries e WHERE e.import_key IS NULL AND e.plan_year = %s"
                f" AND {LIVE} LIMIT 1",
                (year,),
            ).fetchone()
            is not None
        )
        return state

    def live_items(self, year: int) -> Iterator[tuple[int, str, str]]:
        """``(id, target, item)`` of a year's live entries with an item, in id order."""
        with self.conn.cursor(name="kxplan_live_items") as cursor:
            cursor.itersize = 2000
            cursor.execute(
                f"SELECT e.id, e.target, e.item FROM entries e WHERE e.plan_year = %s"
                f" AND e.item IS NOT NULL AND {LIVE} ORDER BY e.id",
                (year,),
            )
            for entry_id, target, item in cursor:
                yield int(entry_id), target, item

    def imported_keys(self, keys: list[str]) -> set[str]:
        """Which of these import keys the database holds (one indexed query)."""
        return {
            row[0]
            for row in self.conn.execute(
                "SELECT import_key FROM entries WHERE import_key = ANY(%s)", (keys,)
            )
        }

    def entry(self, entry_id: int) -> Entry | None:
        """One entry with its void (if any), or None."""
        if not -(2**63) <= entry_id < 2**63:
            return None
        row = self.conn.execute(
            f"SELECT {ENTRY_COLUMNS}, {VOID_COLUMNS} FROM entries e"
            " LEFT JOIN voids v ON v.entry_id = e.id WHERE e.id = %s",
            (entry_id,),
        ).fetchone()
        return _entry(row) if row else None

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
        """Bounds for a listing (so ``log`` streams): the largest id (entries are never
        deleted) and the largest amount of the filtered entries, voided ones included."""
        where = ["e.plan_year = %s"]
        params: list[Any] = [year]
        for column, values in (("e.target", targets), ("e.unit", units)):
            if values is None:
                continue
            wanted = sorted(set(values))
            if not wanted:
                return ListingBounds(0, None, False)
            where.append(f"{column} = ANY(%s)")
            params.append(wanted)
        for term, value in (
            ("e.date >= %s", date_from),
            ("e.date <= %s", date_to),
            ("e.unit = %s", unit),
        ):
            if value is not None:
                where.append(term)
                params.append(value)
        max_id = self.conn.execute("SELECT coalesce(max(id), 0) FROM entries").fetchone()[0]
        largest, fraction = self.conn.execute(
            "SELECT max(e.amount_milli), coalesce(bool_or(e.amount_milli %% 1000 <> 0), false)"
            f" FROM entries e WHERE {' AND '.join(where)}",
            params,
        ).fetchone()
        amount = None if largest is None else amount_from_milli(largest)
        return ListingBounds(int(max_id), amount, bool(fraction))

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
        """``entries`` one at a time: inside a transaction (``read_snapshot``) from a
        server-side cursor, so memory stays bounded at any size."""
        join = "LEFT JOIN voids v ON v.entry_id = e.id"
        params: list[Any] = []
        if known_at is not None:
            join += " AND v.recorded_at <= %s"
            params.append(known_at)
        where = ["e.plan_year = %s"]
        params.append(year)
        if target is not None:
            where.append("e.target = %s")
            params.append(target)
        for column, values in (("e.target", targets), ("e.unit", units)):
            if values is None:
                continue
            wanted = sorted(set(values))
            if not wanted:
                return
            where.append(f"{column} = ANY(%s)")
            params.append(wanted)
        if date_from is not None:
            where.append("e.date >= %s")
            params.append(date_from)
        if date_to is not None:
            where.append("e.date <= %s")
            params.append(date_to)
        if unit is not None:
            where.append("e.unit = %s")
            params.append(unit)
        if known_at is not None:
            where.append("e.recorded_at <= %s")
            params.append(known_at)
        if not include_voided:
            where.append("v.id IS NULL")
        sql = (
            f"SELECT {ENTRY_COLUMNS}, {VOID_COLUMNS} FROM entries e {join}"
            f" WHERE {' AND '.join(where)} ORDER BY e.date, e.id"
        )
        if limit is not None:
            sql += " LIMIT %s"
            params.append(limit)
        if not self._in_transaction():
            yield from (_entry(row) for row in self.conn.execute(sql, params))
            return
        with self.conn.cursor(name="kxplan_entries") as cursor:
            cursor.itersize = 2000
            cursor.execute(sql, params)
            for row in cursor:
                yield _entry(row)

    def daily_totals(
        self,
        year: int,
        *,
        as_of: date | None = None,
        known_at: str | None = None,
        targets: Iterable[str] | None = None,
    ) -> list[DailyTotal]:
        """Per (target, date): sum and count of non-voided entries dated up to ``as_of``.

        ``targets`` keeps only these ids (as stored).
        """
        sql = (
            "SELECT e.target, e.date, coalesce(sum(e.amount_milli), 0)::bigint, count(*)"
            " FROM entries e WHERE e.plan_year = %s"
        )
        params: list[Any] = [year]
        if as_of is not None:
            sql += " AND e.date <= %s"
            params.append(as_of)
        if targets is not None:
            ids = sorted(set(targets))
            if not ids:
                return []
            sql += " AND e.target = ANY(%s)"
            params.append(ids)
        sql += " AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.entry_id = e.id"
        if known_at is not None:
            sql += " AND v.recorded_at <= %s) AND e.recorded_at <= %s"
            params += [known_at, known_at]
        else:
            sql += ")"
        sql += " GROUP BY e.target, e.date ORDER BY e.target, e.date"
        return [
            DailyTotal(target=row[0], date=row[1], amount=Decimal(row[2]) / 1000, count=row[3])
            for row in self.conn.execute(sql, params)
        ]

    def target_total(
        self, year: int, targets: Iterable[str], *, as_of: date | None = None
    ) -> tuple[Decimal, int]:
        """The sum and count of non-voided entries of these target ids in a year, dated up to
        ``as_of`` when given."""
        ids = sorted(set(targets))
        if not ids:
            return Decimal(0), 0
        day = " AND e.date <= %s" if as_of is not None else ""
        params: tuple[Any, ...] = (year, ids) + ((as_of,) if as_of is not None else ())
        row = self.conn.execute(
            "SELECT coalesce(sum(e.amount_milli), 0)::bigint, count(*) FROM entries e"
            f" WHERE e.plan_year = %s AND e.target = ANY(%s){day} AND {LIVE}",
            params,
        ).fetchone()
        return amount_from_milli(row[0]) or Decimal(0), row[1]

    def voids(
        self, year: int, *, recorded_after: str | None = None, recorded_until: str | None = None
    ) -> list[tuple[Void, Entry]]:
        """Voids of a year's entries in ``recorded_at`` order (after exclusive, until inclusive)."""
        where = ["e.plan_year = %s"]
        params: list[Any] = [year]
        if recorded_after is not None:
            where.append("v.recorded_at > %s")
            params.append(recorded_after)
        if recorded_until is not None:
            where.append("v.recorded_at <= %s")
            params.append(recorded_until)
        sql = (
            f"SELECT {ENTRY_COLUMNS}, {VOID_COLUMNS} FROM voids v JOIN entries e ON e.id = v.entry_id"
            f" WHERE {' AND '.join(where)} ORDER BY v.recorded_at, v.id"
        )
        result = []
        for row in self.conn.execute(sql, params):
            entry = _entry(row)
            assert entry.void is not None
            result.append((entry.void, entry))
        return result

    def count_entries(
        self, year: int, *, known_at: str | None = None, include_voided: bool = False
    ) -> int:
        """How many entries a year has (non-voided unless asked), as known at ``known_at``."""
        sql = "SELECT count(*) FROM entries e WHERE e.plan_year = %s"
        params: list[Any] = [year]
        if known_at is not None:
            sql += " AND e.recorded_at <= %s"
            params.append(known_at)
        if not include_voided:
            sql += " AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.entry_id = e.id"
            if known_at is not None:
                sql += " AND v.recorded_at <= %s"
                params.append(known_at)
            sql += ")"
        return int(self.conn.execute(sql, params).fetchone()[0])

    def last_entry_by(self, user: str, year: int, *, include_voided: bool = False) -> Entry | None:
        """The entry this user recorded last in a year (non-voided unless asked), or None."""
        live = "" if include_voided else " AND v.id IS NULL"
        row = self.conn.execute(
            f"SELECT {ENTRY_COLUMNS}, {VOID_COLUMNS} FROM entries e"
            ' LEFT JOIN voids v ON v.entry_id = e.id WHERE e."by" = %s AND e.plan_year = %s'
            f"{live} ORDER BY e.recorded_at DESC, e.id DESC LIMIT 1",
            (user, year),
        ).fetchone()
        return _entry(row) if row else None

    def units(self, year: int) -> list[str]:
        """The distinct organisational units used in a year, sorted."""
        return [
            row[0]
            for row in self.conn.execute(
                "SELECT DISTINCT unit FROM entries WHERE plan_year = %s AND unit IS NOT NULL"
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
        """Each stored unit text of a year with its non-voided entry count, sorted by text."""
        sql = "SELECT e.unit, count(*) FROM entries e WHERE e.plan_year = %s AND e.unit IS NOT NULL"
        params: list[Any] = [year]
        if date_from is not None:
            sql += " AND e.date >= %s"
            params.append(date_from)
        if date_to is not None:
            sql += " AND e.date <= %s"
            params.append(date_to)
        sql += _live_as_known(known_at, params)
        sql += " GROUP BY e.unit ORDER BY e.unit"
        return [(row[0], int(row[1])) for row in self.conn.execute(sql, params)]

    def unit_totals(
        self,
        year: int,
        *,
        as_of: date | None = None,
        known_at: str | None = None,
        targets: Iterable[str] | None = None,
        units: Iterable[str] | None = None,
    ) -> list[UnitTotal]:
        """Per (stored unit, target, date): sum and count of non-voided entries up to ``as_of``."""
        sql = (
            "SELECT e.unit, e.target, e.date, coalesce(sum(e.amount_milli), 0)::bigint, count(*)"
            " FROM entries e WHERE e.plan_year = %s AND e.unit IS NOT NULL"
        )
        params: list[Any] = [year]
        for column, values in (("e.target", targets), ("e.unit", units)):
            if values is None:
                continue
            wanted = sorted(set(values))
            if not wanted:
                return []
            sql += f" AND {column} = ANY(%s)"
            params.append(wanted)
        if as_of is not None:
            sql += " AND e.date <= %s"
            params.append(as_of)
        sql += _live_as_known(known_at, params)
        sql += " GROUP BY e.target, e.unit, e.date ORDER BY e.target, e.unit, e.date"
        return [
            UnitTotal(
                unit=row[0],
                target=row[1],
                date=row[2],
                amount=Decimal(row[3]) / 1000,
                count=int(row[4]),
            )
            for row in self.conn.execute(sql, params)
        ]

    def last_unit_by(self, user: str) -> str | None:
        """The unit of the latest entry this user recorded with one, or None."""
        row = self.conn.execute(
            'SELECT unit FROM entries WHERE "by" = %s AND unit IS NOT NULL ORDER BY id DESC LIMIT 1',
            (user,),
        ).fetchone()
        return row[0] if row else None

    def is_sample(self) -> bool:
        """Whether the database holds sample data (the ``sample`` marker)."""
        row = self.conn.execute("SELECT 1 FROM markers WHERE name = %s", (SAMPLE_MARKER,))
        return row.fetchone() is not None

    def insert_sample_marker(self, by: str, recorded_at: str) -> None:
        """Set the ``sample`` marker (once: a second call changes nothing)."""
        self.conn.execute(
            'INSERT INTO markers (name, "by", recorded_at) VALUES (%s, %s, %s)'
            " ON CONFLICT (name) DO NOTHING",
            (SAMPLE_MARKER, by, recorded_at),
        )

    def years(self) -> list[int]:
        """The plan years that have entries, sorted."""
        return [
            row[0] for row in self.conn.execute("SELECT DISTINCT plan_year FROM entries ORDER BY 1")
        ]

    def schema_version(self) -> int:
        """The schema version of the open database (``kxplan_meta``)."""
        return int(self.conn.execute("SELECT schema_version FROM kxplan_meta").fetchone()[0])

    # checks and backups ----------------------------------------------------------------------------
    def health_report(
        self,
        year: int | None,
        known_ids: Iterable[str] = (),
        aliases: dict[str, str] | None = None,
        milestones: Iterable[str] = (),
    ) -> Health:
        """The database's health and, for a plan ``year``, what the plan cannot account for.

        The server keeps the storage sound (no ``quick_check`` to run: "ok" once the marker
        and version are read); the data questions are the SQLite engine's, in this SQL.
        """
        conn = self.conn
        health = Health(
            quick_check="ok",
            schema_version=self.schema_version(),
            application_id=APPLICATION_ID,
            expected_schema_version=SCHEMA_VERSION,
        )
        health.dangling_voids = [
            (int(row[0]), int(row[1]))
            for row in conn.execute(
                "SELECT v.id, v.entry_id FROM voids v"
                " WHERE NOT EXISTS (SELECT 1 FROM entries e WHERE e.id = v.entry_id) ORDER BY v.id"
            )
        ]
        if year is None:
            return health
        health.year = year
        health.other_years = [
            (int(row[0]), int(row[1]))
            for row in conn.execute(
                "SELECT plan_year, count(*) FROM entries WHERE plan_year <> %s"
                " GROUP BY plan_year ORDER BY plan_year",
                (year,),
            )
        ]
        aliases = dict(aliases or {})
        known = sorted(set(known_ids) | set(aliases))
        ids = "string_agg(e.id::text, ',' ORDER BY e.id)"
        health.orphans = [
            (row[0], _ids(row[1]))
            for row in conn.execute(
                f"SELECT e.target, {ids} FROM entries e WHERE e.plan_year = %s"
                f" AND NOT (e.target = ANY(%s)) AND {LIVE} GROUP BY e.target ORDER BY e.target",
                (year, known),
            )
        ]
        health.bad_dates = [
            (int(row[0]), row[1].isoformat())
            for row in conn.execute(
                "SELECT e.id, e.date FROM entries e WHERE e.plan_year = %s"
                f" AND e.date NOT BETWEEN %s AND %s AND {LIVE} ORDER BY e.id",
                (year, date(year, 1, 1), date(year, 12, 31)),
            )
        ]
        pairs = sorted(aliases.items())
        mapped = "coalesce(a.new, e.target)"
        alias = (
            "LEFT JOIN (SELECT * FROM unnest(%s::text[], %s::text[]) AS x(old, new)) a"
            " ON a.old = e.target"
        )
        alias_params = [[p[0] for p in pairs], [p[1] for p in pairs]]
        wanted = sorted(
            set(milestones) | {old for old, new in aliases.items() if new in set(milestones)}
        )
        if wanted:
            health.milestones_twice = [
                (row[0], _ids(row[1]))
                for row in conn.execute(
                    f"SELECT {mapped} AS mapped, {ids} FROM entries e {alias}"
                    f" WHERE e.plan_year = %s AND {LIVE} AND e.target = ANY(%s)"
                    " GROUP BY mapped HAVING count(*) > 1 ORDER BY mapped",
                    (*alias_params, year, wanted),
                )
            ]
        health.units = [
            (row[0], int(row[1]))
            for row in conn.execute(
                "SELECT e.unit, count(*) FROM entries e WHERE e.plan_year = %s"
                f" AND e.unit IS NOT NULL AND {LIVE} GROUP BY e.unit ORDER BY e.unit",
                (year,),
            )
        ]
        health.duplicate_items = [
            (row[0], row[1], _ids(row[2]))
            for row in conn.execute(
                f"SELECT {mapped} AS mapped, e.item, {ids} FROM entries e {alias}"
                f" WHERE e.plan_year = %s AND e.item IS NOT NULL AND {LIVE}"
                " GROUP BY mapped, e.item HAVING count(*) > 1 ORDER BY mapped, e.item",
                (*alias_params, year),
            )
        ]
        return health

    # copying a whole database --------------------------------------------------------------------
    def raw_entries(self) -> Iterator[RawEntry]:
        """Every entry as stored, in id order (a server-side cursor: any size in little memory)."""
        with self.conn.cursor(name="kxplan_copy_entries") as cursor:
            cursor.execute(
                "SELECT id, plan_year, target, to_char(date, 'YYYY-MM-DD'), amount_milli, item,"
                ' note, unit, "by", evidence, recorded_at, import_key FROM entries ORDER BY id'
            )
            yield from cursor

    def raw_voids(self) -> Iterator[RawVoid]:
        """Every void as stored, in id order."""
        with self.conn.cursor(name="kxplan_copy_voids") as cursor:
            cursor.execute('SELECT id, entry_id, reason, "by", recorded_at FROM voids ORDER BY id')
            yield from cursor

    def load_raw(self, entries: Iterable[RawEntry], voids: Iterable[RawVoid]) -> tuple[int, int]:
        """``COPY`` the rows in with their ids, then move the id sequences past them."""
        counts = []
        with self.conn.cursor() as cursor:
            for table, columns, rows in (
                ("entries", ("id", *ENTRY_INSERT_COLUMNS), entries),
                ("voids", ("id", *VOID_INSERT_COLUMNS), voids),
            ):
                count = 0
                names = ", ".join(f'"{c}"' for c in columns)
                with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                        count += 1
                counts.append(count)
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                    f" coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
                )
        return counts[0], counts[1]

    def copy_facts(self) -> CopyFacts:
        """Counts and per-target totals of the whole database."""
        conn = self.conn
        entries = int(conn.execute("SELECT count(*) FROM entries").fetchone()[0])
        voids = int(conn.execute("SELECT count(*) FROM voids").fetchone()[0])
        targets = {
            (row[0], row[1]): (int(row[2]), int(row[3]), int(row[4]), int(row[5]))
            for row in conn.execute(
                "SELECT e.plan_year, e.target, count(*), coalesce(sum(e.amount_milli), 0),"
                " count(*) - count(v.id), coalesce(sum(e.amount_milli) FILTER (WHERE v.id IS NULL), 0)"
                " FROM entries e LEFT JOIN voids v ON v.entry_id = e.id"
                " GROUP BY e.plan_year, e.target"
            )
        }
        return CopyFacts(entries, voids, targets)

    def backup(self, dest: Path | str, *, force: bool = False) -> BackupResult:
        """A server database is backed up with ``pg_dump`` (or copied with ``kxplan db copy``)."""
        raise InputError(t("backup.pg_use_pg_dump", path=self.location, dest=dest))


def _server(location: Location) -> ServerLocation:
    where = location_of(location)
    assert isinstance(where, ServerLocation), "PostgresStore needs a postgresql:// location"
    return where


def _entry(row: Sequence[Any]) -> Entry:
    """An ``Entry`` (with its void, when the void columns are not NULL) from a row."""
    void = None
    if row[11] is not None:
        void = Void(
            id=int(row[11]), entry_id=int(row[12]), reason=row[13], by=row[14], recorded_at=row[15]
        )
    return Entry(
        id=int(row[0]),
        plan_year=row[1],
        target=row[2],
        date=row[3],
        amount=amount_from_milli(row[4]),
        item=row[5],
        note=row[6],
        unit=row[7],
        by=row[8],
        evidence=row[9],
        recorded_at=row[10],
        void=void,
    )


def _live_as_known(known_at: str | None, params: list[Any]) -> str:
    """The SQL condition that entry ``e`` is live — recorded and not voided as at ``known_at``."""
    if known_at is None:
        return f" AND {LIVE}"
    params += [known_at, known_at]
    return (
        " AND e.recorded_at <= %s"
        " AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.entry_id = e.id AND v.recorded_at <= %s)"
    )


def _ids(text: str) -> list[int]:
    return sorted(int(part) for part in text.split(","))


def _chunks(rows: Iterable[EntryRow], size: int) -> Iterator[list[EntryRow]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk
