"""Units: the plan's ``units:`` and allocations, the one resolver, and every place a unit is typed.

``record``, ``add``, ``import``, ``log --unit`` and completion take a unit's id, name or alias
and store the canonical id; anything else is refused in one line with the nearest unit; old
free-text units are never rewritten, count when they are a unit's name or alias, and are
listed by ``kxplan check`` otherwise.
"""

from __future__ import annotations

import json
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA, ENTRY_ENV, app, file_digest
from typer.testing import CliRunner

from kxplan import messages
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
