"""Shared fixtures: the small test plan, temporary databases (both engines), a CLI runner.

``location`` is the one parametrised fixture that runs a test against both engines: an
SQLite file path, and a fresh database on the PostgreSQL server that ``make test`` starts
(``scripts/with_postgres.sh`` sets ``KXPLAN_TEST_PG``). Without a server the PostgreSQL half
is skipped with the reason — except in CI (``CI=true``), where it fails.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from typer.testing import CliRunner

from kxplan import messages

DATA = Path(__file__).parent / "data"
SMALL_PLAN = DATA / "plans" / "small.yaml"
ENTRY_ENV: dict[str, str | None] = {
    "KXPLAN_TODAY": "2019-05-10",
    "KXPLAN_PLAN": None,
    "KXPLAN_DB": None,
    "KXPLAN_LANG": None,
    "KXPLAN_BY": None,
    "LOGNAME": "clerk",
    "USER": "clerk",
    "NO_COLOR": None,
    "COLUMNS": None,
    "TERM": None,
}


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Compiled report templates and validated plans are cached in a folder of the test run,
    not in ~/.cache."""
    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    yield
    if before is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = before


@pytest.fixture
def keep_language() -> Iterator[None]:
    """Restore the message language after a test that changes it."""
    before = messages.get_language()
    yield
    messages.set_language(before)


@pytest.fixture
def small_plan() -> Any:
    """The small test plan: two count targets (one renamed), a milestone, an activity."""
    from kxplan.plan import load

    return load(SMALL_PLAN)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A database path in a temporary directory (not created yet)."""
    return tmp_path / "kxplan.db"


@pytest.fixture
def kx(request: pytest.FixtureRequest, engine: str, keep_language: None) -> Callable[..., Any]:
    """Run ``kxplan --plan small.yaml --db DB ARGS…`` with a fixed clock and user.

    Once per engine (``engine``, see ``pytest_generate_tests``): DB is the SQLite file ``db``,
    or an initialised database on the PostgreSQL test server.
    """
    if engine == "postgresql":
        where = request.getfixturevalue("pg_db")
    else:
        where = str(request.getfixturevalue("db"))

    def run(*args: str, plan: Path = SMALL_PLAN, database: Path | None = None, **env: str | None):
        return CliRunner().invoke(
            app(),
            ["--plan", str(plan), "--db", str(database or where), *args],
            env={**ENTRY_ENV, **env},
            catch_exceptions=False,
        )

    return run


ENGINES = ("sqlite", "postgresql")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every test that uses ``engine`` (through ``kx`` or ``location``) on both engines.

    A test that also uses the SQLite file ``db`` itself, or through another fixture (it
    looks at the file), runs on SQLite only, as does one marked ``sqlite_only``.
    """
    if "engine" not in metafunc.fixturenames:
        return
    marked = metafunc.definition.get_closest_marker("sqlite_only") is not None
    file_bound = "db" in metafunc.fixturenames or marked
    metafunc.parametrize("engine", ENGINES[:1] if file_bound else ENGINES)


def init_database(location: str) -> None:
    """``kxplan db init``'s work on ``location`` (an empty server database gets the schema)."""
    from kxplan.store import Store

    Store.init(location)


def app() -> Any:
    from kxplan.cli import app as root

    return root


def file_digest(path: Path) -> str | None:
    """The sha256 of a file's bytes, or None when it does not exist."""
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


# --- PostgreSQL: the throwaway server of `make test` ---------------------------------------------


def in_ci() -> bool:
    """Whether this run is CI's (``CI=true``): there a missing server is a failure, not a skip."""
    return os.environ.get("CI", "").lower() in ("true", "1")


def _no_server(reason: str) -> None:
    if in_ci():
        pytest.fail(f"CI must run the PostgreSQL tests, but {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL tests skipped: {reason}")


@pytest.fixture(scope="session")
def pg_admin() -> str:
    """The URL of the test server's administrator (password in ``PGPASSWORD``), or skip."""
    url = os.environ.get("KXPLAN_TEST_PG", "")
    if not url or url == "skip":
        _no_server(
            os.environ.get("KXPLAN_TEST_PG_REASON")
            or "KXPLAN_TEST_PG is not set (`make test` starts a throwaway server; or set it"
            " to the URL of a server of yours where this login may create databases and roles)"
        )
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _no_server("psycopg is not installed (pip install -e '.[test,postgres]')")
    return url


def with_database(url: str, name: str) -> str:
    """``url`` pointing at database ``name`` instead."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


class DatabasePool:
    """Databases on the test server, reused between tests (``CREATE DATABASE`` costs ~0.5 s).

    A database comes back either empty (its ``public`` schema dropped and re-created) or,
    for the CLI tests, with kxplan's schema and no rows (emptied as superuser with triggers
    off — the only way past the append-only triggers). All are dropped at the end.
    """

    def __init__(self, admin: str) -> None:
        self.admin = admin
        self.empty: list[str] = []
        self.initialised: list[str] = []
        self.every: list[str] = []

    def take(self, *, initialised: bool) -> str:
        """The URL of a database that is empty, or initialised without rows."""
        import psycopg
        from psycopg import sql

        if initialised and self.initialised:
            return with_database(self.admin, self.initialised.pop())
        if self.empty:
            name = self.empty.pop()
        else:
            name = f"kxt_{os.getpid()}_{secrets.token_hex(4)}"
            with psycopg.connect(self.admin, autocommit=True) as conn:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            self.every.append(name)
        url = with_database(self.admin, name)
        if initialised:
            init_database(url)
        return url

    def give_back(self, url: str) -> None:
        """Reset a database for the next test (or drop it when it cannot be reset)."""
        import psycopg

        from kxplan.store.postgres.schema import SCHEMA_VERSION, TABLES

        name = urlsplit(url).path.lstrip("/")
        admin = with_database(self.admin, name)
        try:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
                version = conn.execute(
                    "SELECT CASE WHEN to_regclass('public.kxplan_meta') IS NULL THEN NULL"
                    " ELSE (SELECT schema_version FROM public.kxplan_meta"
                    "       WHERE application = 'kxplan') END"
                ).fetchone()[0]
                tables = conn.execute(
                    "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
                ).fetchone()[0]
                if version == SCHEMA_VERSION and tables == len(TABLES):
                    conn.execute(
                        "SET session_replication_role = replica;"
                        " TRUNCATE voids, entries, kxplan_clerks, markers RESTART IDENTITY"
                    )
                    self.initialised.append(name)
                else:
                    conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
                    self.empty.append(name)
        except psycopg.Error:
            self.drop(name)

    def drop(self, name: str) -> None:
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.admin, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

    def close(self) -> None:
        for name in self.every:
            self.drop(name)


@pytest.fixture(scope="session")
def pg_pool(pg_admin: str) -> Iterator[DatabasePool]:
    """The session's pool of test databases."""
    pool = DatabasePool(pg_admin)
    try:
        yield pool
    finally:
        pool.close()


@pytest.fixture
def pg_url(pg_pool: DatabasePool) -> Iterator[str]:
    """An empty database on the test server (no tables): its URL."""
    url = pg_pool.take(initialised=False)
    try:
        yield url
    finally:
        pg_pool.give_back(url)


@pytest.fixture
def pg_db(pg_pool: DatabasePool) -> Iterator[str]:
    """A database on the test server with kxplan's schema (``kxplan db init``) and no rows."""
    url = pg_pool.take(initialised=True)
    try:
        yield url
    finally:
        pg_pool.give_back(url)


@pytest.fixture
def location(request: pytest.FixtureRequest, engine: str, tmp_path: Path) -> str:
    """Where a store lives, once per engine: an SQLite file (not created yet), or an empty
    database on the PostgreSQL test server (no schema yet: ``init_database`` gives it one)."""
    if engine == "sqlite":
        return str(tmp_path / "kxplan.db")
    return request.getfixturevalue("pg_url")


def wreck_after_schema(path: Path) -> None:
    """Overwrite every page of the closed SQLite file ``path`` but its schema's: it opens,
    then queries fail (the schema outgrew page 1 with schema 5; ``dbstat`` finds its pages)."""
    import sqlite3

    conn = sqlite3.connect(path)
    schema_pages = {
        row[0] for row in conn.execute("SELECT pageno FROM dbstat WHERE name = 'sqlite_schema'")
    }
    conn.close()
    data = bytearray(path.read_bytes())
    size = int.from_bytes(data[16:18], "big")
    for number in range(2, len(data) // size + 1):
        if number not in schema_pages:
            data[(number - 1) * size : number * size] = b"\xff" * size
    path.write_bytes(bytes(data))
