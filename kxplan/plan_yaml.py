"""Reading a plan file's YAML into the plan model, collecting every problem (file:line:column).

The YAML is composed with a SafeLoader-family parser and never constructed into Python
objects, so tags cannot run code and alias bombs are refused before expansion; each scalar is
then typed by this module, which is where YAML 1.1 surprises are caught. ``kxplan.plan``
calls ``parse`` when its cache (``kxplan.plan_cache``) has no entry for the file's content;
this is the only module that imports PyYAML for the plan.
"""

from __future__ import annotations

import codecs
import dataclasses
import difflib
import functools
import hashlib
import re
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from kxplan.messages import t
from kxplan.numbers import format_number, within_places
from kxplan.plan import (
    DEFAULT_BEHIND,
    DEFAULT_ON_TRACK,
    GOAL_DECIMALS,
    ID_RE,
    KINDS,
    MAX_GOAL,
    MAX_TARGETS,
    MAX_YAML_EVENTS,
    TARGET_FIELDS,
    UNIT_ID_RE,
    UNIT_KINDS,
    UNIT_NAME_LIMIT,
    Allocation,
    Plan,
    Point,
    Problem,
    Section,
    Target,
    Unit,
)
from kxplan.text import CONTROL_RE, ONE_LINE_CONTROL_RE, comparable

if TYPE_CHECKING:
    from kxplan.units import UnitResolver

_YAML = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL, _TIMESTAMP = (
    _YAML + "str",
    _YAML + "int",
    _YAML + "float",
    _YAML + "bool",
    _YAML + "null",
    _YAML + "timestamp",
)
_MERGE, _VALUE = _YAML + "merge", _YAML + "value"
_PLAN_FIELDS = ("org", "title", "year", "lang", "thresholds", "units", "sections")
_UNIT_FIELDS = ("id", "name", "kind", "aliases")
_SECTION_FIELDS = ("number", "title", "points")
_POINT_FIELDS = ("number", "title", "text", "owner", "targets")
_KIND_FIELDS = {
    "count": {"goal", "unit", "decimals", "or_more", "schedule", "allocation"},
    "milestone": {"due"},
    "activity": set(),
}
_KIND_ONLY = {"goal", "unit", "decimals", "or_more", "schedule", "allocation", "due"}
_CONFLICT_RE = re.compile(r"^(<{7}|\|{7}|={7}|>{7})(?: |$)")
_LINE_BREAK_RE = re.compile(r"\r\n|\r|\n")
_INT_RE = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
_OCTAL_RE = re.compile(r"^[-+]?0[0-9]+$")
_NOT_FINITE_RE = re.compile(r"^[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN)$")
_NUMBER_RE = re.compile(r"^[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$")
_DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_GOAL_QUANTUM = Decimal(1).scaleb(-GOAL_DECIMALS)

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _SafeComposer(_Base):  # type: ignore[misc,valid-type]
    """The safe loader; only its parser and composer are used (nothing is constructed).

    The YAML 1.1 ``<<`` (merge) and ``=`` (value) resolvers are dropped so those plain
    scalars stay text instead of getting tags nobody wrote.
    """

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag not in (_MERGE, _VALUE)]
        for first, resolvers in _Base.yaml_implicit_resolvers.items()
    }


def parse(data: bytes, name: str) -> tuple[Plan | None, list[Problem]]:
    """Validate plan bytes read from ``name``: the plan (None when unusable) and all problems.

    Stages, each stopping the check when it finds anything: encoding; whole-line hazards
    (conflict markers, characters YAML refuses); YAML syntax; anchors and aliases. Only then
    is the document walked, and every content problem is reported at once.
    """
    body = data[len(codecs.BOM_UTF8) :] if data.startswith(codecs.BOM_UTF8) else data
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _position(body[: exc.start])
        byte = f"0x{body[exc.start]:02x}"
        return None, [Problem(name, line, column, t("pv.not_utf8", byte=byte))]
    problems = [Problem(name, *where) for where in _scan_lines(text)]
    if problems:
        return None, _sorted(problems)
    if all(
        not line.strip() or line.lstrip().startswith("#") for line in _LINE_BREAK_RE.split(text)
    ):
        return None, [Problem(name, 1, 1, t("pv.empty"))]
    try:
        refusals = _scan_events(text)
        refused = [Problem(name, r.line, r.column, r.message) for r in refusals]
        if any(r.node is None for r in refusals):
            # never compose or walk a document with aliases: that is how alias bombs explode
            return None, _sorted(refused)
        root = yaml.compose(text, Loader=_SafeComposer)
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_problem(exc, text, name)]
    except yaml.YAMLError as exc:  # pragma: no cover - libyaml always gives a position
        return None, [Problem(name, 1, 1, t("pv.yaml", problem=str(exc)))]
    if root is None or (isinstance(root, ScalarNode) and root.tag == _NULL):
        return None, [Problem(name, 1, 1, t("pv.empty"))]
    builder = _Builder(name, {(r.line, r.column, r.node) for r in refusals})
    builder.problems.extend(refused)
    plan = builder.plan(root)
    problems = builder.problems
    if plan is not None:
        targets = sum(len(point.targets) for section in plan.sections for point in section.points)
        if targets > MAX_TARGETS:
            problems.append(
                Problem(name, 1, 1, t("pv.too_many_targets", count=targets, limit=MAX_TARGETS))
            )
    if problems or plan is None:
        return None, _sorted(problems)
    return dataclasses.replace(plan, path=name, digest=hashlib.sha256(data).hexdigest()), []


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.line, p.column))


def _position(prefix: bytes) -> tuple[int, int]:
    line = prefix.count(b"\n") + 1
    last = prefix.rfind(b"\n")
    column = len(prefix[last + 1 :].decode("utf-8", "replace")) + 1
    return line, column


@functools.cache
def _bad_char_re() -> re.Pattern[str]:
    """Characters YAML refuses in a file, plus the Unicode line breaks (NEL, LS, PS) libyaml
    counts as new lines although editors do not, which would make every later position wrong.

    Compiled on first use, not at import. Written as the characters refused rather than as
    the complement of those allowed (``[^\\t\\n\\r -~\\xa0-…\\U0010ffff]``, the same set):
    a negated class reaching the astral planes takes ~8 ms to compile, this one ~1 ms.
    """
    return re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


def _scan_lines(text: str) -> list[tuple[int, int, str]]:
    """Conflict markers and characters YAML refuses (one per line), before any parsing."""
    found = []
    bad_char_re = _bad_char_re()
    for number, line_text in enumerate(_LINE_BREAK_RE.split(text), start=1):
        match = _CONFLICT_RE.match(line_text)
        if match:
            found.append((number, 1, t("pv.conflict_marker", marker=match.group(1))))
        bad = bad_char_re.search(line_text)
        if bad:
            code = f"U+{ord(bad.group()):04X}"
            found.append((number, bad.start() + 1, t("pv.bad_char", code=code)))
    return found


class _Refusal(NamedTuple):
    """An anchor or alias (``node`` None) or a refused tag on a node of type ``node``."""

    line: int
    column: int
    node: type[Node] | None
    message: str


_EVENT_NODES: dict[type, type[Node]] = {
    yaml.ScalarEvent: ScalarNode,
    yaml.SequenceStartEvent: SequenceNode,
    yaml.MappingStartEvent: MappingNode,
}


def _scan_events(text: str) -> list[_Refusal]:
    """Every anchor, alias and explicit tag, from the parser's events (nothing composed).

    Raises ``yaml.MarkedYAMLError`` for a syntax error.
    """
    found: list[_Refusal] = []
    for count, event in enumerate(yaml.parse(text, Loader=_SafeComposer)):
        mark = event.start_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        if count > MAX_YAML_EVENTS:  # stop before composing a document no plan needs
            message = t("pv.too_many_values", limit=MAX_YAML_EVENTS)
            return [*found, _Refusal(line, column, None, message)]
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            found.append(_Refusal(line, column, None, t("pv.alias")))
        tag = getattr(event, "tag", None)
        if tag is not None:  # no explicit tag at all: quoting is the way to say "text"
            message = t("pv.tag", tag=tag.replace(_YAML, "!!"))
            found.append(_Refusal(line, column, _EVENT_NODES[type(event)], message))
    return found


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, name: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    lines = _LINE_BREAK_RE.split(text)
    if 0 < line <= len(lines):
        source = lines[line - 1]
        indent = source[: len(source) - len(source.lstrip(" \t"))]
        if "\t" in indent:
            return Problem(name, line, indent.index("\t") + 1, t("pv.tab"))
    problem = str(exc.problem or exc.context or t("pv.syntax_error"))
    if re.search(r"\btab\b", problem):
        return Problem(name, line, column, t("pv.tab"))
    if exc.context == "expected a single document in the stream":
        return Problem(name, line, column, t("pv.multiple_documents"))
    context = exc.context_mark
    if (
        exc.problem
        and str(exc.context).startswith("while ")
        and context is not None
        and context.line + 1 != line
    ):
        # libyaml often notices an unclosed bracket or quote only at the end of the file
        message = t("pv.yaml_context", problem=problem, context=exc.context, line=context.line + 1)
        return Problem(name, line, column, message)
    return Problem(name, line, column, t("pv.yaml", problem=problem))


def _shape(node: Node) -> str:
    """A scalar's text, or a short stand-in for a list or mapping, for messages."""
    if isinstance(node, ScalarNode):
        text: str = node.value
        return text.strip()
    return "[…]" if isinstance(node, SequenceNode) else "{…}"


class _Builder:
    """Walks composed nodes into the plan model, collecting every problem."""

    def __init__(self, name: str, refused: set[tuple[int, int, type[Node] | None]]) -> None:
        self.name = name
        self.refused = refused
        self.problems: list[Problem] = []
        self.year = 0
        self.ids: dict[str, int] = {}
        self.renamed: dict[str, str] = {}
        self.renamed_nodes: list[tuple[str, Node]] = []
        self.hinted: dict[int, set[str]] = {}  # mapping node id → fields a misspelling hinted at
        self.has_units = False  # the plan has a `units:` field (owners must then be units)
        self.unit_keys: dict[str, tuple[str, int]] = {}  # comparable name → (unit id, line)
        self.resolver: UnitResolver | None = None

    # problems ------------------------------------------------------------------------------
    def add(self, node: Node, message: str) -> None:
        mark = node.start_mark
        self.problems.append(Problem(self.name, mark.line + 1, mark.column + 1, message))

    def skip(self, node: Node | None) -> bool:
        """Whether there is nothing to read: no node, or one whose tag was already refused."""
        if node is None:
            return True
        mark = node.start_mark
        return (mark.line + 1, mark.column + 1, type(node)) in self.refused

    # structure -----------------------------------------------------------------------------
    def mapping(self, node: Node, where: str, allowed: tuple[str, ...]) -> dict[str, Node] | None:
        if self.skip(node):
            return None
        if not isinstance(node, MappingNode):
            self.add(node, t("pv.expected_mapping", where=where))
            return None
        result: dict[str, Node] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if self.skip(key_node):
                continue
            if not isinstance(key_node, ScalarNode):
                self.add(key_node, t("pv.expected_text", field="key"))
                continue
            key = key_node.value
            if key in first_line:
                self.add(key_node, t("pv.duplicate_key", key=key, line=first_line[key]))
                continue
            first_line[key] = key_node.start_mark.line + 1
            if key not in allowed:
                hint = difflib.get_close_matches(key, allowed, n=1)
                if hint:
                    message = t("pv.unknown_field_hint", field=key, where=where, hint=hint[0])
                    self.hinted.setdefault(id(node), set()).add(hint[0])
                else:
                    expected = ", ".join(allowed)
                    message = t("pv.unknown_field", field=key, where=where, expected=expected)
                self.add(key_node, message)
                continue
            result[key] = value_node
        return result

    def sequence(self, node: Node, where: str) -> list[Node]:
        if self.skip(node):
            return []
        if not isinstance(node, SequenceNode) or not node.value:
            if isinstance(node, SequenceNode) or _is_null(node):
                self.add(node, t("pv.expected_nonempty_list", where=where))
            else:
                self.add(node, t("pv.expected_list", where=where))
            return []
        return list(node.value)

    def require(
        self, fields: dict[str, Node], parent: Node, names: tuple[str, ...], where: str
    ) -> bool:
        ok = True
        hinted = self.hinted.get(id(parent), set())
        for name in names:
            if name not in fields:
                if name not in hinted:  # a misspelling already points at it
                    self.add(parent, t("pv.missing_field", field=name, where=where))
                ok = False
        return ok

    # scalars ---------------------------------------------------------------------------------
    def text(self, node: Node | None, name: str, required: bool = True) -> str | None:
        if node is None or self.skip(node):
            return None
        if not isinstance(node, ScalarNode):
            self.add(node, t("pv.expected_text", field=name))
            return None
        value: str = node.value
        if _plain(node) and node.tag != _STR:
            if node.tag == _NULL:
                if required:
                    self.add(node, t("pv.empty_value", field=name))
            elif node.tag == _BOOL:
                self.add(node, t("pv.yaml11_bool", field=name, value=value))
            elif node.tag == _TIMESTAMP:
                self.add(node, t("pv.yaml11_date", field=name, value=value))
            else:
                self.add(node, t("pv.yaml11_number", field=name, value=value))
            return None
        value = value.strip()
        if not value:
            if required:
                self.add(node, t("pv.empty_value", field=name))
            return None
        if CONTROL_RE.search(value):
            self.add(node, t("pv.control_chars", field=name))
            return None
        return value

    def integer(self, node: Node, name: str) -> int | None:
        if self.skip(node):
            return None
        value = _shape(node)
        if not isinstance(node, ScalarNode):
            self.add(node, t("pv.expected_integer", field=name, value=value))
        elif not _plain(node):
            key = "pv.quoted" if _INT_RE.match(value) else "pv.expected_integer"
            self.add(node, t(key, field=name, value=value))
        elif node.tag == _NULL:
            self.add(node, t("pv.empty_value", field=name))
        elif _OCTAL_RE.match(value):
            self.add(node, t("pv.octal", field=name, value=value, fixed=str(int(value, 10))))
        elif node.tag != _INT or not _INT_RE.match(value):
            self.add(node, t("pv.expected_integer", field=name, value=value))
        else:
            return int(value)
        return None

    def number(self, node: Node, name: str, allow_zero: bool = False) -> Decimal | None:
        if self.skip(node):
            return None
        value = _shape(node)
        if not isinstance(node, ScalarNode):
            self.add(node, t("pv.expected_number", field=name, value=value))
            return None
        if not _plain(node):
            key = "pv.quoted" if _NUMBER_RE.match(value) else "pv.expected_number"
            self.add(node, t(key, field=name, value=value))
            return None
        if node.tag == _NULL:
            self.add(node, t("pv.empty_value", field=name))
            return None
        if _NOT_FINITE_RE.match(value):
            self.add(node, t("pv.not_finite", field=name, value=value))
            return None
        if _OCTAL_RE.match(value):
            self.add(node, t("pv.octal", field=name, value=value, fixed=str(int(value, 10))))
            return None
        if node.tag not in (_INT, _FLOAT) or not _NUMBER_RE.match(value):
            self.add(node, t("pv.expected_number", field=name, value=value))
            return None
        number = Decimal(value)  # the pattern above admits only finite decimal literals
        if number < 0 or (number == 0 and not allow_zero):
            key = "pv.negative" if allow_zero else "pv.not_positive"
            self.add(node, t(key, field=name, value=value))
            return None
        return number

    def amount(
        self,
        node: Node,
        name: str,
        allow_zero: bool = False,
        places: tuple[int, str, str] | None = None,
    ) -> Decimal | None:
        """A goal or schedule value: a number at most ``MAX_GOAL`` with ``GOAL_DECIMALS``.

        ``places`` is the target's ``(decimals, unit, id)``: a whole-count target's goal and
        schedule are whole numbers, a ``decimals: N`` target's have at most N places.
        """
        number = self.number(node, name, allow_zero)
        if number is None:
            return None
        if number > MAX_GOAL:
            limit = format_number(MAX_GOAL)
            self.add(node, t("pv.goal_too_large", field=name, value=_shape(node), limit=limit))
            return None
        if number != number.quantize(_GOAL_QUANTUM):
            places_ = GOAL_DECIMALS
            self.add(node, t("pv.goal_decimals", field=name, value=_shape(node), places=places_))
            return None
        if places is not None and not within_places(number, places[0]):
            decimals, unit, target_id = places
            if decimals == 0:
                message = t(
                    "pv.goal_not_whole", field=name, value=_shape(node), unit=unit, target=target_id
                )
            else:
                message = t(
                    "pv.goal_places",
                    field=name,
                    value=_shape(node),
                    places=decimals,
                    target=target_id,
                )
            self.add(node, message)
            return None
        return number

    def decimals(self, node: Node) -> int:
        """``decimals: N`` of a count target: a whole number from 0 to ``GOAL_DECIMALS``."""
        value = self.integer(node, "decimals")
        if value is None:
            return GOAL_DECIMALS  # reported; the most lenient value avoids follow-on problems
        if not 0 <= value <= GOAL_DECIMALS:
            self.add(node, t("pv.decimals_range", value=value, most=GOAL_DECIMALS))
            return GOAL_DECIMALS
        return value

    def boolean(self, node: Node, name: str) -> bool | None:
        if self.skip(node):
            return None
        value = _shape(node)
        if isinstance(node, ScalarNode) and value.lower() in ("true", "false"):
            if _plain(node) and node.tag == _BOOL:
                return value.lower() == "true"
            if not _plain(node):
                self.add(node, t("pv.quoted", field=name, value=value))
                return None
        self.add(node, t("pv.expected_bool", field=name, value=value))
        return None

    def day(self, node: Node, name: str) -> date | None:
        if self.skip(node):
            return None
        value = _shape(node)
        if not isinstance(node, ScalarNode) or not _DATE_RE.match(value):
            self.add(node, t("pv.expected_date", field=name, value=value))
            return None
        try:
            result = date.fromisoformat(value)
        except ValueError:
            self.add(node, t("pv.invalid_date", field=name, value=value))
            return None
        if self.year and result.year != self.year:
            self.add(node, t("pv.date_outside_year", field=name, value=value, year=self.year))
            return None
        return result

    # levels ------------------------------------------------------------------------------------
    def plan(self, root: Node) -> Plan | None:
        if not isinstance(root, MappingNode) and not self.skip(root):
            self.add(root, t("pv.not_mapping"))
            return None
        where = t("pv.in.plan")
        fields = self.mapping(root, where, _PLAN_FIELDS)
        if fields is None:
            return None
        self.require(fields, root, ("org", "title", "year", "sections"), where)
        org = self.text(fields.get("org"), "org")
        title = self.text(fields.get("title"), "title")
        year = self.integer(fields["year"], "year") if "year" in fields else None
        if year is not None and not 2000 <= year <= 2100:
            self.add(fields["year"], t("pv.year_range", value=year))
            year = None
        self.year = year or 0
        lang = "zh"
        if "lang" in fields:
            lang_value = self.text(fields["lang"], "lang")
            if lang_value is not None and lang_value not in ("zh", "en"):
                self.add(fields["lang"], t("pv.lang", value=lang_value))
            lang = lang_value or lang
        on_track, behind = self.thresholds(fields.get("thresholds"))
        units: tuple[Unit, ...] = ()
        if "units" in fields:
            self.has_units = True
            units = self.units(fields["units"])
        from kxplan.units import UnitResolver

        self.resolver = UnitResolver(units)
        sections: list[Section] = []
        seen_sections: dict[int, int] = {}
        seen_points: dict[int, int] = {}
        if "sections" in fields:
            for node in self.sequence(fields["sections"], "sections"):
                section = self.section(node, seen_sections, seen_points)
                if section is not None:
                    sections.append(section)
        self.check_renames()
        if self.problems or org is None or title is None or year is None:
            return None
        return Plan(
            org=org,
            title=title,
            year=year,
            lang=lang,
            sections=tuple(sections),
            on_track=on_track,
            behind=behind,
            units=units,
        )

    def thresholds(self, node: Node | None) -> tuple[Decimal, Decimal]:
        if node is None:
            return DEFAULT_ON_TRACK, DEFAULT_BEHIND
        fields = self.mapping(node, t("pv.in.thresholds"), ("on_track", "behind"))
        if fields is None:
            return DEFAULT_ON_TRACK, DEFAULT_BEHIND
        values = {"on_track": DEFAULT_ON_TRACK, "behind": DEFAULT_BEHIND}
        ok = True
        for name in values:
            if name not in fields:
                continue
            value = self.number(fields[name], name)
            if value is not None and value >= 1:
                self.add(fields[name], t("pv.thresholds"))
                value = None
            if value is None:
                ok = False
            else:
                values[name] = value
        on_track, behind = values["on_track"], values["behind"]
        if ok and on_track > behind:
            self.add(node, t("pv.thresholds"))
        return on_track, behind

    def numbered(self, node: Node, what: str, seen: dict[int, int]) -> int | None:
        number = self.integer(node, "number")
        if number is None:
            return None
        if number in seen:
            self.add(node, t("pv.duplicate_number", what=what, number=number, line=seen[number]))
            return None
        expected = (max(seen) + 1) if seen else 1
        seen[number] = node.start_mark.line + 1
        if number != expected:
            self.add(node, t("pv.number_order", what=what, number=number, expected=expected))
        return number

    def section(
        self, node: Node, seen: dict[int, int], seen_points: dict[int, int]
    ) -> Section | None:
        where = t("pv.in.section")
        fields = self.mapping(node, where, _SECTION_FIELDS)
        if fields is None:
            return None
        self.require(fields, node, _SECTION_FIELDS, where)
        number = self.numbered(fields["number"], where, seen) if "number" in fields else None
        title = self.text(fields.get("title"), "title")
        points = []
        if "points" in fields:
            for point_node in self.sequence(fields["points"], "points"):
                point = self.point(point_node, seen_points)
                if point is not None:
                    points.append(point)
        if number is None or title is None:
            return None
        return Section(number, title, tuple(points), node.start_mark.line + 1)

    def point(self, node: Node, seen: dict[int, int]) -> Point | None:
        where = t("pv.in.point")
        fields = self.mapping(node, where, _POINT_FIELDS)
        if fields is None:
            return None
        self.require(fields, node, ("number", "title", "text", "targets"), where)
        number = self.numbered(fields["number"], where, seen) if "number" in fields else None
        title = self.text(fields.get("title"), "title")
        text = self.text(fields.get("text"), "text")
        owner, owner_unit = self.owner(fields.get("owner"))
        targets = []
        if "targets" in fields:
            for target_node in self.sequence(fields["targets"], "targets"):
                target = self.target(target_node, number)
                if target is not None:
                    targets.append(target)
        if number is None or title is None or text is None:
            return None
        return Point(
            number, title, text, owner, tuple(targets), node.start_mark.line + 1, owner_unit
        )

    def target(self, node: Node, point: int | None) -> Target | None:
        where = t("pv.in.target")
        fields = self.mapping(node, where, TARGET_FIELDS)
        if fields is None:
            return None
        self.require(fields, node, ("id", "kind", "title"), where)
        target_id = self.target_id(fields.get("id"), point)
        title = self.text(fields.get("title"), "title")
        owner, owner_unit = self.owner(fields.get("owner"))
        kind = None
        if "kind" in fields:
            kind = self.text(fields["kind"], "kind")
            if kind is not None and kind not in KINDS:
                self.add(fields["kind"], t("pv.kind", value=kind))
                kind = None
        goal = unit = schedule = due = None
        or_more = False
        decimals = 0
        allocation: tuple[Allocation, ...] = ()
        if kind is not None:
            for name in TARGET_FIELDS:
                if name in _KIND_ONLY - _KIND_FIELDS[kind] and name in fields:
                    self.add(fields[name], t("pv.field_not_for_kind", field=name, kind=kind))
            if kind == "count":
                self.require(fields, node, ("goal", "unit"), where)
                unit = self.text(fields.get("unit"), "unit")
                if "decimals" in fields:
                    decimals = self.decimals(fields["decimals"])
                places = (decimals, unit or "", target_id or "?")
                goal = (
                    self.amount(fields["goal"], "goal", places=places) if "goal" in fields else None
                )
                if "or_more" in fields:
                    or_more = bool(self.boolean(fields["or_more"], "or_more"))
                if "schedule" in fields:
                    schedule = self.schedule(fields["schedule"], goal, "goal" in fields, places)
                if "allocation" in fields:
                    allocation = self.allocation(fields["allocation"], goal, unit, places)
            elif kind == "milestone":
                self.require(fields, node, ("due",), where)
                due = self.day(fields["due"], "due") if "due" in fields else None
        renamed = self.renamed_from(fields.get("renamed_from"), target_id)
        if target_id is None or kind is None or title is None or point is None:
            return None
        return Target(
            id=target_id,
            kind=kind,
            title=title,
            point=point,
            goal=goal,
            unit=unit,
            decimals=decimals,
            or_more=or_more,
            schedule=schedule,
            due=due,
            owner=owner,
            renamed_from=renamed,
            line=node.start_mark.line + 1,
            allocation=allocation,
            owner_unit=owner_unit,
        )

    # units -------------------------------------------------------------------------------------
    def units(self, node: Node) -> tuple[Unit, ...]:
        """The ``units:`` list: every unit valid on its own, no name or alias used twice."""
        units = []
        for item in self.sequence(node, "units"):
            unit = self.unit(item)
            if unit is not None:
                units.append(unit)
        return tuple(units)

    def unit(self, node: Node) -> Unit | None:
        where = t("pv.in.unit")
        fields = self.mapping(node, where, _UNIT_FIELDS)
        if fields is None:
            return None
        self.require(fields, node, ("id", "name", "kind"), where)
        unit_id = self.text(fields.get("id"), "id")
        if unit_id is not None and not UNIT_ID_RE.match(unit_id):
            self.add(fields["id"], t("pv.unit_id_pattern", value=unit_id))
            unit_id = None
        name = self.unit_name(fields.get("name"), "name")
        kind = None
        if "kind" in fields:
            kind = self.text(fields["kind"], "kind")
            if kind is not None and kind not in UNIT_KINDS:
                self.add(fields["kind"], t("pv.unit_kind", value=kind))
                kind = None
        aliases: list[tuple[str, Node]] = []
        alias_node = fields.get("aliases")
        if alias_node is not None and not self.skip(alias_node):
            items = (
                self.sequence(alias_node, "aliases")
                if isinstance(alias_node, SequenceNode)
                else [alias_node]
            )
            for item in items:
                alias = self.unit_name(item, "aliases")
                if alias is not None:
                    aliases.append((alias, item))
        line = node.start_mark.line + 1
        owner = unit_id or name or "?"
        claimed: list[tuple[str, str, Node]] = []
        if unit_id is not None:
            claimed.append(("id", unit_id, fields["id"]))
        if name is not None:
            claimed.append(("name", name, fields["name"]))
        claimed += [("alias", alias, item) for alias, item in aliases]
        clash = False
        for what, value, value_node in claimed:
            key = comparable(value)
            taken = self.unit_keys.get(key)
            if taken is None:
                self.unit_keys[key] = (owner, line)
            elif taken == (owner, line):
                self.add(value_node, t("pv.unit_name_repeated", field=what, value=value))
                clash = True
            else:
                other, other_line = taken
                message = t(
                    "pv.unit_name_taken", field=what, value=value, unit=other, line=other_line
                )
                self.add(value_node, message)
                clash = True
        if unit_id is None or name is None or kind is None or clash:
            return None
        return Unit(unit_id, name, kind, tuple(alias for alias, _ in aliases), line)

    def unit_name(self, node: Node | None, name: str) -> str | None:
        """A unit's name or alias: one line of text people can type (``record --unit``)."""
        value = self.text(node, name)
        if value is None or node is None:
            return None
        if ONE_LINE_CONTROL_RE.search(value):
            self.add(node, t("pv.control_chars", field=name))
            return None
        if len(value) > UNIT_NAME_LIMIT:
            self.add(node, t("pv.unit_name_long", field=name, limit=UNIT_NAME_LIMIT))
            return None
        return value

    def owner(self, node: Node | None) -> tuple[str | None, str | None]:
        """An owner: ``(text, None)`` without units; ``(unit name, unit id)`` with them."""
        text = self.text(node, "owner", required=False)
        if text is None or node is None or not self.has_units:
            return text, None
        assert self.resolver is not None
        if self.resolver.free:  # the units themselves are wrong, and already reported
            return None, None
        unit = self.resolver.find(text)
        if unit is not None:
            return unit.name, unit.id
        if comparable(text) not in self.unit_keys:  # else the unit itself is already reported
            self.add(node, t("pv.owner_not_unit", value=text, hint=self.unit_hint(text)))
        return None, None

    def unit_hint(self, text: str) -> str:
        """The end of a message about a unit the plan does not have: the nearest, or the ids."""
        from kxplan.units import label

        assert self.resolver is not None
        nearest = self.resolver.nearest(text)
        if nearest is not None:
            return t("pv.unit_hint_nearest", suggestion=label(nearest))
        return t("pv.unit_hint_ids", ids=", ".join(unit.id for unit in self.resolver.units))

    def allocation(
        self,
        node: Node,
        goal: Decimal | None,
        unit: str | None,
        places: tuple[int, str, str] = (0, "", "?"),
    ) -> tuple[Allocation, ...]:
        """A count target's ``allocation: {unit-id: amount}``: known ids, positive amounts,
        whole amounts unless the target says ``decimals: N`` (then at most N places).

        ``places`` is the target's ``(decimals, unit, id)``, as for its goal and schedule.
        """
        if self.skip(node):
            return ()
        if not isinstance(node, MappingNode):
            self.add(node, t("pv.expected_mapping", where="allocation"))
            return ()
        if not node.value:
            self.add(node, t("pv.allocation_empty"))
            return ()
        if not self.has_units:
            self.add(node, t("pv.allocation_no_units"))
            return ()
        assert self.resolver is not None
        if self.resolver.free:  # the units themselves are wrong, and already reported
            return ()
        decimals = places[0]
        shares: list[Allocation] = []
        first_line: dict[str, int] = {}
        ok = True
        for key_node, value_node in node.value:
            if self.skip(key_node):
                ok = False
                continue
            key = self.text(key_node, "allocation")
            if key is None:
                ok = False
                continue
            if key in first_line:
                self.add(key_node, t("pv.duplicate_key", key=key, line=first_line[key]))
                ok = False
                continue
            first_line[key] = key_node.start_mark.line + 1
            found = self.resolver.by_id.get(key)
            if found is None:
                named = self.resolver.find(key)
                if named is not None:
                    self.add(key_node, t("pv.allocation_not_id", value=key, id=named.id))
                elif comparable(key) not in self.unit_keys:
                    message = t("pv.allocation_unknown", value=key, hint=self.unit_hint(key))
                    self.add(key_node, message)
                ok = False
                continue
            amount = self.amount(value_node, "allocation")
            if amount is None:
                ok = False
                continue
            if not within_places(amount, decimals):
                if decimals == 0:
                    message = t(
                        "pv.allocation_whole",
                        unit_id=key,
                        value=_shape(value_node),
                        unit=unit or "",
                    )
                else:
                    message = t(
                        "pv.goal_places",
                        field="allocation",
                        value=_shape(value_node),
                        places=decimals,
                        target=places[2],
                    )
                self.add(value_node, message)
                ok = False
                continue
            shares.append(Allocation(key, amount))
        if not ok:
            return ()
        order = {unit.id: index for index, unit in enumerate(self.resolver.units)}
        return tuple(sorted(shares, key=lambda share: order[share.unit]))  # the units' order

    def target_id(self, node: Node | None, point: int | None) -> str | None:
        value = self.text(node, "id")
        if value is None or node is None:
            return None
        if not ID_RE.match(value):
            self.add(node, t("pv.id_pattern", value=value, point=point or "N"))
            return None
        if point is not None and not value.startswith(f"p{point}."):  # p01.x is not p1.x
            self.add(node, t("pv.id_point", value=value, point=point))
            return None
        if value in self.ids:
            self.add(node, t("pv.duplicate_id", value=value, line=self.ids[value]))
            return None
        self.ids[value] = node.start_mark.line + 1
        return value

    def schedule(
        self,
        node: Node,
        goal: Decimal | None,
        has_goal: bool,
        places: tuple[int, str, str] | None = None,
    ) -> tuple[Decimal, ...] | None:
        if self.skip(node):
            return None
        if not isinstance(node, SequenceNode):
            self.add(node, t("pv.expected_list", where="schedule"))
            return None
        if len(node.value) != 4:
            self.add(node, t("pv.schedule_length", count=len(node.value)))
            return None
        values = [
            self.amount(item, "schedule", allow_zero=True, places=places) for item in node.value
        ]
        numbers = tuple(v for v in values if v is not None)
        if len(numbers) != 4:
            return None
        if any(b < a for a, b in zip(numbers, numbers[1:], strict=False)):
            shown = ", ".join(format_number(v) for v in numbers)
            self.add(node, t("pv.schedule_decreasing", values=shown))
            return None
        if goal is not None and numbers[-1] != goal:
            self.add(
                node.value[-1],
                t("pv.schedule_last", last=format_number(numbers[-1]), goal=format_number(goal)),
            )
            return None
        if goal is None and has_goal:
            return None  # the goal itself is wrong and already reported
        return numbers

    def renamed_from(self, node: Node | None, target_id: str | None) -> tuple[str, ...]:
        if node is None or self.skip(node):
            return ()
        items = self.sequence(node, "renamed_from") if isinstance(node, SequenceNode) else [node]
        result = []
        for item in items:
            value = self.text(item, "renamed_from")
            if value is None:
                continue
            if not ID_RE.match(value):
                self.add(item, t("pv.id_pattern", value=value, point="N"))
                continue
            if value in self.renamed:
                self.add(item, t("pv.renamed_twice", value=value, other=self.renamed[value]))
                continue
            self.renamed[value] = target_id or "?"
            self.renamed_nodes.append((value, item))
            result.append(value)
        return tuple(result)

    def check_renames(self) -> None:
        for value, item in self.renamed_nodes:
            if value in self.ids:
                self.add(item, t("pv.renamed_self", value=value))


def _plain(node: Node) -> bool:
    """Whether a scalar was written plain (unquoted, not a block): only those get YAML 1.1 typing."""
    return not getattr(node, "style", None)


def _is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == _NULL
