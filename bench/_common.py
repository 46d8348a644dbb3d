"""Shared helpers for the benchmark scripts: interleaved timing of commands, medians, RSS."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
KXPLAN = str(BIN / "kxplan")


def run_once(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    """Run a command; return (wall seconds, peak RSS in KiB of that child alone)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=ROOT
    )
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(argv)}\n{err}")
    if proc.stderr:
        proc.stderr.close()
    return elapsed, usage.ru_maxrss


def interleaved(
    commands: dict[str, list[str]], runs: int, warmup: int = 2, env=None
) -> dict[str, list[float]]:
    """Time each command ``runs`` times, round-robin, after ``warmup`` untimed rounds."""
    for _ in range(warmup):
        for argv in commands.values():
            run_once(argv, env)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, argv in commands.items():
            times[name].append(run_once(argv, env)[0])
    return times


def median_ms(values: list[float]) -> float:
    """Median of seconds, in milliseconds."""
    return statistics.median(values) * 1000


def verdict(ratio: float, limit: float) -> str:
    """PASS/FAIL against a ratio target."""
    return "PASS" if ratio <= limit else "FAIL"
