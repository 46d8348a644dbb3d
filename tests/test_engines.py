"""The store on both engines: the same behaviour from an SQLite file and a PostgreSQL server.

Every test here takes ``location`` (tests/conftest.py): it runs once against an SQLite file
and once against a fresh database on the throwaway server of ``make test``.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


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
