"""``kxplan status``: where each target stands on a date, as a table or as JSON.

The flow: load the plan; settle ``as_of`` (``--as-of``, else today kept inside the plan year);
check ``--section`` / ``--point``; read the per-day totals from the store; ``progress``
computes; this module only renders.

- ``--unit U`` is the plan as one unit sees it (``progress.unit_summary``): its allocations as
  goals, its own entries only; the same table, headed with the unit's name.
- ``--by-unit`` answers "which office is behind" (``progress.by_unit``): one row per unit with
  allocations, one column per allocated target (done / allocation, percentage, the unit's
  share of expected pace, status), worst first; ``--json`` adds ``units`` to the document.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kxplan.cli import app, completion
from kxplan.cli.common import resolve_as_of
from kxplan.cli.output import echo, print_json
from kxplan.cli.term import (
    MIN_TITLE_WIDTH,
    STATUS_STYLES,
    Cell,
    Column,
    Row,
    Table,
    cell_width,
    output_width,
    pad,
    paint,
    use_colour,
)
from kxplan.errors import InputError, UsageError
from kxplan.messages import t
from kxplan.numbers import format_number, format_places, round1
from kxplan.text import section_heading

if TYPE_CHECKING:
    from kxplan.entry import DailyTotal, UnitTotal
    from kxplan.plan import Plan, Target
    from kxplan.progress import Contribution, Summary, TargetProgress, UnitProgress

BAR_WIDTH = 10


@app.command("status", help=t("help.status"))
def status(
    ctx: typer.Context,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", metavar="DATE", help=t("help.opt.as_of"), show_default=False),
    ] = None,
    section: Annotated[
        int | None,
        typer.Option(
            "--section",
            metavar="N",
            help=t("help.opt.section"),
            show_default=False,
            autocompletion=completion.section_numbers,
        ),
    ] = None,
    point: Annotated[
        int | None,
        typer.Option(
            "--point",
            metavar="N",
            help=t("help.opt.point"),
            show_default=False,
            autocompletion=completion.point_numbers,
        ),
    ] = None,
    unit: Annotated[
        str | None,
        typer.Option(
            "--unit",
            help=t("help.opt.status_unit"),
            show_default=False,
            autocompletion=completion.units,
        ),
    ] = None,
    by_unit: Annotated[bool, typer.Option("--by-unit", help=t("help.opt.by_unit"))] = False,
    as_json: Annotated[bool, typer.Option("--json", help=t("help.opt.json"))] = False,
) -> None:
    """Show every target's progress, expected pace and status on one date."""
    from kxplan import progress

    env = ctx.obj
    plan = env.plan()
    if by_unit and (unit is not None or section is not None or point is not None):
        raise UsageError(t("status.by_unit_alone"))
    if by_unit and not plan.units:
        raise InputError(t("status.no_units"))
    resolver = plan.unit_resolver()
    wanted = resolver.require(unit) if unit is not None else None
    day = resolve_as_of(as_of, plan.year, env.today)
    check_filters(plan, section, point)
    if by_unit:
        totals, unit_totals, sample = read_by_unit(env.db_path, plan, day)
        summary = progress.summarise(plan, totals, day)
        units = progress.by_unit(plan, unit_totals, day)
        if as_json:
            data = progress.to_json(summary, sample=sample)
            print_json({**data, "units": progress.units_json(units)})
        else:
            render_by_unit(plan, units, day, sample=sample)
        return
    if wanted is not None:
        own, sample = read_unit_totals(env.db_path, plan, wanted, day)
        summary = progress.unit_summary(plan, wanted, own, day).only(section, point)
        others = progress.unit_contributions(plan, wanted, own, day)
        if section is not None or point is not None:
            others = [c for c in others if _inside(plan, c.target.point, section, point)]
        if as_json:
            found = plan.unit(wanted)
            shown_unit = found.to_dict() if found is not None else {"id": None, "name": wanted}
            contributions = [contribution_json(item) for item in others]
            data = progress.to_json(summary, sample=sample)
            print_json({**data, "unit": shown_unit, "contributions": contributions})
        else:
            render(summary, env.today, unit=resolver.name(wanted), sample=sample)
            for line in contribution_lines(others):
                echo(line)
        return
    totals, sample = read_totals(env.db_path, plan.year, day)
    summary = progress.summarise(plan, totals, day).only(section, point)
    if as_json:
        print_json(progress.to_json(summary, sample=sample))
    else:
        render(summary, env.today, sample=sample)


def check_filters(plan: Plan, section: int | None, point: int | None) -> None:
    """Refuse a ``--section`` or ``--point`` the plan does not have, naming the valid ones."""
    sections = {s.number: s for s in plan.sections}
    if section is not None and section not in sections:
        raise InputError(t("status.no_section", number=section, valid=_numbers(sections)))
    if point is None:
        return
    points = [p.number for p in plan.points()]
    if point not in points:
        raise InputError(t("status.no_point", number=point, valid=_numbers(points)))
    if section is not None:
        inside = [p.number for p in sections[section].points]
        if point not in inside:
            raise InputError(
                t(
                    "status.point_not_in_section",
                    point=point,
                    section=section,
                    valid=_numbers(inside),
                )
            )


def _inside(plan: Plan, point_number: int, section: int | None, point: int | None) -> bool:
    """Whether work point ``point_number`` is inside the ``--section`` / ``--point`` asked for."""
    if point is not None and point_number != point:
        return False
    if section is None:
        return True
    return any(
        p.number == point_number for s in plan.sections if s.number == section for p in s.points
    )


def contribution_json(item: Contribution) -> dict[str, Any]:
    """A unit's entries under a target not allocated to it, as JSON data."""
    from kxplan.numbers import decimal_json

    return {
        "id": item.target.id,
        "entries": item.entries,
        "amount": decimal_json(item.amount),
        "last_entry": item.last_entry.isoformat(),
    }


def contribution_lines(others: list[Contribution]) -> list[str]:
    """What the unit recorded elsewhere, not judged: a heading and one line per target."""
    if not others:
        return []
    lines = [t("status.contributions")]
    for item in others:
        target = item.target
        if item.amount is not None:
            what = t(
                "status.contribution_count",
                amount=format_number(item.amount),
                unit=target.unit or "",
            )
        else:
            what = ""
        lines.append(
            "  "
            + t(
                "status.contribution",
                title=target.title,
                count=item.entries,
                last=short_date(item.last_entry),
                amount=what,
            )
        )
    return lines


def _numbers(numbers: Any) -> str:
    return ", ".join(str(n) for n in sorted(numbers))


def read_totals(db_path: Path, year: int, as_of: date) -> tuple[list[DailyTotal], bool]:
    """The plan year's per-day totals up to ``as_of``, and whether the database holds sample
    data (``DatabaseError`` when there is no database)."""
    from kxplan.store import Store

    with Store.open(db_path, create=False) as store, store.read_snapshot():
        return store.daily_totals(year, as_of=as_of), store.is_sample()


def read_by_unit(
    db_path: Path, plan: Plan, as_of: date
) -> tuple[list[DailyTotal], list[UnitTotal], bool]:
    """The plan's daily totals, the allocated targets' per-unit totals and whether the
    database holds sample data, in one snapshot."""
    from kxplan.store import Store

    ids = [target_id for target in plan.allocated_targets() for target_id in target.ids]
    with Store.open(db_path, create=False) as store, store.read_snapshot():
        totals = store.daily_totals(plan.year, as_of=as_of)
        per_unit = store.unit_totals(plan.year, as_of=as_of, targets=ids) if ids else []
        sample = store.is_sample()
    return totals, per_unit, sample


def read_unit_totals(
    db_path: Path, plan: Plan, wanted: str, as_of: date
) -> tuple[list[UnitTotal], bool]:
    """One unit's per-target daily totals up to ``as_of``, under every spelling it is stored
    as, and whether the database holds sample data."""
    from kxplan.store import Store

    with Store.open(db_path, create=False) as store, store.read_snapshot():
        sample = store.is_sample()
        spellings = plan.unit_resolver().matching(wanted, store.units(plan.year))
        if not spellings:
            return [], sample
        return store.unit_totals(plan.year, as_of=as_of, units=spellings), sample


#: The columns after the title: message key of the header, right-justified?
_COLUMNS = (
    ("status.col.actual", True),
    ("status.col.bar", False),
    ("status.col.expected", True),
    ("status.col.status", False),
    ("status.col.note", False),
)


def status_table() -> Table:
    """The status table: the title folds (at least ``MIN_TITLE_WIDTH``), the rest never do."""
    title = Column(t("status.col.target"), fold=True, min_width=MIN_TITLE_WIDTH)
    return Table([title, *(Column(t(key), right=right) for key, right in _COLUMNS)])


def render(
    summary: Summary, today: date | None = None, unit: str | None = None, *, sample: bool = False
) -> None:
    """Print the heading, the grouped table and the one-line summary to stdout.

    A milestone due on ``today`` and not done is ``overdue`` (rule 1: a day is judged at its
    end); when the table is for today it says 今日到期 (due today) instead, in the same colour.
    With ``unit`` (its name), the heading names the unit whose view this is. A database of
    sample data says so first (示例数据 / SAMPLE DATA).
    """
    colour = use_colour()
    if sample:
        echo(paint(t("status.sample_banner"), "bold yellow", colour))
    echo(paint(heading(summary.plan, summary.as_of, unit), "bold", colour))
    if unit is not None and not summary.sections:
        echo(t("status.unit_no_allocation", unit=unit))
        return

    def status_cell(key: str) -> Cell:
        return Cell(t(f"status.{key}"), STATUS_STYLES[key])

    def target_status_cell(progress: TargetProgress) -> Cell:
        due = progress.target.due
        if progress.status == "overdue" and due == summary.as_of == today:
            return Cell(t("status.due_today"), STATUS_STYLES[progress.status])
        return status_cell(progress.status)

    rows: list[Row] = []
    blank = [Cell("")] * 3
    for section_progress in summary.sections:
        section = section_progress.section
        title = section_heading(section.number, section.title)
        rows.append(
            Row([Cell(title, "bold"), *blank, status_cell(section_progress.status), Cell("")])
        )
        for point_progress in section_progress.points:
            point = point_progress.point
            rows.append(
                Row(
                    [
                        Cell(f"{point.number}. {point.title}", "bold"),
                        *blank,
                        status_cell(point_progress.status),
                        Cell(""),
                    ],
                    indent=2,
                )
            )
            for progress in point_progress.targets:
                stale = Cell(t("status.stale"), "yellow") if progress.stale else Cell("")
                rows.append(
                    Row(
                        [
                            Cell(progress.target.title),
                            Cell(actual_text(progress)),
                            Cell(bar_text(progress)),
                            Cell(expected_text(progress)),
                            target_status_cell(progress),
                            stale,
                        ],
                        indent=4,
                    )
                )
    for line in status_table().render(rows, output_width(), colour):
        echo(line)
    echo(summary_line(summary))


def heading(plan: Plan, as_of: date, unit: str | None = None) -> str:
    """``嘉兴市科协2019年工作要点 · 截至 2019-06-30 · 时间进度 49.6%`` (with a unit: its name too)."""
    from kxplan.progress import elapsed

    share = round1(elapsed(as_of) * 100)
    title = plan.title if unit is None else t("status.title_unit", title=plan.title, unit=unit)
    return t("status.heading", title=title, as_of=as_of.isoformat(), elapsed=share)


def render_by_unit(
    plan: Plan, units: list[UnitProgress], as_of: date, *, sample: bool = False
) -> None:
    """Print who is behind: one row per unit with allocations, worst first, then the others."""
    from kxplan.progress import STATUSES

    colour = use_colour()
    if sample:
        echo(paint(t("status.sample_banner"), "bold yellow", colour))
    echo(paint(heading(plan, as_of, t("status.by_unit_title")), "bold", colour))
    allocated = [progress for progress in units if progress.status is not None]
    targets = plan.allocated_targets()
    columns = [Column(t("status.col.unit"))]
    columns += [Column(header) for header in unit_headers(targets, allocated)]
    columns.append(Column(t("status.col.overall")))
    rows = [
        Row(
            [
                Cell(progress.unit.name),
                *unit_cells(targets, allocated, progress),
                Cell(t(f"status.{progress.status}"), STATUS_STYLES[progress.status or "done"]),
            ]
        )
        for progress in allocated
    ]
    if rows:
        for line in Table(columns).render(rows, output_width(), colour):
            echo(line)
    others = [progress.unit.name for progress in units if progress.status is None]
    counts = {key: 0 for key in STATUSES}
    for progress in allocated:
        counts[progress.status or "done"] += 1
    items = t("status.summary_sep").join(
        t("status.summary_item", count=counts[key], status=t(f"status.{key}"))
        for key in STATUSES
        if counts[key]
    )
    line = t("status.by_unit_summary", total=len(allocated), counts=items) if allocated else ""
    if others:
        listed = t("status.by_unit_others", units=t("status.unit_sep").join(others))
        line = line + t("status.summary_sep_clause") + listed if line else listed
    echo(line)


#: The parts of a unit's cell for one target, in order: message key of the sub-header, right?
_UNIT_PARTS = (
    ("status.col.unit_done", True),
    ("status.col.unit_percent", True),
    ("status.col.unit_expected", True),
    ("status.col.status", False),
)


def _unit_part_texts(progress: TargetProgress) -> list[str]:
    return [
        f"{format_number(progress.actual)}/{format_number(progress.target.goal)}",
        f"{progress.percent}%",
        format_places(progress.expected, progress.target.decimals),
        t(f"status.{progress.status}"),
    ]


def _unit_part_widths(target_id: str, units: list[UnitProgress]) -> list[int]:
    """The width of each part of one target's cells: its sub-header or its widest value."""
    widths = [cell_width(t(key)) for key, _ in _UNIT_PARTS]
    for progress in units:
        for mine in progress.targets:
            if mine.target.id == target_id:
                for index, text in enumerate(_unit_part_texts(mine)):
                    widths[index] = max(widths[index], cell_width(text))
    return widths


def _join_parts(texts: list[str], widths: list[int]) -> str:
    parts = [
        pad(text, width, right, "", False)
        for text, width, (_, right) in zip(texts, widths, _UNIT_PARTS, strict=True)
    ]
    return "  ".join(parts).rstrip()


def unit_headers(targets: list[Target], units: list[UnitProgress]) -> list[str]:
    """One two-line header per allocated target: its title (and unit), then the parts' names."""
    headers = []
    for target in targets:
        widths = _unit_part_widths(target.id, units)
        title = t("status.unit_target", title=target.title, unit=target.unit or "")
        headers.append(f"{title}\n{_join_parts([t(key) for key, _ in _UNIT_PARTS], widths)}")
    return headers


def unit_cells(
    targets: list[Target], units: list[UnitProgress], progress: UnitProgress
) -> list[Cell]:
    """A unit's cell for each allocated target, aligned within the column and in its status's
    colour; ``—`` where the unit has no allocation of it."""
    mine = {item.target.id: item for item in progress.targets}
    cells = []
    for target in targets:
        item = mine.get(target.id)
        if item is None:
            cells.append(Cell("—"))
            continue
        text = _join_parts(_unit_part_texts(item), _unit_part_widths(target.id, units))
        cells.append(Cell(text, STATUS_STYLES[item.status]))
    return cells


def short_date(day: date) -> str:
    """A date inside the plan year without its year (the heading names it): 05-10, 5月10日."""
    return t("status.date", month=day.month, day=day.day)


def actual_text(progress: TargetProgress) -> str:
    """Actual / goal with unit; when a milestone was done; an activity's entries and last date."""
    target = progress.target
    if target.kind == "count":
        return f"{format_number(progress.actual)}/{format_number(target.goal)} {target.unit}"
    if target.kind == "milestone":
        if progress.done_on is None:
            return ""
        return t("status.milestone_done", done=short_date(progress.done_on))
    if progress.last_entry is None:
        return t("status.activity_none")
    last = short_date(progress.last_entry)
    if progress.entry_count == 1:
        return t("status.activity_one", last=last)
    return t("status.activity_entries", count=progress.entry_count, last=last)


def bar_text(progress: TargetProgress) -> str:
    """A count target's bar (whole cells, never full before the goal) and its percentage."""
    if progress.actual is None or progress.target.goal is None:
        return ""
    cells = int(progress.actual * BAR_WIDTH // progress.target.goal)
    cells = max(0, min(BAR_WIDTH, cells))
    return f"{'█' * cells}{'░' * (BAR_WIDTH - cells)} {progress.percent}%"


def expected_text(progress: TargetProgress) -> str:
    """序时进度 of a count target at its precision (whole numbers unless ``decimals: N``,
    rounded half up), or a milestone's due date."""
    if progress.target.due is not None:
        return t("status.milestone_due", due=short_date(progress.target.due))
    return format_places(progress.expected, progress.target.decimals)


def summary_line(summary: Summary) -> str:
    """``43 targets: 2 overdue, 1 behind, 30 active, 10 done; 7 with no entry in 90 days``.

    The statuses that occur, worst first (``progress.STATUSES``: red, yellow, green, grey).
    """
    from kxplan.progress import STATUSES

    items = t("status.summary_sep").join(
        t("status.summary_item", count=summary.counts[key], status=t(f"status.{key}"))
        for key in STATUSES
        if summary.counts[key]
    )
    targets = summary.targets()
    line = t("status.summary", total=len(targets), counts=items)
    stale = sum(1 for progress in targets if progress.stale)
    if stale:
        line += t("status.summary_stale", count=stale)
    return line
