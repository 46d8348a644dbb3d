"""Issue 13's entry rules, through every command that writes: whole counts (rule 4), no
progress dated after today (rule 5) and exact repeats (rule 6) — refused by the one shared
validator / store rule for `record`, `add` and `import` alike, and `record`'s echo agreeing
with `status`."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import SMALL_PLAN

from kxplan import messages
from kxplan.entry import Draft, Validator
from kxplan.errors import RepeatedEntry
from kxplan.numbers import format_places, round_places, within_places
from kxplan.plan import load

REPO = Path(__file__).resolve().parents[1]
PLAN_2019 = REPO / "plans" / "2019.yaml"


def rows(db: Path) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT id, target, date, amount_milli, item, note, unit FROM entries ORDER BY id"
        ).fetchall()
    finally:
        conn.close()


# --- rule 4: whole counts ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "amount", "problem"),
    [
        ("p1.workstations", "3", None),
        ("p1.workstations", "3.0", None),  # the whole number 3
        ("p1.workstations", "3.000", None),
        (
            "p1.workstations",
            "2.5",
            "p1.workstations counts whole 家: 2.5 is not a whole number; record whole 家",
        ),
        (
            "p1.workstations",
            "0.001",
            "p1.workstations counts whole 家: 0.001 is not a whole number; record whole 家",
        ),
        (
            "p1.stations",  # an old id: judged as the target it now names
            "1.5",
            "p1.workstations counts whole 家: 1.5 is not a whole number; record whole 家",
        ),
        ("p1.visits", "2.5", None),  # decimals: 3 in the small plan
        ("p1.visits", "2.125", None),
        (
            "p1.visits",
            "2.1255",
            "p1.visits is counted in 人次 to at most 3 decimal place(s): 2.1255 has more; round it",
        ),
    ],
)
def test_the_validator_judges_amounts_by_the_targets_decimals(
    target: str, amount: str, problem: str | None, keep_language: None
) -> None:
    messages.set_language("en")
    plan = load(SMALL_PLAN)
    draft, problems = Validator(plan, date(2019, 5, 10)).check(
        {"target": target, "amount": amount, "item": "x"}
    )
    assert problems == ([problem] if problem else [])
    if problem is None:
        assert draft is not None and draft.amount == Decimal(amount)


def test_the_amount_cache_is_per_precision(keep_language: None) -> None:
    # the same text, first for a decimals-3 target then for a whole one: not a cached "fine"
    messages.set_language("en")
    validator = Validator(load(SMALL_PLAN), date(2019, 5, 10))
    assert validator.check({"target": "p1.visits", "amount": "0.5"})[1] == []
    assert validator.check({"target": "p1.workstations", "amount": "0.5", "item": "A"})[1] == [
        "p1.workstations counts whole 家: 0.5 is not a whole number; record whole 家"
    ]


@pytest.mark.parametrize(
    ("value", "places", "rounded", "shown"),
    [
        (Decimal("3384.6"), 0, Decimal("3385"), "3385"),
        (Decimal("3384.5"), 0, Decimal("3385"), "3385"),  # half up (四舍五入), not to even
        (Decimal("2.5"), 0, Decimal("3"), "3"),
        (Decimal("3.4"), 0, Decimal("3"), "3"),
        (Decimal("0.45"), 1, Decimal("0.5"), "0.5"),
        (Decimal("1.005"), 2, Decimal("1.01"), "1.01"),
        (Decimal("7.000"), 3, Decimal("7.000"), "7"),
        (Decimal(10) ** 12 + Decimal("0.5"), 0, Decimal(10) ** 12 + 1, "1000000000001"),
    ],
)
def test_computed_amounts_are_shown_at_the_targets_precision(
    value: Decimal, places: int, rounded: Decimal, shown: str
) -> None:
    assert round_places(value, places) == rounded
    assert format_places(value, places) == shown


@pytest.mark.parametrize(
    ("number", "places", "within"),
    [("3", 0, True), ("3.0", 0, True), ("3.5", 0, False), ("3.5", 1, True), ("3.55", 1, False)],
)
def test_within_places(number: str, places: int, within: bool) -> None:
    assert within_places(Decimal(number), places) is within


def test_record_refuses_a_fraction_of_a_whole_target(kx: Any, db: Path) -> None:
    result = kx("record", "p1.workstations", "2.5", "--item", "A公司")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "error: p1.workstations counts whole 家: 2.5 is not a whole number; record whole 家\n"
    )
    assert not db.exists()


def test_the_2019_plan_refuses_half_a_person_in_chinese(kx: Any, db: Path) -> None:
    result = kx(
        "record", "p14.workers-befriended", "12.5", plan=PLAN_2019, KXPLAN_TODAY="2019-05-12"
    )
    assert result.exit_code == 1
    assert result.stderr == ("错误: p14.workers-befriended 以“名”计，只能登记整数：12.5 不是整数\n")
    assert not db.exists()


def test_expected_pace_of_a_whole_target_is_shown_whole(kx: Any, db: Path) -> None:
    assert (
        kx(
            "record",
            "p14.workers-befriended",
            "120",
            "--date",
            "2019-05-12",
            plan=PLAN_2019,
            KXPLAN_TODAY="2019-05-12",
        ).exit_code
        == 0
    )
    status = kx("status", plan=PLAN_2019, KXPLAN_TODAY="2019-05-12", COLUMNS="200").stdout
    # schedule [2000, 5000, …]: 2000 + 3000 × 42/91 = 3384.6… — shown 3385 名, not 3384.6
    line = next(line for line in status.splitlines() if "结交万名科技工作者" in line)
    assert "120/10000 名" in line and line.endswith(" 3385  严重滞后") and "3384.6" not in line
    data = json.loads(kx("status", "--json", plan=PLAN_2019, KXPLAN_TODAY="2019-05-12").stdout)
    workers = next(t for t in data["targets"] if t["id"] == "p14.workers-befriended")
    assert workers["expected"] == 3384.6  # JSON keeps one decimal, as before
    show = kx("show", "p14.workers-befriended", plan=PLAN_2019, KXPLAN_TODAY="2019-05-12")
    assert "序时进度 3385 ·" in show.stdout


# --- rule 5: no progress dated after today ---------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "today", "problem"),
    [
        ("2019-05-12", "2019-05-12", None),  # today itself is fine
        ("2019-05-11", "2019-05-12", None),
        (
            "2019-05-13",
            "2019-05-12",
            "2019-05-13 is after today (2019-05-12): planned work is not progress;"
            " record it on or after the day it is done",
        ),
        (
            "2019-06-10",
            "2019-05-12",
            "2019-06-10 is after today (2019-05-12): planned work is not progress;"
            " record it on or after the day it is done",
        ),
        ("2019-12-31", "2020-01-06", None),  # a past year's plan: every day of it is past
        (
            "2019-02-01",
            "2018-12-20",
            "2019-02-01 is after today (2018-12-20): planned work is not progress;"
            " record it on or after the day it is done",
        ),
    ],
)
def test_the_validator_refuses_dates_after_today(
    day: str, today: str, problem: str | None, keep_language: None
) -> None:
    messages.set_language("en")
    validator = Validator(load(SMALL_PLAN), date.fromisoformat(today))
    assert validator.check({"target": "p1.visits", "date": day})[1] == (
        [problem] if problem else []
    )


def test_leap_day_is_today_not_the_future(keep_language: None, tmp_path: Path) -> None:
    messages.set_language("en")
    text = SMALL_PLAN.read_text(encoding="utf-8").replace("year: 2019", "year: 2020")
    text = text.replace("2019-", "2020-")
    (tmp_path / "p.yaml").write_text(text, encoding="utf-8")
    validator = Validator(load(tmp_path / "p.yaml"), date(2020, 2, 29))
    assert validator.check({"target": "p1.visits", "date": "2020-02-29"})[1] == []
    assert validator.check({"target": "p1.visits", "date": "2020-03-01"})[1] == [
        "2020-03-01 is after today (2020-02-29): planned work is not progress;"
        " record it on or after the day it is done"
    ]


def test_record_refuses_a_future_date_and_its_echo_agrees_with_status(kx: Any, db: Path) -> None:
    today = {"KXPLAN_TODAY": "2019-05-12"}
    for day in ("2019-01-10", "2019-03-01", "2019-04-15"):
        assert kx("record", "p1.visits", "1", "--date", day, **today).exit_code == 0
    future = kx("record", "p1.visits", "1", "--date", "2019-06-10", **today)
    assert future.exit_code == 1
    assert future.stderr.startswith("error: 2019-06-10 is after today (2019-05-12)")
    assert len(rows(db)) == 3
    # an entry dated after today that is already in the database (written before this rule):
    # neither the echo nor status counts it
    conn = sqlite3.connect(db)
    conn.execute(
        'INSERT INTO entries (plan_year, target, date, amount_milli, "by", recorded_at)'
        " VALUES (2019, 'p1.visits', '2019-06-10', 1000, 'old', '2019-05-01T00:00:00.000000Z')"
    )
    conn.commit()
    conn.close()
    echo = kx("record", "p1.visits", "1", **today).stdout
    assert echo == "#5 p1.visits: 4/100 人次 (4.0%)\n"
    status = json.loads(kx("status", "--json", **today).stdout)
    visits = next(t for t in status["targets"] if t["id"] == "p1.visits")
    assert visits["actual"] == 4


# --- rule 6: exact repeats -------------------------------------------------------------------------


def test_the_issue_example_is_refused_the_second_time(kx: Any, db: Path) -> None:
    argv = (
        "record",
        "p14.workers-befriended",
        "120",
        "--date",
        "2019-05-12",
        "--unit",
        "秀洲区科协",
    )
    env = {"KXPLAN_TODAY": "2019-05-12"}
    first = kx(*argv, plan=PLAN_2019, **env)
    assert first.stdout == "#1 p14.workers-befriended：120/10000 名（1.2%）\n"
    again = kx(*argv, plan=PLAN_2019, **env)
    assert (again.exit_code, again.stdout) == (1, "")
    assert again.stderr == (
        "错误: 与 #1 完全相同（p14.workers-befriended，2019-05-12，数量、事项、备注、单位都一样），"
        "未重复登记；如确实又发生了一次，请加 --again 再登记\n"
    )
    assert len(rows(db)) == 1
    twice = kx(*argv, "--again", plan=PLAN_2019, **env)
    assert twice.stdout == "#2 p14.workers-befriended：240/10000 名（2.4%）\n"
    assert len(rows(db)) == 2


@pytest.mark.parametrize(
    ("second", "repeat"),
    [
        (["p1.visits", "2", "--date", "2019-05-01", "--unit", "南湖区科协", "--note", "n"], True),
        (["p1.stations", "--date", "2019-05-01"], False),  # another target
        (
            [
                "p1.visits",
                "2",
                "--date",
                "2019-05-01",
                "--unit",
                "南湖区科协",
                "--note",
                "n",
                "--by",
                "someone else",
                "--evidence",
                "doc 9",
            ],
            True,
        ),  # who and evidence do not count
        (["p1.visits", "2.0", "--date", "2019-05-01", "--unit", "南湖区科协", "--note", "n"], True),
        (["p1.visits", "3", "--date", "2019-05-01", "--unit", "南湖区科协", "--note", "n"], False),
        (["p1.visits", "2", "--date", "2019-05-02", "--unit", "南湖区科协", "--note", "n"], False),
        (["p1.visits", "2", "--date", "2019-05-01", "--unit", "秀洲区科协", "--note", "n"], False),
        (["p1.visits", "2", "--date", "2019-05-01", "--note", "n"], False),  # no unit
        (["p1.visits", "2", "--date", "2019-05-01", "--unit", "南湖区科协"], False),  # no note
        (
            ["p1.visits", "2", "--date", "2019-05-01", "--unit", " 南湖区科协 ", "--note", " n "],
            True,
        ),  # the same once cleaned
        (["p2.outreach", "--date", "2019-05-01", "--note", "n"], False),
    ],
)
def test_what_counts_as_identical(kx: Any, db: Path, second: list[str], repeat: bool) -> None:
    first = ["p1.visits", "2", "--date", "2019-05-01", "--unit", "南湖区科协", "--note", "n"]
    assert kx("record", *first).exit_code == 0
    result = kx("record", *second)
    if repeat:
        assert result.exit_code == 1
        assert result.stderr.startswith("error: identical to entry #1 (p1.visits on 2019-05-01")
        assert result.stderr.endswith("if it really happened again, add --again\n")
        assert len(rows(db)) == 1
    else:
        assert result.exit_code == 0, result.stderr
        assert len(rows(db)) == 2


def test_repeats_of_old_ids_and_activities_and_voided_entries(kx: Any, db: Path) -> None:
    assert kx("record", "p1.stations", "--date", "2019-05-01").exit_code == 0  # old id
    repeat = kx("record", "p1.workstations", "--date", "2019-05-01")
    assert repeat.exit_code == 1 and "identical to entry #1" in repeat.stderr
    assert kx("record", "p2.outreach", "--note", "open day", "--date", "2019-05-02").exit_code == 0
    repeat = kx("record", "p2.outreach", "--note", "open day", "--date", "2019-05-02")
    assert repeat.exit_code == 1 and "identical to entry #2" in repeat.stderr
    # a voided entry is no longer there to repeat
    assert kx("void", "2", "--reason", "wrong day").exit_code == 0
    assert kx("record", "p2.outreach", "--note", "open day", "--date", "2019-05-02").exit_code == 0
    # the first of several identical live entries is named
    assert kx("record", "p1.workstations", "--date", "2019-05-01", "--again").exit_code == 0
    repeat = kx("record", "p1.workstations", "--date", "2019-05-01")
    assert "identical to entry #1" in repeat.stderr


def test_a_repeated_item_is_still_the_duplicate_item_rule(kx: Any) -> None:
    # the item rule comes first and --again does not override it: an item counts once
    assert kx("record", "p1.workstations", "--item", "A公司", "--date", "2019-05-01").exit_code == 0
    again = kx("record", "p1.workstations", "--item", "A公司", "--date", "2019-05-01", "--again")
    assert again.exit_code == 1
    assert 'item "A公司" is already counted in entry #1' in again.stderr


def test_the_store_refuses_a_repeat_inside_its_write(tmp_path: Path, small_plan: Any) -> None:
    from kxplan.store import Store

    draft = Draft(
        target="p1.visits",
        kind="count",
        date=date(2019, 5, 1),
        amount=Decimal(2),
        note="n",
        written_target="p1.visits",
    )
    with Store.open(tmp_path / "s.db", create=True) as store:
        first = store.record(small_plan, draft, "clerk")
        with pytest.raises(RepeatedEntry) as caught:
            store.record(small_plan, draft, "other")
        assert caught.value.entry_id == first.id
        assert store.count_entries(2019) == 1
        second = store.record(small_plan, draft, "other", again=True)
        assert second.id == first.id + 1
        assert store.same_entry(2019, ("p1.visits",), draft) == first.id
        assert store.same_entry(2019, ("p1.visits",), draft, outside_imports=True) == first.id
        assert store.import_state(2019).by_hand is True


# --- add --------------------------------------------------------------------------------------------


ADD_VISIT = ("p1.visits", "2019-05-01", "2", "", "n", "南湖区科协", "", "y")


def add(db: Path, *answers: str, **env: str) -> Any:
    from conftest import ENTRY_ENV, app
    from typer.testing import CliRunner

    return CliRunner().invoke(
        app(),
        ["--plan", str(SMALL_PLAN), "--db", str(db), "add"],
        input="".join(f"{line}\n" for line in answers),
        env={**ENTRY_ENV, **env},
        catch_exceptions=False,
    )


def test_add_asks_before_writing_a_repeat(db: Path, keep_language: None) -> None:
    assert add(db, *ADD_VISIT).exit_code == 0
    declined = add(db, *ADD_VISIT, "n")
    assert declined.exit_code == 0
    assert (
        "Record it? [Y/n] y\n"
        "identical to entry #1 (p1.visits on 2019-05-01: same amount, item, note and unit)\n"
        "Record it once more? [y/N] n\n"
    ) in declined.stderr
    assert declined.stderr.endswith("not recorded; nothing was written\n")
    assert len(rows(db)) == 1
    empty = add(db, *ADD_VISIT, "")  # the default is no
    assert empty.exit_code == 0 and len(rows(db)) == 1
    ended = add(db, *ADD_VISIT)  # input ends at the question
    assert ended.exit_code == 1
    assert ended.stderr.endswith(
        "error: the input ended before the entry was confirmed; nothing was written\n"
    )
    assert len(rows(db)) == 1
    accepted = add(db, *ADD_VISIT, "y")
    assert accepted.exit_code == 0
    assert accepted.stdout == "#2 p1.visits: 4/100 人次 (4.0%)\n"
    assert len(rows(db)) == 2


# --- import -----------------------------------------------------------------------------------------

HEADER = "target,date,amount,item,note,unit,by,evidence\n"


def test_import_reports_rows_that_repeat_entries_recorded_by_hand(
    kx: Any, db: Path, tmp_path: Path
) -> None:
    assert (
        kx("record", "p1.visits", "2", "--date", "2019-05-01", "--unit", "南湖区科协").exit_code
        == 0
    )
    assert kx("record", "p2.outreach", "--note", "open day", "--date", "2019-05-02").exit_code == 0
    csv_path = tmp_path / "office.csv"
    csv_path.write_text(
        HEADER
        + "p1.visits,2019-05-01,2,,,南湖区科协,办公室,\n"  # = #1 (who does not matter)
        + "p1.visits,2019-05-01,2,,,秀洲区科协,办公室,\n"  # another unit
        + "p2.outreach,2019-05-02,,,open day,,办公室,\n",  # = #2
        encoding="utf-8",
    )
    notice = (
        f"{csv_path}: 2 imported row(s) are identical to entries recorded with record or add"
        " (line 2 = #1, line 4 = #2); if the work happened only once, void one of each pair"
        " (kxplan void ID --reason …)\n"
    )
    dry = kx("import", str(csv_path), "--dry-run")
    assert dry.exit_code == 0
    assert notice in dry.stderr
    assert len(rows(db)) == 2
    result = kx("import", str(csv_path))
    assert result.exit_code == 0
    assert result.stderr == (
        notice + f"{csv_path}: imported 3 new entries; 0 rows were imported before and skipped\n"
    )
    assert len(rows(db)) == 5  # the file is what the office sent: every row is kept
    # importing it again adds nothing, and says nothing of repeats (idempotency first)
    again = kx("import", str(csv_path))
    assert again.stderr == (
        f"{csv_path}: imported 0 new entries; 3 rows were imported before and skipped\n"
    )
    # a row identical to an entry of another import is not reported: imports are idempotent
    other = tmp_path / "other.csv"
    other.write_text(HEADER + "p1.visits,2019-05-01,2,,,秀洲区科协,张三,\n", encoding="utf-8")
    assert "identical" not in kx("import", str(other)).stderr


def test_import_names_future_rows_and_fractions_by_line(kx: Any, db: Path, tmp_path: Path) -> None:
    csv_path = tmp_path / "in.csv"
    csv_path.write_text(
        HEADER
        + "p1.visits,2019-05-10,3,,,,,\n"
        + "p1.visits,2019-05-11,3,,,,,\n"
        + "p1.workstations,2019-05-01,1.5,B公司,,,,\n",
        encoding="utf-8",
    )
    result = kx("import", str(csv_path))
    assert result.exit_code == 1
    assert result.stderr == (
        f"{csv_path}:3: 2019-05-11 is after today (2019-05-10): planned work is not progress;"
        " record it on or after the day it is done\n"
        f"{csv_path}:4: p1.workstations counts whole 家: 1.5 is not a whole number;"
        " record whole 家\n"
        f"error: {csv_path}: 2 bad row(s); nothing was imported — fix them and import again\n"
    )
    assert not db.exists()


# --- small truths: times people read are local, to the minute ---------------------------------


@pytest.fixture
def shanghai(monkeypatch: pytest.MonkeyPatch) -> Any:
    import time

    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize(
    ("stamp", "shown"),
    [
        ("2019-05-12T06:16:30.123456Z", "2019-05-12 14:16"),
        ("2019-05-12T16:00:00.000000Z", "2019-05-13 00:00"),  # the next day in Jiaxing
        ("2019-07-05T09:00:00Z", "2019-07-05 17:00"),
        ("not a time", "not a time"),
    ],
)
def test_local_time(shanghai: None, stamp: str, shown: str) -> None:
    from kxplan.text import local_time

    assert local_time(stamp) == shown


def test_void_twice_names_the_first_void_in_local_time(kx: Any, db: Path, shanghai: None) -> None:
    assert kx("record", "p1.visits", "1").exit_code == 0
    assert kx("void", "1", "--reason", "typo").exit_code == 0
    conn = sqlite3.connect(db)
    stamp = conn.execute("SELECT recorded_at FROM voids").fetchone()[0]
    conn.close()
    from kxplan.text import local_time

    again = kx("void", "1", "--reason", "again")
    assert again.exit_code == 1
    assert f" at {local_time(stamp)}: typo)" in again.stderr
    assert stamp not in again.stderr and "T" not in again.stderr.split(" at ")[1]


def test_the_report_shows_known_at_in_local_time(kx: Any, db: Path, shanghai: None) -> None:
    assert kx("record", "p1.visits", "1", "--date", "2019-05-01").exit_code == 0
    result = kx("report", "-q", "Q2", "--stdout", "--known-at", "2019-07-05T09:00:00Z")
    assert result.exit_code == 0, result.stderr
    assert "- Recorded up to: 2019-07-05 17:00\n" in result.stdout
