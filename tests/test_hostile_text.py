"""Hostile text end to end: payloads recorded and imported through the CLI, then every output.

The render-level escaping of the report is unit-tested in ``tests/test_report.py``
(``test_html_escapes_every_user_string``, ``test_markdown_tables_keep_their_shape``, built
without a database); this module drives the same kind of payloads through ``record`` and
``import`` into a real database and checks what ``report``, ``export``, ``log``, ``status``,
``show`` and ``undo`` make of them. What ``record`` refuses (too long, control characters)
is asserted as its one-line message; rows written into the database by another tool show
whether the outputs clean stored text themselves.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from test_report import _cells, audit

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""What must never reach a terminal from user data (tab and newline are layout, not control)."""
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# Payloads record accepts; each is recorded as item, note, unit and by at once (all within
# the caps), with an evidence string from EVIDENCE.
PAYLOADS = [
    "<script>alert(1)</script>",
    '" onerror="alert(1)',
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "[click](javascript:alert(1))",
    "a | b || c \\| d |",
    "=cmd|' /C calc'!A0",
    "+SUM(1)",
    "@x",
    "-1+1",
    "'=already quoted",
    "abc\u200fdef",  # a right-to-left *mark* (not an override): accepted, it is ordinary text
    "南湖区科协｜<b>粗</b> & *星* _下_ `码`",
]
EVIDENCE = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    'https://example.org/" onerror="alert(1)',
    'https://example.org/"onmouseover="alert(1)',
    "data:text/html,<script>alert(1)</script>",
    "https://example.org/ok?a=1&b=<2>",
    "vbscript:msgbox(1)",
]
NOTE_LINES = "line one | a\r\nline two <script>x</script>\n\n=2+3\tand a tab"
LONGEST = {"item": 200, "note": 2000, "unit": 100, "by": 100, "evidence": 500}

REFUSED = [
    (["p2.outreach", "--note", "n" * 10_000], "note is 10000 characters long; the limit is 2000"),
    (["p1.visits", "--item", "i" * 10_000], "item is 10000 characters long; the limit is 200"),
    (["p1.visits", "--unit", "u" * 10_000], "unit is 10000 characters long; the limit is 100"),
    (["p1.visits", "--by", "b" * 10_000], "by is 10000 characters long; the limit is 100"),
    (["p1.visits", "--evidence", "e" * 10_000], "evidence is 10000 characters long; the limit is 500"),
    (["p1.visits", "--item", "a\x1b[31mred"], "item contains a control character; remove it (only a note may have line breaks)"),
    (["p2.outreach", "--note", "clear\x1b[2J"], "note contains a control character; remove it (only a note may have line breaks)"),
    (["p2.outreach", "--note", "bell\x07"], "note contains a control character; remove it (only a note may have line breaks)"),
    (["p2.outreach", "--note", "bare\rreturn"], "note contains a control character; remove it (only a note may have line breaks)"),
    (["p2.outreach", "--note", "nul\x00byte"], "note contains a control character; remove it (only a note may have line breaks)"),
    (["p2.outreach", "--note", "iso\u2066late"], "note contains a control character; remove it (only a note may have line breaks)"),
    (["p1.visits", "--unit", "A\u202eB"], "unit contains a control character; remove it (only a note may have line breaks)"),
    (["p1.visits", "--evidence", "x\ty"], "evidence contains a control character; remove it (only a note may have line breaks)"),
    (["p1.visits", "--by", "c\x9bm"], "by contains a control character; remove it (only a note may have line breaks)"),
]  # fmt: skip


def _record_all(kx: Any) -> None:
    """Every payload through ``record``, the longest text each field takes, a hostile void."""
    for number, text in enumerate(PAYLOADS):
        day = f"2019-04-{1 + number:02d}"
        result = kx(
            "record",
            "p1.visits",
            "--date",
            day,
            f"--item={text}",
            f"--note={text}",
            f"--unit={text}",
            f"--by={text}",
            f"--evidence={EVIDENCE[number % len(EVIDENCE)]}",
        )
        assert result.exit_code == 0, (text, result.stderr)
    assert kx("record", "p2.outreach", "--date", "2019-04-20", "--note", NOTE_LINES).exit_code == 0
    longest = {name: ("<b>|" * size)[:size] for name, size in LONGEST.items()}
    result = kx(
        "record",
        "p1.workstations",
        "--date",
        "2019-04-21",
        *[f"--{k}={v}" for k, v in longest.items()],
    )
    assert result.exit_code == 0, result.stderr
    reason = '=HYPERLINK("http://evil")|<script>'
    assert kx("void", "1", "--reason", reason, "--by", "@office").exit_code == 0


def _import_all(kx: Any, tmp_path: Path) -> int:
    """The payloads again as CSV rows (quoted, with line breaks inside a cell)."""
    path = tmp_path / "hostile.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["target", "date", "amount", "item", "note", "unit", "by", "evidence"])
        for number, text in enumerate(PAYLOADS):
            evidence = EVIDENCE[(number + 3) % len(EVIDENCE)]
            writer.writerow(
                ["p1.workstations", "2019-05-01", "1", f"{text} (csv)", text, text, text, evidence]
            )
        writer.writerow(["p2.outreach", "2019-05-02", "", "", NOTE_LINES, "", "", ""])
    result = kx("import", str(path))
    assert result.exit_code == 0, result.stderr
    return len(PAYLOADS) + 1


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The database every payload was recorded and imported into, built once per module."""
    from conftest import ENTRY_ENV, SMALL_PLAN
    from typer.testing import CliRunner

    from kxplan import messages
    from kxplan.cli import app

    folder = tmp_path_factory.mktemp("hostile")
    path = folder / "kxplan.db"

    def run(*args: str, database: Path = path) -> Any:
        argv = ["--plan", str(SMALL_PLAN), "--db", str(database), *args]
        return CliRunner().invoke(app, argv, env=ENTRY_ENV, catch_exceptions=False)

    language = messages.get_language()
    try:
        _record_all(run)
        _import_all(run, folder)
    finally:
        messages.set_language(language)
    assert not Path(f"{path}-wal").exists()  # closed: the whole database is the one file
    return path


@pytest.fixture
def hostile(kx: Any, db: Path, hostile_db: Path) -> Any:
    """``kx`` on a copy of the hostile database."""
    shutil.copyfile(hostile_db, db)
    return kx


# --- what record refuses, and what it keeps -----------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"), REFUSED, ids=[m.split(";")[0][:40] for _, m in REFUSED]
)
def test_too_long_and_control_text_is_refused_in_one_line(
    kx: Any, db: Path, args: list[str], message: str
) -> None:
    result = kx("record", *args)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"error: {message}\n")
    assert not db.exists()


def test_what_record_keeps_is_the_text_as_given(hostile: Any) -> None:
    entries = json.loads(hostile("log", "--json", "--all").stdout)
    notes = {entry["note"] for entry in entries}
    assert set(PAYLOADS) <= notes  # every accepted payload is stored exactly
    assert "line one | a\nline two <script>x</script>\n\n=2+3\tand a tab" in notes  # CRLF → LF
    items = {entry["item"] for entry in entries}
    # import reads a leading ' before = + - @ as the neutralising quote of an export (as a
    # spreadsheet does) and drops it; every other payload is kept exactly
    imported = {f"{text} (csv)" for text in PAYLOADS if not text.startswith("'=")}
    assert imported | {"=already quoted (csv)"} <= items
    assert len(entries) == len(PAYLOADS) * 2 + 3


# --- the report -------------------------------------------------------------------------------


def _report(kx: Any, out: Path, fmt: str) -> str:
    result = kx("report", "-q", "Q2", "--format", fmt, "--out", str(out))
    assert result.exit_code == 0, result.stderr
    return (out / f"2019-Q2.{fmt}").read_text(encoding="utf-8")


def test_the_html_report_has_no_executable_markup(hostile: Any, tmp_path: Path) -> None:
    page = _report(hostile, tmp_path / "out", "html")
    parsed = audit(page)
    assert not {"script", "img", "iframe", "object", "embed", "svg:script"} & set(parsed.tags)
    assert not [a for a in parsed.attrs if a[1].lower().startswith("on")], "an event handler"
    for tag, name, value in parsed.attrs:
        assert "javascript:" not in (value or "").lower(), (tag, name, value)
    assert parsed.hrefs, "the http(s) evidence became links"
    for href in parsed.hrefs:
        assert re.match(r"^https?://\S+$", href), href
    assert 'https://example.org/"onmouseover="alert(1)' in parsed.hrefs  # quoted, inert
    text = "".join(parsed.text)
    assert "<script>alert(1)</script>" in text  # shown as text
    assert "<script" not in page.lower()
    assert not CONTROL.search(page)


def test_the_markdown_report_tables_keep_their_shape(hostile: Any, tmp_path: Path) -> None:
    text = _report(hostile, tmp_path / "out", "md")
    tables: list[list[str]] = []
    previous = False
    for line in text.splitlines():
        if line.startswith("|"):
            if not previous:
                tables.append([])
            tables[-1].append(line)
        previous = line.startswith("|")
    entry_tables = [table for table in tables if "Evidence" in table[0]]
    assert entry_tables and sum(len(table) - 2 for table in entry_tables) >= 20
    for table in tables:
        width = _cells(table[0])  # unescaped pipes, as tests/test_report.py counts them
        assert all(_cells(row) == width for row in table), table
    assert "<script" not in text and "<img" not in text
    for target in re.findall(r"(?<!\\)\]\(([^)]*)\)", text):  # every real link is http(s)
        assert target.startswith(("http://", "https://")), target
    assert not CONTROL.search(text)


# --- export -----------------------------------------------------------------------------------


def test_the_csv_export_neutralises_every_formula_cell(hostile: Any, tmp_path: Path) -> None:
    result = hostile("export", "--all")
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.stdout)))
    header, body = rows[0], rows[1:]
    assert len(body) == len(PAYLOADS) * 2 + 3
    for row in body:
        for column, cell in zip(header, row, strict=True):
            assert not cell.startswith(FORMULA_START), (column, cell)
    cells = {cell for row in body for cell in row}
    for text in ("=cmd|' /C calc'!A0", "+SUM(1)", "@x", "-1+1"):
        assert "'" + text in cells and text not in cells
    assert "''=already quoted" in cells  # one more quote, so the import restores it exactly
    assert '\'=HYPERLINK("http://evil")|<script>' in cells and "'@office" in cells
    # JSON is data, not a spreadsheet: the text exactly as recorded
    data = json.loads(hostile("export", "--format", "json").stdout)
    assert {"=cmd|' /C calc'!A0", "-1+1", "'=already quoted"} <= {e["note"] for e in data}


def test_the_neutralised_export_imports_back_to_the_same_entries(
    hostile: Any, tmp_path: Path
) -> None:
    exported = tmp_path / "export.csv"
    assert hostile("export", "--out", str(exported)).exit_code == 0
    fresh = tmp_path / "fresh.db"
    assert hostile("import", str(exported), database=fresh).exit_code == 0
    keys = ("target", "date", "amount", "item", "note", "unit", "by", "evidence")

    def entries(database: Path | None = None) -> list[tuple[Any, ...]]:
        kwargs = {"database": database} if database else {}
        listed = json.loads(hostile("log", "--json", **kwargs).stdout)
        return sorted(tuple(entry[key] for key in keys) for entry in listed)

    assert entries(fresh) == entries()


# --- the terminal -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [["log"], ["log", "--all"], ["status"], ["show", "p1.visits"], ["show", "p2.outreach"]],
    ids=" ".join,
)
def test_terminal_output_has_no_control_characters(hostile: Any, args: list[str]) -> None:
    """Piped (not a terminal): no escape sequence or bidi override from anyone's text."""
    result = hostile(*args)
    assert result.exit_code == 0, result.stderr
    assert not CONTROL.search(result.stdout + result.stderr), repr(result.stdout)


def _inject(db: Path) -> None:
    """Rows written by another tool (sqlite3, a spreadsheet plug-in, an older kxplan).

    The second is the newest entry of the clerk who runs the tests, so ``undo`` shows it.
    """
    import sqlite3

    hostile = [
        ("it\x1b[31mRED\x1b[0m", "no\x07te\x08\rOVER\u202etxt.exe", "U\x1b]0;pwned title\x07"),
        ("undo\x1b[1Ame", "\x1b[2Jwiped", "\u202eunit"),
    ]
    conn = sqlite3.connect(db)
    for (item, note, unit), by, recorded_at in zip(
        hostile,
        ("by\x1b[2J", "clerk"),
        ("2019-04-06T00:00:00.000000Z", "2100-01-01T00:00:00.000000Z"),
        strict=True,
    ):
        conn.execute(
            'INSERT INTO entries (plan_year, target, date, amount_milli, item, note, unit, "by",'
            " evidence, recorded_at) VALUES (2019, 'p1.visits', '2019-04-05', 1000, ?, ?, ?, ?,"
            " ?, ?)",
            (item, note, unit, by, "ev\x1b[5m", recorded_at),
        )
    conn.commit()
    conn.close()


def test_stored_control_characters_never_reach_the_report_or_status(
    kx: Any, db: Path, tmp_path: Path
) -> None:
    kx("record", "p1.visits", "--date", "2019-04-01")
    _inject(db)
    for fmt in ("md", "html"):
        assert not CONTROL.search(_report(kx, tmp_path / "out", fmt)), fmt
    result = kx("status")
    assert result.exit_code == 0 and not CONTROL.search(result.stdout)


@pytest.mark.parametrize(
    "args", [["log"], ["log", "--all"], ["show", "p1.visits"], ["undo", "--yes"]], ids=" ".join
)
def test_stored_control_characters_never_reach_the_terminal(
    kx: Any, db: Path, args: list[str]
) -> None:
    kx("record", "p1.visits", "--date", "2019-04-01")
    _inject(db)
    result = kx(*args)
    assert result.exit_code == 0, result.stderr
    assert not CONTROL.search(result.stdout + result.stderr), repr(result.stdout + result.stderr)


def test_stored_text_is_shown_with_visible_marks_and_chinese_kept() -> None:
    """``text.shown``, the one helper log, show and undo print stored text through."""
    from kxplan.text import shown

    assert shown("南湖区科协\r\n第二行\tA\nB\rC") == "南湖区科协 第二行 A B C"
    assert (
        shown("it\x1b[31mRED\x07\u202etxt\u2066\x85")
        == "it\ufffd[31mRED\ufffd\ufffdtxt\ufffd\ufffd"
    )
    assert shown("abc\u200fdef") == "abc\u200fdef"  # a right-to-left mark is ordinary text
    assert shown(None) == shown("") == ""
    assert not CONTROL.search(shown("".join(map(chr, range(0x20))) + "\x7f\x9b\u202a\u2069"))
