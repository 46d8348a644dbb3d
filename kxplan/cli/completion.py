"""Shell completion (bash, zsh, fish) of target ids, work points, units and quarters.

The shell runs the whole program on every TAB, so these callbacks read only what they need:
the plan through the plan loader (PyYAML only; never rich, jinja2 or sqlite-utils) and, for
units, the database through ``Store.open_read_only``, which never creates, migrates, locks
or leaves files beside it. Any failure — no plan, a broken plan, no database — means no
suggestions: nothing printed, no traceback. Each callback takes the click context and the word being completed, and
returns ``(value, help)`` pairs; zsh and fish show the help (a target's title) beside it.

Installed with typer's ``kxplan --install-completion``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kxplan.cli.typer_private import plain_completion_help

if TYPE_CHECKING:
    from kxplan.plan import Plan
    from kxplan.store.location import ServerLocation

Item = tuple[str, str]


def target_ids(ctx: Any, incomplete: str) -> list[Item]:
    """Target ids starting with ``incomplete``, in plan order, each with its title."""
    try:
        plain_completion_help()
        plan = _plan(ctx)
        return [
            (target.id, target.title)
            for target in plan.targets()
            if target.id.startswith(incomplete)
        ]
    except Exception:  # noqa: BLE001 - completion must never fail loudly
        return []


def point_numbers(ctx: Any, incomplete: str) -> list[Item]:
    """Work point numbers (``status --point``) with their titles."""
    try:
        plain_completion_help()
        return [
            (str(point.number), point.title)
            for point in _plan(ctx).points()
            if str(point.number).startswith(incomplete)
        ]
    except Exception:  # noqa: BLE001
        return []


def section_numbers(ctx: Any, incomplete: str) -> list[Item]:
    """Section numbers (``status --section``) with their titles."""
    try:
        plain_completion_help()
        return [
            (str(section.number), section.title)
            for section in _plan(ctx).sections
            if str(section.number).startswith(incomplete)
        ]
    except Exception:  # noqa: BLE001
        return []


def units(ctx: Any, incomplete: str) -> list[Item]:
    """The plan's units (ids, with the name as help) whose id, name or alias starts with
    ``incomplete``; for a plan without units, the units already used in its year's entries."""
    try:
        from kxplan.store import Store
        from kxplan.text import comparable

        plain_completion_help()
        plan = _plan(ctx)
        year = plan.year
        if plan.units:
            typed = comparable(incomplete)
            return [
                (unit.id, unit.name)
                for unit in plan.units
                if any(comparable(name).startswith(typed) for name in unit.names())
            ]
        store = Store.open_read_only(_db_path(ctx))
        if store is None:
            return []
        with store:
            found = store.units(year)
        return [(unit, "") for unit in found if unit.startswith(incomplete)]
    except Exception:  # noqa: BLE001
        return []


def quarters(ctx: Any, incomplete: str) -> list[Item]:
    """The plan year's quarters (``2019Q1`` … ``2019Q4``), then ``current`` and ``previous``."""
    try:
        from kxplan.messages import t

        items = _quarters(ctx)
        items.append(("current", t("complete.current")))
        items.append(("previous", t("complete.previous")))
        return [item for item in items if item[0].startswith(incomplete)]
    except Exception:  # noqa: BLE001
        return []


def plan_quarters(ctx: Any, incomplete: str) -> list[Item]:
    """Only the plan year's quarters (for ``log --quarter``, which takes no ``current``)."""
    try:
        return [item for item in _quarters(ctx) if item[0].startswith(incomplete)]
    except Exception:  # noqa: BLE001
        return []


def _quarters(ctx: Any) -> list[Item]:
    """``2019Q1`` … ``2019Q4`` with their first and last days."""
    from kxplan.messages import t
    from kxplan.progress import quarter_bounds

    plain_completion_help()
    year = _plan(ctx).year
    items = []
    for quarter in range(1, 5):
        start, end = quarter_bounds(year, quarter)
        help_text = t("complete.quarter", start=start.isoformat(), end=end.isoformat())
        items.append((f"{year}Q{quarter}", help_text))
    return items


# --- what the command line says ------------------------------------------------------------


def _root_params(ctx: Any) -> dict[str, Any]:
    """The global options as parsed so far (click parses them, resiliently, before completing)."""
    root = ctx.find_root() if ctx is not None else None
    return dict(getattr(root, "params", None) or {})


def _plan(ctx: Any) -> Plan:
    """The plan ``--plan`` / ``KXPLAN_PLAN`` names, else the one the default rule finds."""
    from kxplan.cli.env import today_from
    from kxplan.plan import find_default, load

    given = _root_params(ctx).get("plan")
    path = Path(given) if given else find_default(Path.cwd(), today_from(os.environ).year)
    return load(path)


def _db_path(ctx: Any) -> Path | ServerLocation:
    from kxplan.store.location import location_of

    given = _root_params(ctx).get("db") or os.environ.get("KXPLAN_DB") or "kxplan.db"
    return location_of(given)
