"""Writing Excel workbooks: the XLSX export and the fill-in template an office receives.

Both are written with XlsxWriter in constant-memory mode (rows go to disk as they are
written, so an export of a million entries stays small in memory) into a stream that
``kxplan.fsio.atomic_stream`` renames into place only when the workbook is complete. Text is
always written with ``write_string`` — ``=cmd()`` stays a string, never a formula — numbers
as numbers and dates as real dates. The document's creation time is given (not the clock),
so the same data gives the same bytes.

- **Export** (``write_export``): an ``登记明细`` sheet — every entry, voided ones marked (grey,
  struck through, with the void's id, reason, by and time), the columns of ``export --all``
  under their Chinese names, so it imports back unchanged (voided rows are skipped) — and one
  ``进度`` sheet per quarter: the report's status table (``kxplan.report.build_context``)
  with the report's colours (``report.status_colours``). Frozen header, autofilter, column
  widths from the text (``kxplan.text.cell_width``: a CJK character is two).
- **Template** (``write_template``): a ``登记`` sheet with the Chinese header row, the unit
  filled in on every row, a drop-down of the plan's targets (``id title``, from a hidden
  ``目标列表`` sheet: a list typed into the validation itself is capped at 255 characters),
  dates validated to the plan year (or the quarter), amounts to whole numbers for whole
  targets, and a ``填写说明`` sheet explaining each column. Filled in, it imports as is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from kxplan.entry import FIELDS, Entry
from kxplan.messages import t
from kxplan.normalise import chinese_header
from kxplan.text import cell_width

if TYPE_CHECKING:
    from kxplan.plan import Plan, Target
    from kxplan.report import ReportContext

#: The columns of the 登记明细 sheet: those of ``export --all``.
EXPORT_FIELDS = (
    *FIELDS,
    "id",
    "recorded_at",
    "void_id",
    "void_reason",
    "void_by",
    "void_recorded_at",
)
TEMPLATE_ROWS = 300  # rows of a template with the unit filled in and validations on
MIN_WIDTH, MAX_WIDTH = 6, 60  # column widths, in character cells
_DATE_FORMAT = "yyyy-mm-dd"


def _workbook(stream: BinaryIO, created: datetime) -> Any:
    import xlsxwriter

    book = xlsxwriter.Workbook(
        stream,
        {
            "constant_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "default_date_format": _DATE_FORMAT,
        },
    )
    book.set_properties({"created": created, "title": "kxplan"})
    return book


class _Widths:
    """The widest text of each column, for widths right for Chinese text."""

    def __init__(self, headers: Sequence[str]) -> None:
        self.cells = [cell_width(text) for text in headers]

    def see(self, column: int, text: str) -> None:
        width = max((cell_width(line) for line in text.split("\n")), default=0)
        if width > self.cells[column]:
            self.cells[column] = width

    def apply(self, sheet: Any) -> None:
        for column, width in enumerate(self.cells):
            sheet.set_column(column, column, max(MIN_WIDTH, min(MAX_WIDTH, width + 2)))


# --- the export ----------------------------------------------------------------------------------


def export_xlsx(store: Any, plan: Plan, out: Path, *, today: date) -> int:
    """``export --format xlsx``: every entry and each quarter's progress up to ``today`` (the
    quarter holding it counted to that day), read in one snapshot, written atomically."""
    from kxplan.fsio import atomic_stream
    from kxplan.messages import get_language
    from kxplan.progress import clamp, quarter_of
    from kxplan.report import build_context, load_report_data, report_as_of

    day = clamp(today, plan.year)
    contexts = []
    with store.read_snapshot():
        for quarter in range(1, quarter_of(day) + 1):
            as_of = report_as_of(plan.year, quarter, day)
            contexts.append(build_context(load_report_data(store, plan, quarter, as_of), day))
        entries = store.iter_entries(plan.year, include_voided=True)
        created = datetime(day.year, day.month, day.day)
        with atomic_stream(out) as stream:
            return write_export(
                stream, plan, entries, contexts, created=created, chinese=get_language() == "zh"
            )


def export_headers(chinese: bool) -> list[str]:
    """The 登记明细 sheet's header row: Chinese names, or the CSV's English ones."""
    return [chinese_header(field) if chinese else field for field in EXPORT_FIELDS]


def write_export(
    stream: BinaryIO,
    plan: Plan,
    entries: Iterable[Entry],
    quarters: Sequence[ReportContext],
    *,
    created: datetime,
    chinese: bool = True,
) -> int:
    """The XLSX export: 登记明细 and one 进度 sheet per quarter. Returns the entries written."""
    book = _workbook(stream, created)
    bold = book.add_format({"bold": True, "bg_color": "#eaeef2", "border": 1, "valign": "top"})
    day = book.add_format({"num_format": _DATE_FORMAT, "valign": "top"})
    text = book.add_format({"valign": "top", "text_wrap": True})
    plain = book.add_format({"valign": "top"})
    void_base = {"font_color": "#6e7781", "font_strikeout": True, "valign": "top"}
    void_text = book.add_format({**void_base, "text_wrap": True})
    void_day = book.add_format({**void_base, "num_format": _DATE_FORMAT})
    void_plain = book.add_format(void_base)

    sheet = book.add_worksheet(t("xlsx.sheet_entries"))
    headers = export_headers(chinese)
    widths = _Widths(headers)
    sheet.write_row(0, 0, headers, bold)
    sheet.freeze_panes(1, 0)
    aliases = plan.aliases()
    count = 0
    for count, entry in enumerate(entries, start=1):
        void = entry.void
        fmt_text, fmt_day, fmt_plain = (
            (void_text, void_day, void_plain) if void else (text, day, plain)
        )
        values: list[Any] = [
            aliases.get(entry.target, entry.target),
            entry.date,
            entry.amount,
            entry.item,
            entry.note,
            entry.unit,
            entry.by,
            entry.evidence,
            entry.id,
            entry.recorded_at,
            void.id if void else None,
            void.reason if void else None,
            void.by if void else None,
            void.recorded_at if void else None,
        ]
        for column, value in enumerate(values):
            if value is None:
                continue
            if isinstance(value, date):
                sheet.write_datetime(
                    count, column, datetime(value.year, value.month, value.day), fmt_day
                )
                widths.see(column, "2019-07-04")
            elif isinstance(value, Decimal | int):
                sheet.write_number(count, column, float(value), fmt_plain)
                widths.see(column, str(value))
            else:
                sheet.write_string(count, column, value, fmt_text)
                widths.see(column, value)
    sheet.autofilter(0, 0, max(count, 1), len(headers) - 1)
    widths.apply(sheet)
    colours = _status_formats(book)
    for context in quarters:
        _progress_sheet(book, context, bold, colours)
    book.close()
    return count


def _status_formats(book: Any) -> dict[str, Any]:
    from kxplan.report import status_colours

    return {
        status: book.add_format({"bg_color": background, "font_color": ink, "bold": True})
        for status, (background, ink) in status_colours().items()
    }


_PROGRESS_COLUMNS = (
    "xlsx.col.section",
    "xlsx.col.point",
    "xlsx.col.target",
    "xlsx.col.title",
    "xlsx.col.goal",
    "xlsx.col.quarter",
    "xlsx.col.cumulative",
    "xlsx.col.percent",
    "xlsx.col.expected",
    "xlsx.col.last_entry",
    "xlsx.col.status",
)


def _number(text: str) -> float | None:
    """A report figure (``4698``, ``47.0%``) as a number, or None when it is not one."""
    value = text.strip().replace(",", "")
    scale = 1
    if value.endswith("%"):
        value, scale = value[:-1], 100
    try:
        number = Decimal(value)
    except InvalidOperation:
        return None
    return float(number / scale) if number.is_finite() else None


def _progress_sheet(book: Any, context: ReportContext, bold: Any, colours: dict[str, Any]) -> None:
    """One quarter's status table, as in the report: a row per target, coloured by status."""
    sheet = book.add_worksheet(
        t("xlsx.sheet_progress", quarter=f"{context.year}Q{context.quarter}")
    )
    percent = book.add_format({"num_format": "0.0%"})
    number = book.add_format({"num_format": "#,##0.###"})
    headers = [t(key) for key in _PROGRESS_COLUMNS]
    widths = _Widths(headers)
    title = t("xlsx.progress_title", heading=context.heading, as_of=context.as_of)
    sheet.write_string(0, 0, title, book.add_format({"bold": True, "font_size": 12}))
    sheet.write_row(1, 0, headers, bold)
    sheet.freeze_panes(2, 0)
    line = 1
    for section in context.sections:
        for point in section.points:
            for target in [*point.counts, *point.milestones, *point.activities]:
                line += 1
                quarter = (
                    target.quarter_amount if target.kind == "count" else str(target.quarter_entries)
                )
                last = target.done_on or target.last_entry
                cells: list[tuple[str, Any]] = [
                    (section.heading, None),
                    (f"{point.number}. {point.title}", None),
                    (target.id, None),
                    (target.title, None),
                    (target.goal_text, None),
                    (quarter, number),
                    (target.cumulative, number),
                    (target.percent, percent),
                    (target.expected, number),
                    (last, None),
                ]
                for column, (value, fmt) in enumerate(cells):
                    figure = _number(value) if fmt is not None and value else None
                    if figure is not None:
                        sheet.write_number(line, column, figure, fmt)
                    elif value:
                        sheet.write_string(line, column, value)
                    widths.see(column, value)
                status = len(cells)
                sheet.write_string(line, status, target.status_label, colours.get(target.status))
                widths.see(status, target.status_label)
    sheet.autofilter(1, 0, max(line, 2), len(headers) - 1)
    widths.apply(sheet)
    sheet.set_column(0, 0, min(widths.cells[0] + 2, 24))  # section titles are long: fold them


# --- the template --------------------------------------------------------------------------------

#: The template's columns: the fields an office fills in, under their Chinese names.
TEMPLATE_FIELDS = FIELDS


def whole_target(target: Target) -> bool:
    """Whether a count target takes whole amounts only (the plan's ``decimals``, 0 by default)."""
    return target.decimals == 0


def target_choice(target: Target) -> str:
    """A target as the template's drop-down offers it: ``id title`` (the import reads both)."""
    return f"{target.id} {' '.join(target.title.split())}"


@dataclass(frozen=True)
class TemplateSpec:
    """What a template is for: the unit it is filled in for and the dates it accepts."""

    unit: str  # as written in the unit column
    unit_label: str  # as shown to people (``秀洲区科协（xiuzhou）``)
    first: date
    last: date
    period: str  # 2019年 / 2019年第三季度
    rows: int = TEMPLATE_ROWS


def template_unit(plan: Plan, text: str) -> tuple[str, str]:
    """The unit a template is filled in for: ``(as written in the unit column, as shown)``.

    The one place ``template --unit`` is decided: through the plan's unit resolver (an id,
    name or alias of one of its ``units:``; anything else is refused naming the nearest),
    or, for a plan without units, the text itself, cleaned as ``record --unit`` cleans it.
    """
    from kxplan.entry import clean_text
    from kxplan.errors import InputError
    from kxplan.units import label

    value, problem = clean_text("unit", text)
    if problem is not None:
        raise InputError(problem)
    if value is None:
        raise InputError(t("template.unit_required"))
    resolver = plan.unit_resolver()
    if resolver.free:
        return value, value
    unit = resolver.find(value)
    if unit is None:
        raise InputError(resolver.unknown(value))
    return unit.name, label(unit)


def template_spec(plan: Plan, unit: str, quarter: str | None) -> TemplateSpec:
    """What ``kxplan template --unit … [--quarter …]`` asks for, checked."""
    from kxplan.errors import InputError
    from kxplan.progress import parse_quarter, quarter_bounds

    written, shown = template_unit(plan, unit)
    if quarter is None:
        first, last = date(plan.year, 1, 1), date(plan.year, 12, 31)
        return TemplateSpec(written, shown, first, last, t("template.year", year=plan.year))
    parsed = parse_quarter(quarter, plan.year)
    if parsed is None:
        raise InputError(t("log.bad_quarter", value=quarter, year=plan.year))
    if parsed[0] != plan.year:
        raise InputError(t("log.quarter_year", value=quarter, year=plan.year))
    first, last = quarter_bounds(*parsed)
    from kxplan.report import quarter_name

    period = quarter_name(plan.year, parsed[1])
    return TemplateSpec(written, shown, first, last, period)


def write_template_csv(stream: BinaryIO, spec: TemplateSpec, rows: int = 50) -> None:
    """The CSV template: the Chinese header row, then rows with only the unit filled in."""
    import csv
    import io

    from kxplan.csvio import neutralise

    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow([chinese_header(field) for field in TEMPLATE_FIELDS])
    unit_at = TEMPLATE_FIELDS.index("unit")
    blank = [""] * len(TEMPLATE_FIELDS)
    blank[unit_at] = neutralise(spec.unit)  # as export does: a spreadsheet never runs it
    writer.writerows([blank] * rows)
    text.flush()
    text.detach()


def write_template(stream: BinaryIO, plan: Plan, spec: TemplateSpec, *, created: datetime) -> None:
    """The fill-in workbook of one office (see the module docstring)."""
    book = _workbook(stream, created)
    bold = book.add_format({"bold": True, "bg_color": "#eaeef2", "border": 1, "locked": True})
    day = book.add_format({"num_format": _DATE_FORMAT})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    targets = list(plan.targets())
    headers = [chinese_header(field) for field in TEMPLATE_FIELDS]
    column = {field: index for index, field in enumerate(TEMPLATE_FIELDS)}
    last_row = spec.rows  # 0-based index of the last filled-in row

    sheet = book.add_worksheet(t("xlsx.sheet_template"))
    sheet.write_row(0, 0, headers, bold)
    sheet.freeze_panes(1, 0)
    widths = _Widths(headers)
    for row in range(1, last_row + 1):
        sheet.write_blank(row, column["date"], None, day)
        sheet.write_string(row, column["unit"], spec.unit)
    widths.see(column["unit"], spec.unit)
    widths.see(column["date"], "2019-07-04")
    for choice in map(target_choice, targets):
        widths.see(column["target"], choice)
    widths.see(column["note"], "x" * 30)
    widths.see(column["item"], "x" * 24)
    widths.apply(sheet)

    lists = t("xlsx.sheet_lists")
    source = f"='{lists}'!$A$2:$A${len(targets) + 1}"
    sheet.data_validation(
        1,
        column["target"],
        last_row,
        column["target"],
        {
            "validate": "list",
            "source": source,
            "input_title": t("xlsx.tpl.target_title"),
            "input_message": t("xlsx.tpl.target_input"),
            "error_title": t("xlsx.tpl.target_title"),
            "error_message": t("xlsx.tpl.target_error"),
        },
    )
    sheet.data_validation(
        1,
        column["date"],
        last_row,
        column["date"],
        {
            "validate": "date",
            "criteria": "between",
            "minimum": datetime(spec.first.year, spec.first.month, spec.first.day),
            "maximum": datetime(spec.last.year, spec.last.month, spec.last.day),
            "input_title": t("xlsx.tpl.date_title"),
            "input_message": t("xlsx.tpl.date_input", first=spec.first, last=spec.last),
            "error_title": t("xlsx.tpl.date_title"),
            "error_message": t("xlsx.tpl.date_error", first=spec.first, last=spec.last),
        },
    )
    counts = [target for target in targets if target.kind == "count"]
    amount: dict[str, Any] = {
        "input_title": t("xlsx.tpl.amount_title"),
        "input_message": t("xlsx.tpl.amount_input"),
        "error_title": t("xlsx.tpl.amount_title"),
    }
    if all(whole_target(target) for target in counts):
        amount |= {"validate": "integer", "criteria": ">", "value": 0}
        amount["error_message"] = t("xlsx.tpl.amount_whole")
    else:  # whole only for whole targets: the 整数 flag of the row's target in 目标列表
        a, c = "A2", "C2"  # relative: Excel moves them down the range
        flags = f"'{lists}'!$A$2:$F${len(targets) + 1}"
        amount |= {
            "validate": "custom",
            "value": f"=AND(ISNUMBER({c}),{c}>0,OR(IFERROR(VLOOKUP({a},{flags},6,FALSE),0)=0,{c}=INT({c})))",
        }
        amount["error_message"] = t("xlsx.tpl.amount_mixed")
    sheet.data_validation(1, column["amount"], last_row, column["amount"], amount)

    _instructions(book, bold, wrap, spec, len(targets))
    _target_list(book, bold, lists, targets)
    book.close()


def _instructions(book: Any, bold: Any, wrap: Any, spec: TemplateSpec, count: int) -> None:
    """The 填写说明 sheet: what each column takes, then how the file comes back."""
    sheet = book.add_worksheet(t("xlsx.sheet_instructions"))
    sheet.write_string(
        0,
        0,
        t("xlsx.tpl.heading", unit=spec.unit_label, period=spec.period),
        book.add_format({"bold": True, "font_size": 13}),
    )
    sheet.write_row(
        2, 0, [t("xlsx.tpl.col_name"), t("xlsx.tpl.col_required"), t("xlsx.tpl.col_help")], bold
    )
    rows = [
        ("target", True, t("xlsx.tpl.help_target", count=count)),
        ("date", True, t("xlsx.tpl.help_date", first=spec.first, last=spec.last)),
        ("amount", False, t("xlsx.tpl.help_amount")),
        ("item", False, t("xlsx.tpl.help_item")),
        ("note", False, t("xlsx.tpl.help_note")),
        ("unit", True, t("xlsx.tpl.help_unit", unit=spec.unit)),
        ("by", False, t("xlsx.tpl.help_by")),
        ("evidence", False, t("xlsx.tpl.help_evidence")),
    ]
    for line, (field, required, help_text) in enumerate(rows, start=3):
        sheet.write_string(line, 0, chinese_header(field))
        sheet.write_string(line, 1, t("xlsx.tpl.yes") if required else t("xlsx.tpl.no"))
        sheet.write_string(line, 2, help_text, wrap)
    notes = [t(key) for key in ("xlsx.tpl.note_rows", "xlsx.tpl.note_save", "xlsx.tpl.note_import")]
    for line, note in enumerate(notes, start=len(rows) + 4):
        sheet.write_string(line, 0, note)
    sheet.set_column(0, 0, 12)
    sheet.set_column(1, 1, 8)
    sheet.set_column(2, 2, 90)


def _target_list(book: Any, bold: Any, name: str, targets: Sequence[Target]) -> None:
    """The hidden sheet the drop-down reads: ``id title``, then id, title, kind, unit, 整数."""
    sheet = book.add_worksheet(name)
    keys = ("xlsx.list.choice", "xlsx.list.id", "xlsx.list.title", "xlsx.list.kind")
    sheet.write_row(0, 0, [t(key) for key in (*keys, "xlsx.list.unit", "xlsx.list.whole")], bold)
    for row, target in enumerate(targets, start=1):
        sheet.write_string(row, 0, target_choice(target))
        sheet.write_string(row, 1, target.id)
        sheet.write_string(row, 2, target.title)
        sheet.write_string(row, 3, t(f"show.kind.{target.kind}"))
        if target.unit:
            sheet.write_string(row, 4, target.unit)
        whole = target.kind == "count" and whole_target(target)
        sheet.write_number(row, 5, 1 if whole else 0)
    sheet.set_column(0, 0, 50)
    sheet.hide()
