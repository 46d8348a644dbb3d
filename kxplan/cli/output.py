"""Printing helpers shared by the commands: plain lines, JSON, and rich views."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from kxplan.cli.env import console
from kxplan.text import goal_text, section_heading

if TYPE_CHECKING:
    from kxplan.plan import Plan


def echo(text: str = "") -> None:
    """Write a line of data to stdout."""
    sys.stdout.write(text + "\n")


def notice(text: str) -> None:
    """Write a line for people to stderr (notices, warnings)."""
    sys.stderr.write(text + "\n")


def shown(text: str | None) -> str:
    """Stored text safe for a terminal: line breaks and tabs as spaces, other control and
    bidirectional-override characters as U+FFFD (ESC, BEL, CR… written by another tool)."""
    if not text:
        return ""
    from kxplan.text import CONTROL_RE

    for line_break in ("\r\n", "\r", "\n", "\t"):
        text = text.replace(line_break, " ")
    return CONTROL_RE.sub("\ufffd", text)


def print_json(data: Any) -> None:
    """Write data as UTF-8 JSON (Chinese kept readable), 2-space indented, to stdout."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def json_array(items: Iterable[Any]) -> Iterator[str]:
    """A JSON array written item by item: the text of ``print_json(list(items))``, in pieces.

    A listing of any length is written as it is read, in bounded memory.
    """
    opening = "[\n"
    for item in items:
        text = json.dumps(item, ensure_ascii=False, indent=2)
        yield opening + "  " + text.replace("\n", "\n  ")
        opening = ",\n"
    yield "[]\n" if opening == "[\n" else "\n]\n"


def plan_tree(plan: Plan) -> None:
    """Render a plan as a tree: sections → points → targets."""
    from rich.markup import escape
    from rich.tree import Tree

    tree = Tree(f"[bold]{escape(plan.title)}[/] · {escape(plan.org)} · {plan.year}")
    for section in plan.sections:
        branch = tree.add(f"[bold]{escape(section_heading(section.number, section.title))}[/]")
        for point in section.points:
            leaf = branch.add(f"{point.number}. {escape(point.title)}")
            for target in point.targets:
                leaf.add(f"[dim]{target.id}[/]  {escape(target.title)}  ({goal_text(target)})")
    console().print(tree)
