"""Schema versions: the committed fixtures (tests/fixtures/schema_vN.sql), each migration, and
the query plans the indexes of schema 2 exist for."""

from __future__ import annotations

import re
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from test_store import draft

from kxplan.errors import InputError
from kxplan.store import APPLICATION_ID, SCHEMA_VERSION, Store
from kxplan.store.sqlite.schema import MIGRATIONS, apply_migrations

FIXTURES = Path(__file__).parent / "fixtures"
SCHEMA_FIXTURES = sorted(
    FIXTURES.glob("schema_v*.sql"), key=lambda p: int(re.findall(r"\d+", p.name)[0])
)
V1_ROWS = [
    (1, "p1.workstations", Decimal(2), "嘉兴某公司院士专家工作站"),
    (2, "p1.visits", Decimal("2.5"), None),
    (3, "p2.science-day", None, None),
]


def fixture_version(path: Path) -> int:
    return int(re.findall(r"\d+", path.name)[0])


def from_fixture(path: Path, fixture: Path) -> None:
    """A database file built from a committed schema dump, as that kxplan left it."""
    conn = sqlite3.connect(path)
    conn.executescript(fixture.read_text(encoding="utf-8"))
    conn.close()


def schema(conn: sqlite3.Connection) -> list[tuple[str, str, str, str]]:
    """Every table, index and trigger with its SQL, sorted."""
    return sorted(
        conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL")
    )


def pragmas(conn: sqlite3.Connection) -> tuple[int, int]:
    return (
        conn.execute("PRAGMA user_version").fetchone()[0],
        conn.execute("PRAGMA application_id").fetchone()[0],
    )


def built_up_to(path: Path, version: int) -> sqlite3.Connection:
    """An empty database with migrations 1…``version`` applied, as that kxplan created it."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    apply_migrations(conn, upto=version)
    conn.execute("COMMIT")
    return conn


def index_names(conn: sqlite3.Connection) -> set[str]:
    return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}


# --- the fixtures ----------------------------------------------------------------------------------


def test_there_is_a_fixture_for_every_schema_version() -> None:
    assert [fixture_version(p) for p in SCHEMA_FIXTURES] == list(range(1, SCHEMA_VERSION + 1))


@pytest.mark.parametrize("fixture", SCHEMA_FIXTURES, ids=lambda p: p.stem)
def test_each_fixture_is_what_its_migrations_create(tmp_path: Path, fixture: Path) -> None:
    # Guards the fixtures and the migrations against each other: editing a released
    # migration in place (instead of adding the next one) fails here.
    version = fixture_version(fixture)
    from_fixture(tmp_path / "fixture.db", fixture)
    built = built_up_to(tmp_path / "built.db", version)
    dumped = sqlite3.connect(tmp_path / "fixture.db")
    assert schema(dumped) == schema(built)
    assert pragmas(dumped) == pragmas(built) == (version, APPLICATION_ID)
    applied = [row[0] for row in dumped.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
    assert applied == [name for number, name, _ in MIGRATIONS if number <= version]
    dumped.close()
    built.close()


@pytest.mark.parametrize("fixture", SCHEMA_FIXTURES, ids=lambda p: p.stem)
def test_each_fixture_opens_upgraded_with_its_rows_intact(
    tmp_path: Path, fixture: Path, small_plan: Any
) -> None:
    db = tmp_path / "old.db"
    from_fixture(db, fixture)
    with Store.open(db, create=False) as store:
        assert store.created is False
        assert store.schema_version() == SCHEMA_VERSION
        assert pragmas(store.conn) == (SCHEMA_VERSION, APPLICATION_ID)
        applied = [
            row[0] for row in store.conn.execute("SELECT name FROM _sqlite_migrations ORDER BY id")
        ]
        assert applied == [name for _, name, _ in MIGRATIONS]
        entries = store.entries(2019, include_voided=True)
        assert [(e.id, e.target, e.amount, e.item) for e in entries][:3] == V1_ROWS
        assert entries[1].note == "two\nlines"
        assert entries[1].void is not None and entries[1].void.reason == "typed twice"
        assert store.quick_check() == "ok"
        count = len(entries)
        entry = store.record(small_plan, draft("p1.visits", "2019-05-11", "3"), "clerk")
        assert entry.id == count + 1


# --- migration 2 -------------------------------------------------------------------------------------


def test_migration_2_upgrades_a_v1_database(tmp_path: Path) -> None:
    db = tmp_path / "v1.db"
    from_fixture(db, FIXTURES / "schema_v1.sql")
    conn = sqlite3.connect(db)  # a few more rows written the v1 way, before the upgrade
    conn.execute(
        'INSERT INTO entries (plan_year, target, date, amount_milli, item, "by", recorded_at)'
        " VALUES (2019, 'p1.stations', '2019-05-12', 1000, 'old id', 'clerk',"
        " '2019-05-12T08:00:00.000000Z')"
    )
    conn.commit()
    before = conn.execute("SELECT * FROM entries ORDER BY id").fetchall()
    voids_before = conn.execute("SELECT * FROM voids ORDER BY id").fetchall()
    assert "entries_year_target_date" in index_names(conn)
    conn.close()

    with Store.open(db, create=False) as store:
        conn = store.conn
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("SELECT * FROM entries ORDER BY id").fetchall() == before
        assert conn.execute("SELECT * FROM voids ORDER BY id").fetchall() == voids_before
        names = index_names(conn)
        assert {"entries_year_target_date_id_amount", "entries_year_target_item"} <= names
        assert "entries_year_target_date" not in names  # subsumed by the covering index
        assert store.quick_check() == "ok"
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert store.target_total(2019, ["p1.workstations", "p1.stations"]) == (Decimal(3), 2)


def test_a_fresh_database_equals_every_fixture_upgraded_and_the_latest_dump(
    tmp_path: Path,
) -> None:
    with Store.open(tmp_path / "fresh.db", create=True) as fresh:
        expected = schema(fresh.conn), pragmas(fresh.conn)
    for fixture in SCHEMA_FIXTURES:
        from_fixture(tmp_path / f"{fixture.stem}.db", fixture)
        with Store.open(tmp_path / f"{fixture.stem}.db", create=False) as upgraded:
            assert (schema(upgraded.conn), pragmas(upgraded.conn)) == expected, fixture.name
    latest = SCHEMA_FIXTURES[-1]
    assert fixture_version(latest) == SCHEMA_VERSION
    from_fixture(tmp_path / "latest.db", latest)
    dumped = sqlite3.connect(tmp_path / "latest.db")
    assert (schema(dumped), pragmas(dumped)) == expected
    dumped.close()


# --- migration 3: the sample-data marker (issue 13) ----------------------------------------------


def test_migration_3_upgrades_a_v2_database_which_is_not_sample_data(
    tmp_path: Path, small_plan: Any
) -> None:
    db = tmp_path / "v2.db"
    from_fixture(db, FIXTURES / "schema_v2.sql")
    conn = sqlite3.connect(db)
    before = conn.execute("SELECT * FROM entries ORDER BY id").fetchall()
    voids_before = conn.execute("SELECT * FROM voids ORDER BY id").fetchall()
    assert "markers" not in {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    conn.close()
    with Store.open(db, create=False) as store:
        conn = store.conn
        assert store.schema_version() == SCHEMA_VERSION
        assert conn.execute("SELECT * FROM entries ORDER BY id").fetchall() == before
        assert conn.execute("SELECT * FROM voids ORDER BY id").fetchall() == voids_before
        assert conn.execute("SELECT count(*) FROM markers").fetchone()[0] == 0
        assert store.is_sample() is False  # a database written before markers holds real data
        # it holds real entries, so it may not become sample data
        with pytest.raises(InputError), store.write_transaction():
            store.mark_sample("办公室", "2019-07-01T08:00:00.000000Z")
        assert store.is_sample() is False
        assert store.quick_check() == "ok"


def test_the_v3_fixture_is_sample_data_and_its_marker_is_append_only(tmp_path: Path) -> None:
    db = tmp_path / "v3.db"
    from_fixture(db, FIXTURES / "schema_v3.sql")
    with Store.open(db, create=False) as store:
        assert store.is_sample() is True
        with store.write_transaction():  # marking it again changes nothing
            store.mark_sample("someone", "2019-08-01T08:00:00.000000Z")
        rows = store.conn.execute("SELECT * FROM markers").fetchall()
        assert rows == [("sample", "办公室", "2019-07-01T08:00:00.000000Z")]
        for sql in ("UPDATE markers SET name = 'x'", "DELETE FROM markers"):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                store.conn.execute(sql)


def test_a_new_database_may_become_sample_data_once(tmp_path: Path) -> None:
    with Store.open(tmp_path / "new.db", create=True) as store:
        assert store.is_sample() is False
        with store.write_transaction():
            store.mark_sample("办公室", "2019-07-01T08:00:00.000000Z")
        assert store.is_sample() is True


# --- migration 4: the unit indexes (issue 14) ----------------------------------------------------


def test_migration_4_upgrades_a_v3_database_with_its_rows_and_marker(tmp_path: Path) -> None:
    db = tmp_path / "v3.db"
    from_fixture(db, FIXTURES / "schema_v3.sql")
    conn = sqlite3.connect(db)
    before = conn.execute("SELECT * FROM entries ORDER BY id").fetchall()
    assert "entries_year_target_unit_date" not in index_names(conn)
    conn.close()
    conn = sqlite3.connect(db, isolation_level=None)  # migration 4 alone, as kxplan 4 did
    conn.execute("BEGIN IMMEDIATE")
    apply_migrations(conn, upto=4)
    conn.execute("COMMIT")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 4
    assert {"entries_year_target_unit_date", "entries_year_date_unit"} <= index_names(conn)
    conn.close()
    with Store.open(db, create=False) as store:
        conn = store.conn
        assert conn.execute("SELECT * FROM entries ORDER BY id").fetchall() == before
        assert store.is_sample() is True
        assert store.unit_counts(2019) == [("南湖区科协", 1), ("平湖市科协", 1)]
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_an_old_database_is_left_as_it_is_when_upgrade_is_off(tmp_path: Path) -> None:
    db = tmp_path / "v1.db"
    from_fixture(db, FIXTURES / "schema_v1.sql")
    with Store.open(db, create=False, upgrade=False) as store:
        assert store.schema_version() == 1
        assert "entries_year_target_date" in index_names(store.conn)


# --- what the schema 2 indexes and the schema 5 summary are for (query plans) ---------------------


def query_plan(store: Store, sql: str, params: tuple[Any, ...]) -> str:
    return " | ".join(row[3] for row in store.conn.execute(f"EXPLAIN QUERY PLAN {sql}", params))


@pytest.fixture
def planner(tmp_path: Path):
    with Store.open(tmp_path / "plans.db", create=True) as store:
        calls: list[str] = []
        store.conn.set_trace_callback(calls.append)
        yield store, calls


def traced(store: Store, calls: list[str], run: Any) -> list[str]:
    """The SELECT statements ``run`` sent to SQLite (parameters inlined by the trace)."""
    del calls[:]
    run()
    return [sql for sql in calls if sql.lstrip().upper().startswith("SELECT")]


def test_voids_start_from_the_voids_table(planner: Any) -> None:
    store, calls = planner
    (sql,) = traced(
        store, calls, lambda: store.voids(2019, recorded_after="2019-09-30T23:59:59.999999Z")
    )
    plan = query_plan(store, sql, ())
    assert plan.index("v USING") < plan.index("e USING INTEGER PRIMARY KEY")


def test_first_entries_of_a_target_need_no_sort(planner: Any) -> None:
    from datetime import date

    store, calls = planner
    statements = traced(
        store,
        calls,
        lambda: store.entries(
            2019,
            targets=["p1.workstations", "p1.stations"],
            date_from=date(2019, 10, 1),
            date_to=date(2019, 12, 31),
            limit=20,
        ),
    )
    assert len(statements) == 2  # one per target id, merged in Python
    for sql in statements:
        plan = query_plan(store, sql, ())
        assert "entries_year_target_date_id_amount" in plan and "TEMP B-TREE" not in plan


def test_the_duplicate_item_check_of_record_seeks_the_item_index(
    planner: Any, small_plan: Any
) -> None:
    store, calls = planner
    statements = traced(
        store,
        calls,
        lambda: store.record(small_plan, draft("p1.workstations", "2019-05-01", item="x"), "me"),
    )
    plan = query_plan(store, statements[0], ())
    assert "entries_year_target_item (plan_year=? AND target=? AND item=?)" in plan


def summary_reads(store: Any, calls: list[str], run: Any) -> list[str]:
    """The query plans of the SELECTs ``run`` sends."""
    return [query_plan(store, sql, ()) for sql in traced(store, calls, run)]


KNOWN_AT = (None, "2019-07-01T00:00:00.000000Z")


@pytest.mark.parametrize("known_at", KNOWN_AT)
def test_totals_read_the_summary_and_only_what_was_written_after_known_at(
    planner: Any, known_at: str | None
) -> None:
    """``status``, the report's totals and the per-unit figures read ``daily`` (schema 5);
    with ``known_at`` the entries and voids recorded after it come through the ``recorded_at``
    indexes. No read of the year's entries, no look-up into voids per entry of the year."""
    from datetime import date

    store, calls = planner
    ids = ["p1.workstations", "p1.stations"]
    quarter = {"date_from": date(2019, 4, 1), "date_to": date(2019, 6, 30)}
    for run in (
        lambda: store.daily_totals(2019, as_of=date(2019, 12, 31), known_at=known_at),
        lambda: store.daily_totals(2019, known_at=known_at, targets=ids),
        lambda: store.unit_totals(2019, as_of=date(2019, 6, 30), known_at=known_at, targets=ids),
        lambda: store.unit_totals(2019, known_at=known_at, units=["南湖区科协"]),
        lambda: store.unit_counts(2019, known_at=known_at, **quarter),
        lambda: store.count_entries(2019, known_at=known_at),
    ):
        (plan,) = summary_reads(store, calls, run)
        assert "daily USING INDEX daily_key" in plan, plan
        assert "SCAN e" not in plan and "SCAN entries" not in plan, plan
        if known_at is None:
            assert "entries" not in plan and "voids" not in plan, plan
        else:
            assert "e USING INDEX entries_recorded_at (recorded_at>?)" in plan, plan
            assert "v USING INDEX voids_recorded_at (recorded_at>?)" in plan, plan


def test_the_year_s_units_and_a_target_s_total_read_the_summary(planner: Any) -> None:
    store, calls = planner
    for run in (lambda: store.units(2019), lambda: store.target_total(2019, ["p1.visits"])):
        (plan,) = summary_reads(store, calls, run)
        assert "daily USING" in plan and "entries" not in plan, plan


def test_the_void_trigger_seeks_its_summary_row(planner: Any) -> None:
    """A void updates its entry's ``daily`` row through the key, never scanning the summary
    (the entry triggers are upserts: SQLite finds their row through the unique index)."""
    store, _ = planner
    (sql,) = store.conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'daily_void'"
    ).fetchone()
    body = sql[sql.index("BEGIN") + 5 : sql.rindex("END")].strip().rstrip(";")
    plan = query_plan(store, body.replace("NEW.entry_id", "?"), (1, 1, 1))
    assert "SEARCH daily USING INDEX daily_key (plan_year=? AND target=? AND date=?" in plan
    assert "SCAN" not in plan
