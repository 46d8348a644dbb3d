"""Entry and Void value objects, and the daily totals that progress arithmetic reads.

Amounts are exact Decimals (stored as integer thousandths). ``DailyTotal`` is what the store
aggregates in SQL — one row per (target, date) of non-voided entries — so progress and reports
never need every entry in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class Void:
    """A correction: the entry it voids, why, who, and when it was written (UTC)."""

    id: int
    entry_id: int
    reason: str
    by: str
    recorded_at: str


@dataclass(frozen=True)
class Entry:
    """One recorded piece of progress. Never updated or deleted; voided by a ``Void``."""

    id: int
    plan_year: int
    target: str
    date: date
    amount: Decimal | None
    item: str | None
    note: str | None
    unit: str | None
    by: str
    evidence: str | None
    recorded_at: str
    void: Void | None = None


@dataclass(frozen=True)
class DailyTotal:
    """The sum and count of a target's non-voided entries dated on one day."""

    target: str
    date: date
    amount: Decimal
    count: int
