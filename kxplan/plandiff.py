"""What a plan edit means: semantic changes between two plans, in plan order.

``diff(old, new)`` compares the plan models, never the YAML text, so reformatting, comments,
key order and quoting produce no change. Sections and points are matched by number; targets
by id, then through ``renamed_from``, then by place (same point, kind and title) when only the
id changed. Changes come in the new plan's order; what was removed sits where it used to be.

``format_change`` renders one change as a line (labels through ``t``), ``change_json`` as
JSON data. Texts and titles are summarised with ``inline_diff``, a character-level diff that
suits Chinese (no spaces between words): ``…新建科普教育基地[-10-]{+12+}家…``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from kxplan.messages import t
from kxplan.numbers import decimal_json, format_number
from kxplan.plan import TARGET_FIELDS as PLAN_TARGET_FIELDS
from kxplan.plan import Allocation, Plan, Point, Section, Target, Unit
from kxplan.text import goal_text

ADDED = "added"
REMOVED = "removed"
RENAMED = "renamed"  # a target's id changed; ``old``/``new`` are the ids
MERGED = "merged"  # an old target's id now belongs to a target that already existed
CHANGED = "changed"  # one field changed; ``old``/``new`` are its values

PLAN_FIELDS = ("org", "title", "year", "lang", "thresholds.on_track", "thresholds.behind")
SECTION_FIELDS = ("title",)
POINT_FIELDS = ("section", "title", "text", "owner")
UNIT_FIELDS = ("name", "kind", "aliases")
UNIT_PREFIX = "u:"  # a change's id for a unit: u:xiuzhou
TARGET_FIELDS = tuple(name for name in PLAN_TARGET_FIELDS if name != "id")
TEXT_FIELDS = frozenset({"org", "title", "text"})  # summarised with an inline diff

CONTEXT = 8  # characters of unchanged text shown on each side of a change
PIECE_LIMIT = 40  # longest removed or inserted run shown before it is cut with …
LINE_LIMIT = 160  # an inline diff stops adding changes beyond this many characters
_TOKEN_RE = re.compile(r"[A-Za-z0-9]+(?:\.[0-9]+)?|\s+|.", re.DOTALL)
_CLAUSE_MARKS = frozenset("，。；：！？,;:!?")


@dataclass(frozen=True)
class Change:
    """One semantic change between two plans.

    ``id`` is a target id, ``p<N>`` for work point N, ``s<N>`` for section N, ``u:<id>`` for
    a unit, or None for the plan itself. ``lost`` lists the target ids whose recorded entries would no longer
    count toward any target of the new plan (neither a current id nor a ``renamed_from``).
    """

    change: str
    id: str | None
    field: str | None
    old: Any = None
    new: Any = None
    lost: tuple[str, ...] = ()


_Node = tuple[str, Any]  # ("section", number), ("point", number) or ("target", id)


# --- diff ------------------------------------------------------------------------------------


def diff(old: Plan, new: Plan) -> list[Change]:
    """The semantic changes from ``old`` to ``new`` in plan order; empty when equivalent."""
    return _Differ(old, new).run()


class _Differ:
    """Matches the two plans' parts, then emits changes with their position keys."""

    def __init__(self, old: Plan, new: Plan) -> None:
        self.old, self.new = old, new
        self.old_targets = {target.id: target for target in old.targets()}
        self.new_targets = {target.id: target for target in new.targets()}
        self.old_sections = {section.number: section for section in old.sections}
        self.new_sections = {section.number: section for section in new.sections}
        self.old_points = {point.number: point for point in old.points()}
        self.new_points = {point.number: point for point in new.points()}
        self.old_section_of = _section_of(old)
        self.new_section_of = _section_of(new)
        self.covered = set(self.new_targets) | set(new.aliases())
        self.base: dict[str, Target] = {}  # new target id -> the old target it continues
        self.renamed: dict[str, str] = {}  # old id -> new id
        self.merged: dict[str, str] = {}  # old id -> the existing new id that absorbs it
        self._match_targets()

    def _match_targets(self) -> None:
        for target_id in self.new_targets:
            if target_id in self.old_targets:
                self.base[target_id] = self.old_targets[target_id]
        aliases = self.new.aliases()
        unmatched = [target for target in self.old.targets() if target.id not in self.new_targets]
        for old_target in unmatched:
            new_id = aliases.get(old_target.id)
            if new_id is None:
                continue
            if new_id in self.base:
                self.merged[old_target.id] = new_id
            else:
                self.base[new_id] = old_target
                self.renamed[old_target.id] = new_id
        remaining = [
            target
            for target in unmatched
            if target.id not in self.renamed and target.id not in self.merged
        ]
        for new_target in self.new.targets():
            if new_target.id in self.base:
                continue
            for old_target in remaining:
                if (old_target.point, old_target.kind, old_target.title) == (
                    new_target.point,
                    new_target.kind,
                    new_target.title,
                ):
                    self.base[new_target.id] = old_target
                    self.renamed[old_target.id] = new_target.id
                    remaining.remove(old_target)
                    break

    def lost(self, target: Target) -> tuple[str, ...]:
        """The ids recorded for an old target that nothing in the new plan covers."""
        return tuple(i for i in target.ids if i not in self.covered)

    # ordering ---------------------------------------------------------------------------
    def run(self) -> list[Change]:
        keyed: list[tuple[tuple[int, int, int], int, Change]] = []
        for change in self._plan_changes():
            keyed.append(((-1, 0, 0), len(keyed), change))
        new_nodes = list(_nodes(self.new))
        new_index = {node: index for index, node in enumerate(new_nodes)}
        for index, node in enumerate(new_nodes):
            for change in self._new_node_changes(node):
                keyed.append(((index, 0, 0), len(keyed), change))
        # What is gone goes just before the next old part that survives: where it used to be.
        next_matched = len(new_nodes)
        old_nodes = list(_nodes(self.old))
        for old_index in reversed(range(len(old_nodes))):
            counterpart = self._counterpart(old_nodes[old_index])
            if counterpart is not None:
                next_matched = new_index[counterpart]
                continue
            for change in self._old_node_changes(old_nodes[old_index]):
                keyed.append(((next_matched, -1, old_index), len(keyed), change))
        return [change for _, _, change in sorted(keyed, key=lambda item: (item[0], item[1]))]

    def _counterpart(self, node: _Node) -> _Node | None:
        """The new plan's node an old node continues, or None when it is gone."""
        kind, key = node
        if kind == "section":
            return node if key in self.new_sections else None
        if kind == "point":
            return node if key in self.new_points else None
        new_id = key if key in self.new_targets else self.renamed.get(key)
        return ("target", new_id) if new_id is not None else None

    # changes --------------------------------------------------------------------------------
    def _plan_changes(self) -> Iterator[Change]:
        for name in PLAN_FIELDS:
            before, after = _plan_value(self.old, name), _plan_value(self.new, name)
            if before != after:
                yield Change(CHANGED, None, name, before, after)
        yield from self._unit_changes()

    def _unit_changes(self) -> Iterator[Change]:
        """Units added, removed or changed (name, kind, aliases), matched by id, in plan order."""
        old_units = {unit.id: unit for unit in self.old.units}
        new_ids = {unit.id for unit in self.new.units}
        for unit in self.new.units:
            where = UNIT_PREFIX + unit.id
            before = old_units.get(unit.id)
            if before is None:
                yield Change(ADDED, where, None, None, unit)
                continue
            for name in UNIT_FIELDS:
                if getattr(before, name) != getattr(unit, name):
                    yield Change(CHANGED, where, name, getattr(before, name), getattr(unit, name))
        for unit in self.old.units:
            if unit.id not in new_ids:
                yield Change(REMOVED, UNIT_PREFIX + unit.id, None, unit, None)

    def _new_node_changes(self, node: _Node) -> Iterator[Change]:
        kind, key = node
        if kind == "section":
            section = self.new_sections[key]
            old_section = self.old_sections.get(section.number)
            if old_section is None:
                yield Change(ADDED, f"s{section.number}", None, None, section)
                return
            yield from _field_changes(f"s{section.number}", old_section, section, SECTION_FIELDS)
        elif kind == "point":
            point = self.new_points[key]
            old_point = self.old_points.get(point.number)
            where = f"p{point.number}"
            if old_point is None:
                yield Change(ADDED, where, None, None, point)
                return
            before = self.old_section_of[point.number]
            after = self.new_section_of[point.number]
            if before != after:
                yield Change(CHANGED, where, "section", before, after)
            yield from _field_changes(where, old_point, point, POINT_FIELDS[1:])
        else:
            yield from self._target_changes(self.new_targets[key])

    def _target_changes(self, target: Target) -> Iterator[Change]:
        base = self.base.get(target.id)
        if base is None:
            yield Change(ADDED, target.id, None, None, target)
            return
        if base.id != target.id:
            yield Change(RENAMED, target.id, "id", base.id, target.id, self.lost(base))
        explained = {base.id} | {
            alias
            for old_id, new_id in self.merged.items()
            if new_id == target.id
            for alias in self.old_targets[old_id].ids
        }
        for name in TARGET_FIELDS:
            before, after = getattr(base, name), getattr(target, name)
            if name == "renamed_from":
                before = tuple(sorted(before))
                after = tuple(sorted(set(after) - explained))
                if before != after:
                    lost = tuple(sorted(set(before) - self.covered))
                    yield Change(CHANGED, target.id, name, before, after, lost)
            elif before != after:
                yield Change(CHANGED, target.id, name, before, after)

    def _old_node_changes(self, node: _Node) -> Iterator[Change]:
        kind, key = node
        if kind == "section":
            yield Change(REMOVED, f"s{key}", None, self.old_sections[key], None)
        elif kind == "point":
            yield Change(REMOVED, f"p{key}", None, self.old_points[key], None)
        else:
            target = self.old_targets[key]
            lost = self.lost(target)
            if target.id in self.merged:
                yield Change(
                    MERGED, self.merged[target.id], "id", target.id, self.merged[target.id], lost
                )
            else:
                yield Change(REMOVED, target.id, None, target, None, lost)


def _nodes(plan: Plan) -> Iterator[_Node]:
    """The plan's sections, points and targets in document order, as hashable keys."""
    for section in plan.sections:
        yield ("section", section.number)
        for point in section.points:
            yield ("point", point.number)
            for target in point.targets:
                yield ("target", target.id)


def _section_of(plan: Plan) -> dict[int, int]:
    return {point.number: section.number for section in plan.sections for point in section.points}


def _plan_value(plan: Plan, name: str) -> object:
    if name == "thresholds.on_track":
        return plan.on_track
    if name == "thresholds.behind":
        return plan.behind
    return getattr(plan, name)


def _field_changes(
    where: str, old: Section | Point, new: Section | Point, names: tuple[str, ...]
) -> Iterator[Change]:
    for name in names:
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            yield Change(CHANGED, where, name, before, after)


# --- rendering -------------------------------------------------------------------------------


def format_change(change: Change, orphans: int | None = None) -> str:
    """One change as a line of text; ``orphans`` counts the entries it would orphan, if known."""
    where = _where(change)
    if change.change == ADDED:
        line = t("diff.added", where=where, what=_summary(change.new))
    elif change.change == REMOVED:
        line = t("diff.removed", where=where, what=_summary(change.old))
    elif change.change == RENAMED:
        line = t("diff.renamed", where=where, old=change.old)
    elif change.change == MERGED:
        line = t("diff.merged", where=where, old=change.old)
    elif (
        change.field in TEXT_FIELDS and isinstance(change.old, str) and isinstance(change.new, str)
    ):
        line = t(
            "diff.text", where=where, field=change.field, diff=inline_diff(change.old, change.new)
        )
    else:
        line = t(
            "diff.changed",
            where=where,
            field=change.field,
            old=format_value(change.old),
            new=format_value(change.new),
        )
    if orphans is not None:
        line += t("diff.orphans", count=orphans)
    if change.change == RENAMED and change.lost and orphans != 0:
        line += t("diff.orphans_hint", ids=", ".join(change.lost))
    return line


def affects_entries(change: Change) -> bool:
    """Whether the change removes or renames a target, or drops ids entries were recorded under."""
    if change.lost or change.change in (RENAMED, MERGED):
        return True
    return change.change == REMOVED and isinstance(change.old, Target)


def _where(change: Change) -> str:
    if change.id is None:
        return t("diff.where_plan")
    if change.id.startswith(UNIT_PREFIX):
        return t("diff.where_unit", id=change.id.removeprefix(UNIT_PREFIX))
    if change.id.startswith("s") and change.id[1:].isdigit():
        return t("diff.where_section", n=change.id[1:])
    if change.id.startswith("p") and change.id[1:].isdigit():
        return t("diff.where_point", n=change.id[1:])
    return change.id


def _summary(thing: object) -> str:
    if isinstance(thing, Unit):
        return thing.name
    if isinstance(thing, Target):
        return t("diff.target_summary", title=thing.title, goal=goal_text(thing))
    if isinstance(thing, Section | Point):
        return thing.title
    return format_value(thing)


def format_value(value: object) -> str:
    """A field value as plan text: numbers without trailing zeros, dates ISO, lists bracketed."""
    if value is None:
        return t("diff.none")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format_number(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Allocation):
        return f"{value.unit}: {format_value(value.amount)}"
    if isinstance(value, tuple | list):
        return "[" + ", ".join(format_value(item) for item in value) + "]"
    return str(value).replace("\n", "\\n")


def change_json(change: Change) -> dict[str, Any]:
    """A change as JSON data: ``{change, id, field, old, new}`` (an allocation as ``{unit: amount}``)."""
    old, new = json_value(change.old), json_value(change.new)
    if change.field == "allocation":
        old, new = old or None, new or None
    return {"change": change.change, "id": change.id, "field": change.field, "old": old, "new": new}


def json_value(value: object) -> Any:
    """A model value as JSON data: numbers as numbers, dates as strings, lists as lists."""
    if isinstance(value, Decimal):
        return decimal_json(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple) and value and all(isinstance(v, Allocation) for v in value):
        return {share.unit: json_value(share.amount) for share in value}
    if isinstance(value, tuple | list):
        return [json_value(item) for item in value]
    if isinstance(value, Unit):
        return value.to_dict()
    if isinstance(value, Target):
        return {
            "id": value.id,
            "kind": value.kind,
            "title": value.title,
            "goal": json_value(value.goal),
            "unit": value.unit,
            "decimals": value.decimals if value.kind == "count" else None,
            "or_more": value.or_more if value.kind == "count" else None,
            "schedule": json_value(value.schedule),
            "due": json_value(value.due),
            "owner": value.owner,
            "allocation": json_value(value.allocation) if value.allocation else None,
            "renamed_from": list(value.renamed_from),
        }
    if isinstance(value, Point):
        return {
            "number": value.number,
            "title": value.title,
            "text": value.text,
            "owner": value.owner,
            "targets": [target.id for target in value.targets],
        }
    if isinstance(value, Section):
        return {
            "number": value.number,
            "title": value.title,
            "points": [point.number for point in value.points],
        }
    return value


# --- inline diff -----------------------------------------------------------------------------


def inline_diff(old: str, new: str, context: int = CONTEXT, limit: int = LINE_LIMIT) -> str:
    """A one-line summary of a text change: ``…context[-removed-]{+inserted+}context…``.

    Chinese has no spaces, so the diff is by character, except that runs of Latin letters
    and digits stay whole (``[-10-]{+12+}``, not ``1[-0-]{+2+}``). Unchanged text keeps
    about ``context`` characters on each side of a change, cut at the nearest clause mark.
    """
    a, b = _tokens(old), _tokens(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    hunks = _coalesce([(tag, a[i1:i2], b[j1:j2]) for tag, i1, i2, j1, j2 in matcher.get_opcodes()])
    total = sum(1 for tag, _, _ in hunks if tag != "equal")
    parts: list[str] = []
    length = shown = 0
    for index, (tag, before, after) in enumerate(hunks):
        if tag == "equal":
            if index == 0:
                part = _tail(before, context)
            elif index == len(hunks) - 1:
                part = _head(before, context)
            elif len("".join(before)) <= 2 * context + 1:
                part = "".join(before)
            else:
                part = _head(before, context) + _tail(before, context)[1:]  # one … between
        else:
            part = (f"[-{_cut(''.join(before))}-]" if before else "") + (
                f"{{+{_cut(''.join(after))}+}}" if after else ""
            )
            if shown and length + len(part) > limit:
                text = "".join(parts)
                return _oneline(text if text.endswith("…") else text + "…") + t(
                    "diff.more", count=total - shown
                )
            shown += 1
        parts.append(part)
        length += len(part)
    return _oneline("".join(parts))


_Hunk = tuple[str, list[str], list[str]]


def _tokens(text: str) -> list[str]:
    return _TOKEN_RE.findall(text)


def _coalesce(hunks: list[_Hunk]) -> list[_Hunk]:
    """Absorb one-character matches between two changes, which only fragment the output."""
    result: list[_Hunk] = []
    for tag, before, after in hunks:
        if tag != "equal":
            tag = "replace"
            if (
                len(result) >= 2
                and result[-1][0] == "equal"
                and len("".join(result[-1][1])) <= 1
                and result[-2][0] == "replace"
            ):
                _, same, _ = result.pop()
                _, prev_before, prev_after = result.pop()
                before, after = prev_before + same + before, prev_after + same + after
            elif result and result[-1][0] == "replace":
                _, prev_before, prev_after = result.pop()
                before, after = prev_before + before, prev_after + after
        result.append((tag, before, after))
    return result


def _tail(tokens: list[str], context: int) -> str:
    """About ``context`` characters of whole tokens ending the run, from its last clause mark."""
    kept: list[str] = []
    size = 0
    for token in reversed(tokens):
        if kept and (size + len(token) > context or token in _CLAUSE_MARKS):
            break
        kept.insert(0, token)
        size += len(token)
    return ("…" if len(kept) < len(tokens) else "") + _cut("".join(kept), from_end=True)


def _head(tokens: list[str], context: int) -> str:
    """About ``context`` characters of whole tokens starting the run, up to its first clause mark."""
    kept: list[str] = []
    size = 0
    for token in tokens:
        if kept and (size + len(token) > context or token in _CLAUSE_MARKS):
            break
        kept.append(token)
        size += len(token)
    return _cut("".join(kept)) + ("…" if len(kept) < len(tokens) else "")


def _cut(text: str, from_end: bool = False) -> str:
    if len(text) <= PIECE_LIMIT:
        return text
    return "…" + text[-PIECE_LIMIT + 1 :] if from_end else text[: PIECE_LIMIT - 1] + "…"


def _oneline(text: str) -> str:
    return text.replace("\r", "").replace("\n", "\\n")
