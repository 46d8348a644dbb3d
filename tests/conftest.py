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
    """Compiled report templates are cached in a folder of the test run, not in ~/.cache."""
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
def kx(db: Path, keep_language: None) -> Callable[..., Any]:
    """Run ``kxplan --plan small.yaml --db DB ARGS…`` with a fixed clock and user."""

    def run(*args: str, plan: Path = SMALL_PLAN, database: Path | None = None, **env: str | None):
        return CliRunner().invoke(
            app(),
            ["--plan", str(plan), "--db", str(database or db), *args],
            env={**ENTRY_ENV, **env},
            catch_exceptions=False,
        )

    return run


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


@pytest.fixture
def pg_url(pg_admin: str) -> Iterator[str]:
    """A new, empty database on the test server (dropped afterwards): its URL."""
    import psycopg
    from psycopg import sql

    name = f"kxt_{os.getpid()}_{secrets.token_hex(4)}"
    with psycopg.connect(pg_admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield with_database(pg_admin, name)
    finally:
        with psycopg.connect(pg_admin, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a store lives, once per engine: an SQLite file (not created yet), a PostgreSQL URL."""
    if request.param == "sqlite":
        return str(tmp_path / "kxplan.db")
    return request.getfixturevalue("pg_url")
