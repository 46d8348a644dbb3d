"""``plandiff``: one test per kind of change, equivalence under reformatting, renames, order,
the JSON form, and the character-level inline diff for Chinese text."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from kxplan.messages import get_language, set_language
from kxplan.plan import Plan, parse
from kxplan.plandiff import (
    Change,
    affects_entries,
    change_json,
    diff,
    format_change,
    inline_diff,
)

PLAN_2019 = Path(__file__).resolve().parents[1] / "plans" / "2019.yaml"

BASE = """\
# a small plan: two sections, three points, every kind of target
org: 嘉兴市科学技术协会
title: 嘉兴市科协2019年工作要点
year: 2019
lang: zh
thresholds:
  on_track: 0.10
  behind: 0.25
sections:
  - number: 1
    title: 全面推进学会组织建设
    points:
      - number: 1
        title: 全面推进学会组织建设
        owner: 学会部
        text: >-
          实施学会创新发展工程，全年培育综合示范学会5个，增强学会的自我发展能力。
        targets:
          - id: p1.model-societies
            kind: count
            title: 培育综合示范学会
            goal: 5
            unit: 个
            schedule: [1, 2, 4, 5]
          - id: p1.star-rating
            kind: activity
            title: 开展学会星级评估
  - number: 2
    title: 深化科普信息化和阵地建设
    points:
      - number: 2
        title: 深化院士智力助推科技创新
        owner: 学会部
        text: >-
          坚持需求导向，积极推进在重点产业和领域的建站工作，新认定市级院士专家工作站10家以上。
        targets:
          - id: p2.workstations
            kind: count
            title: 新认定市级院士专家工作站
            goal: 10
            unit: 家
            or_more: true
          # due date set by the office
          - id: p2.academician-home
            kind: milestone
            title: 启动实施“院士之家”建设
            due: 2019-06-30
      - number: 3
        title: 深化科普信息化和阵地建设
        text: >-
          加快科普特色小镇培育，提升科普阵地建设水平，力争全年新建科普教育基地10家。全力支持科技馆异地新建。
        targets:
          - id: p3.outreach-bases
            kind: count
            title: 新建科普教育基地
            goal: 10
            unit: 家
"""


@pytest.fixture(autouse=True)
def english():
    before = get_language()
    set_language("en")
    yield
    set_language(before)


def load(text: str) -> Plan:
    plan, problems = parse(text.encode("utf-8"), "test.yaml")
    assert plan is not None, problems
    return plan


def edit(text: str, *replacements: tuple[str, str]) -> str:
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def lines(new_text: str, old_text: str = BASE) -> list[str]:
    return [format_change(change) for change in diff(load(old_text), load(new_text))]


# --- equivalence -------------------------------------------------------------------------------


def test_the_same_plan_has_no_changes() -> None:
    assert diff(load(BASE), load(BASE)) == []


def test_reformatting_is_not_a_change() -> None:
    reformatted = """\
org: "嘉兴市科学技术协会"
year: 2019
title: '嘉兴市科协2019年工作要点'
thresholds: {behind: 0.25, on_track: 0.1}
lang: zh
sections:
- title: 全面推进学会组织建设
  number: 1
  points:
  - number: 1
    text: 实施学会创新发展工程，全年培育综合示范学会5个，增强学会的自我发展能力。
    title: 全面推进学会组织建设
    owner: 学会部
    targets:
    - {id: p1.model-societies, kind: count, title: 培育综合示范学会, goal: 5.0, unit: 个,
       schedule: [1, 2, 4, 5]}
    - id: p1.star-rating     # comments are not content
      title: 开展学会星级评估
      kind: activity
- number: 2
  title: 深化科普信息化和阵地建设
  points:
  - number: 2
    title: 深化院士智力助推科技创新
    owner: 学会部
    text: "坚持需求导向，积极推进在重点产业和领域的建站工作，新认定市级院士专家工作站10家以上。"
    targets:
    - id: p2.workstations
      kind: count
      title: 新认定市级院士专家工作站
      goal: 10
      unit: 家
      or_more: true
    - id: p2.academician-home
      kind: milestone
      title: 启动实施“院士之家”建设
      due: 2019-06-30
  - number: 3
    title: 深化科普信息化和阵地建设
    text: |-
      加快科普特色小镇培育，提升科普阵地建设水平，力争全年新建科普教育基地10家。全力支持科技馆异地新建。
    targets:
    - id: p3.outreach-bases
      kind: count
      title: 新建科普教育基地
      goal: 10
      unit: 家
      or_more: false
      schedule:
      - 2
      - 4
      - 7
      - 10
"""
    # the last target gained a schedule: that one real change must be the only output
    assert lines(reformatted) == ["p3.outreach-bases: schedule (none) → [2, 4, 7, 10]"]


def test_the_2019_plan_reserialised_by_pyyaml_is_equivalent() -> None:
    original = PLAN_2019.read_bytes()
    data = yaml.safe_load(original)
    dumped = yaml.safe_dump(data, allow_unicode=True, sort_keys=True, default_flow_style=True)
    assert dumped.encode("utf-8") != original
    before, _ = parse(original, "a.yaml")
    after, problems = parse(dumped.encode("utf-8"), "b.yaml")
    assert before is not None and after is not None, problems
    assert diff(before, after) == []


# --- one kind of change each -------------------------------------------------------------------

CASES = {
    "goal": (
        [
            (
                "goal: 10\n            unit: 家\n            or_more",
                "goal: 12\n            unit: 家\n            or_more",
            )
        ],
        ["p2.workstations: goal 10 → 12"],
    ),
    "unit": (
        [("unit: 个", "unit: 家")],
        ["p1.model-societies: unit 个 → 家"],
    ),
    "or_more": (
        [("or_more: true", "or_more: false")],
        ["p2.workstations: or_more true → false"],
    ),
    "decimals": (
        [("unit: 个", "unit: 个\n            decimals: 1")],
        ["p1.model-societies: decimals 0 → 1"],
    ),
    "schedule": (
        [("schedule: [1, 2, 4, 5]", "schedule: [1, 3, 4, 5]")],
        ["p1.model-societies: schedule [1, 2, 4, 5] → [1, 3, 4, 5]"],
    ),
    "due": (
        [("due: 2019-06-30", "due: 2019-07-31")],
        ["p2.academician-home: due 2019-06-30 → 2019-07-31"],
    ),
    "kind": (
        [
            (
                "kind: activity\n            title: 开展学会星级评估",
                "kind: milestone\n            title: 开展学会星级评估\n            due: 2019-12-31",
            )
        ],
        ["p1.star-rating: kind activity → milestone", "p1.star-rating: due (none) → 2019-12-31"],
    ),
    "target owner": (
        [("title: 开展学会星级评估", "title: 开展学会星级评估\n            owner: 科普部")],
        ["p1.star-rating: owner (none) → 科普部"],
    ),
    "target title": (
        [("title: 开展学会星级评估", "title: 开展学会星级评定")],
        ["p1.star-rating: title 开展学会星级评[-估-]{+定+}"],
    ),
    "point owner": (
        [
            (
                "owner: 学会部\n        text: >-\n          坚持",
                "owner: 科普部\n        text: >-\n          坚持",
            )
        ],
        ["point 2: owner 学会部 → 科普部"],
    ),
    "point title": (
        [("title: 深化院士智力助推科技创新", "title: 深化院士专家智力助推科技创新")],
        ["point 2: title 深化院士{+专家+}智力助推科技创新"],
    ),
    "point text": (
        [("新认定市级院士专家工作站10家以上", "新认定市级院士专家工作站12家以上")],
        ["point 2: text …级院士专家工作站[-10-]{+12+}家以上…"],
    ),
    "section title": (
        [
            (
                "    title: 深化科普信息化和阵地建设\n    points",
                "    title: 深化科普阵地建设\n    points",
            )
        ],
        ["section 2: title 深化科普[-信息化和-]阵地建设"],
    ),
    "point moved to another section": (
        [
            (
                "            goal: 5\n            unit: 个\n            schedule: [1, 2, 4, 5]\n"
                "          - id: p1.star-rating\n            kind: activity\n            title: 开展学会星级评估\n",
                "            goal: 5\n            unit: 个\n            schedule: [1, 2, 4, 5]\n"
                "          - id: p1.star-rating\n            kind: activity\n            title: 开展学会星级评估\n"
                "      - number: 2\n        title: 深化院士智力助推科技创新\n        owner: 学会部\n"
                "        text: >-\n          坚持需求导向，积极推进在重点产业和领域的建站工作，新认定市级院士专家工作站10家以上。\n"
                "        targets:\n          - id: p2.workstations\n            kind: count\n"
                "            title: 新认定市级院士专家工作站\n            goal: 10\n            unit: 家\n"
                "            or_more: true\n          - id: p2.academician-home\n            kind: milestone\n"
                "            title: 启动实施“院士之家”建设\n            due: 2019-06-30\n",
            ),
            (
                "    points:\n      - number: 2\n        title: 深化院士智力助推科技创新\n        owner: 学会部\n"
                "        text: >-\n          坚持需求导向，积极推进在重点产业和领域的建站工作，新认定市级院士专家工作站10家以上。\n"
                "        targets:\n          - id: p2.workstations\n            kind: count\n"
                "            title: 新认定市级院士专家工作站\n            goal: 10\n            unit: 家\n"
                "            or_more: true\n          # due date set by the office\n"
                "          - id: p2.academician-home\n            kind: milestone\n"
                "            title: 启动实施“院士之家”建设\n            due: 2019-06-30\n",
                "    points:\n",
            ),
        ],
        ["point 2: section 2 → 1"],
    ),
    "plan org": (
        [("org: 嘉兴市科学技术协会", "org: 嘉兴市科协")],
        ["plan: org 嘉兴市科[-学技术协会-]{+协+}"],  # the lone 协 match is absorbed
    ),
    "plan title": (
        [("title: 嘉兴市科协2019年工作要点", "title: 嘉兴市科协2019年工作要点（修订）")],
        ["plan: title …年工作要点{+（修订）+}"],
    ),
    "plan lang": (
        [("lang: zh", "lang: en")],
        ["plan: lang zh → en"],
    ),
    "plan year": (
        [("year: 2019", "year: 2020"), ("due: 2019-06-30", "due: 2020-06-30")],
        ["plan: year 2019 → 2020", "p2.academician-home: due 2019-06-30 → 2020-06-30"],
    ),
    "thresholds": (
        [("on_track: 0.10", "on_track: 0.15"), ("behind: 0.25", "behind: 0.3")],
        ["plan: thresholds.on_track 0.1 → 0.15", "plan: thresholds.behind 0.25 → 0.3"],
    ),
    "target added": (
        [
            (
                "            title: 新建科普教育基地\n",
                "            title: 新建科普教育基地\n"
                "            goal: 10\n            unit: 家\n"
                "          - id: p3.science-towns\n            kind: activity\n            title: 加快科普特色小镇培育\n"
                "          - id: p3.museum\n            kind: milestone\n            title: 科技馆异地新建\n"
                "            due: 2019-12-31\n          - id: p3.more\n            kind: count\n"
                "            title: 更多\n",
            ),
            (
                "            title: 更多\n            goal: 10\n            unit: 家\n",
                "            title: 更多\n            goal: 2.5\n            unit: 个\n"
                "            decimals: 1\n            or_more: true\n",
            ),
        ],
        [
            "p3.science-towns: added: 加快科普特色小镇培育 (ongoing)",
            "p3.museum: added: 科技馆异地新建 (due 2019-12-31)",
            "p3.more: added: 更多 (goal 2.5 个 or more)",
        ],
    ),
    "target removed": (
        [
            (
                "          - id: p1.star-rating\n            kind: activity\n            title: 开展学会星级评估\n",
                "",
            )
        ],
        ["p1.star-rating: removed: 开展学会星级评估 (ongoing)"],
    ),
    "section and point added": (
        [
            (
                "            title: 新建科普教育基地\n            goal: 10\n            unit: 家\n",
                "            title: 新建科普教育基地\n            goal: 10\n            unit: 家\n"
                "  - number: 3\n    title: 不断加强自身建设\n    points:\n      - number: 4\n"
                "        title: 加强网上科协建设\n        text: 发挥好公众号作用。\n        targets:\n"
                "          - id: p4.official-account\n            kind: activity\n            title: 发挥好公众号作用\n",
            )
        ],
        [
            "section 3: added: 不断加强自身建设",
            "point 4: added: 加强网上科协建设",
            "p4.official-account: added: 发挥好公众号作用 (ongoing)",
        ],
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_kind_of_change(name: str) -> None:
    replacements, expected = CASES[name]
    assert lines(edit(BASE, *replacements)) == expected


def test_point_and_section_removed_list_every_target() -> None:
    new = BASE[: BASE.index("  - number: 2\n")]
    assert lines(new) == [
        "section 2: removed: 深化科普信息化和阵地建设",
        "point 2: removed: 深化院士智力助推科技创新",
        "p2.workstations: removed: 新认定市级院士专家工作站 (goal 10 家 or more)",
        "p2.academician-home: removed: 启动实施“院士之家”建设 (due 2019-06-30)",
        "point 3: removed: 深化科普信息化和阵地建设",
        "p3.outreach-bases: removed: 新建科普教育基地 (goal 10 家)",
    ]


# --- renames -----------------------------------------------------------------------------------


def test_rename_by_place_and_text() -> None:
    changes = diff(load(BASE), load(edit(BASE, ("id: p2.workstations", "id: p2.expert-stations"))))
    assert changes == [
        Change(
            "renamed",
            "p2.expert-stations",
            "id",
            "p2.workstations",
            "p2.expert-stations",
            ("p2.workstations",),
        ),
    ]
    assert format_change(changes[0]) == (
        "p2.expert-stations: renamed from p2.workstations (entries recorded under"
        " p2.workstations are kept only with renamed_from: [p2.workstations])"
    )


def test_an_id_change_with_a_new_title_is_a_removal_and_an_addition() -> None:
    new = edit(
        BASE,
        ("id: p2.workstations", "id: p2.expert-stations"),
        ("title: 新认定市级院士专家工作站", "title: 新认定院士专家工作站"),
    )
    assert lines(new) == [
        "p2.expert-stations: added: 新认定院士专家工作站 (goal 10 家 or more)",
        "p2.workstations: removed: 新认定市级院士专家工作站 (goal 10 家 or more)",
    ]


def test_rename_via_renamed_from_keeps_the_entries() -> None:
    new = edit(
        BASE,
        (
            "id: p2.workstations\n            kind: count\n            title: 新认定市级院士专家工作站\n"
            "            goal: 10",
            "id: p2.expert-stations\n            renamed_from: [p2.workstations]\n            kind: count\n"
            "            title: 院士专家工作站\n            goal: 12",
        ),
    )
    changes = diff(load(BASE), load(new))
    assert [format_change(change) for change in changes] == [
        "p2.expert-stations: renamed from p2.workstations",
        "p2.expert-stations: title [-新认定市级-]院士专家工作站",
        "p2.expert-stations: goal 10 → 12",
    ]
    assert changes[0].lost == ()  # renamed_from covers the old id: nothing is orphaned
    assert format_change(changes[0], orphans=0) == (
        "p2.expert-stations: renamed from p2.workstations — recorded entries it would orphan: 0"
    )


def test_renamed_from_onto_an_existing_target_is_a_merge() -> None:
    new = edit(
        BASE,
        (
            "          - id: p1.star-rating\n            kind: activity\n            title: 开展学会星级评估\n",
            "",
        ),
        (
            "schedule: [1, 2, 4, 5]",
            "schedule: [1, 2, 4, 5]\n            renamed_from: p1.star-rating",
        ),
    )
    changes = diff(load(BASE), load(new))
    assert changes == [
        Change("merged", "p1.model-societies", "id", "p1.star-rating", "p1.model-societies"),
    ]
    assert format_change(changes[0]) == (
        "p1.model-societies: takes over the entries of p1.star-rating, which is removed"
        " (renamed_from)"
    )


def test_dropping_a_renamed_from_loses_its_entries() -> None:
    old = edit(BASE, ("unit: 个", "unit: 个\n            renamed_from: [p1.societies]"))
    changes = diff(load(old), load(BASE))
    assert changes == [
        Change(
            "changed",
            "p1.model-societies",
            "renamed_from",
            ("p1.societies",),
            (),
            ("p1.societies",),
        ),
    ]
    assert format_change(changes[0], orphans=3) == (
        "p1.model-societies: renamed_from [p1.societies] → [] — recorded entries it would orphan: 3"
    )


def test_affects_entries_marks_removed_and_renamed_targets() -> None:
    removed = diff(
        load(BASE),
        load(
            edit(
                BASE,
                (
                    "          - id: p1.star-rating\n            kind: activity\n            title: 开展学会星级评估\n",
                    "",
                ),
            )
        ),
    )
    renamed = diff(load(BASE), load(edit(BASE, ("id: p1.star-rating", "id: p1.stars"))))
    goal = diff(
        load(BASE), load(edit(BASE, ("goal: 5", "goal: 6"), ("[1, 2, 4, 5]", "[1, 2, 4, 6]")))
    )
    assert [affects_entries(c) for c in removed + renamed + goal] == [True, True, False, False]


# --- order -------------------------------------------------------------------------------------


def test_changes_follow_the_new_plan_and_removals_stay_in_place() -> None:
    new = edit(
        BASE,
        ("org: 嘉兴市科学技术协会", "org: 嘉兴市科协"),
        (
            "          - id: p1.star-rating\n            kind: activity\n            title: 开展学会星级评估\n",
            "",
        ),
        ("goal: 5", "goal: 6"),
        ("schedule: [1, 2, 4, 5]", "schedule: [1, 2, 4, 6]"),
        ("due: 2019-06-30", "due: 2019-07-31"),
        (
            "goal: 10\n            unit: 家\n            or_more",
            "goal: 11\n            unit: 家\n            or_more",
        ),
    )
    assert [(c.id, c.field) for c in diff(load(BASE), load(new))] == [
        (None, "org"),
        ("p1.model-societies", "goal"),
        ("p1.model-societies", "schedule"),
        ("p1.star-rating", None),
        ("p2.workstations", "goal"),
        ("p2.academician-home", "due"),
    ]


# --- JSON --------------------------------------------------------------------------------------


def test_json_values_are_numbers_strings_and_lists() -> None:
    new = edit(
        BASE,
        ("goal: 5", "goal: 6"),
        ("schedule: [1, 2, 4, 5]", "schedule: [1, 2, 4, 6]"),
        ("due: 2019-06-30", "due: 2019-07-31"),
        ("on_track: 0.10", "on_track: 0.15"),
        (
            "          - id: p1.star-rating\n            kind: activity\n            title: 开展学会星级评估\n",
            "",
        ),
    )
    assert [change_json(c) for c in diff(load(BASE), load(new))] == [
        {"change": "changed", "id": None, "field": "thresholds.on_track", "old": 0.1, "new": 0.15},
        {"change": "changed", "id": "p1.model-societies", "field": "goal", "old": 5, "new": 6},
        {
            "change": "changed",
            "id": "p1.model-societies",
            "field": "schedule",
            "old": [1, 2, 4, 5],
            "new": [1, 2, 4, 6],
        },
        {
            "change": "removed",
            "id": "p1.star-rating",
            "field": None,
            "old": {
                "id": "p1.star-rating",
                "kind": "activity",
                "title": "开展学会星级评估",
                "goal": None,
                "unit": None,
                "decimals": None,
                "or_more": None,
                "schedule": None,
                "due": None,
                "owner": None,
                "allocation": None,
                "renamed_from": [],
            },
            "new": None,
        },
        {
            "change": "changed",
            "id": "p2.academician-home",
            "field": "due",
            "old": "2019-06-30",
            "new": "2019-07-31",
        },
    ]


UNITS = """\
units:
  - id: nanhu
    name: 南湖区科协
    kind: county
    aliases: [南湖科协]
  - id: xiuzhou
    name: 秀洲区科协
    kind: county
  - id: societies
    name: 市科协学会部
    kind: department
    aliases: [学会部]
sections:
"""
WITH_UNITS = edit(
    BASE,
    ("sections:\n", UNITS),
    (
        "            title: 新建科普教育基地\n            goal: 10\n            unit: 家\n",
        "            title: 新建科普教育基地\n            goal: 10\n            unit: 家\n"
        "            allocation: {nanhu: 6, xiuzhou: 4}\n",
    ),
)


def test_units_and_allocations_are_compared_by_meaning() -> None:
    # the allocation in another key order, an owner written as the unit's id: the same plan
    reordered = edit(
        WITH_UNITS,
        ("allocation: {nanhu: 6, xiuzhou: 4}", "allocation: {xiuzhou: 4, nanhu: 6}"),
        (
            "        owner: 学会部\n        text: >-\n          实施",
            "        owner: societies\n        text: >-\n          实施",
        ),
    )
    assert lines(reordered, WITH_UNITS) == []
    changed = edit(
        WITH_UNITS,
        ("allocation: {nanhu: 6, xiuzhou: 4}", "allocation: {nanhu: 6, xiuzhou: 5}"),
        ("    aliases: [南湖科协]\n", "    aliases: [南湖科协, 南湖区]\n"),
        (
            "    name: 秀洲区科协\n    kind: county\n",
            "    name: 秀洲区科协\n    kind: county\n"
            "  - id: jiaxing\n    name: 嘉兴市科协\n    kind: city\n",
        ),
    )
    assert lines(changed, WITH_UNITS) == [
        "unit nanhu: aliases [南湖科协] → [南湖科协, 南湖区]",
        "unit jiaxing: added: 嘉兴市科协",
        "p3.outreach-bases: allocation [nanhu: 6, xiuzhou: 4] → [nanhu: 6, xiuzhou: 5]",
    ]
    assert lines(BASE, WITH_UNITS)[:3] == [
        "unit nanhu: removed: 南湖区科协",
        "unit xiuzhou: removed: 秀洲区科协",
        "unit societies: removed: 市科协学会部",
    ]
    data = [change_json(c) for c in diff(load(WITH_UNITS), load(changed))]
    assert data[2] == {
        "change": "changed",
        "id": "p3.outreach-bases",
        "field": "allocation",
        "old": {"nanhu": 6, "xiuzhou": 4},
        "new": {"nanhu": 6, "xiuzhou": 5},
    }
    added = lines(WITH_UNITS)
    assert added[:3] == [
        "unit nanhu: added: 南湖区科协",
        "unit xiuzhou: added: 秀洲区科协",
        "unit societies: added: 市科协学会部",
    ]
    assert added[3:] == [
        "point 1: owner 学会部 → 市科协学会部",  # owners are units now, shown by name
        "point 2: owner 学会部 → 市科协学会部",
        "p3.outreach-bases: allocation [] → [nanhu: 6, xiuzhou: 4]",
    ]
    assert [change_json(c) for c in diff(load(BASE), load(WITH_UNITS))][5]["old"] is None


def test_change_values_keep_their_model_types() -> None:
    new = edit(
        BASE,
        ("due: 2019-06-30", "due: 2019-07-31"),
        ("goal: 5", "goal: 6"),
        ("schedule: [1, 2, 4, 5]", "schedule: [1, 2, 4, 6]"),
    )
    first, _, due = diff(load(BASE), load(new))
    assert (first.old, first.new) == (Decimal(5), Decimal(6))
    assert (due.old, due.new) == (date(2019, 6, 30), date(2019, 7, 31))


# --- Chinese text ------------------------------------------------------------------------------


def test_chinese_text_change_is_summarised_inline() -> None:
    new = edit(BASE, ("力争全年新建科普教育基地10家", "力争全年新建科普教育基地12家"))
    assert lines(new) == ["point 3: text …新建科普教育基地[-10-]{+12+}家…"]
    set_language("zh")
    assert lines(new) == ["第3条要点: text …新建科普教育基地[-10-]{+12+}家…"]


def test_labels_follow_the_language() -> None:
    set_language("zh")
    new = edit(
        BASE,
        (
            "          - id: p1.star-rating\n            kind: activity\n            title: 开展学会星级评估\n",
            "",
        ),
        (
            "goal: 10\n            unit: 家\n            or_more",
            "goal: 12\n            unit: 家\n            or_more",
        ),
    )
    assert lines(new) == [
        "p1.star-rating: 删除：开展学会星级评估（持续开展）",
        "p2.workstations: goal 10 → 12",
    ]


def test_inline_diff_keeps_numbers_and_words_whole() -> None:
    assert (
        inline_diff("新建科普教育基地10家", "新建科普教育基地12家")
        == "新建科普教育基地[-10-]{+12+}家"
    )
    assert inline_diff("goal is ten", "goal is twelve") == "goal is [-ten-]{+twelve+}"


def test_inline_diff_context_stops_at_clause_marks() -> None:
    old = "第一句很长很长很长。加快科普特色小镇培育，力争全年新建科普教育基地10家。全力支持科技馆异地新建。"
    new = old.replace("10家", "12家")
    assert inline_diff(old, new) == "…新建科普教育基地[-10-]{+12+}家…"


def test_inline_diff_absorbs_one_character_matches() -> None:
    assert inline_diff("推动优质海外人才项目落地", "促进海外高层次人才落户") == (
        "[-推动优质-]{+促进+}海外{+高层次+}人才[-项目落地-]{+落户+}"
    )


def test_inline_diff_shortens_long_unchanged_runs() -> None:
    middle = "甲乙丙丁戊己庚辛壬癸" * 3
    assert inline_diff(f"A{middle}B", f"X{middle}Y") == (
        "[-A-]{+X+}甲乙丙丁戊己庚辛…丙丁戊己庚辛壬癸[-B-]{+Y+}"
    )


def test_inline_diff_caps_its_length() -> None:
    old = "".join(f"第{i}项目标为十，" for i in range(30))
    summary = inline_diff(old, old.replace("十", "百"), limit=60)
    assert summary == (
        "第0项目标为[-十-]{+百+}，第1项目标为[-十-]{+百+}，第2项目标为[-十-]{+百+}，第3项目标为…"
        " (+27 more)"
    )
    assert inline_diff("甲" * 100, "乙" * 100) == "[-" + "甲" * 39 + "…-]{+" + "乙" * 39 + "…+}"


def test_inline_diff_is_one_line() -> None:
    assert inline_diff("第一行\n第二行", "第一行\n第三行") == "第一行\\n第[-二-]{+三+}行"


def test_a_silent_git_failure_is_described_in_the_interface_language(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import subprocess

    from kxplan.cli import plan_diff_cmd
    from kxplan.errors import InputError

    def silent_failure(*args: object, **kwargs: object) -> subprocess.CompletedProcess:
        return subprocess.CompletedProcess(args, 128, b"", b"")

    monkeypatch.setattr(subprocess, "run", silent_failure)
    set_language("zh")
    with pytest.raises(InputError) as raised:
        plan_diff_cmd._git("show", "HEAD:plans/2019.yaml")
    assert raised.value.message == "无法从 git 读取 HEAD:plans/2019.yaml：git 以状态 128 退出"


def test_values_and_goals_are_written_like_the_plan() -> None:
    from kxplan.plandiff import format_value
    from kxplan.text import goal_text

    assert format_value(Decimal("2.50")) == "2.5"
    assert format_value((Decimal("0"), Decimal("1E+1"))) == "[0, 10]"
    old = parse(BASE.encode(), "old.yaml")[0]
    assert old is not None
    set_language("en")
    for target in old.targets():
        line = format_change(Change("removed", target.id, None, target, None))
        assert goal_text(target) in line
