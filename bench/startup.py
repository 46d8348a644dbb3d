"""Start-up benchmark: kxplan commands against ``python -c pass``, interleaved in one run.

Run after the README set-up:  .venv/bin/python bench/startup.py [--runs 15]
Targets (issue 7): --version ≤ 4×, record ≤ 8×, status ≤ 10× (help: measured, no target).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import KXPLAN, ROOT, interleaved, median_ms, run_once, verdict  # noqa: E402

TARGETS = {"--version": 4.0, "record": 8.0, "status": 10.0, "--help": None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.db")
        plan = str(ROOT / "plans" / "2019.yaml")
        env = dict(
            os.environ, KXPLAN_PLAN=plan, KXPLAN_DB=db, KXPLAN_TODAY="2019-06-30", NO_COLOR="1"
        )
        run_once([KXPLAN, "record", "p4.workstations", "--date", "2019-05-01"], env)
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "--version": [KXPLAN, "--version"],
            "record": [
                KXPLAN,
                "record",
                "p14.workers-befriended",
                "5",
                "--date",
                "2019-05-02",
                "--unit",
                "南湖区科协",
            ],
            "status": [KXPLAN, "status"],
            "--help": [KXPLAN, "--help"],
        }
        times = interleaved(commands, args.runs, env=env)
    base = median_ms(times["python -c pass"])
    print(f"start-up, {args.runs} interleaved runs each after warm-up (median wall time)")
    print(f"{'command':<18}{'median ms':>10}{'ratio':>8}{'target':>8}  result")
    print(f"{'python -c pass':<18}{base:>10.1f}{1.0:>8.2f}")
    for name, limit in TARGETS.items():
        ms = median_ms(times[name])
        ratio = ms / base
        target = f"≤{limit:g}×" if limit else "—"
        result = verdict(ratio, limit) if limit else ""
        print(f"kxplan {name:<11}{ms:>10.1f}{ratio:>8.2f}{target:>8}  {result}")


if __name__ == "__main__":
    main()
