"""The store on both engines: the same behaviour from an SQLite file and a PostgreSQL server.

Every test here takes ``location`` (tests/conftest.py): it runs once against an SQLite file
and once against a fresh database on the throwaway server of ``make test``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import ENTRY_ENV, SMALL_PLAN, app
from typer.testing import CliRunner


def test_the_test_server_is_a_loopback_postgresql(pg_url: str) -> None:
    import psycopg

    with psycopg.connect(pg_url) as conn:
        version = conn.execute("SHOW server_version_num").fetchone()[0]
        listen = conn.execute("SHOW listen_addresses").fetchone()[0]
        encoding = conn.execute("SHOW server_encoding").fetchone()[0]
    assert int(version) >= 130000
    assert listen in ("127.0.0.1", "localhost")
    assert encoding == "UTF8"


def test_the_test_url_carries_no_password(pg_url: str) -> None:
    from urllib.parse import urlsplit

    assert urlsplit(pg_url).password is None  # libpq reads PGPASSWORD / ~/.pgpass


@pytest.mark.parametrize("module", ["kxplan.cli", "kxplan.store"])
def test_importing_kxplan_does_not_import_psycopg(module: str) -> None:
    code = f"import sys, {module}; print('psycopg' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=os.environ, check=True
    )
    assert result.stdout == "False\n"


# --- the same entries give the same answers on both engines -----------------------------------------


HOSTILE = "<script>x</script> | =cmd|' /C calc'!A0 \u200f 南湖"


def kxplan(db: str, *args: str, **env: str) -> Any:
    result = CliRunner().invoke(
        app(),
        ["--plan", str(SMALL_PLAN), "--db", db, *args],
        env={**ENTRY_ENV, "KXPLAN_LANG": "en", **env},
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.stderr
    return result


def fill(db: str, tmp_path: Path) -> None:
    """The same history on any engine: records, an import, voids, a renamed target's old id."""
    steps = [
        ["record", "p1.visits", "2.5", "--date", "2019-02-01", "--unit", "南湖区科协"],
        ["record", "p1.stations", "1", "--date", "2019-03-05", "--item", "A公司"],
        ["record", "p1.workstations", "1", "--date", "2019-04-02", "--item", HOSTILE],
        ["record", "p1.visits", "0.001", "--date", "2019-05-09", "--note", HOSTILE],
        ["record", "p2.science-day", "--date", "2019-05-01"],
        ["record", "p2.outreach", "--note", "讲座", "--date", "2019-05-03", "--unit", "秀洲区科协"],
        ["void", "1", "--reason", "重复登记"],
    ]
    for step in steps:
        kxplan(db, *step, KXPLAN_TODAY="2019-05-10")
    csv = tmp_path / "more.csv"
    csv.write_text(
        "target,date,amount,item,note,unit\n"
        "p1.visits,2019-06-01,3,,走访,嘉善县科协\n"
        "p1.workstations,2019-06-02,1,B公司,,平湖市科协\n"
        "p1.visits,2019-06-03,12.125,,,海宁市科协\n",
        encoding="utf-8",
    )
    kxplan(db, "import", str(csv), KXPLAN_TODAY="2019-06-30")
    kxplan(db, "void", "9", "--reason", "错填", KXPLAN_TODAY="2019-06-30")


@pytest.fixture
def both(pg_db: str, tmp_path: Path) -> tuple[str, str]:
    """(SQLite file, PostgreSQL URL) holding the same history."""
    sqlite = str(tmp_path / "kxplan.db")
    fill(sqlite, tmp_path)
    fill(pg_db, tmp_path)
    return sqlite, pg_db


def _masked(text: str) -> str:
    """Timestamps differ between two runs: blank them (and only them)."""
    import re

    return re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", "<recorded_at>", text)


@pytest.mark.parametrize(
    "args",
    [
        ["status", "--json"],
        ["status"],
        ["status", "--as-of", "2019-03-31", "--json"],
        ["log", "--all", "--json"],
        ["log", "--quarter", "2019Q2"],
        ["show", "p1.workstations"],
        ["export", "--format", "json"],
        ["check"],
    ],
)
def test_every_read_is_identical_on_both_engines(both: tuple[str, str], args: list[str]) -> None:
    sqlite, server = both
    one = kxplan(sqlite, *args, KXPLAN_TODAY="2019-07-01")
    other = kxplan(server, *args, KXPLAN_TODAY="2019-07-01")
    assert _masked(one.stdout) == _masked(other.stdout)


@pytest.mark.parametrize(
    ("quarter", "known_at"),
    [
        ("2019Q2", None),
        ("2019Q3", None),
        ("2019Q2", "2099-01-01T00:00:00Z"),
        ("2019Q2", "2000-01-01T00:00:00Z"),
    ],
)
def test_the_report_is_byte_identical_on_both_engines(
    both: tuple[str, str], tmp_path: Path, quarter: str, known_at: str | None
) -> None:
    sqlite, server = both
    texts = []
    cut = ["--known-at", known_at] if known_at else []
    for db, folder in ((sqlite, "a"), (server, "b")):
        out = tmp_path / folder
        kxplan(
            db,
            "report",
            "--quarter",
            quarter,
            "--format",
            "md",
            "--out",
            str(out),
            *cut,
            KXPLAN_TODAY="2019-10-01",
            SOURCE_DATE_EPOCH="1570000000",
        )
        texts.append((out / f"{quarter.replace('Q', '-Q')}.md").read_bytes())
    assert texts[0] == texts[1]
    assert b"Expert visits" in texts[0]


# --- db init and db copy, on either engine ------------------------------------------------------------


def test_db_init_on_either_engine(location: str) -> None:
    first = kxplan(location, "db", "init")
    from kxplan.store.postgres.schema import SCHEMA_VERSION as SERVER_SCHEMA
    from kxplan.store.sqlite.schema import SCHEMA_VERSION as FILE_SCHEMA

    version = SERVER_SCHEMA if location.startswith("postgresql") else FILE_SCHEMA
    assert first.stderr == f"created kxplan's tables (schema {version}) in {location}\n"
    again = kxplan(location, "db", "init")
    assert again.stderr == f"{location} is up to date (schema {version}); nothing to do\n"


def test_db_copy_there_and_back_keeps_every_row_and_id(
    both: tuple[str, str], tmp_path: Path, pg_url: str
) -> None:
    sqlite, _ = both
    to_server = kxplan(sqlite, "db", "copy", sqlite, pg_url)
    assert to_server.stderr == (
        f"copied 9 entries and 2 voids from {sqlite} to {pg_url};"
        " counts and 4 per-target totals verified\n"
    )
    back = str(tmp_path / "offline.db")
    kxplan(sqlite, "db", "copy", pg_url, back)
    for args in (["log", "--all", "--json"], ["export", "--format", "json"], ["status", "--json"]):
        expected = kxplan(sqlite, *args, KXPLAN_TODAY="2019-07-01").stdout
        assert kxplan(pg_url, *args, KXPLAN_TODAY="2019-07-01").stdout == expected
        assert kxplan(back, *args, KXPLAN_TODAY="2019-07-01").stdout == expected
    # new entries continue after the copied ids on both
    assert kxplan(pg_url, "record", "p1.visits", "1").stdout.startswith("#10 ")
    assert kxplan(back, "record", "p1.visits", "1").stdout.startswith("#10 ")


def test_db_copy_refuses_a_destination_with_data(both: tuple[str, str]) -> None:
    sqlite, server = both
    for source, dest in ((sqlite, server), (server, sqlite)):
        result = CliRunner().invoke(
            app(), ["--lang", "en", "db", "copy", source, dest], env=ENTRY_ENV
        )
        assert (result.exit_code, result.stdout) == (1, "")
        assert result.stderr == (
            f"error: {dest} already holds 9 entries and 2 voids; a copy goes into a new or"
            " empty database only — nothing was written\n"
        )
    same = CliRunner().invoke(app(), ["--lang", "en", "db", "copy", sqlite, sqlite], env=ENTRY_ENV)
    assert same.exit_code == 1 and "are the same database" in same.stderr


def test_db_copy_of_a_missing_source_writes_nothing(tmp_path: Path) -> None:
    missing, dest = tmp_path / "none.db", tmp_path / "copy.db"
    result = CliRunner().invoke(
        app(), ["--lang", "en", "db", "copy", str(missing), str(dest)], env=ENTRY_ENV
    )
    assert result.exit_code == 3 and result.stderr.startswith(
        f"error: there is no database {missing}"
    )
    assert not dest.exists() and not missing.exists()
