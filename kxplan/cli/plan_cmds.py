"""``kxplan plan check|show``: validate a plan file and show it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kxplan.cli import plan_app
from kxplan.cli.output import echo, print_json
from kxplan.errors import ExitCode, PlanError
from kxplan.messages import t


@plan_app.command("check", help=t("help.plan.check"))
def plan_check(
    ctx: typer.Context,
    files: Annotated[
        list[Path] | None, typer.Argument(help=t("help.arg.plan_files"), show_default=False)
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help=t("help.opt.json"))] = False,
) -> None:
    """Validate plan files and print every problem as file:line:column: message.

    A listed file that cannot be read (missing, a folder, no permission) is one problem at
    1:1 and the other files are still checked; a missing ``--plan`` is an error as anywhere.
    """
    from kxplan.plan import Problem, check

    env = ctx.obj
    if not files:
        problems = check(env.plan_path())[1]
    else:
        problems = []
        for path in files:
            try:
                problems.extend(check(path)[1])
            except PlanError as exc:
                message = exc.message if path.exists() else t("pv.no_such_file")
                problems.append(Problem(str(path), 1, 1, message))
    if as_json:
        print_json([problem._asdict() for problem in problems])
    else:
        for problem in problems:
            echo(str(problem))
    if problems:
        raise typer.Exit(int(ExitCode.PROBLEMS))


@plan_app.command("show", help=t("help.plan.show"))
def plan_show(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help=t("help.opt.json"))] = False,
) -> None:
    """Show sections → points → targets."""
    plan = ctx.obj.plan()
    if as_json:
        print_json(plan.to_dict())
        return
    from kxplan.cli.output import plan_tree

    plan_tree(plan)
