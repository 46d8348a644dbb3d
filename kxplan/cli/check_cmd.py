"""``kxplan check`` and ``kxplan backup``: the health of the plan and the database together.

``check`` validates the plan, asks the store one snapshot's worth of questions
(``Store.health_report``) and lets ``kxplan.checks`` judge the answers: nothing printed and
exit 0 when all is well, else one line per problem (``--json``: a list of
``{check, severity, message, refs}``) and exit 1; a missing or foreign database exits 3.
The database is opened like by every command (an older schema is upgraded first).

``backup`` copies the database with SQLite's online backup API (``Store.backup``) as it is
(never upgraded), verifies the copy, and says so in one line on stderr.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kxplan.cli import app
from kxplan.cli.output import echo, notice, print_json
from kxplan.errors import ExitCode
from kxplan.messages import t

if TYPE_CHECKING:
    from kxplan.cli.env import Env


@app.command("check", help=t("help.check"))
def check(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help=t("help.opt.json"))] = False,
) -> None:
    """Check the plan and the database together; exit 1 when anything is wrong."""
    from kxplan import checks
    from kxplan.plan import check as check_plan
    from kxplan.store import Store, database_errors

    env: Env = ctx.obj
    plan, problems = check_plan(env.plan_path())
    facts = checks.plan_facts(plan) if plan is not None else {"year": None}
    with database_errors(env.db_path), Store.open(env.db_path, create=False) as store:
        with store.read_snapshot():
            health = store.health_report(**facts)
    findings = checks.collect(problems, health, str(env.db_path), plan)
    if plan is None:
        notice(t("check.plan_unusable"))
    elif health.year is None:
        notice(t("check.data_skipped"))
    if health.other_years:
        years = checks.other_years(health)
        notice(t("check.other_years", path=env.db_path, years=years, year=health.year))
    if as_json:
        print_json([finding.to_dict() for finding in findings])
    else:
        for finding in findings:
            echo(str(finding))
    if findings:
        raise typer.Exit(int(ExitCode.PROBLEMS))


_BACKUP_REFUSALS = {
    "directory": "backup.is_directory",
    "special": "backup.not_a_file",
    "database": "backup.same_file",
    "plan": "backup.is_plan",
    "foreign": "backup.not_kxplan",
    "exists": "backup.exists",
}


@app.command("backup", help=t("help.backup"))
def backup(
    ctx: typer.Context,
    dest: Annotated[
        Path,
        typer.Argument(metavar="DEST", help=t("help.arg.backup_dest"), show_default=False),
    ],
    force: Annotated[bool, typer.Option("--force", help=t("help.opt.force"))] = False,
) -> None:
    """Back up the database to DEST (online, consistent), verify it, and say so."""
    from kxplan.paths import check_output
    from kxplan.store import Store

    env: Env = ctx.obj
    check_output(
        dest,
        _BACKUP_REFUSALS,
        plan=env.plan_path_or_none(),
        db=env.db_path,
        force=force,
        replaceable="kxplan",
        example=dest / "kxplan-backup.db",
    )
    with Store.open(env.db_path, create=False, upgrade=False) as store:
        result = store.backup(dest, force=force)
    notice(t("backup.done", path=dest, entries=result.entries, voids=result.voids))
