"""``kxplan report``: render the quarterly progress report into files or onto stdout.

The flow: resolve the quarter and dates → open the database → read everything in one
snapshot (``report.load_report_data``) → build the context → render every format → only
then write the files, each atomically. A broken template therefore writes nothing, and a
failed write leaves the previous report in place.
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer

from kxplan.cli import completion
from kxplan.cli.env import Env
from kxplan.cli.output import notice
from kxplan.errors import InputError, OutputError, UsageError
from kxplan.messages import LANGUAGES, t

FORMAT_CHOICES = ("md", "html", "all")
_REPORT_REFUSALS = {
    "directory": "report.out_not_a_file",
    "special": "report.out_not_a_file",
    "database": "report.out_is_database",
    "plan": "report.out_is_plan",
}


def _register() -> None:
    from kxplan.cli import app

    app.command("report", help=t("help.report"))(report)


def report(
    ctx: typer.Context,
    quarter: Annotated[
        str,
        typer.Option(
            "--quarter",
            "-q",
            help=t("help.report.quarter"),
            show_default=False,
            autocompletion=completion.quarters,
        ),
    ],
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help=t("help.report.format"), show_default=False),
    ] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help=t("help.report.out"))] = Path("reports"),
    stdout: Annotated[bool, typer.Option("--stdout", help=t("help.report.stdout"))] = False,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help=t("help.report.as_of"), show_default=False)
    ] = None,
    known_at: Annotated[
        str | None,
        typer.Option("--known-at", help=t("help.report.known_at"), show_default=False),
    ] = None,
    templates: Annotated[
        Path | None,
        typer.Option(
            "--templates",
            envvar="KXPLAN_TEMPLATES",
            help=t("help.report.templates"),
            show_default=False,
        ),
    ] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help=t("help.report.lang"), show_default=False)
    ] = None,
    unit: Annotated[
        str | None,
        typer.Option(
            "--unit",
            help=t("help.report.unit"),
            show_default=False,
            autocompletion=completion.units,
        ),
    ] = None,
) -> None:
    """Render the quarterly report (Markdown and/or HTML)."""
    from kxplan import report as core
    from kxplan.progress import parse_day, parse_quarter
    from kxplan.store import Store

    env: Env = ctx.obj
    if lang is not None and lang not in LANGUAGES:
        raise UsageError(t("lang.invalid", lang=lang))
    if fmt is not None and fmt not in FORMAT_CHOICES:
        raise UsageError(t("report.bad_format", value=fmt))
    if stdout and fmt == "all":
        raise UsageError(t("report.stdout_one"))
    chosen = fmt or ("md" if stdout else "all")
    if not stdout and out.exists() and not out.is_dir():
        raise OutputError(t("report.out_not_dir", path=str(out)))

    plan = env.plan()
    env.use_language(plan=plan.lang, chosen=lang)
    unit_id = None
    if unit is not None:
        if not plan.units:
            raise InputError(t("report.unit_no_units"))
        unit_id = plan.unit_resolver().require(unit)
    parsed = parse_quarter(quarter, plan.year, env.today)
    if parsed is None:
        raise InputError(t("quarter.invalid", value=quarter))
    year, number = parsed
    if year != plan.year:
        raise UsageError(
            t("report.quarter_year", quarter=core.quarter_id(year, number), year=plan.year)
        )
    given = None
    if as_of is not None:
        given = parse_day(as_of)
        if given is None:
            raise InputError(t("report.bad_as_of", value=as_of))
    day = core.report_as_of(year, number, env.today, given)
    moment = core.parse_known_at(known_at) if known_at is not None else None
    # 报告日期 is the day the report is made (cron on 1 July: 2019-07-01), not 统计截至
    report_date = _source_date(os.environ.get("SOURCE_DATE_EPOCH")) or env.today

    with Store.open(env.db_path, create=False) as store:
        data = core.load_report_data(store, plan, number, day, moment, unit=unit_id)
    context = core.build_context(data, report_date)
    rendered = core.render_all(context, core.iter_formats(chosen), templates)

    if stdout:
        _write_stdout(rendered[chosen].encode("utf-8"))
        return
    from kxplan.fsio import write_atomic_many
    from kxplan.paths import check_output

    files = [
        (out / f"{context.file_stem}.{name}", text.encode("utf-8"))
        for name, text in rendered.items()
    ]
    for path, _ in files:
        check_output(path, _REPORT_REFUSALS, plan=env.plan_path_or_none(), db=env.db_path)
    write_atomic_many(files)  # both files, or neither
    for path, _ in files:
        notice(t("report.wrote", path=str(path)))


def _source_date(value: str | None) -> date | None:
    """The report date from ``SOURCE_DATE_EPOCH`` (reproducible builds), or None."""
    if value is None or not value.strip():
        return None
    try:
        return datetime.fromtimestamp(int(value.strip()), UTC).date()
    except (ValueError, OverflowError, OSError):
        raise UsageError(t("report.bad_epoch", value=value)) from None


def _write_stdout(data: bytes) -> None:
    """The report's exact bytes on stdout."""
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is not None:
        buffer.write(data)
        buffer.flush()
    else:  # pragma: no cover - a text-only stream
        sys.stdout.write(data.decode("utf-8"))


_register()
