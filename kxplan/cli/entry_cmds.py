"""``kxplan record|void|log|import|export``: write progress into the store and read it back.

Each command parses its arguments, validates with ``kxplan.entry`` *before* touching the
database (bad input never creates or changes it), calls one ``Store`` method and prints:
data on stdout, messages for people on stderr.
"""

from __future__ import annotations

import contextlib
import itertools
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kxplan.cli import app, completion
from kxplan.cli.common import (
    by_option,
    by_or_default,
    check_out,
    default_by,
    store_session,
    summary,
)
from kxplan.cli.output import committed, echo, json_array, notice
from kxplan.cli.term import (
    Cell,
    Column,
    Layout,
    Row,
    Table,
    cell_width,
    output_width,
    use_colour,
)
from kxplan.errors import InputError, UsageError
from kxplan.messages import t
from kxplan.text import shown

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from kxplan.cli.env import Env
    from kxplan.entry import Entry
    from kxplan.plan import Plan
    from kxplan.store.interface import ListingBounds, ListingRow
    from kxplan.tables import Table as ImportTable
    from kxplan.units import UnitResolver

# An unknown option, not a negative or non-finite amount such as -3, -.5 or -inf.
_OPTION_LIKE = re.compile(r"^--?(?![0-9.]|(?:nan|inf|infinity)$)[A-Za-z]", re.IGNORECASE)
_FLEXIBLE = {"ignore_unknown_options": True, "allow_extra_args": True}
_MAX_ENTRY_ID = 2**63 - 1  # SQLite's largest integer: no entry id is beyond it


def _refuse_stray(command: str, values: list[str | None], extra: list[str]) -> None:
    """With unknown options let through (so ``-3`` reaches AMOUNT), refuse real strays."""
    for value in [*values, *extra]:
        if value is not None and _OPTION_LIKE.match(value):
            raise UsageError(t("cli.unknown_option", option=value, command=command))
    if extra:
        raise UsageError(t("cli.extra_argument", argument=extra[0], command=command))


# --- record ----------------------------------------------------------------------------------


@app.command("record", help=t("help.record"), context_settings=_FLEXIBLE)
def record(
    ctx: typer.Context,
    target: Annotated[
        str,
        typer.Argument(
            help=t("help.arg.target"), show_default=False, autocompletion=completion.target_ids
        ),
    ],
    amount: Annotated[
        str | None, typer.Argument(help=t("help.arg.amount"), show_default=False)
    ] = None,
    when: Annotated[
        str | None, typer.Option("--date", help=t("help.opt.date"), show_default=False)
    ] = None,
    item: Annotated[
        str | None, typer.Option("--item", help=t("help.opt.item"), show_default=False)
    ] = None,
    note: Annotated[
        str | None, typer.Option("--note", help=t("help.opt.note"), show_default=False)
    ] = None,
    unit: Annotated[
        str | None,
        typer.Option(
            "--unit", help=t("help.opt.unit"), show_default=False, autocompletion=completion.units
        ),
    ] = None,
    by: Annotated[str | None, by_option("help.opt.by")] = None,
    evidence: Annotated[
        str | None, typer.Option("--evidence", help=t("help.opt.evidence"), show_default=False)
    ] = None,
    again: Annotated[bool, typer.Option("--again", help=t("help.opt.again"))] = False,
) -> None:
    """Record progress on one target."""
    from kxplan.entry import validate

    _refuse_stray("record", [target, amount], list(ctx.args))
    env: Env = ctx.obj
    plan = env.plan()
    fields = {
        "target": target,
        "date": when,
        "amount": amount,
        "item": item,
        "note": note,
        "unit": unit,
        "by": by,
        "evidence": evidence,
    }
    draft = validate(plan, fields, env.today)
    who = draft.by or default_by()
    with store_session(env, create=True) as store:
        entry = store.record(plan, draft, who, again=again)
        committed(t("record.stored", id=entry.id, target=entry.target))
        echo(t("record.done", id=entry.id, summary=summary(store, plan, entry.target, env.today)))


# --- void ------------------------------------------------------------------------------------


def _entry_id(text: str) -> int:
    from kxplan.normalise import halfwidth

    value = halfwidth(text).strip().lstrip("#")  # ＃１２ from a Chinese input method is #12
    if not value.isdigit() or not value.isascii() or int(value) <= 0:
        raise InputError(t("void.bad_id", value=text))
    number = int(value)
    if number > _MAX_ENTRY_ID:
        raise InputError(t("void.unknown", id=number))
    return number


@app.command("void", help=t("help.void"))
def void(
    ctx: typer.Context,
    entry_id: Annotated[str, typer.Argument(help=t("help.arg.entry_id"), show_default=False)],
    reason: Annotated[
        str | None, typer.Option("--reason", help=t("help.opt.reason"), show_default=False)
    ] = None,
    by: Annotated[str | None, by_option("help.opt.by")] = None,
) -> None:
    """Void an entry (it stays in the database, marked, with the reason)."""
    from kxplan.entry import clean_reason

    env: Env = ctx.obj
    number = _entry_id(entry_id)
    text = clean_reason(reason)
    who = by_or_default(by)
    plan = env.plan()
    # Voiding needs an entry, so it never creates a database.
    with store_session(env, create=False) as store:
        done = store.void(number, text, who)
        committed(t("void.stored", id=number, void=done.id))
        entry = store.entry(number)
        assert entry is not None
        target = plan.aliases().get(entry.target, entry.target)
        line = (
            summary(store, plan, target, env.today)
            if entry.plan_year == plan.year
            else t("void.other_year", target=shown(entry.target), year=entry.plan_year)
        )
        echo(t("void.done", void=done.id, id=number, date=entry.date.isoformat(), summary=line))


# --- log ---------------------------------------------------------------------------------------


def quarter_range(text: str, year: int) -> tuple[date, date]:
    """The first and last day of a quarter written ``2019Q2`` (or ``Q2`` for the plan year)."""
    from kxplan.progress import parse_quarter, quarter_bounds

    parsed = parse_quarter(text, year)
    if parsed is None:
        raise InputError(t("log.bad_quarter", value=text, year=year))
    if parsed[0] != year:
        raise InputError(t("log.quarter_year", value=text, year=year))
    return quarter_bounds(*parsed)


def _target_filter(plan: Plan, text: str) -> tuple[str, ...]:
    from kxplan.entry import Validator

    found, problem = Validator(plan, date(plan.year, 1, 1)).target(text)
    if found is None:
        raise InputError(problem or t("entry.target_required"))
    return found.ids


@app.command("log", help=t("help.log"))
def log(
    ctx: typer.Context,
    target: Annotated[
        str | None,
        typer.Option(
            "--target",
            help=t("help.opt.log_target"),
            show_default=False,
            autocompletion=completion.target_ids,
        ),
    ] = None,
    quarter: Annotated[
        str | None,
        typer.Option(
            "--quarter",
            help=t("help.opt.quarter"),
            show_default=False,
            autocompletion=completion.plan_quarters,
        ),
    ] = None,
    unit: Annotated[
        str | None,
        typer.Option(
            "--unit",
            help=t("help.opt.log_unit"),
            show_default=False,
            autocompletion=completion.units,
        ),
    ] = None,
    include_voided: Annotated[bool, typer.Option("--all", help=t("help.opt.all"))] = False,
    as_json: Annotated[bool, typer.Option("--json", help=t("help.opt.json"))] = False,
) -> None:
    """List entries in date order."""
    from kxplan.entry import entry_dict

    env: Env = ctx.obj
    plan = env.plan()
    targets = _target_filter(plan, target) if target is not None else None
    resolver = plan.unit_resolver()
    wanted = resolver.require(unit) if unit is not None else None
    date_from = date_to = None
    if quarter is not None:
        date_from, date_to = quarter_range(quarter, plan.year)
    aliases = plan.aliases()
    with store_session(env, create=False) as store, store.read_snapshot():
        filters: dict[str, Any] = {"targets": targets, "date_from": date_from, "date_to": date_to}
        if wanted is not None:
            filters["units"] = resolver.matching(wanted, store.units(plan.year))
        if as_json:
            entries = store.iter_entries(plan.year, include_voided=include_voided, **filters)
            for piece in json_array(entry_dict(entry, aliases) for entry in entries):
                sys.stdout.write(piece)
            return
        rows = store.iter_listing(plan.year, include_voided=include_voided, **filters)
        head = list(itertools.islice(rows, MEASURED_ROWS + 1))
        if not head:
            notice(t("log.none"))
            return
        bounds = None
        if len(head) > MEASURED_ROWS:  # a long listing: widths from bounds, rows streamed
            bounds = store.listing_bounds(plan.year, **filters)
        table = log_table(include_voided, plan, bounds)
        cells = LogCells(aliases, resolver, include_voided)
        measured = [] if table.streams() else [cells.row(row) for row in head]
        layout = table.layout(table.widths(measured, output_width()), use_colour())
        write_log(layout, itertools.chain(head, rows), cells)


MEASURED_ROWS = 1000
"""``log`` lays out up to this many entries to fit their text; a longer listing streams."""


def log_table(include_voided: bool, plan: Plan, bounds: ListingBounds | None = None) -> Table:
    """The ``log`` table: free text folds, ids, dates, amounts and target ids never do.

    Up to ``MEASURED_ROWS`` entries are measured, so each column is as wide as its text needs.
    A longer listing gets ``bounds`` (the largest id and amount to come): every width is then
    known before the first row and the table streams — its first line is printed while the
    database is still being read, and memory does not grow with the number of entries, the
    folding columns sharing the width evenly. Three spaces between columns and every line as
    wide as the table (as rich drew it first).
    """
    fixed: list[int | None] = [None, None, None, None]
    if bounds is not None:
        digits = len(str(int(bounds.max_amount))) if bounds.max_amount is not None else 1
        fixed = [
            len(f"#{bounds.max_id}"),
            len("2019-01-01"),
            max(cell_width(target.id) for target in plan.targets()),
            digits + (4 if bounds.fraction else 0),  # at most three decimals
        ]
    headers = [t("label.log.id"), t("label.log.date"), t("label.log.target"), t("label.log.amount")]
    widths = [
        None if size is None else max(size, cell_width(text))
        for size, text in zip(fixed, headers, strict=True)
    ]
    columns = [
        Column(headers[0], right=True, width=widths[0]),
        Column(headers[1], width=widths[1]),
        Column(headers[2], width=widths[2]),
        Column(headers[3], right=True, width=widths[3]),
        Column(t("label.log.item"), fold=True),
        Column(t("label.log.note"), fold=True),
        Column(t("label.log.unit"), fold=True),
        Column(t("label.log.by"), fold=True),
    ]
    if include_voided:
        columns.append(Column(t("label.log.void"), fold=True))
    return Table(columns, gap=3, trim=False)


class LogCells:
    """What ``log`` shows of a ``ListingRow`` in each column: stored text made safe
    (``shown``), a target by its current id, a unit by its name, an amount as people write it;
    voided entries (with ``--all``) dim and struck, with the void in the last column."""

    def __init__(self, aliases: dict[str, str], units: UnitResolver, include_voided: bool) -> None:
        self.aliases = aliases
        self.units = units
        self.include_voided = include_voided

    @staticmethod
    def entry_id(entry_id: int) -> str:
        """``#12``."""
        return f"#{entry_id}"

    def target(self, target: str) -> str:
        """The target's current id (an old id through the plan's aliases)."""
        return shown(self.aliases.get(target, target))

    @staticmethod
    def amount(milli: int | None) -> str:
        """The amount as people write it (``2.5``), empty for none."""
        from kxplan.entry import amount_from_milli
        from kxplan.numbers import format_number

        return format_number(amount_from_milli(milli))

    def unit(self, unit: str | None) -> str:
        """The unit's name in the plan (the stored text when it names none)."""
        return shown(self.units.name(unit))

    @staticmethod
    def void(void_id: int | None, reason: str | None) -> str:
        """``voided by #3: reason``, empty when not voided."""
        return "" if void_id is None else t("label.log.voided", id=void_id, reason=shown(reason))

    def row(self, row: ListingRow) -> Row:
        """The whole row as ``Table`` cells (for measuring, and for voided rows)."""
        entry_id, day, target, milli, item, note, unit, by, void_id, reason = row
        texts = [
            self.entry_id(entry_id),
            day,
            self.target(target),
            self.amount(milli),
            shown(item),
            shown(note),
            self.unit(unit),
            shown(by),
        ]
        if self.include_voided:
            texts.append(self.void(void_id, reason))
        style = "dim strike" if void_id is not None else ""
        return Row([Cell(text) for text in texts], style=style)


WRITE_ROWS = 256
"""``log`` writes its rows this many at a time (after the first row, written at once)."""


def write_log(layout: Layout, rows: Iterable[ListingRow], cells: LogCells) -> None:
    """The ``log`` table on stdout: the header, then each row as it is read.

    The hot loop of a long listing (250,000 rows for a quarter of a million entries): each
    column remembers its laid-out cells by stored value (``Layout.cells`` with ``prepare``),
    so a row of repeated targets, units, dates and amounts is eight look-ups and one join;
    rows are written in batches, the first at once so it is out before the second is read.
    """
    write = sys.stdout.write
    table = layout.table
    if table.header:
        write("".join(line + "\n" for line in layout.row(table.head())))
    if table.rule:
        write(table.rule_line(layout.widths) + "\n")

    def column(index: int, prepare: Callable[[Any], str] | None = None) -> Any:
        return layout.cells(index, style=table.columns[index].style, prepare=prepare)

    lay_id = column(0).lay  # every id is new: laid out, not remembered
    lay_item = column(4).lay  # nor is every item
    dates = column(1)
    targets = column(2, cells.target)
    amounts = column(3, cells.amount)
    items = column(4, shown)
    notes = column(5, shown)
    units = column(6, cells.unit)
    bys = column(7, shown)
    margin, gap, trim = layout.margin, layout.gap, table.trim
    # A row two lines high (a unit or an item folded once) continues the four columns that
    # never fold with blanks, the same for every row.
    fixed_blank = margin + gap.join(" " * size for size in layout.widths[:4]) + gap
    item_blank, note_blank, unit_blank, by_blank = (" " * size for size in layout.widths[4:8])
    pending: list[str] = []
    batch = 1
    for row in rows:
        entry_id, day, target, milli, item, note, unit, by, void_id, _ = row
        if cells.include_voided:  # --all: each row through the general layout
            pending.append("".join(line + "\n" for line in layout.row(cells.row(row))))
        else:
            i = items[item] if item is None or not item.isprintable() else lay_item(item)
            n = notes[note]
            u = units[unit]
            b = bys[by]
            fixed = (lay_id(f"#{entry_id}"), dates[day], targets[target], amounts[milli])
            line = margin + gap.join(
                (
                    fixed[0][0],
                    fixed[1][0],
                    fixed[2][0],
                    fixed[3][0],
                    i[0],
                    n[0],
                    u[0],
                    b[0],
                )
            )
            height = max(len(i), len(n), len(u), len(b))
            if height == 1:
                pending.append((line.rstrip() if trim else line) + "\n")
            elif height == 2 and not trim:
                second = gap.join(
                    (
                        i[1] if len(i) == 2 else item_blank,
                        n[1] if len(n) == 2 else note_blank,
                        u[1] if len(u) == 2 else unit_blank,
                        b[1] if len(b) == 2 else by_blank,
                    )
                )
                pending.append(line + "\n" + fixed_blank + second + "\n")
            else:
                pending.append("\n".join(layout.join((*fixed, i, n, u, b))) + "\n")
        if len(pending) >= batch:
            write("".join(pending))
            pending.clear()
            batch = WRITE_ROWS
    write("".join(pending))


# --- import ------------------------------------------------------------------------------------


def _import_help() -> str:
    """The alias table shown after the options of ``import --help``."""
    from kxplan.entry import FIELDS
    from kxplan.normalise import IGNORED_COLUMNS, alias_lines

    columns = "\n".join(f"  {line}" for line in alias_lines(FIELDS))
    return t("help.import_columns", columns=columns, ignored=", ".join(IGNORED_COLUMNS))


@app.command("import", help=t("help.import"), epilog=_import_help())
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help=t("help.arg.csv"), show_default=False)],
    dry_run: Annotated[bool, typer.Option("--dry-run", help=t("help.opt.dry_run"))] = False,
    sample: Annotated[bool, typer.Option("--sample", help=t("help.opt.sample"))] = False,
    encoding: Annotated[
        str | None, typer.Option("--encoding", help=t("help.opt.encoding"), show_default=False)
    ] = None,
    sheet: Annotated[
        str | None, typer.Option("--sheet", help=t("help.opt.sheet"), show_default=False)
    ] = None,
    by: Annotated[str | None, by_option("help.opt.import_by")] = None,
) -> None:
    """Import entries from a CSV file or an XLSX sheet, all or nothing, skipping rows imported before."""
    from kxplan.csvio import ImportProblems, import_file
    from kxplan.tables import open_table

    env: Env = ctx.obj
    plan = env.plan()
    who = by_or_default(by)
    table = open_table(file, encoding=encoding, sheet=sheet)
    for text in table.notices:
        notice(text)
    try:
        with _progress(table) as progress:
            result = import_file(
                env.db_path,
                plan,
                table,
                today=env.today,
                by=who,
                dry_run=dry_run,
                progress=progress,
                sample=sample,
            )
    except ImportProblems as exc:
        for problem in exc.problems:
            sys.stderr.write(f"{shown(str(problem))}\n")
        raise
    if result.created:
        notice(t("store.created", path=env.db_path))
    if result.sample:
        notice(t("import.sample_marked", path=env.db_path))
    if result.added and not dry_run:
        committed(t("import.done", file=file, added=result.added, skipped=result.skipped))
    if result.voided:
        notice(t("import.voided_skipped", file=file, count=result.voided))
    if result.repeats:
        shown_rows = [t("import.repeat_row", line=line, id=i) for line, i in result.repeats[:5]]
        rows = t("text.list_sep").join(shown_rows) + ("…" if len(result.repeats) > 5 else "")
        notice(t("import.repeats", file=file, count=len(result.repeats), rows=rows))
    key = "import.dry_run" if dry_run else "import.done"
    if result.rows == 0:
        notice(t("import.no_rows", file=file))
    else:
        notice(t(key, file=file, added=result.added, skipped=result.skipped))


def _progress(table: ImportTable) -> Any:
    """A rich progress bar on stderr for large files on a terminal; nothing otherwise."""
    from kxplan.cli.env import Env

    if table.size_hint < 20_000 or not Env.is_terminal(sys.stderr):
        return contextlib.nullcontext()
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from kxplan.cli.env import console

    @contextmanager
    def bar() -> Any:
        with Progress(
            TextColumn(t("import.progress")),
            BarColumn(),
            MofNCompleteColumn(),
            console=console(stderr=True),
            transient=True,
        ) as progress:
            task = progress.add_task("import", total=table.size_hint)
            yield lambda n: progress.advance(task, n)

    return bar()


# --- export --------------------------------------------------------------------------------------


@app.command("export", help=t("help.export"))
def export(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", help=t("help.opt.format"))] = "csv",
    out: Annotated[
        Path | None, typer.Option("--out", help=t("help.opt.out"), show_default=False)
    ] = None,
    include_voided: Annotated[bool, typer.Option("--all", help=t("help.opt.export_all"))] = False,
    force: Annotated[bool, typer.Option("--force", help=t("help.opt.export_force"))] = False,
) -> None:
    """Export entries as CSV or JSON (non-voided only unless ``--all``).

    Entries stream from the database to the output one at a time, so an export of any size
    runs in bounded memory; ``--out`` is written to a temporary file renamed into place at the
    end (an interrupted export leaves the previous file).
    """
    env: Env = ctx.obj
    kind = fmt.strip().lower()
    if kind not in ("csv", "json", "xlsx"):
        raise InputError(t("export.bad_format", value=fmt))
    if kind == "xlsx" and out is None:
        raise InputError(t("export.xlsx_needs_out"))
    plan = env.plan()
    if out is not None:
        check_out(out, env, force=force)
    if kind == "xlsx":
        assert out is not None
        from kxplan.xlsxout import export_xlsx

        with store_session(env, create=False) as store:
            count = export_xlsx(store, plan, out, today=env.today)
        notice(t("export.done", count=count, path=out))
        return
    with store_session(env, create=False) as store, store.read_snapshot():
        entries = store.iter_entries(plan.year, include_voided=include_voided)
        if out is None:
            _write_export(sys.stdout, kind, entries, plan.aliases(), include_voided)
            return
        import io

        from kxplan.fsio import atomic_stream

        with atomic_stream(out) as raw:
            # CSV files get a BOM, so Excel on Chinese Windows reads them as UTF-8.
            encoding = "utf-8-sig" if kind == "csv" else "utf-8"
            text = io.TextIOWrapper(raw, encoding=encoding, newline="")
            count = _write_export(text, kind, entries, plan.aliases(), include_voided)
            text.flush()
            text.detach()  # atomic_stream syncs and closes the file
    notice(t("export.done", count=count, path=out))


def _write_export(
    stream: Any, kind: str, entries: Iterable[Entry], aliases: dict[str, str], voided: bool
) -> int:
    """Write entries to a text stream as CSV or JSON as they come; how many were written."""
    from kxplan.csvio import export_records, write_csv
    from kxplan.entry import entry_dict

    count = 0

    def counted() -> Iterator[Entry]:
        nonlocal count
        for entry in entries:
            count += 1
            yield entry

    if kind == "json":
        from kxplan.cli.output import json_array

        for piece in json_array(entry_dict(entry, aliases) for entry in counted()):
            stream.write(piece)
    else:
        write_csv(stream, export_records(counted(), aliases, include_voided=voided))
    return count
