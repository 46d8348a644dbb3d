"""``kxplan record|void|log|import|export``: write progress into the store and read it back.

Each command parses its arguments, validates with ``kxplan.entry`` *before* touching the
database (bad input never creates or changes it), calls one ``Store`` method and prints:
data on stdout, messages for people on stderr.
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Iterable, Iterator
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
from kxplan.errors import InputError, UsageError
from kxplan.messages import t
from kxplan.text import shown

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from kxplan.cli.env import Env
    from kxplan.entry import Entry
    from kxplan.plan import Plan
    from kxplan.tables import Table as ImportTable

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
    import itertools

    from kxplan.cli import listing
    from kxplan.cli.term import output_width, use_colour
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
        head = list(itertools.islice(rows, listing.MEASURED_ROWS + 1))
        if not head:
            notice(t("log.none"))
            return
        bounds = None
        if len(head) > listing.MEASURED_ROWS:  # a long listing: widths from bounds, streamed
            bounds = store.listing_bounds(plan.year, **filters)
        table = listing.log_table(include_voided, plan, bounds)
        cells = listing.LogCells(aliases, resolver, include_voided)
        measured = [] if table.streams() else [cells.row(row) for row in head]
        layout = table.layout(table.widths(measured, output_width()), use_colour())
        listing.write_log(layout, itertools.chain(head, rows), cells)


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
