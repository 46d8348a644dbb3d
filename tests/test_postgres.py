"""The PostgreSQL engine's own guarantees, proven against the test server of ``make test``.

- the schema: application marker and version (foreign, empty and newer databases refused),
  append-only by triggers *and* privileges, column rules;
- credentials: the password never shows, in any message; psycopg missing is one line;
- per-unit clerks (``db add-clerk``), tested as that login: read everything, record and void
  for the own unit only, nothing else;
- concurrency: 8 writer processes × 500 entries → exactly 4,000, 0 errors; racing writers
  cannot count an item twice or do a milestone twice (the advisory write lock);
- ``kill -9`` of an import (200,000 rows) while it writes: all or nothing.

Every test is skipped without a server (and fails in CI); see tests/conftest.py.
"""

from __future__ import annotations

import os
import random
import secrets
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from conftest import ENTRY_ENV, SMALL_PLAN, app
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
KXPLAN = Path(sys.executable).with_name("kxplan")


def sql(url: str, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Run one statement as the URL's login (autocommit); its rows ([] when it has none)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        cursor = conn.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


def as_login(url: str, login: str, password: str | None = None) -> str:
    """``url`` with another login (and, for tests only, a password in it)."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    auth = f"{login}:{password}" if password else login
    return urlunsplit(parts._replace(netloc=f"{auth}@{host}"))


def run(db: str, *args: str, input: str | None = None, **env: str | None) -> Any:
    """``kxplan --plan small.yaml --db DB ARGS…`` in-process with the usual fixed clock."""
    return CliRunner().invoke(
        app(),
        ["--plan", str(SMALL_PLAN), "--db", db, *args],
        env={**ENTRY_ENV, "KXPLAN_LANG": "en", **env},
        input=input,
        catch_exceptions=False,
    )


@pytest.fixture(autouse=True)
def _language(keep_language: None) -> None:
    """Every test here restores the message language."""


# --- the schema: marker, version, foreign databases ----------------------------------------------


def test_an_empty_database_is_left_for_db_init(pg_url: str) -> None:
    result = run(pg_url, "record", "p1.visits", "2", "--date", "2019-05-01")
    assert (result.exit_code, result.stdout) == (3, "")
    assert result.stderr == (
        f"error: the PostgreSQL database {pg_url} has no kxplan tables yet; the administrator"
        " creates them with: kxplan db init --db URL\n"
    )
    assert sql(pg_url, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == [(0,)]


def test_db_init_creates_then_finds_it_current(pg_url: str) -> None:
    first = run(pg_url, "db", "init")
    assert (first.exit_code, first.stderr) == (
        0,
        f"created kxplan's tables (schema 1) in {pg_url}\n",
    )
    again = run(pg_url, "db", "init")
    assert again.stderr == f"{pg_url} is up to date (schema 1); nothing to do\n"
    assert sql(pg_url, "SELECT application, schema_version FROM kxplan_meta") == [("kxplan", 1)]


@pytest.mark.parametrize("command", [["db", "init"], ["status"], ["record", "p1.visits", "1"]])
def test_another_applications_database_is_refused_and_untouched(
    pg_url: str, command: list[str]
) -> None:
    sql(pg_url, "CREATE TABLE customers (id int PRIMARY KEY, name text)")
    sql(pg_url, "INSERT INTO customers VALUES (1, 'x')")
    result = run(pg_url, *command)
    assert (result.exit_code, result.stdout) == (3, "")
    assert result.stderr == (
        f"error: the PostgreSQL database {pg_url} belongs to another application (it has tables"
        " but no kxplan marker); it was left untouched — choose another database with --db\n"
    )
    tables = sql(pg_url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    assert tables == [("customers",)]
    assert sql(pg_url, "SELECT * FROM customers") == [(1, "x")]


def test_a_database_from_a_newer_kxplan_is_refused(pg_db: str) -> None:
    sql(pg_db, "UPDATE kxplan_meta SET schema_version = 99")
    for command in (["status"], ["db", "init"]):
        result = run(pg_db, *command)
        assert result.exit_code == 3
        assert result.stderr == (
            f"error: {pg_db} was written by a newer kxplan (schema 99; this kxplan knows up"
            " to 1); upgrade kxplan to use it\n"
        )
    assert sql(pg_db, "SELECT schema_version FROM kxplan_meta") == [(99,)]


# --- append-only: triggers and privileges ---------------------------------------------------------


@pytest.fixture
def recorded(pg_db: str) -> str:
    """A database with one entry (#1, unit 南湖区科协) and its void."""
    assert run(pg_db, "record", "p1.visits", "2", "--unit", "南湖区科协").exit_code == 0
    assert run(pg_db, "void", "1", "--reason", "typo").exit_code == 0
    return pg_db


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE entries SET amount_milli = 5000",
        "DELETE FROM entries",
        "TRUNCATE entries CASCADE",
        "UPDATE voids SET reason = 'x'",
        "DELETE FROM voids",
        "TRUNCATE voids",
    ],
)
def test_the_triggers_refuse_changes_even_to_a_superuser(recorded: str, statement: str) -> None:
    import psycopg

    with pytest.raises(psycopg.errors.RestrictViolation, match="append-only"):
        sql(recorded, statement)
    assert sql(recorded, "SELECT count(*), sum(amount_milli) FROM entries") == [(1, 2000)]
    assert sql(recorded, "SELECT count(*) FROM voids") == [(1,)]


def test_no_role_holds_update_delete_or_truncate(recorded: str, clerk: Any) -> None:
    clerk("南湖区科协")
    granted = sql(
        recorded,
        "SELECT c.relname, a.privilege_type, pg_get_userbyid(a.grantee)"
        " FROM pg_class c, aclexplode(c.relacl) a"
        " WHERE c.relname IN ('entries', 'voids')"
        " AND a.privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE')",
    )
    assert granted == []
    owner_acl = sql(recorded, "SELECT relacl IS NOT NULL FROM pg_class WHERE relname = 'entries'")
    assert owner_acl == [(True,)]  # an explicit ACL: the owner's defaults were revoked


@pytest.mark.parametrize(
    ("values", "rule"),
    [
        (("2018-05-01", 1000, "2019-05-10T08:00:00.000000Z"), "entries_date_in_plan_year"),
        (("2019-05-01", -1000, "2019-05-10T08:00:00.000000Z"), "entries_amount_milli_check"),
        (("2019-05-01", 1000, "yesterday"), "entries_recorded_at_check"),
    ],
)
def test_column_rules_refuse_bad_rows(pg_db: str, values: tuple[Any, ...], rule: str) -> None:
    import psycopg

    with pytest.raises(psycopg.errors.CheckViolation, match=rule):
        sql(
            pg_db,
            'INSERT INTO entries (plan_year, target, date, amount_milli, "by", recorded_at)'
            " VALUES (2019, 'p1.visits', %s, %s, 'x', %s)",
            values,
        )
    with pytest.raises(psycopg.errors.ForeignKeyViolation):
        sql(
            pg_db,
            'INSERT INTO voids (entry_id, reason, "by", recorded_at)'
            " VALUES (99, 'x', 'x', '2019-05-10T08:00:00Z')",
        )


# --- credentials ---------------------------------------------------------------------------------

SECRET = "Pa55-w0rd_s3cr3t"


def test_a_password_in_the_url_never_shows(pg_db: str) -> None:
    wrong = as_login(pg_db, "kxadmin", SECRET)
    result = run(wrong, "status")
    assert result.exit_code == 3
    assert SECRET not in result.stderr and SECRET not in result.stdout
    masked = wrong.replace(SECRET, "***")
    assert result.stderr.startswith(f"error: cannot connect to the PostgreSQL database {masked} (")
    assert "password authentication failed" in result.stderr
    refused = as_login(pg_db, "kxadmin", SECRET).replace(
        urlsplit(pg_db).netloc.rpartition(":")[2], "1"
    )
    result = run(refused + "?sslmode=disable&password=" + SECRET, "record", "p1.visits", "1")
    assert result.exit_code == 3 and SECRET not in result.stderr
    assert "password=***" in result.stderr and result.stderr.count("\n") == 1


def test_a_url_that_is_not_one_is_one_line(pg_db: str) -> None:
    result = run("postgresql://kxadmin:" + SECRET + "@127.0.0.1:notaport/x", "status")
    assert result.exit_code == 3 and result.stderr.count("\n") == 1
    assert SECRET not in result.stderr and "Traceback" not in result.stderr


def test_without_psycopg_a_server_url_says_what_to_install(pg_db: str, tmp_path: Path) -> None:
    code = textwrap.dedent(
        """
        import sys
        sys.modules["psycopg"] = None  # as if it were not installed
        from kxplan.__main__ import main
        main()
        """
    )
    env = {**os.environ, "KXPLAN_PLAN": str(SMALL_PLAN), "KXPLAN_LANG": "en"}
    env["KXPLAN_TODAY"] = "2019-05-10"
    result = subprocess.run(
        [sys.executable, "-c", code, "--db", pg_db, "status"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert (result.returncode, result.stdout) == (3, "")
    assert result.stderr == (
        "error: a postgresql:// database needs the PostgreSQL driver psycopg; install it with:"
        " pip install 'kxplan[postgres]'\n"
    )


# --- per-unit clerks, tested as that login ----------------------------------------------------------


@pytest.fixture
def clerk(pg_db: str) -> Iterator[Any]:
    """Add clerks with ``db add-clerk`` (unique logins); give back the URL to act as each."""
    made: list[str] = []

    def add(unit: str | None, *, name: str | None = None) -> str:
        login = name or f"clerk_{secrets.token_hex(4)}"
        password = secrets.token_hex(8)
        option = ["--all-units"] if unit is None else ["--unit", unit]
        result = run(
            pg_db, "db", "add-clerk", login, *option, "--password-stdin", input=password + "\n"
        )
        assert result.exit_code == 0, result.stderr
        made.append(login)
        return as_login(pg_db, login, password)

    yield add
    for login in made:
        sql(pg_db, f'DROP OWNED BY "{login}"')
        sql(pg_db, f'DROP ROLE "{login}"')


def test_add_clerk_says_what_the_login_may_do(pg_db: str, clerk: Any) -> None:
    login = f"nanhu_{secrets.token_hex(3)}"
    result = run(pg_db, "db", "add-clerk", login, "--unit", "南湖区科协")
    assert result.exit_code == 0
    assert result.stderr == (
        f"{login} may now read {pg_db} and record and void entries of 南湖区科协\n"
        f"{login} has no password yet; set one with: psql -c '\\password {login}'"
        " (or add-clerk --password-stdin)\n"
    )
    again = run(pg_db, "db", "add-clerk", login, "--all-units")
    assert (again.exit_code, again.stderr) == (
        1,
        f"error: login {login} is already a clerk of this database (unit 南湖区科协; * = all"
        " units); nothing was changed\n",
    )
    sql(pg_db, f'DROP OWNED BY "{login}"')
    sql(pg_db, f'DROP ROLE "{login}"')


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ["Bad-Name", "--unit", "A"],
            1,
            "login 'Bad-Name' is not a plain name; use lower-case letters, digits and _ (starting with a letter), e.g. nanhu_clerk",
        ),
        (
            ["kxadmin", "--unit", "A"],
            1,
            "kxadmin is the login running this command; a clerk needs a login of its own",
        ),
        (
            ["someone"],
            2,
            "give the clerk's unit with --unit UNIT, or --all-units for the city office (one of the two)",
        ),
        (
            ["someone", "--unit", "A", "--all-units"],
            2,
            "give the clerk's unit with --unit UNIT, or --all-units for the city office (one of the two)",
        ),
    ],
)
def test_add_clerk_refusals(pg_db: str, args: list[str], code: int, message: str) -> None:
    result = run(pg_db, "db", "add-clerk", *args)
    assert (result.exit_code, result.stdout, result.stderr) == (code, "", f"error: {message}\n")
    assert sql(pg_db, "SELECT count(*) FROM kxplan_clerks") == [(0,)]


def test_add_clerk_needs_a_server(tmp_path: Path) -> None:
    db = tmp_path / "kxplan.db"
    result = run(str(db), "db", "add-clerk", "nanhu", "--unit", "A")
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {db} is an SQLite file: clerks with their own logins need a PostgreSQL server;"
        " give its URL with --db postgresql://…\n"
    )
    assert not db.exists()


def test_a_clerk_records_and_voids_for_its_own_unit_only(pg_db: str, clerk: Any) -> None:
    nanhu = clerk("南湖区科协")
    login = urlsplit(nanhu).username
    assert run(pg_db, "record", "p1.visits", "7", "--unit", "秀洲区科协").exit_code == 0  # 1
    mine = run(nanhu, "record", "p1.visits", "2", "--unit", "南湖区科协")
    assert (mine.exit_code, mine.stdout) == (0, "#2 p1.visits: 9/100 人次 (9.0%)\n")
    refused = f"error: login {login} records and voids entries of unit 南湖区科协 only; nothing was written — give --unit 南湖区科协, or ask the city office to record it\n"
    for unit in (["--unit", "秀洲区科协"], []):
        other = run(nanhu, "record", "p1.visits", "3", *unit)
        assert (other.exit_code, other.stdout, other.stderr) == (1, "", refused)
    void = run(nanhu, "void", "1", "--reason", "not mine")
    assert (void.exit_code, void.stderr) == (
        1,
        f"error: login {login} voids entries of unit 南湖区科协 only and this entry is another"
        " unit's; nothing was written — ask that unit or the city office\n",
    )
    assert run(nanhu, "void", "2", "--reason", "typo").exit_code == 0
    # it reads everything: the other unit's entry and its own voided one
    log = run(nanhu, "log", "--all", "--json")
    assert [
        (e["id"], e["unit"], e["void"] is not None) for e in __import__("json").loads(log.stdout)
    ] == [
        (1, "秀洲区科协", False),
        (2, "南湖区科协", True),
    ]
    assert sql(pg_db, "SELECT count(*) FROM entries") == [(2,)]
    assert sql(pg_db, "SELECT entry_id FROM voids") == [(2,)]


def test_a_clerk_cannot_modify_anything_directly(pg_db: str, clerk: Any) -> None:
    import psycopg

    assert run(pg_db, "record", "p1.visits", "7", "--unit", "南湖区科协").exit_code == 0
    nanhu = clerk("南湖区科协")
    for statement in (
        "UPDATE entries SET amount_milli = 1",
        "DELETE FROM entries",
        "TRUNCATE entries",
        "UPDATE voids SET reason = 'x'",
        "DELETE FROM voids",
        "UPDATE kxplan_clerks SET unit = NULL",
        "INSERT INTO kxplan_clerks (login, unit, added_at) VALUES ('x', NULL, 'x')",
        'INSERT INTO entries (id, plan_year, target, date, unit, "by", recorded_at)'
        " VALUES (99, 2019, 'p1.visits', '2019-05-01', '南湖区科协', 'x', '2019-05-10T08:00:00Z')",
        "UPDATE kxplan_meta SET schema_version = 2",
        "DROP TABLE entries",
        "ALTER TABLE entries DISABLE ROW LEVEL SECURITY",
    ):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            sql(nanhu, statement)
    assert sql(pg_db, "SELECT count(*), sum(amount_milli) FROM entries") == [(1, 7000)]


def test_a_clerk_imports_only_its_own_units_rows(pg_db: str, clerk: Any, tmp_path: Path) -> None:
    nanhu = clerk("南湖区科协")
    mixed = tmp_path / "mixed.csv"
    mixed.write_text(
        "target,date,amount,unit\np1.visits,2019-05-01,1,南湖区科协\np1.visits,2019-05-02,1,秀洲区科协\n",
        encoding="utf-8",
    )
    result = run(nanhu, "import", str(mixed))
    assert result.exit_code == 1 and "南湖区科协 only" in result.stderr
    assert sql(pg_db, "SELECT count(*) FROM entries") == [(0,)]
    own = tmp_path / "own.csv"
    own.write_text(
        "target,date,amount,unit\np1.visits,2019-05-01,1,南湖区科协\np1.visits,2019-05-02,2,南湖区科协\n",
        encoding="utf-8",
    )
    result = run(nanhu, "import", str(own))
    assert (result.exit_code, result.stderr) == (
        0,
        f"{own}: imported 2 new entries; 0 rows were imported before and skipped\n",
    )


def test_the_city_office_records_for_every_unit(pg_db: str, clerk: Any) -> None:
    city = clerk(None)
    for number, unit in enumerate(["南湖区科协", "秀洲区科协", None], start=1):
        args = ["--unit", unit] if unit else []
        result = run(city, "record", "p1.visits", "1", *args)
        assert result.exit_code == 0 and result.stdout.startswith(f"#{number} ")
    assert run(city, "void", "2", "--reason", "typo").exit_code == 0


def test_a_login_that_is_no_clerk_is_told_so(pg_db: str) -> None:
    login = f"stranger_{secrets.token_hex(3)}"
    password = secrets.token_hex(8)
    sql(pg_db, f"CREATE ROLE {login} LOGIN PASSWORD '{password}'")
    try:
        result = run(as_login(pg_db, login, password), "status")
        assert result.exit_code == 3
        url = as_login(pg_db, login, "***")
        assert result.stderr == (
            f"error: login {login} is not a kxplan clerk of {url}; the administrator adds it"
            f" with: kxplan db add-clerk {login} --unit UNIT\n"
        )
    finally:
        sql(pg_db, f"DROP ROLE {login}")


# --- concurrency: the advisory write lock ------------------------------------------------------------

WRITER = textwrap.dedent(
    """
    import sys, time
    from datetime import date
    from decimal import Decimal
    from kxplan.entry import Draft
    from kxplan.errors import InputError
    from kxplan.plan import load
    from kxplan.store import Store

    url, plan_path, name, count, shared, start = sys.argv[1:7]
    plan = load(plan_path)
    while time.time() < float(start):
        time.sleep(0.001)
    landed = refused = 0
    with Store.open(url, create=False) as store:
        for i in range(int(count)):
            draft = Draft("p1.visits", "count", date(2019, 5, 1), Decimal(1), item=f"{name}-{i}",
                          written_target="p1.visits")
            store.record(plan, draft, name)
        # every writer races for the same items and the same milestone
        for i in range(int(shared)):
            draft = Draft("p1.workstations", "count", date(2019, 5, 2), Decimal(1),
                          item=f"shared-{i}", written_target="p1.workstations")
            try:
                store.record(plan, draft, name)
                landed += 1
            except InputError:
                refused += 1
        try:
            store.record(plan, Draft("p2.science-day", "milestone", date(2019, 5, 3), None,
                                     written_target="p2.science-day"), name)
            landed += 1
        except InputError:
            refused += 1
    print("ok", landed, refused)
    """
)


@pytest.mark.slow
def test_eight_writers_land_exactly_every_entry_and_no_rule_twice(pg_db: str) -> None:
    writers, each, shared = 8, 500, 25
    start = time.time() + 2.0
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                WRITER,
                pg_db,
                str(SMALL_PLAN),
                f"w{n}",
                str(each),
                str(shared),
                str(start),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(writers)
    ]
    landed = refused = 0
    for process in processes:
        out, err = process.communicate(timeout=600)
        assert process.returncode == 0, err
        assert err == ""
        word, one, two = out.split()
        assert word == "ok"
        landed, refused = landed + int(one), refused + int(two)
    assert (landed, refused) == (shared + 1, (shared + 1) * (writers - 1))
    counts = sql(
        pg_db, "SELECT target, count(*), count(DISTINCT item) FROM entries GROUP BY 1 ORDER BY 1"
    )
    assert counts == [
        ("p1.visits", writers * each, writers * each),
        ("p1.workstations", shared, shared),
        ("p2.science-day", 1, 0),
    ]
    by = sql(pg_db, "SELECT \"by\", count(*) FROM entries WHERE target = 'p1.visits' GROUP BY 1")
    assert sorted(by) == [(f"w{n}", each) for n in range(writers)]


# --- kill -9 during a 200,000-row import -----------------------------------------------------------

IMPORT_ROWS = int(os.environ.get("KXPLAN_CRASH_ROWS", "200000"))
ROUNDS = int(os.environ.get("KXPLAN_PG_CRASH_ROUNDS", "3"))


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated import file of IMPORT_ROWS valid rows for plans/2019.yaml (bench/gen.py)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("kxplan_bench_gen", ROOT / "bench" / "gen.py")
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    return gen.write_csv(tmp_path_factory.mktemp("pgcrash") / "progress.csv", IMPORT_ROWS)


def _copying(url: str, pid: int) -> bool:
    """Whether the import process ``pid`` is sending its rows (its session runs COPY)."""
    rows = sql(
        url,
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'kxplan'"
        " AND query LIKE 'COPY entries%%' AND state = 'active'"
        " AND client_port IS NOT NULL",
    )
    return rows[0][0] > 0 and _alive(pid)


def _wait_gone(url: str) -> None:
    """Wait until the killed import's server session has ended (its transaction rolled back)."""
    deadline = time.monotonic() + 60
    while sql(
        url,
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'kxplan'"
        " AND datname = current_database()",
    ) != [(0,)]:
        assert time.monotonic() < deadline, "the killed session never ended"
        time.sleep(0.05)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.slow
def test_an_import_killed_while_it_writes_is_all_or_nothing(pg_db: str, big_csv: Path) -> None:
    """Each round kills ``kxplan import`` (SIGKILL) at a random moment of its COPY."""
    rng = random.Random(int(os.environ.get("KXPLAN_SEED", "2019")))
    assert run(pg_db, "record", "p1.visits", "5", "--date", "2019-05-01").exit_code == 0
    env = {k: v for k, v in os.environ.items() if not k.startswith("KXPLAN_")}
    env |= {"KXPLAN_PLAN": str(ROOT / "plans" / "2019.yaml"), "KXPLAN_DB": pg_db}
    env |= {"KXPLAN_TODAY": "2019-12-31", "KXPLAN_LANG": "en", "NO_COLOR": "1"}
    outcomes = []
    for _ in range(ROUNDS):
        process = subprocess.Popen(
            [str(KXPLAN), "import", str(big_csv)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        deadline = time.monotonic() + 300
        while not _copying(pg_db, process.pid):
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            assert time.monotonic() < deadline
            time.sleep(0.01)
        time.sleep(rng.uniform(0.0, 0.4))
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        _wait_gone(pg_db)  # the server notices the closed connection and rolls back
        count = sql(pg_db, "SELECT count(*) FROM entries")[0][0]
        outcomes.append(count)
        assert count in (1, 1 + IMPORT_ROWS)
        if count > 1:
            break  # it committed before the kill: the rest would be re-import rounds
    assert sql(pg_db, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'") == [(0,)]
    final = subprocess.run(
        [str(KXPLAN), "import", str(big_csv)], env=env, capture_output=True, text=True
    )
    assert final.returncode == 0, final.stderr
    assert sql(pg_db, "SELECT count(*), count(DISTINCT import_key) FROM entries") == [
        (1 + IMPORT_ROWS, IMPORT_ROWS)
    ]
    print(
        f"\nkill -9 during a {IMPORT_ROWS}-row PostgreSQL import: entries after each kill {outcomes}"
    )


def test_a_clerks_unit_is_the_plans_unit_id(pg_db: str, clerk: Any) -> None:
    """With units in the plan, add-clerk stores the unit id that record stores, whatever the
    spelling given (name, alias, id)."""
    plan = str(ROOT / "plans" / "2019.yaml")
    login = f"nanhu_{secrets.token_hex(3)}"
    added = CliRunner().invoke(
        app(),
        ["--plan", plan, "--db", pg_db, "db", "add-clerk", login, "--unit", "南湖区科协"],
        env={**ENTRY_ENV, "KXPLAN_LANG": "en"},
    )
    assert added.exit_code == 0, added.stderr
    assert sql(pg_db, "SELECT unit FROM kxplan_clerks WHERE login = %s", (login,)) == [("nanhu",)]
    sql(pg_db, f"ALTER ROLE {login} PASSWORD 'pw-{login}'")
    url = as_login(pg_db, login, f"pw-{login}")

    def record(unit: str, amount: str = "3") -> Any:
        return CliRunner().invoke(
            app(),
            [
                "--plan",
                plan,
                "--db",
                url,
                "record",
                "p14.workers-befriended",
                amount,
                "--date",
                "2019-05-01",
                "--unit",
                unit,
            ],
            env={**ENTRY_ENV, "KXPLAN_LANG": "en"},
        )

    assert record("南湖区").exit_code == 0
    assert record("nanhu", "4").exit_code == 0
    other = record("秀洲区科协")
    assert (
        other.exit_code == 1
        and f"login {login} records and voids entries of unit nanhu only" in other.stderr
    )
    unknown = CliRunner().invoke(
        app(),
        ["--plan", plan, "--db", pg_db, "db", "add-clerk", "someone", "--unit", "南湖科学院"],
        env={**ENTRY_ENV, "KXPLAN_LANG": "en"},
    )
    assert unknown.exit_code == 1 and "南湖科学院" in unknown.stderr
    sql(pg_db, f"DROP OWNED BY {login}")
    sql(pg_db, f"DROP ROLE {login}")
