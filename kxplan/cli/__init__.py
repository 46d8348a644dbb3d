"""The typer app: global options, the command modules, and the one place errors become exits.

Command modules (``plan_cmds``, ``entry_cmds`` …) only parse arguments, call the core
(``plan``, ``store``, ``progress``, ``report``) and print. Heavy imports (rich, jinja2,
sqlite-utils) happen inside the commands that need them, so start-up stays fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import MutableMapping, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup
from typer.exceptions import Abort

from kxplan import __version__
from kxplan.cli import i18n, output
from kxplan.cli.env import Env, early_language
from kxplan.cli.typer_private import ClickException, build_command, is_no_args_help
from kxplan.errors import ExitCode, KxplanError, PlanError
from kxplan.messages import set_language, t

set_language(early_language(sys.argv[1:], os.environ))


class KxplanGroup(TyperGroup):
    """The one place where errors become messages and exit codes.

    ``KxplanError`` → one stderr line and its exit code; click usage errors → one translated
    stderr line and exit 2; Ctrl-C → exit 130 with nothing written.
    """

    _lazy_ready = False

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        i18n.install()
        i18n.localise_completion_options(self)
        argv = list(args or sys.argv[1:])
        set_language(early_language(argv, os.environ))
        completing = "_KXPLAN_COMPLETE" in os.environ  # shell completion: stay lean, no rich
        if not completing and (not argv or "--help" in argv or "-h" in argv):
            i18n.localise_help_render()
        options: dict[str, Any] = {
            "prog_name": prog_name,
            "complete_var": complete_var,
            "windows_expand_args": windows_expand_args,
            **extra,
        }
        if not standalone_mode:
            return super().main(args, standalone_mode=False, **options)
        output.begin()
        _announce_waits()
        try:
            result = super().main(args, standalone_mode=False, **options)
            output.flush()
        except output.OutputFailed as failure:
            sys.exit(output.finish(failure))
        except ClickException as exc:
            if is_no_args_help(exc):
                sys.exit(int(ExitCode.USAGE))
            ctx = getattr(exc, "ctx", None)
            command = ctx.command_path if ctx is not None else "kxplan"
            message = i18n.usage_message(exc.format_message())
            sys.stderr.write(f"{command}: {t('usage.error', message=message, command=command)}\n")
            sys.exit(exc.exit_code)
        except Abort as exc:
            if output.is_committed():
                output.say_committed()
                sys.exit(0)
            sys.stderr.write(t("error.interrupted") + "\n")
            sys.exit(_interrupted_status(exc))
        sys.exit(result if isinstance(result, int) else 0)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        """The command, its module imported and its parameters built on first use.

        Until then the command is a stand-in carrying its name and help text, which is all
        that ``--help``, completion of command names and typo suggestions need.
        """
        if not self._lazy_ready:
            self._lazy_ready = True
            self.commands = _with_stand_ins(self.commands)
        command = self.commands.get(cmd_name)
        if isinstance(command, _StandIn) and not ctx.meta.get(_LISTING):
            command = self.commands[cmd_name] = _build(cmd_name)
        return command

    def list_commands(self, ctx: Any) -> list[str]:
        """Every command in help order (``COMMANDS``), loaded or not."""
        if not self._lazy_ready:
            self._lazy_ready = True
            self.commands = _with_stand_ins(self.commands)
        return super().list_commands(ctx)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        ctx.meta[_LISTING] = True
        try:
            super().format_help(ctx, formatter)
        finally:
            ctx.meta.pop(_LISTING, None)

    def shell_complete(self, ctx: Any, incomplete: str) -> Any:
        ctx.meta[_LISTING] = True
        try:
            return super().shell_complete(ctx, incomplete)
        finally:
            ctx.meta.pop(_LISTING, None)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, ClickException, Abort):
            raise
        except (Exception, KeyboardInterrupt) as exc:
            if output.is_committed():  # the write is stored: the exit status says so
                problem = None
                if isinstance(exc, KxplanError):
                    problem = exc.message
                elif not isinstance(exc, KeyboardInterrupt):
                    problem = f"{type(exc).__name__}: {exc}"
                output.say_committed(problem)
                raise typer.Exit(0) from None
            if isinstance(exc, KxplanError):
                _report_error(exc)
                raise typer.Exit(int(exc.exit_code)) from None
            if isinstance(exc, KeyboardInterrupt):
                sys.stderr.write(t("error.interrupted") + "\n")
                raise typer.Exit(_interrupted_status(exc)) from None
            if os.environ.get("KXPLAN_DEBUG"):
                raise
            from kxplan.store.interface import is_database_error

            if is_database_error(exc):
                from kxplan.store.interface import database_failure

                failure = database_failure(getattr(ctx.obj, "db_path", "kxplan.db"), exc)
                _report_error(failure)
                raise typer.Exit(int(failure.exit_code)) from None
            error = f"{type(exc).__name__}: {exc}"
            sys.stderr.write(f"{t('error.prefix')}: {t('error.unexpected', error=error)}\n")
            raise typer.Exit(int(ExitCode.INTERNAL)) from None


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP: stop like Ctrl-C (temporary files removed, nothing half-written)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _interrupted_status(exc: BaseException) -> int:
    """130 for Ctrl-C; 128 + the signal number for SIGTERM (143) and SIGHUP (129)."""
    while exc is not None:
        if isinstance(exc, Terminated):
            return 128 + exc.signum
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return int(ExitCode.INTERRUPTED)


def _on_signal(signum: int, _frame: Any) -> None:
    raise Terminated(signum)


_LISTING = "kxplan.listing_commands"


def _imported(name: str) -> bool:
    return all(f"kxplan.cli.{module}" in sys.modules for module in COMMANDS[name])


class _StandIn(TyperCommand):
    """A command not loaded yet: its name and help text (``t("help.<name>")``), no parameters."""


def _with_stand_ins(built: MutableMapping[str, Any]) -> dict[str, Any]:
    """The commands in ``COMMANDS`` order, a stand-in for each whose module is not imported."""
    commands = {
        name: built[name]
        if name in built and _imported(name)
        else _StandIn(name=name, help=t(f"help.{name}"), rich_markup_mode=app.rich_markup_mode)
        for name in COMMANDS
    }
    return commands | {name: command for name, command in built.items() if name not in commands}


def _build(name: str) -> Any:
    """Import the command's module and build its click command (a group for ``plan``)."""
    _import_modules(name)
    return build_command(app, name)


def _announce_waits() -> None:
    """A write waiting behind another (a long import) says so on stderr after ~2 s."""
    from kxplan.store.retry import set_waiting_notice

    set_waiting_notice(lambda what: output.notice(t("store.waiting", path=what)))


def _report_error(exc: KxplanError) -> None:
    """Print a user error: its problems (if any), then one line; user text is made inert."""
    from kxplan.text import shown

    if isinstance(exc, PlanError) and exc.problems:
        for problem in exc.problems:
            sys.stderr.write(f"{shown(str(problem))}\n")
    sys.stderr.write(f"{t('error.prefix')}: {shown(exc.message)}\n")


app = typer.Typer(
    cls=KxplanGroup,
    help=t("help.app"),
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class LocalisedHelpGroup(TyperGroup):
    """A command group whose help, however it is reached, is drawn with translated labels.

    ``kxplan plan`` alone prints the group's help without ``--help`` on the command line, so
    the labels are translated when help is formatted, not only when ``--help`` is seen.
    """

    def format_help(self, ctx: Any, formatter: Any) -> None:
        i18n.localise_help_render()
        super().format_help(ctx, formatter)


#: ``kxplan plan …``: the commands about the plan file register on it (plan_cmds, plan_diff_cmd).
plan_app = typer.Typer(cls=LocalisedHelpGroup, help=t("help.plan"), no_args_is_help=True)
app.add_typer(plan_app, name="plan")

#: ``kxplan db …``: the administrator's commands register on it (db_cmds).
db_app = typer.Typer(help=t("help.db"), no_args_is_help=True)
app.add_typer(db_app, name="db")


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
        str, typer.Option("--db", envvar="KXPLAN_DB", help=t("help.opt.db"))
    ] = "kxplan.db",
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
    from kxplan.store.location import location_of

    ctx.obj = Env.create(plan_option=plan, db_path=location_of(db), lang=lang)


#: Every command in `kxplan --help` order, and the modules that register it on `app` (or on
#: `plan_app`) when imported. A command's module is imported only when that command runs, so
#: typer builds the parameters of the invoked command alone (building all fifteen cost ~45 ms
#: of every start-up). Its help is ``t("help.<name>")``, which `--help` lists without importing.
COMMANDS: dict[str, tuple[str, ...]] = {
    "check": ("check_cmd",),
    "backup": ("check_cmd",),
    "record": ("entry_cmds",),
    "void": ("entry_cmds",),
    "log": ("entry_cmds",),
    "import": ("entry_cmds",),
    "export": ("entry_cmds",),
    "template": ("template_cmd",),
    "add": ("clerk_cmds",),
    "show": ("clerk_cmds",),
    "undo": ("clerk_cmds",),
    "report": ("report_cmd",),
    "status": ("status_cmd",),
    "plan": ("plan_cmds", "plan_diff_cmd"),
    "db": ("db_cmds",),
}


def command_tree() -> Any:
    """The whole click command tree, every command module loaded (docs, tests, tools)."""
    import typer.main

    for name in COMMANDS:
        _import_modules(name)
    return typer.main.get_command(app)


def _import_modules(name: str) -> None:
    import importlib

    for module in COMMANDS[name]:
        importlib.import_module(f"kxplan.cli.{module}")


def run() -> None:
    """Entry point for the console script: safe streams, SIGTERM/SIGHUP as Ctrl-C, the app."""
    import signal

    output.install_streams()
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _on_signal)
    app(prog_name="kxplan")
