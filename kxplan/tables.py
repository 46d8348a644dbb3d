"""An import file as a table, whatever it is saved as: what it is, its header, where a cell is.

``open_table(path)`` reads the file once and decides **by content**, not by name, what it is
(``sniff``): an XLSX workbook (a zip with ``xl/workbook.xml``) is read by ``kxplan.xlsxio``,
text by ``kxplan.csvio``; an old ``.xls``, a password-protected workbook, an OpenDocument
sheet, a PDF or an image is refused in one line saying what it is and what to save it as.

Both readers give a ``Table``: its ``columns`` (the field each position holds, found by
``read_header``) and its rows as ``(line, cells, problems)``, every cell as text. The import
(``kxplan.csvio.import_rows``) validates those rows the same way whatever the file was, and
points at a problem with ``Table.place``: ``12`` in a CSV (``FILE:12: …``), ``Sheet!B12`` in
a workbook (``FILE.xlsx:Sheet!B12: …``).

The header is the first of the first ``HEADER_SCAN`` non-blank rows that names both a target
and a date column (English names or the Chinese aliases of ``kxplan.normalise``, any order
and case); rows above it — a title, a "填报单位：…" line — are passed over. A header cell
left empty marks a column the import reads past, but a value under it is a problem.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol

from kxplan.entry import FIELDS
from kxplan.errors import InputError
from kxplan.messages import t
from kxplan.normalise import COLUMN_ALIASES, IGNORED, column_for, header_key

REQUIRED = ("target", "date")
HEADER_SCAN = 10  # non-blank rows searched for the header

#: ``(line, cells, problems)``: the row's line (CSV) or row number (sheet), its cells as text,
#: and problems the reader found in single cells (``(column index, message)``) or None.
Row = tuple[int, list[str], "list[tuple[int, str]] | None"]


class Table(Protocol):
    """A file being imported: its columns and rows (see the module docstring)."""

    name: str
    columns: list[str]  # per position: a field, an extra column (``id`` …), IGNORED (序号) or ""
    size_hint: int  # about how many rows, for a progress bar
    neutralised: bool  # cells may carry an export's formula-neutralising ``'`` (CSV)
    notices: list[str]  # what the person importing should be told (read as GB18030 …)

    def rows(self) -> Iterator[Row]:
        """The rows after the header, blank ones included; may raise ``InputError``."""
        ...

    def place(self, line: int, column: int | None = None) -> str:
        """Where a row (or one of its cells) is, as printed after ``FILE:``."""
        ...

    def again(self) -> Table:
        """The same file read afresh (rows can be iterated once)."""
        ...


# --- what a file is ----------------------------------------------------------------------------

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SIGNATURES = (
    (b"%PDF", "pdf"),
    (b"\x89PNG", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"GIF8", "image"),
    (b"\x1f\x8b", "archive"),
    (b"Rar!", "archive"),
    (b"7z\xbc\xaf", "archive"),
    (b"SQLite format 3\x00", "sqlite"),
)
_REFUSED = {
    "pdf": "file.is_pdf",
    "image": "file.is_image",
    "archive": "file.is_archive",
    "sqlite": "file.is_sqlite",
    "html": "file.is_html",
}


def sniff(data: bytes) -> str:
    """What file content is: ``zip``, ``ole`` (old .xls or an encrypted workbook), ``html``,
    ``pdf``, ``image``, ``archive``, ``sqlite``, or ``text`` (read as CSV)."""
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return "zip"
    if data.startswith(_OLE):
        return "ole"
    for magic, kind in _SIGNATURES:
        if data.startswith(magic):
            return kind
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml", b"<meta")):
        return "html"
    return "text"


def open_table(path: Path, *, encoding: str | None = None, sheet: str | None = None) -> Table:
    """The table in an import file, read by what its content is (see ``sniff``)."""
    from kxplan.csvio import _READ_REFUSALS, MAX_CSV_BYTES
    from kxplan.paths import open_input

    name = str(path)
    stream = open_input(path, MAX_CSV_BYTES, _READ_REFUSALS, file=name)
    try:
        kind = sniff(stream.read(1024))
        stream.seek(0)
        if kind in ("zip", "ole"):
            data = (
                stream.read()
            )  # a workbook is read whole (its zip is checked before it is opened)
    except BaseException:
        stream.close()
        raise
    if kind != "text":
        stream.close()
    if kind == "zip":
        if encoding is not None:
            raise InputError(t("xlsx.no_encoding", file=name))
        from kxplan.xlsxio import read_xlsx

        return read_xlsx(path, data, sheet)
    if kind == "ole":
        from kxplan.xlsxio import refuse_ole

        refuse_ole(name, data)
    if kind != "text":
        raise InputError(t(_REFUSED[kind], file=name))
    if sheet is not None:
        stream.close()
        raise InputError(t("xlsx.sheet_not_workbook", file=name))
    from kxplan.csvio import read_csv

    table = read_csv(path, encoding, stream=stream)
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        table.notices.append(t("xlsx.text_by_content", file=name))
    return table


# --- the header --------------------------------------------------------------------------------


def read_header(
    name: str,
    rows: Iterator[Row],
    place: Callable[[int, int | None], str],
    *,
    empty: str | None = None,
) -> tuple[int, list[str]]:
    """The header's line and its columns (one field, extra column or "" per cell).

    Reads rows from ``rows`` up to and including the header, never past it. Raise
    ``InputError`` for a file without a header row, naming the problem of its first row
    (``empty`` is the message when there is no row at all).
    """
    first: tuple[int, list[str]] | None = None
    seen = 0
    for line, cells, _ in rows:
        if not any(cell.strip() for cell in cells):
            continue
        columns = [column_for(cell) if cell.strip() else "" for cell in cells]
        if all(field in columns for field in REQUIRED):
            check_header(name, line, cells, columns, place)
            return line, [column or "" for column in columns]
        if first is None:
            first = (line, cells)
        seen += 1
        if seen >= HEADER_SCAN:
            break
    if first is None:
        raise InputError(empty or t("csv.empty", file=name, columns=",".join(FIELDS)))
    line, cells = first
    check_header(
        name, line, cells, [column_for(cell) if cell.strip() else "" for cell in cells], place
    )
    raise AssertionError("a header without target and date passed its check")  # pragma: no cover


def check_header(
    name: str,
    line: int,
    cells: list[str],
    columns: list[str | None],
    place: Callable[[int, int | None], str],
) -> None:
    """Refuse a header with an unknown or repeated column, or without target and date."""
    where: dict[str, int] = {}
    for index, (raw, column) in enumerate(zip(cells, columns, strict=True)):
        here = f"{name}:{place(line, index)}"
        text = raw.strip()
        if column is None:
            if len(cells) == 1 and any(sep in raw for sep in ";\t|"):
                raise InputError(t("csv.separator", file=name))
            hint = _nearest_column(text)
            if hint:
                raise InputError(t("csv.unknown_column_hint", place=here, column=text, hint=hint))
            raise InputError(
                t("csv.unknown_column", place=here, column=text, columns=",".join(FIELDS))
            )
        if not column or column == IGNORED:
            continue
        if column in where:
            first = cells[where[column]].strip()
            if header_key(first) == header_key(text):
                raise InputError(t("csv.duplicate_column", place=here, column=text))
            raise InputError(
                t("csv.duplicate_field", place=here, column=text, first=first, field=column)
            )
        where[column] = index
    missing = [column for column in REQUIRED if column not in where]
    if missing:
        shown = ", ".join(f"{field} ({COLUMN_ALIASES[field][0]})" for field in missing)
        raise InputError(
            t("csv.missing_columns", place=f"{name}:{place(line, None)}", columns=shown)
        )


def _nearest_column(text: str) -> str | None:
    """The accepted header nearest to a mistyped one (``taget`` → ``target``)."""
    import difflib

    names = [alias for field in FIELDS for alias in (field, *COLUMN_ALIASES[field])]
    keys = {header_key(alias): alias for alias in names}
    hints = difflib.get_close_matches(header_key(text), list(keys), n=1)
    return keys[hints[0]] if hints else None


def column_letter(index: int) -> str:
    """A spreadsheet column's letters for a 0-based index: 0 → A, 27 → AB."""
    letters = ""
    number = index + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
