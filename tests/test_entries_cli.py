"""`kxplan record | void | log`: exact output, every refusal as one line with the database
unchanged, and two processes recording at once."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import SMALL_PLAN
from rich.cells import cell_len

REPO = Path(__file__).resolve().parents[1]


def count(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT count(*) FROM entries").fetchone()[0]
    finally:
        conn.close()


def state(db: Path) -> tuple[str | None, list[str]]:
    """The database file's hash and the names beside it (a -wal left open would show)."""
    digest = hashlib.sha256(db.read_bytes()).hexdigest() if db.exists() else None
    return digest, sorted(p.name for p in db.parent.iterdir())


# --- record ------------------------------------------------------------------------------------


def test_record_creates_the_database_and_prints_the_new_total(kx: Any, db: Path) -> None:
    first = kx("record", "p1.workstations", "--item", "嘉兴某公司院士专家工作站")
    assert first.exit_code == 0
    assert first.stdout == "#1 p1.workstations: 1/10 家 (10.0%)\n"
    assert first.stderr == f"created a new database {db}\n"
    second = kx("record", "p1.workstations", "2", "--date", "2019-04-01", "--unit", "南湖区科协")
    assert (second.exit_code, second.stdout, second.stderr) == (
        0,
        "#2 p1.workstations: 3/10 家 (30.0%)\n",
        "",
    )


def test_percentages_round_half_up(kx: Any) -> None:
    assert kx("record", "p1.visits", "0.05").stdout == "#1 p1.visits: 0.05/100 人次 (0.1%)\n"
    assert kx("record", "p1.visits", "0.1").stdout == "#2 p1.visits: 0.15/100 人次 (0.2%)\n"


def test_an_old_id_records_under_the_current_one(kx: Any, db: Path) -> None:
    result = kx("record", "p1.stations", "--item", "A")
    assert result.stdout == "#1 p1.workstations: 1/10 家 (10.0%)\n"
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT target FROM entries").fetchall() == [("p1.workstations",)]
    conn.close()


def test_milestones_and_activities(kx: Any) -> None:
    done = kx("record", "p2.science-day", "--date", "2019-09-20", KXPLAN_TODAY="2019-09-20")
    assert done.stdout == "#1 p2.science-day: done on 2019-09-20\n"
    note = kx("record", "p2.outreach", "--note", "talk at\na school", "--evidence", "doc 12")
    assert note.stdout == "#2 p2.outreach: 1 recorded\n"


def test_record_fields_and_defaults_are_stored(kx: Any, db: Path) -> None:
    kx(
        "record",
        "p1.visits",
        "3",
        "--note",
        "  spaced  ",
        "--unit",
        "秀洲区科协",
        "--evidence",
        "http://x/1",
    )
    kx("record", "p1.visits", "--by", "张三", "--date", "2019-01-02")
    kx("record", "p1.visits", KXPLAN_BY="李四")
    rows = json.loads(kx("log", "--json").stdout)
    assert [
        (r["date"], r["amount"], r["note"], r["unit"], r["by"], r["evidence"]) for r in rows
    ] == [
        ("2019-01-02", 1, None, None, "张三", None),
        ("2019-05-10", 3, "spaced", "秀洲区科协", "clerk", "http://x/1"),
        ("2019-05-10", 1, None, None, "李四", None),
    ]


@pytest.mark.sqlite_only  # the notice of a new database file
def test_in_chinese(kx: Any) -> None:
    result = kx("--lang", "zh", "record", "p1.workstations", "2")
    assert result.stdout == "#1 p1.workstations：2/10 家（20.0%）\n"
    assert result.stderr.startswith("已新建数据库 ")


BAD_RECORDS = [
    (
        ["p1.workstation"],
        'unknown target id "p1.workstation"; did you mean "p1.workstations"?',
    ),
    (
        ["p9.nothing-like-it"],
        'unknown target id "p9.nothing-like-it"; see the ids with: kxplan plan show',
    ),
    ([""], "the target id is empty; give one such as p4.workstations (see: kxplan plan show)"),
    (
        ["p2.science-day", "1"],
        'p2.science-day is a milestone: it takes no amount (got "1"); recording it marks it done on the date',
    ),
    (
        ["p2.outreach", "2", "--note", "x"],
        'p2.outreach is an activity: it takes no amount (got "2"); describe what happened in the note',
    ),
    (
        ["p2.outreach"],
        'p2.outreach is an activity: give a note saying what was done (--note "…" or the note column)',
    ),
    (
        ["p1.visits", "0"],
        "amount must be greater than 0, not 0; to correct an entry, void it (kxplan void ID --reason …)",
    ),
    (
        ["p1.visits", "-3"],
        "amount must be greater than 0, not -3; to correct an entry, void it (kxplan void ID --reason …)",
    ),
    (["p1.visits", "NaN"], 'amount must be a finite number such as 3 or 2.5, not "NaN"'),
    (["p1.visits", "inf"], 'amount must be a finite number such as 3 or 2.5, not "inf"'),
    (
        ["p1.visits", "1e30"],
        "amount 1e30 is too large; the most one entry can record is 1000000000",
    ),
    (
        ["p1.visits", "1.0005"],
        "p1.visits is counted in 人次 to at most 3 decimal place(s): 1.0005 has more; round it",
    ),
    (
        ["p1.visits", "1,00"],
        'amount "1,00" has a comma that does not separate thousands; write decimals with a point (2.5) and thousands as 1,200',
    ),
    (["p1.visits", "3件"], 'amount must be a number greater than 0 such as 3 or 2.5, not "3件"'),
    (
        ["p1.visits", "－３"],
        "amount must be greater than 0, not －３; to correct an entry, void it (kxplan void ID --reason …)",
    ),
    (["p1.visits", "--date", "2019-02-30"], "date 2019-02-30 is not a real date"),
    (["p1.visits", "--date", "2019/2/30"], "date 2019/2/30 is not a real date"),
    (["p1.visits", "--date", "2019-05-10T25:00"], "date 2019-05-10T25:00 is not a real date"),
    (
        ["p1.visits", "--date", "5/10/2019"],
        'date "5/10/2019" is not a date; write it like 2019-07-04, 2019/7/4, 2019.7.4 or 2019年7月4日 (a time after it is allowed)',
    ),
    (
        ["p1.visits", "--date", "43595"],
        'date "43595" is a number (an Excel date serial, i.e. 2019-05-10?); format the cell as a date or write it like 2019-07-04',
    ),
    (
        ["p1.visits", "--date", "2018-12-31"],
        "date 2018-12-31 is outside the plan year 2019; give a date in 2019",
    ),
    (["p1.visits", "--item", "x" * 201], "item is 201 characters long; the limit is 200"),
    (["p1.visits", "--note", "n" * 2001], "note is 2001 characters long; the limit is 2000"),
    (
        ["p1.visits", "--item", "bad\x1b[31mred"],
        "item contains a control character; remove it (only a note may have line breaks)",
    ),
    (
        ["p1.visits", "--item", "two\nlines"],
        "item contains a control character; remove it (only a note may have line breaks)",
    ),
    (
        ["p1.visits", "--unit", "A\u202eB"],
        "unit contains a control character; remove it (only a note may have line breaks)",
    ),
    (
        ["p1.visits", "--note", "bell\x07"],
        "note contains a control character; remove it (only a note may have line breaks)",
    ),
]


@pytest.mark.parametrize(
    ("args", "message"), BAD_RECORDS, ids=[repr(a)[:40] for a, _ in BAD_RECORDS]
)
def test_bad_records_are_refused_in_one_line_and_change_nothing(
    kx: Any, db: Path, args: list[str], message: str
) -> None:
    # refused before the database is even created …
    result = kx("record", *args)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"error: {message}\n")
    assert not db.exists()
    # … and refused against an existing one, which stays byte-identical
    assert kx("record", "p1.visits", "--date", "2019-01-01").exit_code == 0
    before = state(db)
    result = kx("record", *args)
    assert (result.exit_code, result.stderr) == (1, f"error: {message}\n")
    assert state(db) == before
    assert count(db) == 1


def test_rules_against_what_is_recorded(kx: Any, db: Path) -> None:
    kx("record", "p1.workstations", "--item", "A公司")
    kx("record", "p2.science-day", "--date", "2019-05-01")
    before = state(db)
    item = kx("record", "p1.stations", "--item", "A公司")
    assert item.exit_code == 1
    assert item.stderr == (
        'error: p1.workstations: item "A公司" is already counted in entry #1; '
        "if that entry is wrong, void it first (kxplan void 1 --reason …)\n"
    )
    done = kx("record", "p2.science-day", "--date", "2019-05-02")
    assert done.stderr == (
        "error: p2.science-day is already marked done by entry #2 on 2019-05-01; "
        "to change the date, void #2 first\n"
    )
    assert state(db) == before


def test_the_date_defaults_to_today_which_must_be_in_the_plan_year(kx: Any, db: Path) -> None:
    result = kx("record", "p1.visits", KXPLAN_TODAY="2020-01-02")
    assert result.exit_code == 1
    assert result.stderr == (
        "error: today (2020-01-02) is outside the plan year 2019; give the date with --date YYYY-MM-DD\n"
    )
    assert not db.exists()
    assert (
        kx("record", "p1.visits", "--date", "2019-12-31", KXPLAN_TODAY="2020-01-02").exit_code == 0
    )


def test_unknown_options_and_extra_arguments_are_usage_errors(kx: Any, db: Path) -> None:
    typo = kx("record", "p1.visits", "--dat", "2019-01-01")
    assert (typo.exit_code, typo.stderr) == (
        2,
        "error: no such option --dat; see: kxplan record --help\n",
    )
    extra = kx("record", "p1.visits", "3", "4")
    assert (extra.exit_code, extra.stderr) == (
        2,
        "error: unexpected argument '4'; see: kxplan record --help\n",
    )
    assert not db.exists()


# --- void ----------------------------------------------------------------------------------------


def test_void_marks_the_entry_and_prints_the_new_total(kx: Any, db: Path) -> None:
    kx("record", "p1.workstations", "3")
    kx("record", "p1.workstations", "2")
    result = kx("void", "#1", "--reason", "typed twice")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == "voided #1 (2019-05-10) as void #1; p1.workstations: 2/10 家 (20.0%)\n"
    rows = json.loads(kx("log", "--all", "--json").stdout)
    assert rows[0]["void"]["reason"] == "typed twice" and rows[0]["void"]["by"] == "clerk"
    assert rows[1]["void"] is None


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["1", "--reason", "again"], 1, "entry #1 is already voided (void #1 by clerk at "),
        (["7", "--reason", "x"], 1, "there is no entry #7; see the ids with: kxplan log --all"),
        (["2"], 1, 'give a reason for voiding with --reason "…"'),
        (["2", "--reason", "   "], 1, 'give a reason for voiding with --reason "…"'),
        (
            ["two", "--reason", "x"],
            1,
            "entry id must be a number such as 12 (see: kxplan log), not 'two'",
        ),
        (["2", "--reason", "x" * 501], 1, "reason is 501 characters long; the limit is 500"),
    ],
)
def test_bad_voids_are_refused(kx: Any, db: Path, args: list[str], code: int, message: str) -> None:
    kx("record", "p1.visits")
    kx("record", "p1.visits")
    kx("void", "1", "--reason", "first")
    before = state(db)
    result = kx("void", *args)
    assert result.exit_code == code
    assert result.stderr.startswith(f"error: {message}") and result.stderr.count("\n") == 1
    assert state(db) == before


def test_void_never_creates_a_database(kx: Any, db: Path) -> None:
    result = kx("void", "1", "--reason", "x")
    assert result.exit_code == 3
    assert result.stderr.startswith(f"error: there is no database {db} yet;")
    assert not db.exists()


# --- log -----------------------------------------------------------------------------------------


@pytest.fixture
def logged(kx: Any) -> Any:
    kx(
        "record",
        "p1.workstations",
        "--item",
        "嘉兴某公司",
        "--unit",
        "南湖区科协",
        "--date",
        "2019-04-02",
    )
    kx("record", "p1.visits", "2.5", "--date", "2019-02-01", "--by", "张三")
    kx(
        "record",
        "p2.outreach",
        "--note",
        "talk",
        "--date",
        "2019-07-01",
        "--unit",
        "南湖区科协",
        KXPLAN_TODAY="2019-07-01",
    )
    kx("record", "p1.stations", "--item", "B", "--date", "2019-04-02")
    kx("void", "4", "--reason", "wrong")
    return kx


def test_log_prints_an_aligned_table_in_date_order(logged: Any) -> None:
    result = logged("log")
    assert result.exit_code == 0
    assert [line.rstrip() for line in result.stdout.splitlines()] == [
        "id   date         target            amount   item         note   unit         by",
        "───────────────────────────────────────────────────────────────────────────────────",
        "#2   2019-02-01   p1.visits            2.5                                    张三",
        "#1   2019-04-02   p1.workstations        1   嘉兴某公司          南湖区科协   clerk",
        "#3   2019-07-01   p2.outreach                             talk   南湖区科协   clerk",
    ]


def test_log_all_marks_voided_entries(logged: Any) -> None:
    lines = [line.rstrip() for line in logged("log", "--all").stdout.splitlines()]
    assert lines[0].endswith("by      void")
    assert (
        lines[4]
        == "#4   2019-04-02   p1.workstations        1   B                                clerk   voided #1:"
    )
    assert lines[5].strip() == "wrong"  # the reason wraps in the 100-column pipe width


def test_log_aligns_chinese(logged: Any) -> None:
    lines = logged("--lang", "zh", "log").stdout.splitlines()
    assert lines[0].split() == ["编号", "日期", "目标", "数量", "事项", "备注", "单位", "登记人"]
    # rich pads by display cells: every line (CJK rows included) is as wide as the rule
    assert {cell_len(line) for line in lines} == {cell_len(lines[1])}
    unit_column = {
        cell_len(line[: line.index("南湖区科协")]) for line in lines if "南湖区科协" in line
    }
    assert len(unit_column) == 1


def test_log_json_has_the_documented_keys(logged: Any) -> None:
    rows = json.loads(logged("log", "--all", "--json").stdout)
    assert [list(row) for row in rows][0] == [
        "id", "target", "date", "amount", "item", "note", "unit", "by", "evidence", "recorded_at", "void",
    ]  # fmt: skip
    voided = rows[2]
    assert voided["id"] == 4 and voided["target"] == "p1.workstations"
    assert list(voided["void"]) == ["id", "reason", "by", "recorded_at"]
    assert voided["void"]["reason"] == "wrong"
    assert rows[0]["amount"] == 2.5 and rows[2]["amount"] == 1 and rows[3]["amount"] is None
    assert all(row["recorded_at"].endswith("Z") and len(row["recorded_at"]) == 27 for row in rows)


@pytest.mark.parametrize(
    ("args", "ids"),
    [
        (["--target", "p1.workstations"], [1]),
        (["--target", "p1.stations"], [1]),  # an old id selects its current target
        (["--target", "p1.workstations", "--all"], [1, 4]),
        (["--quarter", "2019Q2"], [1]),
        (["--quarter", "q1"], [2]),
        (["--quarter", "2019-Q3"], [3]),
        (["--unit", "南湖区科协"], [1, 3]),
        (["--quarter", "2019Q4"], []),
    ],
)
def test_log_filters(logged: Any, args: list[str], ids: list[int]) -> None:
    result = logged("log", "--json", *args)
    assert [row["id"] for row in json.loads(result.stdout)] == ids


def test_log_with_nothing_to_show(logged: Any) -> None:
    result = logged("log", "--quarter", "2019Q4")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "no entries match\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--quarter", "2018Q1"], "quarter 2018Q1 is outside the plan year 2019"),
        (["--quarter", "Q5"], "quarter must be written like 2019Q2, not 'Q5'"),
        (["--target", "p1.visit"], 'unknown target id "p1.visit"; did you mean "p1.visits"?'),
    ],
)
def test_log_bad_filters(logged: Any, args: list[str], message: str) -> None:
    result = logged("log", *args)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"error: {message}\n")


def test_reading_a_missing_database_says_how_to_create_one(kx: Any, db: Path) -> None:
    for command in (["log"], ["export"]):
        result = kx(*command)
        assert result.exit_code == 3
        assert result.stderr == (
            f"error: there is no database {db} yet; create it by recording progress "
            "(kxplan record TARGET …) or importing (kxplan import FILE.csv), or choose one with --db\n"
        )
    assert not db.exists()


@pytest.mark.parametrize(
    "command", [["record", "p1.visits"], ["log"], ["void", "1", "--reason", "x"]]
)
def test_a_foreign_file_is_refused_by_every_command(kx: Any, db: Path, command: list[str]) -> None:
    db.write_text("id,name\n1,not a database\n")
    before = state(db)
    result = kx(*command)
    assert result.exit_code == 3
    assert result.stderr == (
        f"error: {db} is not a kxplan database (not an SQLite file); it was left untouched "
        "— choose another file with --db\n"
    )
    assert state(db) == before


# --- two processes at once ---------------------------------------------------------------------


@pytest.mark.slow
def test_two_processes_recording_at_once_both_land(tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    env = {
        **os.environ,
        "KXPLAN_PLAN": str(SMALL_PLAN),
        "KXPLAN_DB": str(db),
        "KXPLAN_TODAY": "2019-05-10",
        "KXPLAN_LANG": "en",
    }
    script = (
        "import sys\n"
        "from kxplan.__main__ import main\n"
        "name, times = sys.argv[1], int(sys.argv[2])\n"
        "for i in range(times):\n"
        "    sys.argv = ['kxplan', 'record', 'p1.visits', '--item', f'{name}-{i}']\n"
        "    try:\n"
        "        main()\n"
        "    except SystemExit as exit:\n"
        "        if exit.code:\n"
        "            raise\n"
    )
    clerks = [
        subprocess.Popen(
            [sys.executable, "-c", script, name, "25"],
            env=env,
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("ann", "bob")
    ]
    for clerk in clerks:
        out, err = clerk.communicate(timeout=180)
        assert clerk.returncode == 0, err
        assert "locked" not in err and "Traceback" not in err
        assert out.count("\n") == 25
    assert count(db) == 50
    # and through the real console script as well
    kxplan = Path(sys.executable).with_name("kxplan")
    if kxplan.exists():
        runs = [
            subprocess.Popen(
                [str(kxplan), "record", "p1.visits", "--note", str(n)],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            for n in range(4)
        ]
        assert [run.wait(timeout=120) for run in runs] == [0, 0, 0, 0]
        assert count(db) == 54


# --- review fixes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number", ["99999999999999999999999", "9223372036854775808", "9223372036854775807"]
)
def test_void_an_id_beyond_sqlite_integers_is_no_such_entry(kx: Any, db: Path, number: str) -> None:
    kx("record", "p1.visits")
    before = state(db)
    result = kx("void", number, "--reason", "x")
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        f"error: there is no entry #{number}; see the ids with: kxplan log --all\n",
    )
    assert state(db) == before


@pytest.mark.parametrize(
    ("name", "stored"),
    [
        ("\x1b[31mevil", "unknown"),
        ("a\u202eb", "unknown"),
        ("x" * 101, "unknown"),
        ("   ", "unknown"),
        (" 张三 ", "张三"),
    ],
    ids=["escape", "bidi", "too-long", "blank", "chinese"],
)
def test_the_os_user_name_is_checked_like_by(kx: Any, db: Path, name: str, stored: str) -> None:
    result = kx("record", "p1.visits", LOGNAME=name, USER=name)
    assert result.exit_code == 0, result.stderr
    assert json.loads(kx("log", "--json").stdout)[0]["by"] == stored


def test_an_amount_with_a_nul_is_reported_as_given(kx: Any, db: Path) -> None:
    result = kx("record", "p1.visits", "1\x00")
    assert (result.exit_code, result.stderr) == (
        1,
        'error: amount must be a number greater than 0 such as 3 or 2.5, not "1\ufffd"\n',
    )
    milestone = kx("record", "p2.science-day", "x\x00")
    assert milestone.stderr == (
        'error: p2.science-day is a milestone: it takes no amount (got "x\ufffd");'
        " recording it marks it done on the date\n"
    )
    assert not db.exists()
