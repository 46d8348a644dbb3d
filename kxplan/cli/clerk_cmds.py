"""``kxplan add|show|undo``: a clerk's day at the terminal.

- ``add`` asks for an entry question by question (``kxplan.cli.prompting``), validates each
  answer with the rules ``record`` uses, and writes it only after the clerk confirms; an
  entry identical to a live one is written only after a second confirmation (default no).
  Exit codes: 0 written or declined ("n"), 1 end of input before confirming, 130 Ctrl-C;
  nothing is written (and no database created) unless the entry was confirmed.
- ``show TARGET`` tells one target's story: plan text, goal, every entry and void, and the
  cumulative amount by quarter against expected pace, as text with a bar chart or as JSON.
- ``undo`` voids the current clerk's own most recent live entry of the plan year, with the
  reason ``undo``, after showing it and asking (``--yes`` skips the question).

The clerk is ``--by`` / ``KXPLAN_BY``, else the OS user — the same rule as ``record``.
"""

from __future__ import annotations

import contextlib
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kxplan.cli import app, completion
from kxplan.cli.common import (
    by_option,
    by_or_default,
    default_by,
    given_by,
    resolve_as_of,
    store_session,
    summary,
)
from kxplan.cli.output import echo, format_number, notice, print_json, shown, target_goal_text
from kxplan.cli.term import STATUS_STYLES, cell_width, fold, output_width, pad, paint, use_colour
from kxplan.errors import InputError, RepeatedEntry
from kxplan.messages import t
from kxplan.numbers import format_places
from kxplan.text import section_heading

if TYPE_CHECKING:
    from kxplan.cli.env import Env
    from kxplan.entry import DailyTotal, Entry
    from kxplan.plan import Plan, Point, Section, Target
    from kxplan.progress import TargetProgress
    from kxplan.store import Store

UNDO_REASON = "undo"
CHART_WIDTH = 20


def _existing_store(path: Path) -> Any:
    """The open store when a database exists (refusing a foreign file now), else None."""
    from kxplan.store import Store

    if path.is_dir() or (path.is_file() and path.stat().st_size > 0):
        return Store.open(path, create=False)
    return contextlib.nullcontext(None)


# --- add -------------------------------------------------------------------------------------


class _StoreRecorded:
    """The store's live entries, for the rules ``add`` checks before asking the next question."""

    def __init__(self, store: Store, year: int) -> None:
        self.store = store
        self.year = year

    def counted(self, target_ids: tuple[str, ...], item: str) -> int | None:
        """The live entry that already counts ``item`` for the target, or None."""
        return self.store.counted_item(self.year, target_ids, item)

    def done(self, target_ids: tuple[str, ...]) -> tuple[int, date] | None:
        """The first live entry of a milestone (it marks it done), or None."""
        return self.store.first_entry(self.year, target_ids)


def default_date(plan: Plan, today: date, store: Store | None, who: str) -> date | None:
    """Today inside the plan year; else the date of this clerk's last live entry; else None."""
    if today.year == plan.year:
        return today
    last = store.last_entry_by(who, plan.year) if store is not None else None
    return last.date if last is not None else None


@app.command("add", help=t("help.add"))
def add(
    ctx: typer.Context,
    target: Annotated[
        str | None,
        typer.Argument(
            help=t("help.arg.add_target"),
            show_default=False,
            autocompletion=completion.target_ids,
        ),
    ] = None,
    by: Annotated[str | None, by_option("help.opt.by")] = None,
) -> None:
    """Record progress interactively, confirming before anything is written."""
    from kxplan.cli.prompting import AddDefaults, AddDialogue, LineIO
    from kxplan.entry import Validator

    env: Env = ctx.obj
    plan = env.plan()
    given = given_by(by)
    who = given or default_by()
    io = LineIO.standard()
    with _existing_store(Path(env.db_path)) as store:
        defaults = AddDefaults(
            by=who,
            by_given=given,
            date=default_date(plan, env.today, store, who),
            unit=store.last_unit_by(who) if store is not None else None,
        )
        recorded = _StoreRecorded(store, plan.year) if store is not None else None
        validator = Validator(plan, env.today, date_required=True)
        dialogue = AddDialogue(plan, io, validator, defaults, recorded)
        try:
            draft = dialogue.run(target)
        except EOFError:
            io.end_line()
            raise InputError(t("add.eof")) from None
        except KeyboardInterrupt:
            io.end_line()
            raise
    if draft is None:
        notice(t("add.cancelled"))
        return
    with store_session(env, create=True) as store:
        try:
            entry = store.record(plan, draft, who)
        except RepeatedEntry as exc:
            # the same work recorded twice is the commonest mistake: say so, and write it
            # only when the clerk confirms it really happened again
            io.say(
                t("add.repeat", id=exc.entry_id, target=draft.target, date=draft.date.isoformat())
            )
            if not _confirm_again(io):
                notice(t("add.cancelled"))
                return
            entry = store.record(plan, draft, who, again=True)
        echo(t("record.done", id=entry.id, summary=summary(store, plan, entry.target, env.today)))


def _confirm_again(io: Any) -> bool:
    """Ask whether an identical entry really happened again (default no)."""
    from kxplan.cli.prompting import confirm

    try:
        return confirm(io, t("add.again"), default=False)
    except EOFError:
        io.end_line()
        raise InputError(t("add.eof")) from None


# --- show --------------------------------------------------------------------------------------


@app.command("show", help=t("help.show"))
def show(
    ctx: typer.Context,
    target: Annotated[
        str,
        typer.Argument(
            help=t("help.arg.show_target"),
            show_default=False,
            autocompletion=completion.target_ids,
        ),
    ],
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", metavar="DATE", help=t("help.opt.show_as_of"), show_default=False),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help=t("help.opt.show_json"))] = False,
) -> None:
    """Show one target: plan text, goal, entries and voids, quarters against expected pace."""
    from kxplan.entry import Validator
    from kxplan.progress import target_progress
    from kxplan.store import Store

    env: Env = ctx.obj
    plan = env.plan()
    found, problem = Validator(plan, env.today).target(target)
    if found is None:
        raise InputError(problem or t("entry.target_required"))
    day = resolve_as_of(as_of, plan.year, env.today)
    ids = (found.id, *found.renamed_from)
    with Store.open(env.db_path, create=False) as store:
        entries = store.entries(plan.year, targets=ids, include_voided=True)
        totals = [
            total for total in store.daily_totals(plan.year, as_of=day) if total.target in ids
        ]
    totals.sort(key=lambda total: total.date)
    progress = target_progress(plan, found, totals, day)
    section, point = _place(plan, found)
    quarters = quarter_rows(progress, totals, day)
    if as_json:
        print_json(story_json(plan, section, point, progress, quarters, entries, day))
    else:
        render_story(plan, section, point, progress, quarters, entries, day)


def _place(plan: Plan, target: Target) -> tuple[Section, Point]:
    for section in plan.sections:
        for point in section.points:
            if target in point.targets:
                return section, point
    raise AssertionError(target.id)  # pragma: no cover - every target is under a point


def quarter_rows(progress: TargetProgress, totals: list[DailyTotal], as_of: date) -> list[dict]:
    """Per quarter: its dates, the last day counted, entries, amount, cumulative and expected.

    Quarters after ``as_of``'s have no figures but their expected pace; the quarter holding
    ``as_of`` is counted, and its expected pace taken, up to ``as_of``.
    """
    from kxplan.progress import expected, quarter_bounds, quarter_of

    target = progress.target
    current = quarter_of(as_of)
    rows = []
    for quarter in range(1, 5):
        start, end = quarter_bounds(as_of.year, quarter)
        through = None if quarter > current else min(end, as_of)
        count = sum(total.count for total in totals if start <= total.date <= end)
        row: dict[str, Any] = {
            "quarter": f"{as_of.year}Q{quarter}",
            "start": start,
            "end": end,
            "through": through,
            "entries": None if through is None else count,
            "amount": None,
            "cumulative": None,
            "expected": None,
        }
        if target.kind == "count":
            row["expected"] = expected(target, through or end)
            if through is not None:
                row["amount"] = progress.quarter_amounts[quarter - 1]
                row["cumulative"] = progress.cumulative[quarter - 1]
        rows.append(row)
    return rows


def story_json(
    plan: Plan,
    section: Section,
    point: Point,
    progress: TargetProgress,
    quarters: list[dict],
    entries: list[Entry],
    as_of: date,
) -> dict:
    """The ``show --json`` document (keys listed in ``help.opt.show_json``)."""
    from kxplan.entry import entry_dict
    from kxplan.plan import decimal_json
    from kxplan.progress import round1

    target = progress.target

    def rounded(value: Any) -> Any:
        return None if value is None else decimal_json(round1(value))

    def day(value: date | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "target": {
            **target.to_dict(),
            "owner": target.owner or point.owner,
            "renamed_from": list(target.renamed_from),
        },
        "point": {
            "number": point.number,
            "title": point.title,
            "text": point.text,
            "owner": point.owner,
        },
        "section": {"number": section.number, "title": section.title},
        "as_of": as_of.isoformat(),
        "progress": {
            "status": progress.status,
            "actual": decimal_json(progress.actual),
            "expected": rounded(progress.expected),
            "percent": decimal_json(progress.percent),
            "done_on": day(progress.done_on),
            "entries": progress.entry_count,
            "last_entry": day(progress.last_entry),
            "stale": progress.stale,
        },
        "quarters": [
            {
                "quarter": row["quarter"],
                "start": day(row["start"]),
                "end": day(row["end"]),
                "through": day(row["through"]),
                "entries": row["entries"],
                "amount": decimal_json(row["amount"]),
                "cumulative": decimal_json(row["cumulative"]),
                "expected": rounded(row["expected"]),
            }
            for row in quarters
        ],
        "entries": [entry_dict(entry, plan.aliases()) for entry in entries],
    }


def render_story(
    plan: Plan,
    section: Section,
    point: Point,
    progress: TargetProgress,
    quarters: list[dict],
    entries: list[Entry],
    as_of: date,
) -> None:
    """Print the story: heading, plan text, standing, entries table, quarter chart."""
    colour = use_colour()
    width = output_width()
    target = progress.target
    echo(paint(f"{target.id} · {target.title}", "bold", colour))
    place = t(
        "show.point",
        number=point.number,
        title=point.title,
        section=section_heading(section.number, section.title),
    )
    owner = target.owner or point.owner
    for line in fold(place + (" · " + t("show.owner", owner=owner) if owner else ""), width):
        echo(line)
    for line in fold(point.text, width - 2):
        echo(f"  {line}")
    echo()
    facts = [t(f"show.kind.{target.kind}"), target_goal_text(target)]
    if target.schedule:
        values = "/".join(format_number(value) for value in target.schedule)
        facts.append(t("show.schedule", values=values))
    if target.renamed_from:
        facts.append(t("show.renamed", ids=", ".join(target.renamed_from)))
    echo(" · ".join(facts))
    echo(standing_line(progress, as_of, colour))
    echo()
    echo(paint(t("show.entries_heading"), "bold", colour))
    if entries:
        for line in entry_lines(target, entries, colour):
            echo(line)
    else:
        echo("  " + t("show.no_entries"))
    chart = chart_lines(progress, quarters)
    if chart:
        echo()
        for number, line in enumerate(chart):
            echo(paint(line, "bold", colour) if number == 0 else line)


def standing_line(progress: TargetProgress, as_of: date, colour: bool) -> str:
    """Where the target stands on ``as_of``, with its status word (coloured on a terminal)."""

    target = progress.target
    status = paint(t(f"status.{progress.status}"), STATUS_STYLES[progress.status], colour)
    day = as_of.isoformat()
    if target.kind == "count":
        assert progress.expected is not None
        line = t(
            "show.as_of_count",
            as_of=day,
            actual=format_number(progress.actual),
            goal=format_number(target.goal),
            unit=target.unit or "",
            percent=progress.percent,
            expected=format_places(progress.expected, target.decimals),
            status=status,
        )
    elif target.kind == "milestone":
        due = target.due.isoformat() if target.due else ""
        if progress.done_on is not None:
            line = t(
                "show.as_of_milestone_done",
                as_of=day,
                done=progress.done_on.isoformat(),
                due=due,
                status=status,
            )
        else:
            line = t("show.as_of_milestone_open", as_of=day, due=due, status=status)
    elif progress.last_entry is not None:
        line = t(
            "show.as_of_activity",
            as_of=day,
            count=progress.entry_count,
            last=progress.last_entry.isoformat(),
            status=status,
        )
    else:
        line = t("show.as_of_activity_none", as_of=day, status=status)
    return line + (t("show.stale") if progress.stale else "")


def entry_lines(target: Target, entries: list[Entry], colour: bool) -> list[str]:
    """The entries as an aligned table (CJK counted as two cells); voids in a last column."""
    counted = target.kind == "count"
    voided = any(entry.void is not None for entry in entries)
    header = [t("label.log.id"), t("label.log.date")]
    if counted:
        header.append(t("label.log.amount"))
    header += [t("label.log.unit"), t("label.log.by"), t("show.col_content")]
    if voided:
        header.append(t("label.log.void"))
    right = {2} if counted else set()
    rows: list[list[str]] = []
    for entry in entries:
        row = [f"#{entry.id}", entry.date.isoformat()]
        if counted:
            row.append(format_number(entry.amount))
        content = " — ".join(part for part in (entry.item, entry.note) if part)
        row += [shown(entry.unit), shown(entry.by), shown(content)]
        if voided:
            void = entry.void
            row.append(
                t("show.voided", id=void.id, by=shown(void.by), reason=shown(void.reason))
                if void
                else ""
            )
        rows.append(row)
    widths = [max(cell_width(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str], style: str) -> str:
        parts = []
        for index, (cell, size) in enumerate(zip(cells, widths, strict=True)):
            cell_style = style or ("red" if voided and index == len(cells) - 1 else "")
            parts.append(pad(cell, size, index in right, cell_style, colour))
        return ("  " + "  ".join(parts)).rstrip()

    return [line(header, "bold")] + [line(row, "") for row in rows]


def chart_lines(progress: TargetProgress, quarters: list[dict]) -> list[str]:
    """The bar chart, one row per quarter: a count's cumulative against expected pace
    (█ done, ▒ still short of expected, ░ the rest up to the goal), or an activity's entries.
    A milestone has none.
    """

    target = progress.target
    if target.kind == "milestone":
        return []
    labels = [t("show.quarter", q=number) for number in range(1, 5)]
    label_width = max(cell_width(label) for label in labels)
    lines = []
    if target.kind == "count":
        assert target.goal is not None
        scale = max(
            [target.goal]
            + [row["cumulative"] for row in quarters if row["cumulative"] is not None]
            + [row["expected"] for row in quarters]
        )
        lines.append(t("show.chart_count"))
        for label, row in zip(labels, quarters, strict=True):
            expect = format_places(row["expected"], target.decimals)
            if row["through"] is None:
                bar = " " * CHART_WIDTH
                figures = f"— / {expect}  {t('show.not_yet')}"
            else:
                done = _cells(row["cumulative"], scale)
                due = _cells(row["expected"], scale)
                bar = "█" * done + "▒" * max(0, due - done) + "░" * (CHART_WIDTH - max(done, due))
                figures = f"{format_number(row['cumulative'])} / {expect}"
                if row["through"] != row["end"]:
                    figures += "  " + t("show.through", date=row["through"].isoformat())
            pad = " " * (label_width - cell_width(label))
            lines.append(f"  {label}{pad}  {bar}  {figures}")
        lines.append("  " + t("show.legend"))
        return lines
    counts = [row["entries"] for row in quarters]
    most = max([count for count in counts if count is not None] + [1])
    lines.append(t("show.chart_activity"))
    for label, count in zip(labels, counts, strict=True):
        pad = " " * (label_width - cell_width(label))
        if count is None:
            lines.append(f"  {label}{pad}  {' ' * CHART_WIDTH}  {t('show.not_yet')}")
            continue
        cells = _cells(count, most)
        bar = "█" * cells + "░" * (CHART_WIDTH - cells)
        lines.append(f"  {label}{pad}  {bar}  {t('show.entries_n', count=count)}")
    return lines


def _cells(value: Any, scale: Any) -> int:
    """Whole chart cells for ``value`` of ``scale`` (rounded down, so never full too early)."""
    if not scale:
        return 0
    return max(0, min(CHART_WIDTH, int(value * CHART_WIDTH // scale)))


# --- undo --------------------------------------------------------------------------------------


@app.command("undo", help=t("help.undo"))
def undo(
    ctx: typer.Context,
    yes: Annotated[bool, typer.Option("--yes", "-y", help=t("help.opt.yes"))] = False,
    by: Annotated[str | None, by_option("help.opt.undo_by")] = None,
) -> None:
    """Void the current clerk's most recent entry of the plan year, after asking.

    Only the most recent one: when it is voided already, undo says so and writes nothing
    (it never walks back to older entries; ``kxplan void ID`` voids those).
    """
    from kxplan.cli.prompting import LineIO, confirm
    from kxplan.store import Store

    env: Env = ctx.obj
    plan = env.plan()
    who = by_or_default(by)
    with Store.open(env.db_path, create=False) as store:
        entry = store.last_entry_by(who, plan.year, include_voided=True)
        if entry is None:
            raise InputError(t("undo.nothing", by=who, year=plan.year))
        if entry.void is not None:
            raise InputError(t("undo.already_voided", id=entry.id))
        notice(t("undo.last"))
        notice("  " + describe_entry(plan, entry))
        if not yes:
            io = LineIO.standard()
            try:
                agreed = confirm(io, t("undo.confirm"), default=False)
            except EOFError:
                io.end_line()
                raise InputError(t("undo.eof")) from None
            except KeyboardInterrupt:
                io.end_line()
                raise
            if not agreed:
                notice(t("undo.kept"))
                return
        done = store.void(entry.id, UNDO_REASON, who)
        current = plan.aliases().get(entry.target, entry.target)
        echo(
            t(
                "void.done",
                void=done.id,
                id=entry.id,
                date=entry.date.isoformat(),
                summary=summary(store, plan, current, env.today),
            )
        )


def describe_entry(plan: Plan, entry: Entry) -> str:
    """An entry on one line: id, date, target and title, then amount, item, note, unit, evidence."""
    current = plan.aliases().get(entry.target, entry.target)
    target = plan.target(current)
    parts = [
        f"#{entry.id}",
        entry.date.isoformat(),
        shown(current) + (f" {target.title}" if target else ""),
    ]
    if entry.amount is not None:
        unit = target.unit if target is not None and target.unit else ""
        amount = f"{format_number(entry.amount)} {unit}".rstrip()
        parts.append(t("undo.field", label=t("label.log.amount"), value=amount))
    fields = (
        ("label.log.item", entry.item),
        ("label.log.note", entry.note),
        ("label.log.unit", entry.unit),
        ("add.label_evidence", entry.evidence),
    )
    for key, value in fields:
        if value:
            parts.append(t("undo.field", label=t(key), value=shown(value)))
    return " · ".join(parts)
