"""``kxplan plan diff OLD NEW``: what a plan edit means, one change per line.

OLD and NEW are plan files, or git objects written ``REV:PATH`` (``HEAD~1:plans/2019.yaml``)
read with ``git show`` in the current directory. An existing file always wins, so a file
whose name contains a colon is still read as a file.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kxplan.cli import plan_app
from kxplan.cli.output import echo, notice, print_json
from kxplan.errors import DatabaseError, ExitCode, InputError, PlanError
from kxplan.messages import t

if TYPE_CHECKING:
    from kxplan.plan import Plan
    from kxplan.plandiff import Change
    from kxplan.store.location import ServerLocation


@plan_app.command("diff", help=t("help.plan.diff"))
def plan_diff(
    ctx: typer.Context,
    old: Annotated[
        str, typer.Argument(metavar="OLD", help=t("help.arg.diff_old"), show_default=False)
    ],
    new: Annotated[
        str, typer.Argument(metavar="NEW", help=t("help.arg.diff_new"), show_default=False)
    ],
    as_json: Annotated[bool, typer.Option("--json", help=t("help.opt.json"))] = False,
    exit_code: Annotated[bool, typer.Option("--exit-code", help=t("help.opt.exit_code"))] = False,
) -> None:
    """Print the semantic changes from OLD to NEW; with --exit-code, exit 1 if there are any."""
    from kxplan.plandiff import change_json, diff, format_change

    env = ctx.obj
    old_plan, new_plan = read_plan(old), read_plan(new)
    env.use_language(plan=new_plan.lang)
    changes = diff(old_plan, new_plan)
    orphans = orphan_counts(env.db_path, old_plan.year, changes)
    if as_json:
        rows = []
        for index, change in enumerate(changes):
            row = change_json(change)
            if index in orphans:
                row["orphans"] = orphans[index]
            rows.append(row)
        print_json(rows)
    else:
        for index, change in enumerate(changes):
            echo(format_change(change, orphans.get(index)))
    if exit_code and changes:
        raise typer.Exit(int(ExitCode.PROBLEMS))


def read_plan(spec: str) -> Plan:
    """The valid plan in a file or git object ``REV:PATH``; ``PlanError`` lists its problems."""
    from kxplan.plan import parse

    plan, problems = parse(read_source(spec), spec)
    if plan is None or problems:
        raise PlanError(t("diff.invalid_plan", spec=spec, count=len(problems)), problems)
    return plan


def read_source(spec: str) -> bytes:
    """The bytes of a plan file, or of the git object ``REV:PATH`` when no such file exists."""
    path = Path(spec)
    if path.is_file():
        try:
            return path.read_bytes()
        except OSError as exc:
            raise InputError(t("plan.unreadable", path=spec, reason=exc.strerror or exc)) from None
    if path.exists() or ":" not in spec or spec.startswith("-"):
        raise InputError(t("diff.not_found", spec=spec))
    shown = _git("show", spec)
    kind = _git("cat-file", "-t", spec).decode("ascii", "replace").strip()
    if kind != "blob":
        raise InputError(t("diff.not_a_file", spec=spec, kind=kind))
    return shown


def _git(*args: str) -> bytes:
    """Run git in the current directory; a failure becomes a one-line ``InputError``."""
    import subprocess

    spec = args[-1]
    try:
        result = subprocess.run(["git", *args], capture_output=True, check=False)
    except FileNotFoundError:
        raise InputError(t("diff.git_missing", spec=spec)) from None
    if result.returncode != 0:
        lines = result.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = lines[0] if lines else t("diff.git_exit", code=result.returncode)
        reason = reason.removeprefix("fatal: ").removeprefix("error: ")
        raise InputError(t("diff.git_failed", spec=spec, reason=reason))
    return result.stdout


def orphan_counts(
    db_path: Path | ServerLocation, year: int, changes: list[Change]
) -> dict[int, int]:
    """Entries recorded under each change's lost ids, by change index; empty without a database."""
    from kxplan.plandiff import affects_entries

    wanted = [
        (index, change.lost) for index, change in enumerate(changes) if affects_entries(change)
    ]
    if not wanted or (isinstance(db_path, Path) and not db_path.is_file()):
        return {}
    from kxplan.store import Store

    try:
        store = Store.open(db_path, create=False)
    except DatabaseError as exc:
        notice(t("diff.orphans_skipped", reason=exc.message))
        return {}
    with store:
        return {index: store.target_total(year, lost)[1] if lost else 0 for index, lost in wanted}
