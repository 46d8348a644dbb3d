"""Reading an Excel workbook (.xlsx) to import: one sheet as a ``kxplan.tables.Table``.

The reader is openpyxl in read-only mode (rows are streamed, never the whole sheet in
memory). python-calamine reads 5× faster, but builds the whole sheet as one dense range: a
6 KB workbook with a single cell at XFD1048576 makes it allocate 512 GB and abort the
process (a Rust abort, not an exception), and it cannot tell a formula without a saved
value from an empty cell. ``bench/xlsx_import.py`` measures both.

What is refused, in one line, before any row is read (``read_xlsx``):

- not a workbook by content: an old ``.xls`` or a password-protected workbook (both OLE
  containers: ``refuse_ole``), an ``.ods``, an ``.xlsb``, any other zip;
- a damaged or truncated file (the zip does not open, a part is missing or does not parse);
- a zip bomb: more than ``MAX_MEMBERS`` parts, more than ``MAX_UNPACKED`` bytes unpacked in
  all (the sizes the zip declares, which Python's zipfile never exceeds when reading), or a
  large part unpacking more than ``MAX_RATIO`` times its packed size; a sheet claiming more
  than ``MAX_ROWS`` rows (and reading stops there if it lied);
- merged cells in the header row or in the table below it (a title merged above is fine);
- an empty sheet, or no such sheet (``--sheet``).

While reading (``XlsxTable.rows``), a cell holding an Excel error (``#N/A`` …) or a formula
without a saved value is a problem located ``FILE.xlsx:Sheet!B12``; a formula with a saved
value counts as that value. A date cell is a date, a number a number, and text is parsed as
``record`` parses it. Every exception of the reader becomes one ``InputError``
(``reader_errors``): the import never shows a traceback, and the rows read so far are
rolled back with the rest.

openpyxl does not expose merged cells or formulas in read-only mode, so ``_scan_sheet``
streams the sheet's XML once and looks for ``<mergeCell ref=…>`` and ``<f>`` (whether any
formula exists; only then is the sheet read a second time, formulas side by side with their
saved values). It finds the sheet's part through ``ReadOnlyWorksheet._worksheet_path``, an
attribute openpyxl has kept since 2.4 (pinned ``<3.2``; ``tests/test_xlsx_import.py``
breaks if it goes).
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, NoReturn

from kxplan.errors import InputError
from kxplan.messages import t
from kxplan.tables import Row, column_letter, read_header

MAX_UNPACKED = 512 * 1024 * 1024  # bytes unpacked, all parts together
MAX_MEMBERS = 10_000  # parts in the zip
MAX_RATIO = 200  # unpacked / packed size of one part larger than RATIO_FLOOR
RATIO_FLOOR = 16 * 1024 * 1024
MAX_ROWS = 1_000_000  # rows below the header
MAX_COLUMNS = 64  # columns read; Excel allows 16,384
HEADER_ROWS_ALLOWED = 1_000  # rows above the header (titles, blank rows) a sheet may have
EXCEL_ERRORS = frozenset(
    ("#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!")
    + ("#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!")
)

_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
#: OOXML's escapes that stand for a character, not for themselves: a control character
#: (Excel writes CR as ``_x000D_``) and ``_x005F_``, the escaped underscore that keeps a
#: literal ``_x0041_`` literal. openpyxl leaves them in inline strings.
_ESCAPE_RE = re.compile("_x(00[01][0-9A-Fa-f]|005[Ff])_")
_FORMULA_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
_MERGE_RE = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\s[^>]*?ref=[\"']([A-Za-z]{1,3}[0-9]+(?::[A-Za-z]{1,3}[0-9]+)?)[\"']"
)
_CELL_RE = re.compile(r"([A-Za-z]{1,3})([0-9]+)")
_SIMPLE_SHEET_RE = re.compile(r"[\w\u3400-\u9fff]+")

# openpyxl warns (on stderr) about features it drops in read-only mode; none of them matter
# for reading values, and a clerk should not see them.
warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl(\..*)?")


# --- the file ---------------------------------------------------------------------------------


def refuse_ole(name: str, data: bytes) -> NoReturn:
    """Refuse an OLE container: a password-protected workbook, else an old ``.xls``."""
    if _ENCRYPTED in data:
        raise InputError(t("xlsx.encrypted", file=name))
    raise InputError(t("xlsx.xls", file=name))


@contextmanager
def reader_errors(name: str) -> Iterator[None]:
    """The one place where what the workbook reader raises becomes a one-line ``InputError``."""
    try:
        yield
    except InputError:
        raise
    except MemoryError:
        raise InputError(t("xlsx.too_large", file=name, limit=MAX_UNPACKED // 2**20)) from None
    except Exception as exc:  # zipfile, zlib, XML, openpyxl's own: a damaged workbook
        reason = f"{type(exc).__name__}: {exc}".strip()[:200]
        raise InputError(t("xlsx.corrupt", file=name, reason=reason)) from None


def _check_zip(name: str, data: bytes) -> zipfile.ZipFile:
    """The workbook's zip, its parts checked (``_check_parts``) before anything is unpacked."""
    with reader_errors(name):
        archive = zipfile.ZipFile(io.BytesIO(data))
        _check_parts(name, archive)
    return archive


def _check_parts(name: str, archive: zipfile.ZipFile) -> None:
    """Refuse a zip bomb, and a zip that is another kind of document, before unpacking."""
    parts = archive.infolist()
    if len(parts) > MAX_MEMBERS:
        raise InputError(t("xlsx.too_many_parts", file=name, count=len(parts)))
    total = 0
    for part in parts:
        total += part.file_size
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            raise InputError(t("xlsx.bomb", file=name, part=part.filename, ratio=int(ratio)))
    if total > MAX_UNPACKED:
        raise InputError(t("xlsx.too_large", file=name, limit=MAX_UNPACKED // 2**20))
    names = {part.filename for part in parts}
    if "xl/workbook.xml" not in names and not any(n.endswith("/workbook.xml") for n in names):
        if "mimetype" in names and b"opendocument" in archive.read("mimetype")[:100]:
            raise InputError(t("xlsx.ods", file=name))
        if "xl/workbook.bin" in names:
            raise InputError(t("xlsx.xlsb", file=name))
        raise InputError(t("xlsx.not_workbook", file=name))


@dataclass(frozen=True)
class _Scan:
    """What openpyxl's read-only mode does not tell: merged ranges and whether formulas exist."""

    merges: list[
        tuple[int, int, int, int]
    ]  # (first row, first column, last row, last column), 1-based
    formulas: bool


def _scan_sheet(name: str, archive: zipfile.ZipFile, part: str) -> _Scan:
    """Stream a sheet's XML once, finding ``<mergeCell ref="A1:C1">`` and any ``<f>``."""
    refs: set[bytes] = set()
    formulas = False
    tail = b""
    with reader_errors(name), archive.open(part) as stream:
        while True:
            chunk = stream.read(1 << 20)
            if not chunk:
                break
            text = tail + chunk
            if not formulas and _FORMULA_RE.search(text):
                formulas = True
            if b"mergeCell" in text:
                refs.update(_MERGE_RE.findall(text))
            tail = text[-512:]
    merges = []
    for ref in sorted(refs):
        first, _, last = ref.decode("ascii").partition(":")
        top, left = _cell(first)
        bottom, right = _cell(last or first)
        merges.append((min(top, bottom), min(left, right), max(top, bottom), max(left, right)))
    return _Scan(merges, formulas)


def _cell(ref: str) -> tuple[int, int]:
    """(row, column) of ``B12``, both 1-based."""
    match = _CELL_RE.fullmatch(ref)
    assert match is not None
    letters, digits = match.groups()
    column = 0
    for letter in letters.upper():
        column = column * 26 + ord(letter) - 64
    return int(digits), column


# --- the sheet --------------------------------------------------------------------------------


def sheet_ref(sheet: str) -> str:
    """A sheet's name as Excel writes it before ``!``: quoted when it is not a plain word."""
    if _SIMPLE_SHEET_RE.fullmatch(sheet):
        return sheet
    return "'" + sheet.replace("'", "''") + "'"


@dataclass
class XlsxTable:
    """One worksheet of a workbook being imported (a ``kxplan.tables.Table``)."""

    name: str
    sheet: str
    columns: list[str]
    header_row: int
    size_hint: int
    data: bytes = field(repr=False)
    formulas: bool = False
    neutralised: bool = False  # a cell's text is what it holds; a leading ' is the text's own
    notices: list[str] = field(default_factory=list)
    book: Any = field(default=None, repr=False)  # the workbook opened to find the header

    def again(self) -> XlsxTable:
        """The same sheet read afresh (rows can be iterated once)."""
        return read_xlsx(Path(self.name), self.data, self.sheet)

    def place(self, line: int, column: int | None = None) -> str:
        """``Sheet!B12`` (``Sheet!A12`` for the row as a whole)."""
        return f"{sheet_ref(self.sheet)}!{column_letter(column or 0)}{line}"

    def rows(self) -> Iterator[Row]:
        """``(row number, cells as text, cell problems)`` for every row below the header."""
        width = len(self.columns)
        first = self.header_row + 1
        last = self.header_row + MAX_ROWS
        with reader_errors(self.name):
            values = self.book or _open(self.data, data_only=True)
            self.book = None
            formulas = _open(self.data, data_only=False) if self.formulas else None
        try:
            formula_rows: Iterator[Any] | None = None
            with reader_errors(self.name):
                rows = values[self.sheet].iter_rows(
                    min_row=first, max_row=last + 1, max_col=width, values_only=True
                )
                if formulas is not None:
                    formula_rows = formulas[self.sheet].iter_rows(
                        min_row=first, max_row=last + 1, max_col=width, values_only=True
                    )
            number = first
            while True:
                with reader_errors(self.name):
                    row = next(rows, None)
                    written = next(formula_rows, None) if formula_rows is not None else None
                if row is None:
                    return
                if number > last and any(value is not None for value in row):
                    raise InputError(
                        t("xlsx.too_many_rows", file=self.name, sheet=self.sheet, limit=MAX_ROWS)
                    )
                yield number, *_cells(row, written, width)
                number += 1
        finally:
            values.close()
            if formulas is not None:
                formulas.close()


def _cells(
    row: tuple[Any, ...], written: tuple[Any, ...] | None, width: int
) -> tuple[list[str], list[tuple[int, str]] | None]:
    """A sheet row as text cells, and the problems of single cells (errors, unsaved formulas)."""
    cells = [""] * width
    problems: list[tuple[int, str]] | None = None
    for index, value in enumerate(row):
        if value is None:
            if written is not None and index < len(written):
                formula = written[index]  # not None: a formula (openpyxl: "=…" or an object)
                if formula is not None:
                    problems = problems or []
                    shown = formula if isinstance(formula, str) else getattr(formula, "text", "=…")
                    problems.append((index, t("xlsx.formula_no_value", formula=str(shown)[:60])))
            continue
        if value.__class__ is str:
            if "_x" in value:
                value = _ESCAPE_RE.sub(_unescape, value)
            if value[:1] == "#" and value.strip() in EXCEL_ERRORS:
                problems = problems or []
                problems.append((index, t("xlsx.error_value", value=value.strip())))
                continue
            cells[index] = value
        else:
            cells[index] = _text(value)
    return cells, problems


def _unescape(match: re.Match[str]) -> str:
    """An OOXML escape as its character: ``_x000D_`` is CR, ``_x005F_`` an underscore."""
    return chr(int(match.group(1), 16))


def _text(value: Any) -> str:
    """A typed cell value as the text ``record`` would be given."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat()  # a date cell with a time: the date it is on
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def _open(data: bytes, *, data_only: bool) -> Any:
    """The workbook in openpyxl's read-only mode."""
    import openpyxl

    return openpyxl.load_workbook(
        io.BytesIO(data), read_only=True, data_only=data_only, keep_links=False
    )


def read_xlsx(path: Path, data: bytes, sheet: str | None = None) -> XlsxTable:
    """A worksheet to import: the file checked, the sheet chosen, its header found."""
    name = str(path)
    archive = _check_zip(name, data)
    with reader_errors(name):
        book = _open(data, data_only=True)
    done = False
    try:
        with reader_errors(name):
            worksheet = _choose_sheet(name, book, sheet)
            title = worksheet.title
            claimed = worksheet.max_row or 0
            scan = _scan_sheet(name, archive, worksheet._worksheet_path)
        if claimed > MAX_ROWS + HEADER_ROWS_ALLOWED:
            raise InputError(t("xlsx.too_many_rows", file=name, sheet=title, limit=MAX_ROWS))
        place = _placer(title)
        header_rows = worksheet.iter_rows(max_col=MAX_COLUMNS, max_row=MAX_ROWS, values_only=True)

        def scanned() -> Iterator[Row]:
            for number, row in enumerate(header_rows, start=1):
                with reader_errors(name):
                    cells, _ = _cells(row, None, len(row))
                yield number, _trim(cells), None

        empty = t("xlsx.empty_sheet", file=name, sheet=title, sheets=_names(book))
        with reader_errors(name):
            line, columns = read_header(name, scanned(), place, empty=empty)
        width = max(len(columns), min(worksheet.max_column or 0, MAX_COLUMNS))
        columns += [""] * (width - len(columns))
        _check_merges(name, title, scan.merges, line, width)
        done = True
    finally:
        if not done:
            book.close()
    notices = [] if path.suffix.lower() in (".xlsx", ".xlsm") else [t("xlsx.by_content", file=name)]
    return XlsxTable(
        name=name,
        sheet=title,
        columns=columns,
        header_row=line,
        size_hint=max(claimed - line, 0),
        data=data,
        formulas=scan.formulas,
        notices=notices,
        book=book,
    )


def _trim(cells: list[str]) -> list[str]:
    """A header row without its trailing empty cells (a sheet's used range is often wider)."""
    end = len(cells)
    while end and not cells[end - 1].strip():
        end -= 1
    return cells[:end]


def _placer(sheet: str) -> Any:
    ref = sheet_ref(sheet)
    return lambda line, column: f"{ref}!{column_letter(column or 0)}{line}"


def _names(book: Any) -> str:
    return ", ".join(repr(ws.title) for ws in book.worksheets)


def _choose_sheet(name: str, book: Any, sheet: str | None) -> Any:
    """The named worksheet (exact, else ignoring case and spaces), else the first visible one."""
    sheets = book.worksheets
    if not sheets:
        raise InputError(t("xlsx.no_worksheets", file=name))
    if sheet is None:
        for worksheet in sheets:
            if worksheet.sheet_state == "visible":
                return worksheet
        return sheets[0]
    for worksheet in sheets:
        if worksheet.title == sheet:
            return worksheet
    wanted = "".join(sheet.split()).casefold()
    for worksheet in sheets:
        if "".join(worksheet.title.split()).casefold() == wanted:
            return worksheet
    raise InputError(t("xlsx.no_sheet", file=name, sheet=sheet, sheets=_names(book)))


def _check_merges(
    name: str, sheet: str, merges: list[tuple[int, int, int, int]], header: int, width: int
) -> None:
    """Refuse merged cells in the header row or in the table below it."""
    for top, left, bottom, right in merges:
        if bottom < header or left > width:
            continue  # a title above the header, or beside the table
        first = f"{column_letter(left - 1)}{top}"
        last = f"{column_letter(right - 1)}{bottom}"
        place = f"{name}:{sheet_ref(sheet)}!{first}:{last}"
        key = "xlsx.merged_header" if top <= header else "xlsx.merged_cells"
        raise InputError(t(key, place=place))
