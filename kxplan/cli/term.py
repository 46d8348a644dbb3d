"""Terminal layout without rich: cell widths, folding, SGR colour and the status table.

``status``, ``show`` and ``add`` lay their text out here rather than through rich: rich's
first table render costs ~115 ms, which alone would break the start-up budget of
``kxplan status`` (≤ 10× ``python -c pass``). Widths are terminal cells (CJK characters take
two, combining marks none), long text folds at spaces or between CJK characters and is never
truncated; escape codes are written only to a terminal, never with ``NO_COLOR`` or
``TERM=dumb``. Status words are always printed, so colour is never the only signal.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import unicodedata
from typing import Any, NamedTuple

from kxplan.cli.env import Env
from kxplan.progress import COLOURS

GAP = "  "
MIN_TITLE_WIDTH = 16
DEFAULT_WIDTH = 100
#: The terminal style of each colour of the three-colour view (``progress.COLOURS``); the
#: status word is always printed too, so colour is never the only signal.
COLOUR_STYLES = {"red": "bold red", "yellow": "yellow", "green": "green", "grey": "cyan"}
#: Each status's style, from its colour: one definition for ``status``, ``show`` and reports.
STATUS_STYLES = {status: COLOUR_STYLES[colour] for status, colour in COLOURS.items()}
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


def table_lines(
    header: list[Cell],
    right: list[bool],
    rows: list[tuple[int, list[Cell]]],
    width: int,
    colour: bool,
) -> list[str]:
    """Lay out ``(indent, cells)`` rows under ``header`` within ``width`` cells.

    ``right`` says which columns are right-justified; the first column (the title) takes
    what the others leave, at least ``MIN_TITLE_WIDTH``, and folds.
    """
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
        parts = [" " * indent + pad(title, widths[0] - indent, False, cells[0].style, colour)]
        for cell, width, justify in zip(cells[1:], widths[1:], right[1:], strict=True):
            text = cell.text if number == 0 else ""
            parts.append(pad(text, width, justify, cell.style, colour))
        lines.append(GAP.join(parts).rstrip())
    return lines
