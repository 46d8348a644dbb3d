"""``log``'s hot loop (``write_log``) and its plain rows (``Store.iter_listing``) against the
slow paths they replace: the same bytes as the general table layout, the same rows as the
entries, over awkward text (CJK, emoji, combining marks, controls, bidi, full-width, zero-width).
"""

from __future__ import annotations

import random
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from test_term import AWKWARD

from kxplan.cli.listing import LogCells, log_table, write_log
from kxplan.cli.term import Row, Table, _Cells, _fold_words, fold, pad
from kxplan.plan import load
from kxplan.store import Store
from kxplan.store.interface import ListingBounds

PLAN = Path(__file__).resolve().parent.parent / "plans" / "2019.yaml"
TARGETS = [
    "p14.workers-befriended",
    "p4.workstations",
    "p1.warm-enterprises",
    "p99.a-stored-id-no-plan-has",
]
UNITS = ["秀洲区科协", "jiaxing", "市科协", "嘉兴市科学技术协会", "nanhu", "an office of its own"]


def listing_rows(voids: bool) -> list[Any]:
    """ListingRow tuples mixing awkward text into every column that holds text."""
    rows = []
    for number, text in enumerate(AWKWARD * 3):
        other = AWKWARD[(number * 7) % len(AWKWARD)]
        voided = voids and number % 6 == 0
        rows.append(
            (
                number + 1,
                f"2019-04-{number % 28 + 1:02d}",
                TARGETS[number % len(TARGETS)],
                None if number % 4 == 0 else number * 1250 % 999_999,
                None if number % 5 == 0 else text,
                other or None,
                UNITS[number % len(UNITS)] if number % 3 else text,
                other or "clerk",
                number if voided else None,
                (text or "reason") if voided else None,
            )
        )
    return rows


def reference_lines(table: Table, row: Row, widths: list[int], colour: bool) -> list[str]:
    """A row's lines as the table layout made them before it remembered cells (the slow path)."""
    cells = []
    for index, (cell, column, size) in enumerate(
        zip(row.cells, table.columns, widths, strict=True)
    ):
        indent = row.indent if index == 0 else 0
        text = cell.text
        cells.append(_fold_words(text, max(size - indent, 2)) if column.fold else text.split("\n"))
    lines = []
    for number in range(max(len(texts) for texts in cells)):
        parts = []
        for index, (cell, column, size, texts) in enumerate(
            zip(row.cells, table.columns, widths, cells, strict=True)
        ):
            indent = row.indent if index == 0 else 0
            text = texts[number] if number < len(texts) else ""
            style = row.style or cell.style or column.style
            parts.append(" " * indent + pad(text, size - indent, column.right, style, colour))
        line = " " * table.margin + (" " * table.gap).join(parts)
        lines.append(line.rstrip() if table.trim else line)
    return lines


@pytest.mark.parametrize("voided", [False, True])
@pytest.mark.parametrize("streamed", [False, True])
@pytest.mark.parametrize("colour", [False, True])
def test_write_log_writes_what_the_general_layout_draws(
    capsys: pytest.CaptureFixture[str], voided: bool, streamed: bool, colour: bool
) -> None:
    plan = load(PLAN)
    rows = listing_rows(voided)
    cells = LogCells(plan.aliases(), plan.unit_resolver(), voided)
    bounds = ListingBounds(len(rows), None, True, voided) if streamed else None
    table = log_table(voided, plan, bounds)
    assert table.streams() is streamed
    shown_rows = [cells.row(row) for row in rows]
    for width in (20, 43, 80, 100, 171, 300):
        widths = table.widths([] if streamed else shown_rows, width)
        write_log(table.layout(widths, colour), rows, cells)
        written = capsys.readouterr().out
        drawn = list(table.render(shown_rows, width, colour))
        assert written == "".join(line + "\n" for line in drawn), width
        expected = reference_lines(table, table.head(), widths, colour)
        expected.append(table.rule_line(widths))
        for row in shown_rows:
            expected += reference_lines(table, row, widths, colour)
        assert drawn == expected, width


def test_laid_out_cells_agree_with_padding_folded_lines() -> None:
    """``_Cells.lay``'s shortcuts (ASCII, text cut by its shape) against fold + pad."""
    for text in AWKWARD:
        for size in (1, 2, 3, 5, 8, 13, 21, 34):
            for folds in (False, True):
                for right in (False, True):
                    for indent in (0, 2):
                        for style, colour in (("", False), ("bold", False), ("dim strike", True)):
                            cells = _Cells(size + indent, folds, right, indent, style, colour)
                            texts = fold(text, size) if folds else text.split("\n")
                            expected = tuple(
                                " " * indent + pad(line, size, right, style, colour)
                                for line in texts
                            )
                            assert cells.lay(text) == expected, (text, size, folds, right)
                            assert cells[text] == expected


def test_fold_by_shape_agrees_with_folding_word_by_word() -> None:
    """Random printable text without spaces (the texts ``fold`` cuts by their shape)."""
    alphabet = "a1Z-_/#样本走访中文한かナ，。、！）（《「“”【】😀👍🏽é\u0301ＦＵ１\u200b\u2060ﾊ()[]{}%,.;:?!"
    generator = random.Random(17)
    for _ in range(3000):
        text = "".join(generator.choice(alphabet) for _ in range(generator.randrange(0, 30)))
        for width in (1, 2, 3, 4, 5, 7, 8, 11, 16):
            assert fold(text, width) == _fold_words(text, max(width, 2)), (text, width)


@pytest.fixture
def awkward_db(tmp_path: Path) -> str:
    """An SQLite database of awkward entries, some voided, of several targets and units."""
    location = str(tmp_path / "kxplan.db")
    Store.init(location)
    connection = sqlite3.connect(location)
    for row in listing_rows(voids=True):
        number, day, target, milli, item, note, unit, by, void_id, reason = row
        day = f"2019-{number % 12 + 1:02d}-{number % 28 + 1:02d}"
        connection.execute(
            'INSERT INTO entries (plan_year, target, date, amount_milli, item, note, unit, "by",'
            " evidence, recorded_at) VALUES (2019, ?, ?, ?, ?, ?, ?, ?, NULL,"
            " '2019-12-01T00:00:00Z')",
            (target, day, milli, item, note, unit, by),
        )
        if void_id is not None:
            connection.execute(
                'INSERT INTO voids (entry_id, reason, "by", recorded_at)'
                " VALUES (?, ?, 'clerk', '2019-12-02T00:00:00Z')",
                (number, reason),
            )
    connection.commit()
    connection.close()
    return location


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"include_voided": True},
        {"date_from": date(2019, 4, 1), "date_to": date(2019, 6, 30)},
        {"targets": TARGETS[:3], "include_voided": True},
        {"targets": TARGETS[1:2]},
        {"targets": []},
        {"units": UNITS[:2], "date_from": date(2019, 7, 1), "include_voided": True},
    ],
)
def test_sqlite_listing_rows_are_the_entries(awkward_db: str, filters: dict[str, Any]) -> None:
    """The SQLite engine's own ``iter_listing`` against the interface's, built from entries."""
    with Store.open(awkward_db, create=False) as store, store.read_snapshot():
        own = list(store.iter_listing(2019, **filters))
        from_entries = list(Store.iter_listing(store, 2019, **filters))
    assert own == from_entries
    assert filters.get("targets") == [] or own
