"""The one unit resolver: a unit as people type it → the plan's canonical unit id.

A plan with a ``units:`` list names every office that carries it out (``Unit``: id, name,
kind, aliases). Everything that takes a unit from a person — ``record``, ``add``,
``import``, ``log --unit``, ``status --unit``, ``report --unit``, completion — and
everything that reads a stored unit back — per-unit figures, ``check`` — asks the plan's
``UnitResolver``, so that ``xiuzhou``, ``秀洲区科协``, ``秀洲区`` and ``ＸＩＵＺＨＯＵ`` are one
office everywhere. Names are compared under ``kxplan.text.comparable`` (NFKC, case folded,
whitespace collapsed).

What is stored is the canonical id. Entries written before the plan had units keep their
free text (entries are never rewritten); they count for a unit whenever their text is that
unit's id, name or alias, so the fix for an old spelling is an alias in the plan, and
``kxplan check`` lists the stored units the plan does not know.

A plan without ``units:`` keeps free text: any clean text is a unit, stored as typed, and
filters match stored text under the same normalisation.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from kxplan.messages import t
from kxplan.text import comparable

if TYPE_CHECKING:
    from kxplan.plan import Unit

#: How alike (difflib ratio) a typed name must be to a unit's id, name or alias to be suggested.
SUGGEST_CUTOFF = 0.6

#: How many distinct texts one resolver remembers it has looked up.
_MEMO_LIMIT = 4096


class UnitResolver:
    """Looks units up by id, name or alias under one normalisation; suggests the nearest."""

    def __init__(self, units: Sequence[Unit]) -> None:
        self.units: tuple[Unit, ...] = tuple(units)
        self.by_id: dict[str, Unit] = {unit.id: unit for unit in self.units}
        self._keys: dict[str, Unit] = {}
        for unit in self.units:
            for name in unit.names():
                self._keys.setdefault(comparable(name), unit)
        # stored texts repeat (a report resolves one per unit, target and day): normalise each once
        self._found: dict[str, Unit | None] = {}

    @property
    def free(self) -> bool:
        """Whether the plan has no units (any text is a unit, as before units existed)."""
        return not self.units

    def find(self, text: str | None) -> Unit | None:
        """The unit whose id, name or alias ``text`` is (normalised), or None."""
        if not text:
            return None
        try:
            return self._found[text]
        except KeyError:
            unit = self._keys.get(comparable(text))
            if len(self._found) < _MEMO_LIMIT:  # bounded: an import may bring endless spellings
                self._found[text] = unit
            return unit

    def canonical(self, stored: str | None) -> str | None:
        """The unit id a stored unit text stands for, or None when the plan does not know it."""
        unit = self.find(stored)
        return unit.id if unit is not None else None

    def resolve(self, text: str) -> tuple[str | None, str | None]:
        """The value to store for a clean, non-empty unit text: ``(value, None)`` or ``(None, problem)``.

        With units: the canonical id, or a problem naming the nearest unit. Without: the
        text itself.
        """
        if self.free:
            return text, None
        unit = self.find(text)
        if unit is not None:
            return unit.id, None
        return None, self.unknown(text)

    def require(self, text: str) -> str:
        """A unit typed in a command option (``--unit``) → the value to look for; else ``InputError``.

        The text is checked as ``record`` checks a unit (one line, not too long) first.
        """
        from kxplan.entry import clean_text
        from kxplan.errors import InputError

        value, problem = clean_text("unit", text)
        if problem is not None:
            raise InputError(problem)
        if value is None:
            raise InputError(t("unit.empty"))
        resolved, problem = self.resolve(value)
        if resolved is None:
            raise InputError(problem or t("unit.empty"))
        return resolved

    def offer(self, stored: str | None) -> str | None:
        """A stored unit to offer again as a default (``add``): the unit's name, or None when the
        plan does not know it — a mistyped unit is never offered. Free text is offered as is."""
        if self.free:
            return stored
        unit = self.find(stored)
        return unit.name if unit is not None else None

    def unknown(self, text: str) -> str:
        """The one-line refusal of a unit the plan does not have, with the nearest one."""
        nearest = self.nearest(text)
        if nearest is not None:
            return t("unit.unknown_hint", value=text, suggestion=label(nearest))
        ids = ", ".join(unit.id for unit in self.units)
        return t("unit.unknown", value=text, ids=ids)

    def nearest(self, text: str) -> Unit | None:
        """The unit most like ``text`` (a typo of its id, name or alias), or None when none is close.

        The closest key by difflib's ratio wins; failing that, the one unit whose key
        contains the text or is contained in it.
        """
        import difflib  # only needed for a mistake; keeps `record` start-up lean

        wanted = comparable(text)
        if not wanted:
            return None
        best: tuple[float, int] | None = None
        found: Unit | None = None
        for index, (key, unit) in enumerate(self._keys.items()):
            ratio = difflib.SequenceMatcher(None, wanted, key, autojunk=False).ratio()
            if ratio >= SUGGEST_CUTOFF and (best is None or (ratio, -index) > best):
                best, found = (ratio, -index), unit
        if found is not None:
            return found
        containing = {unit.id for key, unit in self._keys.items() if wanted in key or key in wanted}
        if len(containing) == 1:
            return self.by_id[containing.pop()]
        return None

    def matching(self, wanted: str, stored: Iterable[str]) -> list[str]:
        """The stored unit texts that stand for ``wanted`` (a canonical id, or free text), sorted.

        With units, every spelling that resolves to the unit (its id, and old free text equal
        to its name or an alias); without, every stored text equal to ``wanted`` normalised.
        """
        if self.free:
            key = comparable(wanted)
            return sorted({text for text in stored if comparable(text) == key})
        return sorted({text for text in stored if self.canonical(text) == wanted})

    def name(self, stored: str | None) -> str:
        """A stored unit for people: the unit's name when the plan knows it, else the text."""
        unit = self.find(stored)
        if unit is not None:
            return unit.name
        return stored or ""


def label(unit: Unit) -> str:
    """A unit as people recognise it and as they may type it: ``秀洲区科协（xiuzhou）``."""
    return t("unit.label", name=unit.name, id=unit.id)
