"""The store on temporary files: schema, append-only rules, queries, opening foreign files,
the v1 migration fixture, and concurrent writers."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import textwrap
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from kxplan.entry import DailyTotal, Draft, timestamp
from kxplan.errors import DatabaseError, ExitCode, InputError
from kxplan.store import APPLICATION_ID, SCHEMA_VERSION, Store

T0 = datetime(2019, 5, 10, 8, 0, tzinfo=UTC)


def draft(target: str, day: str, amount: str | None = None, **fields: Any) -> Draft:
    kinds = {"p1.workstations": "count", "p1.visits": "count", "p1.stations": "count"}
    kind = kinds.get(target, "milestone" if target == "p2.science-day" else "activity")
    if kind == "count" and amount is None:
        amount = "1"
    return Draft(
        target=target,
        kind=kind,
        date=date.fromisoformat(day),
        amount=Decimal(amount) if amount is not None else None,
        written_target=target,
        **fields,
    )


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(autouse=True)
def english(keep_language: None) -> None:
    """Messages in English whatever an earlier test chose."""
    from kxplan.messages import set_language

    set_language("en")


@pytest.fixture
def store(location: str):
    """An open store with the schema, once per engine (SQLite file, PostgreSQL database)."""
    Store.init(location)
    with Store.open(location, create=True) as opened:
        yield opened


# --- creating and opening -------------------------------------------------------------------


def test_a_new_database_is_created_with_the_schema(db: Path) -> None:
    with Store.open(db, create=True) as store:
        assert store.created is True
        assert store.schema_version() == SCHEMA_VERSION == 5
        conn = store.conn
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID == 0x4B58504C
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        strict = {row[1]: row[5] for row in conn.execute("PRAGMA table_list") if row[0] == "main"}
        assert strict["entries"] == strict["voids"] == strict["markers"] == strict["daily"] == 1
        indexes = {
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        }
        assert {
            "entries_year_target_date_id_amount",
            "entries_year_target_item",
            "entries_year_date",
            "entries_recorded_at",
            "voids_entry_id",
            "voids_recorded_at",
            "daily_key",
            "daily_key_no_unit",
        } <= indexes
        assert store.quick_check() == "ok"
    with Store.open(db, create=False) as again:
        assert again.created is False


def test_a_read_of_a_missing_database_says_how_to_create_one(db: Path) -> None:
    with pytest.raises(DatabaseError) as caught:
        Store.open(db, create=False)
    assert caught.value.exit_code == ExitCode.NO_DATABASE
    assert "kxplan record" in caught.value.message and "kxplan import" in caught.value.message
    assert "\n" not in caught.value.message
    assert not db.exists()


def test_an_empty_file_is_treated_as_a_new_database(db: Path) -> None:
    db.write_bytes(b"")
    with Store.open(db, create=True) as store:
        assert store.created is True
        assert store.schema_version() == SCHEMA_VERSION


def test_a_missing_directory_is_a_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="directory does not exist"):
        Store.open(tmp_path / "nowhere" / "kxplan.db", create=True)


def _other_app(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    conn.execute("INSERT INTO notes (text) VALUES ('hello')")
    conn.commit()
    conn.close()


def _other_app_id(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {0x47504B47}")  # "GPKG", a GeoPackage
    conn.execute("CREATE TABLE features (id INTEGER PRIMARY KEY)")
    conn.commit()
    conn.close()


def _too_new(path: Path) -> None:
    with Store.open(path, create=True):
        pass
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()


FOREIGN = {
    "text file": (lambda p: p.write_text("target,date\np1.x,2019-01-01\n"), "not an SQLite file"),
    "random bytes": (lambda p: p.write_bytes(os.urandom(4096)), "not an SQLite file"),
    "another app's SQLite": (_other_app, "another application"),
    "another application_id": (_other_app_id, "application_id 0x47504B47"),
    "a newer kxplan": (
        _too_new,
        f"newer kxplan (schema {SCHEMA_VERSION + 1}; this kxplan knows up to {SCHEMA_VERSION})",
    ),
    "a truncated header": (
        lambda p: p.write_bytes(b"SQLite format 3\x00" + b"\x00" * 50),
        "damaged",
    ),
}


@pytest.mark.parametrize("create", [True, False], ids=["write", "read"])
@pytest.mark.parametrize("kind", sorted(FOREIGN))
def test_a_file_that_is_not_a_kxplan_database_is_refused_and_untouched(
    db: Path, kind: str, create: bool
) -> None:
    make, expected = FOREIGN[kind]
    make(db)
    before = digest(db)
    names = sorted(p.name for p in db.parent.iterdir())
    with pytest.raises(DatabaseError) as caught:
        Store.open(db, create=create)
    assert expected in caught.value.message
    assert "\n" not in caught.value.message
    assert caught.value.exit_code == ExitCode.NO_DATABASE
    assert digest(db) == before
    assert sorted(p.name for p in db.parent.iterdir()) == names  # no -wal / -shm left behind


@pytest.mark.parametrize("create", [True, False])
def test_a_directory_is_refused(tmp_path: Path, create: bool) -> None:
    with pytest.raises(DatabaseError, match="is a directory"):
        Store.open(tmp_path, create=create)
    assert list(tmp_path.iterdir()) == []


# The schema fixtures and migrations are tested in test_migrations.py.


# --- append-only ----------------------------------------------------------------------------------


@pytest.mark.sqlite_only  # PostgreSQL's triggers and privileges: tests/test_postgres.py
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE entries SET amount_milli = 5000",
        "DELETE FROM entries",
        "UPDATE voids SET reason = 'x'",
        "DELETE FROM voids",
    ],
)
def test_update_and_delete_are_refused_by_triggers(
    store: Store, small_plan: Any, statement: str
) -> None:
    entry = store.record(small_plan, draft("p1.visits", "2019-05-01", "2"), "clerk")
    store.void(entry.id, "typo", "clerk")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.conn.execute(statement)
    assert store.count_entries(2019, include_voided=True) == 1


@pytest.mark.sqlite_only  # PostgreSQL's column rules: tests/test_postgres.py
def test_strict_tables_and_checks_refuse_bad_rows(store: Store) -> None:
    insert = (
        'INSERT INTO entries (plan_year, target, date, amount_milli, "by", recorded_at)'
        " VALUES (?, ?, ?, ?, ?, ?)"
    )
    now = timestamp(T0)
    for values in [
        (2019, "p1.visits", "2019-5-1", 1000, "x", now),  # date not YYYY-MM-DD
        (2019, "p1.visits", "2018-05-01", 1000, "x", now),  # date outside the plan year
        (2019, "p1.visits", "2019-05-01", "lots", "x", now),  # STRICT: text in an INTEGER
        (2019, "p1.visits", "2019-05-01", -1000, "x", now),  # not positive
        (2019, "p1.visits", "2019-05-01", 1000, "x", "yesterday"),  # recorded_at format
    ]:
        with pytest.raises(sqlite3.IntegrityError):
            store.conn.execute(insert, values)
    with pytest.raises(sqlite3.IntegrityError):  # a void must point at an entry
        store.conn.execute(
            'INSERT INTO voids (entry_id, reason, "by", recorded_at) VALUES (99, "x", "x", ?)',
            (now,),
        )


# --- recording and voiding ------------------------------------------------------------------------


def test_record_returns_the_entry_and_stores_exact_amounts(store: Store, small_plan: Any) -> None:
    entry = store.record(
        small_plan,
        draft("p1.visits", "2019-05-09", "0.001", note="a\nb", unit="南湖区科协", evidence="doc-1"),
        "clerk",
        now=T0,
    )
    assert entry.id == 1 and entry.amount == Decimal("0.001") and entry.by == "clerk"
    assert entry.recorded_at == "2019-05-10T08:00:00.000000Z"
    store.record(small_plan, draft("p1.visits", "2019-05-09", "2.5"), "clerk")
    assert store.conn.execute("SELECT amount_milli FROM entries ORDER BY id").fetchall() == [
        (1,),
        (2500,),
    ]
    assert store.entries(2019) == [entry, store.entry(2)]
    assert store.target_total(2019, ["p1.visits"]) == (Decimal("2.501"), 2)


def test_draft_by_wins_over_the_default(store: Store, small_plan: Any) -> None:
    entry = store.record(small_plan, draft("p1.visits", "2019-05-09", by="张三"), "clerk")
    assert entry.by == "张三"


def test_an_item_is_counted_once_per_target_even_under_an_old_id(
    store: Store, small_plan: Any
) -> None:
    old = store.record(small_plan, draft("p1.stations", "2019-03-01", item="A公司"), "clerk")
    with pytest.raises(InputError) as caught:
        store.record(small_plan, draft("p1.workstations", "2019-05-01", item="A公司"), "clerk")
    assert caught.value.message.startswith(
        f'p1.workstations: item "A公司" is already counted in entry #{old.id}'
    )
    # the same item on another target is fine; after a void the item can be recorded again
    store.record(small_plan, draft("p1.visits", "2019-05-01", item="A公司"), "clerk")
    store.void(old.id, "wrong date", "clerk")
    again = store.record(small_plan, draft("p1.workstations", "2019-05-01", item="A公司"), "clerk")
    assert again.id == 3


def test_a_milestone_is_done_once(store: Store, small_plan: Any) -> None:
    first = store.record(small_plan, draft("p2.science-day", "2019-05-01"), "clerk")
    with pytest.raises(InputError, match=r"already marked done by entry #1 on 2019-05-01"):
        store.record(small_plan, draft("p2.science-day", "2019-05-02"), "clerk")
    store.void(first.id, "wrong date", "clerk")
    assert store.record(small_plan, draft("p2.science-day", "2019-05-02"), "clerk").id == 2


def test_void_rules(store: Store, small_plan: Any) -> None:
    entry = store.record(small_plan, draft("p1.visits", "2019-05-01"), "clerk")
    void = store.void(entry.id, "  typed twice ", "boss", now=at(5))
    assert (void.id, void.entry_id, void.reason, void.by) == (1, entry.id, "typed twice", "boss")
    assert void.recorded_at == "2019-05-10T08:05:00.000000Z"
    with pytest.raises(InputError, match="already voided"):
        store.void(entry.id, "again", "boss")
    with pytest.raises(InputError, match="there is no entry #42"):
        store.void(42, "x", "boss")
    with pytest.raises(InputError, match="reason"):
        store.void(entry.id, "   ", "boss")
    assert store.count_entries(2019) == 0
    assert store.count_entries(2019, include_voided=True) == 1


# --- queries ------------------------------------------------------------------------------------------


@pytest.fixture
def history(store: Store, small_plan: Any) -> Store:
    """Entries recorded at T0+1…+6 minutes, one voided at +7 (see the asserts for the shape)."""
    record = store.record
    record(small_plan, draft("p1.visits", "2019-02-01", "2", unit="A"), "ann", now=at(1))  # 1
    record(small_plan, draft("p1.visits", "2019-02-01", "3", unit="B"), "bob", now=at(2))  # 2
    record(small_plan, draft("p1.stations", "2019-04-02", "1"), "ann", now=at(3))  # 3 (old id)
    record(
        small_plan, draft("p2.outreach", "2019-01-15", note="talk", unit="A"), "ann", now=at(4)
    )  # 4
    record(small_plan, draft("p1.visits", "2019-07-01", "10"), "bob", now=at(5))  # 5
    record(small_plan, draft("p1.visits", "2019-02-01", "1.5"), "ann", now=at(6))  # 6
    store.void(2, "duplicate", "ann", now=at(7))
    store.void(5, "wrong target", "bob", now=at(8))
    return store


def test_entries_are_in_date_then_id_order_with_filters(history: Store) -> None:
    ids = lambda entries: [e.id for e in entries]  # noqa: E731
    assert ids(history.entries(2019)) == [4, 1, 6, 3]
    assert ids(history.entries(2019, include_voided=True)) == [4, 1, 2, 6, 3, 5]
    assert ids(history.entries(2019, target="p1.visits")) == [1, 6]
    assert ids(history.entries(2019, targets=["p1.workstations", "p1.stations"])) == [3]
    assert ids(history.entries(2019, targets=[])) == []
    assert ids(history.entries(2019, date_from=date(2019, 2, 1), date_to=date(2019, 3, 31))) == [
        1,
        6,
    ]
    assert ids(history.entries(2019, unit="A")) == [4, 1]
    assert ids(history.entries(2019, limit=2)) == [4, 1]
    # several ids with a limit: one query per id, merged in (date, id) order
    several = ["p1.visits", "p1.stations", "p2.outreach"]
    assert ids(history.entries(2019, targets=several, limit=3)) == [4, 1, 6]
    assert ids(history.entries(2019, targets=several[:2], limit=2, include_voided=True)) == [1, 2]
    assert ids(history.entries(2019, targets=several, target="p1.visits", limit=5)) == [1, 6]
    assert history.entries(2018) == []
    voided = history.entries(2019, include_voided=True)[2]
    assert voided.void is not None and voided.void.reason == "duplicate"


def test_known_at_ignores_later_entries_and_later_voids(history: Store) -> None:
    known = timestamp(at(7))  # after the first void, before the second
    ids = [e.id for e in history.entries(2019, known_at=known)]
    assert ids == [4, 1, 6, 3, 5]  # #5 was voided later, so it still counts
    assert [e.id for e in history.entries(2019, known_at=timestamp(at(2)))] == [1, 2]
    assert history.count_entries(2019, known_at=known) == 5
    assert history.count_entries(2019, known_at=known, include_voided=True) == 6
    assert history.count_entries(2019, known_at=timestamp(at(0))) == 0


def test_daily_totals_group_non_voided_entries_in_sql(history: Store) -> None:
    assert history.daily_totals(2019) == [
        DailyTotal("p1.stations", date(2019, 4, 2), Decimal(1), 1),
        DailyTotal("p1.visits", date(2019, 2, 1), Decimal("3.5"), 2),
        DailyTotal("p2.outreach", date(2019, 1, 15), Decimal(0), 1),
    ]
    assert history.daily_totals(2019, as_of=date(2019, 3, 1)) == [
        DailyTotal("p1.visits", date(2019, 2, 1), Decimal("3.5"), 2),
        DailyTotal("p2.outreach", date(2019, 1, 15), Decimal(0), 1),
    ]
    known = history.daily_totals(2019, known_at=timestamp(at(6)))
    assert DailyTotal("p1.visits", date(2019, 2, 1), Decimal("6.5"), 3) in known
    assert DailyTotal("p1.visits", date(2019, 7, 1), Decimal(10), 1) in known


def test_voids_in_recorded_order_with_bounds(history: Store) -> None:
    pairs = history.voids(2019)
    assert [(v.id, e.id, e.void == v) for v, e in pairs] == [(1, 2, True), (2, 5, True)]
    assert [v.id for v, _ in history.voids(2019, recorded_after=timestamp(at(7)))] == [2]
    assert [v.id for v, _ in history.voids(2019, recorded_until=timestamp(at(7)))] == [1]
    assert history.voids(2018) == []


def test_helpers_for_undo_and_completion(history: Store) -> None:
    assert history.last_entry_by("bob", 2019) is None  # both of bob's entries are voided
    voided = history.last_entry_by("bob", 2019, include_voided=True)
    assert voided is not None and voided.id == 5
    ann = history.last_entry_by("ann", 2019)
    assert ann is not None and ann.id == 6
    assert history.last_entry_by("nobody", 2019) is None
    assert history.units(2019) == ["A", "B"]
    assert history.last_unit_by("ann") == "A"
    assert history.last_unit_by("nobody") is None
    assert history.years() == [2019]


def test_a_read_snapshot_does_not_see_later_writes(location: str, small_plan: Any) -> None:
    Store.init(location)
    with Store.open(location, create=True) as reader, Store.open(location, create=False) as writer:
        writer.record(small_plan, draft("p1.visits", "2019-05-01"), "clerk")
        with reader.read_snapshot():
            assert reader.count_entries(2019) == 1
            writer.record(small_plan, draft("p1.visits", "2019-05-02"), "clerk")
            assert reader.count_entries(2019) == 1
            assert len(reader.daily_totals(2019)) == 1
        assert reader.count_entries(2019) == 2


def test_timestamps_are_utc_with_microseconds() -> None:
    assert timestamp(datetime(2019, 5, 10, 16, 0, tzinfo=UTC)) == "2019-05-10T16:00:00.000000Z"
    east8 = datetime(2019, 5, 11, 0, 0, 0, 5, tzinfo=UTC) + timedelta(0)
    assert timestamp(east8.astimezone()) == "2019-05-11T00:00:00.000005Z"
    assert len(timestamp()) == len("2019-05-10T16:00:00.000000Z")


# --- concurrent writers ----------------------------------------------------------------------------

WRITER = textwrap.dedent(
    """
    import sys, time
    from datetime import date
    from decimal import Decimal
    from pathlib import Path
    from kxplan.entry import Draft
    from kxplan.plan import load
    from kxplan.store import Store

    db, plan_path, name, count, start = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
    plan = load(plan_path)
    while time.time() < start:
        time.sleep(0.001)
    with Store.open(Path(db), create=True) as store:
        for i in range(count):
            draft = Draft("p1.visits", "count", date(2019, 5, 1), Decimal(1), item=f"{name}-{i}",
                          written_target="p1.visits")
            store.record(plan, draft, name)
    print("ok")
    """
)


@pytest.mark.slow
def test_concurrent_writers_creating_the_database_all_land(db: Path) -> None:
    import time

    from conftest import SMALL_PLAN

    start = time.time() + 1.5
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db), str(SMALL_PLAN), f"w{n}", "40", str(start)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(4)
    ]
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        assert out.strip() == "ok" and "locked" not in err
    with Store.open(db, create=False) as store:
        assert store.count_entries(2019) == 160
        names = {e.by for e in store.entries(2019)}
        assert names == {"w0", "w1", "w2", "w3"}
        assert store.quick_check() == "ok"


@pytest.mark.parametrize("as_of", [None, date(2019, 3, 31)])
def test_daily_totals_known_at_equal_the_entries_and_voids_recorded_by_then(
    store: Any, as_of: date | None
) -> None:
    """``--known-at`` totals are all entries minus those recorded or voided after it: checked
    against a direct count at every moment of a history of entries and voids."""
    import random

    rng = random.Random(17)
    moment = lambda minute: f"2019-06-01T00:{minute // 60:02d}:{minute % 60:02d}.000000Z"  # noqa: E731
    rows, voids = [], []
    for number in range(300):
        target = rng.choice(["p1.workstations", "p1.visits", "p1.stations", "p2.outreach"])
        amount = rng.choice([None, 1000, 2500, 7000])
        day = date(2019, 1, 1) + timedelta(days=rng.randrange(180))
        rows.append((2019, target, day.isoformat(), amount, None, None, None, "clerk", None,
                     moment(number * 10), None))  # fmt: skip
    with store.write_transaction():
        store.insert_rows(rows)
        for entry_id in rng.sample(range(1, 301), 60):
            when = moment(max(entry_id * 10, rng.randrange(3000)))  # never before its entry
            store.insert_void(entry_id, "wrong", "clerk", when)
            voids.append((entry_id, when))
    voided_at = dict(voids)
    for minute in [0, 5, 995, 1500, 2990, 2999, 3100]:
        known_at = moment(minute)
        expected: dict[tuple[str, str], list[Any]] = {}
        for entry_id, row in enumerate(rows, start=1):
            voided = entry_id in voided_at and voided_at[entry_id] <= known_at
            if row[9] > known_at or voided or (as_of and row[2] > as_of.isoformat()):
                continue
            total = expected.setdefault((row[1], row[2]), [Decimal(0), 0])
            total[0] += Decimal(row[3] or 0) / 1000
            total[1] += 1
        got = store.daily_totals(2019, as_of=as_of, known_at=known_at)
        assert {(t.target, t.date.isoformat()): [t.amount, t.count] for t in got} == expected
        assert [(t.target, t.date) for t in got] == sorted((t.target, t.date) for t in got)
