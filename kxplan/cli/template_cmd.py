"""``kxplan template``: the fill-in workbook (or CSV) an office receives, for its unit.

The command parses its options, asks ``kxplan.xlsxout`` for the template's spec (the unit
through the plan's one unit resolver, the dates of the year or the quarter) and writes the
file atomically. Exit codes: 0 written; 1 a bad unit, quarter, format or ``--out``.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kxplan.cli import app, completion
from kxplan.cli.common import check_out
from kxplan.cli.output import notice
from kxplan.errors import InputError
from kxplan.messages import t

if TYPE_CHECKING:
    from kxplan.cli.env import Env


@app.command("template", help=t("help.template"))
def template(
    ctx: typer.Context,
    unit: Annotated[
        str,
        typer.Option(
            "--unit",
            help=t("help.opt.template_unit"),
            show_default=False,
            autocompletion=completion.units,
        ),
    ],
    out: Annotated[
        Path, typer.Option("--out", help=t("help.opt.template_out"), show_default=False)
    ],
    quarter: Annotated[
        str | None,
        typer.Option(
            "--quarter",
            help=t("help.opt.template_quarter"),
            show_default=False,
            autocompletion=completion.plan_quarters,
        ),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help=t("help.opt.template_format"))] = "xlsx",
    force: Annotated[bool, typer.Option("--force", help=t("help.opt.template_force"))] = False,
) -> None:
    """Write one office's fill-in template."""
    from kxplan.fsio import atomic_stream
    from kxplan.xlsxout import template_spec, write_template, write_template_csv

    env: Env = ctx.obj
    kind = fmt.strip().lower()
    if kind not in ("xlsx", "csv"):
        raise InputError(t("template.bad_format", value=fmt))
    plan = env.plan()
    spec = template_spec(plan, unit, quarter)
    check_out(out, env, force=force)
    with atomic_stream(out) as stream:
        if kind == "csv":
            write_template_csv(stream, spec)
        else:
            created = datetime(spec.first.year, spec.first.month, spec.first.day)
            write_template(stream, plan, spec, created=created)
    notice(t("template.done", unit=spec.unit_label, period=spec.period, path=out))
