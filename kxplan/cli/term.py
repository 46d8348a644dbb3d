"""Terminal layout without rich: the one table layout, cell widths, folding, width, colour.

Every table kxplan prints on a terminal — ``status``, ``log``, ``show``'s entries, ``add``'s
summary — is a ``Table`` of ``Column`` s laid out here, so they share one width rule
(``output_width``), one way to measure text (terminal cells: CJK characters take two,
combining marks none), one way to fold long text (at spaces or between CJK characters, with
the 避头尾 punctuation rules; never truncated) and one way to colour it. rich is not used:
its first table render costs ~115 ms, which alone would break the start-up budget of
``kxplan status`` (≤ 10× ``python -c pass``).

A table fits the width by folding: while it is too wide, the widest folding columns shrink
toward the next widest (never below their ``min_width``); on a terminal too narrow even for
that, lines are longer than the width rather than text lost. A table whose column widths are
known in advance (``Column.width``, or folding columns taking what is left) is laid out row
by row as the rows arrive (``Table.render`` streams), so a long listing can print its first
row before the last is read.

Escape codes are written only to a terminal, never with ``NO_COLOR`` or ``TERM=dumb``; status
words are always printed, so colour is never the only signal. Text from the database reaches
a table only through ``kxplan.text.shown``.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from kxplan.cli.env import Env
from kxplan.progress import COLOURS
from kxplan.text import cell_width  # the one measure of text (terminal and spreadsheet)

GAP = "  "
MIN_TITLE_WIDTH = 16
DEFAULT_WIDTH = 100
"""The output width when neither ``COLUMNS`` nor a terminal says."""
MIN_WIDTH, MAX_WIDTH = 20, 1000
"""The output width is kept between these (``COLUMNS=5000`` is taken as 1000)."""
MIN_FOLD_WIDTH = 4
"""The narrowest a folding column becomes to fit the width."""
#: The terminal style of each colour of the three-colour view (``progress.COLOURS``); the
#: status word is always printed too, so colour is never the only signal.
COLOUR_STYLES = {"red": "bold red", "yellow": "yellow", "green": "green", "grey": "cyan"}
#: Each status's style, from its colour: one definition for ``status``, ``show`` and reports.
STATUS_STYLES = {status: COLOUR_STYLES[colour] for status, colour in COLOURS.items()}
_SGR = {
    "bold": "1",
    "dim": "2",
    "strike": "9",
    "red": "31",
    "green": "32",
    "yellow": "33",
    "cyan": "36",
}
#: Closing punctuation that must not begin a folded line (避头点).
_NO_LINE_START = set("，。、；：？！）》」』】〕”’,.;:?!)]}%")
#: Opening punctuation that must not end a folded line (避尾点).
_NO_LINE_END = set("（《「『【〔“‘([{")


class Cell(NamedTuple):
    """One table cell: its text and a style (``bold red``; empty for none)."""

    text: str
    style: str = ""


_TOKEN_RE = re.compile(r"\s+|[^\s\u1100-\uffef]+|\S")


def _tokens(text: str) -> list[str]:
    """Words of narrow characters, single spaces (for any whitespace run), single CJK characters."""
    return [" " if token.isspace() else token for token in _TOKEN_RE.findall(text.strip())]


def fold(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` cells, broken at spaces or between CJK characters.

    A word wider than the line is folded inside; closing punctuation never starts a line and
    opening punctuation never ends one; only whitespace is changed (runs become one space).
    """
    width = max(width, 2)
    # Printable text without a space holds no whitespace at all (every other whitespace
    # character is unprintable), so its lines are pieces of it, cut where its shape says.
    if " " in text or not text.isprintable():
        return _fold_words(text, width)
    lengths = _line_lengths(text.translate(_SHAPES), width)
    if len(lengths) == 1:
        return [text]
    lines = []
    start = 0
    for length in lengths:
        lines.append(text[start : start + length])
        start += length
    return lines


class _Shapes(dict[int, str]):
    """``str.translate`` table: each character as the first character met that folding
    cannot tell from it — as wide, on the same side of U+1100 / U+FFEF (which decides how
    ``_TOKEN_RE`` splits words), neither of them 避头尾 punctuation nor whitespace (these stay
    themselves). ``走访企业第1160次`` folds as ``中中中中中1111中`` does, ``样本0000347`` as
    ``中中1111111``: texts of one shape fold alike, worked out once per shape."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if char in _NO_LINE_START or char in _NO_LINE_END or char.isspace():
            shape = char
        else:
            kind = ("\u1100" <= char <= "\uffef", cell_width(char))
            shape = _SHAPE_OF_KIND.setdefault(kind, char)
        if len(self) < _MAX_SHAPES:
            self[code] = shape
        return shape


_SHAPE_OF_KIND: dict[tuple[bool, int], str] = {}
_MAX_SHAPES = 1 << 16
_SHAPES = _Shapes()


@functools.lru_cache(maxsize=4096)
def _line_lengths(shape: str, width: int) -> tuple[int, ...]:
    """How many characters each line of ``fold(shape, width)`` holds (``shape`` printable,
    without whitespace: its lines are its pieces in order)."""
    return tuple(len(line) for line in _fold_words(shape, width))


def _fold_words(text: str, width: int) -> list[str]:
    """``fold`` word by word (``width`` ≥ 2): what ``fold`` does with any text."""
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


def pad(text: str, width: int, right: bool, style: str, colour: bool) -> str:
    """``text`` padded with spaces to ``width`` cells (on the left when ``right``), painted."""
    space = " " * max(0, width - cell_width(text))
    painted = paint(text, style, colour)
    return space + painted if right else painted + space


def use_colour(stream: Any = None) -> bool:
    """Escape codes only on a terminal, never with NO_COLOR or TERM=dumb."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return Env.is_terminal(stream or sys.stdout)


def output_width(stream: Any = None) -> int:
    """The width output is laid out in: the one rule for every table, rich's console too.

    ``COLUMNS`` when it is a number, else the terminal's width when ``stream`` (stdout) is
    one, else 100 — kept between ``MIN_WIDTH`` and ``MAX_WIDTH``.
    """
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns <= 0:
        if Env.is_terminal(stream or sys.stdout):
            columns = shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns
        else:
            columns = DEFAULT_WIDTH
    return max(MIN_WIDTH, min(MAX_WIDTH, columns))


def paint(text: str, style: str, colour: bool) -> str:
    """``text`` wrapped in SGR escape codes for ``style`` when colour is on."""
    if not colour or not style or not text:
        return text
    codes = ";".join(_SGR[word] for word in style.split())
    return f"\x1b[{codes}m{text}\x1b[0m"


@dataclass(frozen=True)
class Column:
    """A table column: its header, justification, whether it folds, its cells' default style.

    ``width`` fixes the column's width (its cells are then not measured, which lets a table
    stream). A folding column shares out the width left by the others and folds its text
    (never below ``min_width``); any other column is as wide as its widest cell, whose text
    keeps its explicit line breaks.
    """

    header: str
    right: bool = False
    fold: bool = False
    style: str = ""
    width: int | None = None
    min_width: int = MIN_FOLD_WIDTH


class Row(NamedTuple):
    """One table row: its cells, how far the first cell is indented, a style for all of it."""

    cells: Sequence[Cell]
    indent: int = 0
    style: str = ""


@dataclass(frozen=True)
class Table:
    """The one terminal table layout (see the module).

    ``gap`` spaces between columns, ``margin`` spaces before every line; ``header`` prints the
    column headers (bold) and ``rule`` a ``─`` line under them; ``trim`` drops the spaces that
    pad each line to the table's width.
    """

    columns: Sequence[Column]
    gap: int = 2
    margin: int = 0
    header: bool = True
    rule: bool = True
    trim: bool = True

    def render(self, rows: Iterable[Row], width: int, colour: bool) -> Iterator[str]:
        """The table's lines within ``width`` cells, one row at a time.

        When every width is known without the rows (``streams``), each row is laid out as it
        arrives; otherwise the rows are read first, to measure them.
        """
        if self.streams():
            widths = self.widths([], width)
        else:
            rows = list(rows)
            widths = self.widths(rows, width)
        layout = self.layout(widths, colour)
        if self.header:
            yield from layout.row(self.head())
        if self.rule:
            yield self.rule_line(widths)
        for row in rows:
            yield from layout.row(row)

    def head(self) -> Row:
        """The header row: each column's header, bold."""
        return Row([Cell(column.header) for column in self.columns], style="bold")

    def rule_line(self, widths: Sequence[int]) -> str:
        """The ``─`` line under the headers, as wide as the table."""
        return " " * self.margin + "─" * (sum(widths) + self.gap * (len(widths) - 1))

    def layout(self, widths: Sequence[int], colour: bool) -> Layout:
        """This table's rows laid out at ``widths`` (``render`` uses it; a long listing too)."""
        return Layout(self, widths, colour)

    def streams(self) -> bool:
        """Whether the widths are known before any row is read."""
        return all(column.width is not None or column.fold for column in self.columns)

    def widths(self, rows: Sequence[Row], width: int) -> list[int]:
        """Each column's width: measured (or fixed), then folding columns shrunk to fit."""
        widths = []
        for index, column in enumerate(self.columns):
            if column.width is not None:
                widths.append(column.width)
                continue
            sizes = [_text_width(column.header) if self.header else 0]  # a header may break lines
            sizes += [
                _text_width(row.cells[index].text) + (row.indent if index == 0 else 0)
                for row in rows
            ]
            widths.append(max(sizes))
        return self._fit(widths, width - self.margin - self.gap * (len(widths) - 1))

    def _fit(self, widths: list[int], room: int) -> list[int]:
        """Shrink the widest folding columns toward the next widest until the table fits."""
        folding = [column.fold and column.width is None for column in self.columns]
        floors = [
            max(column.min_width, 1) if fold else width
            for column, width, fold in zip(self.columns, widths, folding, strict=True)
        ]
        if self.streams():  # no cells measured: the folding columns share what is left
            widths = [0 if fold else width for width, fold in zip(widths, folding, strict=True)]
            shares = _share(room - sum(widths), folding.count(True))
            for index in (i for i, fold in enumerate(folding) if fold):
                widths[index] = max(floors[index], shares.pop(0))
            return widths
        widths = [
            max(width, floor) if fold else width
            for width, fold, floor in zip(widths, folding, floors, strict=True)
        ]
        excess = sum(widths) - room
        while excess > 0:  # one cell at a time from the widest, so ties shrink evenly
            shrinkable = [i for i, fold in enumerate(folding) if fold and widths[i] > floors[i]]
            if not shrinkable:
                break  # too narrow even so: lines run longer than the width, nothing is lost
            widest = max(widths[i] for i in shrinkable)
            for index in shrinkable:
                if widths[index] == widest and excess > 0:
                    widths[index] -= 1
                    excess -= 1
        return widths

    def row_lines(self, row: Row, widths: Sequence[int], colour: bool) -> list[str]:
        """One row's lines: folding cells folded, the others' explicit lines kept."""
        return self.layout(widths, colour).row(row)


CELL_CACHE_SIZE = 4096
"""How many laid-out cells a ``Layout`` remembers per column (then it starts again)."""


class Layout:
    """A table's rows laid out at fixed column widths: the one place cells become lines.

    Each cell becomes its lines — folded (a folding column) or split at its line breaks,
    padded to the column's width, painted — and a row's lines are its cells' lines side by
    side. A long listing repeats the same few targets, units, dates and amounts: each distinct
    cell of a column is laid out once and remembered (``cells``), so a row costs a few
    look-ups and one join.
    """

    def __init__(self, table: Table, widths: Sequence[int], colour: bool) -> None:
        self.table = table
        self.widths = list(widths)
        self.colour = colour
        self.margin = " " * table.margin
        self.gap = " " * table.gap
        self._cells: dict[tuple[Any, ...], _Cells] = {}
        self._blanks = [" " * size for size in self.widths]

    def cells(
        self,
        index: int,
        indent: int = 0,
        style: str = "",
        prepare: Callable[[Any], str] | None = None,
    ) -> _Cells:
        """Column ``index``'s laid-out cells: ``cells(i)[text]`` is the lines ``text`` takes
        there (a tuple of strings, each padded to the column's width, painted with ``style``),
        the first indented by ``indent``. With ``prepare``, ``cells(i, prepare=f)[value]``
        is the lines of ``f(value)`` (a listing's stored values, remembered as they are)."""
        key = (index, indent, style, prepare)
        found = self._cells.get(key)
        if found is None:
            column = self.table.columns[index]
            found = self._cells[key] = _Cells(
                self.widths[index], column.fold, column.right, indent, style, self.colour, prepare
            )
        return found

    def row(self, row: Row) -> list[str]:
        """One row's lines: folding cells folded, the others' explicit lines kept."""
        columns = self.table.columns
        parts = [
            self.cells(
                index, row.indent if index == 0 else 0, row.style or cell.style or column.style
            )[cell.text]
            for index, (cell, column) in enumerate(zip(row.cells, columns, strict=True))
        ]
        return self.join(parts, row.indent)

    def text(self, parts: Sequence[Sequence[str]]) -> str:
        """``join`` as text: the row's lines, each ending with a line break."""
        if max(map(len, parts)) == 1:
            line = self.margin + self.gap.join([lines[0] for lines in parts])
            return (line.rstrip() if self.table.trim else line) + "\n"
        return "\n".join(self.join(parts)) + "\n"

    def join(self, parts: Sequence[Sequence[str]], indent: int = 0) -> list[str]:
        """Cells' lines (from ``cells``) side by side: the row's lines, one per line of its
        tallest cell, shorter cells continued with spaces (the first cell indented by
        ``indent``)."""
        gap, margin, trim = self.gap, self.margin, self.table.trim
        height = max(map(len, parts))
        if height == 1:
            line = margin + gap.join([lines[0] for lines in parts])
            return [line.rstrip() if trim else line]
        blanks = self._blanks
        if indent > self.widths[0]:
            blanks = [" " * indent, *blanks[1:]]
        result = [margin + gap.join([lines[0] for lines in parts])]
        for number in range(1, height):
            result.append(
                margin
                + gap.join(
                    [
                        lines[number] if number < len(lines) else blank
                        for lines, blank in zip(parts, blanks, strict=True)
                    ]
                )
            )
        return [line.rstrip() for line in result] if trim else result


class _Cells(dict[Any, tuple[str, ...]]):
    """One column's laid-out cells (``Layout.cells``): text → its padded, painted lines."""

    def __init__(
        self,
        width: int,
        folds: bool,
        right: bool,
        indent: int,
        style: str,
        colour: bool,
        prepare: Callable[[Any], str] | None = None,
    ) -> None:
        super().__init__()
        self.size = width - indent
        self.folds = folds
        self.right = right
        self.indent = " " * indent
        self.style = style
        self.colour = colour
        self.prepare = prepare

    def __missing__(self, value: Any) -> tuple[str, ...]:
        lines = self.lay(value if self.prepare is None else self.prepare(value))
        if len(self) >= CELL_CACHE_SIZE:
            self.clear()
        self[value] = lines
        return lines

    def lay(self, text: str) -> tuple[str, ...]:
        """``text`` laid out in this column, not remembered (a cell no other row repeats)."""
        if text.isprintable() and not (self.colour and self.style):
            # No line break, control or whitespace but spaces, nothing to paint: the usual
            # cell, laid out without measuring it again.
            if not self.folds and text.isascii():  # an id, an ASCII name: one cell a character
                return (
                    self.indent + (text.rjust(self.size) if self.right else text.ljust(self.size)),
                )
            if self.folds and " " not in text:  # cut and padded as its shape is
                return tuple(
                    [
                        before + text[start:end] + after
                        for start, end, before, after in _pieces(
                            text.translate(_SHAPES), self.size, self.right, self.indent
                        )
                    ]
                )
        if self.folds:
            texts = fold(text, self.size)
        else:
            texts = text.split("\n") if "\n" in text else [text]
        size, indent = self.size, self.indent
        if self.colour and self.style:
            return tuple(
                indent + pad(line, size, self.right, self.style, self.colour) for line in texts
            )
        if self.right:  # ``pad`` without paint, written out
            return tuple([indent + " " * (size - cell_width(line)) + line for line in texts])
        return tuple([indent + line + " " * (size - cell_width(line)) for line in texts])


@functools.lru_cache(maxsize=4096)
def _pieces(
    shape: str, size: int, right: bool, indent: str
) -> tuple[tuple[int, int, str, str], ...]:
    """How ``_Cells.lay`` lays out a printable text without whitespace of this shape (``_SHAPES``)
    in a folding column: each line's (start, end) in the text and the spaces before and after
    it (its indent and padding), worked out once per shape."""
    pieces = []
    start = 0
    for line in fold(shape, size):
        space = " " * (size - cell_width(line))
        end = start + len(line)
        pieces.append((start, end, indent + space if right else indent, "" if right else space))
        start = end
    return tuple(pieces)


def _text_width(text: str) -> int:
    """The widest line of ``text`` in terminal cells."""
    return max(cell_width(line) for line in text.split("\n"))


def _share(room: int, parts: int) -> list[int]:
    """``room`` cells shared out as evenly as possible among ``parts`` columns."""
    if parts == 0:
        return []
    base, extra = divmod(max(room, 0), parts)
    return [base + (1 if index < extra else 0) for index in range(parts)]
