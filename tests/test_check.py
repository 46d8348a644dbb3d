"""``kxplan check``: plan and data together — exact lines, JSON shape, exit codes.

The bad states are written with raw sqlite3 (the CLI refuses to create them): an orphan
target id, a milestone done twice, an item counted twice under an old and a new id, dates
outside the plan year, a void of a missing entry, entries of another year, a damaged file.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import SMALL_PLAN

from kxplan.checks import Finding, collect, id_list
from kxplan.errors import ExitCode
from kxplan.store import SCHEMA_VERSION, Health, Store

NOTE_ONLY_2019 = (
    "note: {db} also holds entries of other plan years (2018: 1); kxplan check looks only at 2019\n"
)


def new_database(db: Path) -> None:
    with Store.open(db, create=True):
        pass


def insert(
    conn: sqlite3.Connection,
    target: str,
    day: str,
    amount: int | None = None,
    item: str | None = None,
    year: int = 2019,
) -> int:
    row = conn.execute(
        'INSERT INTO entries (plan_year, target, date, amount_milli, item, "by", recorded_at)'
        " VALUES (?, ?, ?, ?, ?, 'clerk', '2019-05-10T08:00:00.000000Z')",
        (year, target, day, amount, item),
    )
    assert row.lastrowid is not None
    return row.lastrowid


def void(conn: sqlite3.Connection, entry_id: int) -> None:
    conn.execute(
        'INSERT INTO voids (entry_id, reason, "by", recorded_at)'
        " VALUES (?, 'test', 'clerk', '2019-05-10T09:00:00.000000Z')",
        (entry_id,),
    )


def every_problem(db: Path) -> None:
    """One database with each kind of problem (entry ids are given in the comments)."""
    new_database(db)
    conn = sqlite3.connect(db)  # foreign keys off, as any other SQLite tool writes
    assert insert(conn, "p1.visits", "2019-03-01", 1000) == 1  # fine
    assert insert(conn, "p9.gone", "2019-03-02", 1000) == 2  # orphan
    assert insert(conn, "p9.gone", "2019-03-03", 1000) == 3  # orphan
    assert insert(conn, "p9.gone", "2019-03-04", 1000) == 4  # orphan, but voided: fine
    assert insert(conn, "p1.stations", "2019-03-05", 1000, "Lab A") == 5  # old id: no orphan
    assert insert(conn, "p1.workstations", "2019-03-06", 1000, "Lab A") == 6  # item twice
    assert insert(conn, "p1.workstations", "2019-03-07", 1000, "Lab B") == 7  # fine
    assert insert(conn, "p1.workstations", "2019-03-08", 1000, "Lab B") == 8  # voided: fine
    assert insert(conn, "p2.science-day", "2019-04-01") == 9  # milestone
    assert insert(conn, "p2.science-day", "2019-04-02") == 10  # done twice
    assert insert(conn, "p1.visits", "2019-02-30", 1000) == 11  # no such day
    conn.execute("PRAGMA ignore_check_constraints = ON")
    assert insert(conn, "p1.visits", "2018-12-31", 1000) == 12  # outside the plan year
    conn.execute("PRAGMA ignore_check_constraints = OFF")
    assert insert(conn, "p1.visits", "2018-05-01", 1000, year=2018) == 13  # another year
    void(conn, 4)
    void(conn, 8)
    void(conn, 999)  # void #3: no such entry
    conn.commit()
    conn.close()


def expected_lines(db: Path) -> list[str]:
    fix = "keep one and void the others (kxplan void ID --reason …)"
    return [
        f"{db}: rows break the database's own rules (quick_check: CHECK constraint failed in"
        " entries); something other than kxplan wrote them — void the entries the other lines"
        " name",
        f"{db}: target p9.gone is neither in the plan nor in any renamed_from, yet entries"
        " #2, #3 are recorded under it; put the target back, or add it to renamed_from of"
        " the target that replaced it",
        f"{db}: entry #11 is dated 2019-02-30, which is not a day of the plan year 2019;"
        " void it and record it again with the right date",
        f"{db}: entry #12 is dated 2018-12-31, which is not a day of the plan year 2019;"
        " void it and record it again with the right date",
        f"{db}: milestone p2.science-day is recorded as done 2 times (#9, #10); {fix}",
        f"{db}: p1.workstations: item “Lab A” is counted 2 times (#5, #6); {fix}",
        f"{db}: void #3 is for entry #999, which does not exist",
    ]


# --- the command ---------------------------------------------------------------------------------


def test_a_clean_database_is_silent_and_exits_0(kx: Callable[..., Any], db: Path) -> None:
    assert kx("record", "p1.visits", "3", "--item", "Dr Li").exit_code == 0
    assert kx("record", "p2.science-day").exit_code == 0
    assert kx("record", "p1.stations", "1", "--item", "Lab A").exit_code == 0  # an old id
    result = kx("check")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    result = kx("check", "--json")
    assert (result.exit_code, json.loads(result.stdout), result.stderr) == (0, [], "")


def test_each_kind_of_problem_is_one_line_and_exit_1(kx: Callable[..., Any], db: Path) -> None:
    every_problem(db)
    result = kx("check")
    assert result.exit_code == ExitCode.PROBLEMS == 1
    assert result.stdout.splitlines() == expected_lines(db)
    assert result.stderr == NOTE_ONLY_2019.format(db=db)


def test_json_gives_check_severity_message_and_refs(kx: Callable[..., Any], db: Path) -> None:
    every_problem(db)
    result = kx("check", "--json")
    assert result.exit_code == 1
    found = json.loads(result.stdout)
    assert all(set(item) == {"check", "severity", "message", "refs"} for item in found)
    assert [(f["check"], f["severity"], f["refs"]) for f in found] == [
        ("database", "error", []),
        ("orphan", "error", [2, 3]),
        ("date", "error", [11]),
        ("date", "error", [12]),
        ("milestone_twice", "warning", [9, 10]),
        ("duplicate_item", "error", [5, 6]),
        ("void_missing_entry", "warning", [999]),
    ]
    assert [f"{db}: {f['message']}" for f in found] == expected_lines(db)
    assert result.stderr == NOTE_ONLY_2019.format(db=db)


def test_nothing_is_deleted_or_changed(kx: Callable[..., Any], db: Path) -> None:
    every_problem(db)
    conn = sqlite3.connect(db)
    before = conn.execute("SELECT * FROM entries ORDER BY id").fetchall()
    assert kx("check").exit_code == 1
    assert conn.execute("SELECT * FROM entries ORDER BY id").fetchall() == before
    conn.close()


def test_plan_problems_are_listed_with_their_location_and_the_database_still_checked(
    kx: Callable[..., Any], db: Path, tmp_path: Path
) -> None:
    plan = tmp_path / "bad.yaml"
    text = SMALL_PLAN.read_text(encoding="utf-8")
    plan.write_text(text.replace("goal: 100", "goal: lots"), encoding="utf-8")
    new_database(db)
    conn = sqlite3.connect(db)
    void(conn, 42)
    conn.commit()
    conn.close()
    line = 1 + text.split("goal: 100")[0].count("\n")
    result = kx("check", plan=plan)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{plan}:{line}:")
    assert lines[1] == f"{db}: void #1 is for entry #42, which does not exist"
    assert "the plan has problems, so the entries were not checked" in result.stderr
    found = json.loads(kx("check", "--json", plan=plan).stdout)
    assert found[0]["check"] == "plan" and found[0]["refs"][0].startswith(f"{plan}:{line}:")


def test_a_missing_or_foreign_database_exits_3(kx: Callable[..., Any], db: Path) -> None:
    result = kx("check")
    assert result.exit_code == ExitCode.NO_DATABASE == 3
    assert "there is no database" in result.stderr and result.stdout == ""
    db.write_text("not a database\n")
    result = kx("check")
    assert result.exit_code == 3 and "not a kxplan database" in result.stderr


def test_a_damaged_database_is_a_finding_and_its_entries_are_not_read(
    kx: Callable[..., Any], db: Path
) -> None:
    damage(db)
    result = kx("check")
    assert result.exit_code == 1
    (line,) = result.stdout.splitlines()
    assert line.startswith(f"{db}: the database is damaged (quick_check: ")
    assert line.endswith("); restore it from a backup (see docs/reliability.md)")
    assert "its entries were not checked" in result.stderr


def damage(db: Path) -> None:
    """A database whose item index page is scrambled: it opens, quick_check finds it."""
    with Store.open(db, create=True) as store:
        store.conn.execute("BEGIN")
        store.conn.executemany(
            'INSERT INTO entries (plan_year, target, date, amount_milli, item, "by", recorded_at)'
            " VALUES (2019, 'p1.visits', '2019-03-01', 1000, ?, 'clerk', '2019-03-01T00:00:00Z')",
            [(f"item {n:05d}",) for n in range(3000)],
        )
        store.conn.execute("COMMIT")
        root = store.conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'entries_year_target_item'"
        ).fetchone()[0]
        page = store.conn.execute("PRAGMA page_size").fetchone()[0]
    data = bytearray(db.read_bytes())  # the WAL was checkpointed when the store closed
    start = (root - 1) * page
    for offset in range(start + 200, start + page):
        data[offset] ^= 0x5A
    db.write_bytes(bytes(data))


def test_an_older_database_is_upgraded_then_checked(kx: Callable[..., Any], db: Path) -> None:
    fixture = Path(__file__).parent / "fixtures" / "schema_v1.sql"
    conn = sqlite3.connect(db)
    conn.executescript(fixture.read_text(encoding="utf-8"))
    conn.close()
    result = kx("check")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()


def test_check_answers_in_chinese(kx: Callable[..., Any], db: Path) -> None:
    every_problem(db)
    result = kx("--lang", "zh", "check")
    assert result.exit_code == 1
    assert f"{db}: 里程碑 p2.science-day 被登记完成了 2 次（#9, #10）" in result.stdout
    assert "提示：" in result.stderr


# --- the judging, without a database ----------------------------------------------------------


def healthy(**changes: Any) -> Health:
    return Health(
        quick_check="ok", schema_version=SCHEMA_VERSION, application_id=0x4B58504C, **changes
    )


def test_a_healthy_answer_is_no_finding() -> None:
    assert collect([], healthy(year=2019), "kx.db") == []


def test_wrong_schema_version_and_application_id_are_findings(keep_language: None) -> None:
    from kxplan.messages import set_language

    set_language("en")
    found = collect([], Health("ok", 1, 0x47504B47, year=2019), "kx.db")
    assert [str(f) for f in found] == [
        f"kx.db: the database has schema version 1, but this kxplan uses {SCHEMA_VERSION}",
        "kx.db: the database's application_id is 0x47504B47, not kxplan's 0x4B58504C",
    ]
    assert [f.check for f in found] == ["schema_version", "application_id"]


def test_long_id_lists_are_shortened_in_text_but_complete_in_refs(keep_language: None) -> None:
    from kxplan.messages import set_language

    set_language("en")
    ids = list(range(1, 26))
    assert id_list(ids) == "#1, #2, #3, #4, #5, #6, #7, #8, #9, #10 and 15 more"
    (finding,) = collect([], healthy(year=2019, orphans=[("p9.gone", ids)]), "kx.db")
    assert finding.refs == tuple(ids)


def test_text_from_the_database_is_escaped(keep_language: None) -> None:
    from kxplan.messages import set_language

    set_language("en")
    health = healthy(year=2019, duplicate_items=[("p1.visits", "a\x1b[31mred\u202e", [1, 2])])
    (finding,) = collect([], health, "kx.db")
    assert "\x1b" not in str(finding) and "\u202e" not in str(finding)
    assert "“a\\x1b[31mred\\u202e”" in finding.message


@pytest.mark.parametrize("severity", ["error", "warning"])
def test_finding_json_form(severity: str) -> None:
    finding = Finding("orphan", severity, "text", (1, 2), "kx.db")
    assert finding.to_dict() == {
        "check": "orphan",
        "severity": severity,
        "message": "text",
        "refs": [1, 2],
    }
