"""Text for people: which characters free text may not hold, stored text made safe, goal words.

One definition of the control characters serves everything: plan text values and recorded
entries refuse them (``CONTROL_RE``, ``ONE_LINE_CONTROL_RE``), and ``safe_text`` is the one
sanitiser of text already stored (written perhaps by another tool), with one policy per
output: a report keeps line breaks and drops the rest (``display_text``), the terminal puts
it on one line with a visible mark for each (``shown``), a finding spells each one out
(``escaped``). ``goal_text`` is a target's commitment in words, the same in ``plan show``,
``show``, ``add``, ``plan diff`` and the report; ``section_heading`` is a section's official
label (一、全面强化……), the same in ``status``, ``plan show``, ``show`` and the report.
``comparable`` is the one normalisation under which two names people type are "the same"
(units, their aliases, and anything else matched by name). ``local_time`` is how a stored
moment (UTC) is shown to people: local time, to the minute (``2019-05-12 14:16``).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal

from kxplan.messages import get_language, t
from kxplan.numbers import format_number

if TYPE_CHECKING:
    from kxplan.plan import Target

#: C0 controls except tab and line feed (so CR too), DEL, C1 controls, the Unicode line and
#: paragraph separators (U+2028/2029: line breaks for some readers, not for others), the
#: bidirectional embeddings, overrides and isolates that make text read differently from what
#: it is ("Trojan source"), and U+FEFF (a byte-order mark inside text is invisible).
#: Lone surrogates (U+D800–DFFF) are bytes that were not UTF-8 in an argument or the
#: environment (``--note $'caf\\xe9'``): refused too, as text that cannot be stored.
CONTROL_CHARS = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff"
)
#: Characters that came from bytes that were not UTF-8 (Python's surrogate escapes).
NOT_UTF8_RE = re.compile("[\ud800-\udfff]")
#: Characters that show as nothing: zero-width space/joiners, word joiner, soft hyphen, BOM.
_INVISIBLE_RE = re.compile("[\u00ad\u180e\u200b-\u200d\u2060-\u2064\ufeff]")
_SPACES_RE = re.compile(r"\s+")


def char_width(char: str) -> int:
    """Cells one character takes: 2 for wide (CJK) characters, 0 for combining marks, 1 otherwise.

    The one width rule; ``cell_width`` is its sum over a text.
    """
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


_MAX_REMEMBERED_CHARS = 1 << 16


class _CharWidths(dict[str, int]):
    """``char_width`` of each character met so far (a listing repeats the same few hundred)."""

    def __missing__(self, char: str) -> int:
        width = char_width(char)
        if len(self) < _MAX_REMEMBERED_CHARS:
            self[char] = width
        return width


_CHAR_WIDTHS = _CharWidths()


def cell_width(text: str) -> int:
    """Cells ``text`` takes in a terminal or a spreadsheet column: 2 for wide (CJK) characters,
    0 for combining marks, 1 otherwise (``char_width`` of each character).

    Measured for every cell of every listing, so: ASCII text (every character one cell,
    controls too) is its length; other text sums remembered widths of its characters.
    """
    if text.isascii():
        return len(text)
    return sum(map(_CHAR_WIDTHS.__getitem__, text))


def comparable(value: str) -> str:
    """``value`` as names are compared: NFKC, invisible characters removed, case folded,
    whitespace runs as one space, trimmed.

    The one normalisation for comparing items, units (``kxplan.units``) and target ids
    (record, import, check, the store's item-once rule): NFC and NFD ``é``, full-width
    ``ＡＢＣ１`` or ``ｘｉｕｚｈｏｕ`` and ``ABC1`` or ``xiuzhou``, the ideographic space, a
    name with a zero-width space pasted from a web page and one without are the same. Only
    for comparing: what is stored or shown is always what the user typed.
    """
    text = _INVISIBLE_RE.sub("", unicodedata.normalize("NFKC", value)).casefold()
    return _SPACES_RE.sub(" ", text).strip()


#: In text that may span lines (a note, a plan text): any control character.
CONTROL_RE = re.compile(f"[{CONTROL_CHARS}]")
#: In one-line text (an item, a unit, a name): tab and line feed too.
ONE_LINE_CONTROL_RE = re.compile(f"[\t\n{CONTROL_CHARS}]")


_LINE_BREAK_RE = re.compile(r"\r\n|\r|\n")
_MARK = "\ufffd"


def safe_text(
    value: str | None,
    policy: Literal["report", "terminal", "escaped"],
    limit: int | None = None,
) -> str:
    """Stored text made safe for one kind of output: the one place that decides.

    - ``report``: line breaks kept (as ``\\n``), tabs as spaces, every other control
      character removed, surrounding space trimmed, cut at ``limit`` characters with "…";
    - ``terminal``: one line — line breaks and tabs as spaces, every other control character
      as U+FFFD, so something is visibly there (ESC, BEL, a bidi override …);
    - ``escaped``: one line, every control character (tab and line feed too) as its Python
      escape (``\\x1b``), so a message says exactly what is stored.
    """
    if not value:
        return ""
    if policy == "escaped":
        return ONE_LINE_CONTROL_RE.sub(
            lambda match: match.group().encode("unicode_escape").decode(), value
        )
    if policy == "terminal":
        # Printable text has no control, line break, tab, bidi or surrogate character (all
        # are unprintable): it is shown as it is, without running the substitutions.
        return value if value.isprintable() else _one_marked_line(value)
    text = _LINE_BREAK_RE.sub("\n", value).replace("\t", " ")
    text = CONTROL_RE.sub("", text).strip()
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def _one_marked_line(value: str) -> str:
    """``value`` on one line (line breaks and tabs as spaces), other controls as U+FFFD."""
    text = _LINE_BREAK_RE.sub(" ", value).replace("\t", " ")
    return CONTROL_RE.sub(_MARK, text)


def display_text(value: str | None, limit: int | None = None) -> str:
    """Stored text for a report (``safe_text`` policy ``report``), cut at ``limit``."""
    return safe_text(value, "report", limit)


def shown(value: str | None) -> str:
    """Stored text for the terminal (``safe_text`` policy ``terminal``): one line, marks visible."""
    return safe_text(value, "terminal")


def escaped(value: str | None) -> str:
    """Stored text quoted in a message (``safe_text`` policy ``escaped``): controls spelled out."""
    return safe_text(value, "escaped")


def goal_text(target: Target, count_key: str = "label.goal_count") -> str:
    """A target's commitment in words: goal with unit (through ``count_key``), due date, ongoing."""
    if target.kind == "count":
        suffix = t("label.or_more") if target.or_more else ""
        return t(count_key, goal=format_number(target.goal), unit=target.unit or "", or_more=suffix)
    if target.kind == "milestone" and target.due is not None:
        return t("label.goal_due", due=target.due.isoformat())
    return t("label.goal_activity")


_CN_DIGITS = "零一二三四五六七八九"


def chinese_numeral(number: int) -> str:
    """1–99 in Chinese numerals (一, 十, 十五, 二十三); other numbers as digits."""
    if not 0 < number < 100:
        return str(number)
    tens, ones = divmod(number, 10)
    if tens == 0:
        return _CN_DIGITS[ones]
    prefix = "" if tens == 1 else _CN_DIGITS[tens]
    return prefix + "十" + (_CN_DIGITS[ones] if ones else "")


def section_number(number: int) -> str:
    """A section's number as the plan's documents write it: 一, 二 … in Chinese, 1, 2 … in English."""
    return chinese_numeral(number) if get_language() == "zh" else str(number)


def section_heading(number: int, title: str) -> str:
    """A section's official label: ``一、全面强化政治引领……`` / ``Section 1: …``."""
    return t("label.section_heading", n=section_number(number), title=title)


def local_time(stamp: str) -> str:
    """A stored UTC moment (``recorded_at``, ``--known-at``) as people read it: local time
    (the machine's time zone, ``TZ``) to the minute, ``2019-05-12 14:16``.

    Text that is not such a moment is returned as it is.
    """
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone().strftime("%Y-%m-%d %H:%M")
    except (OverflowError, OSError, ValueError):  # beyond what the platform's clock can show
        return stamp
