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


# --- fast paths: each must give what the slow path gives, on awkward text -------------------

AWKWARD = [
    "",
    "plain ascii",
    "bench",
    "#1234",
    "样本0000347",
    "南湖区科协",
    "走访企业第1160次",
    "漢字かなカナ한국어",
    "emoji 😀👍🏽 family 👨‍👩‍👧",
    "🇨🇳🇺🇸",
    "\U0001f468\u200d\U0001f4bb",
    "e\u0301 combining a\u0308\u0308",
    "\u0301leading mark",
    "ctrl\x1b[31mred\x07bell",
    "\x00nul\x7fdel\x85nel\x9fc1",
    "bidi \u202eevil\u202c txt \u2066iso\u2069",
    "\u200fRLM\u200eLRM\u061calm",
    "ＦＵＬＬ１２３ width",
    "１２３４５６７８９０",
    "zero\u200bwidth\u200djoin\ufeffbom\u2060wj\u00adshy",
    "tab\there\nnewline\r\ncrlf\rcr\x0bvt\x0cff",
    "  lots   of    spaces  ",
    "\u3000ideographic\u3000space\u3000",
    "nbsp\xa0here\u202fnarrow\u2009thin",
    "\u2028line sep\u2029para",
    "\x1c\x1d\x1e\x1f separators",
    "（开括号）结尾，标点。很多的标点符号！测试“引号”避头尾规则：好",
    "averyveryverylongwordwithoutanyspacesthatmustbefoldedinside",
    "混合English和中文words混排",
    "ﾊﾝｶｸ half-width kana",
    "中" * 30,
    "a,b.c;d:e?f!g)h]i}j%k",
    "(((x)))",
    "\ue000private\U000f0000use",
    "\U00020000\U0002a6d6 ext-b",
    "a\u0300\u0301\u0302 b",
    "-",
    "x" * 50,
]
AWKWARD += [left + right for left in AWKWARD[4:12] for right in AWKWARD[12:20]]


def _slow_cell_width(text: str) -> int:
    """The width rule character by character, as ``cell_width`` computed it before its fast path."""
    import unicodedata

    return sum(
        0
        if unicodedata.combining(char)
        else 2
        if unicodedata.east_asian_width(char) in ("W", "F")
        else 1
        for char in text
    )


@pytest.mark.parametrize("text", AWKWARD)
def test_cell_width_fast_paths_agree_with_the_width_rule(text: str) -> None:
    assert cell_width(text) == _slow_cell_width(text)
    assert cell_width(text) == _slow_cell_width(text)  # again: from the remembered widths


def test_cell_width_of_every_ascii_character_is_one() -> None:
    assert [cell_width(chr(code)) for code in range(128)] == [1] * 128


@pytest.mark.parametrize("text", AWKWARD)
def test_shown_fast_path_agrees_with_the_substitutions(text: str) -> None:
    from kxplan.text import _one_marked_line, shown

    assert shown(text) == _one_marked_line(text)


@pytest.mark.parametrize("text", AWKWARD)
def test_fold_fast_path_agrees_with_folding_word_by_word(text: str) -> None:
    from kxplan.cli.term import _fold_words, fold

    for width in range(1, 64):
        assert fold(text, width) == _fold_words(text, max(width, 2)), width


def test_a_layout_remembers_cells_without_changing_a_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """A long listing laid out with a cell memory of two cells and one of thousands: same lines."""
    from kxplan.cli import term

    table = Table(
        [
            Column("id", right=True, width=6),
            Column("unit", fold=True),
            Column("note", fold=True, style="bold"),
        ],
        gap=3,
        trim=False,
    )
    rows = [
        Row(
            [Cell(f"#{number}"), Cell(AWKWARD[number % 7]), Cell(AWKWARD[number % len(AWKWARD)])],
            indent=number % 3,
            style="dim strike" if number % 5 == 0 else "",
        )
        for number in range(300)
    ]
    remembered = list(table.render(rows, 60, colour=True))
    monkeypatch.setattr(term, "CELL_CACHE_SIZE", 2)
    assert list(table.render(rows, 60, colour=True)) == remembered
    assert any(line.startswith("  #299   ") for line in remembered)
