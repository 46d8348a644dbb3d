"""The ``log`` listing: its table, what each column shows of a stored row, and the streamed
writer of its rows (the hot loop of a long listing). ``kxplan log`` (``entry_cmds``) reads the
rows from the store and hands them here; only ``log`` loads this module and the terminal layout.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from kxplan.cli.term import Cell, Column, Layout, Row, Table, cell_width
from kxplan.messages import t
from kxplan.text import shown

if TYPE_CHECKING:
    from kxplan.plan import Plan
    from kxplan.store.interface import ListingBounds, ListingRow
    from kxplan.units import UnitResolver

MEASURED_ROWS = 1000
"""``log`` lays out up to this many entries to fit their text; a longer listing streams."""


def log_table(include_voided: bool, plan: Plan, bounds: ListingBounds | None = None) -> Table:
    """The ``log`` table: free text folds, ids, dates, amounts and target ids never do.

    Up to ``MEASURED_ROWS`` entries are measured, so each column is as wide as its text needs.
    A longer listing gets ``bounds`` (the largest id and amount to come): every width is then
    known before the first row and the table streams — its first line is printed while the
    database is still being read, and memory does not grow with the number of entries, the
    folding columns sharing the width evenly. Three spaces between columns and every line as
    wide as the table (as rich drew it first).
    """
    fixed: list[int | None] = [None, None, None, None]
    if bounds is not None:
        digits = len(str(int(bounds.max_amount))) if bounds.max_amount is not None else 1
        fixed = [
            len(f"#{bounds.max_id}"),
            len("2019-01-01"),
            max(cell_width(target.id) for target in plan.targets()),
            digits + (4 if bounds.fraction else 0),  # at most three decimals
        ]
    headers = [t("label.log.id"), t("label.log.date"), t("label.log.target"), t("label.log.amount")]
    widths = [
        None if size is None else max(size, cell_width(text))
        for size, text in zip(fixed, headers, strict=True)
    ]
    columns = [
        Column(headers[0], right=True, width=widths[0]),
        Column(headers[1], width=widths[1]),
        Column(headers[2], width=widths[2]),
        Column(headers[3], right=True, width=widths[3]),
        Column(t("label.log.item"), fold=True),
        Column(t("label.log.note"), fold=True),
        Column(t("label.log.unit"), fold=True),
        Column(t("label.log.by"), fold=True),
    ]
    if include_voided:
        columns.append(Column(t("label.log.void"), fold=True))
    return Table(columns, gap=3, trim=False)


class LogCells:
    """What ``log`` shows of a ``ListingRow`` in each column: stored text made safe
    (``shown``), a target by its current id, a unit by its name, an amount as people write it;
    voided entries (with ``--all``) dim and struck, with the void in the last column."""

    def __init__(self, aliases: dict[str, str], units: UnitResolver, include_voided: bool) -> None:
        self.aliases = aliases
        self.units = units
        self.include_voided = include_voided

    @staticmethod
    def entry_id(entry_id: int) -> str:
        """``#12``."""
        return f"#{entry_id}"

    def target(self, target: str) -> str:
        """The target's current id (an old id through the plan's aliases)."""
        return shown(self.aliases.get(target, target))

    @staticmethod
    def amount(milli: int | None) -> str:
        """The amount as people write it (``2.5``), empty for none."""
        from kxplan.entry import amount_from_milli
        from kxplan.numbers import format_number

        return format_number(amount_from_milli(milli))

    def unit(self, unit: str | None) -> str:
        """The unit's name in the plan (the stored text when it names none)."""
        return shown(self.units.name(unit))

    @staticmethod
    def void(void_id: int | None, reason: str | None) -> str:
        """``voided by #3: reason``, empty when not voided."""
        return "" if void_id is None else t("label.log.voided", id=void_id, reason=shown(reason))

    def row(self, row: ListingRow) -> Row:
        """The whole row as ``Table`` cells (for measuring, and for voided rows)."""
        entry_id, day, target, milli, item, note, unit, by, void_id, reason = row
        texts = [
            self.entry_id(entry_id),
            day,
            self.target(target),
            self.amount(milli),
            shown(item),
            shown(note),
            self.unit(unit),
            shown(by),
        ]
        if self.include_voided:
            texts.append(self.void(void_id, reason))
        style = "dim strike" if void_id is not None else ""
        return Row([Cell(text) for text in texts], style=style)


WRITE_ROWS = 256
"""``log`` writes its rows this many at a time (after the first row, written at once)."""


def write_log(layout: Layout, rows: Iterable[ListingRow], cells: LogCells) -> None:
    """The ``log`` table on stdout: the header, then each row as it is read.

    The hot loop of a long listing (250,000 rows for a quarter of a million entries): each
    column remembers its laid-out cells by stored value (``Layout.cells`` with ``prepare``),
    so a row of repeated targets, units, dates and amounts is eight look-ups and one join;
    rows are written in batches, the first at once so it is out before the second is read.
    """
    write = sys.stdout.write
    table = layout.table
    if table.header:
        write("".join(line + "\n" for line in layout.row(table.head())))
    if table.rule:
        write(table.rule_line(layout.widths) + "\n")

    def column(index: int, prepare: Callable[[Any], str] | None = None) -> Any:
        return layout.cells(index, style=table.columns[index].style, prepare=prepare)

    lay_id = column(0).lay  # every id is new: laid out, not remembered
    lay_item = column(4).lay  # nor is every item
    dates = column(1)
    targets = column(2, cells.target)
    amounts = column(3, cells.amount)
    items = column(4, shown)
    notes = column(5, shown)
    units = column(6, cells.unit)
    bys = column(7, shown)
    margin, gap, trim = layout.margin, layout.gap, table.trim
    # A row two lines high (a unit or an item folded once) continues the four columns that
    # never fold with blanks, the same for every row.
    fixed_blank = margin + gap.join(" " * size for size in layout.widths[:4]) + gap
    item_blank, note_blank, unit_blank, by_blank = (" " * size for size in layout.widths[4:8])
    pending: list[str] = []
    batch = 1
    for row in rows:
        entry_id, day, target, milli, item, note, unit, by, void_id, _ = row
        if cells.include_voided:  # --all: each row through the general layout
            pending.append("".join(line + "\n" for line in layout.row(cells.row(row))))
        else:
            i = items[item] if item is None or not item.isprintable() else lay_item(item)
            n = notes[note]
            u = units[unit]
            b = bys[by]
            fixed = (lay_id(f"#{entry_id}"), dates[day], targets[target], amounts[milli])
            line = margin + gap.join(
                (
                    fixed[0][0],
                    fixed[1][0],
                    fixed[2][0],
                    fixed[3][0],
                    i[0],
                    n[0],
                    u[0],
                    b[0],
                )
            )
            height = max(len(i), len(n), len(u), len(b))
            if height == 1:
                pending.append((line.rstrip() if trim else line) + "\n")
            elif height == 2 and not trim:
                second = gap.join(
                    (
                        i[1] if len(i) == 2 else item_blank,
                        n[1] if len(n) == 2 else note_blank,
                        u[1] if len(u) == 2 else unit_blank,
                        b[1] if len(b) == 2 else by_blank,
                    )
                )
                pending.append(line + "\n" + fixed_blank + second + "\n")
            else:
                pending.append("\n".join(layout.join((*fixed, i, n, u, b))) + "\n")
        if len(pending) >= batch:
            write("".join(pending))
            pending.clear()
            batch = WRITE_ROWS
    write("".join(pending))
