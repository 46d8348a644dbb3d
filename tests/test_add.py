"""`kxplan add`: the dialogue driven by piped answers, re-asking, EOF, and a real terminal."""

from __future__ import annotations

import io
import os
import select
import subprocess
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kxplan import messages
from kxplan.cli import app
from kxplan.cli.prompting import AddDefaults, AddDialogue, LineIO, confirm
from kxplan.entry import Draft, Validator
from kxplan.plan import load

PLAN = Path(__file__).parent / "data" / "clerk" / "plan.yaml"
KXPLAN = Path(sys.executable).with_name("kxplan")
ENV = {
    "KXPLAN_TODAY": "2019-05-10",
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


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "kxplan.db"


def kx(db: Path, *args: str, input: str | None = None, **env: str | None):
    return CliRunner().invoke(
        app,
        ["--plan", str(PLAN), "--db", str(db), *args],
        input=input,
        env={**ENV, **env},
        catch_exceptions=False,
    )


def answers(*lines: str) -> str:
    return "".join(f"{line}\n" for line in lines)


def stored(db: Path) -> list:
    from kxplan.store import Store

    with Store.open(db, create=False) as store:
        return store.entries(2019, include_voided=True)


def record(db: Path, *args: str, by: str = "clerk", today: str | None = None) -> None:
    result = kx(db, "record", *args, KXPLAN_BY=by, **({"KXPLAN_TODAY": today} if today else {}))
    assert result.exit_code == 0, result.stderr


# --- piped answers ---------------------------------------------------------------------------

TRANSCRIPT = """\
登记进展。确认之前不会写入任何内容，可随时按 Ctrl-C 取消。
工作要点：
   1. 院士专家工作站
   2. 学会星级评估
   3. 科普活动
工作要点：请输入序号，或输入标题、目标编号中的几个字查找：1
第1条“院士专家工作站”下的目标：
   1. p1.workstations  新认定市级院士专家工作站（目标 10家以上）
   2. p1.academician-home  启动实施“院士之家”建设（2019-06-30 前完成）
目标：请输入序号，或输入几个字缩小范围（输入 0 返回上一步）：1
→ p1.workstations  新认定市级院士专家工作站
日期（YYYY-MM-DD）[2019-05-10]：
数量（家）[1]：
具体事项名称（可不填；同一事项只计一次）：A公司
备注（可不填）：
单位，如 南湖区科协（可不填；输入 - 表示不填）：南湖区科协
佐证：网址或文件编号（可不填）：
即将登记：
  目标    p1.workstations  新认定市级院士专家工作站
  类型    计数
  日期    2019-05-10
  数量    1 家
  事项    A公司
  单位    南湖区科协
  登记人  clerk
确认登记？[Y/n] \n"""


def test_a_count_by_numbers_with_defaults(db: Path) -> None:
    result = kx(db, "add", input=answers("1", "1", "", "", "A公司", "", "南湖区科协", "", ""))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "#1 p1.workstations：1/10 家（10.0%）\n"
    assert result.stderr == TRANSCRIPT + f"已新建数据库 {db}\n"
    [entry] = stored(db)
    assert (entry.target, entry.date, entry.amount, entry.item) == (
        "p1.workstations",
        date(2019, 5, 10),
        Decimal(1),
        "A公司",
    )
    assert (entry.note, entry.unit, entry.by, entry.evidence) == (None, "南湖区科协", "clerk", None)


def test_search_by_part_of_a_title_then_narrow(db: Path) -> None:
    # "科普" matches point 3's title, so both of its targets; "基地" narrows to one
    result = kx(db, "add", input=answers("科普", "基地", "2019-04-01", "2", "", "", "", "", "y"))
    assert result.exit_code == 0, result.stderr
    assert "与“科普”相符的目标：\n   1. p3.science-day" in result.stderr
    assert "   2. p3.bases  新建科普基地（目标 5个）\n" in result.stderr
    assert "→ p3.bases  新建科普基地\n" in result.stderr
    [entry] = stored(db)
    assert (entry.target, entry.date, entry.amount) == ("p3.bases", date(2019, 4, 1), Decimal(2))


def test_a_unique_match_or_an_id_is_taken_at_once(db: Path) -> None:
    result = kx(db, "add", input=answers("星级", "", "开展了评估", "", "", ""))
    assert result.exit_code == 0, result.stderr
    assert "→ p2.star-rating  开展学会星级评估\n日期" in result.stderr
    result = kx(db, "add", input=answers("p3.science-day", "2019-05-10", "", "", "", ""))
    assert result.exit_code == 0, result.stderr
    assert [(e.target, e.note) for e in stored(db)] == [
        ("p2.star-rating", "开展了评估"),
        ("p3.science-day", None),
    ]


def test_target_argument_and_old_ids(db: Path) -> None:
    result = kx(db, "add", "p1.stations", input=answers("", "3", "", "", "", "", ""))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith(
        "登记进展。确认之前不会写入任何内容，可随时按 Ctrl-C 取消。\n"
        "→ p1.workstations  新认定市级院士专家工作站\n日期"
    )
    assert [(e.target, e.amount) for e in stored(db)] == [("p1.workstations", Decimal(3))]


def test_unknown_target_argument_says_so_and_shows_the_list(db: Path) -> None:
    result = kx(db, "add", "p1.workstation", input=answers("2", "", "说明", "", "", ""))
    assert result.exit_code == 0, result.stderr
    assert '未知的目标编号 "p1.workstation"；您是否要写 "p1.workstations"' in result.stderr
    assert "工作要点：\n   1. 院士专家工作站" in result.stderr


def test_bad_answers_are_asked_again_with_records_messages(db: Path) -> None:
    result = kx(
        db,
        "add",
        input=answers(
            "",  # no choice
            "9",  # no such point
            "没有这个",  # no match
            "1",
            "7",  # no such target
            "0",  # back to the points
            "1",
            "工作站",  # narrows to one
            "2019-02-30",
            "2018-05-01",
            "5/10",
            "2019-06-10",  # after today
            "2019-05-09",
            "0",
            "abc",
            "nan",
            "1.2345",
            "2.5",  # half a workstation
            "2",
            "",
            "",
            "",
            "",
            "maybe",
            "y",
        ),
    )
    assert result.exit_code == 0, result.stderr
    for message in (
        "请选择一项：输入列表中的序号",
        "列表中没有序号 9；请输入列表中显示的序号",
        "没有与“没有这个”相符的项；请输入列表中的序号，或换几个字再试",
        "列表中没有序号 7；请输入列表中显示的序号",
        "日期 2019-02-30 不存在",
        "日期 2018-05-01 不在计划年度 2019 内；请填写 2019 年的日期",
        '日期 "5/10" 无法识别；请写成 2019-07-04、2019/7/4、2019.7.4 或 2019年7月4日 的形式（后面可带时间）',
        "数量必须大于 0，而不是 0；如需更正，请作废原记录（kxplan void 编号 --reason …）",
        '数量必须是大于 0 的数字，如 3 或 2.5，而不是 "abc"',
        '数量必须是有限的数字，如 3 或 2.5，而不是 "nan"',
        "2019-06-10 晚于今天（2019-05-10）：计划中的工作不是进展，请在完成当天或之后登记",
        "p1.workstations 以“家”计，只能登记整数：1.2345 不是整数",
        "p1.workstations 以“家”计，只能登记整数：2.5 不是整数",
        "请回答 y（是）或 n（否）",
    ):
        assert f"\n{message}\n" in result.stderr, message
    assert result.stderr.count("工作要点：\n") == 2  # listed again after going back
    [entry] = stored(db)
    assert (entry.date, entry.amount) == (date(2019, 5, 9), Decimal(2))


def test_an_item_already_counted_is_refused_before_confirming(db: Path) -> None:
    record(db, "p1.workstations", "--date", "2019-03-01", "--item", "A公司")
    result = kx(
        db, "add", "p1.workstations", input=answers("", "", "A公司", "B公司", "", "", "", "")
    )
    assert result.exit_code == 0, result.stderr
    assert (
        '\np1.workstations：项目 "A公司" 已计入记录 #1；如该记录有误，请先作废（kxplan void 1 --reason …）\n'
        in result.stderr
    )
    assert [e.item for e in stored(db)] == ["A公司", "B公司"]


def test_a_milestone_already_done_is_refused_and_the_list_shown_again(db: Path) -> None:
    record(db, "p1.academician-home", "--date", "2019-04-02")
    result = kx(db, "add", input=answers("院士之家", "科普日", "", "", "", "", ""))
    assert result.exit_code == 0, result.stderr
    assert (
        "p1.academician-home 已由记录 #1 标记于 2019-04-02 完成；如需改日期，请先作废 #1\n工作要点："
        in result.stderr
    )
    assert [e.target for e in stored(db)] == ["p1.academician-home", "p3.science-day"]


def test_an_activity_needs_a_note(db: Path) -> None:
    result = kx(db, "add", "p2.star-rating", input=answers("", "", "评估了 3 个学会", "", "", ""))
    assert result.exit_code == 0, result.stderr
    assert "\np2.star-rating 是持续性工作：请填写备注说明开展了什么" in result.stderr
    assert [e.note for e in stored(db)] == ["评估了 3 个学会"]


def test_control_characters_and_long_text_are_asked_again(db: Path) -> None:
    result = kx(
        db,
        "add",
        "p1.workstations",
        input=answers("", "", "bad\x1bitem", "x" * 201, "ok", "", "", "", ""),
    )
    assert result.exit_code == 0, result.stderr
    assert "\nitem 含有控制字符；请删除（只有备注可以换行）\n" in result.stderr
    assert "\nitem 长度为 201 个字符；上限为 200\n" in result.stderr
    assert [e.item for e in stored(db)] == ["ok"]


def test_defaults_outside_the_plan_year_come_from_this_clerks_last_entry(db: Path) -> None:
    record(db, "p3.bases", "--date", "2019-11-02", "--unit", "南湖区科协", today="2019-12-31")
    record(
        db,
        "p3.bases",
        "--date",
        "2019-12-30",
        "--unit",
        "秀洲区科协",
        by="other",
        today="2019-12-31",
    )
    # every default taken: the entry is identical to #1, so add asks again (here: yes)
    result = kx(
        db,
        "add",
        "p3.bases",
        input=answers("", "", "", "", "", "", "", "y"),
        KXPLAN_TODAY="2020-01-06",
    )
    assert result.exit_code == 0, result.stderr
    assert (
        "确认登记？[Y/n] \n与 #1 完全相同（p3.bases，2019-11-02，数量、事项、备注、单位都一样）\n"
        "确实又发生了一次，仍要登记吗？[y/N] y\n"
    ) in result.stderr
    assert "日期（YYYY-MM-DD）[2019-11-02]：\n" in result.stderr
    assert "单位，如 南湖区科协（可不填；输入 - 表示不填）[南湖区科协]：\n" in result.stderr
    last = max(stored(db), key=lambda entry: entry.id)
    assert (last.date, last.unit, last.by) == (date(2019, 11, 2), "南湖区科协", "clerk")
    # "-" leaves the unit empty despite its default
    result = kx(db, "add", "p3.bases", input=answers("", "", "", "", "-", "", ""))
    assert result.exit_code == 0, result.stderr
    assert max(stored(db), key=lambda entry: entry.id).unit is None


def test_no_date_default_outside_the_year_without_entries(db: Path) -> None:
    result = kx(
        db,
        "add",
        "p3.bases",
        input=answers("", "2019-12-01", "", "", "", "", "", ""),
        KXPLAN_TODAY="2020-01-06",
    )
    assert result.exit_code == 0, result.stderr
    assert "日期（YYYY-MM-DD）：\n日期为空；请按 YYYY-MM-DD 格式填写\n" in result.stderr
    assert stored(db)[0].date == date(2019, 12, 1)


def test_by_option_is_recorded_and_shown(db: Path) -> None:
    result = kx(db, "add", "p3.bases", "--by", "王芳", input=answers("", "", "", "", "", "", ""))
    assert result.exit_code == 0, result.stderr
    assert "  登记人  王芳\n" in result.stderr
    assert stored(db)[0].by == "王芳"


def test_declining_writes_nothing(db: Path) -> None:
    result = kx(db, "add", "p3.bases", input=answers("", "", "", "", "", "", "n"))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr.endswith("确认登记？[Y/n] n\n已取消，未写入任何内容\n")
    assert not db.exists()


@pytest.mark.parametrize("given", [0, 1, 4, 8])
def test_end_of_input_at_any_point_writes_nothing(db: Path, given: int) -> None:
    record(db, "p3.bases", "--date", "2019-01-05")
    before = db.read_bytes()
    all_answers = ["3", "2", "", "", "", "", "", ""]
    result = kx(db, "add", input=answers(*all_answers[:given]))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.endswith("\n错误: 输入已结束，登记尚未确认，未写入任何内容\n")
    assert len(stored(db)) == 1
    assert db.read_bytes() == before


def test_end_of_input_creates_no_database(db: Path) -> None:
    result = kx(db, "add", input="1\n")
    assert result.exit_code == 1
    assert not db.exists()


def test_english(db: Path) -> None:
    result = kx(
        db, "--lang", "en", "add", "p3.bases", input=answers("", "x", "2", "", "", "", "", "")
    )
    assert result.exit_code == 0, result.stderr
    assert "\nDate (YYYY-MM-DD) [2019-05-10]: \nAmount (个) [1]: x\n" in result.stderr
    assert '\namount must be a number greater than 0 such as 3 or 2.5, not "x"\n' in result.stderr
    assert "About to record:\n  target  p3.bases  新建科普基地\n" in result.stderr
    assert result.stdout == "#1 p3.bases: 2/5 个 (40.0%)\n"


def test_a_foreign_database_is_refused_before_any_question(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("not a database\n")
    result = kx(path, "add", input=answers("1"))
    assert result.exit_code == 3
    assert "工作要点" not in result.stderr
    assert path.read_text() == "not a database\n"


# --- the dialogue without typer ---------------------------------------------------------------


def test_the_dialogue_on_fake_streams() -> None:
    messages.set_language("en")
    plan = load(PLAN)
    out = io.StringIO()
    lines = LineIO(
        io.StringIO(answers("p1.work", "2019-06-01", "2", "", "note", "", "", "yes")), out
    )
    defaults = AddDefaults(by="clerk", date=date(2019, 6, 30))
    dialogue = AddDialogue(
        plan, lines, Validator(plan, date(2019, 6, 30), date_required=True), defaults
    )
    draft = dialogue.run()
    assert draft == Draft(
        target="p1.workstations",
        kind="count",
        date=date(2019, 6, 1),
        amount=Decimal("2"),
        note="note",
        written_target="p1.workstations",
    )
    assert "Record it? [Y/n] yes\n" in out.getvalue()


def test_confirm_reads_yes_and_no_in_both_languages() -> None:
    for answer, default, expected in [
        ("", True, True),
        ("", False, False),
        ("是", False, True),
        ("Y", False, True),
        ("否", True, False),
        ("no", True, False),
    ]:
        assert (
            confirm(LineIO(io.StringIO(answer + "\n"), io.StringIO()), "? ", default=default)
            is expected
        )
    with pytest.raises(EOFError):
        confirm(LineIO(io.StringIO(""), io.StringIO()), "? ", default=True)


# --- a real terminal --------------------------------------------------------------------------


class Terminal:
    """``kxplan`` on a pseudo-terminal it controls (so Ctrl-C is a signal): expect, type."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        import fcntl
        import termios

        self.master, slave = os.openpty()

        def controlling_terminal() -> None:
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.process = subprocess.Popen(
            args,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            close_fds=True,
            start_new_session=True,
            preexec_fn=controlling_terminal,
        )
        os.close(slave)
        self.seen = b""  # everything the terminal showed
        self.cursor = 0  # where the next expect() starts looking

    def expect(self, text: str, timeout: float = 10.0) -> None:
        wanted = text.encode()
        deadline = time.monotonic() + timeout
        while (found := self.seen.find(wanted, self.cursor)) < 0:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{text!r} not seen in {self.seen.decode(errors='replace')!r}")
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:  # the child closed the terminal
                    chunk = b""
                if not chunk:
                    raise AssertionError(f"{text!r} not seen before the end: {self.seen!r}")
                self.seen += chunk
        self.cursor = found + len(wanted)

    @staticmethod
    def settle() -> None:
        """Give readline time to set up the terminal after showing its prompt.

        A control key written in the instant between the two can be lost, which no person
        typing ever hits; answers are unaffected (they wait in the terminal's buffer).
        """
        time.sleep(0.3)

    def type(self, answer: str) -> None:
        os.write(self.master, answer.encode() + b"\r")

    def wait(self) -> int:
        try:
            while True:  # drain, so the child never blocks on a full terminal
                ready, _, _ = select.select([self.master], [], [], 10)
                if not ready:
                    break
                chunk = os.read(self.master, 4096)
                if not chunk:
                    break
                self.seen += chunk
        except OSError:
            pass
        code = self.process.wait(timeout=10)
        os.close(self.master)
        return code


def _terminal_env(db: Path) -> dict[str, str]:
    keep = {name: os.environ[name] for name in ("PATH", "HOME") if name in os.environ}
    return {
        **keep,
        "KXPLAN_PLAN": str(PLAN),
        "KXPLAN_DB": str(db),
        "KXPLAN_TODAY": "2019-05-10",
        "KXPLAN_BY": "clerk",
        "KXPLAN_LANG": "zh",
        "LANG": "C.UTF-8",
        "TERM": "dumb",
        "INPUTRC": "/dev/null",
    }


needs_pty = pytest.mark.skipif(
    sys.platform == "win32" or not KXPLAN.exists(), reason="needs a POSIX pty and bin/kxplan"
)


@needs_pty
def test_on_a_pseudo_terminal(db: Path) -> None:
    term = Terminal([str(KXPLAN), "add"], _terminal_env(db))
    term.expect("查找：")
    term.type("科普")
    term.expect("返回上一步）：")
    term.type("2")
    term.expect("[2019-05-10]：")
    term.type("")
    term.expect("数量（个）[1]：")
    term.type("0")
    term.expect("数量必须大于 0")
    term.expect("数量（个）[1]：")
    term.type("4")
    for prompt in (
        "可不填；同一事项只计一次）：",
        "备注（可不填）：",
        "表示不填）：",
        "（可不填）：",
    ):
        term.expect(prompt)
        term.type("")
    term.expect("确认登记？[Y/n]")
    term.type("y")
    assert term.wait() == 0, term.seen.decode(errors="replace")
    assert b"#1 p3.bases" in term.seen
    assert b"\x1b[" not in term.seen.replace(b"\x1b[?1034h", b"")  # no colour codes added
    [entry] = stored(db)
    assert (entry.target, entry.amount) == ("p3.bases", Decimal(4))


@needs_pty
def test_ctrl_c_on_a_pseudo_terminal_writes_nothing(db: Path) -> None:
    term = Terminal([str(KXPLAN), "add", "p3.bases"], _terminal_env(db))
    term.expect("[2019-05-10]：")
    term.type("")
    term.expect("数量（个）[1]：")
    term.settle()
    os.write(term.master, b"\x03")
    assert term.wait() == 130
    assert "已中断，未写入任何内容" in term.seen.decode(errors="replace")
    assert not db.exists()


@needs_pty
def test_ctrl_d_on_a_pseudo_terminal_writes_nothing(db: Path) -> None:
    term = Terminal([str(KXPLAN), "add"], _terminal_env(db))
    term.expect("查找：")
    term.settle()
    os.write(term.master, b"\x04")
    assert term.wait() == 1
    assert "输入已结束，登记尚未确认，未写入任何内容" in term.seen.decode(errors="replace")
    assert not db.exists()
