"""The plan loader-validator: the real 2019 plan, and one bad plan per validation rule.

The bad plans live in ``tests/data/plans/bad/NAME.yaml``; each has its exact English
``file:line:column: message`` lines in ``NAME.expected``. After a deliberate change of
wording, regenerate them with ``KXPLAN_UPDATE_EXPECTED=1 pytest tests/test_plan.py`` and
review the diff.
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from kxplan.errors import PlanError
from kxplan.messages import get_language, set_language
from kxplan.plan import ID_RE, MAX_GOAL, Plan, check, find_default, load, parse

ROOT = Path(__file__).resolve().parents[1]
PLAN_2019 = ROOT / "plans" / "2019.yaml"
DATA = Path(__file__).parent / "data" / "plans"
BAD = DATA / "bad"
GOOD = DATA / "good"
BAD_CASES = sorted(path.stem for path in BAD.glob("*.yaml"))
GOOD_CASES = sorted(path.stem for path in GOOD.glob("*.yaml"))
UPDATE = os.environ.get("KXPLAN_UPDATE_EXPECTED") == "1"


@pytest.fixture(autouse=True)
def english():
    """Messages in English for the duration of each test."""
    before = get_language()
    set_language("en")
    yield
    set_language(before)


@pytest.fixture(scope="module")
def plan2019() -> Plan:
    return load(PLAN_2019)


def expected_lines(name: str) -> list[str]:
    """The expected problem lines of bad case ``name`` (see the module docstring)."""
    return (BAD / f"{name}.expected").read_text(encoding="utf-8").splitlines()


# --- the 2019 plan -----------------------------------------------------------------------------


def test_2019_metadata(plan2019: Plan) -> None:
    assert plan2019.org == "嘉兴市科学技术协会"
    assert plan2019.title == "嘉兴市科协2019年工作要点"
    assert plan2019.year == 2019
    assert plan2019.lang == "zh"
    assert (plan2019.on_track, plan2019.behind) == (Decimal("0.10"), Decimal("0.25"))
    assert plan2019.path == str(PLAN_2019)
    assert re.fullmatch(r"[0-9a-f]{64}", plan2019.digest)


def test_2019_has_5_sections_and_15_points_numbered_in_order(plan2019: Plan) -> None:
    assert [section.number for section in plan2019.sections] == [1, 2, 3, 4, 5]
    assert [point.number for point in plan2019.points()] == list(range(1, 16))
    assert [len(section.points) for section in plan2019.sections] == [3, 3, 3, 3, 3]
    assert all(section.title and section.points for section in plan2019.sections)
    assert all(point.title and point.text and point.targets for point in plan2019.points())


@pytest.mark.parametrize(
    ("target_id", "kind", "goal", "or_more", "due"),
    [
        ("p3.model-societies", "count", 5, False, None),
        ("p4.workstations", "count", 10, True, None),
        ("p9.outreach-bases", "count", 10, False, None),
        ("p10.expert-visits", "count", 100, False, None),
        ("p14.workers-befriended", "count", 10000, False, None),
        ("p14.workers-day", "milestone", None, False, date(2019, 5, 30)),
    ],
)
def test_2019_fixed_targets(
    plan2019: Plan,
    target_id: str,
    kind: str,
    goal: int | None,
    or_more: bool,
    due: date | None,
) -> None:
    target = plan2019.target(target_id)
    assert target is not None
    assert target.kind == kind
    assert target.goal == (None if goal is None else Decimal(goal))
    assert target.or_more is or_more
    assert target.due == due
    if kind == "count":
        assert target.unit
        assert target.schedule is None or target.schedule[-1] == target.goal


def test_2019_science_day_is_a_september_milestone(plan2019: Plan) -> None:
    target = plan2019.target("p7.science-day")
    assert target is not None and target.kind == "milestone"
    assert target.due is not None and (target.due.year, target.due.month) == (2019, 9)


def test_2019_ids_are_unique_and_belong_to_their_point(plan2019: Plan) -> None:
    ids = [target.id for target in plan2019.targets()]
    assert len(ids) == len(set(ids)) == 43
    for point in plan2019.points():
        for target in point.targets:
            assert ID_RE.match(target.id)
            assert target.id.startswith(f"p{point.number}.")
            assert target.point == point.number
            assert plan2019.target(target.id) is target


def test_2019_milestones_fall_in_the_plan_year(plan2019: Plan) -> None:
    milestones = [target for target in plan2019.targets() if target.kind == "milestone"]
    assert milestones
    assert all(target.due and target.due.year == 2019 for target in milestones)


def test_2019_has_no_aliases(plan2019: Plan) -> None:
    assert plan2019.aliases() == {}


def test_aliases_map_old_ids_to_the_current_one() -> None:
    plan = load(GOOD / "renamed.yaml")
    assert plan.aliases() == {
        "p1.societies": "p1.model-societies",
        "p1.model-society": "p1.model-societies",
        "p1.rating": "p1.star-rating",
    }


def test_to_dict_key_names_and_plan_order(plan2019: Plan) -> None:
    data = plan2019.to_dict()
    assert list(data) == ["plan"]
    top = data["plan"]
    assert list(top) == ["org", "title", "year", "lang", "units", "sections"]
    assert top["units"][1] == {
        "id": "nanhu",
        "name": "南湖区科协",
        "kind": "county",
        "aliases": ["南湖科协", "南湖区", "南湖区科学技术协会"],
    }
    assert (top["org"], top["year"], top["lang"]) == ("嘉兴市科学技术协会", 2019, "zh")
    assert [section["number"] for section in top["sections"]] == [1, 2, 3, 4, 5]
    points = [point for section in top["sections"] for point in section["points"]]
    targets = [target for point in points for target in point["targets"]]
    assert all(list(section) == ["number", "title", "points"] for section in top["sections"])
    point_keys = ["number", "title", "text", "owner", "owner_unit", "targets"]
    assert all(list(point) == point_keys for point in points)
    assert (points[3]["owner"], points[3]["owner_unit"]) == ("市科协学会部", "societies")
    keys = ["id", "kind", "title", "goal", "unit", "decimals", "or_more", "schedule", "due"]
    keys += ["owner", "owner_unit", "allocation"]
    assert all(list(target) == keys for target in targets)
    assert [point["number"] for point in points] == list(range(1, 16))
    assert [target["id"] for target in targets] == [t.id for t in plan2019.targets()]
    by_id = {target["id"]: target for target in targets}
    assert by_id["p4.workstations"] == {
        "id": "p4.workstations",
        "kind": "count",
        "title": "新认定市级院士专家工作站",
        "goal": 10,
        "unit": "家",
        "decimals": 0,
        "or_more": True,
        "schedule": [2, 5, 8, 10],
        "due": None,
        "owner": None,
        "owner_unit": None,
        "allocation": None,
    }
    assert by_id["p9.outreach-bases"]["allocation"] == {
        "nanhu": 2,
        "xiuzhou": 1,
        "jiashan": 1,
        "pinghu": 1,
        "haiyan": 1,
        "haining": 2,
        "tongxiang": 2,
    }
    assert by_id["p14.workers-day"]["due"] == "2019-05-30"
    assert by_id["p14.workers-day"]["goal"] is None
    assert by_id["p1.warm-enterprises"]["schedule"] is None


def test_a_loaded_plan_knows_its_file_and_finds_its_targets() -> None:
    data = (GOOD / "minimal.yaml").read_bytes()
    plan, problems = parse(data, "minimal.yaml")
    assert problems == [] and plan is not None
    assert (plan.path, len(plan.digest)) == ("minimal.yaml", 64)
    assert plan.target("p1.model-societies") is plan.targets()[0]


# --- goal and schedule values: size and precision --------------------------------------------


def _count_target(goal: str, schedule: str | None = None, decimals: str | None = "3") -> bytes:
    text = (GOOD / "minimal.yaml").read_text(encoding="utf-8")
    text = text.replace("goal: 5", f"goal: {goal}")
    extra = f"\n            decimals: {decimals}" if decimals is not None else ""
    text = text.replace(
        "schedule: [1, 2, 4, 5]", f"schedule: {schedule or f'[0, 0, 0, {goal}]'}{extra}"
    )
    return text.encode("utf-8")


@pytest.mark.parametrize(
    ("goal", "message"),
    [
        ("1" + "0" * 40, "is too large; the largest is 1000000000000"),
        ("0." + "0" * 40 + "1", "has more than 3 decimal places; write at most 3"),
        ("1.0e+5000", "is too large; the largest is 1000000000000"),
        ("2.0005", "has more than 3 decimal places; write at most 3"),
    ],
)
def test_goals_are_bounded_in_size_and_decimals(goal: str, message: str) -> None:
    plan, problems = parse(_count_target(goal), "plan.yaml")
    assert plan is None
    assert [str(p) for p in problems] == [
        f"plan.yaml:22:19: goal {goal} {message}",
        f"plan.yaml:24:33: schedule {goal} {message}",
    ]


def test_goals_at_the_limits_are_accepted_and_shown_as_json() -> None:
    plan, problems = parse(
        _count_target("1000000000000", "[0.001, 2.5, 2.750, 1000000000000]"), "p"
    )
    assert problems == [] and plan is not None
    target = plan.target("p1.model-societies")
    assert target.goal == MAX_GOAL
    assert target.schedule == (Decimal("0.001"), Decimal("2.5"), Decimal("2.75"), MAX_GOAL)
    shown = json.loads(json.dumps(plan.to_dict()))
    assert shown["plan"]["sections"][0]["points"][0]["targets"][0]["goal"] == 10**12
    assert shown["plan"]["sections"][0]["points"][0]["targets"][0]["decimals"] == 3


@pytest.mark.parametrize(
    ("goal", "schedule", "decimals", "problems"),
    [
        # whole counts unless the plan says otherwise (issue 13 rule 4)
        ("5", "[1, 2, 4, 5]", None, []),
        ("5.0", "[1, 2, 4, 5]", None, []),  # 5.0 is the whole number 5
        (
            "2.5",
            "[0, 1, 2, 2.5]",
            None,
            [
                "plan.yaml:22:19: goal 2.5 is not a whole number, but p1.model-societies counts"
                " whole 个; write a whole number, or add `decimals: 1` (or 2, 3) to the target"
                " if 个 can be divided",
                "plan.yaml:24:33: schedule 2.5 is not a whole number, but p1.model-societies"
                " counts whole 个; write a whole number, or add `decimals: 1` (or 2, 3) to the"
                " target if 个 can be divided",
            ],
        ),
        (
            "5",
            "[0.5, 2, 4, 5]",
            "0",
            [
                "plan.yaml:24:24: schedule 0.5 is not a whole number, but p1.model-societies"
                " counts whole 个; write a whole number, or add `decimals: 1` (or 2, 3) to the"
                " target if 个 can be divided"
            ],
        ),
        ("2.5", "[0, 1, 2, 2.5]", "1", []),
        ("2.25", "[0, 1, 2, 2.25]", "2", []),
        (
            "2.25",
            "[0, 1, 2, 2.25]",
            "1",
            [
                "plan.yaml:22:19: goal 2.25 has more decimal places than p1.model-societies"
                " allows (1); round it, or raise `decimals`",
                "plan.yaml:24:33: schedule 2.25 has more decimal places than p1.model-societies"
                " allows (1); round it, or raise `decimals`",
            ],
        ),
        (
            "5",
            "[1, 2, 4, 5]",
            "4",
            [
                "plan.yaml:25:23: decimals must be 0, 1, 2 or 3, not 4 (amounts are kept to 3"
                " decimal places)"
            ],
        ),
        (
            "5",
            "[1, 2, 4, 5]",
            "-1",
            [
                "plan.yaml:25:23: decimals must be 0, 1, 2 or 3, not -1"
                " (amounts are kept to 3 decimal places)"
            ],
        ),
        (
            "5",
            "[1, 2, 4, 5]",
            "1.5",
            ["plan.yaml:25:23: decimals must be a whole number, not '1.5'"],
        ),
        (
            "5",
            "[1, 2, 4, 5]",
            "'1'",
            [
                "plan.yaml:25:23: decimals: '1' is in quotes, so YAML reads it as text;"
                " remove the quotes"
            ],
        ),
    ],
)
def test_whole_counts_and_decimals(
    goal: str, schedule: str, decimals: str | None, problems: list[str]
) -> None:
    plan, found = parse(_count_target(goal, schedule, decimals), "plan.yaml")
    assert [str(p) for p in found] == problems
    if not problems:
        assert plan is not None
        target = plan.target("p1.model-societies")
        assert target.decimals == int(decimals or 0)


def test_decimals_is_only_for_counts() -> None:
    text = (GOOD / "minimal.yaml").read_text(encoding="utf-8")
    text = text.replace("due: 2020-10-31", "due: 2020-10-31\n            decimals: 1")
    plan, problems = parse(text.encode("utf-8"), "plan.yaml")
    assert plan is None
    assert [str(p) for p in problems] == [
        "plan.yaml:29:23: decimals does not apply to milestone targets; remove it"
    ]


def test_the_yaml_character_check_is_compiled_only_when_a_plan_is_read() -> None:
    code = (
        "import kxplan.plan_yaml as p; before = p._bad_char_re.cache_info().currsize; "
        "p.parse(b'x: 1', 'x'); print(before, p._bad_char_re.cache_info().currsize)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.split() == ["0", "1"], result.stderr


# --- the bad-plan corpus -------------------------------------------------------------------------


def test_corpus_is_complete() -> None:
    """Every bad plan has its expected output and every expected output has its plan."""
    assert len(BAD_CASES) >= 50
    expected = sorted(path.stem for path in BAD.glob("*.expected"))
    assert expected == BAD_CASES


@pytest.mark.parametrize("name", BAD_CASES)
def test_bad_plan(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BAD)
    plan, problems = check(f"{name}.yaml")
    lines = [str(problem) for problem in problems]
    if UPDATE:
        (BAD / f"{name}.expected").write_text("".join(f"{line}\n" for line in lines), "utf-8")
    assert plan is None
    assert lines == expected_lines(name)
    assert problems == sorted(problems, key=lambda p: (p.line, p.column))
    with pytest.raises(PlanError) as raised:
        load(f"{name}.yaml")
    assert raised.value.problems == problems
    assert raised.value.message == (
        f"{name}.yaml has {len(problems)} problem(s); run: kxplan plan check {name}.yaml"
    )


@pytest.mark.parametrize("name", GOOD_CASES)
def test_good_plan(name: str) -> None:
    plan, problems = check(GOOD / f"{name}.yaml")
    assert problems == []
    assert plan is not None and plan.targets()


def test_bom_and_crlf_read_like_the_plain_file() -> None:
    plain = load(GOOD / "crlf.yaml")
    with_bom = load(GOOD / "bom.yaml")
    assert plain.to_dict() == with_bom.to_dict()
    assert with_bom.target("p1.model-societies").goal == Decimal(5)


def test_safe_looking_values_keep_their_text() -> None:
    plan = load(GOOD / "edge-values.yaml")
    target = plan.target("p1.model-societies")
    assert (target.title, target.unit, target.owner) == ("no", "10", "2019-05-30")
    assert target.goal == Decimal("2.5")
    assert target.schedule == (Decimal(0), Decimal(0), Decimal("1.5"), Decimal("2.5"))
    assert plan.target("p1.gala").title == "科普盛典: 首届"
    assert plan.target("p1.star-rating").owner == "<<"
    assert plan.lang == "zh"


def test_many_problems_are_all_reported() -> None:
    _, problems = check(BAD / "many-problems.yaml")
    assert len(problems) >= 12
    assert len({problem.message.split(" ")[0] for problem in problems}) >= 8
    assert [p.line for p in problems] == sorted(p.line for p in problems)


def test_billion_laughs_is_refused_fast() -> None:
    started = time.perf_counter()
    _, problems = check(BAD / "billion-laughs.yaml")
    assert time.perf_counter() - started < 1.0
    assert problems and all("aliases" in problem.message for problem in problems)


def test_a_bigger_alias_bomb_is_refused_fast() -> None:
    levels = ['a0: &a0 "' + "x" * 100 + '"']
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 30)}]" for i in range(1, 31)]
    started = time.perf_counter()
    plan, problems = parse("\n".join(levels).encode(), "bomb.yaml")
    assert time.perf_counter() - started < 1.0
    assert plan is None and len(problems) == 31 + 30 * 30


def test_python_tags_run_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    marker = tmp_path / "pwned"

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("the plan loader ran code from a YAML tag")

    monkeypatch.setattr(os, "system", forbidden)
    monkeypatch.setattr("subprocess.check_call", forbidden)
    text = (
        f'org: !!python/object/apply:os.system ["touch {marker}"]\n'
        f"title: !!python/object/apply:subprocess.check_call [[touch, {marker}]]\n"
        "year: !!python/object/new:int [2019]\n"
        "sections: !!python/name:os.system\n"
    )
    plan, problems = parse(text.encode(), "tags.yaml")
    assert plan is None
    assert [(p.line, p.message.split("'")[1]) for p in problems] == [
        (1, "!!python/object/apply:os.system"),
        (2, "!!python/object/apply:subprocess.check_call"),
        (3, "!!python/object/new:int"),
        (4, "!!python/name:os.system"),
    ]
    assert not marker.exists()


def test_messages_follow_the_language() -> None:
    set_language("zh")
    _, problems = check(BAD / "numbers-duplicate.yaml")
    assert [problem.message for problem in problems] == [
        "部分编号 1 重复（首次出现在第 7 行）",
        "要点编号 1 重复（首次出现在第 10 行）",
    ]


def test_missing_and_unreadable_files_raise(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match="does not exist") as raised:
        check(tmp_path / "nope.yaml")
    assert raised.value.problems == []
    with pytest.raises(PlanError, match="is a directory; give a YAML file"):
        check(tmp_path)


def test_plan_check_reports_unreadable_files_and_checks_the_others(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from kxplan.cli import app

    missing, folder = tmp_path / "nope.yaml", tmp_path / "plans"
    folder.mkdir()
    files = [missing, GOOD / "minimal.yaml", folder, BAD / "goal-not-positive.yaml"]
    env = {"KXPLAN_LANG": "en", "KXPLAN_PLAN": None, "KXPLAN_DB": None}
    runner = CliRunner()
    result = runner.invoke(app, ["plan", "check", *map(str, files)], env=env)
    assert result.exit_code == 1 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[:2] == [
        f"{missing}:1:1: no such file",
        f"{folder}:1:1: plan file {folder} is a directory; give a YAML file with --plan",
    ]
    assert [line.split(":", 1)[0] for line in lines[2:]] == [
        str(BAD / "goal-not-positive.yaml")
    ] * 2
    as_json = runner.invoke(app, ["plan", "check", "--json", *map(str, files)], env=env)
    assert as_json.exit_code == 1
    problems = json.loads(as_json.stdout)
    assert [(p["file"], p["line"], p["column"]) for p in problems[:2]] == [
        (str(missing), 1, 1),
        (str(folder), 1, 1),
    ]
    assert len(problems) == 4


def test_the_format_documents_example_is_valid() -> None:
    doc = (ROOT / "docs" / "plan-format.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(.*?)```", doc, re.DOTALL)
    assert example is not None
    plan, problems = parse(example.group(1).encode(), "plan-format.md")
    assert problems == []
    assert plan is not None and [t.kind for t in plan.targets()] == [
        "count",
        "milestone",
        "activity",
    ]


# --- default plan discovery ----------------------------------------------------------------------


def test_find_default(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match="no plans/"):
        find_default(tmp_path, 2019)
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "2018.yaml").write_text("")
    assert find_default(tmp_path, 2019) == plans / "2018.yaml"
    (plans / "2019.yaml").write_text("")
    assert find_default(tmp_path, 2019) == plans / "2019.yaml"
    with pytest.raises(PlanError, match="2018.yaml, 2019.yaml; choose one with --plan"):
        find_default(tmp_path, 2020)


# --- robustness ----------------------------------------------------------------------------------

_HAZARDS = [b"&a ", b"*a", b"!!python/name:x ", b"\t", b": ", b"[", b"{", b"'", b'"', b"no"]
_HAZARDS += [b"010", b".nan", b"2019-02-30", b"~", b"<<: ", b"---\n", b"\x00", b"\xff", b"#", b"|"]


def test_mangled_plans_never_crash_the_validator() -> None:
    """Random edits of the real plan: always a plan or problems, never an exception."""
    rng = random.Random(2019)
    lines = PLAN_2019.read_bytes().split(b"\n")
    for _ in range(200):
        mangled = list(lines)
        for _ in range(rng.randint(1, 4)):
            index = rng.randrange(len(mangled))
            choice = rng.random()
            if choice < 0.3:
                del mangled[index]
            elif choice < 0.5:
                mangled.insert(index, rng.choice(lines))
            else:
                line = mangled[index]
                cut = rng.randint(0, len(line))
                mangled[index] = line[:cut] + rng.choice(_HAZARDS) + line[cut:]
        plan, problems = parse(b"\n".join(mangled), "mangled.yaml")
        assert (plan is None) == bool(problems)
        assert all(problem.line >= 1 and problem.column >= 1 for problem in problems)
