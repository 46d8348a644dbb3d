"""PostgreSQL beside SQLite: ``record`` and ``status`` start-up, and a report over 100k entries.

    scripts/with_postgres.sh python3 bench/postgres.py [--runs 15] [--entries 100000] [--venv DIR]

Needs a server: ``KXPLAN_TEST_PG`` (the administrator's URL, password in ``PGPASSWORD``), as
``scripts/with_postgres.sh`` sets for a throwaway local cluster on loopback. Measured on a
regular install with the driver (``pip install '.[postgres]'`` into a fresh venv; ``--venv``
reuses one), interleaved runs after a warm-up, medians; every figure is also given as a
ratio to that venv's ``python -c pass``, and PostgreSQL's to SQLite's, measured in the same
run. The databases are filled by ``kxplan import`` of generated rows (not timed).
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import add_install_option, interleaved, regular_install, run_once  # noqa: E402
from gen import write_csv  # noqa: E402


def _database(admin: str, python: str) -> str:
    """Create a fresh database on the server (with that install's psycopg); its URL."""
    name = f"kxbench_{secrets.token_hex(4)}"
    code = (
        "import sys, psycopg\n"
        "with psycopg.connect(sys.argv[1], autocommit=True) as c:\n"
        "    c.execute(f'CREATE DATABASE {sys.argv[2]}')\n"
    )
    run_once([python, "-c", code, admin, name], dict(os.environ))
    return urlunsplit(urlsplit(admin)._replace(path="/" + name))


def _drop(admin: str, python: str, url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    code = (
        "import sys, psycopg\n"
        "with psycopg.connect(sys.argv[1], autocommit=True) as c:\n"
        "    c.execute(f'DROP DATABASE {sys.argv[2]} WITH (FORCE)')\n"
    )
    run_once([python, "-c", code, admin, name], dict(os.environ))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--entries", type=int, default=100_000)
    add_install_option(parser)
    args = parser.parse_args()
    admin = os.environ.get("KXPLAN_TEST_PG", "")
    if not admin or admin == "skip":
        raise SystemExit("no server: run it as  scripts/with_postgres.sh python3 bench/postgres.py")
    with (
        regular_install(args.venv, extras="postgres") as install,
        tempfile.TemporaryDirectory() as tmp,
    ):
        folder = Path(tmp)
        kx = install.kxplan
        env = install.env(KXPLAN_TODAY="2019-06-30")
        env.update({k: v for k, v in os.environ.items() if k.startswith("PG")})
        small_sqlite, big_sqlite = str(folder / "small.db"), str(folder / "big.db")
        small_pg, big_pg = _database(admin, install.python), _database(admin, install.python)
        try:
            csv = write_csv(folder / "rows.csv", args.entries)
            for db in (small_pg, big_pg):
                run_once([kx, "--db", db, "db", "init"], env)
            for db in (small_sqlite, small_pg):
                run_once(
                    [
                        kx,
                        "--db",
                        db,
                        "record",
                        "p4.workstations",
                        "--date",
                        "2019-05-01",
                        "--item",
                        "起步",
                    ],
                    env,
                )
            # the generated rows run to December: import them as of the year's end (a row dated
            # after "today" is refused — planned work is not progress)
            year_end = {**env, "KXPLAN_TODAY": "2019-12-31"}
            for db in (big_sqlite, big_pg):
                run_once([kx, "--db", db, "import", str(csv)], year_end)

            def record(db: str):
                def argv(number: int) -> list[str]:
                    return [
                        kx,
                        "--db",
                        db,
                        "record",
                        "p14.workers-befriended",
                        "5",
                        "--date",
                        "2019-05-02",
                        "--unit",
                        "南湖区科协",
                        "--note",
                        f"基准测试 {number}",
                    ]

                return argv

            def report(db: str, out: str) -> list[str]:
                return [
                    kx,
                    "--db",
                    db,
                    "report",
                    "--quarter",
                    "2019Q4",
                    "--format",
                    "md",
                    "--out",
                    str(folder / out),
                ]

            commands = {
                "python -c pass": [install.python, "-c", "pass"],
                "record (SQLite)": record(small_sqlite),
                "record (PostgreSQL)": record(small_pg),
                "status (SQLite)": [kx, "--db", small_sqlite, "status"],
                "status (PostgreSQL)": [kx, "--db", small_pg, "status"],
                f"report {args.entries:,} (SQLite)": report(big_sqlite, "a"),
                f"report {args.entries:,} (PostgreSQL)": report(big_pg, "b"),
            }
            times = interleaved(commands, args.runs, env=env)
            same = (folder / "a" / "2019-Q4.md").read_bytes() == (
                folder / "b" / "2019-Q4.md"
            ).read_bytes()
        finally:
            for db in (small_pg, big_pg):
                _drop(admin, install.python, db)
    medians = {name: statistics.median(values) * 1000 for name, values in times.items()}
    base = medians["python -c pass"]
    print(f"{args.runs} interleaved runs each (median), regular install with psycopg, local server")
    print(f"{'command':<34}{'median ms':>10}{'× python':>10}{'PG / SQLite':>13}")
    for name, value in medians.items():
        pair = ""
        if "(PostgreSQL)" in name:
            pair = f"{value / medians[name.replace('PostgreSQL', 'SQLite')]:.2f}×"
        print(f"{name:<34}{value:>10.1f}{value / base:>10.2f}{pair:>13}")
    print(f"report Markdown identical on both engines: {'yes' if same else 'NO'}")
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
