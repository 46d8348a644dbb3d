"""The one terminal table layout (kxplan.cli.term.Table) and the one width rule."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kxplan.cli.term import MAX_WIDTH, MIN_WIDTH, Cell, Column, Row, Table, cell_width, output_width


@pytest.mark.parametrize(
    ("columns", "width"),
    [("5000", MAX_WIDTH), ("80", 80), ("5", MIN_WIDTH), ("wide", 100), ("", 100)],
)
def test_one_width_rule(monkeypatch: pytest.MonkeyPatch, columns: str, width: int) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    assert output_width() == width  # not a terminal here: 100 when COLUMNS says nothing


def test_a_table_measures_pads_and_rules() -> None:
    table = Table([Column("id", right=True), Column("名称")])
    rows = [Row([Cell("#1"), Cell("南湖区科协")]), Row([Cell("#12"), Cell("x")])]
    assert list(table.render(rows, 100, colour=False)) == [
        " id  名称",
        "───────────────",
        " #1  南湖区科协",
        "#12  x",
    ]


def test_the_widest_folding_columns_shrink_first_and_nothing_is_lost() -> None:
    table = Table([Column("a"), Column("note", fold=True), Column("item", fold=True)])
    note, item = "one two three four five six", "seven eight"
    lines = list(table.render([Row([Cell("x"), Cell(note), Cell(item)])], 30, colour=False))
    assert all(cell_width(line) <= 30 for line in lines)
    words = " ".join(lines[2:]).split()
    assert sorted(words) == sorted(f"x {note} {item}".split())


def test_a_narrow_terminal_runs_lines_long_rather_than_losing_text() -> None:
    table = Table([Column("date"), Column("text", fold=True)])
    lines = list(
        table.render([Row([Cell("2019-05-10"), Cell("嘉兴某公司院士专家工作站")])], 8, False)
    )
    assert "".join(line[12:].strip() for line in lines[2:]) == "嘉兴某公司院士专家工作站"


def test_a_table_with_known_widths_prints_each_row_as_it_arrives() -> None:
    table = Table([Column("id", width=4, right=True), Column("note", fold=True)], rule=False)
    read: list[int] = []

    def rows() -> Iterator[Row]:
        for number in range(1, 1_000_000):
            read.append(number)
            yield Row([Cell(f"#{number}"), Cell("note")])

    lines = table.render(rows(), 40, colour=False)
    assert next(lines).split() == ["id", "note"]
    assert next(lines) == "  #1  note"
    assert read == [1]  # the first row is printed before the second is read
