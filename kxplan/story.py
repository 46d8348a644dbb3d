"""One target's story (``kxplan show``): its place in the plan, standing, entries, quarters.

``load_story(store, plan, target, as_of)`` reads the target's entries (voided ones too) and its
daily totals in one read snapshot, and computes its progress and quarterly figures with
``kxplan.progress``; ``story_json`` is the ``show --json`` document. The CLI only prints a
``TargetStory``: as text with a bar chart, or as that JSON.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from kxplan.entry import entry_dict
from kxplan.numbers import decimal_json, round1
from kxplan.progress import QuarterFigures, TargetProgress, quarter_figures, target_progress

if TYPE_CHECKING:
    from decimal import Decimal

    from kxplan.entry import DailyTotal, Entry
    from kxplan.plan import Plan, Point, Section, Target


class StoryStore(Protocol):
    """The part of ``kxplan.store.Store`` a story reads."""

    def read_snapshot(self) -> AbstractContextManager[Any]: ...

    def entries(
        self, year: int, *, targets: Iterable[str] | None = None, include_voided: bool = False
    ) -> list[Entry]: ...

    def iter_entries(
        self, year: int, *, targets: Iterable[str] | None = None, include_voided: bool = False
    ) -> Iterator[Entry]: ...

    def daily_totals(
        self, year: int, *, as_of: date | None = None, targets: Iterable[str] | None = None
    ) -> list[DailyTotal]: ...

    def is_sample(self) -> bool: ...


@dataclass(frozen=True)
class TargetStory:
    """Everything ``show`` prints about one target on ``as_of``."""

    plan: Plan
    section: Section
    point: Point
    progress: TargetProgress
    quarters: tuple[QuarterFigures, ...]
    entries: tuple[Entry, ...]
    """Every entry of the target (old ids included), voided ones with their void, by (date, id)."""
    as_of: date
    sample: bool = False
    """The database holds sample data (``import --sample``): ``show`` says so first."""

    @property
    def target(self) -> Target:
        """The target the story is about."""
        return self.progress.target

    @property
    def owner(self) -> str | None:
        """Who carries the target out: its own owner, else its work point's."""
        return self.target.owner or self.point.owner


def load_story(
    store: StoryStore, plan: Plan, target: Target, as_of: date, *, with_entries: bool = True
) -> TargetStory:
    """Read the target's entries and totals in one snapshot and compute its story on ``as_of``.

    ``with_entries=False`` leaves ``entries`` empty for a caller that streams them
    (``story_entries``, inside the same ``read_snapshot``): a target may have hundreds of
    thousands, and its standing and quarters come from daily totals alone.
    """
    with store.read_snapshot():
        entries = (
            store.entries(plan.year, targets=target.ids, include_voided=True)
            if with_entries
            else []
        )
        totals = store.daily_totals(plan.year, as_of=as_of, targets=target.ids)
        sample = store.is_sample()
    totals.sort(key=lambda total: total.date)
    progress = target_progress(plan, target, totals, as_of)
    section, point = _place(plan, target)
    return TargetStory(
        plan=plan,
        section=section,
        point=point,
        progress=progress,
        quarters=quarter_figures(progress, totals, as_of),
        entries=tuple(entries),
        as_of=as_of,
        sample=sample,
    )


def story_entries(store: StoryStore, plan: Plan, target: Target) -> Iterator[Entry]:
    """The target's entries (old ids included, voided ones with their void) by (date, id),
    one at a time: what ``TargetStory.entries`` holds, streamed."""
    return store.iter_entries(plan.year, targets=target.ids, include_voided=True)


def _place(plan: Plan, target: Target) -> tuple[Section, Point]:
    for section in plan.sections:
        for point in section.points:
            if target in point.targets:
                return section, point
    raise AssertionError(target.id)  # pragma: no cover - every target is under a point


def story_json(story: TargetStory) -> dict[str, Any]:
    """The ``show --json`` document (keys listed in ``help.opt.show_json``)."""
    target, point, section, progress = story.target, story.point, story.section, story.progress
    aliases = story.plan.aliases()
    return {
        "target": {
            **target.to_dict(),
            "owner": story.owner,
            "renamed_from": list(target.renamed_from),
        },
        "point": {
            "number": point.number,
            "title": point.title,
            "text": point.text,
            "owner": point.owner,
        },
        "section": {"number": section.number, "title": section.title},
        "as_of": story.as_of.isoformat(),
        "sample": story.sample,
        "progress": {
            "status": progress.status,
            "colour": progress.colour,
            "actual": decimal_json(progress.actual),
            "expected": _rounded(progress.expected),
            "percent": decimal_json(progress.percent),
            "done_on": _day(progress.done_on),
            "entries": progress.entry_count,
            "last_entry": _day(progress.last_entry),
            "stale": progress.stale,
        },
        "quarters": [
            {
                "quarter": row.quarter,
                "start": _day(row.start),
                "end": _day(row.end),
                "through": _day(row.through),
                "entries": row.entries,
                "amount": decimal_json(row.amount),
                "cumulative": decimal_json(row.cumulative),
                "expected": _rounded(row.expected),
            }
            for row in story.quarters
        ],
        "entries": [entry_dict(entry, aliases) for entry in story.entries],
    }


def _rounded(value: Decimal | None) -> int | float | None:
    return None if value is None else decimal_json(round1(value))


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None
