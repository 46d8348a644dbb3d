"""Peer benchmark: kxplan's quarterly report against hledger's budget report, same postings.

    python3 bench/hledger_peer.py [--entries 100000] [--runs 5] [--venv DIR]

hledger is the ledger tool an office might otherwise keep its plan in: one journal posting per
progress entry, the plan's goals as a quarterly periodic budget, and ``hledger bal --budget -Q``
as the quarterly progress table. This script writes both from the same generated rows
(bench/gen.py): a kxplan database (filled by `kxplan import`, not timed) and a journal. It then
times ``kxplan report --quarter 2019Q4 --format all`` against ``hledger bal --budget -Q`` over
the year, interleaved, and compares wall time and peak RSS. Target (issue 17): kxplan ≥ 20×
faster and ≥ 20× less memory. Without hledger installed (``apt-get install hledger``) only
kxplan is measured.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (  # noqa: E402
    add_install_option,
    regular_install,
    run_once,
    run_usage,
    verdict_at_least,
)
from gen import rows, write_csv  # noqa: E402

#: The 2019 plan's goals for the generated count targets (plans/2019.yaml).
GOALS = {
    "p3.model-societies": 5,
    "p4.workstations": 10,
    "p9.outreach-bases": 10,
    "p10.expert-visits": 100,
    "p14.workers-befriended": 10000,
}


def write_journal(path: Path, count: int) -> None:
    """The same rows as hledger postings, with the goals as a quarterly budget."""
    with open(path, "w", encoding="utf-8") as out:
        out.write("~ quarterly from 2019-01-01 to 2020-01-01\n")
        for target, goal in GOALS.items():
            out.write(f"    (targets:{target})    {Decimal(goal) / 4}\n")
        out.write("\n")
        for target, day, amount, item, note, unit, _by, _evidence in rows(count):
            account = f"targets:{target}" if amount else f"activities:{target}"
            description = item or note or target
            out.write(f"{day} {description} ; unit:{unit}\n    ({account})    {amount or 1}\n\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    add_install_option(parser)
    args = parser.parse_args()
    hledger = shutil.which("hledger")
    with regular_install(args.venv) as install, tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = install.env()
        db = folder / "peer.db"
        run_once(
            [
                install.kxplan,
                "--db",
                str(db),
                "import",
                str(write_csv(folder / "peer.csv", args.entries)),
                "--by",
                "bench",
            ],
            env,
        )
        journal = folder / "peer.journal"
        write_journal(journal, args.entries)
        commands = {
            "kxplan": [
                install.kxplan,
                "--db",
                str(db),
                "report",
                "--quarter",
                "2019Q4",
                "--format",
                "all",
                "--out",
                str(folder / "reports"),
            ],
        }
        if hledger:
            commands["hledger"] = [
                hledger,
                "-f",
                str(journal),
                "bal",
                "--budget",
                "-Q",
                "-b",
                "2019-01-01",
                "-e",
                "2020-01-01",
            ]
        for argv in commands.values():  # warm-up
            run_once(argv, env)
        times: dict[str, list[float]] = {name: [] for name in commands}
        cpu: dict[str, list[float]] = {name: [] for name in commands}
        peaks: dict[str, int] = {name: 0 for name in commands}
        for _ in range(args.runs):
            for name, argv in commands.items():
                seconds, peak, cpu_seconds = run_usage(argv, env)
                times[name].append(seconds)
                cpu[name].append(cpu_seconds)
                peaks[name] = max(peaks[name], peak)
    print(f"{args.entries:,} entries, {args.runs} interleaved runs each after warm-up (median)")
    for name in commands:
        print(
            f"{name:<8} {statistics.median(times[name]):8.3f} s   CPU"
            f" {statistics.median(cpu[name]):7.3f} s   peak RSS {peaks[name] / 1024:7.1f} MB"
        )
    if not hledger:
        print("hledger is not installed (apt-get install hledger): no comparison")
        return
    speed = statistics.median(times["hledger"]) / statistics.median(times["kxplan"])
    memory = peaks["hledger"] / peaks["kxplan"]
    speed_result, memory_result = verdict_at_least(speed, 20), verdict_at_least(memory, 20)
    print(f"kxplan is {speed:.1f}× faster    target ≥20×  {speed_result}")
    # the target is wall time; CPU time is shown beside it because it moves less with load
    cpu_ratio = statistics.median(cpu["hledger"]) / statistics.median(cpu["kxplan"])
    print(f"kxplan uses {cpu_ratio:.1f}× less CPU time (for information: less sensitive to load)")
    print(f"kxplan uses {memory:.1f}× less memory   target ≥20×  {memory_result}")
    sys.exit(0 if speed_result == memory_result == "PASS" else 1)


if __name__ == "__main__":
    main()
