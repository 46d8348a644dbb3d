"""The typer app: global options, the command modules, and the one place errors become exits.

Command modules (``plan_cmds``, ``entry_cmds`` …) only parse arguments, call the core
(``plan``, ``store``, ``progress``, ``report``) and print. Heavy imports (rich, jinja2,
sqlite-utils) happen inside the commands that need them, so start-up stays fast.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from kxplan import __version__
from kxplan.cli.env import Env, early_language
from kxplan.errors import ExitCode, KxplanError, PlanError
from kxplan.messages import set_language, t

set_language(early_language(sys.argv[1:], os.environ))


class KxplanGroup(TyperGroup):
    """Runs every command and turns a ``KxplanError`` into one stderr line and its exit code."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except KxplanError as exc:
            _report_error(exc)
            raise typer.Exit(int(exc.exit_code)) from None
        except KeyboardInterrupt:
            sys.stderr.write(t("error.interrupted") + "\n")
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None


def _report_error(exc: KxplanError) -> None:
    if isinstance(exc, PlanError) and exc.problems:
        for problem in exc.problems:
            sys.stderr.write(f"{problem}\n")
    sys.stderr.write(f"{t('error.prefix')}: {exc.message}\n")


app = typer.Typer(
    cls=KxplanGroup,
    help=t("help.app"),
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"kxplan {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    plan: Annotated[
        Path | None,
        typer.Option("--plan", envvar="KXPLAN_PLAN", help=t("help.opt.plan"), show_default=False),
    ] = None,
    db: Annotated[
        Path, typer.Option("--db", envvar="KXPLAN_DB", help=t("help.opt.db"))
    ] = Path("kxplan.db"),
    lang: Annotated[
        str | None,
        typer.Option("--lang", envvar="KXPLAN_LANG", help=t("help.opt.lang"), show_default=False),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help=t("help.opt.version")),
    ] = False,
) -> None:
    """Global options shared by every command."""
    ctx.obj = Env.create(plan_option=plan, db_path=db, lang=lang)


from kxplan.cli import plan_cmds  # noqa: E402,F401  (registers the `plan` commands)


def run() -> None:
    """Entry point for the console script."""
    app(prog_name="kxplan")
