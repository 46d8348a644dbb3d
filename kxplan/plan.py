"""The plan model (Plan / Section / Point / Target), loading a plan file, finding the default one.

``check(path)`` returns ``(plan, problems)``: every problem in the file at once, each with
``file:line:column`` (fava's errors-as-values). ``load(path)`` raises ``PlanError`` when
there is any. The YAML itself is read and validated by ``kxplan.plan_yaml``; a plan that
validated is kept, as plain data keyed by the file's content, in ``kxplan.plan_cache``, so
the commands that only read the plan (``record``, ``status``) need not import PyYAML nor
parse it again while the file is unchanged.

Units (``units:``) are the offices that carry the plan out; owners and allocations refer to
them, and ``Plan.unit_resolver()`` (``kxplan.units``) is how everything else finds them.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from kxplan.errors import PlanError
from kxplan.messages import t
from kxplan.numbers import decimal_json

if TYPE_CHECKING:
    from kxplan.units import UnitResolver

KINDS = ("count", "milestone", "activity")
UNIT_KINDS = ("city", "county", "society", "department")
UNIT_ID_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
#: The longest unit name or alias: what ``record --unit`` accepts (``entry.TEXT_LIMITS``).
UNIT_NAME_LIMIT = 100
ID_RE = re.compile(r"^p([0-9]+)\.[a-z0-9]+(?:-[a-z0-9]+)*$")
DEFAULT_ON_TRACK = Decimal("0.10")
DEFAULT_BEHIND = Decimal("0.25")
#: The largest goal or schedule value, and the most decimals one may have: entries are stored
#: in integer thousandths, and progress arithmetic stays exact well inside these bounds.
MAX_GOAL = Decimal(10) ** 12
MAX_PLAN_BYTES = 1 << 20
"""The largest plan file read (1 MiB; the 2019 plan is 19 KiB): every command parses it."""
MAX_YAML_EVENTS = 100_000
"""The most YAML events (values, keys, lists) read; 2,000 targets need about 30,000."""
MAX_TARGETS = 2000
"""The most targets a plan may have (the 2019 plan has 43): every command parses the plan."""
GOAL_DECIMALS = 3

#: every field a target may have, in the order the format documents them
TARGET_FIELDS = (
    "id",
    "kind",
    "title",
    "goal",
    "unit",
    "decimals",
    "or_more",
    "schedule",
    "allocation",
    "due",
    "owner",
    "renamed_from",
)


class Problem(NamedTuple):
    """One validation problem, located in a file."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


@dataclass(frozen=True)
class Unit:
    """An office that carries the plan out: a county association, a society, a department."""

    id: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    line: int = 0

    def names(self) -> tuple[str, ...]:
        """Every way the unit may be written: its id, its name, its aliases."""
        return (self.id, self.name, *self.aliases)

    def to_dict(self) -> dict[str, Any]:
        """The unit as plain JSON-ready data (``plan show --json``)."""
        return {"id": self.id, "name": self.name, "kind": self.kind, "aliases": list(self.aliases)}


class Allocation(NamedTuple):
    """One unit's share of a count target (分解指标)."""

    unit: str
    amount: Decimal


@dataclass(frozen=True)
class Target:
    """A measurable commitment under a work point.

    ``decimals`` is how many decimal places a count's amounts may have: 0 (whole numbers —
    people, institutions, events) unless the plan says ``decimals: N`` (万元 and the like).
    ``owner`` is the owner's unit name when the plan has units (``owner_unit`` its id), else
    the text written. ``allocation`` lists the units' shares of a count target, in file order.
    """

    id: str
    kind: str
    title: str
    point: int
    goal: Decimal | None = None
    unit: str | None = None
    decimals: int = 0
    or_more: bool = False
    schedule: tuple[Decimal, ...] | None = None
    due: date | None = None
    owner: str | None = None
    renamed_from: tuple[str, ...] = ()
    line: int = 0
    allocation: tuple[Allocation, ...] = ()
    owner_unit: str | None = None

    def allocated(self) -> Decimal:
        """The sum of the units' allocations (may exceed the goal: offices over-allocate)."""
        return sum((share.amount for share in self.allocation), Decimal(0))

    def allocation_for(self, unit_id: str) -> Decimal | None:
        """The unit's allocation of this target, or None."""
        for share in self.allocation:
            if share.unit == unit_id:
                return share.amount
        return None

    def for_unit(self, unit_id: str) -> Target:
        """The target as one unit carries it: its allocation as the goal, the schedule scaled.

        Progress arithmetic then judges a unit with exactly the rules it judges a target by:
        the unit's expected pace is its share (allocation / goal) of the target's.
        """
        amount = self.allocation_for(unit_id)
        if amount is None or self.goal is None:
            raise ValueError(f"{self.id} has no allocation for {unit_id}")
        schedule = None
        if self.schedule is not None:
            schedule = tuple(value * amount / self.goal for value in self.schedule)
        return dataclasses.replace(self, goal=amount, schedule=schedule, allocation=())

    @property
    def ids(self) -> tuple[str, ...]:
        """Every id entries of this target may be stored under: the current one, then the old ones."""
        return (self.id, *self.renamed_from)

    def to_dict(self) -> dict[str, Any]:
        """The target as plain JSON-ready data (``plan show --json``; ``show --json`` adds to it)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "goal": decimal_json(self.goal),
            "unit": self.unit,
            "decimals": self.decimals if self.kind == "count" else None,
            "or_more": self.or_more if self.kind == "count" else None,
            "schedule": [decimal_json(v) for v in self.schedule] if self.schedule else None,
            "due": self.due.isoformat() if self.due else None,
            "owner": self.owner,
            "owner_unit": self.owner_unit,
            "allocation": {share.unit: decimal_json(share.amount) for share in self.allocation}
            or None,
        }


@dataclass(frozen=True)
class Point:
    """A numbered work point (工作要点) with its targets (``owner`` as for ``Target``)."""

    number: int
    title: str
    text: str
    owner: str | None
    targets: tuple[Target, ...]
    line: int = 0
    owner_unit: str | None = None


@dataclass(frozen=True)
class Section:
    """A numbered section grouping work points."""

    number: int
    title: str
    points: tuple[Point, ...]
    line: int = 0


@dataclass(frozen=True)
class Plan:
    """A whole annual plan, in plan order."""

    org: str
    title: str
    year: int
    lang: str
    sections: tuple[Section, ...]
    on_track: Decimal = DEFAULT_ON_TRACK
    behind: Decimal = DEFAULT_BEHIND
    path: str = ""
    digest: str = ""
    units: tuple[Unit, ...] = ()
    _index: dict[str, Target] = field(default_factory=dict, init=False, compare=False, repr=False)
    _resolver: list[UnitResolver] = field(
        default_factory=list, init=False, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        for target in self.targets():
            self._index[target.id] = target

    def points(self) -> list[Point]:
        """All work points in plan order."""
        return [point for section in self.sections for point in section.points]

    def targets(self) -> list[Target]:
        """All targets in plan order."""
        return [target for point in self.points() for target in point.targets]

    def target(self, target_id: str) -> Target | None:
        """The target with this id, or None."""
        return self._index.get(target_id)

    def aliases(self) -> dict[str, str]:
        """Old target ids (``renamed_from``) mapped to the current id."""
        return {old: target.id for target in self.targets() for old in target.renamed_from}

    def unit_resolver(self) -> UnitResolver:
        """The plan's one unit resolver (``kxplan.units``); free text when it has no units."""
        if not self._resolver:
            from kxplan.units import UnitResolver

            self._resolver.append(UnitResolver(self.units))
        return self._resolver[0]

    def unit(self, unit_id: str) -> Unit | None:
        """The unit with this id, or None."""
        return self.unit_resolver().by_id.get(unit_id)

    def allocated_targets(self) -> list[Target]:
        """The count targets with allocations, in plan order."""
        return [target for target in self.targets() if target.allocation]

    def for_unit(self, unit_id: str) -> Plan:
        """The plan as one unit carries it: only the targets allocated to it, each with its
        allocation as the goal (``Target.for_unit``).

        Points and sections left empty are dropped; numbers, order and everything else stay
        the plan's. What the unit recorded under other targets is its contribution to them,
        not a goal of its own, so it is not judged here (``progress.unit_contributions``).
        """
        sections = []
        for section in self.sections:
            points = []
            for point in section.points:
                kept = tuple(
                    target.for_unit(unit_id)
                    for target in point.targets
                    if target.allocation_for(unit_id) is not None
                )
                if kept:
                    points.append(dataclasses.replace(point, targets=kept))
            if points:
                sections.append(dataclasses.replace(section, points=tuple(points)))
        return dataclasses.replace(self, sections=tuple(sections))

    def to_dict(self) -> dict[str, Any]:
        """The plan model as plain JSON-ready data, in plan order."""
        return {
            "plan": {
                "org": self.org,
                "title": self.title,
                "year": self.year,
                "lang": self.lang,
                "units": [unit.to_dict() for unit in self.units],
                "sections": [
                    {
                        "number": section.number,
                        "title": section.title,
                        "points": [_point_dict(point) for point in section.points],
                    }
                    for section in self.sections
                ],
            }
        }


def _point_dict(point: Point) -> dict[str, Any]:
    return {
        "number": point.number,
        "title": point.title,
        "text": point.text,
        "owner": point.owner,
        "owner_unit": point.owner_unit,
        "targets": [target.to_dict() for target in point.targets],
    }


# --- loading -------------------------------------------------------------------------------


def load(path: str | Path) -> Plan:
    """Load and validate a plan file; raise ``PlanError`` listing every problem."""
    plan, problems = check(path)
    if problems or plan is None:
        raise PlanError(t("plan.invalid", path=str(path), count=len(problems)), problems)
    return plan


def check(path: str | Path) -> tuple[Plan | None, list[Problem]]:
    """Validate a plan file: the plan (None when unusable) and every problem found.

    A file whose exact bytes validated before is rebuilt from ``kxplan.plan_cache`` without
    parsing; any other is parsed, and kept there when it has no problem.
    """
    from kxplan import plan_cache
    from kxplan.errors import InputError
    from kxplan.paths import read_input

    name = str(path)
    try:
        data = read_input(Path(path), MAX_PLAN_BYTES, _READ_REFUSALS)
    except InputError as exc:
        raise PlanError(exc.message) from None
    kept = plan_cache.lookup(data, name)
    if kept is not None:
        return kept, []
    plan, problems = parse(data, name)
    if plan is not None and not problems:
        plan_cache.keep(data, plan)
    return plan, problems


_READ_REFUSALS = {
    "missing": "plan.not_found",
    "directory": "plan.is_directory",
    "special": "plan.not_regular",
    "too_large": "plan.too_large",
    "unreadable": "plan.unreadable",
}


def parse(data: bytes, name: str) -> tuple[Plan | None, list[Problem]]:
    """Validate plan bytes read from ``name``: the plan (None when unusable) and all problems.

    Always parses (``kxplan.plan_yaml``); ``check`` and ``load`` consult the cache first.
    """
    from kxplan.plan_yaml import parse as parse_yaml

    return parse_yaml(data, name)


# --- finding the plan ----------------------------------------------------------------------


def find_default(cwd: Path, year: int) -> Path:
    """The plan to use when none is given: the only ``plans/*.yaml``, else this year's."""
    candidates = sorted((cwd / "plans").glob("*.yaml")) if (cwd / "plans").is_dir() else []
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise PlanError(t("plan.none_in_dir"))
    for candidate in candidates:
        if candidate.stem == str(year):
            return candidate
    names = ", ".join(c.name for c in candidates)
    raise PlanError(t("plan.ambiguous", year=year, names=names))
