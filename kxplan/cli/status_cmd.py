"""``kxplan status``: where each target stands on a date, as a table or as JSON.

The flow: load the plan; settle ``as_of`` (``--as-of``, else today kept inside the plan year);
check ``--section`` / ``--point``; read the per-day totals from the store; ``progress``
computes; this module only renders.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import unicodedata
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NamedTuple

import typer

from kxplan import completion
from kxplan.cli import app
from kxplan.cli.env import Env
from kxplan.cli.output import echo, notice, print_json
from kxplan.errors import InputError
from kxplan.messages import t
from kxplan.numbers import format_number, round1

if TYPE_CHECKING:
    from kxplan.entry import DailyTotal
    from kxplan.plan import Plan
    from kxplan.progress import Summary, TargetProgress

BAR_WIDTH = 10
#: Status colours; the word is always printed too, so colour is never the only signal.
STATUS_STYLES = {
    "at_risk": "bold red",
    "overdue": "bold red",
    "behind": "yellow",
    "idle": "yellow",
    "pending": "cyan",
    "on_track": "green",
    "active": "green",
    "done": "bold green",
}
#: Order of the counts in the one-line summary under the table.
SUMMARY_ORDER = ("done", "on_track", "behind", "at_risk", "overdue", "pending", "active", "idle")


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
    totals = read_totals(env.db_path, plan.year, day)
    summary = progress.summarise(plan, totals, day).only(section, point)
    if as_json:
        print_json(progress.to_json(summary))
    else:
        render(summary)


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
    day = parse_day(value)
    if day is None:
        raise InputError(t("status.bad_date", value=text))
    if not first <= day <= last:
        raise InputError(
            t(
                "status.outside_year",
                value=value,
                year=year,
                first=first.isoformat(),
                last=last.isoformat(),
            )
        )
    return day


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


def read_totals(db_path: Path, year: int, as_of: date) -> list[DailyTotal]:
    """The plan year's per-day totals up to ``as_of`` (``DatabaseError`` when there is no database)."""
    from kxplan.store import Store

    with Store.open(db_path, create=False) as store:
        return store.daily_totals(year, as_of=as_of)


# --- the terminal view -------------------------------------------------------------------------
# The table is laid out here rather than by rich: rich's first table render costs ~115 ms,
# which alone would break the start-up budget of `kxplan status` (≤ 10× `python -c pass`).
# Widths are terminal cells (CJK characters take two), long titles fold and nothing is ever
# truncated; escape codes are written only to a terminal without NO_COLOR.

GAP = "  "
MIN_TITLE_WIDTH = 16
DEFAULT_WIDTH = 100
_SGR = {"bold": "1", "red": "31", "green": "32", "yellow": "33", "cyan": "36"}
#: Closing punctuation that must not begin a folded line (避头点).
_NO_LINE_START = set("，。、；：？！）》」』】〕”’,.;:?!)]}%")
#: Opening punctuation that must not end a folded line (避尾点).
_NO_LINE_END = set("（《「『【〔“‘([{")


class Cell(NamedTuple):
    """One table cell: its text and a style (``bold red``; empty for none)."""

    text: str
    style: str = ""


def cell_width(text: str) -> int:
    """Terminal cells ``text`` takes: 2 for wide (CJK) characters, 0 for combining marks."""
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def _tokens(text: str) -> list[str]:
    """Words of narrow characters, single spaces (for any whitespace run), single CJK characters."""
    return [
        " " if token.isspace() else token
        for token in re.findall(r"\s+|[^\s\u1100-\uffef]+|\S", text.strip())
    ]


def fold(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` cells, broken at spaces or between CJK characters.

    A word wider than the line is folded inside; closing punctuation never starts a line and
    opening punctuation never ends one; only whitespace is changed (runs become one space).
    """
    width = max(width, 2)
    lines: list[list[str]] = [[]]
    used = 0
    for token in _tokens(text):
        size = cell_width(token)
        if used + size <= width:
            lines[-1].append(token)
            used += size
            continue
        if token.isspace():
            lines.append([])
            used = 0
            continue
        carried: list[str] = []
        if len(lines[-1]) > 1 and (
            lines[-1][-1] in _NO_LINE_END
            or (token in _NO_LINE_START and not lines[-1][-1].isspace())
        ):
            carried = [lines[-1].pop()]
        if lines[-1]:
            lines.append([])
        lines[-1].extend(carried)
        used = sum(cell_width(piece) for piece in carried)
        for char in token if size > width else [token]:
            char_size = cell_width(char)
            if used + char_size > width and lines[-1]:
                lines.append([])
                used = 0
            lines[-1].append(char)
            used += char_size
    result = ["".join(line).rstrip() for line in lines]
    return result if any(result) else [""]


def _pad(text: str, width: int, right: bool, style: str, colour: bool) -> str:
    """``text`` padded with spaces to ``width`` cells (on the left when ``right``), painted."""
    space = " " * max(0, width - cell_width(text))
    painted = paint(text, style, colour)
    return space + painted if right else painted + space


def use_colour(stream: Any = None) -> bool:
    """Escape codes only on a terminal, never with NO_COLOR or TERM=dumb."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return Env.is_terminal(stream or sys.stdout)


def output_width() -> int:
    """``COLUMNS`` when set, else the terminal's width, else 100 (as the shared console)."""
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns > 0:
        return columns
    if Env.is_terminal(sys.stdout):
        return shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns
    return DEFAULT_WIDTH


def paint(text: str, style: str, colour: bool) -> str:
    """``text`` wrapped in SGR escape codes for ``style`` when colour is on."""
    if not colour or not style or not text:
        return text
    codes = ";".join(_SGR[word] for word in style.split())
    return f"\x1b[{codes}m{text}\x1b[0m"


#: The columns after the title: message key of the header, right-justified?
_COLUMNS = (
    ("status.col.actual", True),
    ("status.col.bar", False),
    ("status.col.expected", True),
    ("status.col.status", False),
    ("status.col.note", False),
)


def table_lines(rows: list[tuple[int, list[Cell]]], width: int, colour: bool) -> list[str]:
    """Lay out ``(indent, cells)`` rows under the column headers within ``width`` cells."""
    header = [Cell(t("status.col.target"), "bold")] + [Cell(t(key), "bold") for key, _ in _COLUMNS]
    right = [False] + [justify for _, justify in _COLUMNS]
    widths = [
        max(cell_width(cell.text) for cell in column)
        for column in zip(header, *[cells for _, cells in rows], strict=True)
    ]
    widths[0] = max(
        [cell_width(header[0].text)]
        + [indent + cell_width(cells[0].text) for indent, cells in rows]
    )
    others = sum(widths[1:]) + len(GAP) * (len(widths) - 1)
    widths[0] = max(MIN_TITLE_WIDTH, min(widths[0], width - others))
    lines = _row_lines(0, header, widths, right, colour)
    lines.append("─" * (sum(widths) + len(GAP) * (len(widths) - 1)))
    for indent, cells in rows:
        lines.extend(_row_lines(indent, cells, widths, right, colour))
    return lines


def _row_lines(
    indent: int, cells: list[Cell], widths: list[int], right: list[bool], colour: bool
) -> list[str]:
    """One table row: the title folded within its column, the other cells on its first line."""
    lines = []
    for number, title in enumerate(fold(cells[0].text, widths[0] - indent)):
        parts = [" " * indent + _pad(title, widths[0] - indent, False, cells[0].style, colour)]
        for cell, width, justify in zip(cells[1:], widths[1:], right[1:], strict=True):
            text = cell.text if number == 0 else ""
            parts.append(_pad(text, width, justify, cell.style, colour))
        lines.append(GAP.join(parts).rstrip())
    return lines


def render(summary: Summary) -> None:
    """Print the heading, the grouped table and the one-line summary to stdout."""
    from kxplan.progress import elapsed

    colour = use_colour()
    plan = summary.plan
    share = round1(elapsed(summary.as_of) * 100)
    heading = t("status.heading", title=plan.title, as_of=summary.as_of.isoformat(), elapsed=share)
    echo(paint(heading, "bold", colour))

    def status_cell(key: str) -> Cell:
        return Cell(t(f"status.{key}"), STATUS_STYLES[key])

    rows: list[tuple[int, list[Cell]]] = []
    blank = [Cell("")] * 3
    for section_progress in summary.sections:
        section = section_progress.section
        title = f"{t('label.section_n', n=section.number)} {section.title}"
        rows.append(
            (0, [Cell(title, "bold"), *blank, status_cell(section_progress.status), Cell("")])
        )
        for point_progress in section_progress.points:
            point = point_progress.point
            rows.append(
                (
                    2,
                    [
                        Cell(f"{point.number}. {point.title}", "bold"),
                        *blank,
                        status_cell(point_progress.status),
                        Cell(""),
                    ],
                )
            )
            for progress in point_progress.targets:
                stale = Cell(t("status.stale"), "yellow") if progress.stale else Cell("")
                rows.append(
                    (
                        4,
                        [
                            Cell(progress.target.title),
                            Cell(actual_text(progress)),
                            Cell(bar_text(progress)),
                            Cell(expected_text(progress)),
                            status_cell(progress.status),
                            stale,
                        ],
                    )
                )
    for line in table_lines(rows, output_width(), colour):
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
    """序时进度 of a count target (rounded half up to one decimal), or a milestone's due date."""
    if progress.target.due is not None:
        return t("status.milestone_due", due=short_date(progress.target.due))
    if progress.expected is None:
        return ""
    return format_number(round1(progress.expected))


def summary_line(summary: Summary) -> str:
    """``43 targets: 5 done, 10 on track, …; 7 with no entry in 90 days``."""
    items = t("status.summary_sep").join(
        t("status.summary_item", count=summary.counts[key], status=t(f"status.{key}"))
        for key in SUMMARY_ORDER
    )
    targets = summary.targets()
    line = t("status.summary", total=len(targets), counts=items)
    stale = sum(1 for progress in targets if progress.stale)
    if stale:
        line += t("status.summary_stale", count=stale)
    return line
