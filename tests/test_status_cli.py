"""`kxplan status`: exact output on a small plan with known entries, JSON shape, errors."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kxplan import messages
from kxplan.cli import COMMANDS, app
from kxplan.cli.env import Env
from kxplan.cli.term import cell_width, fold
from kxplan.entry import Draft
from kxplan.plan import load

DATA = Path(__file__).parent / "data" / "status"
SMALL = DATA / "small.yaml"
ZH = DATA / "zh.yaml"
CLEAN_ENV = {
    "KXPLAN_TODAY": "2019-06-30",
    "KXPLAN_PLAN": None,
    "KXPLAN_DB": None,
    "KXPLAN_LANG": None,
    "NO_COLOR": None,
    "COLUMNS": None,
    "TERM": None,
}

# (target, date, amount, voided): known entries of the small plan.
ENTRIES = [
    ("p1.stations", "2019-02-01", "2", False),
    ("p1.stations", "2019-05-10", "1", False),
    ("p1.stations", "2019-05-11", "4", True),  # voided: never counts
    ("p1.review", "2019-06-20", None, False),
    ("p2.societies", "2019-03-01", "1", False),
    ("p3.outreach", "2019-01-15", None, False),
    ("p3.outreach", "2019-06-01", None, False),
    ("p3.outreach", "2019-06-01", None, False),
    ("p1.stations", "2019-11-20", "6", False),  # after most of the dates shown
]


@pytest.fixture(autouse=True)
def _keep_language():
    before = messages.get_language()
    yield
    messages.set_language(before)


def build_db(path: Path, plan_path: Path, entries: list[tuple[str, str, str | None, bool]]) -> Path:
    from kxplan.store import Store

    plan = load(plan_path)
    with Store.open(path, create=True) as store:
        for target_id, day, amount, voided in entries:
            target = plan.target(target_id)
            assert target is not None
            draft = Draft(
                target=target_id,
                kind=target.kind,
                date=date.fromisoformat(day),
                amount=Decimal(amount) if amount is not None else None,
                written_target=target_id,
            )
            entry = store.record(plan, draft, "clerk", again=True)  # fixture rows may repeat
            if voided:
                store.void(entry.id, "typed twice", "clerk")
    return path


@pytest.fixture
def small_db(tmp_path: Path) -> Path:
    return build_db(tmp_path / "small.db", SMALL, ENTRIES)


@pytest.fixture
def zh_db(tmp_path: Path) -> Path:
    entries = [
        ("p1.workstations", "2019-03-20", "2", False),
        ("p1.workstations", "2019-06-18", "1", False),
        ("p1.review", "2019-04-02", None, False),
    ]
    return build_db(tmp_path / "zh.db", ZH, entries)


def run(plan: Path, db: Path, *args: str, **env: str | None):
    result = CliRunner().invoke(
        app,
        ["--plan", str(plan), "--db", str(db), "status", *args],
        env={**CLEAN_ENV, **env},
        catch_exceptions=False,
    )
    return result


# --- the terminal table ----------------------------------------------------------------------------

MIDYEAR = """\
Test plan 2019 · as of 2019-06-30 · 49.6% of the year gone
Target                              Done / goal  Progress           Expected  Status   Note
────────────────────────────────────────────────────────────────────────────────────────────
Section 1: Innovation                                                         behind
  1. Workstations                                                             behind
    New expert workstations       3/10 stations  ███░░░░░░░ 30.0%          5  behind
    Workstation review               done 06-20                    due 06-30  done
  2. Societies                                                                behind
    Model societies               1/4 societies  ██░░░░░░░░ 25.0%          2  behind   stale
    Star rating of societies           none yet                               idle     stale
Section 2: Science literacy                                                   active
  3. Science festival                                                         active
    Science festival                                               due 09-30  pending
    Outreach in schools       3 entries · 06-01                               active
6 targets: 2 behind, 1 idle, 1 active, 1 done, 1 pending; 2 with no entry in 90 days
"""


def test_table_mid_year(small_db: Path) -> None:
    result = run(SMALL, small_db)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == MIDYEAR
    assert result.stderr == ""


AUTUMN = """\
Test plan 2019 · as of 2019-10-15 · 78.9% of the year gone
Target                              Done / goal  Progress           Expected  Status   Note
────────────────────────────────────────────────────────────────────────────────────────────
Section 1: Innovation                                                         at risk
  1. Workstations                                                             at risk
    New expert workstations       3/10 stations  ███░░░░░░░ 30.0%          8  at risk  stale
    Workstation review               done 06-20                    due 06-30  done
  2. Societies                                                                at risk
    Model societies               1/4 societies  ██░░░░░░░░ 25.0%          3  at risk  stale
    Star rating of societies           none yet                               idle     stale
Section 2: Science literacy                                                   overdue
  3. Science festival                                                         overdue
    Science festival                                               due 09-30  overdue
    Outreach in schools       3 entries · 06-01                               idle     stale
6 targets: 2 at risk, 1 overdue, 2 idle, 1 done; 4 with no entry in 90 days
"""


def test_table_with_as_of(small_db: Path) -> None:
    result = run(SMALL, small_db, "--as-of", "2019-10-15")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == AUTUMN


def test_first_and_last_day(small_db: Path) -> None:
    first = run(SMALL, small_db, "--as-of", "2019-01-01").stdout
    assert "as of 2019-01-01 · 0.3% of the year gone" in first
    assert "0/10 stations  ░░░░░░░░░░ 0.0%          0  on track" in first
    assert "6 targets: 2 idle, 2 on track, 2 pending" in first
    last = run(SMALL, small_db, "--as-of", "2019-12-31").stdout
    assert "as of 2019-12-31 · 100.0% of the year gone" in last
    # the entry of 11-20 now counts: 9 of 10 — the year has closed, so missed (a gap of
    # 0.10 would be on track any other day)
    assert "9/10 stations  █████████░ 90.0%         10  missed" in last
    assert (
        "Section 1: Innovation                                                         missed"
        in last
    )
    assert "6 targets: 2 missed, 1 overdue, 2 idle, 1 done; 3 with no entry in 90 days" in last
    eve = run(SMALL, small_db, "--as-of", "2019-12-30").stdout
    assert "9/10 stations  █████████░ 90.0%         10  on track" in eve


def test_today_outside_the_plan_year_is_clamped_with_a_notice(small_db: Path) -> None:
    after = run(SMALL, small_db, KXPLAN_TODAY="2026-03-01")
    assert after.exit_code == 0
    assert after.stdout.startswith("Test plan 2019 · as of 2019-12-31 ·")
    assert after.stderr == (
        "the 2019 plan is shown as of 2019-12-31 (today, 2026-03-01, is outside the plan year)\n"
    )
    before = run(SMALL, small_db, KXPLAN_TODAY="2018-11-30")
    assert before.stdout.startswith("Test plan 2019 · as of 2019-01-01 ·")
    assert "2019-01-01" in before.stderr
    given = run(SMALL, small_db, "--as-of", "2019-05-01", KXPLAN_TODAY="2026-03-01")
    assert given.stderr == ""
    assert "as of 2019-05-01" in given.stdout


def test_filters(small_db: Path) -> None:
    section = run(SMALL, small_db, "--section", "2").stdout.splitlines()
    assert section[1:] == [
        "Target                             Done / goal  Progress   Expected  Status   Note",
        "─" * 82,
        "Section 2: Science literacy                                          active",
        "  3. Science festival                                                active",
        "    Science festival                                      due 09-30  pending",
        "    Outreach in schools      3 entries · 06-01                       active",
        "2 targets: 1 active, 1 pending",
    ]
    point = run(SMALL, small_db, "--point", "2", "--section", "1").stdout
    assert "Model societies" in point and "Workstations" not in point
    assert "  2. Societies" in point and "Section 1: Innovation" in point


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-of", "2019-02-30"], "error: --as-of must be a date YYYY-MM-DD, not '2019-02-30'"),
        (["--as-of", "30/06/2019"], "error: --as-of must be a date YYYY-MM-DD, not '30/06/2019'"),
        (["--as-of", "2019-W26-1"], "error: --as-of must be a date YYYY-MM-DD, not '2019-W26-1'"),
        (["--as-of", "20190610"], "error: --as-of must be a date YYYY-MM-DD, not '20190610'"),
        (
            ["--as-of", "2020-01-01"],
            "error: --as-of 2020-01-01 is outside the 2019 plan year;"
            " give a date from 2019-01-01 to 2019-12-31",
        ),
        (["--section", "3"], "error: there is no section 3; the sections are 1, 2"),
        (["--point", "7"], "error: there is no work point 7; the points are 1, 2, 3"),
        (
            ["--section", "2", "--point", "1"],
            "error: work point 1 is not in section 2; its points are 3",
        ),
    ],
)
def test_bad_arguments_are_one_line(small_db: Path, args: list[str], message: str) -> None:
    result = run(SMALL, small_db, *args)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == message + "\n"


def test_missing_database_says_so(tmp_path: Path) -> None:
    missing = tmp_path / "none.db"
    result = run(SMALL, missing)
    assert result.exit_code == 3
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert str(missing) in result.stderr
    assert not missing.exists()


def test_help() -> None:
    result = CliRunner().invoke(app, ["status", "--help"], env=CLEAN_ENV)
    assert result.exit_code == 0
    for option in ("--as-of", "--section", "--point", "--json"):
        assert option in result.stdout


# --- colour ---------------------------------------------------------------------------------------

ESCAPE = re.compile(r"\x1b\[")


def test_piped_output_has_no_escape_codes(small_db: Path) -> None:
    result = run(SMALL, small_db)
    assert not ESCAPE.search(result.stdout + result.stderr)


def test_terminal_gets_colour_and_words(small_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Env, "is_terminal", staticmethod(lambda stream=None: True))
    coloured = run(SMALL, small_db, COLUMNS="100").stdout
    assert "\x1b[33mbehind\x1b[0m" in coloured  # colour and the word
    assert "\x1b[32mdone\x1b[0m" in coloured
    assert "\x1b[36mpending\x1b[0m" in coloured
    plain = re.sub(r"\x1b\[[0-9;]*m", "", coloured)
    assert plain == MIDYEAR
    no_color = run(SMALL, small_db, COLUMNS="100", NO_COLOR="1").stdout
    assert not ESCAPE.search(no_color)
    assert no_color == MIDYEAR


# --- Chinese ---------------------------------------------------------------------------------------

ZH_TABLE = """\
测试市科协2019年工作要点 · 截至 2019-06-30 · 时间进度 49.6%
目标                                          完成/目标  进度               序时进度  状态      备注
────────────────────────────────────────────────────────────────────────────────────────────────────
一、深入实施创新驱动助力工程，着力服务科                                              已逾期
技创新提档升级
  1. 深化院士智力助推科技创新                                                         已逾期
    新认定市级院士专家工作站                    3/10 家  ███░░░░░░░ 30.0%          5  略有滞后
    启动实施“院士之家”建设，推动市、县                                     限6月30日  今日到期
    （市、区）领导联系院士制度，积极支持
    南湖院士楼、秀洲院士馆、桐乡院士智慧
    谷等院士平台建设
    院士专家工作站绩效考核、认证管理      1 条 · 4月2日                               进行中
共 3 个目标：已逾期 1，略有滞后 1，进行中 1
"""


def test_chinese_table(zh_db: Path) -> None:
    result = run(ZH, zh_db)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ZH_TABLE


def test_chinese_columns_line_up(zh_db: Path) -> None:
    lines = run(ZH, zh_db).stdout.splitlines()
    words = ("略有滞后", "已逾期", "今日到期", "进行中", "状态")
    starts = []
    for line in lines[1:-1]:
        for word in words:
            if line.endswith(word) or f"{word}  " in line:
                starts.append(cell_width(line[: line.rindex(word)]))
    assert len(starts) == 6  # the header, the section, the point and three targets
    assert len(set(starts)) == 1
    assert all(cell_width(line) <= 100 for line in lines[1:-1])


def test_english_interface_on_a_chinese_plan(zh_db: Path) -> None:
    result = run(ZH, zh_db, "--as-of", "2019-06-30", KXPLAN_LANG="en")
    assert (
        "    新认定市级院士专家工作站                   3/10 家  ███░░░░░░░ 30.0%" in result.stdout
    )
    assert "Section 1: 深入实施" in result.stdout
    assert "1 entry · 04-02" in result.stdout
    assert "due 06-30  due today" in result.stdout  # today is its due day: JSON says overdue
    earlier = run(ZH, zh_db, "--as-of", "2019-06-29", KXPLAN_LANG="en")
    assert "due 06-30  pending" in earlier.stdout
    history = run(ZH, zh_db, "--as-of", "2019-06-30", KXPLAN_LANG="en", KXPLAN_TODAY="2019-07-05")
    assert "due 06-30  overdue" in history.stdout  # not today: the status word itself


# --- JSON -------------------------------------------------------------------------------------------


def test_json_shape(small_db: Path) -> None:
    result = run(SMALL, small_db, "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert list(data) == [
        "plan",
        "sample",
        "as_of",
        "year_closed",
        "targets",
        "points",
        "sections",
        "summary",
        "colours",
        "warnings",
    ]
    assert data["plan"]["org"] == "Test Association" and data["plan"]["year"] == 2019
    assert data["as_of"] == "2019-06-30"
    assert [t["id"] for t in data["targets"]] == [
        "p1.stations",
        "p1.review",
        "p2.societies",
        "p2.rating",
        "p3.festival",
        "p3.outreach",
    ]
    keys = [
        "id",
        "point",
        "kind",
        "title",
        "goal",
        "unit",
        "actual",
        "expected",
        "percent",
        "status",
        "colour",
        "projection",
        "needed_per_quarter",
        "stale",
        "due",
        "done_on",
        "entries",
        "last_entry",
    ]
    assert all(list(target) == keys for target in data["targets"])
    stations = data["targets"][0]
    assert (stations["actual"], stations["goal"], stations["expected"]) == (3, 10, 5)
    assert (stations["percent"], stations["projection"], stations["status"]) == (30, 6, "behind")
    assert stations["needed_per_quarter"] == 3.5
    assert stations["entries"] == 2  # the voided entry is not counted
    societies = data["targets"][2]
    assert societies["expected"] == 2.0 and societies["projection"] == 2
    assert isinstance(societies["projection"], int)
    outreach = data["targets"][5]
    assert outreach["actual"] is None and outreach["status"] == "active"
    assert outreach["entries"] == 3 and outreach["last_entry"] == "2019-06-01"
    assert data["points"] == [
        {"number": 1, "status": "behind", "colour": "yellow"},
        {"number": 2, "status": "behind", "colour": "yellow"},
        {"number": 3, "status": "active", "colour": "green"},  # {pending, active}
    ]
    assert data["summary"] == {
        "missed": 0,
        "at_risk": 0,
        "overdue": 0,
        "behind": 2,
        "idle": 1,
        "on_track": 0,
        "active": 1,
        "done": 1,
        "pending": 1,
    }
    assert data["colours"] == {"red": 0, "yellow": 3, "green": 2, "grey": 1}
    assert data["warnings"] == ["p1.stations", "p2.societies", "p2.rating"]


def test_json_numbers_are_numbers_and_round_half_up(tmp_path: Path) -> None:
    db = build_db(tmp_path / "r.db", SMALL, [("p2.societies", "2019-01-10", "0.25", False)])
    data = json.loads(run(SMALL, db, "--json", "--as-of", "2019-03-14").stdout)
    societies = data["targets"][2]
    # 4 × 73/365 = 0.8 expected; 0.25/4 = 6.25 % → 6.3; 0.25 × 365/73 = 1.25 → 1.3
    assert societies["expected"] == 0.8
    assert societies["percent"] == 6.3
    assert societies["projection"] == 1.3
    assert societies["actual"] == 0.25
    for value in (societies["expected"], societies["percent"], societies["actual"]):
        assert isinstance(value, (int, float)) and not isinstance(value, bool)


def test_json_status_keys_never_translate(zh_db: Path) -> None:
    data = json.loads(run(ZH, zh_db, "--json", KXPLAN_LANG="zh").stdout)
    # the milestone is due today (2019-06-30): the table says 今日到期, JSON says overdue
    assert [t["status"] for t in data["targets"]] == ["behind", "overdue", "active"]
    assert data["plan"]["title"] == "测试市科协2019年工作要点"
    assert "\\u" not in run(ZH, zh_db, "--json").stdout


def test_json_filtered(small_db: Path) -> None:
    data = json.loads(run(SMALL, small_db, "--json", "--point", "3").stdout)
    assert [t["id"] for t in data["targets"]] == ["p3.festival", "p3.outreach"]
    assert data["points"] == [{"number": 3, "status": "active", "colour": "green"}]
    assert sum(data["summary"].values()) == 2


def test_json_with_today_outside_the_year_notes_on_stderr(small_db: Path) -> None:
    result = run(SMALL, small_db, "--json", KXPLAN_TODAY="2026-03-01")
    assert json.loads(result.stdout)["as_of"] == "2019-12-31"
    assert "2019-12-31" in result.stderr


# --- folding --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "width"),
    [
        ("启动实施“院士之家”建设，推动市、县（市、区）领导联系院士制度", 10),
        ("Star rating of societies and a verylongwordthatmustfold", 8),
        ("混合 mixed 文字 text，标点。", 6),
        ("", 5),
        ("a", 1),
    ],
)
def test_fold_never_loses_text_or_overflows(text: str, width: int) -> None:
    lines = fold(text, width)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(cell_width(line) <= max(width, 2) for line in lines)


def test_fold_turns_any_whitespace_into_one_space() -> None:
    assert fold("two\nlines\tand  gaps", 40) == ["two lines and gaps"]
    assert fold("two\nlines", 3) == ["two", "lin", "es"]


def test_fold_keeps_punctuation_with_its_text() -> None:
    assert fold("服务发展年“暖心扶企”专项行动", 12) == ["服务发展年", "“暖心扶企”专", "项行动"]
    assert fold("一二三四五，六", 10) == ["一二三四", "五，六"]


@pytest.mark.parametrize(
    ("text", "width"),
    [("abc", 3), ("院士", 4), ("“院士”", 6), ("（市）", 6), ("3 条 · 6月20日", 14), ("", 0)],
)
def test_cell_width(text: str, width: int) -> None:
    assert cell_width(text) == width


@pytest.mark.parametrize("command", ["status", "show p1.stations"])
def test_status_and_show_take_only_yyyy_mm_dd(small_db: Path, command: str) -> None:
    for value in ("2019-W26-1", "20190610", "2019-6-10"):
        result = CliRunner().invoke(
            app,
            ["--plan", str(SMALL), "--db", str(small_db), *command.split(), "--as-of", value],
            env={**CLEAN_ENV, "KXPLAN_LANG": "en"},
        )
        assert result.exit_code == 1, result.output
        assert result.stderr == f"error: --as-of must be a date YYYY-MM-DD, not {value!r}\n"


# --- start-up budget: what a command imports ----------------------------------------------------

#: Modules whose import alone would break the start-up budget of status and record
#: (bench/startup.py): the rich table renderer, the report's templates, the schema builder,
#: the PostgreSQL driver (loaded only for a postgresql:// location), the spreadsheet readers
#: and writers (loaded only by import of a workbook, export --format xlsx and template).
HEAVY = ("rich", "jinja2", "sqlite_utils", "psycopg", "openpyxl", "xlsxwriter")
_PROBE = """\
import sys
sys.argv[1:] = {args!r}
from kxplan.__main__ import main
try:
    main()
except SystemExit as exc:
    if exc.code:
        raise
print("HEAVY", *sorted(set({heavy!r}) & set(sys.modules)), file=sys.stderr)
"""


def imported_heavy(args: list[str], plan: Path, db: Path, watch: tuple[str, ...] = HEAVY) -> str:
    """Run ``kxplan ARGS`` in a fresh interpreter; which of ``watch`` were loaded by the end."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "KXPLAN_PLAN": str(plan), "KXPLAN_DB": str(db), "NO_COLOR": "1"}
    env |= {"KXPLAN_TODAY": "2019-06-30", "KXPLAN_LANG": "en", "KXPLAN_BY": "clerk"}
    code = _PROBE.format(args=args, heavy=watch)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stderr.rsplit("HEAVY", 1)[1].strip()


def test_status_imports_no_rich_jinja2_sqlite_utils_or_psycopg(small_db: Path) -> None:
    assert imported_heavy(["status"], SMALL, small_db) == ""
    assert imported_heavy(["status", "--json"], SMALL, small_db) == ""


def test_record_imports_no_rich_jinja2_sqlite_utils_or_psycopg(small_db: Path) -> None:
    args = ["record", "p1.stations", "2", "--date", "2019-06-01", "--item", "A station"]
    assert imported_heavy(args, SMALL, small_db) == ""


#: The modules that register commands: a command imports only its own (the lazy command tree).
COMMAND_MODULES = tuple(
    sorted({f"kxplan.cli.{module}" for modules in COMMANDS.values() for module in modules})
)


def test_record_loads_only_its_own_command_module(small_db: Path) -> None:
    args = ["record", "p1.stations", "2", "--date", "2019-06-01", "--item", "A station"]
    assert imported_heavy(args, SMALL, small_db, COMMAND_MODULES) == "kxplan.cli.entry_cmds"


def test_status_loads_only_its_own_command_module(small_db: Path) -> None:
    assert imported_heavy(["status"], SMALL, small_db, COMMAND_MODULES) == "kxplan.cli.status_cmd"


def test_help_loads_no_command_module_and_no_jinja2_or_sqlite_utils(small_db: Path) -> None:
    watch = (*COMMAND_MODULES, "jinja2", "sqlite_utils", "yaml")
    assert imported_heavy(["--help"], SMALL, small_db, watch) == ""


def test_plan_help_loads_only_the_plan_commands(small_db: Path) -> None:
    loaded = imported_heavy(["plan", "--help"], SMALL, small_db, COMMAND_MODULES)
    assert loaded == "kxplan.cli.plan_cmds kxplan.cli.plan_diff_cmd"
