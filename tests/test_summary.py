"""The per-day summary (schema 5, ``daily``): every total read from it equals a direct count
of the entries after random histories of records, imports, copies and voids, on both engines
(PostgreSQL keeps no summary and counts its entries: the same answers); the migration builds
it from a version 4 database; ``kxplan check`` finds a summary that disagrees with the entries
and ``kxplan db rebuild-summary`` rebuilds it without touching an entry."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import SMALL_PLAN
from test_migrations import FIXTURES, from_fixture, index_names
from test_store import T0, draft

from kxplan.entry import Entry
from kxplan.errors import InputError
from kxplan.store import Store
from kxplan.store.sqlite.schema import DAILY_FROM_ENTRIES

TARGETS = ["p1.workstations", "p1.visits", "p1.stations", "p2.outreach", "p2.science-day"]
UNITS = [None, "南湖区科协", "xiuzhou", "平湖市科协"]


def moment(minute: int) -> str:
    return (T0 + timedelta(minutes=minute)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def counted(entry: Entry, known_at: str | None) -> bool:
    """Whether an entry counts as known at ``known_at`` (None: now)."""
    if known_at is not None and entry.recorded_at > known_at:
        return False
    return entry.void is None or (known_at is not None and entry.void.recorded_at > known_at)


def direct(
    entries: Iterable[Entry],
    key: Any,
    known_at: str | None,
    keep: Any = lambda entry: True,
) -> dict[Any, list[Any]]:
    """{key(entry): [sum, count]} over the entries that count, straight from the entries."""
    totals: dict[Any, list[Any]] = {}
    for entry in entries:
        if counted(entry, known_at) and keep(entry):
            total = totals.setdefault(key(entry), [Decimal(0), 0])
            total[0] += entry.amount or 0
            total[1] += 1
    return totals


def random_history(store: Store, plan: Any, seed: int, start: int = 0) -> int:
    """Records, bulk inserts (the import path) and voids in a random order; return the minute
    after the last write. Amounts may be NULL (activities, milestones), units NULL."""
    rng = random.Random(seed)
    minute = start
    for _ in range(40):
        minute += rng.randrange(1, 5)
        step = rng.random()
        if step < 0.3:
            target = rng.choice(["p1.workstations", "p1.visits", "p2.outreach"])
            amount = None if target == "p2.outreach" else str(rng.choice([1, 2.5, 7]))
            day = (date(2019, 1, 1) + timedelta(days=rng.randrange(200))).isoformat()
            record = draft(target, day, amount, unit=rng.choice(UNITS))
            store.record(plan, record, "clerk", now=T0 + timedelta(minutes=minute), again=True)
        elif step < 0.6:
            rows = []
            for _ in range(rng.randrange(1, 30)):
                target = rng.choice(TARGETS)
                amount = None if target.startswith("p2") else rng.choice([1000, 2500, 7000])
                day = (date(2019, 1, 1) + timedelta(days=rng.randrange(200))).isoformat()
                rows.append((2019, target, day, amount, None, None, rng.choice(UNITS),
                             "importer", None, moment(minute), None))  # fmt: skip
            with store.write_transaction(bulk=True):
                store.insert_rows(rows)
        else:
            live = [entry.id for entry in store.entries(2019)]
            if live:
                when = T0 + timedelta(minutes=minute)
                store.void(rng.choice(live), "wrong", "clerk", now=when)
    return minute + 1


def assert_totals_match_the_entries(store: Store, minutes: Iterable[int]) -> None:
    """Every summary read, now and as known at each of ``minutes``, equals a direct count."""
    entries = store.entries(2019, include_voided=True)
    as_of = date(2019, 4, 30)
    for known_at in [None, *(moment(minute) for minute in minutes)]:
        for day in (None, as_of):

            def until(entry: Entry, day: date | None = day) -> bool:
                return day is None or entry.date <= day

            got = store.daily_totals(2019, as_of=day, known_at=known_at)
            want = direct(entries, lambda e: (e.target, e.date), known_at, until)
            assert {(t.target, t.date): [t.amount, t.count] for t in got} == want
            assert [(t.target, t.date) for t in got] == sorted(want)
            ids = ["p1.visits", "p2.outreach"]
            got = store.daily_totals(2019, as_of=day, known_at=known_at, targets=ids)
            mine = direct(
                entries,
                lambda e: (e.target, e.date),
                known_at,
                lambda e, ids=ids: until(e) and e.target in ids,
            )
            assert {(t.target, t.date): [t.amount, t.count] for t in got} == mine
            units = store.unit_totals(2019, as_of=day, known_at=known_at)
            want = direct(
                entries,
                lambda e: (e.target, e.unit, e.date),
                known_at,
                lambda e: until(e) and e.unit is not None,
            )
            assert {(u.target, u.unit, u.date): [u.amount, u.count] for u in units} == want
            assert [(u.target, u.unit, u.date) for u in units] == sorted(want)
            spelled = store.unit_totals(2019, as_of=day, known_at=known_at, units=["xiuzhou"])
            assert {(u.target, u.unit, u.date) for u in spelled} == {
                key for key in want if key[1] == "xiuzhou"
            }
        quarter = store.unit_counts(
            2019, date_from=date(2019, 4, 1), date_to=date(2019, 6, 30), known_at=known_at
        )
        want = direct(
            entries,
            lambda e: e.unit,
            known_at,
            lambda e: e.unit is not None and date(2019, 4, 1) <= e.date <= date(2019, 6, 30),
        )
        assert quarter == sorted((unit, count) for unit, (_, count) in want.items())
        count = sum(n for _, n in direct(entries, lambda e: 0, known_at).values())
        assert store.count_entries(2019, known_at=known_at) == count
    for target in TARGETS:
        mine = direct(entries, lambda e: 0, None, lambda e, target=target: e.target == target)
        amount, count = mine.get(0, [Decimal(0), 0])
        assert store.target_total(2019, [target]) == (amount, count)
    every_unit = sorted({entry.unit for entry in entries if entry.unit is not None})
    assert store.units(2019) == every_unit  # voided entries' units too


def assert_summary_is_its_recomputation(store: Store) -> None:
    """SQLite: the ``daily`` rows are exactly what the entries say (no drift)."""
    conn = store.conn  # type: ignore[attr-defined]
    stored = sorted(conn.execute("SELECT * FROM daily"), key=repr)
    assert stored == sorted(conn.execute(DAILY_FROM_ENTRIES), key=repr)
    with store.read_snapshot():
        assert store.health_report(2019).summary_drift == []


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_total_equals_the_entries_after_a_random_history(
    location: str, engine: str, small_plan: Any, seed: int
) -> None:
    Store.init(location)
    with Store.open(location, create=True) as store:
        end = random_history(store, small_plan, seed)
        assert_totals_match_the_entries(store, range(0, end + 2, 7))
        if engine == "sqlite":
            assert_summary_is_its_recomputation(store)


def test_a_copy_keeps_the_summary_true(tmp_path: Path, small_plan: Any) -> None:
    """``db copy`` inserts rows with their ids (``load_raw``): the triggers build the copy's
    summary as they go, voids after their entries."""
    with Store.open(tmp_path / "a.db", create=True) as source:
        end = random_history(source, small_plan, 7)
        with Store.open(tmp_path / "b.db", create=True) as copy:
            with source.read_snapshot(), copy.write_transaction():
                copy.load_raw(source.raw_entries(), source.raw_voids())
            assert_totals_match_the_entries(copy, range(0, end, 11))
            assert_summary_is_its_recomputation(copy)
            conn = copy.conn
            everything = "SELECT * FROM daily ORDER BY plan_year, target, date, unit"
            assert conn.execute(everything).fetchall() == source.conn.execute(everything).fetchall()


def test_a_rolled_back_write_leaves_the_summary_as_it_was(tmp_path: Path, small_plan: Any) -> None:
    with Store.open(tmp_path / "kxplan.db", create=True) as store:
        random_history(store, small_plan, 4)
        everything = "SELECT * FROM daily ORDER BY plan_year, target, date, unit"
        before = store.conn.execute(everything).fetchall()
        row = (2019, "p1.visits", "2019-03-01", 5000, None, None, "xiuzhou", "x", None,
               moment(999), None)  # fmt: skip
        with pytest.raises(InputError), store.write_transaction():
            store.insert_rows([row])
            store.insert_void(store.entries(2019)[0].id, "wrong", "x", moment(999))
            raise InputError("stop")
        assert store.conn.execute(everything).fetchall() == before


# --- migration 5 ----------------------------------------------------------------------------------


def test_migration_5_builds_the_summary_of_a_v4_database(tmp_path: Path, small_plan: Any) -> None:
    db = tmp_path / "v4.db"
    from_fixture(db, FIXTURES / "schema_v4.sql")
    conn = sqlite3.connect(db)
    before = conn.execute("SELECT * FROM entries ORDER BY id").fetchall()
    voids = conn.execute("SELECT * FROM voids ORDER BY id").fetchall()
    conn.close()
    with Store.open(db, create=False) as store:
        conn = store.conn
        assert store.schema_version() == 5
        assert conn.execute("SELECT * FROM entries ORDER BY id").fetchall() == before
        assert conn.execute("SELECT * FROM voids ORDER BY id").fetchall() == voids
        # entry 2 (p1.visits, no unit) is voided: its row stays, counting nothing
        assert conn.execute("SELECT * FROM daily ORDER BY target, date").fetchall() == [
            (2019, "p1.visits", "2019-05-09", None, 0, 0),
            (2019, "p1.visits", "2019-07-20", "xiuzhou", 12000, 1),
            (2019, "p1.workstations", "2019-05-09", "南湖区科协", 2000, 1),
            (2019, "p1.workstations", "2019-06-01", "平湖市科协", 1000, 1),
            (2019, "p2.science-day", "2019-05-10", None, 0, 1),
        ]
        names = index_names(conn)
        assert {"daily_key", "daily_key_no_unit"} <= names
        assert not {"entries_year_target_unit_date", "entries_year_date_unit"} & names
        assert_summary_is_its_recomputation(store)
        assert store.units(2019) == ["xiuzhou", "南湖区科协", "平湖市科协"]
        # later writes keep it true
        store.record(small_plan, draft("p1.visits", "2019-07-20", "3", unit="xiuzhou"), "clerk")
        store.void(4, "wrong", "clerk")
        assert_summary_is_its_recomputation(store)
        assert_totals_match_the_entries(store, [])
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


# --- drift: check finds it, db rebuild-summary mends it --------------------------------------------


def entries_and_voids(db: Path) -> list[Any]:
    conn = sqlite3.connect(db)
    rows = [conn.execute(f"SELECT * FROM {table} ORDER BY id").fetchall() for table in
            ("entries", "voids")]  # fmt: skip
    conn.close()
    return rows


@pytest.mark.parametrize(
    "tamper",
    [
        "UPDATE daily SET amount_milli = amount_milli + 1 WHERE target = 'p1.visits'",
        "DELETE FROM daily WHERE unit IS NULL",
        "INSERT INTO daily VALUES (2018, 'p9.gone', '2018-01-01', NULL, 1000, 1)",
        "DROP TRIGGER daily_void",
    ],
)
def test_check_finds_a_summary_that_disagrees_and_rebuild_mends_it(
    kx: Any, db: Path, tamper: str
) -> None:
    assert kx("record", "p1.visits", "2", "--date", "2019-05-01").exit_code == 0
    assert kx("record", "p1.visits", "3", "--date", "2019-05-02").exit_code == 0
    assert kx("void", "2", "--reason", "typed twice").exit_code == 0
    assert kx("check").exit_code == 0
    conn = sqlite3.connect(db)
    conn.execute(tamper)
    conn.commit()
    if tamper.startswith("DROP"):  # a void written while the trigger was missing
        conn.execute(
            'INSERT INTO voids (entry_id, reason, "by", recorded_at)'
            " VALUES (1, 'x', 'clerk', '2019-05-10T09:00:00.000000Z')"
        )
        conn.commit()
    conn.close()
    saved = entries_and_voids(db)
    result = kx("check")
    assert result.exit_code == 1
    first = {
        "UPDATE": "2019 p1.visits on 2019-05-01, unit (none)",
        "DELETE": "2019 p1.visits on 2019-05-01, unit (none)",
        "INSERT": "2018 p9.gone on 2018-01-01, unit (none)",
        "DROP T": "2019 p1.visits on 2019-05-01, unit (none)",
    }[tamper[:6]]
    count = 2 if tamper.startswith(("UPDATE", "DELETE")) else 1
    assert result.stdout == (
        f"{db}: the per-day summary that status and reports read disagrees with the entries"
        f" in {count} group(s) (first: {first}); rebuild it from the entries with:"
        " kxplan db rebuild-summary (entries are not changed)\n"
    )
    if tamper.startswith("DROP"):
        return  # a schema someone else changed: the rebuild mends the rows, not the trigger
    rebuilt = kx("db", "rebuild-summary")
    assert rebuilt.exit_code == 0 and rebuilt.stdout == ""
    assert rebuilt.stderr == (
        f"{db}: per-day summary rebuilt from the entries (2 rows); entries and voids unchanged\n"
    )
    assert kx("check").exit_code == 0
    assert entries_and_voids(db) == saved


def test_check_json_names_the_summary_finding(kx: Any, db: Path) -> None:
    import json

    assert kx("record", "p1.visits", "2", "--date", "2019-05-01").exit_code == 0
    conn = sqlite3.connect(db)
    conn.execute("UPDATE daily SET entries = 5")
    conn.commit()
    conn.close()
    result = kx("check", "--json")
    assert result.exit_code == 1
    (finding,) = json.loads(result.stdout)
    assert (finding["check"], finding["severity"], finding["refs"]) == ("summary", "error", [])


def test_rebuild_summary_on_postgresql_has_nothing_to_do(pg_db: str) -> None:
    from conftest import ENTRY_ENV, app
    from typer.testing import CliRunner

    result = CliRunner().invoke(
        app(),
        ["--plan", str(SMALL_PLAN), "--db", pg_db, "db", "rebuild-summary"],
        env={**ENTRY_ENV, "KXPLAN_LANG": "en"},
        catch_exceptions=False,
    )
    assert result.exit_code == 0
    assert result.stderr == (
        f"{pg_db}: this engine keeps no per-day summary (status and reports read the entries);"
        " nothing to do\n"
    )


def test_the_import_command_keeps_the_summary_true(
    kx: Any, engine: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """``kxplan import`` (the staged bulk path) fires the same triggers as ``record``."""
    rng = random.Random(5)
    lines = ["target,date,amount,item,note,unit,by,evidence"]
    for number in range(300):
        target = rng.choice(["p1.workstations", "p1.visits", "p2.outreach"])
        amount = "" if target == "p2.outreach" else str(rng.choice([1, 2, 7]))
        day = (date(2019, 1, 1) + timedelta(days=rng.randrange(120))).isoformat()
        note = f"visit {number}" if target == "p2.outreach" else ""
        unit = rng.choice(["", "南湖区科协", "xiuzhou"])
        lines.append(f"{target},{day},{amount},,{note},{unit},importer,")
    source = tmp_path / "progress.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert kx("import", str(source)).exit_code == 0
    assert kx("void", "7", "--reason", "typed twice").exit_code == 0
    assert kx("import", str(source)).exit_code == 0  # every row already imported
    where = request.getfixturevalue("pg_db" if engine == "postgresql" else "db")
    with Store.open(where, create=False) as store:
        assert store.count_entries(2019, include_voided=True) == 300
        assert_totals_match_the_entries(store, [])
        if engine == "sqlite":
            assert_summary_is_its_recomputation(store)
