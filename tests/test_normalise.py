"""What people type and Excel writes: dates, amounts and headers in every accepted form, the
refusals, and the same rules through `record`, `add` and a CSV as Excel on Chinese Windows
saves it (GBK, CRLF, 2019/7/4, 1,200, Chinese headers)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import ENTRY_ENV, SMALL_PLAN

from kxplan.normalise import (
    COLUMN_ALIASES,
    DATE_FORMS,
    IGNORED_COLUMNS,
    column_for,
    halfwidth,
    parse_date,
    plain_amount,
)

# --- dates -------------------------------------------------------------------------------------

GOOD_DATES = [
    "2019-07-04",
    "2019-7-4",
    "2019/7/4",
    "2019/07/04",
    "2019.7.4",
    "2019.07.04",
    "2019年7月4日",
    "2019年07月04日",
    "2019 年 7 月 4 日",
    "2019年7月4号",
    "2019年7月4",
    "2019-07-04T09:30",
    "2019-07-04T09:30:15",
    "2019-07-04T09:30:15.123456",
    "2019-07-04T09:30:15Z",
    "2019-07-04T09:30:15+08:00",
    "2019-07-04 09:30",
    "2019-07-04 00:00:00",
    "2019/7/4 9:30",
    "2019/7/4 23:59:59",
    "2019年7月4日 9:30",
    "  2019-07-04  ",
    "２０１９－０７－０４",
    "２０１９／７／４",
    "２０１９年７月４日",
    "2019\u30007\u30004".replace("\u3000", "/"),
]


@pytest.mark.parametrize("text", GOOD_DATES)
def test_every_accepted_date_form(text: str) -> None:
    assert parse_date(text) == date(2019, 7, 4)


def test_the_forms_the_message_names_are_accepted() -> None:
    assert all(parse_date(form) == date(2019, 7, 4) for form in DATE_FORMS)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("2019-02-29", "entry.date_invalid"),
        ("2020/2/30", "entry.date_invalid"),
        ("2019年13月1日", "entry.date_invalid"),
        ("2019-07-04T24:00", "entry.date_invalid"),
        ("2019-07-04 12:60", "entry.date_invalid"),
        ("7/4/2019", "entry.date_format"),
        ("04.07.2019", "entry.date_format"),
        ("19/7/4", "entry.date_format"),
        ("20190704", "entry.date_format"),
        ("2019-07", "entry.date_format"),
        ("2019/7-4", "entry.date_format"),
        ("2019-07-04T", "entry.date_format"),
        ("2019-07-04 noon", "entry.date_format"),
        ("七月四日", "entry.date_format"),
        ("today", "entry.date_format"),
        ("43650", "entry.date_serial"),
        ("43650.5", "entry.date_serial"),
    ],
)
def test_refused_dates_say_why(text: str, key: str) -> None:
    result = parse_date(text)
    assert isinstance(result, tuple) and result[0] == key


def test_an_excel_serial_names_the_day_it_stands_for() -> None:
    assert parse_date("43650") == ("entry.date_serial", {"value": "43650", "day": "2019-07-04"})


# --- amounts -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("1200", "1200"),
        ("1,200", "1200"),
        ("1，200", "1200"),
        ("12,345.5", "12345.5"),
        ("1,234,567", "1234567"),
        (" 12 ", "12"),
        ("\u300012\u3000", "12"),
        ("１２０", "120"),
        ("１，２００", "1200"),
        ("２．５", "2.5"),
        ("＋３", "+3"),
        ("－３", "-3"),
        ("\u22123", "-3"),
        ("1,2", None),
        ("1,2345", None),
        ("12,34,567", None),
        (",100", None),
        ("1,,000", None),
    ],
)
def test_amount_forms(text: str, plain: str | None) -> None:
    assert plain_amount(text) == plain


def test_halfwidth_leaves_other_text_alone() -> None:
    assert halfwidth("（示例）院士专家工作站①") == "(示例)院士专家工作站①"
    assert halfwidth("abc") == "abc"


# --- headers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "alias"),
    [(field, alias) for field, aliases in COLUMN_ALIASES.items() for alias in (field, *aliases)],
)
def test_every_alias_names_its_field(field: str, alias: str) -> None:
    assert column_for(alias) == field
    assert column_for(f" {alias.upper()} ") == field


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("目标编号", "target"),
        ("目标 编号", "target"),
        ("Target ID", "target"),
        ("ＴＡＲＧＥＴ", "target"),
        ("数量（名）", "amount"),
        ("数量(个)", "amount"),
        ("日期*", "date"),
        ("日期（必填）*", "date"),
        ("说明", "note"),
        ("备注", "note"),
        ("序号", "-"),
        ("No.", "-"),
        ("颜色", None),
        ("", None),
    ],
)
def test_headers_people_write(text: str, field: str | None) -> None:
    assert column_for(text) == field


def test_ignored_columns_are_listed() -> None:
    assert all(column_for(name) == "-" for name in IGNORED_COLUMNS)


# --- the same rules through record, add and import ----------------------------------------------


def test_record_takes_full_width_amounts_and_excel_dates(kx: Any) -> None:
    assert kx("record", "p1.visits", "１２", "--date", "2019/3/4").exit_code == 0
    assert kx("record", "p1.visits", "1,200", "--date", "2019年3月5日").exit_code == 0
    assert kx("record", "p1.visits", " ３ ", "--date", "２０１９．３．６").exit_code == 0
    assert kx("record", "p1.visits", "2", "--date", "2019-03-07T10:30:00+08:00").exit_code == 0
    assert kx("record", "ｐ１.ｖｉｓｉｔｓ", "1", "--date", "2019-03-08").exit_code == 0
    rows = json.loads(kx("log", "--json").stdout)
    assert [(r["target"], r["date"], r["amount"]) for r in rows] == [
        ("p1.visits", "2019-03-04", 12),
        ("p1.visits", "2019-03-05", 1200),
        ("p1.visits", "2019-03-06", 3),
        ("p1.visits", "2019-03-07", 2),
        ("p1.visits", "2019-03-08", 1),
    ]


def test_void_takes_a_full_width_id(kx: Any) -> None:
    assert kx("record", "p1.visits", "1", "--date", "2019-03-04").exit_code == 0
    result = kx("void", "＃１", "--reason", "重复")
    assert result.exit_code == 0, result.stderr
    assert json.loads(kx("log", "--json", "--all").stdout)[0]["void"]["reason"] == "重复"


def test_add_takes_the_same_forms(kx: Any, db: Path) -> None:
    from typer.testing import CliRunner

    from kxplan.cli import app

    answers = "\n".join(["1", "2", "2019/3/4", "１，２００", "", "", "", "", "y"]) + "\n"
    result = CliRunner().invoke(
        app, ["--plan", str(SMALL_PLAN), "--db", str(db), "add"], input=answers, env=ENTRY_ENV
    )
    assert result.exit_code == 0, result.stderr
    rows = json.loads(kx("log", "--json").stdout)
    assert [(r["target"], r["date"], r["amount"]) for r in rows] == [
        ("p1.visits", "2019-03-04", 1200)
    ]


#: A CSV as Excel saves it on Chinese Windows: GBK, CRLF, a title row, Chinese headers in
#: its own order, 序号, Excel's date display, thousands separators, full-width digits.
EXCEL_CSV = (
    "2019年南湖区科协进展登记表,,,,,,\r\n"
    "序号,日期,目标编号,数量（人次）,事项,说明,单位\r\n"
    '1,2019/3/4,p1.visits,"1,200",,专家来访,南湖区科协\r\n'
    "2,2019.3.5,p1.visits,１２,,,南湖区科协\r\n"
    "3,2019年3月6日,p1.workstations,,嘉兴某公司院士专家工作站,,南湖区科协\r\n"
    "4,2019-03-07 14:30,p2.outreach,,,科普进社区,南湖区科协\r\n"
    ",,,,,,南湖区科协\r\n"
    ",,,,,,\r\n"
)


def test_a_csv_as_excel_saves_it_imports(kx: Any, tmp_path: Path) -> None:
    path = tmp_path / "南湖.csv"
    path.write_bytes(EXCEL_CSV.encode("gbk"))
    result = kx("import", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[-1] == (
        f"{path}: imported 4 new entries; 0 rows were imported before and skipped"
    )
    rows = json.loads(kx("log", "--json").stdout)
    assert [(r["date"], r["target"], r["amount"], r["item"], r["note"]) for r in rows] == [
        ("2019-03-04", "p1.visits", 1200, None, "专家来访"),
        ("2019-03-05", "p1.visits", 12, None, None),
        ("2019-03-06", "p1.workstations", 1, "嘉兴某公司院士专家工作站", None),
        ("2019-03-07", "p2.outreach", None, None, "科普进社区"),
    ]
    assert {r["unit"] for r in rows} == {"南湖区科协"}
    # the same rows written the canonical way are the same rows: nothing new
    canonical = tmp_path / "canonical.csv"
    canonical.write_text(
        "target,date,amount,item,note,unit\n"
        "p1.visits,2019-03-04,1200,,专家来访,南湖区科协\n"
        "p1.visits,2019-03-05,12,,,南湖区科协\n",
        encoding="utf-8",
    )
    assert "imported 0 new entries; 2 rows" in kx("import", str(canonical)).stderr


def test_bad_forms_in_a_csv_are_reported_per_row(kx: Any, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        '目标,日期,数量\np1.visits,7/4/2019,1\np1.visits,2019/7/4,"1,2"\np1.visits,43650,1\n',
        encoding="utf-8",
    )
    result = kx("import", str(path), KXPLAN_TODAY="2019-12-31")  # July is not the future
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f'{path}:2: date "7/4/2019" is not a date; write it like 2019-07-04, 2019/7/4, 2019.7.4 or 2019年7月4日 (a time after it is allowed)',
        f'{path}:3: amount "1,2" has a comma that does not separate thousands; write decimals with a point (2.5) and thousands as 1,200',
        f'{path}:4: date "43650" is a number (an Excel date serial, i.e. 2019-07-04?); format the cell as a date or write it like 2019-07-04',
        f"error: {path}: 3 bad row(s); nothing was imported — fix them and import again",
    ]


def test_messages_in_chinese(kx: Any, tmp_path: Path) -> None:
    result = kx("--lang", "zh", "record", "p1.visits", "--date", "7/4/2019")
    assert result.stderr == (
        '错误: 日期 "7/4/2019" 无法识别；请写成 2019-07-04、2019/7/4、2019.7.4 或 2019年7月4日 的形式（后面可带时间）\n'
    )


def test_import_help_shows_the_alias_table(kx: Any) -> None:
    result = kx("--lang", "zh", "import", "--help", COLUMNS="120")
    assert result.exit_code == 0
    for field, aliases in COLUMN_ALIASES.items():
        if field in ("target", "date", "amount", "item", "note", "unit", "by", "evidence"):
            assert f"{field}: {', '.join(aliases)}" in result.stdout
