"""``kxplan add|show|undo``: a clerk's day at the terminal.

- ``add`` asks for an entry question by question (``kxplan.cli.prompting``), validates each
  answer with the rules ``record`` uses, and writes it only after the clerk confirms; an
  entry identical to a live one is written only after a second confirmation (default no).
  Exit codes: 0 written or declined ("n"), 1 end of input before confirming, 130 Ctrl-C;
  nothing is written (and no database created) unless the entry was confirmed.
- ``show TARGET`` tells one target's story: plan text, goal, every entry and void, and the
  cumulative amount by quarter against expected pace, as text with a bar chart or as JSON.
- ``undo`` voids the current clerk's own most recent live entry of the plan year, with the
  reason 撤销 (``undo`` in English), after showing it and asking (``--yes`` skips the question).

The clerk is ``--by`` / ``KXPLAN_BY``, else the OS user — the same rule as ``record``.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
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
from kxplan.cli.output import committed, echo, notice, print_json_streaming
from kxplan.cli.term import (
    STATUS_STYLES,
    Cell,
    Column,
    Row,
    Table,
    cell_width,
    fold,
    output_width,
    paint,
    use_colour,
)
from kxplan.errors import InputError, RepeatedEntry
from kxplan.messages import t
from kxplan.numbers import format_number, format_places
from kxplan.text import goal_text, section_heading, shown

if TYPE_CHECKING:
    from kxplan.cli.env import Env
    from kxplan.entry import Entry
    from kxplan.plan import Plan, Target
    from kxplan.progress import QuarterFigures, TargetProgress
    from kxplan.store import Store
    from kxplan.store.interface import ListingBounds
    from kxplan.store.location import ServerLocation
    from kxplan.story import TargetStory
    from kxplan.units import UnitResolver

CHART_WIDTH = 20


def _existing_store(location: Path | ServerLocation) -> Any:
    """The open store when a database exists (refusing a foreign file now), else None."""
    from kxplan.store import Store

    if Store.exists(location):
        return Store.open(location, create=False)
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
    with _existing_store(env.db_path) as store:
        defaults = AddDefaults(
            by=who,
            by_given=given,
            date=default_date(plan, env.today, store, who),
            unit=plan.unit_resolver().offer(store.last_unit_by(who)) if store is not None else None,
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
        committed(t("record.stored", id=entry.id, target=entry.target))
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
    from kxplan.entry import Validator, entry_dict
    from kxplan.store import Store
    from kxplan.story import load_story, story_entries, story_json

    env: Env = ctx.obj
    plan = env.plan()
    found, problem = Validator(plan, env.today).target(target)
    if found is None:
        raise InputError(problem or t("entry.target_required"))
    day = resolve_as_of(as_of, plan.year, env.today)
    with Store.open(env.db_path, create=False) as store, store.read_snapshot():
        story = load_story(store, plan, found, day, with_entries=False)
        entries = story_entries(store, plan, found)
        if as_json:
            aliases = plan.aliases()
            document = story_json(story)
            items = (entry_dict(entry, aliases) for entry in entries)
            print_json_streaming(document, "entries", items)
        else:
            render_story(story, entries, lambda: store.listing_bounds(plan.year, targets=found.ids))


def render_story(
    story: TargetStory,
    entries: Iterable[Entry] | None = None,
    bounds: Callable[[], ListingBounds | None] | None = None,
) -> None:
    """Print the story: heading, plan text, standing, entries table, quarter chart.

    ``entries`` (default ``story.entries``) are printed as they come; ``bounds`` gives the
    widths of a long listing before its rows (see ``entry_lines``).
    """
    colour = use_colour()
    width = output_width()
    target, point, section = story.target, story.point, story.section
    entries = iter(story.entries if entries is None else entries)
    if story.sample:
        echo(paint(t("status.sample_banner"), "bold yellow", colour))
    echo(paint(f"{target.id} · {target.title}", "bold", colour))
    place = t(
        "show.point",
        number=point.number,
        title=point.title,
        section=section_heading(section.number, section.title),
    )
    owner = story.owner
    for line in fold(place + (" · " + t("show.owner", owner=owner) if owner else ""), width):
        echo(line)
    for line in fold(point.text, width - 2):
        echo(f"  {line}")
    echo()
    facts = [t(f"show.kind.{target.kind}"), goal_text(target)]
    if target.schedule:
        values = "/".join(format_number(value) for value in target.schedule)
        facts.append(t("show.schedule", values=values))
    if target.renamed_from:
        facts.append(t("show.renamed", ids=", ".join(target.renamed_from)))
    echo(" · ".join(facts))
    echo(standing_line(story.progress, story.as_of, colour))
    echo()
    echo(paint(t("show.entries_heading"), "bold", colour))
    head = list(itertools.islice(entries, MEASURED_ROWS + 1))
    if head:
        long = len(head) > MEASURED_ROWS and bounds is not None
        listing = bounds() if long and bounds is not None else None
        rows = itertools.chain(head, entries)
        for line in entry_lines(target, rows, colour, story.plan.unit_resolver(), listing):
            echo(line)
    else:
        echo("  " + t("show.no_entries"))
    chart = chart_lines(story.progress, story.quarters)
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


MEASURED_ROWS = 1000
"""``show`` lays out up to this many entries to fit their text; a longer listing streams."""


def entry_lines(
    target: Target,
    entries: Iterable[Entry],
    colour: bool,
    units: UnitResolver,
    bounds: ListingBounds | None = None,
) -> Iterator[str]:
    """The entries as a table (``term.Table``); voids in a last, red column; text folds.

    Without ``bounds`` the entries are measured first, so each column is as wide as its text.
    With them (a long listing) every width is known before the first row, which is printed
    while the rest is still being read: ids and amounts as wide as their bounds, unit and
    name folding, and the void column there when ``bounds.voided`` says any entry has one.
    """
    counted = target.kind == "count"
    if bounds is None:
        entries = list(entries)
        voided = any(entry.void is not None for entry in entries)
        fixed: list[int | None] = [None, None, None]
    else:
        voided = bounds.voided
        digits = len(str(int(bounds.max_amount))) if bounds.max_amount is not None else 1
        fixed = [len(f"#{bounds.max_id}"), len("2019-01-01")]
        fixed.append(digits + (4 if bounds.fraction else 0))
    headers = [t("label.log.id"), t("label.log.date"), t("label.log.amount")]
    widths = [
        None if size is None else max(size, cell_width(text))
        for size, text in zip(fixed, headers, strict=True)
    ]
    streaming = bounds is not None
    columns = [Column(headers[0], width=widths[0]), Column(headers[1], width=widths[1])]
    if counted:
        columns.append(Column(headers[2], right=True, width=widths[2]))
    columns += [
        Column(t("label.log.unit"), fold=streaming),
        Column(t("label.log.by"), fold=streaming),
        Column(t("show.col_content"), fold=True),
    ]
    if voided:
        columns.append(Column(t("label.log.void"), fold=True, style="red"))

    def rows() -> Iterator[Row]:
        for entry in entries:
            cells = [Cell(f"#{entry.id}"), Cell(entry.date.isoformat())]
            if counted:
                cells.append(Cell(format_number(entry.amount)))
            content = " — ".join(part for part in (entry.item, entry.note) if part)
            cells += [
                Cell(shown(units.name(entry.unit))),
                Cell(shown(entry.by)),
                Cell(shown(content)),
            ]
            if voided:
                void = entry.void
                text = (
                    ""
                    if void is None
                    else t("show.voided", id=void.id, by=shown(void.by), reason=shown(void.reason))
                )
                cells.append(Cell(text))
            yield Row(cells)

    table = Table(columns, margin=2, rule=False)
    return table.render(rows(), output_width(), colour)


def chart_lines(progress: TargetProgress, quarters: Sequence[QuarterFigures]) -> list[str]:
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
            + [row.cumulative for row in quarters if row.cumulative is not None]
            + [row.expected for row in quarters if row.expected is not None]
        )
        lines.append(t("show.chart_count"))
        for label, row in zip(labels, quarters, strict=True):
            assert row.expected is not None
            expect = format_places(row.expected, target.decimals)
            if row.through is None or row.cumulative is None:
                bar = " " * CHART_WIDTH
                figures = f"— / {expect}  {t('show.not_yet')}"
            else:
                done = _cells(row.cumulative, scale)
                due = _cells(row.expected, scale)
                bar = "█" * done + "▒" * max(0, due - done) + "░" * (CHART_WIDTH - max(done, due))
                figures = f"{format_number(row.cumulative)} / {expect}"
                if row.through != row.end:
                    figures += "  " + t("show.through", date=row.through.isoformat())
            pad = " " * (label_width - cell_width(label))
            lines.append(f"  {label}{pad}  {bar}  {figures}")
        lines.append("  " + t("show.legend"))
        return lines
    counts = [row.entries for row in quarters]
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
        done = store.void(entry.id, t("undo.reason"), who)  # in the clerk's language: 撤销
        committed(t("void.stored", id=entry.id, void=done.id))
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
        ("label.log.unit", plan.unit_resolver().name(entry.unit) if entry.unit else None),
        ("add.label_evidence", entry.evidence),
    )
    for key, value in fields:
        if value:
            parts.append(t("undo.field", label=t(key), value=shown(value)))
    return " · ".join(parts)
