"""Printing helpers shared by the commands: plain lines, JSON, and rich views."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

from kxplan.cli.env import console
from kxplan.messages import t

if TYPE_CHECKING:
    from kxplan.plan import Plan


def echo(text: str = "") -> None:
    """Write a line of data to stdout."""
    sys.stdout.write(text + "\n")


def notice(text: str) -> None:
    """Write a line for people to stderr (notices, warnings)."""
    sys.stderr.write(text + "\n")


def print_json(data: Any) -> None:
    """Write data as UTF-8 JSON (Chinese kept readable), 2-space indented, to stdout."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def plan_tree(plan: Plan) -> None:
    """Render a plan as a tree: sections → points → targets."""
    from rich.markup import escape
    from rich.tree import Tree

    tree = Tree(f"[bold]{escape(plan.title)}[/] · {escape(plan.org)} · {plan.year}")
    for section in plan.sections:
        branch = tree.add(
            f"[bold]{t('label.section_n', n=section.number)} {escape(section.title)}[/]"
        )
        for point in section.points:
            leaf = branch.add(f"{point.number}. {escape(point.title)}")
            for target in point.targets:
                leaf.add(
                    f"[dim]{target.id}[/]  {escape(target.title)}  ({target_goal_text(target)})"
                )
    console().print(tree)


def target_goal_text(target: Any) -> str:
    """A target's commitment in words: goal with unit, due date, or ongoing."""
    if target.kind == "count":
        goal = format_number(target.goal)
        suffix = t("label.or_more") if target.or_more else ""
        return t("label.goal_count", goal=goal, unit=target.unit or "", or_more=suffix)
    if target.kind == "milestone":
        return t("label.goal_due", due=target.due.isoformat())
    return t("label.goal_activity")


def format_number(value: Any) -> str:
    """A Decimal without trailing zeros or exponent (10, 2.5)."""
    if value is None:
        return ""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
