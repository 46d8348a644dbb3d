"""CSV in and out: reading an import file, importing its rows, writing an export.

Reading (``read_csv``): UTF-8 with or without a BOM; another encoding with ``encoding=``
(``gbk`` and ``gb2312`` are read as their superset GB18030); a file that is not UTF-8 but
is plainly GB18030 Chinese text (what Excel saves on Chinese Windows) is detected and said
so. UTF-8 and GB18030 are decoded as the rows are read, never held whole. Line numbers are
the physical lines where each row starts (the header is line 1).

Importing (``import_rows``) validates every row with the same rules as ``record`` and
reports *all* bad rows (``FILE:LINE: message``) before anything is kept: the valid rows are
staged in chunks (``kxplan.store.staging``), the rules that need other rows are answered
from the staged rows in SQL, and the rows are inserted in one statement, all inside one
write transaction that is rolled back if any row is bad. Each row's
``import_key`` is the sha256 of its normalised fields plus its occurrence number among
identical rows of the file, so importing a file again, or with rows appended, adds only
the new rows, and two identical rows in one file stay two entries. A new row identical to
a live entry recorded with ``record`` or ``add`` is imported too (the file is what the
office sent), and listed in ``ImportResult.repeats`` so the clerk can void one of the pair. The file of an
``export --all`` imports too: its rows marked voided (``void_id``) are skipped and its other
extra columns (``VOID_COLUMNS``) ignored.

Writing (``write_csv``) neutralises cells that a spreadsheet would run as a formula.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import operator
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, BinaryIO

from kxplan.entry import (
    FIELDS,
    MAX_TARGET_TOTAL,
    Draft,
    Entry,
    ImportState,
    RowProblem,
    Validator,
    amount_from_milli,
    duplicate_item_problem,
    milestone_done_problem,
    timestamp,
    total_too_large_problem,
)
from kxplan.errors import InputError
from kxplan.messages import t
from kxplan.numbers import format_number
from kxplan.store.staging import Seen
from kxplan.tables import Row, Table, read_header
from kxplan.text import comparable

if TYPE_CHECKING:
    from kxplan.plan import Plan
    from kxplan.store import Store
    from kxplan.store.interface import Location
    from kxplan.store.staging import ImportStaging, StagedRow

EXPORT_COLUMNS = FIELDS
VOID_COLUMNS = ("id", "recorded_at", "void_id", "void_reason", "void_by", "void_recorded_at")
"""The columns ``export --all`` adds. An import skips rows with a ``void_id`` (voided) and
ignores the others (the database gives an imported entry its own id and times)."""
CHUNK = 10_000
_FORMULA_RE = re.compile("'*[=+\\-@\t\r]")
_NON_ASCII_RE = re.compile(rb"[\x80-\xff]+")
_GB2312_RUN_RE = re.compile(rb"[\xa1-\xfe]+")
_UNNEUTRALISE_RE = re.compile("'+[=+\\-@\t\r]")
_ALIASES = {"gbk": "gb18030", "gb2312": "gb18030", "cp936": "gb18030", "utf8": "utf-8"}


class ImportProblems(InputError):
    """Bad rows in an import file: ``problems`` lists every one; nothing was written."""

    def __init__(self, message: str, problems: list[RowProblem]) -> None:
        super().__init__(message)
        self.problems = problems


@dataclass
class CsvTable:
    """A CSV file being read (a ``kxplan.tables.Table``); its rows can be iterated once.

    A UTF-8 or GB18030 file is decoded as a stream (``stream``): only a chunk of it is in
    memory at a time. Other encodings are decoded whole (``data``).
    """

    name: str
    encoding: str
    detected: bool
    columns: list[str]
    reader: Any  # a csv.reader positioned after the header
    header_end: int  # the line the header ends on
    size_hint: int
    data: bytes | None = None  # the file's bytes when given whole (else it is opened again)
    neutralised: bool = True  # an export put ' before formula-like text (``neutralise``)
    notices: list[str] = field(default_factory=list)  # for the person importing (stderr)
    stream: io.TextIOWrapper | None = None  # the decoded stream the reader reads, closed at the end
    guessed: bool = False  # UTF-8 judged by the file's head: a later byte may say otherwise

    def again(self) -> CsvTable:
        """The same file read afresh (its rows can be iterated once)."""
        return read_csv(
            Path(self.name), self.encoding if not self.detected else None, data=self.data
        )

    def _open(self) -> BinaryIO:
        return _open(Path(self.name), self.data)

    def place(self, line: int, column: int | None = None) -> str:
        """A CSV row is its line: ``FILE:12: …``."""
        return str(line)

    def rows(self) -> Iterator[Row]:
        """``(line, cells, None)`` for every row after the header; line is where it starts.

        A file judged UTF-8 by its head in which a later byte is not UTF-8 is judged again
        whole (``read_csv``): read as GB18030 from the row where it stopped, or refused.
        """
        read = 0
        try:
            for row in _csv_rows(self.name, self.reader, self.header_end):
                yield row
                read += 1
            return
        except UnicodeError:
            pass
        except InputError:  # a broken quote: said only if the whole file decodes (as before)
            if self.stream is None or _decodes(self._open(), self.stream.encoding):
                raise
        finally:
            if self.stream is not None:
                self.stream.close()
        table = _read_whole(Path(self.name), self.encoding, self.data, self.guessed)
        self.notices.extend(table.notices)
        rows = table.rows()
        for _ in range(read):  # the same rows: only ASCII lines were read before the byte
            next(rows)
        yield from rows


def _csv_rows(name: str, reader: Any, end: int) -> Iterator[Row]:
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputError(t("csv.syntax", file=name, line=end + 1, reason=exc)) from None
        line, end = end + 1, reader.line_num
        yield line, cells, None


@dataclass
class ImportResult:
    """What an import did: rows read, rows added, rows skipped as already imported."""

    rows: int = 0
    added: int = 0
    skipped: int = 0
    voided: int = 0  # rows an ``export --all`` marked voided: never imported
    repeats: list[tuple[int, int]] = field(default_factory=list)
    """(line, entry id) of added rows identical to a live entry made with record or add."""
    problems: list[RowProblem] = field(default_factory=list)
    created: bool = False  # the import created the database
    sample: bool = False  # the database is now marked as holding sample data


# --- reading ------------------------------------------------------------------------------------


def decode(data: bytes, name: str, encoding: str | None) -> tuple[str, str, bool]:
    """Decode file bytes: ``(text, encoding used, detected)``; raise ``InputError`` if impossible."""
    if encoding is not None:
        try:
            info = codecs.lookup(_ALIASES.get(encoding.lower(), encoding))
        except LookupError:
            raise InputError(t("csv.unknown_encoding", encoding=encoding)) from None
        # rot13, hex, base64, zlib … are bytes-to-bytes or str-to-str codecs, not text encodings
        if not info._is_text_encoding:
            raise InputError(t("csv.not_text_encoding", encoding=encoding))
        codec = "utf-8-sig" if info.name == "utf-8" else info.name
        try:
            return data.decode(codec), encoding, False
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise InputError(
                t(
                    "csv.bad_encoding",
                    file=name,
                    encoding=encoding,
                    byte=f"0x{data[exc.start]:02x}",
                    line=line,
                )
            ) from None
        except UnicodeError:  # "undefined", "punycode": text codecs that cannot read a file
            raise InputError(t("csv.not_text_encoding", encoding=encoding)) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError(t("csv.utf16", file=name))
    try:
        return data.decode("utf-8-sig"), "utf-8", False
    except UnicodeDecodeError as exc:
        if _looks_gb(data):
            try:
                text = data.decode("gb18030")
            except UnicodeDecodeError:
                pass
            else:
                _refuse_mixed(data, name)
                return text, "gb18030", True
        _refuse_mixed(data, name)
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            t("csv.not_utf8", file=name, byte=f"0x{data[exc.start]:02x}", line=line)
        ) from None


def _refuse_mixed(data: bytes, name: str) -> None:
    """Refuse a file guessed as GBK in which some line is UTF-8 Chinese (mixed encodings).

    UTF-8's bytes for Chinese are also valid GB18030, so a UTF-8 row pasted into a GBK file
    would be read as mojibake without a word. Every line with non-ASCII bytes that is valid
    UTF-8 is such a row (a GBK line rarely is): the file is refused, naming the line, rather
    than guessed row by row. ``--encoding`` states the encoding and skips this check.
    """
    other = None
    utf8 = None
    data = data.removeprefix(codecs.BOM_UTF8)  # the mark alone says nothing about the rows
    for number, line in enumerate(data.split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            other = other or number
            continue
        utf8 = utf8 or number
        if other is not None:
            break
    if utf8 is not None and other is not None:
        raise InputError(t("csv.mixed_encodings", file=name, utf8=utf8, other=other))


def _looks_gb(data: bytes) -> bool:
    """Whether non-UTF-8 bytes are plainly GB2312-range Chinese (GBK/GB18030 from Excel).

    Every run of non-ASCII bytes must be pairs of bytes in 0xA1–0xFE; Latin-1 accented
    letters next to ASCII, or random bytes, fail. Linear in the size of the file.
    """
    return all(
        len(run) % 2 == 0 and _GB2312_RUN_RE.fullmatch(run) for run in _NON_ASCII_RE.findall(data)
    )


_MAX_TOTAL_MILLI = int(MAX_TARGET_TOTAL * 1000)
_HASH_MASK = (1 << 64) - 1
MAX_CSV_BYTES = 1 << 30
"""The largest import file read (1 GiB, about 10 million rows)."""
HEAD_BYTES = 1 << 20
"""How much of a file judges its encoding before its rows are read (the rest as they come)."""
_STREAMED = ("utf-8", "gb18030")
"""Encodings (``codecs`` names) decoded as a stream; others are decoded whole."""
_READ_REFUSALS = {
    "missing": "csv.not_found",
    "directory": "csv.is_directory",
    "special": "csv.not_regular",
    "too_large": "csv.too_large",
    "unreadable": "csv.unreadable",
}


def read_csv(
    path: Path,
    encoding: str | None = None,
    *,
    data: bytes | None = None,
    stream: BinaryIO | None = None,
) -> CsvTable:
    """Read an import file's header, ready to read its rows; raise ``InputError`` for
    file-level problems.

    ``data`` gives the file's bytes, ``stream`` the file opened (``paths.open_input``);
    else the file is opened here. UTF-8 (judged by the first ``HEAD_BYTES``; a later byte
    that is not UTF-8 makes ``CsvTable.rows`` judge again), GB18030 (judged by reading the
    file through once, line by line) and an ``encoding`` of either are decoded as the rows
    are read; any other encoding, and a file refused for its encoding, is decoded whole
    (``decode``), so every message about encodings is the one place's.
    """
    binary = stream if stream is not None else _open(path, data)
    try:
        table = _read_streamed(path, encoding, binary, data)
    except UnicodeError:
        table = None
    except BaseException:
        binary.close()
        raise
    if table is None:
        binary.close()
        return _read_whole(path, encoding, data, False)
    return table


def _open(path: Path, data: bytes | None) -> BinaryIO:
    if data is not None:
        return io.BytesIO(data)
    from kxplan.paths import open_input

    return open_input(path, MAX_CSV_BYTES, _READ_REFUSALS, file=str(path))


def _read_streamed(
    path: Path, encoding: str | None, binary: BinaryIO, data: bytes | None
) -> CsvTable | None:
    """The table decoded as a stream, or None when the file is to be decoded whole."""
    name = str(path)
    size = binary.seek(0, io.SEEK_END)
    binary.seek(0)
    head = binary.read(HEAD_BYTES)
    binary.seek(0)
    complete = len(head) >= size
    guessed = detected = False
    if encoding is not None:
        codec = _codec(encoding)
        if codec not in _STREAMED:
            return None
        used = encoding
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    else:
        try:
            codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=complete)
            codec, used, guessed = "utf-8", "utf-8", not complete
        except UnicodeDecodeError:
            if not _gb18030_file(binary):
                return None
            codec, used, detected = "gb18030", "gb18030", True
    codec = "utf-8-sig" if codec == "utf-8" else codec
    if not head.decode(codec, "ignore").strip():
        return None  # empty, or blank as far as the head goes: judged whole
    newlines = head.count(b"\n")
    text = io.TextIOWrapper(binary, encoding=codec, newline="")
    reader = csv.reader(text, strict=True)
    line, columns = read_header(name, _csv_rows(name, reader, 0), lambda line, _: str(line))
    return CsvTable(
        name=name,
        encoding=used,
        detected=detected,
        columns=columns,
        reader=reader,
        header_end=reader.line_num,
        data=data,
        size_hint=newlines if complete else newlines * size // max(len(head), 1),
        notices=[t("csv.detected", file=name, encoding=used)] if detected else [],
        stream=text,
        guessed=guessed,
    )


def _codec(encoding: str) -> str:
    """The ``codecs`` name of a text encoding given with ``--encoding`` (else ``InputError``)."""
    try:
        info = codecs.lookup(_ALIASES.get(encoding.lower(), encoding))
    except LookupError:
        raise InputError(t("csv.unknown_encoding", encoding=encoding)) from None
    if not info._is_text_encoding:
        raise InputError(t("csv.not_text_encoding", encoding=encoding))
    return info.name


def _decodes(binary: BinaryIO, codec: str) -> bool:
    """Whether the whole stream decodes with ``codec`` (read a MiB at a time, then closed)."""
    decoder = codecs.getincrementaldecoder(codec)()
    try:
        while chunk := binary.read(HEAD_BYTES):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeError:
        return False
    finally:
        binary.close()
    return True


def _gb18030_file(binary: BinaryIO) -> bool:
    """Whether ``decode`` would read the file as GB18030 Chinese (``_looks_gb``, decodable,
    no UTF-8 line: ``_refuse_mixed``), judged a line at a time; the stream is rewound."""
    try:
        for number, line in enumerate(binary, start=1):
            if line.isascii():
                continue
            if number == 1 and line.startswith(codecs.BOM_UTF8):
                return False
            if not _looks_gb(line):
                return False
            try:
                line.decode("gb18030")
            except UnicodeDecodeError:
                return False
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                continue
            return False  # mixed encodings: refused by ``decode``
        return True
    finally:
        binary.seek(0)


def _read_whole(
    path: Path, encoding: str | None, data: bytes | None, utf8_failed: bool
) -> CsvTable:
    """The table of a file decoded whole (``decode``): other encodings, and the files it
    refuses with their exact message. ``utf8_failed``: a file first read as UTF-8 that is
    not, which may be GB18030 read as a stream."""
    name = str(path)
    if utf8_failed:
        binary = _open(path, data)
        try:
            gb = _gb18030_file(binary)
        finally:
            binary.close()
        if gb:
            table = read_csv(path, "gb18030", data=data)
            table.encoding, table.detected = "gb18030", True
            table.notices.append(t("csv.detected", file=name, encoding="gb18030"))
            return table
    if data is None:
        from kxplan.paths import read_input

        data = read_input(path, MAX_CSV_BYTES, _READ_REFUSALS, file=name)
    text, used, detected = decode(data, name, encoding if not utf8_failed else None)
    if not text.strip():
        raise InputError(t("csv.empty", file=name, columns=",".join(FIELDS)))
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    line, columns = read_header(name, _csv_rows(name, reader, 0), lambda line, _: str(line))
    return CsvTable(
        name=name,
        encoding=used,
        detected=detected,
        columns=columns,
        reader=reader,
        header_end=reader.line_num,
        data=data,
        size_hint=text.count("\n"),
        notices=[t("csv.detected", file=name, encoding=used)] if detected else [],
    )


# --- importing ---------------------------------------------------------------------------------


def unneutralise(cell: str) -> str:
    """Undo ``neutralise``: drop the one ``'`` an export put before a formula-like cell."""
    return cell[1:] if _UNNEUTRALISE_RE.match(cell) else cell


def import_file(
    location: Location,
    plan: Plan,
    table: Table,
    *,
    today: date,
    by: str,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    sample: bool = False,
) -> ImportResult:
    """Import a read table into the database at ``location``: the whole lifecycle, one call.

    ``sample`` marks the database as holding sample data (``import --sample``), in the same
    transaction as the rows (``Store.mark_sample``).

    Into an existing database: ``import_rows`` in one transaction. Where there is none, a new
    database is built that appears at ``location`` only when the whole import succeeded with
    at least one row (``Store.create_with``; ``created`` says so), so a refused import leaves
    no database behind; a dry run then reads none. If another process created the database
    meanwhile, the file is imported into that one: rows it already has from this file are
    skipped by their import keys. An engine failure becomes one ``DatabaseError`` line.
    """
    from kxplan.store import Store, database_errors

    options: dict[str, Any] = {"today": today, "by": by, "progress": progress, "sample": sample}
    with database_errors(location):
        if not Store.exists(location):
            if dry_run:
                return import_rows(None, plan, table, **options)
            result = Store.create_with(
                location,
                lambda store: import_rows(store, plan, table, **options),
                keep=lambda result: result.rows > 0,
            )
            if result is not None:
                result.created = result.rows > 0
                result.sample = result.sample and result.created  # else nothing was kept
                return result
            table = table.again()
        with Store.open(location, create=False) as store:
            return import_rows(store, plan, table, dry_run=dry_run, **options)


def import_rows(
    store: Store | None,
    plan: Plan,
    table: Table,
    *,
    today: date,
    by: str,
    now: datetime | None = None,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    sample: bool = False,
) -> ImportResult:
    """Validate every row, then add the new ones in one transaction (none if any row is bad).

    ``store`` may be None for a dry run without a database. Raise ``ImportProblems`` listing
    every bad row; the database is then unchanged. With ``sample`` the database is marked as
    holding sample data in the same transaction (a dry run only checks that it may be).
    """
    recorded_at = timestamp(now)
    options: dict[str, Any] = {"today": today, "by": by, "recorded_at": recorded_at}
    if store is None:
        return _import(
            None, ImportState(), plan, table, {}, dry_run=True, progress=progress, **options
        )
    if dry_run:
        with store.read_snapshot():
            if sample:
                store.check_sample()
            state = store.import_state(plan.year)
            totals = _totals(store, plan)
            return _import(
                store, state, plan, table, totals, dry_run=True, progress=progress, **options
            )
    with store.write_transaction(bulk=True):
        if sample:
            store.mark_sample(by, recorded_at)
        state = store.import_state(plan.year)
        totals = _totals(store, plan)
        result = _import(
            store, state, plan, table, totals, dry_run=False, progress=progress, **options
        )
        result.sample = sample
        return result


def _totals(store: Store, plan: Plan) -> dict[str, int]:
    """Each current target id's recorded total in thousandths (old ids mapped)."""
    aliases = plan.aliases()
    totals: dict[str, int] = {}
    for daily in store.daily_totals(plan.year):
        target = aliases.get(daily.target, daily.target)
        totals[target] = totals.get(target, 0) + int(daily.amount * 1000)
    return totals


def _import(
    store: Store | None,
    state: ImportState,
    plan: Plan,
    table: Table,
    totals: dict[str, int],
    *,
    today: date,
    by: str,
    recorded_at: str,
    dry_run: bool,
    progress: Callable[[int], None] | None,
) -> ImportResult:
    """Stage the file's valid rows in chunks, apply the cross-row rules to the staged rows,
    then (unless a dry run, or any row is bad) insert them in one statement."""
    from kxplan.store.staging import ImportStaging

    staging = store.import_staging() if store is not None else ImportStaging.private_database()
    try:
        result = ImportResult()
        stage = _Stage(plan, table, today, staging, progress)
        stage.run(result)
        problems = stage.problems
        problems += _rule_problems(store, staging, stage, state, totals)
        if problems:
            problems.sort(key=operator.attrgetter("line"))  # stable: a row's problems stay in order
            result.problems = problems
            raise ImportProblems(
                t("import.bad_rows", file=table.name, count=len({p.line for p in problems})),
                problems,
            )
        result.skipped = staging.skipped()
        result.added = staging.staged - result.skipped
        if store is not None and state.by_hand:
            result.repeats = _repeats(store, staging, plan)
        if store is not None and not dry_run and result.added:
            store.insert_staged(staging, plan.year, by, recorded_at)
        return result
    finally:
        staging.close()


class _Stage:
    """The first pass over a file: every row validated (``Validator.row``), the valid ones
    staged in chunks of ``CHUNK`` rows, the problems of single rows collected.

    The measured bulk hot path: the plan lookups are precomputed and dates and amounts cached
    by ``Validator``; nothing per row is kept in memory but the problems.
    """

    def __init__(
        self,
        plan: Plan,
        table: Table,
        today: date,
        staging: ImportStaging,
        progress: Callable[[int], None] | None,
    ) -> None:
        self.plan = plan
        self.table = table
        self.name = table.name
        self.staging = staging
        self.progress = progress
        self.check = Validator(plan, today, date_required=True).row
        columns = table.columns
        self.width = len(columns)
        # Absent columns read the empty cell appended to every row (index `width`).
        positions = [columns.index(c) if c in columns else self.width for c in FIELDS]
        self.pick = operator.itemgetter(*positions)
        self.field_column = dict(zip(FIELDS, positions, strict=True))
        self.void_at = columns.index("void_id") if "void_id" in columns else None
        self.headerless = [index for index, column in enumerate(columns) if not column]
        self.problems: list[RowProblem] = []
        self.upper: dict[str, int] = {}
        """Per target id: the sum of the amounts of its staged rows (a bound on what it adds)."""
        self.digests = self.items = Seen()
        """The digests and the (target, item key) pairs staged (``run``)."""

    def problem(self, line: int, field: str | None, message: str) -> RowProblem:
        """A problem of a row, placed at the cell of ``field`` (the target's when None)."""
        width = self.width
        column = self.field_column.get(field or "target", width)
        return RowProblem(
            self.name, line, message, self.table.place(line, column if column < width else None)
        )

    def run(self, result: ImportResult) -> None:
        """Read, validate and stage every row of the table."""
        name, width, check, pick = self.name, self.width, self.check, self.pick
        field_column, void_at, headerless = self.field_column, self.void_at, self.headerless
        problems, upper, problem = self.problems, self.upper, self.problem
        place = self.table.place
        neutralised = self.table.neutralised
        progress = self.progress
        chunk: list[StagedRow] = []
        sha256 = hashlib.sha256
        self.digests, self.items = Seen(), Seen()
        seen_digest, seen_item = self.digests.check_add, self.items.check_add
        ticks = 0
        for line, cells, cell_problems in self.table.rows():
            if not any(cells):
                continue
            if len(cells) != width:
                if any(cell.strip() for cell in cells):
                    result.rows += 1
                    message = t("csv.cell_count", cells=len(cells), columns=width)
                    problems.append(RowProblem(name, line, message, place(line, None)))
                continue
            cells.append("")
            values = pick(cells)
            first = values[0]
            if (not first or first.isspace()) and _blank(values, cells, headerless):
                continue
            result.rows += 1
            if progress is not None:
                ticks += 1
                if ticks == 5000:
                    progress(ticks)
                    ticks = 0
            if (
                cell_problems
            ):  # the reader's (an Excel error, a formula without a value) and the rest
                problems.extend(
                    RowProblem(name, line, message, place(line, column))
                    for column, message in cell_problems
                )
                bad = {column for column, _ in cell_problems}
                checked = check(*values)
                if isinstance(checked, list):
                    problems.extend(
                        problem(line, field, message)
                        for field, message in checked
                        if field_column.get(field) not in bad
                    )
                continue
            if headerless:
                stray = [index for index in headerless if cells[index].strip()]
                if stray:
                    problems.extend(
                        RowProblem(name, line, t("import.headerless_value"), place(line, index))
                        for index in stray
                    )
                    continue
            if void_at is not None and cells[void_at].strip():
                result.voided += 1
                continue
            if neutralised and "'" in (
                values[3][:1] + values[4][:1] + values[5][:1] + values[6][:1] + values[7][:1]
            ):
                values = values[:3] + tuple(unneutralise(value) for value in values[3:])
            row = check(*values)
            if isinstance(row, list):
                problems.extend(problem(line, field, message) for field, message in row)
                continue
            target, written, _, day, milli, item, note, unit, by, evidence, written_unit = row
            digest = sha256(
                "\x1f".join(
                    (
                        written,
                        day,
                        "" if milli is None else str(milli),
                        item or "",
                        note or "",
                        written_unit or "",
                        by or "",
                        evidence or "",
                    )
                ).encode()
            ).digest()
            kind = target.kind
            if milli:
                upper[target.id] = upper.get(target.id, 0) + milli
            item_key = comparable(item) if item is not None and kind == "count" else None
            seen_digest(int.from_bytes(digest[:8], "little"))
            chunk.append(
                (
                    line,
                    target.id,
                    kind,
                    day,
                    milli,
                    item,
                    note,
                    unit,
                    by,
                    evidence,
                    digest,
                    item_key,
                    item_key is not None and seen_item(hash((target.id, item_key)) & _HASH_MASK),
                )
            )
            if len(chunk) >= CHUNK:
                self.staging.add(chunk)
                chunk = []
        if chunk:
            self.staging.add(chunk)
        if progress is not None and ticks:
            progress(ticks)


def _rule_problems(
    store: Store | None,
    staging: ImportStaging,
    stage: _Stage,
    state: ImportState,
    totals: dict[str, int],
) -> list[RowProblem]:
    """The rules that need other rows, over the staged rows (``kxplan.store.staging``).

    A row already imported (its import key is in the database) is skipped and seen by no
    rule; a milestone is done once and an item counted once per target (by what is recorded,
    then by the first row of the file); a target's total stays within ``MAX_TARGET_TOTAL``
    counting the rows in file order (checked only for a target whose rows could pass it).
    """
    if stage.digests.any:  # else no two staged rows are the same
        staging.number()
    if store is not None:
        store.skip_imported(staging)
    plan = stage.plan
    aliases = plan.aliases()
    problems: list[RowProblem] = []
    done = {aliases.get(target, target): value for target, value in state.done.items()}
    claimed: dict[str, int] = {}
    for line, target, day in staging.milestone_rows():
        draft = Draft(target=target, kind="milestone", date=date.fromisoformat(day), amount=None)
        if target in done:
            earlier_id, earlier_date = done[target]
            message = milestone_done_problem(draft, earlier_id, earlier_date)
        elif target in claimed:
            message = t("import.milestone_twice", target=target, line=claimed[target])
        else:
            claimed[target] = line
            continue
        problems.append(stage.problem(line, "target", message))
    if store is not None:
        staging.load_items(
            (aliases.get(target, target), comparable(item), entry_id)
            for entry_id, target, item in store.live_items(plan.year)
        )
    refused: list[int] = []
    for line, target, item, entry_id, first in staging.item_conflicts(may_repeat=stage.items.any):
        if entry_id is not None:
            draft = Draft(target=target, kind="count", date=date.min, amount=None, item=item)
            message = duplicate_item_problem(draft, entry_id)
        else:
            message = t("import.duplicate_item", item=item, target=target, line=first)
        problems.append(stage.problem(line, "item", message))
        refused.append(line)
    over = [
        target
        for target, extra in sorted(stage.upper.items())
        if totals.get(target, 0) + extra > _MAX_TOTAL_MILLI
    ]
    if over:
        staging.refuse(refused)
    for target in over:
        running = totals.get(target, 0)
        for line, milli in staging.amount_rows(target):
            running += milli
            if running > _MAX_TOTAL_MILLI:
                total = Decimal(running) / 1000
                problems.append(
                    RowProblem(stage.name, line, total_too_large_problem(target, total))
                )
    return problems


def _repeats(store: Store, staging: ImportStaging, plan: Plan) -> list[tuple[int, int]]:
    """(line, entry id) of the rows to add identical to a live entry made with record or add
    (one indexed look-up per row; only when the year has such entries)."""
    repeats = []
    for line, target, kind, day, milli, item, note, unit in staging.added_rows():
        found = plan.target(target)
        ids = found.ids if found is not None else (target,)
        draft = Draft(
            target=target,
            kind=kind,
            date=date.fromisoformat(day),
            amount=amount_from_milli(milli),
            item=item,
            note=note,
            unit=unit,
        )
        earlier = store.same_entry(plan.year, ids, draft, outside_imports=True)
        if earlier is not None:
            repeats.append((line, earlier))
    return repeats


def _blank(values: tuple[str, ...], cells: list[str], headerless: list[int]) -> bool:
    """Whether a row records nothing: no target, date, amount, item, note or evidence and no
    value under a header-less column — only spaces, or unit and by alone (a template's
    pre-filled row)."""
    if "".join(values[:5] + values[7:]).strip():
        return False
    return not any(cells[index].strip() for index in headerless)


# --- writing -----------------------------------------------------------------------------------


def neutralise(cell: str) -> str:
    """Prefix ``'`` to a cell a spreadsheet would read as a formula (``= + - @``, tab, CR).

    A cell that is already ``'`` followed by such a character gets one more ``'``, so
    ``unneutralise`` restores every value exactly.
    """
    return "'" + cell if _FORMULA_RE.match(cell) else cell


def export_records(
    entries: Iterable[Entry], aliases: dict[str, str], *, include_voided: bool
) -> Iterator[list[str]]:
    """CSV records (header first) for entries, targets under their current ids, text neutralised."""
    header = list(EXPORT_COLUMNS) + (list(VOID_COLUMNS) if include_voided else [])
    yield header
    for entry in entries:
        record = [
            aliases.get(entry.target, entry.target),
            entry.date.isoformat(),
            format_number(entry.amount),
            neutralise(entry.item or ""),
            neutralise(entry.note or ""),
            neutralise(entry.unit or ""),
            neutralise(entry.by),
            neutralise(entry.evidence or ""),
        ]
        if include_voided:
            void = entry.void
            record += [
                str(entry.id),
                entry.recorded_at,
                str(void.id) if void else "",
                neutralise(void.reason) if void else "",
                neutralise(void.by) if void else "",
                void.recorded_at if void else "",
            ]
        yield record


def write_csv(stream: IO[str], records: Iterable[list[str]]) -> None:
    """Write CSV records (``\\r\\n`` line ends, minimal quoting) to a text stream."""
    csv.writer(stream, lineterminator="\r\n").writerows(records)
