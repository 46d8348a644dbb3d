"""XLSX import benchmark: `kxplan import` of an N-row workbook (time and peak RSS), beside the
same rows as CSV and a bare read of the workbook by each candidate reader.

    python3 bench/xlsx_import.py [--rows 100000] [--runs 3] [--venv DIR]

The workbook is what Excel saves: one sheet, shared strings, real date cells, number cells,
Chinese headers (written with openpyxl). Reported:

- ``kxplan import FILE.xlsx`` into a new database: wall seconds and peak RSS (median of runs);
- ``kxplan import FILE.csv`` of the same rows, for scale;
- reading every row with openpyxl in read-only mode (what kxplan uses) and with
  python-calamine when it is installed (``pip install python-calamine`` in the venv): why
  kxplan chose openpyxl is in ``kxplan/xlsxio.py``'s docstring.

Runs on a regular install (see ``_common``); no targets, figures for the README.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import add_install_option, regular_install  # noqa: E402
from gen import write_csv  # noqa: E402

READ = r"""
import resource, sys, time
reader, path = sys.argv[1], sys.argv[2]
start = time.perf_counter()
count = 0
if reader == "openpyxl":
    import openpyxl
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    for row in book.worksheets[0].iter_rows(max_col=8, values_only=True):
        count += 1
    book.close()
else:
    import python_calamine
    sheet = python_calamine.CalamineWorkbook.from_path(path).get_sheet_by_index(0)
    for row in sheet.iter_rows():
        count += 1
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
cpu = sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
print(f"{time.perf_counter() - start:.3f} {peak} {count} {cpu:.3f}")
"""


WRITE = r"""
import sys
from datetime import datetime
sys.path.insert(0, sys.argv[3])
import openpyxl
from openpyxl.cell import WriteOnlyCell
from gen import rows
book = openpyxl.Workbook(write_only=True)
sheet = book.create_sheet("登记")
sheet.append(["目标", "日期", "数量", "事项", "备注", "单位", "登记人", "佐证"])
for row in rows(int(sys.argv[2])):
    day = WriteOnlyCell(sheet, datetime.fromisoformat(row[1]))
    day.number_format = "yyyy-mm-dd"
    sheet.append([row[0], day, int(row[2]) if row[2] else None, *(cell or None for cell in row[3:])])
book.save(sys.argv[1])
"""


def write_xlsx(python: str, path: Path, count: int) -> Path:
    """The generated rows as a workbook the way Excel writes one (shared strings, date cells)."""
    bench = str(Path(__file__).resolve().parent)
    subprocess.run([python, "-c", WRITE, str(path), str(count), bench], check=True)
    return path


def run_measured(argv: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Run a command: (wall seconds, CPU seconds user+system, peak RSS in KiB) of that child.

    CPU time is reported beside wall time because this machine is shared: other processes
    stretch the wall clock, hardly the CPU time.
    """
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd="/"
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"command failed: {' '.join(argv)}\n{err}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def read_only(python: str, reader: str, path: Path) -> tuple[float, float, float] | None:
    """Wall seconds, peak MB and CPU seconds of reading every row with ``reader`` (None: not
    installed)."""
    probe = "openpyxl" if reader == "openpyxl" else "python_calamine"
    if subprocess.run([python, "-c", f"import {probe}"], capture_output=True).returncode:
        return None
    out = subprocess.run(
        [python, "-c", READ, reader, str(path)], capture_output=True, text=True, check=True
    ).stdout.split()
    return float(out[0]), int(out[1]) / 1024, float(out[3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    add_install_option(parser)
    args = parser.parse_args()
    with regular_install(args.venv) as install, tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = install.env()
        xlsx = write_xlsx(install.python, folder / "bench.xlsx", args.rows)
        csv = write_csv(folder / "bench.csv", args.rows)
        timings: dict[str, list[tuple[float, float, int]]] = {"xlsx": [], "csv": []}
        for run in range(args.runs):  # interleaved
            for kind, path in (("xlsx", xlsx), ("csv", csv)):
                db = folder / f"{kind}{run}.db"
                argv = [install.kxplan, "--db", str(db), "import", str(path), "--by", "bench"]
                timings[kind].append(run_measured(argv, env))
                count = sqlite3.connect(db).execute("SELECT count(*) FROM entries").fetchone()[0]
                assert count == args.rows, count
        readers = {name: read_only(install.python, name, xlsx) for name in ("openpyxl", "calamine")}
    print(f"import of {args.rows:,} rows, {args.runs} interleaved rounds (median; peak RSS: max)")
    for kind in ("xlsx", "csv"):
        wall = statistics.median(t for t, _, _ in timings[kind])
        cpu = statistics.median(c for _, c, _ in timings[kind])
        peak = max(rss for _, _, rss in timings[kind]) / 1024
        print(
            f"kxplan import .{kind:<4}          : {wall:7.2f} s wall, {cpu:6.2f} s CPU"
            f"   peak RSS {peak:5.0f} MB"
        )
    for name, figures in readers.items():
        if figures is None:
            print(f"read every row, {name:<9}    : not installed")
        else:
            print(
                f"read every row, {name:<9}    : {figures[0]:7.2f} s wall, {figures[2]:6.2f} s CPU"
                f"   peak RSS {figures[1]:5.0f} MB"
            )


if __name__ == "__main__":
    main()
