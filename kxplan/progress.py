"""Pure progress arithmetic: actual, expected pace (序时进度), status, projection, roll-ups.

``summarise(plan, totals, as_of)`` takes the plan, the per-day totals of non-voided entries
(``DailyTotal``, aggregated by the store in SQL) and a date. It never reads the clock or the
database, so every rule is a table-driven test. All arithmetic is Decimal; percentages are
rounded half up (四舍五入) to one decimal.

The status rules (docs/status-rules.md explains them for the office, with an example each):

1. A day is judged at its end: a milestone due on or before ``as_of`` and not done is
   ``overdue``; a count's expected pace counts ``as_of`` itself.
2. The year closes: on the plan's last day a count below its goal is ``missed``, whatever
   the thresholds say; a count at or above its goal is ``done``.
3. Colours (``COLOURS``): red = missed, at_risk, overdue; yellow = behind, idle; green =
   on_track, active, done; grey = pending. A point or section takes its worst colour — grey
   never outranks green — and, as its status, the worst status of that colour (``worst``).
   三色预警 (``Summary.warnings``) is every red and yellow target; the summary boxes count
   the same statuses (``Summary.counts``), so the two always agree.

Units (``by_unit``, ``unit_summary``) are judged by these same rules: a unit's allocation of a
count target is its goal (``Target.for_unit``), its expected pace its share (allocation ÷
goal) of the target's, its actual what its own entries add up to.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from kxplan.entry import DailyTotal, Entry, UnitTotal
from kxplan.numbers import decimal_json, percent, round1

if TYPE_CHECKING:
    from kxplan.plan import Plan, Point, Section, Target, Unit

#: Every status, worst first: red, then yellow, then green, then grey (not yet due), so that
#: "the worst" of a point's targets is its worst colour and, within it, its worst status.
#: This is also the order of the summary boxes of a report.
STATUSES = (
    "missed",
    "at_risk",
    "overdue",
    "behind",
    "idle",
    "on_track",
    "active",
    "done",
    "pending",
)
#: Each status's colour in the three-colour view (三色预警); grey is "not yet due".
COLOURS = {
    "missed": "red",
    "at_risk": "red",
    "overdue": "red",
    "behind": "yellow",
    "idle": "yellow",
    "on_track": "green",
    "active": "green",
    "done": "green",
    "pending": "grey",
}
#: The colours, worst first; the first two are the warnings (三色预警).
COLOUR_ORDER = ("red", "yellow", "green", "grey")
WARNING_COLOURS = ("red", "yellow")
_RANK = {status: index for index, status in enumerate(STATUSES)}
#: An activity is active, and any target recent (not stale), when it has an entry in the
#: 90 days ending on as_of (``window_start``).
ACTIVE_WINDOW_DAYS = 90


# --- calendar ---------------------------------------------------------------------------------


def quarter_of(day: date) -> int:
    """The quarter (1–4) a date falls in."""
    return (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """First and last day of a quarter."""
    first_month = 3 * (quarter - 1) + 1
    last_month = first_month + 2
    return date(year, first_month, 1), date(
        year, last_month, calendar.monthrange(year, last_month)[1]
    )


def days_in_year(year: int) -> int:
    """365 or 366."""
    return 366 if calendar.isleap(year) else 365


def day_of_year(day: date) -> int:
    """Days from 1 January to ``day``, both counted (1 on 1 January, 365 or 366 on 31 December)."""
    return day.timetuple().tm_yday


def elapsed(as_of: date) -> Decimal:
    """Share of the year gone by on ``as_of``: days from 1 January to it, both counted."""
    return Decimal(day_of_year(as_of)) / Decimal(days_in_year(as_of.year))


def clamp(day: date, year: int) -> date:
    """A date moved into the plan year (a 2019 plan viewed in 2026 sees 31 December 2019)."""
    return max(date(year, 1, 1), min(day, date(year, 12, 31)))


def last_day(year: int) -> date:
    """The plan year's last day (31 December): the day the year closes."""
    return date(year, 12, 31)


def year_closed(as_of: date) -> bool:
    """Whether ``as_of`` is the plan year's last day, when what is not done is missed (rule 2)."""
    return as_of >= last_day(as_of.year)


def window_start(as_of: date) -> date:
    """First day of the 90-day window ending on ``as_of`` (activity and staleness rules)."""
    return as_of - timedelta(days=ACTIVE_WINDOW_DAYS - 1)


_QUARTER_RE = re.compile(r"(?:([0-9]{4})-?)?q([1-4])")
_DAY_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_quarter(text: str, plan_year: int, today: date | None = None) -> tuple[int, int] | None:
    """``2019Q2``, ``2019-Q2``, ``Q2`` (the plan's year), ``current`` or ``previous`` → (year, q).

    The one quarter parser (``report --quarter``, ``log --quarter``). ``current`` and
    ``previous`` are quarters of ``today``; without ``today`` they are not accepted. None when
    ``text`` is none of these; the caller says so.
    """
    value = text.strip().lower()
    if today is not None and value in ("current", "previous"):
        year, quarter = today.year, quarter_of(today)
        if value == "previous":
            year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
        return year, quarter
    match = _QUARTER_RE.fullmatch(value)
    if not match:
        return None
    year = int(match.group(1)) if match.group(1) else plan_year
    return year, int(match.group(2))


def parse_day(text: str) -> date | None:
    """A date written exactly ``YYYY-MM-DD`` (``--as-of``), or None for anything else.

    Stricter than ``date.fromisoformat``, which also takes ``20190610`` and ``2019-W26-1``.
    """
    value = text.strip()
    if not _DAY_RE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


# --- results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetProgress:
    """Where one target stands on ``as_of``."""

    target: Target
    status: str
    entry_count: int
    last_entry: date | None
    stale: bool
    actual: Decimal | None = None
    expected: Decimal | None = None
    percent: Decimal | None = None
    gap: Decimal | None = None
    projection: Decimal | None = None
    needed_per_quarter: Decimal | None = None
    quarters_left: int = 0
    quarter_amounts: tuple[Decimal, ...] = ()
    cumulative: tuple[Decimal | None, ...] = ()
    expected_by_quarter: tuple[Decimal, ...] = ()
    done_on: date | None = None

    @property
    def colour(self) -> str:
        """red / yellow / green / grey (``COLOURS``)."""
        return COLOURS[self.status]


@dataclass(frozen=True)
class PointProgress:
    """A work point and its targets; its status is its targets' roll-up (``worst``)."""

    point: Point
    status: str
    targets: tuple[TargetProgress, ...]

    @property
    def colour(self) -> str:
        """red / yellow / green / grey (``COLOURS``)."""
        return COLOURS[self.status]


@dataclass(frozen=True)
class SectionProgress:
    """A section and its points; its status is its points' roll-up (``worst``)."""

    section: Section
    status: str
    points: tuple[PointProgress, ...]

    @property
    def colour(self) -> str:
        """red / yellow / green / grey (``COLOURS``)."""
        return COLOURS[self.status]


@dataclass(frozen=True)
class Summary:
    """The whole plan on ``as_of``."""

    plan: Plan
    as_of: date
    sections: tuple[SectionProgress, ...]
    counts: dict[str, int]

    def points(self) -> list[PointProgress]:
        """Every point's progress in plan order."""
        return [point for section in self.sections for point in section.points]

    def targets(self) -> list[TargetProgress]:
        """Every target's progress in plan order."""
        return [target for point in self.points() for target in point.targets]

    def colour_counts(self) -> dict[str, int]:
        """How many targets have each colour (``COLOUR_ORDER``), from the same ``counts``."""
        totals = {colour: 0 for colour in COLOUR_ORDER}
        for status, number in self.counts.items():
            totals[COLOURS[status]] += number
        return totals

    def warnings(self) -> list[TargetProgress]:
        """三色预警: every red target, then every yellow one, each group in plan order.

        Exactly the targets the red and yellow summary boxes count (both read ``status``).
        """
        targets = self.targets()
        return [
            progress
            for colour in WARNING_COLOURS
            for progress in targets
            if progress.colour == colour
        ]

    def only(self, section: int | None = None, point: int | None = None) -> Summary:
        """The part of the summary for one section and/or one point, with counts recomputed."""
        sections = []
        for section_progress in self.sections:
            if section is not None and section_progress.section.number != section:
                continue
            points = tuple(
                p for p in section_progress.points if point is None or p.point.number == point
            )
            if points:
                status = worst(p.status for p in points)
                sections.append(SectionProgress(section_progress.section, status, points))
        return Summary(self.plan, self.as_of, tuple(sections), _counts(sections))


def worst(statuses: Iterable[str]) -> str:
    """The roll-up of several statuses: the worst colour, and the worst status of that colour.

    Grey (not yet due) never outranks green: {done, pending, active} rolls up to ``active``;
    only statuses that are all ``pending`` roll up to ``pending``. ``done`` when there are none.
    """
    return min(statuses, key=_RANK.__getitem__, default="done")


# --- the rules ----------------------------------------------------------------------------------


def expected(target: Target, as_of: date) -> Decimal:
    """序时进度: how much of a count target should be done by ``as_of``.

    Multiplies before the one division, so a result that is exact in decimal (2.25) is
    computed exactly and rounds half up as a person would.
    """
    assert target.goal is not None
    if target.schedule is None:
        return target.goal * day_of_year(as_of) / days_in_year(as_of.year)
    quarter = quarter_of(as_of)
    start, end = quarter_bounds(as_of.year, quarter)
    before = target.schedule[quarter - 2] if quarter > 1 else Decimal(0)
    days_in, length = (as_of - start).days + 1, (end - start).days + 1
    return before + (target.schedule[quarter - 1] - before) * days_in / length


def count_status(
    actual: Decimal, goal: Decimal, expect: Decimal, plan: Plan, *, closed: bool = False
) -> str:
    """done / on_track / behind / at_risk — or missed — for a count (gap = (expected − actual) / goal).

    At or above the goal is ``done`` (an ``or_more`` goal too). Once the year is ``closed``
    (``year_closed``), anything below the goal is ``missed``, whatever the thresholds say:
    9,514 of 10,000 on 31 December is not on track, it is not done. Before that, the gap is
    compared as ``expected − actual ≤ threshold × goal`` so that a gap of exactly the
    threshold is never pushed over it by a division.

    Public so that whatever else is judged against a goal (a unit's allocation) is judged by
    the same rule.
    """
    if actual >= goal:
        return "done"
    if closed:
        return "missed"
    shortfall = expect - actual
    if shortfall <= plan.on_track * goal:
        return "on_track"
    if shortfall <= plan.behind * goal:
        return "behind"
    return "at_risk"


def summarise(plan: Plan, totals: Iterable[DailyTotal], as_of: date) -> Summary:
    """Progress of every target, point and section of ``plan`` on ``as_of``.

    ``as_of`` must lie in the plan year (callers clamp or refuse). Totals dated after it, or
    before the plan year, do not count; totals recorded under a ``renamed_from`` id count for
    the target's current id.
    """
    if as_of.year != plan.year:
        raise ValueError(f"as_of {as_of} is outside the {plan.year} plan year")
    first_day = date(plan.year, 1, 1)
    by_target: dict[str, list[DailyTotal]] = {}
    aliases = plan.aliases()
    for total in totals:
        if first_day <= total.date <= as_of:
            by_target.setdefault(aliases.get(total.target, total.target), []).append(total)
    sections = []
    for section in plan.sections:
        points = []
        for point in section.points:
            targets = tuple(
                target_progress(plan, target, sorted(by_target.get(target.id, []), key=_day), as_of)
                for target in point.targets
            )
            points.append(PointProgress(point, worst(tp.status for tp in targets), targets))
        sections.append(SectionProgress(section, worst(p.status for p in points), tuple(points)))
    return Summary(plan, as_of, tuple(sections), _counts(sections))


def _counts(sections: Iterable[SectionProgress]) -> dict[str, int]:
    counts = {status: 0 for status in STATUSES}
    for section_progress in sections:
        for point_progress in section_progress.points:
            for progress in point_progress.targets:
                counts[progress.status] += 1
    return counts


def _day(total: DailyTotal) -> date:
    return total.date


def target_progress(
    plan: Plan, target: Target, totals: list[DailyTotal], as_of: date
) -> TargetProgress:
    """One target's progress from its (date-sorted, ≤ as_of) daily totals.

    ``as_of`` is judged at its end (rule 1): a milestone done on it is done, one due on it and
    not done is overdue. ``stale`` flags a count target not yet done, or an activity, with no entry in the 90 days
    ending on ``as_of``; an activity with an entry in them is active. A milestone is never
    stale: one entry completes it, and until then its status (pending, overdue) already says
    what is missing.
    """
    entry_count = sum(total.count for total in totals)
    last_entry = totals[-1].date if totals else None
    recent = last_entry is not None and last_entry >= window_start(as_of)
    if target.kind == "milestone":
        done_on = totals[0].date if totals else None
        assert target.due is not None
        if done_on is not None:
            status = "done"
        elif target.due <= as_of:
            status = "overdue"
        else:
            status = "pending"
        return TargetProgress(target, status, entry_count, last_entry, stale=False, done_on=done_on)
    if target.kind == "activity":
        return TargetProgress(
            target, "active" if recent else "idle", entry_count, last_entry, stale=not recent
        )
    return _count_progress(plan, target, totals, as_of, entry_count, last_entry, recent)


def _count_progress(
    plan: Plan,
    target: Target,
    totals: list[DailyTotal],
    as_of: date,
    entry_count: int,
    last_entry: date | None,
    recent: bool,
) -> TargetProgress:
    goal = target.goal
    assert goal is not None
    actual = sum((total.amount for total in totals), Decimal(0))
    expect = expected(target, as_of)
    gap = (expect - actual) / goal
    status = count_status(actual, goal, expect, plan, closed=year_closed(as_of))
    current = quarter_of(as_of)
    amounts = [Decimal(0)] * 4
    for total in totals:
        amounts[quarter_of(total.date) - 1] += total.amount
    cumulative: list[Decimal | None] = []
    running = Decimal(0)
    for quarter in range(1, 5):
        running += amounts[quarter - 1]
        cumulative.append(running if quarter <= current else None)
    expected_by_quarter = tuple(
        expected(target, quarter_bounds(as_of.year, quarter)[1]) for quarter in range(1, 5)
    )
    quarter_end = quarter_bounds(as_of.year, current)[1]
    quarters_left = 4 - current + (1 if as_of < quarter_end else 0)
    remaining = max(goal - actual, Decimal(0))
    needed = remaining / quarters_left if quarters_left and remaining else None
    return TargetProgress(
        target,
        status,
        entry_count,
        last_entry,
        stale=status != "done" and not recent,
        actual=actual,
        expected=expect,
        percent=percent(actual, goal),
        gap=gap,
        projection=actual * days_in_year(as_of.year) / day_of_year(as_of),
        needed_per_quarter=needed,
        quarters_left=quarters_left,
        quarter_amounts=tuple(amounts[:current]),
        cumulative=tuple(cumulative),
        expected_by_quarter=expected_by_quarter,
    )


@dataclass(frozen=True)
class QuarterFigures:
    """One quarter of a target's year as ``show`` tells it.

    ``through`` is the last day counted (None for a quarter after ``as_of``'s, which has no
    figures but its expected pace); ``entries`` counts the quarter's live entries. For a count
    target: ``amount`` recorded in the quarter, ``cumulative`` since 1 January, ``expected``
    pace at ``through`` (or at the quarter's end when not reached); None for other kinds.
    """

    quarter: str
    start: date
    end: date
    through: date | None
    entries: int | None
    amount: Decimal | None = None
    cumulative: Decimal | None = None
    expected: Decimal | None = None


def quarter_figures(
    progress: TargetProgress, totals: Iterable[DailyTotal], as_of: date
) -> tuple[QuarterFigures, ...]:
    """Per quarter of ``as_of``'s year: dates, last day counted, entries, amounts, expected pace.

    ``totals`` are the target's daily totals up to ``as_of``. The quarter holding ``as_of`` is
    counted, and its expected pace taken, up to ``as_of``.
    """
    target = progress.target
    current = quarter_of(as_of)
    days = list(totals)
    rows = []
    for quarter in range(1, 5):
        start, end = quarter_bounds(as_of.year, quarter)
        through = None if quarter > current else min(end, as_of)
        count = sum(total.count for total in days if start <= total.date <= end)
        row = QuarterFigures(
            quarter=f"{as_of.year}Q{quarter}",
            start=start,
            end=end,
            through=through,
            entries=None if through is None else count,
        )
        if target.kind == "count":
            row = replace(row, expected=expected(target, through or end))
            if through is not None:
                row = replace(
                    row,
                    amount=progress.quarter_amounts[quarter - 1],
                    cumulative=progress.cumulative[quarter - 1],
                )
        rows.append(row)
    return tuple(rows)


def to_json(summary: Summary, *, sample: bool = False) -> dict[str, Any]:
    """The summary as JSON-ready data in plan order (the ``kxplan status --json`` shape).

    ``summary`` counts targets per status and ``colours`` per colour; ``warnings`` lists the
    ids of the red, then yellow targets (三色预警) — the same sets. ``actual`` is exact;
    ``expected``, ``projection`` and ``needed_per_quarter`` are rounded half up to one
    decimal; fields a kind does not have are None. Status keys never translate. ``sample``
    says the data is sample data (the database's marker, passed in by the caller).
    """
    plan = summary.plan
    return {
        "plan": {
            "org": plan.org,
            "title": plan.title,
            "year": plan.year,
            "lang": plan.lang,
            "thresholds": {
                "on_track": decimal_json(plan.on_track),
                "behind": decimal_json(plan.behind),
            },
        },
        "sample": sample,
        "as_of": summary.as_of.isoformat(),
        "year_closed": year_closed(summary.as_of),
        "targets": [_target_json(progress) for progress in summary.targets()],
        "points": [
            {"number": p.point.number, "status": p.status, "colour": p.colour}
            for p in summary.points()
        ],
        "sections": [
            {"number": s.section.number, "status": s.status, "colour": s.colour}
            for s in summary.sections
        ],
        "summary": dict(summary.counts),
        "colours": summary.colour_counts(),
        "warnings": [progress.target.id for progress in summary.warnings()],
    }


def _rounded(value: Decimal | None) -> int | float | None:
    return None if value is None else decimal_json(round1(value))


def _target_json(progress: TargetProgress) -> dict[str, Any]:
    target = progress.target
    return {
        "id": target.id,
        "point": target.point,
        "kind": target.kind,
        "title": target.title,
        "goal": decimal_json(target.goal),
        "unit": target.unit,
        "actual": decimal_json(progress.actual),
        "expected": _rounded(progress.expected),
        "percent": decimal_json(progress.percent),
        "status": progress.status,
        "colour": progress.colour,
        "projection": _rounded(progress.projection),
        "needed_per_quarter": _rounded(progress.needed_per_quarter),
        "stale": progress.stale,
        "due": target.due.isoformat() if target.due else None,
        "done_on": progress.done_on.isoformat() if progress.done_on else None,
        "entries": progress.entry_count,
        "last_entry": progress.last_entry.isoformat() if progress.last_entry else None,
    }


# --- units ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitProgress:
    """One unit on ``as_of``: each target allocated to it, judged with its allocation as goal.

    ``targets`` are in plan order (``Target.for_unit``: ``goal`` is the allocation).
    ``status`` is their roll-up (``worst``), None for a unit with no allocation; ``gap`` the
    largest of their gaps, (expected − actual) ÷ allocation — how far behind its pace the unit
    is on its worst target, the order among units of one status.
    """

    unit: Unit
    targets: tuple[TargetProgress, ...]
    status: str | None
    gap: Decimal | None

    @property
    def colour(self) -> str | None:
        """red / yellow / green / grey (``COLOURS``), or None without allocations."""
        return COLOURS[self.status] if self.status is not None else None


def by_unit(plan: Plan, totals: Iterable[UnitTotal], as_of: date) -> list[UnitProgress]:
    """Every unit of the plan on ``as_of``, worst first: who is behind.

    ``totals`` are per (stored unit, target, date); a stored unit counts for the unit it
    names (its id, name or alias: ``Plan.unit_resolver``), old target ids for the current
    target, and dates after ``as_of`` not at all. Order: units with allocations by status
    (``STATUSES``, worst first), then by ``gap`` (largest first), then in plan order; units
    without allocations last, in plan order.
    """
    if as_of.year != plan.year:
        raise ValueError(f"as_of {as_of} is outside the {plan.year} plan year")
    resolver = plan.unit_resolver()
    aliases = plan.aliases()
    first_day = date(plan.year, 1, 1)
    grouped: dict[tuple[str, str], list[DailyTotal]] = {}
    for total in totals:
        unit_id = resolver.canonical(total.unit)
        if unit_id is None or not first_day <= total.date <= as_of:
            continue
        key = (unit_id, aliases.get(total.target, total.target))
        grouped.setdefault(key, []).append(total.daily())
    allocated = plan.allocated_targets()
    results = []
    for unit in plan.units:
        targets = tuple(
            target_progress(
                plan,
                target.for_unit(unit.id),
                sorted(grouped.get((unit.id, target.id), []), key=_day),
                as_of,
            )
            for target in allocated
            if target.allocation_for(unit.id) is not None
        )
        if not targets:
            results.append(UnitProgress(unit, (), None, None))
            continue
        gaps = [progress.gap for progress in targets if progress.gap is not None]
        status = worst(progress.status for progress in targets)
        results.append(UnitProgress(unit, targets, status, max(gaps) if gaps else None))
    order = {unit.id: index for index, unit in enumerate(plan.units)}

    def rank(progress: UnitProgress) -> tuple[int, int, Decimal, int]:
        if progress.status is None:
            return (1, 0, Decimal(0), order[progress.unit.id])
        gap = progress.gap if progress.gap is not None else Decimal(0)
        return (0, _RANK[progress.status], -gap, order[progress.unit.id])

    return sorted(results, key=rank)


def unit_summary(plan: Plan, unit_id: str, totals: Iterable[UnitTotal], as_of: date) -> Summary:
    """The plan as one unit carries it on ``as_of``: its allocations as goals, its entries only.

    ``totals`` must be the unit's own (every spelling of it, ``UnitResolver.matching``). Only
    the targets allocated to the unit are judged (``Plan.for_unit``), each by the rules every
    target is; what it recorded elsewhere is ``unit_contributions``.
    """
    first_day = date(plan.year, 1, 1)
    daily = [total.daily() for total in totals if first_day <= total.date <= as_of]
    return summarise(plan.for_unit(unit_id), daily, as_of)


@dataclass(frozen=True)
class Contribution:
    """What a unit recorded, up to ``as_of``, under a target not allocated to it."""

    target: Target
    entries: int
    amount: Decimal | None
    last_entry: date


def unit_contributions(
    plan: Plan, unit_id: str, totals: Iterable[UnitTotal], as_of: date
) -> list[Contribution]:
    """The unit's entries under targets it has no allocation of, per target in plan order.

    ``totals`` are the unit's own, as for ``unit_summary``. A count target's ``amount`` is
    what the unit added to it; other kinds have none.
    """
    aliases = plan.aliases()
    first_day = date(plan.year, 1, 1)
    grouped: dict[str, list[UnitTotal]] = {}
    for total in totals:
        if first_day <= total.date <= as_of:
            grouped.setdefault(aliases.get(total.target, total.target), []).append(total)
    result = []
    for target in plan.targets():
        mine = grouped.get(target.id)
        if not mine or target.allocation_for(unit_id) is not None:
            continue
        amount = (
            sum((total.amount for total in mine), Decimal(0)) if target.kind == "count" else None
        )
        last = max(total.date for total in mine)
        result.append(Contribution(target, sum(total.count for total in mine), amount, last))
    return result


def units_json(units: Iterable[UnitProgress]) -> list[dict[str, Any]]:
    """Units as JSON data (``status --by-unit --json``), in the given (worst-first) order:
    ``[{id, name, kind, targets: [{id, allocation, actual, expected, percent, status}]}]``.

    ``expected`` is rounded as a target's is in ``to_json``; status keys never translate.
    """
    return [
        {
            "id": progress.unit.id,
            "name": progress.unit.name,
            "kind": progress.unit.kind,
            "targets": [
                {
                    "id": target.target.id,
                    "allocation": decimal_json(target.target.goal),
                    "actual": decimal_json(target.actual),
                    "expected": _rounded(target.expected),
                    "percent": decimal_json(target.percent),
                    "status": target.status,
                }
                for target in progress.targets
            ],
        }
        for progress in units
    ]


def daily_totals(entries: Iterable[Entry]) -> list[DailyTotal]:
    """Per (target, date) totals of non-voided entries: the pure twin of the store's SQL.

    Only tests call it: they build totals from plain entries without a database, and check
    ``Store.daily_totals`` against it. The commands always read the store's aggregate.
    """
    sums: dict[tuple[str, date], tuple[Decimal, int]] = {}
    for entry in entries:
        if entry.void is not None:
            continue
        amount, count = sums.get((entry.target, entry.date), (Decimal(0), 0))
        sums[entry.target, entry.date] = (amount + (entry.amount or Decimal(0)), count + 1)
    return [
        DailyTotal(target, day, amount, count)
        for (target, day), (amount, count) in sorted(sums.items())
    ]
