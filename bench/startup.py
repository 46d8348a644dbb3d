"""Start-up benchmark: kxplan commands against ``python -c pass``, interleaved in one run.

    python3 bench/startup.py [--runs 15] [--venv DIR]

Measured on a regular install (``pip install .`` into a fresh venv, built by this script;
see ``_common``), against that venv's own ``python -c pass``. ``record`` and ``status`` run
on a small database; ``report`` renders 2019Q2 from the demo year (examples/2019-progress.csv).
Targets (issue 17): record ≤ 8×; status, --help, report --quarter 2019Q2 ≤ 10× each;
--version ≤ 4× (issue 7).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (  # noqa: E402
    ROOT,
    add_install_option,
    interleaved,
    median_ms,
    regular_install,
    run_once,
    verdict,
)

TARGETS = {"--version": 4.0, "record": 8.0, "status": 10.0, "--help": 10.0, "report": 10.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    add_install_option(parser)
    args = parser.parse_args()
    with regular_install(args.venv) as install, tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db, demo = str(folder / "bench.db"), str(folder / "demo.db")
        env = install.env(KXPLAN_DB=db, KXPLAN_TODAY="2019-06-30")
        kx = install.kxplan
        run_once([kx, "record", "p4.workstations", "--date", "2019-05-01", "--item", "起步"], env)
        # the sample year runs to December: import it as of the year's end (a row dated after
        # today is refused)
        year_end = {**env, "KXPLAN_TODAY": "2019-12-31"}
        run_once(
            [kx, "--db", demo, "import", str(ROOT / "examples" / "2019-progress.csv")], year_end
        )

        def record(number: int) -> list[str]:
            # a different note each run: an identical repeat would (rightly) be refused
            return [
                kx,
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

        commands = {
            "python -c pass": [install.python, "-c", "pass"],
            "--version": [kx, "--version"],
            "record": record,
            "status": [kx, "status"],
            "--help": [kx, "--help"],
            "report": [
                kx,
                "--db",
                demo,
                "report",
                "--quarter",
                "2019Q2",
                "--format",
                "all",
                "--out",
                str(folder / "reports"),
            ],
        }
        times = interleaved(commands, args.runs, env=env)
    base = median_ms(times["python -c pass"])
    print(
        f"start-up on a regular install, {args.runs} interleaved runs each after warm-up (median)"
    )
    print(f"{'command':<30}{'median ms':>10}{'ratio':>8}{'target':>8}  result")
    print(f"{'python -c pass':<30}{base:>10.1f}{1.0:>8.2f}")
    failed = False
    for name, limit in TARGETS.items():
        ms = median_ms(times[name])
        ratio = ms / base
        result = verdict(ratio, limit)
        failed |= result == "FAIL"
        label = "report --quarter 2019Q2" if name == "report" else name
        print(f"kxplan {label:<23}{ms:>10.1f}{ratio:>8.2f}{f'≤{limit:g}×':>8}  {result}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
