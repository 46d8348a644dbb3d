"""The question-and-answer dialogue of ``kxplan add``, kept apart from typer.

``AddDialogue.run`` asks, in the spirit of ``hledger add``:

1. the work point, from a numbered list — or a few characters of a title or target id,
   which search every target (one match is taken at once);
2. the target under it, from a numbered list that typing narrows (0 goes back);
3. the date (default: today inside the plan year, else the date this clerk last used);
4. what the target's kind needs: amount and item for a count, a note for an activity
   (optional for the others);
5. the unit — for a plan with units, one of them, listed by number (its number, id, name or
   alias; default: the one this clerk last used, when the plan knows it) — and the evidence;

then shows a summary and asks to confirm. Every answer is checked by ``kxplan.entry`` — the
rules ``record`` and ``import`` use — and a bad one is asked again with record's one-line
message. Nothing is written here: ``run`` returns the validated ``Draft``, or None when the
clerk declines. End of input raises ``EOFError`` and Ctrl-C ``KeyboardInterrupt`` from any
question; the command turns them into exit codes.

``LineIO`` reads answers a line at a time, so piped answers work as well as a terminal; tests
drive the dialogue with two ``StringIO`` objects.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol, TextIO, TypeVar

from kxplan.messages import t

if TYPE_CHECKING:
    from kxplan.entry import Draft, Validator
    from kxplan.plan import Plan, Target

T = TypeVar("T")

YES = frozenset({"y", "yes", "是", "是的", "好", "确认", "对"})
NO = frozenset({"n", "no", "否", "不", "不是", "取消"})
NONE = "-"
"""The answer that leaves an optional field with a default empty."""


class LineIO:
    """Questions out, answers in, one line at a time.

    On a terminal (stdin and stdout both) ``input()`` reads the answer, with readline's line
    editing when available; otherwise the prompt goes to ``out`` and the answer — echoed
    there, so the transcript reads as a dialogue — comes from ``stdin``.
    """

    def __init__(self, stdin: TextIO, out: TextIO, *, terminal: bool = False) -> None:
        self.stdin = stdin
        self.out = out
        self.terminal = terminal
        self._open_line = False

    @classmethod
    def standard(cls) -> LineIO:
        """The process's stdin, with prompts and lists on stderr (stdout is for data)."""
        from kxplan.cli.env import Env

        terminal = Env.is_terminal(sys.stdin) and Env.is_terminal(sys.stdout)
        if terminal:
            try:
                import readline  # noqa: F401 - gives input() line editing
            except ImportError:  # pragma: no cover - Windows without pyreadline
                pass
        return cls(sys.stdin, sys.stderr, terminal=terminal)

    def say(self, text: str = "") -> None:
        """Write one line for the clerk."""
        self.end_line()
        self.out.write(text + "\n")
        self.out.flush()

    def ask(self, prompt: str) -> str:
        """One answer, without its line ending; ``EOFError`` at the end of the input."""
        self.out.flush()
        self._open_line = True
        if self.terminal:
            answer = input(prompt)
            self._open_line = False
            return answer
        self.out.write(prompt)
        self.out.flush()
        line = self.stdin.readline()
        if not line:
            raise EOFError
        answer = line.rstrip("\r\n")
        self.out.write(answer + "\n")
        self._open_line = False
        return answer

    def end_line(self) -> None:
        """Finish a question left open by Ctrl-C or the end of input."""
        if self._open_line:
            stream = sys.stdout if self.terminal else self.out
            stream.write("\n")
            stream.flush()
            self._open_line = False


def confirm(io: LineIO, question: str, *, default: bool) -> bool:
    """Ask a yes/no question until the answer is one (an empty answer takes ``default``)."""
    while True:
        answer = io.ask(question).strip().casefold()
        if not answer:
            return default
        if answer in YES:
            return True
        if answer in NO:
            return False
        io.say(t("add.yes_no"))


class Recorded(Protocol):
    """What is already in the store, for the rules that depend on it."""

    def counted(self, target_ids: tuple[str, ...], item: str) -> int | None:
        """The id of the live entry that already counts ``item`` for the target, or None."""

    def done(self, target_ids: tuple[str, ...]) -> tuple[int, date] | None:
        """The live entry (id, date) that marks a milestone done, or None."""


class NothingRecorded:
    """An empty store (none exists yet)."""

    def counted(self, target_ids: tuple[str, ...], item: str) -> int | None:
        """Nothing is counted yet."""
        return None

    def done(self, target_ids: tuple[str, ...]) -> tuple[int, date] | None:
        """Nothing is done yet."""
        return None


@dataclass(frozen=True)
class AddDefaults:
    """Who records, and the answers an empty reply takes."""

    by: str
    by_given: str | None = None
    date: date | None = None
    unit: str | None = None


class AddDialogue:
    """The questions of ``kxplan add`` for one plan; ``run`` returns the confirmed ``Draft``."""

    def __init__(
        self,
        plan: Plan,
        io: LineIO,
        validator: Validator,
        defaults: AddDefaults,
        recorded: Recorded | None = None,
    ) -> None:
        self.plan = plan
        self.io = io
        self.validator = validator
        self.defaults = defaults
        self.recorded: Recorded = recorded or NothingRecorded()
        self.points = {point.number: point for point in plan.points()}

    def run(self, start: str | None = None) -> Draft | None:
        """Ask everything; the validated draft when confirmed, None when declined."""
        from kxplan.errors import InputError

        self.io.say(t("add.intro"))
        target = self.choose_target(start)
        fields: dict[str, str | None] = {
            "target": target.id,
            "date": self.ask_date().isoformat(),
            "by": self.defaults.by_given,
        }
        if target.kind == "count":
            fields["amount"] = self.ask_amount(target)
            fields["item"] = self.ask_item(target)
        fields["note"] = self.ask_note(target)
        fields["unit"] = self.ask_unit()
        fields["evidence"] = self.ask_text("evidence", t("add.ask_evidence"))
        draft, problems = self.validator.check(fields)
        if draft is None:  # every answer was checked already; this is the same rule once more
            raise InputError(problems[0])
        self.show_summary(draft, target)
        return draft if confirm(self.io, t("add.confirm"), default=True) else None

    # choosing the target ------------------------------------------------------------------------
    def choose_target(self, start: str | None = None) -> Target:
        """The target: ``start`` when it is a valid id, else chosen from the lists."""
        if start:
            found, problem = self.validator.target(start)
            if found is not None and self.available(found):
                self.io.say(t("add.chosen", id=found.id, title=found.title))
                return found
            if problem:
                self.io.say(problem)
        while True:
            found = self.choose_from_points()
            if found is not None and self.available(found):
                return found

    def available(self, target: Target) -> bool:
        """False (saying why) for a milestone already marked done, as ``record`` refuses it."""
        if target.kind != "milestone":
            return True
        done = self.recorded.done(target.ids)
        if done is None:
            return True
        entry_id, day = done
        self.io.say(t("entry.milestone_done", target=target.id, id=entry_id, date=day.isoformat()))
        return False

    def choose_from_points(self) -> Target | None:
        """Step 1: a work point by number, or a search; None when the clerk went back."""
        points = self.plan.points()
        self.io.say(t("add.points_heading"))
        for listed in points:
            self.io.say(f"{listed.number:>4}. {listed.title}")
        while True:
            text = self.io.ask(t("add.prompt", question=t("add.ask_point"))).strip()
            if not text:
                self.io.say(t("add.empty_choice"))
                continue
            if text.isdecimal():
                point = self.points.get(int(text))
                if point is None:
                    self.io.say(t("add.no_number", number=text))
                    continue
                if len(point.targets) == 1:
                    return self.chosen(point.targets[0])
                heading = t("add.targets_heading", number=point.number, title=point.title)
                return self.choose_among(heading, list(point.targets))
            exact = self.validator.targets.get(text)
            if exact is not None:
                return self.chosen(exact)
            found = [target for target in self.plan.targets() if self.matches(target, text)]
            if not found:
                self.io.say(t("add.no_match", text=text))
            elif len(found) == 1:
                return self.chosen(found[0])
            else:
                return self.choose_among(t("add.matches", text=text), found)

    def choose_among(self, heading: str, candidates: list[Target]) -> Target | None:
        """Step 2: one of ``candidates`` by its number or by narrowing; None for 0 (back)."""
        self.io.say(heading)
        numbered = list(enumerate(candidates, start=1))
        self.list_targets(numbered)
        while True:
            text = self.io.ask(t("add.prompt", question=t("add.ask_target"))).strip()
            if not text:
                self.io.say(t("add.empty_choice"))
                continue
            if text.isdecimal():
                number = int(text)
                if number == 0:
                    return None
                if number <= len(candidates):
                    return self.chosen(candidates[number - 1])
                self.io.say(t("add.no_number", number=text))
                continue
            exact = self.validator.targets.get(text)
            if exact is not None:
                return self.chosen(exact)
            narrowed = [
                (n, target) for n, target in numbered if self.matches(target, text, point=False)
            ]
            if len(narrowed) == 1:
                return self.chosen(narrowed[0][1])
            if not narrowed:
                self.io.say(t("add.no_match", text=text))
                continue
            self.io.say(t("add.matches", text=text))
            self.list_targets(narrowed)

    def matches(self, target: Target, text: str, *, point: bool = True) -> bool:
        """Whether ``text`` is part of the target's id or title (or its work point's title)."""
        wanted = text.casefold()
        if wanted in target.id.casefold() or wanted in target.title.casefold():
            return True
        parent = self.points.get(target.point) if point else None
        return parent is not None and wanted in parent.title.casefold()

    def list_targets(self, numbered: Sequence[tuple[int, Target]]) -> None:
        """The numbered lines of a target list: number, id, title and commitment."""
        from kxplan.text import goal_text

        for number, target in numbered:
            line = t("add.target_line", id=target.id, title=target.title, goal=goal_text(target))
            self.io.say(f"{number:>4}. {line}")

    def chosen(self, target: Target) -> Target:
        """Say which target was taken, and return it."""
        self.io.say(t("add.chosen", id=target.id, title=target.title))
        return target

    # the other answers -----------------------------------------------------------------------
    def ask(
        self, question: str, default: str | None, check: Callable[[str], tuple[T, str | None]]
    ) -> T:
        """Ask until ``check`` accepts the answer (an empty answer takes ``default``)."""
        if default:
            prompt = t("add.prompt_default", question=question, default=default)
        else:
            prompt = t("add.prompt", question=question)
        while True:
            text = self.io.ask(prompt).strip()
            if not text and default:
                text = default
            value, problem = check(text)
            if problem is None:
                return value
            self.io.say(problem)

    def ask_date(self) -> date:
        """The date, inside the plan year."""

        def check(text: str) -> tuple[Any, str | None]:
            result = self.validator.date(text)
            return (None, result) if isinstance(result, str) else (result, None)

        default = self.defaults.date.isoformat() if self.defaults.date else None
        return self.ask(t("add.ask_date"), default, check)

    def ask_amount(self, target: Target) -> str:
        """A count's amount, as the text ``record`` would be given (default 1)."""

        def check(text: str) -> tuple[str, str | None]:
            result = self.validator.amount(target, text)
            return (text, result) if isinstance(result, str) else (text, None)

        return self.ask(t("add.ask_amount", unit=target.unit or ""), "1", check)

    def ask_item(self, target: Target) -> str | None:
        """A count's item name; one already counted for the target is refused, naming the entry."""
        from kxplan.entry import clean_text

        def check(text: str) -> tuple[str | None, str | None]:
            value, problem = clean_text("item", text)
            if problem is None and value is not None:
                earlier = self.recorded.counted(target.ids, value)
                if earlier is not None:
                    problem = t("entry.duplicate_item", target=target.id, item=value, id=earlier)
            return value, problem

        return self.ask(t("add.ask_item"), None, check)

    def ask_note(self, target: Target) -> str | None:
        """The note: required for an activity, optional otherwise."""
        from kxplan.entry import clean_text

        def check(text: str) -> tuple[str | None, str | None]:
            value, problem = clean_text("note", text)
            if problem is None and value is None and target.kind == "activity":
                problem = t("entry.note_required", target=target.id)
            return value, problem

        key = "add.ask_note_required" if target.kind == "activity" else "add.ask_note"
        return self.ask(t(key), None, check)

    def ask_unit(self) -> str | None:
        """The unit (default: the clerk's last one; ``-`` for none); a plan's units by number too."""
        from kxplan.entry import clean_text

        units = self.validator.units.units
        if units:
            self.io.say(t("add.units_heading"))
            for number, unit in enumerate(units, start=1):
                self.io.say(f"{number:>4}. {unit.name}  {unit.id}")

        def check(text: str) -> tuple[str | None, str | None]:
            if text == NONE:
                return None, None
            if units and text.isdecimal():
                number = int(text)
                if 1 <= number <= len(units):
                    return units[number - 1].id, None
                return None, t("add.no_number", number=text)
            value, problem = clean_text("unit", text)
            if problem is not None or value is None:
                return value, problem
            resolved, problem = self.validator.unit(value)
            return resolved, problem

        key = "add.ask_plan_unit" if units else "add.ask_unit"
        return self.ask(t(key), self.defaults.unit, check)

    def ask_text(self, name: str, question: str) -> str | None:
        """An optional free-text field."""
        from kxplan.entry import clean_text

        return self.ask(question, None, lambda text: clean_text(name, text))

    # the summary -----------------------------------------------------------------------------
    def show_summary(self, draft: Draft, target: Target) -> None:
        """The entry about to be written, one aligned field a line."""
        from kxplan.cli.term import Cell, Column, Row, Table, output_width
        from kxplan.numbers import format_number

        rows: list[tuple[str, str]] = [
            (t("label.log.target"), f"{target.id}  {target.title}"),
            (t("add.label_kind"), t(f"show.kind.{target.kind}")),
            (t("label.log.date"), draft.date.isoformat()),
        ]
        if target.kind == "count":
            rows.append(
                (t("label.log.amount"), f"{format_number(draft.amount)} {target.unit or ''}")
            )
        if target.kind == "milestone":
            rows.append(("", t("add.milestone_done_on")))
        optional = (
            ("label.log.item", draft.item),
            ("label.log.note", draft.note),
            ("label.log.unit", self.validator.units.name(draft.unit) if draft.unit else None),
            ("add.label_evidence", draft.evidence),
        )
        rows.extend((t(key), value) for key, value in optional if value)
        rows.append((t("label.log.by"), draft.by or self.defaults.by))
        self.io.say(t("add.summary_heading"))
        table = Table([Column(""), Column("")], margin=2, header=False, rule=False)
        summary = [Row([Cell(label), Cell(value)]) for label, value in rows]
        for line in table.render(summary, output_width(), colour=False):
            self.io.say(line)
