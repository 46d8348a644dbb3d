"""kxplan.numbers and kxplan.text: the one implementation of each shared helper."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from kxplan import entry, messages, numbers, plan, progress, text
from kxplan.cli import output
from kxplan.numbers import decimal_json, format_number, percent, round1
from kxplan.plan import Target, parse
from kxplan.text import CONTROL_RE, ONE_LINE_CONTROL_RE, display_text, goal_text

D = Decimal
GOOD = Path(__file__).parent / "data" / "plans" / "good"


@pytest.fixture(autouse=True)
def _english():
    before = messages.get_language()
    messages.set_language("en")
    yield
    messages.set_language(before)


# --- numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, ""),
        (D(10), "10"),
        (D("2.50"), "2.5"),
        (D("1E+3"), "1000"),
        (D("0.000"), "0"),
        (D("-0"), "0"),
        (D("-0.0"), "0"),
        (D("0.001"), "0.001"),
        (7, "7"),
    ],
)
def test_format_number(value: Decimal | int | None, shown: str) -> None:
    assert format_number(value) == shown


def test_decimal_json() -> None:
    assert decimal_json(None) is None
    assert decimal_json(D("10")) == 10 and isinstance(decimal_json(D("10")), int)
    assert decimal_json(D("2.50")) == 2.5
    assert decimal_json(D("1E+3")) == 1000 and isinstance(decimal_json(D("1E+3")), int)


@pytest.mark.parametrize(
    ("value", "rounded"),
    [("0.05", "0.1"), ("0.04", "0.0"), ("2.25", "2.3"), ("-0.05", "-0.1"), ("12.35", "12.4")],
)
def test_round1_rounds_half_up(value: str, rounded: str) -> None:
    assert str(round1(D(value))) == rounded


def test_round1_works_for_any_size() -> None:
    huge = D("1" + "0" * 40 + ".05")
    assert round1(huge) == D("1" + "0" * 40 + ".1")
    assert round1(D("1E+40")) == D("1E+40")
    assert percent(D(1), D("1E-40")) == D("1E+42")  # was decimal.InvalidOperation


def test_percent() -> None:
    assert percent(D(1), D(3)) == D("33.3")
    assert percent(D(2), D(3)) == D("66.7")
    assert str(percent(D(0), D(5))) == "0.0"


def test_each_helper_has_one_implementation_under_one_name() -> None:
    # callers import these from kxplan.numbers and kxplan.text; no module renames them
    for module, names in (
        (entry, ("format_amount", "number_json")),
        (output, ("format_number", "target_goal_text")),
    ):
        assert not [name for name in names if hasattr(module, name)], module.__name__
    assert plan.decimal_json is entry.decimal_json is numbers.decimal_json
    assert progress.round1 is numbers.round1
    # output imports goal_text when it draws a plan tree (lazily): never a copy of its own
    assert getattr(output, "goal_text", text.goal_text) is text.goal_text


# --- control characters ------------------------------------------------------------------------

#: Every character refused in free text and removed from displayed text.
REFUSED = [
    "\x00",
    "\x07",
    "\x1b",
    "\r",
    "\x7f",
    "\x85",
    "\u2028",
    "\u2029",
    "\u202a",
    "\u202e",
    "\u2066",
    "\u2069",
    "\ufeff",
]


def test_the_control_characters() -> None:
    for char in REFUSED:
        assert CONTROL_RE.search(char) and ONE_LINE_CONTROL_RE.search(char), repr(char)
    for char in "\t\n":
        assert not CONTROL_RE.search(char) and ONE_LINE_CONTROL_RE.search(char)
    for char in "a 中\u00a0\u200d\u3000…":
        assert not ONE_LINE_CONTROL_RE.search(char), repr(char)


@pytest.mark.parametrize("char", REFUSED, ids=[f"U+{ord(c):04X}" for c in REFUSED])
def test_plans_entries_and_reports_agree_on_control_characters(char: str) -> None:
    source = (GOOD / "minimal.yaml").read_text(encoding="utf-8")
    escaped = f'"培育\\u{ord(char):04x}学会"'  # a YAML escape: the file itself stays clean
    loaded, problems = parse(
        source.replace("title: 培育综合示范学会", f"title: {escaped}").encode(), "p"
    )
    assert loaded is None
    assert [p.message for p in problems] == ["title contains a control character; remove it"]
    assert entry.clean_text("note", f"走访{char}企业")[1] is not None
    assert entry.clean_text("item", f"走访{char}企业")[1] is not None
    assert display_text(f"走访{char}企业") in ("走访企业", "走访\n企业")


def test_display_text() -> None:
    assert display_text(None) == display_text("") == ""
    assert display_text(" a\tb\r\nc\rd \x1b[31m\u202e ") == "a b\nc\nd [31m"
    assert display_text("一二三四五", limit=4) == "一二三…"
    assert display_text("一二三四", limit=4) == "一二三四"


# --- goal text ----------------------------------------------------------------------------------


def test_goal_text_in_every_kind() -> None:
    count = Target("p1.a", "count", "t", 1, goal=D("2.50"), unit="个", or_more=True)
    assert goal_text(count) == "goal 2.5 个 or more"
    assert goal_text(count, "report.goal_count") == "2.5 个 or more"
    messages.set_language("zh")
    assert goal_text(count) == "目标 2.5个以上"
    messages.set_language("en")
    due = Target("p1.b", "milestone", "t", 1, due=date(2019, 9, 30))
    assert goal_text(due) == "due 2019-09-30"
    assert goal_text(Target("p1.c", "milestone", "t", 1)) == "ongoing"  # no due: no crash
    assert goal_text(Target("p1.d", "activity", "t", 1)) == "ongoing"
