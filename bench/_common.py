"""Shared helpers for the benchmark scripts.

Every figure is measured on a *regular* install of kxplan — ``pip install .`` into a fresh
virtual environment, bytecode compiled by pip — because that is what a clerk gets (pipx does
the same). The development ``.venv`` is an editable install: its import finder adds ~15 ms to
every process, and where ``PYTHONDONTWRITEBYTECODE`` is set its modules are recompiled on
every run, so it would inflate both the baseline and kxplan's own figures.

``regular_install()`` builds that environment once per run (or reuses one given with
``--venv``); the baseline ``python -c pass`` is that environment's interpreter, so the ratios
compare like with like. Timings are interleaved (one run of each command per round, after a
warm-up) and medians are reported, because absolute times are noisy on a shared machine.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import selectors
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "plans" / "2019.yaml"


@dataclass(frozen=True)
class Install:
    """A regular (non-editable) install of kxplan: its interpreter and console script."""

    python: str
    kxplan: str

    def env(self, **extra: str) -> dict[str, str]:
        """The environment benchmarks run in: the 2019 plan, no colour, fixed today."""
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith("KXPLAN_") and key not in ("SOURCE_DATE_EPOCH", "PYTHONPATH")
        }
        env.update(KXPLAN_PLAN=str(PLAN), NO_COLOR="1", KXPLAN_TODAY="2019-12-31")
        env.update(extra)
        return env


def add_install_option(parser: argparse.ArgumentParser) -> None:
    """``--venv DIR``: reuse a regular install instead of building a fresh one."""
    parser.add_argument(
        "--venv",
        type=Path,
        help="a virtualenv with kxplan already installed by `pip install .` (default: build one)",
    )


@contextlib.contextmanager
def regular_install(venv: Path | None = None, extras: str = "") -> Iterator[Install]:
    """Yield a regular install of this checkout (built in a temporary venv unless given).

    ``extras`` installs optional dependencies too (``postgres``: ``pip install '.[postgres]'``).
    """
    if venv is not None:
        yield _install_in(venv)
        return
    with tempfile.TemporaryDirectory(prefix="kxplan-bench-venv-") as tmp:
        folder = Path(tmp) / "venv"
        print(f"building a regular install (pip install .) in {folder} …", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
        subprocess.run(
            [
                str(folder / "bin" / "python"),
                "-m",
                "pip",
                "install",
                "--quiet",
                f"{ROOT}[{extras}]" if extras else str(ROOT),
            ],
            check=True,
            cwd=tmp,  # never the source tree: a local `kxplan/` must not shadow the install
        )
        yield _install_in(folder)


def _install_in(venv: Path) -> Install:
    python = venv / "bin" / "python"
    kxplan = venv / "bin" / "kxplan"
    if not kxplan.exists():
        raise SystemExit(f"{kxplan} does not exist: install kxplan there with `pip install .`")
    probe = subprocess.run(
        [str(python), "-c", "import kxplan, sys; sys.stdout.write(kxplan.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        cwd="/",
    ).stdout
    if str(ROOT) in probe:
        raise SystemExit(
            f"{venv} has an editable install ({probe}); benchmarks need `pip install .`"
        )
    return Install(str(python), str(kxplan))


def run_once(
    argv: list[str], env: dict[str, str] | None = None, cwd: Path | str | None = None
) -> tuple[float, int]:
    """Run a command; return (wall seconds, peak RSS in KiB of that child alone).

    stderr goes to a temporary file, not a pipe: a command that says much on stderr (an import
    listing rows) would otherwise block on a full pipe that nobody reads until it exits.
    """
    elapsed, peak, _ = run_usage(argv, env, cwd)
    return elapsed, peak


def run_usage(
    argv: list[str], env: dict[str, str] | None = None, cwd: Path | str | None = None
) -> tuple[float, int, float]:
    """``run_once`` plus the child's CPU seconds (user + system): less sensitive than wall
    time to other work on a shared machine, so a ratio of CPU times is a useful second view."""
    with tempfile.TemporaryFile() as err_file:
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv, stdout=subprocess.DEVNULL, stderr=err_file, env=env, cwd=cwd or "/"
        )
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        returncode = os.waitstatus_to_exitcode(status)
        proc.returncode = returncode
        if returncode != 0:
            err_file.seek(0)
            err = err_file.read().decode(errors="replace")[-4000:]
            raise SystemExit(f"command failed ({returncode}): {' '.join(argv)}\n{err}")
    return elapsed, usage.ru_maxrss, usage.ru_utime + usage.ru_stime


@dataclass(frozen=True)
class Streamed:
    """A command whose output was read as it came: first line, whole run, memory, lines."""

    first_line: float
    total: float
    peak_kib: int
    lines: int
    failed: int = 0
    """The exit code when the command did not end quietly after its pipe was closed."""


def run_streamed(
    argv: list[str], env: dict[str, str], *, stop_after: int | None = None
) -> Streamed:
    """Run a command reading stdout as it arrives; time its first line and its end.

    With ``stop_after`` the pipe is closed after that many lines (``… | head -n N``); the
    command must then end by itself (quietly, as with a broken pipe), and ``total`` is when it
    did.
    """
    err_file = tempfile.TemporaryFile()  # not a pipe nobody reads (see run_once)
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=err_file, env=env, cwd="/", bufsize=0
    )
    assert proc.stdout is not None
    first = None
    lines = 0
    pending = b""
    selector = selectors.DefaultSelector()
    selector.register(proc.stdout, selectors.EVENT_READ)
    while True:
        selector.select()
        chunk = proc.stdout.read(1 << 16)
        if not chunk:
            break
        pending += chunk
        newlines = pending.count(b"\n")
        if newlines and first is None:
            first = time.perf_counter() - start
        lines += newlines
        pending = pending[pending.rfind(b"\n") + 1 :] if newlines else pending
        if stop_after is not None and lines >= stop_after:
            break
    proc.stdout.close()
    _, status, usage = os.wait4(proc.pid, 0)
    total = time.perf_counter() - start
    err_file.seek(0)
    err = err_file.read().decode(errors="replace")[-4000:]
    err_file.close()
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 141, -13) or "Traceback" in err:
        if stop_after is None:
            raise SystemExit(f"command failed ({code}): {' '.join(argv)}\n{err}")
        # the reader closed the pipe early (`| head`): a command that does not end quietly is
        # a failure of that row (reported with its exit code), not of the whole benchmark
        print(f"command failed on a closed pipe ({code}): {' '.join(argv)}", file=sys.stderr)
        return Streamed(first or total, total, usage.ru_maxrss, lines, code)
    return Streamed(first if first is not None else total, total, usage.ru_maxrss, lines)


Command = list[str] | Callable[[int], list[str]]
"""A command line, or a function of the run number giving one (for commands that must differ)."""


def interleaved(
    commands: dict[str, Command], runs: int, warmup: int = 2, env=None
) -> dict[str, list[float]]:
    """Time each command ``runs`` times, round-robin, after ``warmup`` untimed rounds."""

    def argv(command: Command, number: int) -> list[str]:
        return command(number) if callable(command) else command

    number = 0
    for _ in range(warmup):
        for command in commands.values():
            number += 1
            run_once(argv(command, number), env)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            number += 1
            times[name].append(run_once(argv(command, number), env)[0])
    return times


def median_ms(values: list[float]) -> float:
    """Median of seconds, in milliseconds."""
    return statistics.median(values) * 1000


def verdict(ratio: float, limit: float) -> str:
    """PASS/FAIL against an upper limit."""
    return "PASS" if ratio <= limit else "FAIL"


def verdict_at_least(value: float, limit: float) -> str:
    """PASS/FAIL against a lower limit."""
    return "PASS" if value >= limit else "FAIL"
