"""``kxplan status``: where each target stands on a date, as a table or as JSON.

The flow: load the plan; settle ``as_of`` (``--as-of``, else today kept inside the plan year);
check ``--section`` / ``--point``; read the per-day totals from the store; ``progress``
computes; this module only renders.
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
    output_width,
    paint,
    use_colour,
)
from kxplan.errors import InputError
from kxplan.messages import t
from kxplan.numbers import format_number, format_places, round1
from kxplan.text import section_heading

if TYPE_CHECKING:
    from kxplan.entry import DailyTotal
    from kxplan.plan import Plan
    from kxplan.progress import Summary, TargetProgress

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
    as_json: Annotated[bool, typer.Option("--json", help=t("help.opt.json"))] = False,
) -> None:
    """Show every target's progress, expected pace and status on one date."""
    from kxplan import progress

    env = ctx.obj
    plan = env.plan()
    day = resolve_as_of(as_of, plan.year, env.today)
    check_filters(plan, section, point)
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


def _numbers(numbers: Any) -> str:
    return ", ".join(str(n) for n in sorted(numbers))


def read_totals(db_path: Path, year: int, as_of: date) -> tuple[list[DailyTotal], bool]:
    """The plan year's per-day totals up to ``as_of``, and whether the database holds sample
    data (``DatabaseError`` when there is no database)."""
    from kxplan.store import Store

    with Store.open(db_path, create=False) as store, store.read_snapshot():
        return store.daily_totals(year, as_of=as_of), store.is_sample()


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


def render(summary: Summary, today: date | None = None, *, sample: bool = False) -> None:
    """Print the heading, the grouped table and the one-line summary to stdout.

    A milestone due on ``today`` and not done is ``overdue`` (rule 1: a day is judged at its
    end); when the table is for today it says 今日到期 (due today) instead, in the same colour.
    A database of sample data says so first (示例数据 / SAMPLE DATA).
    """
    from kxplan.progress import elapsed

    colour = use_colour()
    if sample:
        echo(paint(t("status.sample_banner"), "bold yellow", colour))
    plan = summary.plan
    share = round1(elapsed(summary.as_of) * 100)
    heading = t("status.heading", title=plan.title, as_of=summary.as_of.isoformat(), elapsed=share)
    echo(paint(heading, "bold", colour))

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
