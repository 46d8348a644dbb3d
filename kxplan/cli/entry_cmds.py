"""``kxplan record|void|log|import|export``: write progress into the store and read it back.

Each command parses its arguments, validates with ``kxplan.entry`` *before* touching the
database (bad input never creates or changes it), calls one ``Store`` method and prints:
data on stdout, messages for people on stderr.
"""

from __future__ import annotations

import contextlib
import re
import sys
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kxplan.cli import app, completion
from kxplan.cli.common import by_option, by_or_default, default_by, store_session, summary
from kxplan.cli.output import echo, notice, print_json, shown
from kxplan.errors import InputError, UsageError
from kxplan.messages import t

if TYPE_CHECKING:
    from kxplan.cli.env import Env
    from kxplan.csvio import CsvTable
    from kxplan.entry import Entry
    from kxplan.plan import Plan

# An unknown option, not a negative or non-finite amount such as -3, -.5 or -inf.
_OPTION_LIKE = re.compile(r"^--?(?![0-9.]|(?:nan|inf|infinity)$)[A-Za-z]", re.IGNORECASE)
_QUARTER_RE = re.compile(r"^(?:([0-9]{4})-?)?[Qq]([1-4])$")
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
        echo(t("record.done", id=entry.id, summary=summary(store, plan, entry.target, env.today)))


# --- void ------------------------------------------------------------------------------------


def _entry_id(text: str) -> int:
    value = text.strip().lstrip("#")
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
    match = _QUARTER_RE.match(text.strip())
    if not match:
        raise InputError(t("log.bad_quarter", value=text, year=year))
    quarter_year = int(match.group(1) or year)
    if quarter_year != year:
        raise InputError(t("log.quarter_year", value=text, year=year))
    quarter = int(match.group(2))
    first = date(year, 3 * quarter - 2, 1)
    last = (
        date(year, 12, 31) if quarter == 4 else date(year, 3 * quarter + 1, 1) - timedelta(days=1)
    )
    return first, last


def _target_filter(plan: Plan, text: str) -> tuple[str, ...]:
    from kxplan.entry import Validator

    found, problem = Validator(plan, date(plan.year, 1, 1)).target(text)
    if found is None:
        raise InputError(problem or t("entry.target_required"))
    return (found.id, *found.renamed_from)


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
    date_from = date_to = None
    if quarter is not None:
        date_from, date_to = quarter_range(quarter, plan.year)
    with store_session(env, create=False) as store:
        entries = store.entries(
            plan.year,
            targets=targets,
            date_from=date_from,
            date_to=date_to,
            unit=unit.strip() if unit else None,
            include_voided=include_voided,
        )
    aliases = plan.aliases()
    if as_json:
        print_json([entry_dict(entry, aliases) for entry in entries])
        return
    if not entries:
        notice(t("log.none"))
        return
    _log_table(entries, aliases, include_voided)


def _log_table(entries: list[Entry], aliases: dict[str, str], include_voided: bool) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from kxplan.cli.env import console
    from kxplan.entry import format_amount

    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, highlight=False)
    table.add_column(t("label.log.id"), justify="right", no_wrap=True)
    table.add_column(t("label.log.date"), no_wrap=True)
    table.add_column(t("label.log.target"), no_wrap=True)
    table.add_column(t("label.log.amount"), justify="right", no_wrap=True)
    table.add_column(t("label.log.item"), overflow="fold")
    table.add_column(t("label.log.note"), overflow="fold")
    table.add_column(t("label.log.unit"), overflow="fold")
    table.add_column(t("label.log.by"), no_wrap=True)
    if include_voided:
        table.add_column(t("label.log.void"), overflow="fold")
    for entry in entries:
        cells: list[Any] = [
            f"#{entry.id}",
            entry.date.isoformat(),
            Text(shown(aliases.get(entry.target, entry.target))),
            format_amount(entry.amount),
            Text(shown(entry.item)),
            Text(shown(entry.note)),
            Text(shown(entry.unit)),
            Text(shown(entry.by)),
        ]
        style = None
        if include_voided:
            if entry.void is not None:
                void = entry.void
                cells.append(Text(t("label.log.voided", id=void.id, reason=shown(void.reason))))
                style = "dim strike"
            else:
                cells.append("")
        table.add_row(*cells, style=style)
    console().print(table)


# --- import ------------------------------------------------------------------------------------


@app.command("import", help=t("help.import"))
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help=t("help.arg.csv"), show_default=False)],
    dry_run: Annotated[bool, typer.Option("--dry-run", help=t("help.opt.dry_run"))] = False,
    encoding: Annotated[
        str | None, typer.Option("--encoding", help=t("help.opt.encoding"), show_default=False)
    ] = None,
    by: Annotated[str | None, by_option("help.opt.import_by")] = None,
) -> None:
    """Import entries from a CSV file, all or nothing, skipping rows imported before."""
    from kxplan.csvio import ImportProblems, import_file, read_csv

    env: Env = ctx.obj
    plan = env.plan()
    who = by_or_default(by)
    table = read_csv(file, encoding)
    if table.detected:
        notice(t("csv.detected", file=file, encoding=table.encoding))
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
            )
    except ImportProblems as exc:
        for problem in exc.problems:
            sys.stderr.write(f"{shown(str(problem))}\n")
        raise
    if result.created:
        notice(t("store.created", path=env.db_path))
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


def _progress(table: CsvTable) -> Any:
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
    """Export entries as CSV or JSON (non-voided only unless ``--all``)."""
    import io
    import json

    from kxplan.csvio import export_records, write_csv
    from kxplan.entry import entry_dict

    env: Env = ctx.obj
    kind = fmt.strip().lower()
    if kind not in ("csv", "json"):
        raise InputError(t("export.bad_format", value=fmt))
    if out is not None and out.is_dir():
        raise InputError(t("export.out_is_directory", path=out))
    plan = env.plan()
    if out is not None:
        _check_out(out, env, force=force)
    with store_session(env, create=False) as store:
        entries = store.entries(plan.year, include_voided=include_voided)
    aliases = plan.aliases()
    if kind == "json":
        text = json.dumps([entry_dict(e, aliases) for e in entries], ensure_ascii=False, indent=2)
        text += "\n"
    else:
        buffer = io.StringIO()
        write_csv(buffer, export_records(entries, aliases, include_voided=include_voided))
        text = buffer.getvalue()
    if out is None:
        sys.stdout.write(text)
        return
    from kxplan.fsio import write_atomic

    # CSV files get a BOM, so Excel on Chinese Windows reads them as UTF-8.
    write_atomic(out, text.encode("utf-8-sig" if kind == "csv" else "utf-8"))
    notice(t("export.done", count=len(entries), path=out))


def _check_out(out: Path, env: Env, *, force: bool) -> None:
    """Refuse an ``--out`` that would destroy data; an existing file only with ``force``.

    Never the database or its journals, the plan file, any SQLite database, or anything but
    a regular file (``/dev/null`` would be replaced by a file).
    """
    where = out.resolve()
    database = {Path(env.db_path).absolute(), Path(env.db_path).resolve()}
    journals = {Path(f"{db}{suffix}") for db in database for suffix in ("-wal", "-shm", "-journal")}
    if where in database or where in journals:
        raise InputError(t("export.out_is_database", path=out))
    if where == env.plan_path().resolve():
        raise InputError(t("export.out_is_plan", path=out))
    if not out.exists():
        return
    if not out.is_file():
        raise InputError(t("export.out_not_a_file", path=out))
    from kxplan.store import is_sqlite_file

    if is_sqlite_file(out):  # unreadable: writing it fails later with the OS's reason
        raise InputError(t("export.out_is_sqlite", path=out))
    if not force:
        raise InputError(t("export.out_exists", path=out))
