"""Kill ``kxplan import`` with SIGKILL at random moments, many rounds: the long version of
``tests/test_reliability.py``'s crash tests, with their per-round report on stdout.

    .venv/bin/python scripts/crash_import.py --rounds 20            # 200k rows, both modes
    .venv/bin/python scripts/crash_import.py --rounds 50 --rows 500000 --seed 7 --mode new

Every round checks that the database opens, passes ``PRAGMA integrity_check`` and holds
none or all of the import; the run ends by importing again and comparing every row with
the file. Exit status: pytest's (0 when every round held).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = {
    "existing": "test_an_import_killed_at_random_moments_is_all_or_nothing",
    "new": "test_an_import_into_a_new_database_killed_leaves_no_half_database",
}


def main() -> int:
    """Parse the options and run the crash tests with them."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20, help="kill rounds per mode (20)")
    parser.add_argument("--rows", type=int, default=200_000, help="rows in the CSV (200000)")
    parser.add_argument("--seed", type=int, default=2019, help="random seed (2019)")
    parser.add_argument("--mode", choices=["existing", "new", "both"], default="both")
    args = parser.parse_args()
    env = {
        **os.environ,
        "KXPLAN_CRASH_ROUNDS": str(args.rounds),
        "KXPLAN_CRASH_ROWS": str(args.rows),
        "KXPLAN_SEED": str(args.seed),
    }
    names = list(TESTS.values()) if args.mode == "both" else [TESTS[args.mode]]
    command = [sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider"]
    command += [f"tests/test_reliability.py::{name}" for name in names]
    return subprocess.run(command, env=env, cwd=ROOT, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
