"""Report benchmark: `kxplan report --quarter 2019Q4 --format all` over 1k, 100k and 1M entries.

    python3 bench/report_scale.py [--sizes 1000,100000,1000000] [--runs 5] [--venv DIR]

Targets (issue 7): time at 1M ≤ 3× time at 1k; peak RSS at 1M ≤ 150 MB. Runs on a regular
install (see ``_common``). Databases are filled by `kxplan import` of generated rows (not timed).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import add_install_option, regular_install, run_once, verdict  # noqa: E402
from gen import write_csv  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,100000,1000000")
    parser.add_argument("--runs", type=int, default=5)
    add_install_option(parser)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    with regular_install(args.venv) as install, tempfile.TemporaryDirectory() as tmp:
        env = install.env()
        kx = install.kxplan
        folder = Path(tmp)
        commands = {}
        for size in sizes:
            db = folder / f"{size}.db"
            run_once(
                [kx, "--db", str(db), "import", str(write_csv(folder / f"{size}.csv", size))],
                env,
            )
            out = folder / f"out{size}"
            commands[size] = [
                kx,
                "--db",
                str(db),
                "report",
                "--quarter",
                "2019Q4",
                "--format",
                "all",
                "--out",
                str(out),
            ]
        for argv in commands.values():  # warm-up
            run_once(argv, env)
        times: dict[int, list[float]] = {size: [] for size in sizes}
        peaks: dict[int, int] = {size: 0 for size in sizes}
        for _ in range(args.runs):  # interleaved
            for size, argv in commands.items():
                seconds, peak = run_once(argv, env)
                times[size].append(seconds)
                peaks[size] = max(peaks[size], peak)
    base = statistics.median(times[sizes[0]])
    print(f"report 2019Q4 --format all, {args.runs} interleaved runs each (median)")
    print(f"{'entries':>10}{'median s':>10}{'× smallest':>12}{'peak RSS MB':>13}")
    for size in sizes:
        median = statistics.median(times[size])
        print(f"{size:>10,}{median:>10.3f}{median / base:>12.2f}{peaks[size] / 1024:>13.1f}")
    largest = sizes[-1]
    ratio = statistics.median(times[largest]) / base
    print(f"time ratio {largest:,} / {sizes[0]:,}: {ratio:.2f}×  target ≤3×  {verdict(ratio, 3.0)}")
    print(
        f"peak RSS at {largest:,}: {peaks[largest] / 1024:.1f} MB  target ≤150 MB  "
        f"{verdict(peaks[largest] / 1024, 150.0)}"
    )


if __name__ == "__main__":
    main()
