"""Entry and Void value objects, the daily totals progress reads, and entry validation.

Amounts are exact Decimals (stored as integer thousandths). ``DailyTotal`` is what the store
aggregates in SQL — one row per (target, date) of non-voided entries — so progress and reports
never need every entry in Python.

Validation is pure and shared by ``record``, ``import`` and ``add``: ``Validator.check``
returns every problem of one entry (fava-style errors as values), ``validate`` raises the
first. Rules that need what is already recorded (an item counted twice, a milestone done
twice) are checked by the store inside its write transaction, with the messages built here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from kxplan.errors import InputError
from kxplan.messages import t
from kxplan.normalise import halfwidth, parse_date, plain_amount
from kxplan.numbers import decimal_json, exact_decimal, format_number, within_places
from kxplan.text import CONTROL_RE as _NOTE_CONTROL_RE
from kxplan.text import NOT_UTF8_RE, comparable
from kxplan.text import ONE_LINE_CONTROL_RE as _CONTROL_RE

if TYPE_CHECKING:
    from kxplan.plan import Plan, Target


@dataclass(frozen=True)
class Void:
    """A correction: the entry it voids, why, who, and when it was written (UTC)."""

    id: int
    entry_id: int
    reason: str
    by: str
    recorded_at: str


@dataclass(frozen=True)
class Entry:
    """One recorded piece of progress. Never updated or deleted; voided by a ``Void``."""

    id: int
    plan_year: int
    target: str
    date: date
    amount: Decimal | None
    item: str | None
    note: str | None
    unit: str | None
    by: str
    evidence: str | None
    recorded_at: str
    void: Void | None = None


@dataclass(frozen=True, slots=True)
class DailyTotal:
    """The sum and count of a target's non-voided entries dated on one day."""

    target: str
    date: date
    amount: Decimal
    count: int


@dataclass(frozen=True, slots=True)
class UnitTotal:
    """The sum and count of one unit's non-voided entries for a target on one day.

    ``unit`` is the unit as stored (an id, or older free text); ``kxplan.units`` maps it.
    """

    unit: str
    target: str
    date: date
    amount: Decimal
    count: int

    def daily(self) -> DailyTotal:
        """The same figures as a ``DailyTotal`` of the target (for progress arithmetic)."""
        return DailyTotal(self.target, self.date, self.amount, self.count)


@dataclass
class ImportState:
    """What an import checks its rows against besides the staged rows, loaded once per import.

    ``done`` maps a target with a non-voided entry without an amount to (entry id, date) —
    used for milestones. Target ids are as stored. Import keys and counted items are looked
    up from the staged rows in SQL (``kxplan.store.staging``), never held in memory.
    """

    done: dict[str, tuple[int, str]] = field(default_factory=dict)
    by_hand: bool = False
    """Whether the year has live entries made outside imports (``record``, ``add``): only then
    does an import look each new row up to report the ones that repeat such an entry."""


def timestamp(moment: datetime | None = None) -> str:
    """A UTC timestamp as entries and voids keep it in ``recorded_at``: ``YYYY-MM-DDTHH:MM:SS.ffffffZ``."""
    moment = moment or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# --- validation (shared by `record`, `import` and interactive `add`) ------------------------

FIELDS = ("target", "date", "amount", "item", "note", "unit", "by", "evidence")
"""The fields of an entry as a person gives them (CLI options, CSV columns)."""

TEXT_LIMITS = {"item": 200, "note": 2000, "unit": 100, "by": 100, "evidence": 500}
"""The longest text, in characters, each free-text field accepts."""

REASON_LIMIT = 500
MAX_AMOUNT = Decimal(1_000_000_000)
"""The largest amount: a million such entries still sum inside SQLite's 64-bit integers."""

_AMOUNT_RE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
# Control characters (kxplan.text): _CONTROL_RE for one-line fields, _NOTE_CONTROL_RE for notes.
_THOUSAND = Decimal(1000)
_CACHE_LIMIT = 4096


@dataclass(frozen=True, slots=True)
class Draft:
    """A validated entry not yet written: the current target id, kind and clean fields.

    ``written_target`` is the id as given (it differs from ``target`` when an old id from
    ``renamed_from`` was used). ``by`` is None when the person did not say who recorded.
    """

    target: str
    kind: str
    date: date
    amount: Decimal | None
    item: str | None = None
    note: str | None = None
    unit: str | None = None
    by: str | None = None
    evidence: str | None = None
    written_target: str = ""

    @property
    def amount_milli(self) -> int | None:
        """The amount in exact integer thousandths, as stored."""
        return None if self.amount is None else int(self.amount * _THOUSAND)


class RowProblem(NamedTuple):
    """One bad row of an input file; ``place`` is where in it (``12``, ``Sheet!B12``)."""

    file: str
    line: int
    message: str
    place: str = ""

    def __str__(self) -> str:
        return f"{self.file}:{self.place or self.line}: {self.message}"


def amount_from_milli(milli: int | None) -> Decimal | None:
    """A stored amount (integer thousandths) as an exact Decimal without trailing zeros."""
    return None if milli is None else Decimal(milli) / _THOUSAND


def validate(plan: Plan, fields: Mapping[str, str | None], today: date) -> Draft:
    """Validate one entry's fields against the plan; raise ``InputError`` with the first problem."""
    return Validator(plan, today).draft(fields)


def clean_text(
    name: str, value: str | None, limit: int | None = None
) -> tuple[str | None, str | None]:
    """Strip a free-text value: ``(text or None, problem or None)``; newlines only in a note."""
    if value is None:
        return None, None
    text = value.strip()
    if not text:
        return None, None
    if NOT_UTF8_RE.search(text):
        return None, t("entry.not_utf8", field=name)
    if name == "note":
        text = text.replace("\r\n", "\n")
        if _NOTE_CONTROL_RE.search(text):
            return None, t("entry.control_chars", field=name)
    elif _CONTROL_RE.search(text):
        return None, t("entry.control_chars", field=name)
    cap = limit if limit is not None else TEXT_LIMITS.get(name, REASON_LIMIT)
    if len(text) > cap:
        return None, t("entry.too_long", field=name, length=len(text), limit=cap)
    return text, None


def clean_reason(value: str | None) -> str:
    """A void reason: required, one line, capped; raise ``InputError`` otherwise."""
    text, problem = clean_text("reason", value, REASON_LIMIT)
    if problem:
        raise InputError(problem)
    if text is None:
        raise InputError(t("void.reason_required"))
    return text


class Checked(NamedTuple):
    """A valid row from ``Validator.row``: the fields as stored, before any database rule.

    ``unit`` is what is stored (the canonical unit id when the plan has units);
    ``written_unit`` the unit as written, cleaned — the import key is computed from it, so a
    file imported before the plan had units is still recognised when imported again.
    """

    target: Target
    written_target: str
    date: date
    iso_date: str
    amount_milli: int | None
    item: str | None
    note: str | None
    unit: str | None
    by: str | None
    evidence: str | None
    written_unit: str | None = None


_ParsedDate = tuple[date, str] | str
"""A date and its ISO text, or the problem with the text (``Validator`` caches both)."""


class Validator:
    """Validates entry fields against one plan.

    The plan lookups (ids, old ids, kinds) are computed once, and dates, amounts and units
    are cached by their text, so validating a million imported rows costs little more than
    reading them. ``row`` is the one implementation of the rules; ``check`` and ``draft``
    wrap it for a single entry. A unit goes through the plan's unit resolver
    (``kxplan.units``): with units, the canonical id is kept and anything else refused.
    """

    def __init__(self, plan: Plan, today: date, *, date_required: bool = False) -> None:
        self.plan = plan
        self.today = today
        self.date_required = date_required
        self.year = plan.year
        self.targets: dict[str, Target] = {}
        for target in plan.targets():
            self.targets[target.id] = target
        for old, new in plan.aliases().items():
            self.targets.setdefault(old, self.targets[new])
        # ids as typed on a Chinese keyboard (full-width) or pasted (zero-width spaces)
        self._comparable_ids = {comparable(name): name for name in self.targets}
        self._dates: dict[str, _ParsedDate] = {}
        self._amounts: dict[tuple[str, int, str], int | _Problem | None] = {}
        self.units = plan.unit_resolver()
        self._units: dict[str, tuple[str | None, str | None]] = {}

    # single fields -------------------------------------------------------------------------
    def target(self, value: str | None) -> tuple[Target | None, str | None]:
        """The target for an id (current or old): ``(target, None)`` or ``(None, problem)``."""
        text = (value or "").strip()
        if not text:
            return None, t("entry.target_required")
        found = self.targets.get(text) or self.targets.get(self._id_like(text))
        if found is not None:
            return found, None
        loose = self._loose_target(text)
        if isinstance(loose, str):
            return None, loose
        return loose[0], None

    def _loose_target(self, text: str) -> tuple[Target, str] | str:
        """``(target, id as written)`` for an id typed in full-width letters, or written
        ``id title`` as a template's drop-down gives it; else the problem."""
        plain = halfwidth(text)
        found = self.targets.get(plain)
        if found is not None:
            return found, plain
        head, _, rest = plain.partition(" ")
        found = self.targets.get(head)
        if found is not None and rest:
            if " ".join(rest.split()) == " ".join(found.title.split()):
                return found, head
            return t("entry.target_title_mismatch", value=text, target=found.id)
        return self.unknown_target(text)

    def _id_like(self, text: str) -> str:
        """The plan's id that ``text`` is under ``comparable`` (or ``text`` when none is)."""
        return self._comparable_ids.get(comparable(text), text)

    def unknown_target(self, text: str) -> str:
        """The message for an unknown id, suggesting the nearest current ids."""
        import difflib  # only needed for a mistake; keeps `record` start-up lean

        current = sorted(target.id for target in self.plan.targets())
        hints = difflib.get_close_matches(text, current, n=3, cutoff=0.6)
        if not hints:
            lowered = text.lower()
            hints = [i for i in current if lowered and (lowered in i or i in lowered)][:3]
        if hints:
            quoted = t("entry.or").join(f'"{hint}"' for hint in hints)
            return t("entry.unknown_target_hint", target=text, hints=quoted)
        return t("entry.unknown_target", target=text)

    def date(self, value: str | None) -> date | str:
        """A date inside the plan year (today when empty, unless required), or a problem."""
        result = self._date(value or "")
        return result if isinstance(result, str) else result[0]

    def _date(self, text: str) -> _ParsedDate:
        cached = self._dates.get(text)
        if cached is not None:
            return cached
        result = self._parse_date(text.strip())
        if len(self._dates) < _CACHE_LIMIT:
            self._dates[text] = result
        return result

    def _parse_date(self, text: str) -> _ParsedDate:
        if not text:
            if self.date_required:
                return t("entry.date_required")
            if self.today.year != self.year:
                return t("entry.today_outside_year", today=self.today.isoformat(), year=self.year)
            return self.today, self.today.isoformat()
        day = parse_date(text)
        if isinstance(day, tuple):
            key, fields = day
            return t(key, **fields)
        if day.year != self.year:
            return t("entry.date_outside_year", value=text, year=self.year)
        if day > self.today:
            return t("entry.date_future", value=text, today=self.today.isoformat())
        return day, day.isoformat()

    def amount(self, target: Target, value: str | None) -> Decimal | str | None:
        """The amount a target of this kind takes (count: default 1), or a problem message."""
        result = self._amount(target, value or "")
        return result if isinstance(result, str) else amount_from_milli(result)

    def _amount(self, target: Target, text: str) -> int | str | None:
        key = (target.kind, target.decimals, text)
        try:
            result = self._amounts[key]
        except KeyError:
            result = _parse_amount(target.kind, text.strip(), target.decimals)
            if len(self._amounts) < _CACHE_LIMIT:
                self._amounts[key] = result
        if isinstance(result, _Problem):
            return result.message(target)
        return result

    def unit(self, text: str) -> tuple[str | None, str | None]:
        """A clean unit text → ``(value to store, None)`` or ``(None, problem)`` (cached)."""
        cached = self._units.get(text)
        if cached is None:
            cached = self.units.resolve(text)
            if len(self._units) < _CACHE_LIMIT:
                self._units[text] = cached
        return cached

    # whole entries -------------------------------------------------------------------------
    def row(
        self,
        target: str,
        day: str,
        amount: str,
        item: str,
        note: str,
        unit: str,
        by: str,
        evidence: str,
    ) -> Checked | list[tuple[str, str]]:
        """Validate one entry given as text (``""`` for absent): ``Checked`` or every problem
        as ``(field, message)``, so an import can point at the cell.

        This is the per-row hot path of ``import``: dictionary lookups and cached results,
        one regular-expression search per non-empty text.
        """
        problems: list[tuple[str, str]] = []
        found = self.targets.get(target)
        written = target
        if found is None:
            written = self._id_like(target.strip())
            found = self.targets.get(written)
            if found is None:
                if not written:
                    problems.append(("target", t("entry.target_required")))
                else:
                    loose = self._loose_target(written)
                    if isinstance(loose, str):
                        problems.append(("target", loose))
                    else:
                        found, written = loose
        when = self._dates.get(day) or self._date(day)
        if when.__class__ is str:
            problems.append(("date", when))
        milli = None
        if found is not None:
            milli = self._amount(found, amount)
            if milli.__class__ is str:
                problems.append(("amount", milli))
        bad_text = bad_unit = False
        texts = [item, note, unit, by, evidence]
        for index, (name, limit, control) in enumerate(_TEXT_CHECKS):
            text = texts[index]
            if text:
                text = text.strip()
                if "\r" in text:  # CRLF → LF; only a note may keep the LF
                    text = text.replace("\r\n", "\n")
                if len(text) > limit or control.search(text):
                    problems.append((name, _text_problem(name, text)))
                    bad_text = True
                    bad_unit = bad_unit or name == "unit"
                texts[index] = text
        item, note, unit, by, evidence = texts
        written_unit = unit
        stored_unit: str | None = unit
        if unit and not bad_unit:
            stored_unit, unit_problem = self.unit(unit)
            if unit_problem is not None:
                problems.append(("unit", unit_problem))
        if found is not None and found.kind == "activity" and not note and not bad_text:
            problems.append(("note", t("entry.note_required", target=found.id)))
        if problems:
            return problems
        assert found is not None and not isinstance(when, str) and not isinstance(milli, str)
        day_value, iso = when
        return Checked(
            found,
            written,
            day_value,
            iso,
            milli,
            item or None,
            note or None,
            stored_unit or None,
            by or None,
            evidence or None,
            written_unit or None,
        )

    def check(self, fields: Mapping[str, str | None]) -> tuple[Draft | None, list[str]]:
        """Validate every field: ``(draft, [])`` or ``(None, all problems)``."""
        result = self.row(*[fields.get(name) or "" for name in FIELDS])
        if isinstance(result, list):
            return None, [message for _, message in result]
        return draft_from(result), []

    def draft(self, fields: Mapping[str, str | None]) -> Draft:
        """Validate every field; raise ``InputError`` with the first problem."""
        draft, problems = self.check(fields)
        if problems or draft is None:
            raise InputError(problems[0] if problems else t("entry.target_required"))
        return draft


def draft_from(checked: Checked) -> Draft:
    """The ``Draft`` of a checked row."""
    return Draft(
        target=checked.target.id,
        kind=checked.target.kind,
        date=checked.date,
        amount=amount_from_milli(checked.amount_milli),
        item=checked.item,
        note=checked.note,
        unit=checked.unit,
        by=checked.by,
        evidence=checked.evidence,
        written_target=checked.written_target,
    )


_ITEM_LIMIT = TEXT_LIMITS["item"]
_NOTE_LIMIT = TEXT_LIMITS["note"]
_UNIT_LIMIT = TEXT_LIMITS["unit"]
_BY_LIMIT = TEXT_LIMITS["by"]
_EVIDENCE_LIMIT = TEXT_LIMITS["evidence"]
# The free-text fields in ``row``'s order: name, longest text, the characters it refuses.
_TEXT_CHECKS = (
    ("item", _ITEM_LIMIT, _CONTROL_RE),
    ("note", _NOTE_LIMIT, _NOTE_CONTROL_RE),
    ("unit", _UNIT_LIMIT, _CONTROL_RE),
    ("by", _BY_LIMIT, _CONTROL_RE),
    ("evidence", _EVIDENCE_LIMIT, _CONTROL_RE),
)


def _text_problem(name: str, text: str) -> str:
    return clean_text(name, text)[1] or t("entry.control_chars", field=name)


class _Problem(NamedTuple):
    """A cached problem: its message key and fields, formatted only when it is reported.

    The amount cache is keyed by (kind, decimals, text), not by target, so a message that
    names the target (``per_target``) gets the id and unit of the target it is reported for.
    """

    key: str
    fields: dict[str, object]
    per_target: bool = False

    def message(self, target: Target) -> str:
        """The message in the current language, naming ``target`` when it should."""
        if self.per_target:
            return t(self.key, **self.fields, target=target.id, unit=target.unit or "")
        return t(self.key, **self.fields)


def _parse_amount(kind: str, text: str, decimals: int = 0) -> int | _Problem | None:
    """An amount in thousandths for a kind (None: no amount), or the problem with it.

    A count's amount has at most ``decimals`` decimal places (the target's; 0 — a whole number
    — unless the plan says ``decimals: N``): 12.5 people are refused, naming the target and
    its unit. This is the one check ``record``, ``add`` and ``import`` all go through.
    """
    if kind != "count":
        if text:
            return _Problem(f"entry.amount_not_for_{kind}", {"value": text}, per_target=True)
        return None
    if not text:
        return 1000
    plain = plain_amount(text)
    if plain is None:
        return _Problem("entry.amount_separator", {"value": text})
    if not _AMOUNT_RE.fullmatch(plain):
        lowered = text.lower().lstrip("+-")
        if lowered in ("nan", "inf", "infinity", "snan"):
            return _Problem("entry.amount_not_finite", {"value": text})
        return _Problem("entry.amount_not_number", {"value": text})
    number = exact_decimal(plain)  # an absurd exponent is refused before any arithmetic
    if not isinstance(number, Decimal):
        # 1e-2000000 has more decimal places than any target allows; 1e9999999999 is too large
        number = Decimal(1).scaleb(-decimals - 1) if number == -1 else MAX_AMOUNT + 1
    if number <= 0:
        return _Problem("entry.amount_not_positive", {"value": text})
    if number > MAX_AMOUNT:
        return _Problem(
            "entry.amount_too_large", {"value": text, "limit": format_number(MAX_AMOUNT)}
        )
    if not within_places(number, decimals):
        if decimals == 0:
            return _Problem("entry.amount_whole", {"value": text}, per_target=True)
        return _Problem("entry.amount_places", {"value": text, "places": decimals}, per_target=True)
    return int(number * _THOUSAND)


# --- rules that need what is already recorded ------------------------------------------------


MAX_TARGET_TOTAL = Decimal(10) ** 15
"""The most one target may add up to: its sum in thousandths stays inside 64-bit integers
(2⁶³ ≈ 9.2 × 10¹⁸), so no total, summary or report can overflow after a commit."""


def total_too_large_problem(target: str, total: Decimal) -> str:
    """The message refusing an entry (or row) that would take a target's total past the limit."""
    return t(
        "entry.total_too_large",
        target=target,
        total=format_number(total),
        limit=format_number(MAX_TARGET_TOTAL),
    )


def duplicate_item_problem(draft: Draft, earlier_id: int) -> str:
    """The message refusing an item already counted for this target in entry ``earlier_id``."""
    return t("entry.duplicate_item", target=draft.target, item=draft.item, id=earlier_id)


def milestone_done_problem(draft: Draft, earlier_id: int, earlier_date: str) -> str:
    """The message refusing a second done-record for a milestone."""
    return t("entry.milestone_done", target=draft.target, id=earlier_id, date=earlier_date)


def repeat_problem(draft: Draft, earlier_id: int) -> str:
    """The message refusing an exact repeat of live entry ``earlier_id`` (``record --again``)."""
    return t("entry.repeat", id=earlier_id, target=draft.target, date=draft.date.isoformat())


def entry_dict(entry: Entry, aliases: Mapping[str, str] | None = None) -> dict[str, Any]:
    """An entry as JSON-ready data (the ``log --json`` and ``export --format json`` shape).

    ``aliases`` maps old target ids to current ones, so entries show under today's ids.
    """
    void = entry.void
    return {
        "id": entry.id,
        "target": aliases.get(entry.target, entry.target) if aliases else entry.target,
        "date": entry.date.isoformat(),
        "amount": decimal_json(entry.amount),
        "item": entry.item,
        "note": entry.note,
        "unit": entry.unit,
        "by": entry.by,
        "evidence": entry.evidence,
        "recorded_at": entry.recorded_at,
        "void": None
        if void is None
        else {"id": void.id, "reason": void.reason, "by": void.by, "recorded_at": void.recorded_at},
    }
