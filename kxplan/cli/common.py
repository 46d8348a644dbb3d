"""Helpers the command modules share, so that no command module imports another.

- who is recording: the ``--by`` option (``by_option``), its value cleaned with record's
  rule (``given_by``), else the OS user (``default_by``); ``by_or_default`` is both;
- which day a report is for: ``resolve_as_of`` (``status``, ``show``);
- the open database, saying when it was created: ``store_session``;
- a target's total in one line after a write: ``summary`` (``record``, ``void``, ``add``,
  ``undo``).

Kept light: the completion path imports this module, so nothing heavy is imported at the top.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Any

import typer

from kxplan.cli.output import notice
from kxplan.errors import InputError
from kxplan.messages import t

if TYPE_CHECKING:
    from pathlib import Path

    from kxplan.cli.env import Env
    from kxplan.plan import Plan
    from kxplan.store import Store


# --- who is recording --------------------------------------------------------------------------


def by_option(help_key: str) -> Any:
    """The ``--by`` option (also ``KXPLAN_BY``) of the commands that write, with its help."""
    return typer.Option("--by", envvar="KXPLAN_BY", help=t(help_key), show_default=False)


def default_by() -> str:
    """Who is recording when ``--by`` is not given: the OS user, else ``unknown``.

    The OS user name (``LOGNAME``, ``USER`` …) is checked with the rule ``--by`` follows, so
    a name with control characters, or too long, is recorded as ``unknown``.
    """
    import getpass

    from kxplan.entry import clean_text

    try:
        name = getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in this environment
        return "unknown"
    text, problem = clean_text("by", name)
    return "unknown" if problem or not text else text


def given_by(value: str | None) -> str | None:
    """``--by`` / ``KXPLAN_BY`` cleaned with record's rule, or None when not given."""
    from kxplan.entry import clean_text

    text, problem = clean_text("by", value)
    if problem:
        raise InputError(problem)
    return text


def by_or_default(value: str | None) -> str:
    """``--by`` / ``KXPLAN_BY`` cleaned (``given_by``), else the OS user (``default_by``)."""
    return given_by(value) or default_by()


# --- the as-of date ----------------------------------------------------------------------------


def resolve_as_of(text: str | None, year: int, today: date) -> date:
    """``--as-of`` checked to be a real date in the plan year; else today clamped, with a notice.

    ``status`` and ``show`` share it; the date must be written ``YYYY-MM-DD`` (``parse_day``).
    """
    from kxplan.progress import clamp, parse_day

    first, last = date(year, 1, 1), date(year, 12, 31)
    if text is None:
        day = clamp(today, year)
        if day != today:
            notice(t("status.clamped", year=year, as_of=day.isoformat(), today=today.isoformat()))
        return day
    value = text.strip()
    given = parse_day(value)
    if given is None:
        raise InputError(t("status.bad_date", value=text))
    if not first <= given <= last:
        raise InputError(
            t(
                "status.outside_year",
                value=value,
                year=year,
                first=first.isoformat(),
                last=last.isoformat(),
            )
        )
    return given


# --- the database ------------------------------------------------------------------------------


@contextmanager
def store_session(env: Env, *, create: bool) -> Iterator[Store]:
    """The open database; says on stderr when a new one was created.

    An SQLite failure inside (a damaged file, a full disk) becomes one ``DatabaseError`` line;
    the write it interrupted was rolled back.
    """
    from kxplan.store import Store, database_errors

    with database_errors(env.db_path), Store.open(env.db_path, create=create) as store:
        if store.created:
            notice(t("store.created", path=env.db_path))
        yield store


# --- after a write -----------------------------------------------------------------------------


def summary(store: Store, plan: Plan, target_id: str, today: date) -> str:
    """A target's total in one line: ``p4.workstations: 3/10 家 (30.0%)``.

    Counted as ``status`` counts today (entries dated up to today, kept inside the plan year),
    so what ``record`` echoes and what ``status`` shows always agree.
    """
    from kxplan.numbers import format_number, percent
    from kxplan.progress import clamp

    target = plan.target(target_id)
    if target is None:
        return target_id
    as_of = clamp(today, plan.year)
    total, count = store.target_total(plan.year, target.ids, as_of=as_of)
    if target.kind == "count" and target.goal:
        return t(
            "record.summary_count",
            target=target.id,
            total=format_number(total),
            goal=format_number(target.goal),
            unit=target.unit or "",
            percent=percent(total, target.goal),
        )
    if target.kind == "milestone":
        first = store.first_entry(plan.year, target.ids) if count else None
        if first is not None and first[1] <= as_of:
            return t("record.summary_milestone", target=target.id, date=first[1].isoformat())
        return t("record.summary_milestone_open", target=target.id)
    return t("record.summary_activity", target=target.id, count=count)


# --- files a command writes -------------------------------------------------------------------

_EXPORT_REFUSALS = {
    "directory": "export.out_is_directory",
    "special": "export.out_not_a_file",
    "database": "export.out_is_database",
    "plan": "export.out_is_plan",
    "foreign": "export.out_is_sqlite",
    "exists": "export.out_exists",
}


def check_out(out: Path, env: Env, *, force: bool) -> None:
    """Refuse an ``--out`` that would destroy data (``kxplan.paths.check_output``): the
    database or its journals, the plan file, any SQLite database, anything but a regular
    file; an existing file only with ``force``."""
    from kxplan.paths import check_output

    check_output(
        out,
        _EXPORT_REFUSALS,
        plan=env.plan_path_or_none(),
        db=env.db_path,
        force=force,
        replaceable="not-sqlite",
    )
