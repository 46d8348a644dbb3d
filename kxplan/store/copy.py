"""``kxplan db copy SRC DEST``: a whole database from one store to another, any two engines.

SQLite → PostgreSQL moves an office onto the server; PostgreSQL → SQLite makes an offline
copy. Entries and voids keep their ids (a void still names its entry, ``kxplan void 12``
still means the same entry). The copy:

1. reads the source in one snapshot (``read_snapshot``): what is copied is one moment;
2. creates or upgrades the destination's schema (``Store.init``) and refuses it when it holds
   any entry or void — a copy never merges into data;
3. inserts every row in one write transaction of the destination and, still inside it,
   compares the destination's counts and per-target totals (every year, voided entries
   apart) with the source snapshot's: any difference rolls everything back.

A new SQLite destination is built aside and appears only when complete (``create_with``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kxplan.entry import timestamp
from kxplan.errors import InputError
from kxplan.messages import t
from kxplan.store.interface import CopyFacts, Location, Store
from kxplan.store.location import ServerLocation, location_of


@dataclass(frozen=True)
class CopyResult:
    """What was copied: entries, voids, and the number of (year, target) totals verified."""

    entries: int
    voids: int
    targets: int


def copy_database(source: Location, dest: Location) -> CopyResult:
    """Copy the database at ``source`` into the empty (or new) database at ``dest``; verify it."""
    src, dst = location_of(source), location_of(dest)
    if _same(src, dst):
        raise InputError(t("db.copy_same", path=dst))
    with Store.open(src, create=False) as reader, reader.read_snapshot():
        facts = reader.copy_facts()

        def fill(store: Store) -> CopyResult:
            with store.write_transaction(bulk=True):
                found = store.copy_facts()
                if found.entries or found.voids:
                    raise InputError(
                        t("db.copy_not_empty", path=dst, entries=found.entries, voids=found.voids)
                    )
                store.load_raw(reader.raw_entries(), reader.raw_voids())
                if reader.is_sample():  # sample data stays marked as such
                    store.insert_sample_marker("kxplan db copy", timestamp())
                problem = _difference(facts, store.copy_facts())
                if problem:
                    raise InputError(t("db.copy_verify_failed", path=dst, reason=problem))
            return CopyResult(facts.entries, facts.voids, len(facts.targets))

        if not Store.exists(dst):
            result = Store.create_with(dst, fill, keep=lambda _: True)
            if result is not None:
                return result
        Store.init(dst)
        with Store.open(dst, create=False) as writer:
            return fill(writer)


def _same(one: Path | ServerLocation, other: Path | ServerLocation) -> bool:
    if isinstance(one, ServerLocation) or isinstance(other, ServerLocation):
        return one == other
    try:
        return one.resolve() == other.resolve()
    except OSError:
        return False


def _difference(expected: CopyFacts, found: CopyFacts) -> str | None:
    """What differs between the source's facts and the copy's, or None."""
    if found.entries != expected.entries:
        return t("backup.differs", what="entries", copy=found.entries, source=expected.entries)
    if found.voids != expected.voids:
        return t("backup.differs", what="voids", copy=found.voids, source=expected.voids)
    for key in sorted(set(expected.targets) | set(found.targets)):
        if expected.targets.get(key) != found.targets.get(key):
            year, target = key
            return t(
                "backup.differs",
                what=f"{year} {target}",
                copy=found.targets.get(key),
                source=expected.targets.get(key),
            )
    return None
