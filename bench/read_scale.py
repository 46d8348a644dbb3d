"""Read commands at scale: log, log | head, export, show, status, report --known-at.

    python3 bench/read_scale.py [--sizes 1000,1000000] [--runs 3] [--venv DIR]

Each size gets its own database, filled by `kxplan import` of generated rows (bench/gen.py;
not timed). Every command runs on a regular install (see ``_common``), interleaved across
sizes, with stdout read as it arrives so the time to the first line is measured as a person
at a terminal (or ``| head``) sees it. Targets (issue 17), largest size against smallest:

- log --quarter, log | head, export, show: first line ≤ 1 s, peak RSS ≤ 100 MB at the largest
  size, and ``log --quarter`` at the largest ≤ 10× at the smallest;
- report --known-at: largest ≤ 2× smallest;  status: largest ≤ 1.5× smallest.

``--known-at`` is the moment after the databases were filled, as the cron line in the README
cuts a report (a fixed date before the fill would hide every entry: an empty report).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (  # noqa: E402
    add_install_option,
    regular_install,
    run_once,
    run_streamed,
    verdict,
)
from gen import write_csv  # noqa: E402

MB = 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,1000000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated command names to run (e.g. 'status,show'); default: all",
    )
    add_install_option(parser)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    small, large = sizes[0], sizes[-1]
    with regular_install(args.venv) as install, tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = install.env()
        kx = install.kxplan
        dbs = {}
        for size in sizes:
            dbs[size] = str(folder / f"{size}.db")
            csv_path = write_csv(folder / f"{size}.csv", size)
            print(f"filling {size:,} entries …", file=sys.stderr)
            run_once([kx, "--db", dbs[size], "import", str(csv_path), "--by", "bench"], env)
            csv_path.unlink()
        known_at = (datetime.now(UTC) + timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")

        def commands(size: int) -> dict[str, tuple[list[str], int | None]]:
            db = ["--db", dbs[size]]
            return {
                "log --quarter 2019Q2": ([kx, *db, "log", "--quarter", "2019Q2"], None),
                "log | head": ([kx, *db, "log"], 10),
                "export": ([kx, *db, "export"], None),
                "show p14.workers-befriended": ([kx, *db, "show", "p14.workers-befriended"], None),
                "status": ([kx, *db, "status"], None),
                "report --known-at": (
                    [
                        kx,
                        *db,
                        "report",
                        "--quarter",
                        "2019Q4",
                        "--format",
                        "all",
                        "--known-at",
                        known_at,
                        "--out",
                        str(folder / f"r{size}"),
                    ],
                    None,
                ),
            }

        wanted = [word.strip() for word in args.only.split(",") if word.strip()]
        names = [name for name in commands(small) if not wanted or any(w in name for w in wanted)]
        results: dict[tuple[str, int], list] = {}
        for size in sizes:  # warm-up: one round, untimed
            for name in names:
                argv, stop = commands(size)[name]
                run_streamed(argv, env, stop_after=stop)
        for _ in range(args.runs):
            for name in names:
                for size in sizes:
                    argv, stop = commands(size)[name]
                    results.setdefault((name, size), []).append(
                        run_streamed(argv, env, stop_after=stop)
                    )

    def med(name: str, size: int, field: str) -> float:
        return statistics.median(getattr(run, field) for run in results[(name, size)])

    def peak(name: str, size: int) -> float:
        return max(run.peak_kib for run in results[(name, size)]) / MB

    print(f"read commands, {args.runs} interleaved runs each after warm-up (median; RSS max)")
    header = f"{'command':<30}{'entries':>10}{'first line s':>14}{'total s':>10}{'peak MB':>9}"
    print(header)
    for name in names:
        for size in sizes:
            print(
                f"{name:<30}{size:>10,}{med(name, size, 'first_line'):>14.3f}"
                f"{med(name, size, 'total'):>10.3f}{peak(name, size):>9.1f}"
            )
    print()
    failed = False

    def check(label: str, value: float, limit: float, unit: str) -> None:
        nonlocal failed
        result = verdict(value, limit)
        failed |= result == "FAIL"
        print(f"{label:<58}{value:>9.2f}{unit:<3} target ≤{limit:g}{unit}  {result}")

    listings = ("log --quarter 2019Q2", "log | head", "export", "show p14.workers-befriended")
    for name in (name for name in listings if name in names):
        check(f"{name} at {large:,}: first line", med(name, large, "first_line"), 1.0, "s")
        check(f"{name} at {large:,}: peak RSS", peak(name, large), 100.0, "MB")
    for (name, size), runs in sorted(results.items()):
        codes = sorted({run.failed for run in runs if run.failed})
        if codes:
            failed = True
            print(f"{name} at {size:,}: exit {codes} when the pipe closed (must be 0 or 141)  FAIL")
    ratio = lambda name: med(name, large, "total") / med(name, small, "total")  # noqa: E731
    for name, limit in (("log --quarter 2019Q2", 10), ("report --known-at", 2), ("status", 1.5)):
        if name in names:
            check(f"{name} at {large:,} / at {small:,}", ratio(name), limit, "×")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
