"""Many clerks recording at once while reports are rendered: the long version of
``tests/test_reliability.py``'s concurrency test, with its figures on stdout.

    .venv/bin/python scripts/concurrent_writers.py                          # 16 x 2000
    .venv/bin/python scripts/concurrent_writers.py --writers 32 --entries 1000

Each writer is a process (spawn) recording through ``validate`` + ``Store.record``, as
``kxplan record`` does; three real ``kxplan record`` processes join them. The run checks
that every entry landed under the id its writer was given, 0 errors, ``integrity_check``
ok, and that every report rendered meanwhile matches the snapshot it read.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEST = "test_concurrent_writers_lose_nothing_and_readers_see_one_snapshot"


def main() -> int:
    """Parse the options and run the concurrency test with them."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writers", type=int, default=16, help="writer processes (16)")
    parser.add_argument("--entries", type=int, default=2000, help="entries per writer (2000)")
    args = parser.parse_args()
    env = {
        **os.environ,
        "KXPLAN_WRITERS": str(args.writers),
        "KXPLAN_ENTRIES": str(args.entries),
    }
    command = [sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider"]
    command.append(f"tests/test_reliability.py::{TEST}")
    return subprocess.run(command, env=env, cwd=ROOT, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
