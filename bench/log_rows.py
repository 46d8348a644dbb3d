"""Where ``kxplan log --quarter 2019Q2`` spends its time per row, and the floor beneath it.

    python3 bench/log_rows.py [--entries 1000000] [--runs 3] [--venv DIR] [--db FILE]

``bench/read_scale.py`` gives the ratio (``log`` at 1M / at 1k ≤ 10×); this script says
why it is what it is. In one process of a regular install (see ``_common``), over a database
of generated entries (bench/gen.py, filled by ``kxplan import``, or ``--db`` to reuse one),
it times (CPU seconds, median of ``--runs``):

- start-up: importing ``kxplan.cli.entry_cmds`` and the store, loading the plan (its
  aliases and units), as ``log`` pays before its query (the interpreter's own start is not
  in it);
- ``listing_bounds``: the widths of a long listing, one aggregate over the quarter;
- the floor: the same rows fetched by a bare ``sqlite3`` cursor (the query ``log`` runs,
  nothing made of the rows), and two preformatted table lines a row (a typical line of
  that table, CJK included) written to /dev/null 512 at a time;
- ``iter_listing``: the store's rows (that query, through kxplan);
- ``write_log``: the whole table (rows fetched, laid out, written to /dev/null).

Per-row figures divide by the rows of the quarter. The difference between ``write_log`` and
``iter_listing`` is the layout's share; what no layout can go below is the floor.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import PLAN, add_install_option, regular_install, run_once  # noqa: E402
from gen import write_csv  # noqa: E402

PROBE = r"""
import json, os, sqlite3, statistics, sys, time
from datetime import date
started = time.process_time()
from kxplan.cli.listing import LogCells, log_table, write_log
from kxplan.plan import load
from kxplan.store import Store
from kxplan.store.sqlite.sql import LISTING_COLUMNS
plan = load(os.environ["KXPLAN_PLAN"])
plan.aliases(); plan.unit_resolver()
startup = time.process_time() - started
db, runs = sys.argv[1], int(sys.argv[2])
quarter = {"date_from": date(2019, 4, 1), "date_to": date(2019, 6, 30)}
sql = (f"SELECT {LISTING_COLUMNS} FROM entries e LEFT JOIN voids v ON v.entry_id = e.id"
       " WHERE e.plan_year = ? AND e.date >= ? AND e.date <= ? AND v.id IS NULL"
       " ORDER BY e.date, e.id")
times = {"bounds": [], "sqlite3 fetch (floor)": [], "write lines (floor)": [],
         "iter_listing": [], "write_log": []}
null = open(os.devnull, "w")
rows = lines = 0
def clock(name, work):
    start = time.process_time()
    result = work()
    times[name].append(time.process_time() - start)
    return result
for _ in range(runs):
    raw = sqlite3.connect(db)
    rows = clock("sqlite3 fetch (floor)",
                 lambda: sum(1 for _ in raw.execute(sql, (2019, "2019-04-01", "2019-06-30"))))
    raw.close()
    with Store.open(db, create=False) as store, store.read_snapshot():
        bounds = clock("bounds", lambda: store.listing_bounds(plan.year, **quarter))
        clock("iter_listing", lambda: sum(1 for _ in store.iter_listing(plan.year, **quarter)))
        table = log_table(False, plan, bounds)
        cells = LogCells(plan.aliases(), plan.unit_resolver(), False)
        layout = table.layout(table.widths([], 100), False)
        out, sys.stdout = sys.stdout, null
        try:
            clock("write_log", lambda: write_log(layout, store.iter_listing(plan.year, **quarter), cells))
        finally:
            sys.stdout = out
    line = "   #1160   2019-04-01   p1.warm-enterprises" + " " * 29 + "走访企业   海宁市    bench  \n"
    def write_lines():
        batch = [line] * 512
        for _ in range(2 * rows // 512):
            null.write("".join(batch))
    clock("write lines (floor)", write_lines)
result = {name: statistics.median(values) for name, values in times.items()}
result["startup"] = startup
result["rows"] = rows
print(json.dumps(result))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db", type=Path, help="reuse this database (filled by kxplan import)")
    add_install_option(parser)
    args = parser.parse_args()
    with regular_install(args.venv) as install, tempfile.TemporaryDirectory() as tmp:
        env = install.env()
        db = args.db
        if db is None:
            db = Path(tmp) / "log.db"
            csv_path = write_csv(Path(tmp) / "log.csv", args.entries)
            print(f"filling {args.entries:,} entries …", file=sys.stderr)
            run_once([install.kxplan, "--db", str(db), "import", str(csv_path), "--by", "b"], env)
            csv_path.unlink()
        else:
            # an older database is brought to this kxplan's schema by a read command first
            run_once([install.kxplan, "--db", str(db), "status"], env)
        probe = subprocess.run(
            [install.python, "-c", PROBE, str(db), str(args.runs)],
            capture_output=True,
            text=True,
            env={**env, "KXPLAN_PLAN": str(PLAN)},
            cwd="/",
            check=True,
        )
    figures = json.loads(probe.stdout)
    rows = figures.pop("rows")
    print(f"log --quarter 2019Q2: {rows:,} rows; CPU seconds, median of {args.runs} runs")
    print(f"{'part':<28}{'s':>8}{'µs/row':>9}")
    for name in ("startup", "bounds", "sqlite3 fetch (floor)", "write lines (floor)"):
        print(f"{name:<28}{figures[name]:>8.3f}{figures[name] / rows * 1e6:>9.2f}")
    for name in ("iter_listing", "write_log"):
        print(f"{name:<28}{figures[name]:>8.3f}{figures[name] / rows * 1e6:>9.2f}")
    layout = figures["write_log"] - figures["iter_listing"]
    print(f"{'layout (write_log - fetch)':<28}{layout:>8.3f}{layout / rows * 1e6:>9.2f}")
    floor = sum(figures[n] for n in ("startup", "bounds", "sqlite3 fetch (floor)"))
    floor += figures["write lines (floor)"]
    whole = figures["startup"] + figures["bounds"] + figures["write_log"]
    print(f"{'whole command (sum)':<28}{whole:>8.3f}")
    print(f"{'floor (no layout at all)':<28}{floor:>8.3f}")


if __name__ == "__main__":
    main()
