"""Import benchmark: `kxplan import` of N generated rows against plain sqlite3 executemany.

Run after the README set-up:  .venv/bin/python bench/import_scale.py [--rows 1000000] [--runs 3]
Target (issue 7): import ≤ 3× the raw executemany of the same rows into the same schema.
The baseline inserts pre-built tuples (the same column values kxplan writes, including the
import key) in one transaction into a fresh kxplan database; kxplan additionally reads and
validates the CSV, so the ratio is what validation and idempotency cost.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import KXPLAN, ROOT, run_once, verdict  # noqa: E402
from gen import HEADER, rows, write_csv  # noqa: E402

INSERT = (
    'INSERT INTO entries (plan_year, target, date, amount_milli, item, note, unit, "by", '
    "evidence, recorded_at, import_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def fresh_db(folder: Path, name: str, env: dict[str, str]) -> Path:
    """A new, empty kxplan database (schema made by kxplan itself)."""
    db = folder / name
    seed = folder / f"{name}.seed.csv"
    seed.write_text(
        ",".join(HEADER) + "\np1.warm-enterprises,2019-01-02,,,初始化,,bench,\n", encoding="utf-8"
    )
    run_once([KXPLAN, "--db", str(db), "import", str(seed)], env)
    return db


def raw_insert(db: Path, count: int) -> float:
    """Seconds to executemany ``count`` prepared tuples in one transaction."""
    stamp = "2019-12-31T00:00:00.000000Z"
    tuples = [
        (
            2019,
            r[0],
            r[1],
            int(r[2]) * 1000 if r[2] else None,
            r[3] or None,
            r[4] or None,
            r[5] or None,
            r[6],
            None,
            stamp,
            f"{index:064x}:1",
        )
        for index, r in enumerate(rows(count))
    ]
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    start = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(INSERT, tuples)
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    env = dict(os.environ, KXPLAN_PLAN=str(ROOT / "plans" / "2019.yaml"), NO_COLOR="1")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        csv_path = write_csv(folder / "bench.csv", args.rows)
        kx_times, raw_times, rss = [], [], []
        for run in range(args.runs):  # interleaved: one raw, one kxplan, per round
            raw_times.append(raw_insert(fresh_db(folder, f"raw{run}.db", env), args.rows))
            db = fresh_db(folder, f"kx{run}.db", env)
            seconds, peak = run_once([KXPLAN, "--db", str(db), "import", str(csv_path)], env)
            kx_times.append(seconds)
            rss.append(peak)
            count = sqlite3.connect(db).execute("SELECT count(*) FROM entries").fetchone()[0]
            assert count == args.rows + 1, count
    raw = statistics.median(raw_times)
    kx = statistics.median(kx_times)
    ratio = kx / raw
    print(f"import of {args.rows:,} rows, {args.runs} interleaved rounds (median)")
    print(f"raw sqlite3 executemany : {raw:8.2f} s")
    print(f"kxplan import           : {kx:8.2f} s   peak RSS {max(rss) / 1024:.0f} MB")
    print(f"ratio                   : {ratio:8.2f}×  target ≤3×  {verdict(ratio, 3.0)}")


if __name__ == "__main__":
    main()
