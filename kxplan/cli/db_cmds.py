"""``kxplan db …``: the administrator's commands — schema, clerks, copying a whole database.

- ``db init`` creates or upgrades kxplan's schema where ``--db`` points (on SQLite what the
  first write does anyway; on a PostgreSQL server the administrator's step before clerks
  record);
- ``db add-clerk LOGIN --unit UNIT`` (or ``--all-units``) gives a login role the right to read
  everything and to record and void for its unit only (PostgreSQL; ``kxplan.store.postgres.admin``);
- ``db rebuild-summary`` rebuilds the per-day summary that ``status`` and reports read
  (derived from the entries, kept by triggers) when ``kxplan check`` finds it disagreeing;
- ``db copy SRC DEST`` copies every entry and void between any two stores and verifies the
  copy (``kxplan.store.copy``).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from kxplan.cli import db_app
from kxplan.cli.output import notice
from kxplan.errors import InputError, UsageError
from kxplan.messages import t

if TYPE_CHECKING:
    from kxplan.cli.env import Env


@db_app.command("init", help=t("help.db.init"))
def db_init(ctx: typer.Context) -> None:
    """Create or upgrade kxplan's schema in the database ``--db`` names."""
    from kxplan.store import Store, database_errors

    env: Env = ctx.obj
    with database_errors(env.db_path):
        before, after = Store.init(env.db_path)
    if before == 0:
        notice(t("db.init_created", path=env.db_path, version=after))
    elif before < after:
        notice(t("db.init_upgraded", path=env.db_path, before=before, version=after))
    else:
        notice(t("db.init_current", path=env.db_path, version=after))


@db_app.command("rebuild-summary", help=t("help.db.rebuild_summary"))
def db_rebuild_summary(ctx: typer.Context) -> None:
    """Rebuild the derived per-day summary from the entries (what ``check`` may ask for)."""
    from kxplan.store import Store, database_errors

    env: Env = ctx.obj
    with database_errors(env.db_path), Store.open(env.db_path, create=False) as store:
        with store.write_transaction():
            rows = store.rebuild_summary()
    if rows is None:
        notice(t("db.summary_none", path=env.db_path))
    else:
        notice(t("db.summary_rebuilt", path=env.db_path, rows=rows))


@db_app.command("add-clerk", help=t("help.db.add_clerk"))
def db_add_clerk(
    ctx: typer.Context,
    login: Annotated[
        str, typer.Argument(metavar="LOGIN", help=t("help.arg.login"), show_default=False)
    ],
    unit: Annotated[
        str | None,
        typer.Option("--unit", metavar="UNIT", help=t("help.opt.clerk_unit"), show_default=False),
    ] = None,
    all_units: Annotated[bool, typer.Option("--all-units", help=t("help.opt.all_units"))] = False,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help=t("help.opt.password_stdin"))
    ] = False,
) -> None:
    """Make LOGIN a clerk of one unit (or of all units) on the PostgreSQL server."""
    from kxplan.store.location import ServerLocation

    env: Env = ctx.obj
    if (unit is None) == (not all_units):
        raise UsageError(t("db.clerk_unit_required"))
    if not isinstance(env.db_path, ServerLocation):
        raise InputError(t("db.clerk_needs_server", path=env.db_path))
    if unit is not None:
        unit = env.plan().unit_resolver().require(unit)  # the plan's unit id, as record stores it
    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise InputError(t("db.password_empty"))
    from kxplan.store.postgres.admin import add_clerk

    clerk = add_clerk(env.db_path, login, None if all_units else unit, password=password)
    key = "db.clerk_added_all" if clerk.unit is None else "db.clerk_added"
    notice(t(key, login=clerk.login, unit=clerk.unit or "", path=env.db_path))
    if clerk.created_role and not clerk.has_password:
        notice(t("db.clerk_no_password", login=clerk.login))


@db_app.command("copy", help=t("help.db.copy"))
def db_copy(
    src: Annotated[
        str, typer.Argument(metavar="SRC", help=t("help.arg.copy_src"), show_default=False)
    ],
    dest: Annotated[
        str, typer.Argument(metavar="DEST", help=t("help.arg.copy_dest"), show_default=False)
    ],
) -> None:
    """Copy a whole database from SRC to the empty or new DEST and verify the copy."""
    from kxplan.store import database_errors
    from kxplan.store.copy import copy_database
    from kxplan.store.location import location_of

    source, target = location_of(src), location_of(dest)
    with database_errors(target):
        result = copy_database(source, target)
    notice(
        t(
            "db.copy_done",
            entries=result.entries,
            voids=result.voids,
            source=source,
            dest=target,
            targets=result.targets,
        )
    )
