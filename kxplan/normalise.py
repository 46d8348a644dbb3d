"""What people type and what Excel writes, made into what kxplan means: one place for all of it.

- **Full-width characters** from a Chinese input method (``１２０``, ``－``, ``，``, ``／``,
  the ideographic space) are the ASCII characters they stand for (``halfwidth``). Only
  numbers, dates and ids are converted; free text (items, notes) is kept as typed.
- **Dates** (``parse_date``): ``2019-07-04``, ``2019-7-4``, ``2019/7/4`` (Excel's display in
  a Chinese locale), ``2019.7.4``, ``2019年7月4日``, each optionally followed by a time
  (``2019-07-04T09:30:00``, ``2019/7/4 9:30``, ``+08:00``/``Z``) — the time is dropped, the
  date is the one written. Anything else is refused with the accepted forms; a bare number
  such as ``43650`` is recognised as an Excel date serial and the message says so.
- **Amounts** (``plain_amount``): surrounding spaces, full-width digits and signs, and
  thousands separators grouping three digits (``1,200``, ``1，200``, ``12,345.5``); ``1,5``
  is refused (a decimal comma or a typo — the message asks for a point).
- **Column headers** (``column_for``): the English field names and their Chinese aliases
  (``COLUMN_ALIASES``), in any case, with spaces and a trailing note in brackets or a ``*``
  ignored (``数量（名）``, ``日期*``).

Used by the one validation path (``kxplan.entry.Validator``: ``record``, ``add``, CSV and
XLSX import) and by the import header reader; stdlib only, so ``record`` starts fast.
"""

from __future__ import annotations

import re
from datetime import date

# --- full-width characters -----------------------------------------------------------------------

#: U+FF01–U+FF5E are the full-width forms of ASCII ``!``–``~``; U+3000 is the ideographic
#: space; U+2212 (minus sign) and U+2013/2014 dashes are typed for a minus.
_HALFWIDTH = str.maketrans(
    {chr(code): chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}
    | {"\u3000": " ", "\u2212": "-", "\u00a0": " ", "\u202f": " "}
)
_WIDE_RE = re.compile("[\uff01-\uff5e\u3000\u2212\u00a0\u202f]")


def halfwidth(text: str) -> str:
    """``text`` with full-width ASCII forms, the ideographic space and the minus sign as ASCII."""
    return text.translate(_HALFWIDTH) if _WIDE_RE.search(text) else text


# --- dates ---------------------------------------------------------------------------------------

#: The forms a date may be written in, shown in the refusal message (one example each).
DATE_FORMS = ("2019-07-04", "2019/7/4", "2019.7.4", "2019年7月4日", "2019-07-04 09:30")

_TIME = r"(?:[T\s]\s*([0-9]{1,2}):([0-9]{2})(?::([0-9]{2})(?:[.,][0-9]{1,9})?)?\s*(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?"
_DATE_RES = (
    re.compile(r"([0-9]{4})([-/.])([0-9]{1,2})\2([0-9]{1,2})" + _TIME),
    re.compile(r"([0-9]{4})\s*(年)\s*([0-9]{1,2})\s*月\s*([0-9]{1,2})\s*(?:日|号)?" + _TIME),
)
_SERIAL_RE = re.compile(r"[0-9]{5}(?:\.[0-9]+)?")
_EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 is 1900-01-01 (Excel's 1900 leap-year bug included)


def parse_date(text: str) -> date | tuple[str, dict[str, str]]:
    """The date ``text`` names, or ``(message key, fields)`` saying why it is not one.

    ``text`` is stripped and converted to half-width first. The keys are
    ``entry.date_format`` (not a form we accept; the message lists them),
    ``entry.date_serial`` (an Excel serial number; ``day`` is the date it stands for) and
    ``entry.date_invalid`` (a form we accept, but no such day or time).
    """
    value = halfwidth(text).strip()
    for pattern in _DATE_RES:
        match = pattern.fullmatch(value)
        if match is None:
            continue
        year, _, month, day, hour, minute, second = match.groups()
        try:
            result = date(int(year), int(month), int(day))
        except ValueError:
            return "entry.date_invalid", {"value": text.strip()}
        if hour is not None and (int(hour) > 23 or int(minute) > 59 or int(second or 0) > 59):
            return "entry.date_invalid", {"value": text.strip()}
        return result
    if _SERIAL_RE.fullmatch(value):
        serial = float(value)
        if 1 <= serial < 2958466:  # Excel's last day is 9999-12-31
            day = date.fromordinal(_EXCEL_EPOCH.toordinal() + int(serial))
            return "entry.date_serial", {"value": text.strip(), "day": day.isoformat()}
    return "entry.date_format", {"value": text.strip()}


# --- amounts -------------------------------------------------------------------------------------

_GROUPED_RE = re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?")


def plain_amount(text: str) -> str | None:
    """An amount as plain ASCII digits (``1,200`` → ``1200``), or None for a bad separator.

    Surrounding spaces go; full-width digits, signs, points and commas become ASCII; commas
    must group thousands. The result is checked as a number by the caller.
    """
    value = halfwidth(text).strip()
    if "," not in value:
        return value
    if _GROUPED_RE.fullmatch(value):
        return value.replace(",", "")
    return None


# --- column headers ------------------------------------------------------------------------------

#: Every column an import file may have, with the header texts accepted for it (compared
#: case-insensitively, spaces ignored). The first alias after the field name is the Chinese
#: header kxplan writes (templates, XLSX export).
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "target": ("目标", "目标编号", "目标id", "target id"),
    "date": ("日期", "完成日期", "登记日期"),
    "amount": ("数量", "完成数量", "数额"),
    "item": ("事项", "项目", "事项名称"),
    "note": ("备注", "说明", "情况说明"),
    "unit": ("单位", "填报单位", "责任单位"),
    "by": ("登记人", "填报人", "经办人"),
    "evidence": ("佐证", "佐证材料", "证明材料"),
    # the columns `export --all` and the XLSX export add: read, then ignored (void_id: skipped)
    "id": ("记录编号",),
    "recorded_at": ("登记时间",),
    "void_id": ("作废编号",),
    "void_reason": ("作废原因",),
    "void_by": ("作废人",),
    "void_recorded_at": ("作废时间",),
}
#: Header texts of columns an import reads past: row numbers offices add to their sheets.
IGNORED_COLUMNS = ("序号", "no.", "no", "#")
#: What ``column_for`` returns for them.
IGNORED = "-"

_HEADER_NOTE_RE = re.compile(r"(?:[(（][^()（）]*[)）]|[*＊])+$")
_SPACES_RE = re.compile(r"\s+")


def header_key(text: str) -> str:
    """A header cell as it is compared: half-width, case-folded, no spaces, no trailing note."""
    value = _SPACES_RE.sub("", halfwidth(text)).casefold()
    stripped = _HEADER_NOTE_RE.sub("", value)
    return stripped or value


_COLUMN_KEYS: dict[str, str] = {}
for _field, _aliases in COLUMN_ALIASES.items():
    for _alias in (_field, *_aliases):
        _COLUMN_KEYS.setdefault(header_key(_alias), _field)
for _alias in IGNORED_COLUMNS:
    _COLUMN_KEYS.setdefault(header_key(_alias), IGNORED)


def column_for(text: str) -> str | None:
    """The field a header cell names (``IGNORED`` for a row-number column), or None if unknown."""
    return _COLUMN_KEYS.get(header_key(text))


def chinese_header(field: str) -> str:
    """The Chinese header kxplan writes for a field (``target`` → ``目标``)."""
    return COLUMN_ALIASES[field][0]


def alias_lines(fields: tuple[str, ...]) -> list[str]:
    """One line per field, ``date: 日期, 完成日期, …`` — the table shown in ``import --help``."""
    return [f"{field}: {', '.join(COLUMN_ALIASES[field])}" for field in fields]
