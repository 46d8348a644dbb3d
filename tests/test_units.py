"""Units: the plan's ``units:`` and allocations, the one resolver, and every place a unit is typed.

``record``, ``add``, ``import``, ``log --unit`` and completion take a unit's id, name or alias
and store the canonical id; anything else is refused in one line with the nearest unit; old
free-text units are never rewritten, count when they are a unit's name or alias, and are
listed by ``kxplan check`` otherwise.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA, ENTRY_ENV, app, file_digest
from typer.testing import CliRunner

from kxplan import messages, progress
from kxplan.entry import DailyTotal, UnitTotal
from kxplan.plan import Allocation, Unit, load
from kxplan.text import comparable
from kxplan.units import UnitResolver, label

PLAN = DATA / "units" / "plan.yaml"
GOOD_UNITS = DATA / "plans" / "good" / "units.yaml"
PLAN_2019 = Path(__file__).resolve().parents[1] / "plans" / "2019.yaml"
D = Decimal


@pytest.fixture(autouse=True)
def _english(keep_language: None) -> None:
    messages.set_language("en")


@pytest.fixture
def kx(kx: Any) -> Any:
    """``kxplan`` in English (the test plans say ``lang: zh``)."""

    def run(*args: str, **kwargs: Any) -> Any:
        return kx(*args, **{"KXPLAN_LANG": "en", **kwargs})

    return run


@pytest.fixture
def resolver() -> UnitResolver:
    return load(PLAN).unit_resolver()


def no_units_plan(tmp_path: Path) -> Path:
    """The test plan without its units and allocations (as before the plan had units)."""
    text = PLAN.read_text(encoding="utf-8")
    start, end = text.index("units:\n"), text.index("sections:\n")
    text = text[:start] + text[end:]
    text = text.replace("        owner: societies\n", "        owner: 学会部\n")
    lines = text.splitlines(keepends=True)
    kept, skipping = [], False
    for line in lines:
        if line.strip() == "allocation:":
            skipping = True
            continue
        if skipping and line.startswith("              "):
            continue
        skipping = False
        kept.append(line)
    path = tmp_path / "no-units.yaml"
    path.write_text("".join(kept), encoding="utf-8")
    return path


# --- one normalisation --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "compared"),
    [
        ("xiuzhou", "xiuzhou"),
        ("Xiuzhou", "xiuzhou"),
        ("ＸＩＵＺＨＯＵ", "xiuzhou"),  # full-width, from a Chinese input method
        ("  秀洲区科协 ", "秀洲区科协"),
        ("秀洲区\u3000\u3000科协", "秀洲区 科协"),  # ideographic spaces collapse to one
        ("a\t b\n c", "a b c"),
        ("", ""),
    ],
)
def test_comparable(typed: str, compared: str) -> None:
    assert comparable(typed) == compared


# --- the plan -----------------------------------------------------------------------------------


def test_units_owners_and_allocations_are_read() -> None:
    plan = load(PLAN)
    assert [unit.id for unit in plan.units] == [
        "jiaxing",
        "nanhu",
        "xiuzhou",
        "haining",
        "societies",
    ]
    assert plan.units[1] == Unit("nanhu", "南湖区科协", "county", ("南湖科协", "南湖区"), 15)
    point1, point2 = plan.points()
    # an owner written as an alias or as an id: the unit's name and id
    assert (point1.owner, point1.owner_unit) == ("市科协学会部", "societies")
    assert (point2.owner, point2.owner_unit) == ("市科协学会部", "societies")
    friends = plan.target("p1.friends")
    assert friends is not None
    assert friends.allocation == (
        Allocation("jiaxing", D(100)),
        Allocation("nanhu", D(300)),
        Allocation("xiuzhou", D(300)),
        Allocation("haining", D(300)),
    )
    bases = plan.target("p1.bases")
    assert bases is not None and bases.allocated() == 11 and bases.goal == 10  # over-allocated
    assert [t.id for t in plan.allocated_targets()] == ["p1.friends", "p1.bases"]


def test_a_target_as_one_unit_carries_it() -> None:
    friends = load(PLAN).target("p1.friends")
    assert friends is not None
    mine = friends.for_unit("xiuzhou")
    assert (mine.goal, mine.schedule, mine.allocation) == (D(300), (60, 150, 225, 300), ())
    assert (mine.id, mine.unit, mine.title) == (friends.id, friends.unit, friends.title)
    with pytest.raises(ValueError):
        friends.for_unit("societies")


def test_allocations_follow_the_units_order_and_owners_any_spelling() -> None:
    plan = load(GOOD_UNITS)
    societies = plan.target("p1.model-societies")
    assert societies is not None
    assert [share.unit for share in societies.allocation] == ["nanhu", "xiuzhou"]
    funds = plan.target("p1.funds")
    assert funds is not None  # a goal with decimals takes allocations with decimals
    assert funds.allocation == (Allocation("nanhu", D("0.25")), Allocation("societies", D("12.5")))
    rating = plan.target("p1.star-rating")
    assert rating is not None and (rating.owner, rating.owner_unit) == ("南湖区科协", "nanhu")


def test_the_2019_plan_units_and_allocations() -> None:
    plan = load(PLAN_2019)
    counties = [unit.id for unit in plan.units if unit.kind == "county"]
    assert counties == ["nanhu", "xiuzhou", "jiashan", "pinghu", "haiyan", "haining", "tongxiang"]
    city = plan.unit("jiaxing")
    assert city is not None and (city.name, city.kind) == ("嘉兴市科协", "city")
    assert {"市科协", "市科协本级"} <= set(city.aliases)
    # every owner is a department unit
    owners = {point.owner_unit for point in plan.points()}
    assert owners == {"office", "personnel", "societies", "popsci", "research"}
    assert all(plan.unit(o).kind == "department" for o in owners)  # type: ignore[union-attr]
    workers = plan.target("p14.workers-befriended")
    bases = plan.target("p9.outreach-bases")
    assert workers is not None and bases is not None
    assert {share.unit for share in workers.allocation} == {"jiaxing", *counties}
    assert workers.allocated() == 10000 == workers.goal
    assert {share.unit for share in bases.allocation} == set(counties)
    assert bases.allocated() == 10 == bases.goal
    text = PLAN_2019.read_text(encoding="utf-8")
    assert text.count("为办公室的安排") >= 2  # the split is marked as the office's choice


# --- the resolver ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "xiuzhou",
        "秀洲区科协",
        "秀洲科协",
        "秀洲区",
        " 秀洲区 ",
        "XIUZHOU",
        "ｘｉｕｚｈｏｕ",
        "Xiuzhou",
    ],
)
def test_every_spelling_of_a_unit_resolves_to_its_id(resolver: UnitResolver, typed: str) -> None:
    assert resolver.resolve(typed) == ("xiuzhou", None)
    assert resolver.canonical(typed) == "xiuzhou"
    assert resolver.name(typed) == "秀洲区科协"


@pytest.mark.parametrize(
    ("typed", "lang", "message"),
    [
        ("秀洲区科协会", "zh", "未知的单位“秀洲区科协会”；您是否想输入 秀洲区科协（xiuzhou）？"),
        ("秀州区科协", "zh", "未知的单位“秀州区科协”；您是否想输入 秀洲区科协（xiuzhou）？"),
        ("秀州区科协", "en", 'unknown unit "秀州区科协"; did you mean 秀洲区科协 (xiuzhou)?'),
        ("xiuzou", "en", 'unknown unit "xiuzou"; did you mean 秀洲区科协 (xiuzhou)?'),
        ("海宁", "zh", "未知的单位“海宁”；您是否想输入 海宁市科协（haining）？"),
        ("学会", "en", 'unknown unit "学会"; did you mean 市科协学会部 (societies)?'),
        (
            "财务处",
            "en",
            'unknown unit "财务处"; type a unit\'s id, name or alias'
            " (ids: jiaxing, nanhu, xiuzhou, haining, societies)",
        ),
        (
            "财务处",
            "zh",
            "未知的单位“财务处”；请输入单位代码、名称或别名"
            "（单位代码：jiaxing, nanhu, xiuzhou, haining, societies）",
        ),
    ],
)
def test_unknown_units_are_refused_with_the_nearest_one(
    resolver: UnitResolver, typed: str, lang: str, message: str
) -> None:
    messages.set_language(lang)
    assert resolver.resolve(typed) == (None, message)


def test_a_plan_without_units_keeps_free_text(tmp_path: Path) -> None:
    resolver = load(no_units_plan(tmp_path)).unit_resolver()
    assert resolver.free
    assert resolver.resolve("秀州区科协") == ("秀州区科协", None)
    stored = ["秀洲区科协", " 秀洲区科协", "秀洲区 科协", "南湖区科协"]
    assert resolver.matching("秀洲区科协", stored) == [" 秀洲区科协", "秀洲区科协"]
    assert resolver.offer("秀州区科协") == "秀州区科协"


def test_stored_spellings_of_one_unit(resolver: UnitResolver) -> None:
    stored = ["xiuzhou", "秀洲区科协", "秀洲区", "秀州区科协", "nanhu", "南湖区科协"]
    assert resolver.matching("xiuzhou", stored) == ["xiuzhou", "秀洲区", "秀洲区科协"]
    assert resolver.name("秀州区科协") == "秀州区科协"  # unknown: shown as stored
    assert resolver.offer("秀州区科协") is None  # a mistyped unit is never offered again
    assert resolver.offer("秀洲区") == "秀洲区科协"
    assert label(resolver.by_id["nanhu"]) == "南湖区科协 (nanhu)"


# --- record, log, import --------------------------------------------------------------------------


def test_record_stores_the_canonical_id(kx: Any, db: Path) -> None:
    for typed in ("xiuzhou", "秀洲区科协", "ＸＩＵＺＨＯＵ", "秀洲区"):
        # the same unit four ways: identical entries, recorded on purpose
        result = kx("record", "p1.friends", "5", "--unit", typed, "--again", plan=PLAN)
        assert result.exit_code == 0, result.stderr
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT DISTINCT unit FROM entries").fetchall() == [("xiuzhou",)]
    conn.close()
    shown = kx("log", "--unit", "秀洲科协", plan=PLAN)
    assert shown.stdout.count("秀洲区科协") == 4 and "xiuzhou" not in shown.stdout


@pytest.mark.parametrize(
    ("lang", "stderr"),
    [
        ("en", 'error: unknown unit "秀洲区科协会"; did you mean 秀洲区科协 (xiuzhou)?\n'),
        ("zh", "错误: 未知的单位“秀洲区科协会”；您是否想输入 秀洲区科协（xiuzhou）？\n"),
    ],
)
def test_record_refuses_an_unknown_unit_and_writes_nothing(
    kx: Any, db: Path, lang: str, stderr: str
) -> None:
    result = kx("--lang", lang, "record", "p1.friends", "5", "--unit", "秀洲区科协会", plan=PLAN)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", stderr)
    assert not db.exists()
    kx("record", "p1.friends", "5", "--unit", "nanhu", plan=PLAN)
    before = file_digest(db)
    again = kx("record", "p1.friends", "5", "--unit", "秀州区科协", plan=PLAN)
    assert again.exit_code == 1 and file_digest(db) == before


def test_log_unit_finds_every_spelling_and_refuses_unknown_ones(
    kx: Any, db: Path, tmp_path: Path
) -> None:
    old_plan = no_units_plan(tmp_path)
    for unit in ("秀洲区科协", "秀洲区", "秀州区科协", "南湖区科协"):
        assert (
            kx("record", "p1.review", "--note", unit, "--unit", unit, plan=old_plan).exit_code == 0
        )
    assert kx("record", "p1.review", "--note", "new", "--unit", "xiuzhou", plan=PLAN).exit_code == 0
    found = kx("log", "--unit", "XiuZhou", "--json", plan=PLAN)
    assert [(e["id"], e["unit"]) for e in json.loads(found.stdout)] == [
        (1, "秀洲区科协"),
        (2, "秀洲区"),
        (5, "xiuzhou"),
    ]
    refused = kx("log", "--unit", "秀州区科协", plan=PLAN)
    assert (refused.exit_code, refused.stderr) == (
        1,
        'error: unknown unit "秀州区科协"; did you mean 秀洲区科协 (xiuzhou)?\n',
    )
    # without units, the filter is the text itself (normalised), and a typo is just a unit
    legacy = kx("log", "--unit", " 秀州区科协 ", "--json", plan=old_plan)
    assert [e["id"] for e in json.loads(legacy.stdout)] == [3]
    empty = kx("log", "--unit", "  ", plan=PLAN)
    assert (empty.exit_code, empty.stderr) == (
        1,
        "error: --unit is empty; give a unit's id, name or alias\n",
    )


def test_import_stores_ids_and_refuses_unknown_units_by_line(
    kx: Any, db: Path, tmp_path: Path
) -> None:
    good = tmp_path / "good.csv"
    good.write_text(
        "target,date,amount,unit\n"
        "p1.friends,2019-03-01,10,南湖区科协\n"
        "p1.friends,2019-03-02,10,haining\n"
        "p1.friends,2019-03-03,10,海宁科协\n",
        encoding="utf-8",
    )
    result = kx("import", str(good), plan=PLAN)
    assert result.exit_code == 0, result.stderr
    conn = sqlite3.connect(db)
    assert [r[0] for r in conn.execute("SELECT unit FROM entries ORDER BY id")] == [
        "nanhu",
        "haining",
        "haining",
    ]
    conn.close()
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "target,date,amount,unit\np1.friends,2019-03-04,10,南湖\np1.friends,2019-03-05,10,宁海市科协\n"
        "p1.friends,2019-03-06,10,xiuzhou\n",
        encoding="utf-8",
    )
    before = file_digest(db)
    refused = kx("import", str(bad), plan=PLAN)
    assert refused.exit_code == 1
    assert refused.stderr.splitlines() == [
        f'{bad}:2: unknown unit "南湖"; did you mean 南湖区科协 (nanhu)?',
        f'{bad}:3: unknown unit "宁海市科协"; did you mean 海宁市科协 (haining)?',
        f"error: {bad}: 2 bad row(s); nothing was imported — fix them and import again",
    ]
    assert file_digest(db) == before


def test_a_file_imported_before_the_plan_had_units_is_not_imported_twice(
    kx: Any, db: Path, tmp_path: Path
) -> None:
    sheet = tmp_path / "q1.csv"
    sheet.write_text(
        "target,date,amount,unit\np1.friends,2019-03-01,10,秀洲区科协\np1.friends,2019-03-01,10,秀洲区科协\n",
        encoding="utf-8",
    )
    first = kx("import", str(sheet), plan=no_units_plan(tmp_path))
    assert first.stderr.endswith(
        "imported 2 new entries; 0 rows were imported before and skipped\n"
    )
    again = kx("import", str(sheet), plan=PLAN)
    assert again.stderr.endswith(
        "imported 0 new entries; 2 rows were imported before and skipped\n"
    )


# --- completion and add -------------------------------------------------------------------------


def test_completion_offers_the_plans_units(tmp_path: Path) -> None:
    from test_completion import context

    from kxplan.cli import completion

    ctx = context(tmp_path / "none.db", PLAN)
    assert completion.units(ctx, "") == [
        ("jiaxing", "测试市科协"),
        ("nanhu", "南湖区科协"),
        ("xiuzhou", "秀洲区科协"),
        ("haining", "海宁市科协"),
        ("societies", "市科协学会部"),
    ]
    assert completion.units(ctx, "秀") == [("xiuzhou", "秀洲区科协")]
    assert completion.units(ctx, "Hai") == [("haining", "海宁市科协")]
    assert completion.units(ctx, "学会") == [("societies", "市科协学会部")]
    assert completion.units(ctx, "市科协") == [
        ("jiaxing", "测试市科协"),
        ("societies", "市科协学会部"),
    ]


def test_add_offers_the_units_and_never_a_mistyped_default(
    kx: Any, db: Path, tmp_path: Path
) -> None:
    old_plan = no_units_plan(tmp_path)
    kx("record", "p1.review", "--note", "x", "--unit", "秀州区科协", plan=old_plan)
    answers = "p1.friends\n\n12\n\n\n秀州\n3\n\ny\n"
    run = CliRunner().invoke(
        app(),
        ["--plan", str(PLAN), "--db", str(db), "--lang", "en", "add"],
        input=answers,
        env=ENTRY_ENV,
        catch_exceptions=False,
    )
    assert run.exit_code == 0, run.output
    assert "The plan's units:\n   1. 测试市科协  jiaxing\n   2. 南湖区科协  nanhu\n" in run.stderr
    # the clerk's last unit (秀州区科协) is not the plan's: no default is offered
    assert "Unit: its number, id or name (optional; - for none): 秀州\n" in run.stderr
    assert 'unknown unit "秀州"' in run.stderr
    assert "  unit    秀洲区科协\n" in run.stderr
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT unit FROM entries ORDER BY id DESC LIMIT 1").fetchone() == (
        "xiuzhou",
    )
    conn.close()
    # the next time, the clerk's last unit is offered by its name
    second = CliRunner().invoke(
        app(),
        ["--plan", str(PLAN), "--db", str(db), "--lang", "en", "add"],
        input="p1.friends\n\n1\n\n\n\n\ny\n",
        env=ENTRY_ENV,
        catch_exceptions=False,
    )
    assert "(optional; - for none) [秀洲区科协]: \n" in second.stderr


# --- check ------------------------------------------------------------------------------------------


def test_check_lists_stored_units_the_plan_does_not_know(kx: Any, db: Path, tmp_path: Path) -> None:
    old_plan = no_units_plan(tmp_path)
    for unit in ("秀洲区科协", "秀州区科协", "秀州区科协", "财务处", "南湖区"):
        kx("record", "p1.review", "--note", "x", "--unit", unit, "--again", plan=old_plan)
    entry = kx("record", "p1.review", "--note", "x", "--unit", "宁海", plan=old_plan)
    assert entry.exit_code == 0
    kx("void", "6", "--reason", "typo", plan=old_plan)  # a voided entry no longer counts
    before = file_digest(db)
    result = kx("check", plan=PLAN)
    assert result.exit_code == 1
    assert result.stdout == (
        f'{db}: unit "秀州区科协" (entries: 2) is not a unit of the plan, so those entries count'
        " for no unit; if it is 秀洲区科协 (xiuzhou), add it to that unit's aliases in the plan"
        " (entries are never rewritten)\n"
        f'{db}: unit "财务处" (entries: 1) is not a unit of the plan, so those entries count for'
        " no unit; add it to the aliases of the unit it stands for, or add the unit under units:"
        " (entries are never rewritten)\n"
    )
    data = json.loads(kx("check", "--json", plan=PLAN).stdout)
    assert [(f["check"], f["severity"]) for f in data] == [("unit", "warning")] * 2
    assert file_digest(db) == before  # nothing rewritten
    # the fix is an alias in the plan
    fixed = tmp_path / "fixed.yaml"
    fixed.write_text(
        PLAN.read_text(encoding="utf-8")
        .replace("aliases: [秀洲科协, 秀洲区]", "aliases: [秀洲科协, 秀洲区, 秀州区科协]")
        .replace("aliases: [学会部]", "aliases: [学会部, 财务处]"),
        encoding="utf-8",
    )
    assert kx("check", plan=fixed).exit_code == 0
    # and a plan without units has nothing to say about free text
    assert kx("check", plan=old_plan).exit_code == 0


# --- who is behind: per-unit arithmetic against a hand-computed table ---------------------------

# (stored unit, target, date, amount): the test plan's entries up to and after 2019-06-30.
UNIT_ROWS = [
    ("jiaxing", "p1.friends", "2019-04-10", "40"),
    ("nanhu", "p1.friends", "2019-03-10", "100"),
    ("南湖区科协", "p1.friends", "2019-05-10", "60"),  # old free text: the unit's name
    ("nanhu", "p1.friends", "2019-08-01", "500"),  # after as_of: not counted
    ("xiuzhou", "p1.friends", "2019-05-20", "50"),
    ("秀洲区", "p1.friends", "2019-06-01", "10"),  # old free text: an alias
    ("秀州区科协", "p1.friends", "2019-06-02", "40"),  # a typo no unit claims: counted nowhere
    ("haining", "p1.friends", "2019-06-10", "120"),
    ("nanhu", "p1.bases", "2019-04-01", "1"),
    ("xiuzhou", "p1.bases", "2019-05-01", "2"),
    ("nanhu", "p2.stations", "2019-05-05", "2"),  # not allocated: a contribution
]
AS_OF = date(2019, 6, 30)


def unit_totals(rows: list[tuple[str, str, str, str]] = UNIT_ROWS) -> list[UnitTotal]:
    return [
        UnitTotal(unit, target, date.fromisoformat(day), D(amount), 1)
        for unit, target, day, amount in rows
    ]


# On 2019-06-30 (day 181 of 365): p1.friends is on its schedule's Q2 value, 500 of 1000, so a
# unit's share is allocation × 500/1000; p1.bases has no schedule, so allocation × 181/365.
# gap = (expected − actual) / allocation; on track ≤ 0.10 < behind ≤ 0.25 < at risk.
#
# unit      target      alloc  actual  expected   gap       status
# jiaxing   p1.friends    100      40    50       0.1000    on_track (exactly the threshold)
# nanhu     p1.friends    300     160   150      −0.0333    on_track
# nanhu     p1.bases        4       1     1.9836  0.2459    behind
# xiuzhou   p1.friends    300      60   150       0.3000    at_risk
# xiuzhou   p1.bases        3       2     1.4877 −0.1708    on_track
# haining   p1.friends    300     120   150       0.1000    on_track (exactly the threshold)
# haining   p1.bases        4       0     1.9836  0.4959    at_risk
#
# Worst first: at risk — haining (gap 0.4959), xiuzhou (0.3000); behind — nanhu; on track —
# jiaxing; societies has no allocation and comes last.
HAND_TABLE = [
    (
        "haining",
        "at_risk",
        [("p1.friends", 300, 120, 150, 40, "on_track"), ("p1.bases", 4, 0, 2, 0, "at_risk")],
    ),
    (
        "xiuzhou",
        "at_risk",
        [("p1.friends", 300, 60, 150, 20, "at_risk"), ("p1.bases", 3, 2, 1.5, 66.7, "on_track")],
    ),
    (
        "nanhu",
        "behind",
        [("p1.friends", 300, 160, 150, 53.3, "on_track"), ("p1.bases", 4, 1, 2, 25, "behind")],
    ),
    ("jiaxing", "on_track", [("p1.friends", 100, 40, 50, 40, "on_track")]),
    ("societies", None, []),
]


def test_by_unit_against_the_hand_computed_table() -> None:
    plan = load(PLAN)
    units = progress.by_unit(plan, unit_totals(), AS_OF)
    assert [(u.unit.id, u.status) for u in units] == [(u, s) for u, s, _ in HAND_TABLE]
    assert units[0].gap == D(4) * 181 / 365 / 4  # haining's worst gap, exactly
    assert units[1].gap == D("0.3")
    data = progress.units_json(units)
    assert [
        (
            unit["id"],
            [
                (t["id"], t["allocation"], t["actual"], t["expected"], t["percent"], t["status"])
                for t in unit["targets"]
            ],
        )
        for unit in data
    ] == [(u, rows) for u, _, rows in HAND_TABLE]
    assert data[1] == {
        "id": "xiuzhou",
        "name": "秀洲区科协",
        "kind": "county",
        "targets": [
            {
                "id": "p1.friends",
                "allocation": 300,
                "actual": 60,
                "expected": 150,
                "percent": 20,
                "status": "at_risk",
            },
            {
                "id": "p1.bases",
                "allocation": 3,
                "actual": 2,
                "expected": 1.5,
                "percent": 66.7,
                "status": "on_track",
            },
        ],
    }


def test_a_unit_is_judged_by_the_same_rules_as_a_target() -> None:
    plan = load(PLAN)
    friends = plan.target("p1.friends")
    assert friends is not None
    # the unit's progress is exactly the target progress of Target.for_unit over its entries
    mine = [
        DailyTotal("p1.friends", date(2019, 5, 20), D(50), 1),
        DailyTotal("p1.friends", date(2019, 6, 1), D(10), 1),
    ]
    direct = progress.target_progress(plan, friends.for_unit("xiuzhou"), mine, AS_OF)
    xiuzhou = next(
        u for u in progress.by_unit(plan, unit_totals(), AS_OF) if u.unit.id == "xiuzhou"
    )
    assert xiuzhou.targets[0] == direct
    # the year closes for a unit too: below its allocation on 31 December is missed
    year_end = {u.unit.id: u for u in progress.by_unit(plan, unit_totals(), date(2019, 12, 31))}
    assert [t.status for t in year_end["nanhu"].targets] == ["done", "missed"]  # 660 ≥ 300; 1 < 4
    assert year_end["nanhu"].status == "missed"
    # at or above its allocation a unit is done, whatever the date
    done = progress.by_unit(
        plan, unit_totals([("jiaxing", "p1.friends", "2019-02-01", "100")]), AS_OF
    )
    # (the three counties without entries tie at gap 0.5 on p1.friends: plan order)
    assert [(u.unit.id, u.status) for u in done] == [
        ("nanhu", "at_risk"),
        ("xiuzhou", "at_risk"),
        ("haining", "at_risk"),
        ("jiaxing", "done"),
        ("societies", None),
    ]
    assert next(u for u in done if u.unit.id == "jiaxing").status == "done"


def test_the_plan_as_one_unit_carries_it() -> None:
    plan = load(PLAN)
    mine = [t for t in unit_totals() if t.unit in ("nanhu", "南湖区科协")]
    summary = progress.unit_summary(plan, "nanhu", mine, AS_OF)
    assert [(p.target.id, p.target.goal, p.actual, p.status) for p in summary.targets()] == [
        ("p1.friends", 300, 160, "on_track"),
        ("p1.bases", 4, 1, "behind"),
    ]
    others = progress.unit_contributions(plan, "nanhu", mine, AS_OF)
    assert [(c.target.id, c.entries, c.amount, c.last_entry) for c in others] == [
        ("p2.stations", 1, 2, date(2019, 5, 5))
    ]
    assert progress.unit_summary(plan, "societies", [], AS_OF).sections == ()


# --- status --by-unit and status --unit -----------------------------------------------------------


@pytest.fixture
def units_db(db: Path) -> Path:
    """The test plan's database: ``UNIT_ROWS`` recorded as stored, and one voided entry."""
    from kxplan.entry import Draft
    from kxplan.store import Store

    plan = load(PLAN)
    with Store.open(db, create=True) as store:
        for unit, target, day, amount in UNIT_ROWS:
            draft = Draft(target, "count", date.fromisoformat(day), D(amount), unit=unit)
            store.record(plan, draft, "clerk")
        wrong = Draft("p1.friends", "count", date(2019, 6, 15), D(900), unit="haining")
        store.void(store.record(plan, wrong, "clerk").id, "typed 900 for 90", "clerk")
    return db


BY_UNIT_EN = """\
测试市科协2019年工作要点 · by unit · as of 2019-06-30 · 49.6% of the year gone
Unit        结交科技工作者 (名)                新建科普教育基地 (家)              Overall
            done/alloc      %  pace  Status    done/alloc      %  pace  Status
──────────────────────────────────────────────────────────────────────────────────────────
海宁市科协     120/300  40.0%   150  on track         0/4   0.0%     2  at risk   at risk
秀洲区科协      60/300  20.0%   150  at risk          2/3  66.7%     1  on track  at risk
南湖区科协     160/300  53.3%   150  on track         1/4  25.0%     2  behind    behind
测试市科协      40/100  40.0%    50  on track  —                                  on track
4 units with allocations: 2 at risk, 1 behind, 1 on track; no allocation: 市科协学会部
"""

BY_UNIT_ZH = """\
测试市科协2019年工作要点 · 各单位进展 · 截至 2019-06-30 · 时间进度 49.6%
单位        结交科技工作者（名）               新建科普教育基地（家）             总体
            完成/分解  完成率  序时  状态      完成/分解  完成率  序时  状态
──────────────────────────────────────────────────────────────────────────────────────────
海宁市科协    120/300   40.0%   150  进度正常        0/4    0.0%     2  严重滞后  严重滞后
秀洲区科协     60/300   20.0%   150  严重滞后        2/3   66.7%     1  进度正常  严重滞后
南湖区科协    160/300   53.3%   150  进度正常        1/4   25.0%     2  略有滞后  略有滞后
测试市科协     40/100   40.0%    50  进度正常  —                                  进度正常
有分解指标的单位 4 个：严重滞后 2，略有滞后 1，进度正常 1；未分解指标：市科协学会部
"""


def test_status_by_unit_table(kx: Any, units_db: Path) -> None:
    result = kx("status", "--by-unit", "--as-of", "2019-06-30", plan=PLAN)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == BY_UNIT_EN
    zh = kx("status", "--by-unit", "--as-of", "2019-06-30", plan=PLAN, KXPLAN_LANG="zh")
    assert zh.stdout == BY_UNIT_ZH


def test_status_by_unit_json_adds_units(kx: Any, units_db: Path) -> None:
    plain = json.loads(kx("status", "--json", "--as-of", "2019-06-30", plan=PLAN).stdout)
    result = kx("status", "--by-unit", "--json", "--as-of", "2019-06-30", plan=PLAN)
    data = json.loads(result.stdout)
    assert list(data) == [*plain, "units"]
    assert {key: value for key, value in data.items() if key != "units"} == plain
    assert [list(unit) for unit in data["units"]] == [["id", "name", "kind", "targets"]] * 5
    assert [
        (
            unit["id"],
            [
                (t["id"], t["allocation"], t["actual"], t["expected"], t["percent"], t["status"])
                for t in unit["targets"]
            ],
        )
        for unit in data["units"]
    ] == [(u, rows) for u, _, rows in HAND_TABLE]


STATUS_XIUZHOU = """\
测试市科协2019年工作要点 · 秀洲区科协 · as of 2019-06-30 · 49.6% of the year gone
Target                                 Done / goal  Progress          Expected  Status    Note
──────────────────────────────────────────────────────────────────────────────────────────────
Section 1: 努力建设科技工作者温馨家园                                           at risk
  1. 助力科技工作者成长成才                                                     at risk
    结交科技工作者                       60/300 名  ██░░░░░░░░ 20.0%       150  at risk
    新建科普教育基地                        2/3 家  ██████░░░░ 66.7%         1  on track
2 targets: 1 at risk, 1 on track
"""


def test_status_for_one_unit(kx: Any, units_db: Path) -> None:
    result = kx("status", "--unit", "秀洲科协", "--as-of", "2019-06-30", plan=PLAN)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == STATUS_XIUZHOU
    nanhu = kx("status", "--unit", "nanhu", "--as-of", "2019-06-30", plan=PLAN)
    assert nanhu.stdout.endswith(
        "2 targets: 1 behind, 1 on track; 1 with no entry in 90 days\n"
        "Also recorded by this unit (targets not allocated to it, not judged here):\n"
        "  新认定市级院士专家工作站: entries 1, 2 家, last 05-05\n"
    )
    data = json.loads(
        kx("status", "--unit", "南湖区", "--json", "--as-of", "2019-06-30", plan=PLAN).stdout
    )
    assert data["unit"] == {
        "id": "nanhu",
        "name": "南湖区科协",
        "kind": "county",
        "aliases": ["南湖科协", "南湖区"],
    }
    assert [(t["id"], t["goal"], t["actual"], t["status"]) for t in data["targets"]] == [
        ("p1.friends", 300, 160, "on_track"),
        ("p1.bases", 4, 1, "behind"),
    ]
    assert data["contributions"] == [
        {"id": "p2.stations", "entries": 1, "amount": 2, "last_entry": "2019-05-05"}
    ]
    societies = kx("status", "--unit", "学会部", "--as-of", "2019-06-30", plan=PLAN)
    assert societies.stdout.splitlines()[1:] == ["市科协学会部 has no allocation in the plan"]


def test_status_unit_refusals(kx: Any, units_db: Path, tmp_path: Path) -> None:
    unknown = kx("status", "--unit", "秀州", plan=PLAN)
    assert (unknown.exit_code, unknown.stdout) == (1, "")
    assert unknown.stderr.startswith('error: unknown unit "秀州"')
    both = kx("status", "--by-unit", "--unit", "nanhu", plan=PLAN)
    assert both.exit_code == 2
    assert (
        "--by-unit shows every unit; it cannot be combined with --unit, --section or --point"
        in both.stderr
    )
    assert kx("status", "--by-unit", "--point", "1", plan=PLAN).exit_code == 2
    free = kx("status", "--by-unit", plan=no_units_plan(tmp_path))
    assert (free.exit_code, free.stderr) == (
        1,
        "error: the plan has no units: list, so there is nothing to show by unit;"
        " add one (docs/plan-format.md §9)\n",
    )
    # without units, --unit takes the stored text: the old entries of that spelling
    legacy = kx(
        "status",
        "--unit",
        "秀洲区",
        "--json",
        "--as-of",
        "2019-06-30",
        plan=no_units_plan(tmp_path),
    )
    data = json.loads(legacy.stdout)
    assert data["targets"] == [] and data["contributions"][0]["amount"] == 10
