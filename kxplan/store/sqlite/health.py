"""The questions ``kxplan check`` asks an SQLite database, answered as ``Health`` data.

``PRAGMA quick_check`` first: a file whose structure is damaged is not read further (its
answers cannot be trusted, nor always read); rows that only break a column rule (CHECK,
NOT NULL, type) are reported and the entry checks still run. Then, for a plan year, the
entries a plan cannot account for, each found by one grouped query with old target ids mapped
to current ones in SQL (``WITH alias(old, new)``). ``kxplan.checks`` judges the answers.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable

from kxplan.store.interface import Health
from kxplan.store.sqlite.schema import DAILY_FROM_ENTRIES
from kxplan.store.sqlite.sql import LIVE, marks

# quick_check lines about rows that break a column rule (the file itself is sound), as
# SQLite words them: "CHECK constraint failed in entries", "NULL value in entries.by",
# "non-INTEGER value in entries.amount_milli".
_ROW_RULE = re.compile(
    r"^(?:CHECK constraint failed in \S+|NULL value in \S+|non-\w+ value in \S+)$"
)


def quick_check(conn: sqlite3.Connection) -> str:
    """SQLite's ``PRAGMA quick_check``: ``ok`` or the first problems found."""
    rows = conn.execute("PRAGMA quick_check").fetchall()
    return "\n".join(str(row[0]) for row in rows)


def health_report(
    conn: sqlite3.Connection,
    year: int | None,
    known_ids: Iterable[str] = (),
    aliases: dict[str, str] | None = None,
    milestones: Iterable[str] = (),
) -> Health:
    """The ``Health`` of the database on ``conn`` (see ``Store.health_report``)."""
    try:
        integrity = quick_check(conn)
    except sqlite3.DatabaseError as exc:  # too damaged even to be checked
        integrity = str(exc)
    health = Health(
        quick_check=integrity,
        schema_version=conn.execute("PRAGMA user_version").fetchone()[0],
        application_id=conn.execute("PRAGMA application_id").fetchone()[0],
        damaged=integrity != "ok"
        and not all(_ROW_RULE.match(line) for line in integrity.splitlines()),
    )
    if health.damaged:
        return health  # a damaged file's answers cannot be trusted, nor always read
    health.dangling_voids = [
        (row[0], row[1])
        for row in conn.execute(
            "SELECT v.id, v.entry_id FROM voids v"
            " WHERE NOT EXISTS (SELECT 1 FROM entries e WHERE e.id = v.entry_id) ORDER BY v.id"
        )
    ]
    health.summary_drift = summary_drift(conn)
    if year is None:
        return health
    health.year = year
    health.other_years = [
        (row[0], row[1])
        for row in conn.execute(
            "SELECT plan_year, count(*) FROM entries WHERE plan_year != ?"
            " GROUP BY plan_year ORDER BY plan_year",
            (year,),
        )
    ]
    aliases = dict(aliases or {})
    known = sorted(set(known_ids) | set(aliases))
    health.orphans = [
        (row[0], _ids(row[1]))
        for row in conn.execute(
            "SELECT e.target, group_concat(e.id) FROM entries e WHERE e.plan_year = ?"
            f" AND e.target NOT IN ({marks(known)}) AND {LIVE}"
            " GROUP BY e.target ORDER BY e.target",
            (year, *known),
        )
    ]
    first, last = f"{year:04d}-01-01", f"{year:04d}-12-31"
    health.bad_dates = [
        (row[0], row[1])
        for row in conn.execute(
            "SELECT e.id, e.date FROM entries e WHERE e.plan_year = ?"
            " AND (date(e.date, '+0 days') IS NOT e.date OR e.date NOT BETWEEN ? AND ?)"
            f" AND {LIVE} ORDER BY e.id",
            (year, first, last),
        )
    ]
    with_alias, params = _mapped_targets(aliases)
    wanted = _with_old_ids(set(milestones), aliases)
    if wanted:
        health.milestones_twice = [
            (row[0], _ids(row[1]))
            for row in conn.execute(
                f"{with_alias} SELECT coalesce(a.new, e.target) AS mapped, group_concat(e.id)"
                " FROM entries e LEFT JOIN alias a ON a.old = e.target"
                f" WHERE e.plan_year = ? AND {LIVE} AND e.target IN ({marks(wanted)})"
                " GROUP BY mapped HAVING count(*) > 1 ORDER BY mapped",
                (*params, year, *wanted),
            )
        ]
    health.units = [
        (row[0], row[1])
        for row in conn.execute(
            "SELECT unit, sum(entries) FROM daily WHERE plan_year = ? AND unit IS NOT NULL"
            " GROUP BY unit HAVING sum(entries) > 0 ORDER BY unit",
            (year,),
        )
    ]  # from the summary (schema 5): its agreement with the entries is checked above
    # items are the same under text.comparable (NFKC, invisible characters, case, spaces);
    # the item shown is the first entry's (SQLite takes bare columns from the min() row)
    from kxplan.text import comparable

    conn.create_function("kx_comparable", 1, comparable, deterministic=True)
    health.duplicate_items = [
        (row[0], row[1], _ids(row[2]))
        for row in conn.execute(
            f"{with_alias} SELECT coalesce(a.new, e.target) AS mapped, e.item,"
            " group_concat(e.id), min(e.id) FROM entries e LEFT JOIN alias a ON a.old = e.target"
            f" WHERE e.plan_year = ? AND e.item IS NOT NULL AND {LIVE}"
            " GROUP BY mapped, kx_comparable(e.item) HAVING count(*) > 1"
            " ORDER BY mapped, kx_comparable(e.item)",
            (*params, year),
        )
    ]
    return health


def summary_drift(conn: sqlite3.Connection) -> list[tuple[int, str, str, str | None]]:
    """(plan year, target, date, unit) of every ``daily`` row that is not what the entries
    say, and of every group of entries without its row (schema 5)."""
    # One pass over the entries: a group that agrees has the same row on both sides (two
    # rows in its GROUP BY), a group that disagrees or is missing on one side has one each.
    keys = "plan_year, target, date, unit"
    rows = conn.execute(
        f"SELECT DISTINCT {keys} FROM (SELECT {keys}, amount_milli, entries FROM daily"
        f" UNION ALL {DAILY_FROM_ENTRIES}) GROUP BY {keys}, amount_milli, entries"
        f" HAVING count(*) = 1 ORDER BY {keys}"
    )
    return [(row[0], row[1], row[2], row[3]) for row in rows]


def _ids(text: str) -> list[int]:
    """Entry ids from ``group_concat`` in ascending order."""
    return sorted(int(part) for part in text.split(","))


def _mapped_targets(aliases: dict[str, str]) -> tuple[str, list[str]]:
    """A ``WITH alias(old, new)`` clause mapping old target ids to current ones, and its params."""
    if not aliases:
        return "WITH alias(old, new) AS (SELECT NULL, NULL WHERE 0)", []
    pairs = sorted(aliases.items())
    values = ", ".join("(?, ?)" for _ in pairs)
    return f"WITH alias(old, new) AS (VALUES {values})", [v for pair in pairs for v in pair]


def _with_old_ids(ids: set[str], aliases: dict[str, str]) -> list[str]:
    """These target ids and every old id that maps to one of them, sorted."""
    return sorted(ids | {old for old, new in aliases.items() if new in ids})
