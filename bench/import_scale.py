"""Import benchmark: `kxplan import` of N generated rows against a raw sqlite3 executemany.

    python3 bench/import_scale.py [--rows 1000000] [--runs 3] [--venv DIR]

Target (issue 17): kxplan import ≤ 3× a raw ``executemany`` of the same rows into a table with
the same columns and no secondary index (no UNIQUE import key, no CHECKs, no triggers), in one
transaction with the same journal settings kxplan uses (WAL, synchronous=FULL); and kxplan's
peak RSS ≤ 150 MB. The baseline gets its rows already parsed as Python tuples; kxplan reads,
decodes and validates the CSV file, checks the plan's rules and its idempotency, so the ratio
is what all of that costs. Both run on a regular install's interpreter (see ``_common``).
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import add_install_option, regular_install, run_once, verdict  # noqa: E402
from gen import write_csv  # noqa: E402

#: The baseline, run in the regular install's interpreter so both sides use one Python.
RAW = r"""
import csv, sqlite3, sys, time
db, source = sys.argv[1], sys.argv[2]
with open(source, encoding="utf-8", newline="") as handle:
    reader = csv.reader(handle)
    next(reader)
    stamp = "2019-12-31T00:00:00.000000Z"
    rows = [
        (2019, r[0], r[1], int(r[2]) * 1000 if r[2] else None, r[3] or None, r[4] or None,
         r[5] or None, r[6], r[7] or None, stamp)
        for r in reader
    ]
conn = sqlite3.connect(db, isolation_level=None)
conn.execute("PRAGMA journal_mode=WAL")
conn.execute("PRAGMA synchronous=FULL")
conn.execute(
    'CREATE TABLE entries (id INTEGER PRIMARY KEY, plan_year INTEGER, target TEXT, date TEXT, '
    'amount_milli INTEGER, item TEXT, note TEXT, unit TEXT, "by" TEXT, evidence TEXT, '
    'recorded_at TEXT)'
)
start = time.perf_counter()
conn.execute("BEGIN IMMEDIATE")
conn.executemany(
    'INSERT INTO entries (plan_year, target, date, amount_milli, item, note, unit, "by", '
    "evidence, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    rows,
)
conn.execute("COMMIT")
print(time.perf_counter() - start)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    add_install_option(parser)
    args = parser.parse_args()
    with regular_install(args.venv) as install, tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = install.env()
        csv_path = write_csv(folder / "bench.csv", args.rows)
        kx_times, raw_times, rss = [], [], []
        for run in range(args.runs):  # interleaved: one raw, one kxplan, per round
            raw = subprocess.run(
                [install.python, "-c", RAW, str(folder / f"raw{run}.db"), str(csv_path)],
                capture_output=True,
                text=True,
                check=True,
            )
            raw_times.append(float(raw.stdout))
            db = folder / f"kx{run}.db"
            seconds, peak = run_once(
                [install.kxplan, "--db", str(db), "import", str(csv_path), "--by", "bench"], env
            )
            kx_times.append(seconds)
            rss.append(peak)
            count = sqlite3.connect(db).execute("SELECT count(*) FROM entries").fetchone()[0]
            assert count == args.rows, count
    raw = statistics.median(raw_times)
    kx = statistics.median(kx_times)
    ratio = kx / raw
    peak_mb = max(rss) / 1024
    print(f"import of {args.rows:,} rows, {args.runs} interleaved rounds (median)")
    print(f"raw executemany, plain table : {raw:8.2f} s")
    print(f"kxplan import                : {kx:8.2f} s")
    print(f"ratio                        : {ratio:8.2f}×   target ≤3×      {verdict(ratio, 3.0)}")
    print(
        f"kxplan peak RSS              : {peak_mb:8.0f} MB  target ≤150 MB  {verdict(peak_mb, 150)}"
    )
    sys.exit(0 if ratio <= 3 and peak_mb <= 150 else 1)


if __name__ == "__main__":
    main()
