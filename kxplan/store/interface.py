"""The store as every engine provides it: ``Store``, the plain data it answers with, its rules.

``Store`` is the seam between kxplan and a database engine. Commands, reports, imports and
checks call only the methods declared here; an engine (``kxplan.store.sqlite``, the embedded
default; ``kxplan.store.postgres``, a PostgreSQL server through psycopg 3) implements the abstract ones with its own SQL,
connection handling and files. mypy checks each engine against this class, so an engine that
stops matching it fails ``make lint``.

The rules that hold whatever the engine are written here once, over the engine's primitives
and inside its write transaction (so concurrent clerks cannot both pass a check):

- an entry is appended, never changed; an item is counted once per target and a milestone
  done once, and an exact repeat of a live entry is written only when asked for
  (``record``), old ids of a renamed target included (``Target.ids``);
- a void needs a reason and a live entry, and voids it once (``void``).

``Store.open(location)`` chooses the engine from the location (``engine_for``): a
``postgresql://`` URL (``kxplan.store.location``) is a server, anything else an SQLite file.
"""

from __future__ import annotations

import sys
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from kxplan.entry import (
    MAX_TARGET_TOTAL,
    Entry,
    Void,
    duplicate_item_problem,
    milestone_done_problem,
    repeat_problem,
    timestamp,
    total_too_large_problem,
)
from kxplan.errors import DatabaseError, InputError, KxplanError, RepeatedEntry
from kxplan.messages import t
from kxplan.store.location import ServerLocation
from kxplan.store.sqlite.schema import APPLICATION_ID, SCHEMA_VERSION
from kxplan.text import local_time

Location = Path | str | ServerLocation
"""Where a database is: an SQLite file path, or a server URL (``kxplan.store.location``)."""

if TYPE_CHECKING:
    from types import TracebackType

    from kxplan.entry import DailyTotal, Draft, ImportState, UnitTotal
    from kxplan.plan import Plan
    from kxplan.store.staging import ImportStaging

R = TypeVar("R")

EntryRow = tuple[
    int, str, str, int | None, str | None, str | None, str | None, str, str | None, str, str | None
]
"""An entry as an engine inserts it: ``(plan_year, target, date, amount_milli, item, note,
unit, by, evidence, recorded_at, import_key)`` — dates ISO text, amounts integer thousandths."""

RawEntry = tuple[
    int,
    int,
    str,
    str,
    int | None,
    str | None,
    str | None,
    str | None,
    str,
    str | None,
    str,
    str | None,
]
"""An entry exactly as stored, for copying a database: ``(id, *EntryRow)``."""
RawVoid = tuple[int, int, str, str, str]
"""A void exactly as stored: ``(id, entry_id, reason, by, recorded_at)``."""


@dataclass(frozen=True)
class CopyFacts:
    """What a copy of a database must reproduce: row counts and per-target totals.

    ``targets`` maps (plan year, target id as stored) to (entries, sum of amounts in
    thousandths, live entries, live sum) — voided entries counted apart.
    """

    entries: int
    voids: int
    targets: dict[tuple[int, str], tuple[int, int, int, int]]


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
    summary_drift: list[tuple[int, str, str, str | None]] = field(default_factory=list)
    """(plan year, target, date, unit) of every group whose per-day summary row disagrees
    with its entries (any year; the engines that keep a summary)."""
    expected_schema_version: int = SCHEMA_VERSION
    """The schema version this kxplan writes (the engine's latest migration)."""
    expected_application_id: int = APPLICATION_ID
    """The application id this kxplan's databases carry."""


ListingRow = tuple[
    int,
    str,
    str,
    "int | None",
    "str | None",
    "str | None",
    "str | None",
    str,
    "int | None",
    "str | None",
]
"""One entry as a listing shows it, plain values as stored: (id, date ``YYYY-MM-DD``, target,
amount in thousandths or None, item, note, unit, by, void id or None, void reason or None)."""


@dataclass(frozen=True)
class ListingBounds:
    """What a listing of entries will show, known before its rows are read: upper bounds on
    the entry ids and amounts, whether any amount has a fractional part or any entry a void."""

    max_id: int
    max_amount: Decimal | None
    fraction: bool
    voided: bool = False
    """Whether any of the entries is voided."""


@dataclass(frozen=True)
class BackupResult:
    """A verified backup: where it is and what it holds (equal to the source snapshot)."""

    path: Path
    entries: int
    voids: int
    schema_version: int
    integrity: str = "ok"


def is_database_error(exc: BaseException) -> bool:
    """Whether ``exc`` is an engine's own failure (``sqlite3.Error``, ``psycopg.Error``)."""
    for name in ("sqlite3", "psycopg"):
        module = sys.modules.get(name)
        if module is not None and isinstance(exc, module.Error):
            return True
    return False


def database_failure(location: object, exc: BaseException) -> DatabaseError | KxplanError:
    """The one-line error for an engine failure ``exc`` at ``location`` (password hidden)."""
    if isinstance(location, ServerLocation):
        from kxplan.store.postgres.engine import failure

        return failure(location, exc)
    return DatabaseError(t("store.failed", path=location, reason=exc))


def engine_for(location: Location | ServerLocation) -> type[Store]:
    """The engine class that holds the database at ``location``: a server URL or an SQLite file."""
    from kxplan.store.location import is_server_url

    if isinstance(location, ServerLocation) or is_server_url(location):
        from kxplan.store.postgres.engine import PostgresStore

        return PostgresStore
    from kxplan.store.sqlite.engine import SqliteStore

    return SqliteStore


@contextmanager
def database_errors(location: Location | ServerLocation) -> Iterator[None]:
    """An engine failure inside (a damaged file, a full disk, a lost server) becomes one line.

    A write it interrupted was rolled back by its transaction.
    """
    try:
        yield
    except Exception as exc:
        if not is_database_error(exc):
            raise
        raise database_failure(location, exc) from None


class Store(ABC):
    """A kxplan database: ``Store.open(location, create=...)``; use it as a context manager.

    ``created`` says whether opening it created it. Entries and voids are append-only; every
    write runs in one transaction and waits (``kxplan.store.retry``) while another writer
    holds the database.
    """

    created: bool = False

    # opening and closing (class methods: every engine overrides all four) ---------------------
    @classmethod
    def open(cls, location: Location, *, create: bool, upgrade: bool = True) -> Store:
        """Open the database at ``location`` with the engine it names (``engine_for``).

        Create it when missing if ``create``; upgrade an older schema unless ``upgrade`` is
        false (``backup`` copies a database as it is). Raise ``DatabaseError`` (one line,
        nothing changed) when it is missing and ``create`` is false, or is not a kxplan
        database.
        """
        return engine_for(location).open(location, create=create, upgrade=upgrade)

    @classmethod
    def open_read_only(cls, location: Location) -> Store | None:
        """A store that only reads the existing database at ``location``; None when there is none.

        For shell completion: never creates, migrates or locks anything, prints nothing.
        """
        return engine_for(location).open_read_only(location)

    @classmethod
    def init(cls, location: Location) -> tuple[int, int]:
        """Create or upgrade the schema (``kxplan db init``); return (version before, after).

        Before is 0 for a database without kxplan's schema. Another application's database,
        or one newer than this kxplan, is refused with one line and left unchanged.
        """
        return engine_for(location).init(location)

    @classmethod
    def exists(cls, location: Location) -> bool:
        """Whether something is at ``location`` that ``open`` must judge (a database, or not)."""
        return engine_for(location).exists(location)

    @classmethod
    def create_with(
        cls, location: Location, fill: Callable[[Store], R], keep: Callable[[R], bool]
    ) -> R | None:
        """Create the database at ``location`` holding what ``fill`` writes, or nothing at all.

        ``fill`` writes into a new database no one else sees; only when it returns and
        ``keep(result)`` is true does the database appear at ``location`` (a failed or empty
        import leaves no database behind). Return ``fill``'s result, or None when another
        process created a database there meanwhile: ``fill``'s work is then discarded and the
        caller writes into the existing one.
        """
        return engine_for(location).create_with(location, fill, keep)

    @abstractmethod
    def close(self) -> None:
        """Close the connection."""

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # transactions ----------------------------------------------------------------------------
    @abstractmethod
    def write_transaction(self, *, bulk: bool = False) -> AbstractContextManager[Store]:
        """One write transaction, all or nothing, waiting while another writer holds the lock.

        ``bulk`` prepares it for many inserts (``import``).
        """

    @abstractmethod
    def read_snapshot(self) -> AbstractContextManager[Store]:
        """One read transaction: every query inside sees the same moment while writers run."""

    # writes: the rules every engine keeps ------------------------------------------------------
    def record(
        self,
        plan: Plan,
        draft: Draft,
        by: str,
        *,
        now: datetime | None = None,
        again: bool = False,
    ) -> Entry:
        """Append one validated entry (``draft.by`` if given, else ``by``); return it with its id.

        Raise ``InputError`` when the item is already counted for the target, or the milestone
        is already done; raise ``RepeatedEntry`` when a live entry is identical (same target,
        date, amount, item, note and unit — who and the evidence do not matter) unless
        ``again``. All are checked under the write lock, so concurrent clerks cannot both pass.
        """
        who = draft.by or by
        recorded_at = timestamp(now)
        target = plan.target(draft.target)
        ids = target.ids if target is not None else (draft.target,)
        with self.write_transaction():
            if draft.kind == "count" and draft.item is not None:
                earlier = self.counted_item(plan.year, ids, draft.item)
                if earlier is None:
                    earlier = self._counted_alike(plan.year, ids, draft.item)
                if earlier is not None:
                    raise InputError(duplicate_item_problem(draft, earlier))
            if draft.kind == "count" and draft.amount is not None:
                total, _ = self.target_total(plan.year, ids)
                if total + draft.amount > MAX_TARGET_TOTAL:
                    raise InputError(total_too_large_problem(draft.target, total + draft.amount))
            if draft.kind == "milestone":
                done = self.first_entry(plan.year, ids)
                if done is not None:
                    raise InputError(milestone_done_problem(draft, done[0], done[1].isoformat()))
            if not again:
                earlier = self.same_entry(plan.year, ids, draft)
                if earlier is not None:
                    raise RepeatedEntry(repeat_problem(draft, earlier), earlier)
            entry_id = self.insert_entry(
                (
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
            )
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

    def _counted_alike(self, year: int, ids: Iterable[str], item: str) -> int | None:
        """The first live entry whose item is ``item`` under ``text.comparable``, or None.

        Compared in Python inside the write transaction, so every engine keeps the rule the
        same way (an exact match was looked up first, by index).
        """
        from kxplan.text import comparable

        wanted = comparable(item)
        for entry in sorted(self.entries(year, targets=ids), key=lambda e: e.id):
            if entry.item is not None and comparable(entry.item) == wanted:
                return entry.id
        return None

    def void(self, entry_id: int, reason: str, by: str, *, now: datetime | None = None) -> Void:
        """Void an entry once, with a reason; raise ``InputError`` for unknown or voided entries."""
        reason = reason.strip()
        if not reason:
            raise InputError(t("void.reason_required"))
        recorded_at = timestamp(now)
        with self.write_transaction():
            entry = self.entry(entry_id)
            if entry is None:
                raise InputError(t("void.unknown", id=entry_id))
            if entry.void is not None:
                earlier = entry.void
                raise InputError(
                    t(
                        "void.already",
                        id=entry_id,
                        void=earlier.id,
                        by=earlier.by,
                        at=local_time(earlier.recorded_at),
                        reason=earlier.reason,
                    )
                )
            void_id = self.insert_void(entry_id, reason, by, recorded_at)
        return Void(id=void_id, entry_id=entry_id, reason=reason, by=by, recorded_at=recorded_at)

    # writes: the engine's primitives (called inside ``write_transaction``) ---------------------
    @abstractmethod
    def insert_entry(self, row: EntryRow) -> int:
        """Insert one entry row; return its id."""

    @abstractmethod
    def insert_void(self, entry_id: int, reason: str, by: str, recorded_at: str) -> int:
        """Insert one void row; return its id."""

    @abstractmethod
    def insert_rows(self, rows: Iterable[EntryRow]) -> int:
        """Insert prepared entry rows in bulk (``import``); return how many."""

    # imports: staged rows (``kxplan.store.staging``), the rules in SQL ---------------------------
    def import_staging(self) -> ImportStaging:
        """Where an import stages its validated rows: a private temporary SQLite database by
        default (an engine that is SQLite stages in its own connection)."""
        from kxplan.store.staging import ImportStaging

        return ImportStaging.private_database()

    def skip_imported(self, staging: ImportStaging) -> None:
        """Mark the staged rows whose import key is already in the database (after
        ``staging.number()``), looked up a batch of keys at a time."""
        for batch in staging.keys():
            known = self.imported_keys([key for _, key in batch])
            if known:
                staging.skip(line for line, key in batch if key in known)

    def insert_staged(self, staging: ImportStaging, year: int, by: str, recorded_at: str) -> int:
        """Insert the staged rows not already imported, in file order; return how many.

        ``by`` is who recorded the rows that do not say; inside ``write_transaction``.
        """
        return self.insert_rows(staging.entry_rows(year, by, recorded_at))

    @abstractmethod
    def imported_keys(self, keys: list[str]) -> set[str]:
        """Which of these import keys the database holds."""

    @abstractmethod
    def live_items(self, year: int) -> Iterator[tuple[int, str, str]]:
        """``(entry id, target id as stored, item)`` of a year's live entries with an item,
        in id order (an import's item-once rule)."""

    # reads -----------------------------------------------------------------------------------
    @abstractmethod
    def counted_item(self, year: int, target_ids: Iterable[str], item: str) -> int | None:
        """The first live entry that counts ``item`` for one of these target ids, or None."""

    @abstractmethod
    def same_entry(
        self, year: int, target_ids: Iterable[str], draft: Draft, *, outside_imports: bool = False
    ) -> int | None:
        """The first live entry identical to ``draft`` (one of these target ids; the same date,
        amount, item, note and unit), or None; with ``outside_imports`` only entries recorded
        with ``record`` or ``add`` (no import key)."""

    @abstractmethod
    def first_entry(self, year: int, target_ids: Iterable[str]) -> tuple[int, date] | None:
        """(id, date) of the first live entry, by (date, id), of these target ids, or None.

        For a milestone: the entry that marks it done.
        """

    @abstractmethod
    def import_state(self, year: int) -> ImportState:
        """The done targets of a year and whether it has entries made by hand (a few queries)."""

    @abstractmethod
    def entry(self, entry_id: int) -> Entry | None:
        """One entry with its void (if any), or None."""

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
        unit: ``UnitResolver.matching``). With ``known_at`` (a ``recorded_at`` timestamp),
        entries and voids recorded after it are ignored: an entry voided later counts as not
        voided. All of ``iter_entries`` at once.
        """
        return list(
            self.iter_entries(
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
        )

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
        """Bounds on the entries ``iter_entries`` gives with these filters (voided ones too),
        so a listing can lay out its columns before it reads a row; None when unknown (this
        default: the listing then measures its rows first)."""
        return None

    @abstractmethod
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
        """``entries`` one at a time, for listings of any size (``log``, ``export``): each
        engine streams them from its cursor, so memory stays bounded and the first entry is
        ready before the last is read."""

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
        """``iter_entries`` as plain ``ListingRow`` tuples, for a listing of any size (``log``):
        an engine may read them without building an ``Entry`` per row (SQLite does); this
        default takes them from ``iter_entries``."""
        for entry in self.iter_entries(
            year,
            targets=targets,
            date_from=date_from,
            date_to=date_to,
            units=units,
            include_voided=include_voided,
        ):
            void = entry.void
            yield (
                entry.id,
                entry.date.isoformat(),
                entry.target,
                None if entry.amount is None else int(entry.amount * 1000),
                entry.item,
                entry.note,
                entry.unit,
                entry.by,
                None if void is None else void.id,
                None if void is None else void.reason,
            )

    @abstractmethod
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
        With ``known_at``, entries and voids recorded after it are ignored.
        """

    @abstractmethod
    def target_total(
        self, year: int, targets: Iterable[str], *, as_of: date | None = None
    ) -> tuple[Decimal, int]:
        """The sum and count of non-voided entries of these target ids in a year, dated up to
        ``as_of`` when given (what ``status`` counts on that day)."""

    @abstractmethod
    def voids(
        self, year: int, *, recorded_after: str | None = None, recorded_until: str | None = None
    ) -> list[tuple[Void, Entry]]:
        """Voids of a year's entries in ``recorded_at`` order (after is exclusive, until inclusive)."""

    @abstractmethod
    def count_entries(
        self, year: int, *, known_at: str | None = None, include_voided: bool = False
    ) -> int:
        """How many entries a year has (non-voided unless asked), as known at ``known_at``."""

    @abstractmethod
    def last_entry_by(self, user: str, year: int, *, include_voided: bool = False) -> Entry | None:
        """The entry this user recorded last in a year (non-voided unless asked), or None."""

    @abstractmethod
    def units(self, year: int) -> list[str]:
        """The distinct organisational units used in a year, sorted."""

    @abstractmethod
    def unit_counts(
        self,
        year: int,
        *,
        date_from: date | None = None,
        date_to: date | None = None,
        known_at: str | None = None,
    ) -> list[tuple[str, int]]:
        """Each stored unit text of a year with its number of non-voided entries, sorted by text.

        Optionally only entries dated from ``date_from`` to ``date_to`` (a report's quarter)
        and as known at ``known_at``.
        """

    @abstractmethod
    def unit_totals(
        self,
        year: int,
        *,
        as_of: date | None = None,
        known_at: str | None = None,
        targets: Iterable[str] | None = None,
        units: Iterable[str] | None = None,
    ) -> list[UnitTotal]:
        """Per (stored unit, target, date): sum and count of non-voided entries up to ``as_of``,
        in (target, unit, date) order.

        Restricted to the target ids ``targets`` (per-unit figures need only the allocated
        targets) and/or the stored unit texts ``units``. Target ids and unit texts are as
        stored; the caller maps old ids and spellings (``kxplan.units``).
        """

    @abstractmethod
    def last_unit_by(self, user: str) -> str | None:
        """The unit of the latest entry this user recorded with one, or None."""

    @abstractmethod
    def is_sample(self) -> bool:
        """Whether the database holds sample data (``kxplan import --sample``; never unset)."""

    @abstractmethod
    def insert_sample_marker(self, by: str, recorded_at: str) -> None:
        """Set the sample-data marker (a second time changes nothing); inside a write."""

    def check_sample(self) -> None:
        """Raise ``InputError`` when the database may not be marked as holding sample data.

        It may not when it already holds entries that are not sample data: sample data goes
        into a database of its own, so a real report never carries the banner and a sample
        report never mixes in real entries.
        """
        if not self.is_sample() and self.years():
            raise InputError(t("import.sample_into_real"))

    def mark_sample(self, by: str, recorded_at: str) -> None:
        """Mark the database as holding sample data, inside the caller's write transaction
        (``check_sample`` first)."""
        self.check_sample()
        self.insert_sample_marker(by, recorded_at)

    @abstractmethod
    def years(self) -> list[int]:
        """The plan years that have entries, sorted."""

    @abstractmethod
    def schema_version(self) -> int:
        """The schema version of the open database."""

    # checks and backups ------------------------------------------------------------------------
    @abstractmethod
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

    def rebuild_summary(self) -> int | None:
        """Rebuild the derived per-day summary from the entries, inside ``write_transaction``;
        return how many summary rows it holds, or None when the engine keeps no summary
        (``kxplan db rebuild-summary``: entries and voids are only read)."""
        return None

    # copying a whole database (``kxplan db copy``, ``kxplan.store.copy``) ------------------------
    @abstractmethod
    def raw_entries(self) -> Iterator[RawEntry]:
        """Every entry as stored, ids included, in id order (call inside ``read_snapshot``)."""

    @abstractmethod
    def raw_voids(self) -> Iterator[RawVoid]:
        """Every void as stored, in id order (call inside ``read_snapshot``)."""

    @abstractmethod
    def load_raw(self, entries: Iterable[RawEntry], voids: Iterable[RawVoid]) -> tuple[int, int]:
        """Insert copied rows keeping their ids (inside ``write_transaction``); return counts.

        Later entries and voids get ids after the copied ones.
        """

    @abstractmethod
    def copy_facts(self) -> CopyFacts:
        """Counts and per-target totals of the whole database (every year, voids apart)."""

    @abstractmethod
    def backup(self, dest: Path | str, *, force: bool = False) -> BackupResult:
        """Copy the database to ``dest`` consistently, verify the copy, then give it its name.

        An existing ``dest`` is refused unless ``force``; a failed backup leaves nothing.
        """
