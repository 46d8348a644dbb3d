"""`kxplan show` (text and JSON) and `kxplan undo` (only ever the clerk's own last entry)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kxplan import messages
from kxplan.cli import app
from kxplan.entry import Draft
from kxplan.plan import load

PLAN = Path(__file__).parent / "data" / "clerk" / "plan.yaml"
ENV = {
    "KXPLAN_TODAY": "2019-08-15",
    "KXPLAN_BY": "clerk",
    "KXPLAN_PLAN": None,
    "KXPLAN_DB": None,
    "KXPLAN_LANG": None,
    "NO_COLOR": None,
    "COLUMNS": None,
    "TERM": None,
}


@pytest.fixture(autouse=True)
def _keep_language():
    before = messages.get_language()
    yield
    messages.set_language(before)


def kx(db: Path, *args: str, input: str | None = None, **env: str | None):
    return CliRunner().invoke(
        app,
        ["--plan", str(PLAN), "--db", str(db), *args],
        input=input,
        env={**ENV, **env},
        catch_exceptions=False,
    )


def write(db: Path, rows: list[tuple]) -> list[int]:
    """Record ``(target, date, amount, by, fields)`` rows directly; return their ids."""
    from kxplan.store import Store

    plan = load(PLAN)
    ids = []
    with Store.open(db, create=True) as store:
        for target, day, amount, by, fields in rows:
            known = plan.target(target)
            kind = known.kind if known else "count"  # an old id: the count it was renamed into
            draft = Draft(
                target,
                kind,
                date.fromisoformat(day),
                Decimal(amount) if amount is not None else None,
                **fields,
            )
            ids.append(store.record(plan, draft, by).id)
    return ids


def void(db: Path, entry_id: int, reason: str, by: str = "clerk") -> None:
    from kxplan.store import Store

    with Store.open(db, create=False) as store:
        store.void(entry_id, reason, by)


def stored(db: Path) -> list:
    from kxplan.store import Store

    with Store.open(db, create=False) as store:
        return store.entries(2019, include_voided=True)


@pytest.fixture
def story_db(tmp_path: Path) -> Path:
    db = tmp_path / "kxplan.db"
    ids = write(
        db,
        [
            ("p1.stations", "2019-01-20", "1", "clerk", {"item": "旧编号公司"}),
            (
                "p1.workstations",
                "2019-02-01",
                "2",
                "clerk",
                {"item": "A公司", "unit": "南湖区科协"},
            ),
            ("p1.workstations", "2019-05-11", "4", "王芳", {"unit": "秀洲区科协"}),
            (
                "p1.workstations",
                "2019-05-10",
                "0.5",
                "clerk",
                {"item": "B公司", "note": "联合共建\n第二行"},
            ),
            ("p3.bases", "2019-03-03", "1", "clerk", {}),
        ],
    )
    void(db, ids[2], "重复登记")
    return db


# --- show ------------------------------------------------------------------------------------

STORY = """\
p1.workstations · 新认定市级院士专家工作站
第1条 院士专家工作站 · 一、创新驱动 · 责任部门：学会部
  新认定市级院士专家工作站10家以上。启动实施“院士之家”建设。

计数 · 目标 10家以上 · 季度安排（季末累计）：2/5/8/10 · 曾用编号 p1.stations
截至 2019-08-15：已完成 3.5/10家（35.0%），序时进度 7 · 严重滞后 · 90天无记录

登记记录
  编号  日期        数量  单位        登记人  事项 / 备注              作废
  #1    2019-01-20     1              clerk   旧编号公司
  #2    2019-02-01     2  南湖区科协  clerk   A公司
  #4    2019-05-10   0.5              clerk   B公司 — 联合共建 第二行
  #3    2019-05-11     4  秀洲区科协  王芳                             已作废 #1（clerk）：重复登记

各季度累计（已完成 / 序时进度）
  第1季度  ██████░░░░░░░░░░░░░░  3 / 2
  第2季度  ███████▒▒▒░░░░░░░░░░  3.5 / 5
  第3季度  ███████▒▒▒▒▒▒░░░░░░░  3.5 / 7  （截至 2019-08-15）
  第4季度                        — / 10  （未到）
  █ 已完成  ▒ 落后于序时进度  ░ 距年度目标
"""

STORY_EN = """\
p1.workstations · 新认定市级院士专家工作站
Point 1. 院士专家工作站 · Section 1: 创新驱动 · lead: 学会部
  新认定市级院士专家工作站10家以上。启动实施“院士之家”建设。

count · goal 10 家 or more · schedule (cumulative at quarter ends): 2/5/8/10 · formerly p1.stations
As of 2019-05-10: 3.5/10 家 (35.0%), expected 3 · on track

Entries
  id  date        amount  unit        by     item / note              void
  #1  2019-01-20       1              clerk  旧编号公司
  #2  2019-02-01       2  南湖区科协  clerk  A公司
  #4  2019-05-10     0.5              clerk  B公司 — 联合共建 第二行
  #3  2019-05-11       4  秀洲区科协  王芳                            voided #1 by clerk: 重复登记

Cumulative by quarter (done / expected)
  Q1  ██████░░░░░░░░░░░░░░  3 / 2
  Q2  ███████░░░░░░░░░░░░░  3.5 / 3  (to 2019-05-10)
  Q3                        — / 8  (not yet)
  Q4                        — / 10  (not yet)
  █ done  ▒ short of expected  ░ up to the goal
"""


def test_show_a_count_with_entries_a_void_and_an_old_id(story_db: Path) -> None:
    result = kx(story_db, "show", "p1.workstations")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == STORY
    assert result.stderr == ""


def test_show_by_old_id_as_of_a_date_in_english(story_db: Path) -> None:
    result = kx(story_db, "--lang", "en", "show", "p1.stations", "--as-of", "2019-05-10")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == STORY_EN


def test_show_json(story_db: Path) -> None:
    result = kx(story_db, "show", "p1.workstations", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == [
        "target",
        "point",
        "section",
        "as_of",
        "sample",
        "progress",
        "quarters",
        "entries",
    ]
    assert data["sample"] is False
    assert data["target"] == {
        "id": "p1.workstations",
        "kind": "count",
        "title": "新认定市级院士专家工作站",
        "goal": 10,
        "unit": "家",
        "decimals": 0,
        "or_more": True,
        "schedule": [2, 5, 8, 10],
        "due": None,
        "owner": "学会部",
        "owner_unit": None,
        "allocation": None,
        "renamed_from": ["p1.stations"],
    }
    assert data["point"]["number"] == 1 and data["point"]["text"].startswith("新认定")
    assert data["section"] == {"number": 1, "title": "创新驱动"}
    assert data["as_of"] == "2019-08-15"
    assert data["progress"] == {
        "status": "at_risk",
        "colour": "red",
        "actual": 3.5,
        "expected": 6.5,
        "percent": 35,
        "done_on": None,
        "entries": 3,
        "last_entry": "2019-05-10",
        "stale": True,
    }
    assert data["quarters"] == [
        {
            "quarter": "2019Q1",
            "start": "2019-01-01",
            "end": "2019-03-31",
            "through": "2019-03-31",
            "entries": 2,
            "amount": 3,
            "cumulative": 3,
            "expected": 2,
        },
        {
            "quarter": "2019Q2",
            "start": "2019-04-01",
            "end": "2019-06-30",
            "through": "2019-06-30",
            "entries": 1,
            "amount": 0.5,
            "cumulative": 3.5,
            "expected": 5,
        },
        {
            "quarter": "2019Q3",
            "start": "2019-07-01",
            "end": "2019-09-30",
            "through": "2019-08-15",
            "entries": 0,
            "amount": 0,
            "cumulative": 3.5,
            "expected": 6.5,
        },
        {
            "quarter": "2019Q4",
            "start": "2019-10-01",
            "end": "2019-12-31",
            "through": None,
            "entries": None,
            "amount": None,
            "cumulative": None,
            "expected": 10,
        },
    ]
    assert [(e["id"], e["target"], e["date"]) for e in data["entries"]] == [
        (1, "p1.workstations", "2019-01-20"),  # recorded under the old id, shown under today's
        (2, "p1.workstations", "2019-02-01"),
        (4, "p1.workstations", "2019-05-10"),
        (3, "p1.workstations", "2019-05-11"),
    ]
    assert data["entries"][3]["void"]["reason"] == "重复登记"
    assert data["entries"][2]["note"] == "联合共建\n第二行"
    assert [e["void"] for e in data["entries"][:3]] == [None, None, None]


def test_show_a_milestone_and_an_activity(tmp_path: Path) -> None:
    db = tmp_path / "kxplan.db"
    write(
        db,
        [
            ("p1.academician-home", "2019-07-02", None, "clerk", {}),
            ("p2.star-rating", "2019-02-10", None, "clerk", {"note": "评估了 3 个学会"}),
            ("p2.star-rating", "2019-08-01", None, "clerk", {"note": "又评估了 2 个"}),
        ],
    )
    milestone = kx(db, "show", "p1.academician-home").stdout
    assert "节点任务 · 2019-06-30 前完成\n" in milestone
    assert "截至 2019-08-15：已于 2019-07-02 完成（限 2019-06-30 前） · 已完成\n" in milestone
    assert "各季度" not in milestone  # no chart for a milestone
    activity = kx(db, "show", "p2.star-rating").stdout
    assert "截至 2019-08-15：共 2 条记录，最近一次 2019-08-01 · 进行中\n" in activity
    assert "  编号  日期        单位  登记人  事项 / 备注\n" in activity
    assert "各季度登记条数\n  第1季度  ████████████████████  1 条\n" in activity
    assert "  第2季度  ░░░░░░░░░░░░░░░░░░░░  0 条\n" in activity
    assert "  第4季度                        （未到）\n" in activity
    empty = kx(db, "show", "p3.science-day").stdout
    assert "登记记录\n  暂无登记记录\n" in empty
    assert "尚未完成（限 2019-09-30 前） · 待办" in empty


def test_show_unknown_target_suggests_like_record(story_db: Path) -> None:
    result = kx(story_db, "show", "p1.workstation")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert (
        result.stderr == '错误: 未知的目标编号 "p1.workstation"；您是否要写 "p1.workstations"？\n'
    )
    record = kx(story_db, "record", "p1.workstation")
    assert record.stderr == result.stderr


def test_show_without_a_database(tmp_path: Path) -> None:
    result = kx(tmp_path / "none.db", "show", "p1.workstations")
    assert result.exit_code == 3
    assert "还不存在" in result.stderr
    assert not (tmp_path / "none.db").exists()


def _show_on_a_terminal(db: Path, **env: str) -> str:
    """stdout of ``kxplan show`` written to a pseudo-terminal."""
    import os
    import subprocess
    import sys

    master, slave = os.openpty()
    command = [str(Path(sys.executable).with_name("kxplan")), "show", "p1.workstations"]
    variables = {"PATH": os.environ.get("PATH", ""), "KXPLAN_PLAN": str(PLAN)}
    variables |= {"KXPLAN_DB": str(db), "KXPLAN_TODAY": "2019-08-15", "TERM": "xterm", **env}
    with subprocess.Popen(command, stdout=slave, stderr=subprocess.PIPE, env=variables) as child:
        os.close(slave)
        seen = b""
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
        assert child.wait(timeout=10) == 0
    os.close(master)
    return seen.decode()


@pytest.mark.skipif(
    not Path(__import__("sys").executable).with_name("kxplan").exists(), reason="needs bin/kxplan"
)
def test_colour_only_on_a_terminal_without_no_color(story_db: Path) -> None:
    coloured = _show_on_a_terminal(story_db)
    assert "\x1b[1mp1.workstations · 新认定市级院士专家工作站\x1b[0m" in coloured
    assert "\x1b[1;31m严重滞后\x1b[0m" in coloured
    plain = _show_on_a_terminal(story_db, NO_COLOR="1")
    assert "\x1b[" not in plain
    assert plain.replace("\r\n", "\n").startswith(STORY.split("\n登记记录")[0])
    assert "\x1b[" not in kx(story_db, "show", "p1.workstations").stdout  # not a terminal


# --- undo --------------------------------------------------------------------------------------


@pytest.fixture
def shared_db(tmp_path: Path) -> Path:
    """Two clerks' entries, interleaved; bob's is the most recent of all."""
    db = tmp_path / "kxplan.db"
    write(
        db,
        [
            ("p3.bases", "2019-03-01", "1", "alice", {"unit": "南湖区科协"}),
            ("p1.workstations", "2019-06-01", "2", "alice", {"item": "A公司", "note": "新建"}),
            ("p3.bases", "2019-01-05", "1", "bob", {}),
        ],
    )
    return db


def test_undo_voids_only_the_current_clerks_last_entry(shared_db: Path) -> None:
    result = kx(shared_db, "undo", "--yes", KXPLAN_BY="alice")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        "您最近登记的一条记录：\n"
        "  #2 · 2019-06-01 · p1.workstations 新认定市级院士专家工作站 · 数量：2 家"
        " · 事项：A公司 · 备注：新建\n"
    )
    assert result.stdout == (
        "已作废记录 #2（2019-06-01），作废编号 #1；p1.workstations：0/10 家（0.0%）\n"
    )
    voids = {e.id: e.void for e in stored(shared_db)}
    assert voids[1] is None and voids[3] is None
    assert (voids[2].reason, voids[2].by) == ("撤销", "alice")  # the interface's language
    # undo again: it never walks back to alice's older entry #1 (nor to bob's)
    again = kx(shared_db, "undo", "--yes", KXPLAN_BY="alice")
    assert (again.exit_code, again.stdout) == (1, "")
    assert again.stderr == (
        "错误: 您最近登记的记录 #2 已作废；如需作废更早的记录，请用 kxplan void 编号\n"
    )
    assert {e.id: e.void is not None for e in stored(shared_db)} == {1: False, 2: True, 3: False}


def test_undo_by_option_overrides_the_environment(shared_db: Path) -> None:
    result = kx(shared_db, "--lang", "en", "undo", "--yes", "--by", "bob", KXPLAN_BY="alice")
    assert result.exit_code == 0, result.stderr
    assert "#3 · 2019-01-05 · p3.bases" in result.stderr
    assert [e.id for e in stored(shared_db) if e.void] == [3]
    void = next(e.void for e in stored(shared_db) if e.id == 3)
    assert void is not None and (void.reason, void.by) == ("undo", "bob")  # English interface


def test_undo_refuses_a_clerk_with_no_entries(shared_db: Path) -> None:
    before = [(e.id, e.void) for e in stored(shared_db)]
    result = kx(shared_db, "--lang", "en", "undo", "--yes", KXPLAN_BY="carol")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "error: carol has no entry to undo in 2019"
        " (only your own entries can be undone; see: kxplan log)\n"
    )
    assert [(e.id, e.void) for e in stored(shared_db)] == before


def test_undo_asks_and_writes_nothing_on_no(shared_db: Path) -> None:
    result = kx(shared_db, "undo", input="n\n", KXPLAN_BY="bob")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr.endswith("确认撤销？[y/N] n\n未撤销，未写入任何内容\n")
    assert all(e.void is None for e in stored(shared_db))
    # an empty answer is the default: no
    empty = kx(shared_db, "undo", input="\n", KXPLAN_BY="bob")
    assert empty.stderr.endswith("未撤销，未写入任何内容\n")
    assert all(e.void is None for e in stored(shared_db))


def test_undo_asks_again_then_voids_on_yes(shared_db: Path) -> None:
    result = kx(shared_db, "undo", input="sure\n是\n", KXPLAN_BY="bob")
    assert result.exit_code == 0, result.stderr
    assert "确认撤销？[y/N] sure\n请回答 y（是）或 n（否）\n确认撤销？[y/N] 是\n" in result.stderr
    assert result.stdout.startswith("已作废记录 #3（2019-01-05）")
    assert [e.id for e in stored(shared_db) if e.void] == [3]


def test_undo_at_end_of_input_writes_nothing(shared_db: Path) -> None:
    result = kx(shared_db, "undo", input="", KXPLAN_BY="bob")
    assert result.exit_code == 1
    assert result.stderr.endswith("错误: 没有收到回答（输入已结束），未撤销任何记录\n")
    assert all(e.void is None for e in stored(shared_db))


def test_undo_twice_refuses_instead_of_voiding_an_older_entry(shared_db: Path) -> None:
    assert kx(shared_db, "undo", "--yes", KXPLAN_BY="alice").exit_code == 0
    before = [(e.id, e.void) for e in stored(shared_db)]
    again = kx(shared_db, "--lang", "en", "undo", "--yes", KXPLAN_BY="alice")
    assert (again.exit_code, again.stdout) == (1, "")
    assert again.stderr == (
        "error: your last entry #2 is already voided; use kxplan void ID to void an older one\n"
    )
    assert [(e.id, e.void) for e in stored(shared_db)] == before
    # voiding the older one is still possible, by its id
    assert kx(shared_db, "void", "1", "--reason", "也错了", KXPLAN_BY="alice").exit_code == 0


def test_undo_refuses_when_the_last_entry_was_voided_by_someone_else(shared_db: Path) -> None:
    void(shared_db, 2, "错了", by="bob")
    result = kx(shared_db, "undo", "--yes", KXPLAN_BY="alice")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "错误: 您最近登记的记录 #2 已作废；如需作废更早的记录，请用 kxplan void 编号\n"
    )
    assert {e.id: e.void.reason if e.void else None for e in stored(shared_db)} == {
        1: None,
        2: "错了",
        3: None,
    }


def test_undo_without_a_database(tmp_path: Path) -> None:
    result = kx(tmp_path / "none.db", "undo", "--yes")
    assert result.exit_code == 3
    assert not (tmp_path / "none.db").exists()
