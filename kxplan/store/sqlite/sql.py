"""SQL text and row conversion shared by the SQLite modules (columns, the live-entry test)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from kxplan.entry import Entry, Void, amount_from_milli

ENTRY_COLUMNS = (
    'e.id, e.plan_year, e.target, e.date, e.amount_milli, e.item, e.note, e.unit, e."by", '
    "e.evidence, e.recorded_at"
)
VOID_COLUMNS = 'v.id, v.entry_id, v.reason, v."by", v.recorded_at'
LISTING_COLUMNS = (
    'e.id, e.date, e.target, e.amount_milli, e.item, e.note, e.unit, e."by", v.id, v.reason'
)
"""A ``ListingRow``: the columns a listing shows, in its order."""
INSERT_ENTRY = (
    'INSERT INTO entries (plan_year, target, date, amount_milli, item, note, unit, "by", '
    "evidence, recorded_at, import_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
LIVE = "NOT EXISTS (SELECT 1 FROM voids v WHERE v.entry_id = e.id)"
"""The condition an entry ``e`` is not voided."""


def marks(values: Sequence[Any]) -> str:
    """``?, ?, ?``: one parameter mark per value, for ``IN (…)``."""
    return ", ".join("?" * len(values))


def entry_from_row(row: Sequence[Any]) -> Entry:
    """An ``Entry`` from ``SELECT {ENTRY_COLUMNS}, {VOID_COLUMNS}`` (its void when not NULL)."""
    return Entry(
        id=row[0],
        plan_year=row[1],
        target=row[2],
        date=date.fromisoformat(row[3]),
        amount=amount_from_milli(row[4]),
        item=row[5],
        note=row[6],
        unit=row[7],
        by=row[8],
        evidence=row[9],
        recorded_at=row[10],
        void=void_from_row(row[11:]),
    )


def void_from_row(row: Sequence[Any]) -> Void | None:
    """A ``Void`` from ``SELECT {VOID_COLUMNS}``, or None when its id is NULL (no void)."""
    if row[0] is None:
        return None
    return Void(id=row[0], entry_id=row[1], reason=row[2], by=row[3], recorded_at=row[4])
