"""The quarterly progress report (季度工作进展报告): load, build a context, render templates.

The flow, one direction (hledger's lib/command split):

1. ``load_report_data(store, plan, quarter, as_of, known_at)`` runs every store query inside
   one read snapshot: the per-day totals (aggregated in SQL), at most ``ENTRY_CAP`` entries
   of the quarter per target, and the voids that count as corrections. Nothing else is read,
   so a report over a million entries holds a few thousand rows in memory.
2. ``build_context(data, report_date)`` is pure: it turns the data and the progress summary
   into a ``ReportContext`` of display-ready strings (numbers formatted, user text cleaned,
   chart geometry computed), in the current interface language (``kxplan.messages``).
3. ``render(context, fmt, templates_dir)`` renders ``report.md.j2`` or ``report.html.j2``
   through Jinja2 and returns the text. It never prints and never reads the clock.

Rules
-----
- **Entries listed (本季度进展)**: per work point, the first ``ENTRY_CAP`` (20) non-voided
  entries dated in the quarter up to ``as_of``, in (date, id) order, then "… and K more"
  where K comes from the SQL totals. Each target is queried with ``limit=ENTRY_CAP``, so the
  point's first 20 are always among the rows read.
- **Corrections (更正记录)**: voids recorded after the end (23:59:59.999999 UTC) of the
  quarter before the reported one, and not after ``known_at`` when given, whose voided
  entry is dated on or before ``as_of``. No report history is stored, so "since the
  previous report" means "since the previous quarter ended"; a void made in the first days
  of a quarter, before that quarter's report was sent, may appear in two consecutive
  reports. The rule depends only on recorded times relative to fixed dates, so re-running
  the demo (all voids recorded "now") selects the same voids every time.
- **Known-at**: ``known_at`` (UTC, ``YYYY-MM-DDTHH:MM:SS.ffffffZ``) hides entries and voids
  recorded after it; it is shown in local time to the minute (the report is read by people;
  ``TZ`` is part of the environment cron fixes), or as "everything recorded". No recorded-at
  time of any entry or void is ever printed, so the output depends only on the plan, the
  data's content, the options and the time zone.
- **User text** (items, notes, units, names, reasons, evidence) is cleaned before any
  template sees it (``kxplan.text.display_text``): control characters and bidirectional
  overrides are removed, tabs become spaces, and anything longer than ``TEXT_LIMIT``
  characters is cut with "…". Templates then escape it (HTML autoescape; the ``md_cell`` /
  ``md_text`` filters for Markdown). Evidence becomes a link only when it is an
  ``http``/``https`` URL (``EntryRow.evidence_url``).
- **Autoescape** is on for every template except those named ``*.md.j2``, ``*.css.j2`` and
  ``*.txt.j2`` (an allow-list): a user's override or partial with any other name is escaped.
- **Units (各单位进展)**, for a plan with ``units:``: every unit with its allocated targets
  judged as ``status --by-unit`` judges them (``progress.by_unit``), worst first and ranked
  1, 2, … (most behind first), then the units without allocations; and each unit's
  non-voided entries dated in the quarter up to ``as_of`` (stored spellings mapped to the
  unit). The units with none are named: that is the first thing a director chases.
- **A unit's report** (``unit=``): the plan as the unit carries it (``progress.unit_summary``:
  its allocations as goals, its entries only), its own entries of the quarter under each
  point, then its entries under targets not allocated to it (listed, not judged), the
  corrections of its own entries; no 各单位进展 and no next-quarter milestones (the city's).

Template context (every variable the templates use)
----------------------------------------------------
Top-level variables (fields of ``ReportContext``):

- ``lang``: interface language of the labels, ``zh`` or ``en``.
- ``sample``: True when the database holds sample data (``kxplan import --sample``): the
  templates then show ``labels.sample_banner`` at the top and ``labels.sample_title`` in the
  page title.
- ``html_lang``: the HTML ``lang`` attribute (``zh-CN`` or ``en``).
- ``labels``: every label in the interface language, keyed by the catalogue key without
  the ``report.`` prefix and with dots as underscores (``labels.col_goal``); also the
  status words as ``labels.status_<key>``.
- ``title``: the plan title. ``org``: the organisation. ``year``: the plan year.
- ``quarter``: 1–4. ``quarter_id``: ``2019-Q2``. ``quarter_name``: ``2019年第二季度`` / ``Q2 2019``.
- ``heading``: the report title line (plan title · quarter).
- ``quarter_start``, ``quarter_end``, ``as_of``: ISO dates. ``report_date``: the ISO date the
  report was made (``SOURCE_DATE_EPOCH``, else today), not ``as_of``.
- ``known_at``: the known-at timestamp (UTC) as given, or ``""``. ``known_at_text``: it in
  local time to the minute (``2019-07-05 17:00``, ``text.local_time``), or the
  words for "everything recorded".
- ``status_counts``: list of ``StatusCount``, one per status that occurs, worst first (red,
  yellow, green, then grey: ``progress.STATUSES``).
- ``colour_counts``: list of ``ColourCount``, one per colour (red, yellow, green, grey), zeros
  included; red and yellow count exactly the targets listed in ``warnings``.
- ``total_targets``: the number of targets.
- ``goals``: list of ``TargetRow`` — every count target, in plan order.
- ``sections``: list of ``SectionRow`` in plan order.
- ``next_quarter_name``: the next quarter's name, or ``""`` after Q4.
- ``next_milestones``: list of ``TargetRow`` — milestones due in the next quarter.
- ``warnings``: list of ``TargetRow`` — 三色预警: every red target (missed, at risk, overdue),
  then every yellow one (behind, idle), each group in plan order (``Summary.warnings``).
- ``corrections``: list of ``CorrectionRow`` in (entry date, entry id) order.
- ``corrections_note``: one sentence stating the corrections rule for this report.
- ``entry_cap``: the most entries listed per point.
- ``plan_file``: the plan's file name (no folder). ``plan_hash``: first 12 hex digits of
  its SHA-256. ``entries_used``: non-voided entries dated up to ``as_of`` behind the figures.
- ``file_stem``: the report's file name without extension: ``2019-Q2``, or ``2019-Q2.xiuzhou``
  for a unit's report.
- ``unit_name``: the unit whose report this is (its name), or ``""`` for the plan's report.
- ``unit_targets``: list of ``UnitTarget`` — the allocated targets, the columns of 各单位进展
  (empty for a plan without units and in a unit's report).
- ``unit_rows``: list of ``UnitRow`` — every unit of the plan, worst first (see Rules).
- ``units_note``: the sentence saying how units are judged. ``units_idle``: the sentence
  naming the units with no entry this quarter (or saying that every unit has one).
- ``other_entries``: list of ``EntryRow`` — in a unit's report, its entries of the quarter
  under targets not allocated to it (at most ``entry_cap``); ``other_more`` those not listed,
  ``other_more_text`` saying so (``""`` when 0).

``StatusCount``: ``key``, ``label``, ``colour``, ``count``.

``ColourCount``: ``colour``, ``label`` (红 / red …), ``count``.

``SectionRow``: ``number``, ``heading`` (numbered title), ``title``, ``status``,
``status_label``, ``colour``, ``points`` (list of ``PointRow``).

``PointRow``: ``number``, ``title``, ``owner`` (``""`` when none), ``owner_text``,
``status``, ``status_label``, ``colour``, ``counts`` / ``milestones`` / ``activities``
(lists of ``TargetRow`` by kind), ``entries`` (list of ``EntryRow``), ``more`` (entries of
the quarter not listed), ``more_text`` (``""`` when ``more`` is 0).

``TargetRow``: ``id``, ``kind`` (count/milestone/activity), ``title``, ``status``,
``status_label``, ``colour`` (red/yellow/green/grey), ``goal_text`` (``10家以上``, a due
phrase, or "ongoing"), ``goal``, ``unit``, ``quarter_amount``, ``cumulative``, ``percent``
(``60.0%``), ``expected``, ``expected_percent`` — count figures as strings, ``""`` for other
kinds — ``quarter_entries`` (entries dated in the quarter), ``last_entry``, ``due``,
``done_on`` (ISO dates or ``""``), ``bar`` (``Bar`` or None), ``chart`` (``BurnUp`` or None).

``Bar`` (a progress bar on a 0–100 scale): ``fill`` (done share), ``expected`` (where the
expected-pace mark sits), ``label`` (``60.0%``).

``BurnUp`` (an SVG chart of cumulative amounts by quarter): ``width``, ``height``,
``plot_left``, ``plot_right``, ``plot_top``, ``plot_bottom``, ``goal_y``, ``actual_points``
and ``expected_points`` (SVG ``points`` strings), ``dots`` (list of ``ChartDot``),
``x_labels`` and ``y_labels`` (lists of ``AxisLabel``), ``title``.

``ChartDot``: ``x``, ``y``, ``label``. ``AxisLabel``: ``x``, ``y``, ``text``.

``EntryRow``: ``id``, ``date``, ``target_id``, ``target_title``, ``text`` (item and note),
``unit``, ``amount``, ``by``, ``evidence`` (cleaned text), ``evidence_url`` (the same text
when it is an http/https URL, else ``""``).

``CorrectionRow``: ``void_id``, ``entry_id``, ``entry_date``, ``target_id``,
``target_title``, ``text``, ``unit``, ``amount``, ``reason``, ``by``.

``UnitTarget``: ``id``, ``title``, ``unit`` (家, 名 …), ``heading`` (title with the unit).

``UnitRow``: ``id``, ``name``, ``kind_label``, ``rank`` (1 = most behind; 0 without
allocations), ``status``, ``status_label``, ``colour`` (``""`` without allocations),
``cells`` (one ``UnitCell`` or None per ``unit_targets`` entry), ``quarter_entries``.

``UnitCell``: ``allocation``, ``actual``, ``percent`` (``40.0%``), ``expected`` (the unit's
share of expected pace, at the target's precision), ``status``, ``status_label``, ``colour``,
``bar`` (``Bar``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol
from urllib.parse import urlsplit

from kxplan.errors import InputError
from kxplan.messages import CATALOG, get_language, t
from kxplan.numbers import format_number, format_places, percent, round1
from kxplan.progress import (
    COLOURS,
    STATUSES,
    Summary,
    TargetProgress,
    UnitProgress,
    by_unit,
    parse_day,
    quarter_bounds,
    summarise,
    unit_summary,
)
from kxplan.text import chinese_numeral, display_text, goal_text, local_time, section_heading

if TYPE_CHECKING:
    from jinja2 import Environment

    from kxplan.entry import DailyTotal, Entry, UnitTotal, Void
    from kxplan.plan import Plan, Unit

ENTRY_CAP = 20  # entries listed per work point under 本季度进展
TEXT_LIMIT = 300  # characters of one user string shown in a report
FORMATS = ("md", "html")
TEMPLATE_NAMES = {"md": "report.md.j2", "html": "report.html.j2"}
PACKAGE_TEMPLATES = Path(__file__).parent / "templates"

_HUNDRED = Decimal(100)


# --- store protocol (what the report reads) --------------------------------------------------


class ReportStore(Protocol):
    """The part of ``kxplan.store.Store`` a report uses."""

    def read_snapshot(self) -> AbstractContextManager[Any]: ...

    def daily_totals(
        self, year: int, *, as_of: date | None = None, known_at: str | None = None
    ) -> list[DailyTotal]: ...

    def entries(
        self,
        year: int,
        *,
        targets: Iterable[str] | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        units: Iterable[str] | None = None,
        known_at: str | None = None,
        limit: int | None = None,
    ) -> list[Entry]: ...

    def units(self, year: int) -> list[str]: ...

    def unit_counts(
        self,
        year: int,
        *,
        date_from: date | None = None,
        date_to: date | None = None,
        known_at: str | None = None,
    ) -> list[tuple[str, int]]: ...

    def unit_totals(
        self,
        year: int,
        *,
        as_of: date | None = None,
        known_at: str | None = None,
        targets: Iterable[str] | None = None,
        units: Iterable[str] | None = None,
    ) -> list[UnitTotal]: ...

    def voids(
        self,
        year: int,
        *,
        recorded_after: str | None = None,
        recorded_until: str | None = None,
    ) -> list[tuple[Void, Entry]]: ...

    def is_sample(self) -> bool: ...


@dataclass(frozen=True)
class ReportData:
    """Everything a report needs from the store, read in one snapshot."""

    plan: Plan
    quarter: int
    as_of: date
    known_at: str | None
    summary: Summary
    totals: list[DailyTotal]
    entries: dict[str, list[Entry]]  # target id → its first ENTRY_CAP entries of the quarter
    corrections: list[tuple[Void, Entry]]
    entry_cap: int = ENTRY_CAP
    sample: bool = False  # the database holds sample data (``import --sample``)
    units: list[UnitProgress] = field(default_factory=list)
    """Every unit, worst first (``progress.by_unit``); empty without units or for one unit."""
    unit_entries: dict[str, int] = field(default_factory=dict)
    """Unit id → its non-voided entries dated in the quarter up to ``as_of``."""
    unit: Unit | None = None
    """The unit whose report this is, or None for the plan's report."""
    other_entries: list[Entry] = field(default_factory=list)
    """A unit's report: its first ``entry_cap`` entries of the quarter under other targets."""
    other_count: int = 0
    """A unit's report: how many entries of the quarter it has under other targets."""


# --- times ----------------------------------------------------------------------------------------


_TIMESTAMP_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ].+")


def end_of_day(day: date) -> str:
    """The last microsecond of a day as a store timestamp (UTC)."""
    return f"{day.isoformat()}T23:59:59.999999Z"


def parse_known_at(text: str) -> str:
    """``--known-at``: an ISO 8601 timestamp (naive = UTC) or a date (its end) → store form.

    The date is always written ``YYYY-MM-DD`` (``parse_day``): ``datetime.fromisoformat``
    alone would read ``20190705`` as the start of that day, not its end.
    """
    value = text.strip()
    day = parse_day(value)
    if day is not None:
        return end_of_day(day)
    try:
        if not _TIMESTAMP_RE.fullmatch(value):
            raise ValueError(value)
        moment = datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        raise InputError(t("report.bad_known_at", value=text)) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        utc = moment.astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:59-12:00 is in the year 10000 in UTC
        raise InputError(t("report.known_at_range", value=text)) from None
    # isoformat, not strftime: %Y drops the leading zeros of a year before 1000 on glibc
    return utc.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def show_timestamp(stamp: str) -> str:
    """A store timestamp for people: microseconds dropped when zero."""
    return stamp.replace(".000000Z", "Z")


def report_as_of(year: int, quarter: int, today: date, given: date | None = None) -> date:
    """The as-of date: ``given`` (inside the quarter), else the quarter's end or today if sooner."""
    start, end = quarter_bounds(year, quarter)
    name = quarter_id(year, quarter)
    if given is not None:
        if not start <= given <= end:
            raise InputError(
                t("report.as_of_outside", as_of=given, quarter=name, start=start, end=end)
            )
        return given
    if today < start:
        raise InputError(t("report.not_started", quarter=name, start=start, today=today))
    return min(end, today)


def quarter_id(year: int, quarter: int) -> str:
    """``2019-Q2``: the report's file stem."""
    return f"{year}-Q{quarter}"


# --- loading -------------------------------------------------------------------------------------


def load_report_data(
    store: ReportStore,
    plan: Plan,
    quarter: int,
    as_of: date,
    known_at: str | None = None,
    entry_cap: int = ENTRY_CAP,
    unit: str | None = None,
) -> ReportData:
    """Read totals, the quarter's listed entries and the corrections in one read snapshot.

    With ``unit`` (a unit id of the plan), the data of that unit's report instead
    (``load_unit_report_data``).
    """
    if unit is not None:
        return load_unit_report_data(store, plan, quarter, as_of, unit, known_at, entry_cap)
    year = plan.year
    start, _ = quarter_bounds(year, quarter)
    since = end_of_day(start - timedelta(days=1))
    entries: dict[str, list[Entry]] = {}
    units: list[UnitProgress] = []
    unit_entries: dict[str, int] = {}
    with store.read_snapshot():
        if plan.units:
            allocated = [i for target in plan.allocated_targets() for i in target.ids]
            per_unit = (
                store.unit_totals(year, as_of=as_of, known_at=known_at, targets=allocated)
                if allocated
                else []
            )
            units = by_unit(plan, per_unit, as_of)
            del per_unit  # freed before the next aggregate is read: a lower peak at 100k+
            counted = store.unit_counts(year, date_from=start, date_to=as_of, known_at=known_at)
            unit_entries = _per_unit(plan, counted)
        totals = store.daily_totals(year, as_of=as_of, known_at=known_at)
        for target in plan.targets():
            entries[target.id] = store.entries(
                year,
                targets=target.ids,
                date_from=start,
                date_to=as_of,
                known_at=known_at,
                limit=entry_cap,
            )
        voids = store.voids(year, recorded_after=since, recorded_until=known_at)
        sample = store.is_sample()
    corrections = sorted(
        ((void, entry) for void, entry in voids if entry.date <= as_of),
        key=lambda pair: (pair[1].date, pair[1].id, pair[0].id),
    )
    return ReportData(
        plan=plan,
        quarter=quarter,
        as_of=as_of,
        known_at=known_at,
        summary=summarise(plan, totals, as_of),
        totals=totals,
        entries=entries,
        corrections=corrections,
        entry_cap=entry_cap,
        units=units,
        unit_entries=unit_entries,
        sample=sample,
    )


def load_unit_report_data(
    store: ReportStore,
    plan: Plan,
    quarter: int,
    as_of: date,
    unit_id: str,
    known_at: str | None = None,
    entry_cap: int = ENTRY_CAP,
) -> ReportData:
    """One unit's report, read in one snapshot: its totals under every spelling it is stored
    as, its entries of the quarter (per allocated target, and under the other targets), and the
    corrections of its entries. ``unit_id`` must be a unit of the plan."""
    unit = plan.unit(unit_id)
    if unit is None:
        raise ValueError(f"{unit_id} is not a unit of the plan")
    year = plan.year
    start, _ = quarter_bounds(year, quarter)
    since = end_of_day(start - timedelta(days=1))
    mine = plan.for_unit(unit_id)
    entries: dict[str, list[Entry]] = {}
    with store.read_snapshot():
        spellings = plan.unit_resolver().matching(unit_id, store.units(year))
        own = (
            store.unit_totals(year, as_of=as_of, known_at=known_at, units=spellings)
            if spellings
            else []
        )
        allocated = {target.id for target in mine.targets()}
        aliases = plan.aliases()
        other_ids: list[str] = []
        other_count = 0
        for total in own:
            current = aliases.get(total.target, total.target)
            if current not in allocated and start <= total.date <= as_of:
                other_count += total.count
                if total.target not in other_ids:
                    other_ids.append(total.target)
        options: dict[str, Any] = {"date_from": start, "date_to": as_of, "known_at": known_at}
        for target in mine.targets():
            entries[target.id] = (
                store.entries(year, targets=target.ids, units=spellings, limit=entry_cap, **options)
                if spellings
                else []
            )
        others = (
            store.entries(year, targets=other_ids, units=spellings, limit=entry_cap, **options)
            if other_ids
            else []
        )
        voids = store.voids(year, recorded_after=since, recorded_until=known_at)
        sample = store.is_sample()
    corrections = sorted(
        (
            (void, entry)
            for void, entry in voids
            if entry.date <= as_of and entry.unit is not None and entry.unit in spellings
        ),
        key=lambda pair: (pair[1].date, pair[1].id, pair[0].id),
    )
    return ReportData(
        plan=plan,
        quarter=quarter,
        as_of=as_of,
        known_at=known_at,
        summary=unit_summary(plan, unit_id, own, as_of),
        totals=[
            total.daily() for total in own if aliases.get(total.target, total.target) in allocated
        ],
        entries=entries,
        corrections=corrections,
        entry_cap=entry_cap,
        unit=unit,
        other_entries=others,
        other_count=other_count,
        sample=sample,
    )


def _per_unit(plan: Plan, counted: Iterable[tuple[str, int]]) -> dict[str, int]:
    """Stored unit texts and their counts → unit id and count (spellings of one unit summed)."""
    resolver = plan.unit_resolver()
    result: dict[str, int] = {}
    for text, count in counted:
        unit_id = resolver.canonical(text)
        if unit_id is not None:
            result[unit_id] = result.get(unit_id, 0) + count
    return result


# --- the context -----------------------------------------------------------------------------------


# The display rows are NamedTuples: immutable like frozen dataclasses, and far cheaper to
# define — each frozen dataclass generates its methods with ``exec`` at import, ~1 ms of every
# report's start-up. StatusCount and ColourCount stay dataclasses: a field named ``count``
# would shadow ``tuple.count``.


class Bar(NamedTuple):
    """A progress bar on a 0–100 scale."""

    fill: str
    expected: str
    label: str


class ChartDot(NamedTuple):
    """A marked point of the burn-up line."""

    x: str
    y: str
    label: str


class AxisLabel(NamedTuple):
    """A tick label of the burn-up chart."""

    x: str
    y: str
    text: str


class BurnUp(NamedTuple):
    """Geometry of a per-target burn-up chart (cumulative by quarter vs goal and pace)."""

    width: int
    height: int
    plot_left: str
    plot_right: str
    plot_top: str
    plot_bottom: str
    goal_y: str
    actual_points: str
    expected_points: str
    dots: list[ChartDot]
    x_labels: list[AxisLabel]
    y_labels: list[AxisLabel]
    title: str


class TargetRow(NamedTuple):
    """One target, ready to display."""

    id: str
    kind: str
    title: str
    status: str
    status_label: str
    colour: str
    goal_text: str
    goal: str = ""
    unit: str = ""
    quarter_amount: str = ""
    cumulative: str = ""
    percent: str = ""
    expected: str = ""
    expected_percent: str = ""
    quarter_entries: int = 0
    last_entry: str = ""
    due: str = ""
    done_on: str = ""
    bar: Bar | None = None
    chart: BurnUp | None = None


class EntryRow(NamedTuple):
    """One entry of the quarter, ready to display."""

    id: int
    date: str
    target_id: str
    target_title: str
    text: str
    unit: str
    amount: str
    by: str
    evidence: str
    evidence_url: str


class CorrectionRow(NamedTuple):
    """One voided entry and why."""

    void_id: int
    entry_id: int
    entry_date: str
    target_id: str
    target_title: str
    text: str
    unit: str
    amount: str
    reason: str
    by: str


class PointRow(NamedTuple):
    """A work point with its targets and its entries of the quarter."""

    number: int
    title: str
    owner: str
    owner_text: str
    status: str
    status_label: str
    colour: str
    counts: list[TargetRow]
    milestones: list[TargetRow]
    activities: list[TargetRow]
    entries: list[EntryRow]
    more: int
    more_text: str


class SectionRow(NamedTuple):
    """A section with its points."""

    number: int
    heading: str
    title: str
    status: str
    status_label: str
    colour: str
    points: list[PointRow]


@dataclass(frozen=True)
class StatusCount:
    """How many targets have one status."""

    key: str
    label: str
    colour: str
    count: int


@dataclass(frozen=True)
class ColourCount:
    """How many targets have one colour of the three-colour view (grey: not yet due)."""

    colour: str
    label: str
    count: int


class UnitTarget(NamedTuple):
    """An allocated target: a column of 各单位进展."""

    id: str
    title: str
    unit: str
    heading: str


class UnitCell(NamedTuple):
    """One unit's figures for one allocated target, judged against its allocation."""

    allocation: str
    actual: str
    percent: str
    expected: str
    status: str
    status_label: str
    colour: str
    bar: Bar


class UnitRow(NamedTuple):
    """One unit of 各单位进展: its rank, its cells, its status, its entries this quarter."""

    id: str
    name: str
    kind_label: str
    rank: int
    status: str
    status_label: str
    colour: str
    cells: list[UnitCell | None]
    quarter_entries: int


@dataclass(frozen=True)
class ReportContext:
    """Every variable the report templates use (documented in the module docstring)."""

    lang: str
    html_lang: str
    labels: dict[str, str]
    sample: bool
    title: str
    org: str
    year: int
    quarter: int
    quarter_id: str
    quarter_name: str
    heading: str
    quarter_start: str
    quarter_end: str
    as_of: str
    report_date: str
    known_at: str
    known_at_text: str
    status_counts: list[StatusCount]
    colour_counts: list[ColourCount]
    total_targets: int
    goals: list[TargetRow]
    sections: list[SectionRow]
    next_quarter_name: str
    next_milestones: list[TargetRow]
    warnings: list[TargetRow]
    corrections: list[CorrectionRow]
    corrections_note: str
    entry_cap: int
    plan_file: str
    plan_hash: str
    entries_used: int
    file_stem: str = ""
    unit_name: str = ""
    unit_targets: list[UnitTarget] = field(default_factory=list)
    unit_rows: list[UnitRow] = field(default_factory=list)
    units_note: str = ""
    units_idle: str = ""
    other_entries: list[EntryRow] = field(default_factory=list)
    other_more: int = 0
    other_more_text: str = ""

    def variables(self) -> dict[str, Any]:
        """The top-level template variables."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


#: the context classes whose fields the module docstring documents
CONTEXT_CLASSES = (
    ReportContext,
    StatusCount,
    ColourCount,
    SectionRow,
    PointRow,
    TargetRow,
    Bar,
    BurnUp,
    ChartDot,
    AxisLabel,
    EntryRow,
    CorrectionRow,
    UnitTarget,
    UnitRow,
    UnitCell,
)


def build_context(data: ReportData, report_date: date) -> ReportContext:
    """The display-ready context of one report, in the current interface language.

    ``report_date`` is the day the report was made (``SOURCE_DATE_EPOCH``, else today), not
    its as-of day: a report cut on 1 July says 报告日期 2019-07-01, 统计截至 2019-06-30.
    """
    plan, summary, quarter = data.plan, data.summary, data.quarter
    year = plan.year
    start, end = quarter_bounds(year, quarter)
    lang = get_language()
    aliases = plan.aliases()
    quarter_count: dict[str, int] = {}
    quarter_amount: dict[str, Decimal] = {}
    entries_used = 0
    for total in data.totals:
        target_id = aliases.get(total.target, total.target)
        if plan.target(target_id) is None or total.date > data.as_of:
            continue
        entries_used += total.count
        if start <= total.date:
            quarter_count[target_id] = quarter_count.get(target_id, 0) + total.count
            quarter_amount[target_id] = quarter_amount.get(target_id, Decimal(0)) + total.amount

    rows: dict[str, TargetRow] = {}
    for progress in summary.targets():
        target_id = progress.target.id
        rows[target_id] = _target_row(
            progress,
            data.as_of,
            quarter_count.get(target_id, 0),
            quarter_amount.get(target_id, Decimal(0)),
        )

    sections = []
    for section_progress in summary.sections:
        points = []
        for point_progress in section_progress.points:
            targets = [rows[tp.target.id] for tp in point_progress.targets]
            listed = sorted(
                (
                    entry
                    for tp in point_progress.targets
                    for entry in data.entries.get(tp.target.id, [])
                ),
                key=lambda entry: (entry.date, entry.id),
            )[: data.entry_cap]
            in_quarter = sum(row.quarter_entries for row in targets)
            more = max(in_quarter - len(listed), 0)
            point = point_progress.point
            points.append(
                PointRow(
                    number=point.number,
                    title=point.title,
                    owner=point.owner or "",
                    owner_text=t("report.owner", owner=point.owner) if point.owner else "",
                    status=point_progress.status,
                    status_label=status_label(point_progress.status),
                    colour=COLOURS[point_progress.status],
                    counts=[row for row in targets if row.kind == "count"],
                    milestones=[row for row in targets if row.kind == "milestone"],
                    activities=[row for row in targets if row.kind == "activity"],
                    entries=[_entry_row(entry, plan, aliases) for entry in listed],
                    more=more,
                    more_text=t("report.more", count=more) if more else "",
                )
            )
        section = section_progress.section
        sections.append(
            SectionRow(
                number=section.number,
                heading=section_heading(section.number, section.title),
                title=section.title,
                status=section_progress.status,
                status_label=status_label(section_progress.status),
                colour=COLOURS[section_progress.status],
                points=points,
            )
        )

    ordered = [rows[tp.target.id] for tp in summary.targets()]
    warnings = [rows[tp.target.id] for tp in summary.warnings()]
    next_name = ""
    next_milestones: list[TargetRow] = []
    if quarter < 4 and data.unit is None:
        next_start, next_end = quarter_bounds(year, quarter + 1)
        next_name = quarter_name(year, quarter + 1)
        next_milestones = sorted(
            (
                rows[target.id]
                for target in plan.targets()
                if target.kind == "milestone"
                and target.due is not None
                and next_start <= target.due <= next_end
            ),
            key=lambda row: (row.due, row.id),
        )
    previous = quarter_name(year, quarter - 1) if quarter > 1 else quarter_name(year - 1, 4)
    name = quarter_name(year, quarter)
    if data.unit is None:
        heading = t("report.heading", plan_title=plan.title, quarter=name)
        stem = quarter_id(year, quarter)
    else:
        heading = t("report.heading_unit", plan_title=plan.title, unit=data.unit.name, quarter=name)
        stem = f"{quarter_id(year, quarter)}.{data.unit.id}"
    unit_targets, unit_rows = _unit_matrix(plan, data)
    idle = [row.name for row in unit_rows if row.quarter_entries == 0]
    units_idle = ""
    if unit_rows:
        units_idle = (
            t("report.units_idle", units=t("report.units_sep").join(idle))
            if idle
            else t("report.units_all_entered")
        )
    other_listed = [_entry_row(entry, plan, aliases) for entry in data.other_entries]
    other_more = max(data.other_count - len(other_listed), 0)
    return ReportContext(
        lang=lang,
        html_lang="zh-CN" if lang == "zh" else "en",
        labels=labels(unit=data.unit is not None),
        sample=data.sample,
        title=plan.title,
        org=plan.org,
        year=year,
        quarter=quarter,
        quarter_id=quarter_id(year, quarter),
        quarter_name=name,
        heading=heading,
        quarter_start=start.isoformat(),
        quarter_end=end.isoformat(),
        as_of=data.as_of.isoformat(),
        report_date=report_date.isoformat(),
        known_at=show_timestamp(data.known_at) if data.known_at else "",
        known_at_text=local_time(data.known_at) if data.known_at else t("report.known_at_all"),
        status_counts=[
            StatusCount(key, status_label(key), COLOURS[key], summary.counts[key])
            for key in STATUSES
            if summary.counts.get(key)
        ],
        colour_counts=[
            ColourCount(colour, t(f"report.colour_{colour}"), number)
            for colour, number in summary.colour_counts().items()
        ],
        total_targets=len(ordered),
        goals=[row for row in ordered if row.kind == "count"],
        sections=sections,
        next_quarter_name=next_name,
        next_milestones=next_milestones,
        warnings=warnings,
        corrections=[
            _correction_row(void, entry, plan, aliases) for void, entry in data.corrections
        ],
        corrections_note=t("report.corrections_note", quarter=previous, as_of=data.as_of),
        entry_cap=data.entry_cap,
        plan_file=Path(plan.path).name if plan.path else "",
        plan_hash=plan.digest[:12],
        entries_used=entries_used,
        file_stem=stem,
        unit_name=data.unit.name if data.unit is not None else "",
        unit_targets=unit_targets,
        unit_rows=unit_rows,
        units_note=t("report.units_note") if unit_rows else "",
        units_idle=units_idle,
        other_entries=other_listed,
        other_more=other_more,
        other_more_text=t("report.more", count=other_more) if other_more else "",
    )


def _unit_matrix(plan: Plan, data: ReportData) -> tuple[list[UnitTarget], list[UnitRow]]:
    """各单位进展: the allocated targets (columns) and every unit (rows), worst first."""
    if not data.units:
        return [], []
    targets = plan.allocated_targets()
    columns = [
        UnitTarget(
            id=target.id,
            title=target.title,
            unit=target.unit or "",
            heading=t("report.unit_target", title=target.title, unit=target.unit or ""),
        )
        for target in targets
    ]
    rows = []
    rank = 0
    for progress in data.units:
        mine = {item.target.id: item for item in progress.targets}
        if progress.status is not None:
            rank += 1
        rows.append(
            UnitRow(
                id=progress.unit.id,
                name=progress.unit.name,
                kind_label=t(f"plan.unit_kind.{progress.unit.kind}"),
                rank=rank if progress.status is not None else 0,
                status=progress.status or "",
                status_label=status_label(progress.status) if progress.status else "",
                colour=COLOURS[progress.status] if progress.status else "",
                cells=[
                    _unit_cell(mine[target.id]) if target.id in mine else None for target in targets
                ],
                quarter_entries=data.unit_entries.get(progress.unit.id, 0),
            )
        )
    return columns, rows


def _unit_cell(progress: TargetProgress) -> UnitCell:
    """A unit's figures for one target (``progress.target`` has its allocation as goal)."""
    target = progress.target
    allocation = target.goal or Decimal(0)
    actual = progress.actual or Decimal(0)
    expected = progress.expected or Decimal(0)
    done = progress.percent if progress.percent is not None else percent(actual, allocation)
    return UnitCell(
        allocation=format_number(allocation),
        actual=format_number(actual),
        percent=f"{done}%",
        expected=format_places(expected, target.decimals),
        status=progress.status,
        status_label=status_label(progress.status),
        colour=COLOURS[progress.status],
        bar=Bar(
            fill=format_number(round1(_share(actual, allocation))),
            expected=format_number(round1(_share(expected, allocation))),
            label=f"{done}%",
        ),
    )


def labels(*, unit: bool = False) -> dict[str, str]:
    """Every report label in the current language, keyed without the ``report.`` prefix.

    In a unit's report the goal column is the unit's allocation, and says so.
    """
    result = {
        key.removeprefix("report.").replace(".", "_"): t(key)
        for key in sorted(CATALOG)
        if key.startswith("report.") and "{" not in CATALOG[key][0]
    }
    for status in STATUSES:
        result[f"status_{status}"] = status_label(status)
    if unit:
        result["col_goal"] = t("report.col_allocation")
    return result


_STATUS_CSS_RE = re.compile(
    r"\.s-([a-z_]+)\s*\{\s*--c:\s*(#[0-9a-fA-F]{3,6});\s*--fg:\s*(#[0-9a-fA-F]{3,6});"
)


def status_colours() -> dict[str, tuple[str, str]]:
    """Each status's background and text colour (``#rrggbb``) as the HTML report shows them.

    Read from the packaged stylesheet (``_style.css.j2``, ``.s-<status> { --c: …; --fg: … }``),
    their one definition, for outputs that are not HTML (the XLSX export's 进度 sheets).
    """
    css = (PACKAGE_TEMPLATES / "_style.css.j2").read_text(encoding="utf-8")

    def full(colour: str) -> str:
        digits = colour[1:]
        return "#" + ("".join(c * 2 for c in digits) if len(digits) == 3 else digits).lower()

    return {
        status: (full(background), full(text))
        for status, background, text in _STATUS_CSS_RE.findall(css)
    }


def status_label(status: str) -> str:
    """A status key in words (``已完成`` / ``done``)."""
    return t(f"status.{status}")


def quarter_name(year: int, quarter: int) -> str:
    """``2019年第二季度`` / ``Q2 2019``."""
    q = chinese_numeral(quarter) if get_language() == "zh" else str(quarter)
    return t("report.quarter_name", year=year, q=q)


def format_percent(value: Decimal) -> str:
    """A percentage rounded half up to one decimal: ``60.0%``."""
    return f"{round1(value)}%"


def _share(part: Decimal, whole: Decimal) -> Decimal:
    return min(max(part / whole, Decimal(0)), Decimal(1)) * _HUNDRED


def _target_row(
    progress: TargetProgress, as_of: date, quarter_entries: int, quarter_amount: Decimal
) -> TargetRow:
    target = progress.target
    common = TargetRow(
        id=target.id,
        kind=target.kind,
        title=target.title,
        status=progress.status,
        status_label=status_label(progress.status),
        colour=COLOURS[progress.status],
        goal_text=goal_text(target, "report.goal_count"),
        quarter_entries=quarter_entries,
        last_entry=progress.last_entry.isoformat() if progress.last_entry else "",
    )
    if target.kind == "milestone":
        return common._replace(
            due=target.due.isoformat() if target.due else "",
            done_on=progress.done_on.isoformat() if progress.done_on else "",
        )
    if target.kind != "count" or target.goal is None:
        return common
    goal = target.goal
    actual = progress.actual or Decimal(0)
    expected = progress.expected or Decimal(0)
    done = progress.percent if progress.percent is not None else percent(actual, goal)
    return common._replace(
        goal=format_number(goal),
        unit=target.unit or "",
        quarter_amount=format_number(quarter_amount),
        cumulative=format_number(actual),
        percent=f"{done}%",
        expected=format_places(expected, target.decimals),
        expected_percent=format_percent(expected / goal * _HUNDRED),
        bar=Bar(
            fill=format_number(round1(_share(actual, goal))),
            expected=format_number(round1(_share(expected, goal))),
            label=f"{done}%",
        ),
        chart=burn_up(progress, as_of),
    )


# --- the burn-up chart ------------------------------------------------------------------------

_CHART_W, _CHART_H = 300, 150
_LEFT, _RIGHT, _TOP, _BOTTOM = 44.0, 288.0, 14.0, 126.0


def _c(value: float) -> str:
    """An SVG coordinate with one decimal."""
    return f"{value:.1f}"


def burn_up(progress: TargetProgress, as_of: date) -> BurnUp | None:
    """The chart of a count target: cumulative by quarter (to ``as_of``), pace and goal."""
    target = progress.target
    if target.goal is None or not progress.expected_by_quarter:
        return None
    goal = target.goal
    year = as_of.year
    current = (as_of.month - 1) // 3 + 1
    start, end = quarter_bounds(year, current)
    fraction = Decimal((as_of - start).days + 1) / Decimal((end - start).days + 1)
    actual = progress.actual or Decimal(0)
    reached = [c for c in progress.cumulative if c is not None]
    top = max([goal, actual, *reached, *progress.expected_by_quarter]) * Decimal("1.1")
    step = (_RIGHT - _LEFT) / 4

    def x(position: Decimal | int) -> float:
        return _LEFT + float(position) * step

    def y(value: Decimal) -> float:
        return _BOTTOM - (_BOTTOM - _TOP) * float(value / top)

    actual_xy = [(x(0), y(Decimal(0)))]
    dots = []
    for quarter in range(1, current + 1):
        is_current = quarter == current
        position = Decimal(quarter - 1) + fraction if is_current else Decimal(quarter)
        value = actual if is_current else progress.cumulative[quarter - 1] or Decimal(0)
        point = (x(position), y(value))
        actual_xy.append(point)
        dots.append(ChartDot(_c(point[0]), _c(point[1]), format_number(value)))
    expected_xy = [(x(0), y(Decimal(0)))] + [
        (x(quarter), y(value)) for quarter, value in enumerate(progress.expected_by_quarter, 1)
    ]
    return BurnUp(
        width=_CHART_W,
        height=_CHART_H,
        plot_left=_c(_LEFT),
        plot_right=_c(_RIGHT),
        plot_top=_c(_TOP),
        plot_bottom=_c(_BOTTOM),
        goal_y=_c(y(goal)),
        actual_points=" ".join(f"{_c(px)},{_c(py)}" for px, py in actual_xy),
        expected_points=" ".join(f"{_c(px)},{_c(py)}" for px, py in expected_xy),
        dots=dots,
        x_labels=[
            AxisLabel(_c(x(q)), _c(_BOTTOM + 16), t("report.chart_quarter", q=q))
            for q in range(1, 5)
        ],
        y_labels=[
            AxisLabel(_c(_LEFT - 5), _c(y(Decimal(0)) + 4), "0"),
            AxisLabel(_c(_LEFT - 5), _c(y(goal) + 4), format_number(goal)),
        ],
        title=t("report.chart_title", title=target.title),
    )


# --- user text -------------------------------------------------------------------------------


def _clean(value: str | None) -> str:
    """Stored user text for a report: ``display_text`` cut at ``TEXT_LIMIT``."""
    return display_text(value, TEXT_LIMIT)


def safe_url(value: str) -> str:
    """``value`` when it is a plain http(s) URL with a host, else ``""``."""
    if not value or any(ch.isspace() or ord(ch) < 32 for ch in value) or len(value) > 2000:
        return ""
    try:
        parts = urlsplit(value)
    except ValueError:
        return ""
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return value
    return ""


def _entry_text(entry: Entry) -> str:
    item, note = _clean(entry.item), _clean(entry.note)
    if item and note:
        return _clean(item + t("text.item_note_sep") + note)
    return item or note


def _entry_row(entry: Entry, plan: Plan, aliases: dict[str, str]) -> EntryRow:
    target_id = aliases.get(entry.target, entry.target)
    target = plan.target(target_id)
    evidence = (entry.evidence or "").strip()
    url = safe_url(evidence)
    return EntryRow(
        id=entry.id,
        date=entry.date.isoformat(),
        target_id=target_id,
        target_title=target.title if target else target_id,
        text=_entry_text(entry),
        unit=_clean(plan.unit_resolver().name(entry.unit)),
        amount=format_number(entry.amount),
        by=_clean(entry.by),
        evidence=url or _clean(evidence),
        evidence_url=url,
    )


def _correction_row(void: Void, entry: Entry, plan: Plan, aliases: dict[str, str]) -> CorrectionRow:
    target_id = aliases.get(entry.target, entry.target)
    target = plan.target(target_id)
    return CorrectionRow(
        void_id=void.id,
        entry_id=entry.id,
        entry_date=entry.date.isoformat(),
        target_id=target_id,
        target_title=target.title if target else target_id,
        text=_entry_text(entry),
        unit=_clean(plan.unit_resolver().name(entry.unit)),
        amount=format_number(entry.amount),
        reason=_clean(void.reason),
        by=_clean(void.by),
    )


# --- rendering -------------------------------------------------------------------------------------


#: Template names rendered without autoescape: every other name is escaped (an allow-list, so
#: a user's partial named ``_row.j2`` or ``x.html`` is still escaped when HTML includes it).
UNESCAPED_SUFFIXES = (".md.j2", ".css.j2", ".txt.j2")


def autoescape_for(name: str | None) -> bool:
    """Whether a template is autoescaped: all are, except ``*.md.j2``, ``*.css.j2``, ``*.txt.j2``."""
    return name is None or not name.endswith(UNESCAPED_SUFFIXES)


_MD_ESCAPES = {
    "\\": "\\\\",
    "|": "\\|",
    "<": "&lt;",
    ">": "&gt;",
    "&": "&amp;",
    "[": "\\[",
    "]": "\\]",
    "`": "\\`",
    "*": "\\*",
    "_": "\\_",
}
_MD_SPECIAL = re.compile(r"[\\|<>&\[\]`*_]")


def md_text(value: object) -> str:
    """Inline Markdown text: markup characters escaped, line breaks as spaces (marked safe)."""
    from markupsafe import Markup

    text = _MD_SPECIAL.sub(lambda match: _MD_ESCAPES[match.group(0)], str(value))
    return Markup(" ".join(text.split("\n")).strip())


def md_cell(value: object) -> str:
    """A GFM table cell: ``|`` ``<`` ``>`` ``\\`` (and other markup) escaped, newlines as <br>."""
    from markupsafe import Markup

    text = _MD_SPECIAL.sub(lambda match: _MD_ESCAPES[match.group(0)], str(value))
    lines = [line.strip() for line in text.split("\n")]
    return Markup("<br>".join(line for line in lines if line) or " ")


def md_url(value: str) -> str:
    """A URL safe inside a Markdown link target (spaces, brackets, pipes percent-encoded)."""
    from markupsafe import Markup

    encoded = {" ": "%20", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E", "|": "%7C"}
    encoded |= {"[": "%5B", "]": "%5D", "\\": "%5C", "`": "%60", '"': "%22"}
    return Markup("".join(encoded.get(ch, ch) for ch in value))


def _finalize(eval_ctx: Any, value: object) -> object:
    """Every ``{{ … }}`` of an unescaped (Markdown) template: text is ``md_text``-escaped
    unless a filter already made it safe (``md_cell``, ``md_text``, ``md_url``, ``safe``).

    So a string reaches a Markdown report escaped whatever its source — the plan's file
    name, a label, a user's override template that forgot a filter. HTML templates are
    autoescaped instead and pass through unchanged.
    """
    from markupsafe import Markup

    if eval_ctx.autoescape or isinstance(value, Markup) or not isinstance(value, str):
        return value
    text = _MD_SPECIAL.sub(lambda match: _MD_ESCAPES[match.group(0)], value)
    return Markup(" ".join(text.split("\n")))  # spacing kept: labels such as ": " stay


def environment(templates_dir: Path | None = None) -> Environment:
    """The Jinja2 environment: user templates first, packaged ones as the default.

    Compiled templates are cached per user (``kxplan.template_cache``): keyed by each
    template's source and by these options, so a cached one is never stale.
    """
    import jinja2

    loaders: list[jinja2.BaseLoader] = []
    if templates_dir is not None:
        if not templates_dir.is_dir():
            raise InputError(t("report.templates_missing", path=str(templates_dir)))
        loaders.append(_checked_loader(templates_dir))
    loaders.append(jinja2.FileSystemLoader(str(PACKAGE_TEMPLATES)))
    from kxplan.template_cache import bytecode_cache

    options: dict[str, Any] = {
        "autoescape": autoescape_for,
        "undefined": jinja2.StrictUndefined,
        "keep_trailing_newline": True,
        "trim_blocks": True,
        "lstrip_blocks": True,
        # in the options, so the cache key changes with it: compiled code calls finalize
        "finalize": jinja2.pass_eval_context(_finalize),
    }
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        auto_reload=False,
        bytecode_cache=bytecode_cache(options),
        **options,
    )
    env.filters["md_cell"] = md_cell
    env.filters["md_text"] = md_text
    env.filters["md_url"] = md_url
    return env


MAX_TEMPLATE_BYTES = 1 << 20
"""The largest user template read (1 MiB; the packaged HTML template is 12 KiB)."""


def _checked_loader(folder: Path) -> Any:
    """A loader for a user's templates that reads only regular files of at most 1 MiB.

    A FIFO or device named like a template is never opened (it would block or never end);
    a template that is not UTF-8 is refused by name in ``render``.
    """
    import jinja2
    from jinja2.loaders import split_template_path

    from kxplan.paths import kind

    class Loader(jinja2.FileSystemLoader):
        def get_source(self, environment: Any, template: str) -> Any:
            path = folder.joinpath(*split_template_path(template))
            found = kind(path)
            if found == "special":
                raise InputError(t("report.template_not_regular", name=template, path=str(path)))
            if found == "file" and path.stat().st_size > MAX_TEMPLATE_BYTES:
                raise InputError(t("report.template_too_large", name=template, path=str(path)))
            return super().get_source(environment, template)

    return Loader(str(folder))


def render(context: ReportContext, fmt: str, templates_dir: Path | None = None) -> str:
    """The report text in ``fmt`` (``md`` or ``html``); ``InputError`` for a broken template."""
    return render_all(context, [fmt], templates_dir)[fmt]


def render_all(
    context: ReportContext, formats: Iterable[str], templates_dir: Path | None = None
) -> dict[str, str]:
    """Each format's report text (``render``), through one environment and one context."""
    env = environment(templates_dir)
    variables = context.variables()
    return {fmt: _render_one(env, TEMPLATE_NAMES[fmt], variables) for fmt in formats}


def _render_one(env: Environment, name: str, variables: dict[str, Any]) -> str:
    """One template rendered; every template failure becomes one ``InputError``."""
    import jinja2

    try:
        text = env.get_template(name).render(variables)
    except jinja2.TemplateSyntaxError as exc:
        raise InputError(
            t("report.template_error", name=exc.name or name, line=exc.lineno, message=exc.message)
        ) from None
    except jinja2.TemplateError as exc:
        raise InputError(
            t("report.template_error", name=name, line=_template_line(exc), message=exc.message)
        ) from None
    except UnicodeDecodeError as exc:
        raise InputError(
            t(
                "report.template_not_utf8",
                name=_template_name(exc, name),
                byte=f"0x{exc.object[exc.start]:02x}",
            )
        ) from None
    except RecursionError:
        raise InputError(t("report.template_loop", name=name)) from None
    except (ArithmeticError, LookupError, TypeError, ValueError, AttributeError) as exc:
        # a user's template computing something impossible ({{ 1 / 0 }}, {{ "x" + 1 }})
        raise InputError(
            t("report.template_error", name=name, line=_template_line(exc), message=str(exc))
        ) from None
    return text if text.endswith("\n") else text + "\n"


def _template_name(exc: BaseException, default: str) -> str:
    """The template file an error was raised while loading, when the traceback says so."""
    tb, found = exc.__traceback__, default
    while tb is not None:
        name = tb.tb_frame.f_locals.get("template")
        if isinstance(name, str) and name.endswith(".j2"):
            found = name
        tb = tb.tb_next
    return found


def _template_line(exc: BaseException) -> str:
    """The template line an error happened on (Jinja2 rewrites tracebacks), or ``?``."""
    line = "?"
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(".j2"):
            line = str(tb.tb_lineno)
        tb = tb.tb_next
    return line


def iter_formats(fmt: str) -> Iterator[str]:
    """``md``/``html`` → itself; ``all`` → both, in a fixed order."""
    yield from (FORMATS if fmt == "all" else (fmt,))
