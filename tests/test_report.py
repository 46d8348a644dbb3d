"""`kxplan report` and kxplan.report: goldens, determinism, escaping, quarters, known-at, writes.

Golden files live in tests/snapshots/report/. After an intended change to the report, regenerate
them with ``KXPLAN_UPDATE_GOLDENS=1 .venv/bin/python -m pytest tests/test_report.py`` and review
the diff.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from dataclasses import fields, is_dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kxplan import messages, report
from kxplan.cli import app
from kxplan.entry import Entry, Void, validate
from kxplan.errors import InputError
from kxplan.plan import load
from kxplan.progress import daily_totals, summarise

DATA = Path(__file__).parent / "data" / "report"
PLAN = DATA / "plan.yaml"
SNAPSHOTS = Path(__file__).parent / "snapshots" / "report"
UPDATE = os.environ.get("KXPLAN_UPDATE_GOLDENS") == "1"
CLEAN_ENV = {
    "KXPLAN_TODAY": "2019-07-10",
    "KXPLAN_PLAN": None,
    "KXPLAN_DB": None,
    "KXPLAN_LANG": None,
    "KXPLAN_TEMPLATES": None,
    "KXPLAN_BY": None,
    "SOURCE_DATE_EPOCH": "1561939200",  # the goldens' report date: 2019-07-01 (UTC)
    "NO_COLOR": "1",
}

# (target, date, amount, item, note, unit, evidence): the fixed dataset, ids in this order.
# Each entry is recorded at 01:00 UTC the day after its date.
ENTRIES = [
    (
        "p1.stations",
        "2019-02-15",
        "1",
        "甲公司院士专家工作站",
        None,
        "南湖区科协",
        "嘉科协〔2019〕3号",
    ),
    ("p1.stations", "2019-03-20", "1", "乙公司院士专家工作站", None, "秀洲区科协", None),
    ("p2.bases", "2019-03-01", "1", "气象科普馆", None, "南湖区科协", None),
    ("p2.bases", "2019-03-21", "1", "误登记的基地", None, "南湖区科协", None),  # 5: voided in Q1
    ("p3.quiet", "2019-01-20", None, None, "新春座谈会", "组织人事部", None),
    (
        "p1.stations",
        "2019-05-10",
        "1",
        "丙公司院士专家工作站",
        "评审通过|待挂牌\n第二行 <b>粗</b> & *星*",
        "嘉善县科协",
        "https://example.org/ws?id=3&x=1",
    ),
    (
        "p1.stations",
        "2019-05-11",
        "1",
        "丙公司工作站（重复）",
        None,
        "嘉善县科协",
        "javascript:alert(1)",
    ),  # 7: voided in Q2
    ("p1.review", "2019-04-12", None, None, "完成年度绩效考核", "学会部", None),
    ("p1.home", "2019-06-18", None, None, "“院士之家”启动仪式", None, None),
    ("p1.stations", "2019-06-21", "1", "丁公司院士专家工作站", None, "平湖市科协", None),
    *[
        ("p3.friends", "2019-03-25", "42", f"{unit}一季度结交", None, unit, None)
        for unit in ("南湖区科协", "秀洲区科协", "嘉善县科协", "平湖市科协", "海盐县科协")
    ],
    *[
        (
            "p3.friends",
            f"2019-{4 + i // 10:02d}-{10 + i % 10:02d}",
            "13",
            f"第{i + 1}批结交",
            None,
            "海宁市科协",
            None,
        )
        for i in range(23)
    ],
]
# (entry id, reason, recorded at)
VOIDS = [
    (4, "误登记，基地尚未挂牌", "2019-03-25T09:00:00"),
    (7, "与 6 号重复登记 <i>x</i>|y", "2019-05-20T08:00:00"),
]


@pytest.fixture(autouse=True)
def _keep_language():
    before = messages.get_language()
    yield
    messages.set_language(before)


@pytest.fixture(autouse=True)
def _jiaxing_time(monkeypatch: pytest.MonkeyPatch):
    """Times people read are local: the reports here are read in Jiaxing (UTC+8)."""
    import time

    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def record(db: Path, rows, voids=(), *, at: str | None = None) -> None:
    """Record rows (recorded the day after their date, or at ``at``) and voids."""
    from kxplan.store import Store

    plan = load(PLAN)
    with Store.open(db, create=True) as store:
        for target, day, amount, item, note, unit, evidence in rows:
            fields_ = {"target": target, "date": day, "amount": amount, "item": item}
            fields_ |= {"note": note, "unit": unit, "evidence": evidence}
            draft = validate(plan, fields_, date(2019, 12, 31))
            when = _utc(at) if at else _utc(f"{day}T01:00:00") + timedelta(days=1)
            store.record(plan, draft, "测试员", now=when)
        for entry_id, reason, when in voids:
            store.void(entry_id, reason, "办公室", now=_utc(when))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "report.db"
    record(path, ENTRIES, VOIDS)
    return path


def run(db: Path, *args: str, **env: str | None):
    return CliRunner().invoke(
        app,
        ["--plan", str(PLAN), "--db", str(db), "report", *args],
        env={**CLEAN_ENV, **env},
        catch_exceptions=False,
    )


def render_files(db: Path, out: Path, *args: str, **env: str | None) -> dict[str, bytes]:
    result = run(db, "--quarter", "2019Q2", "--out", str(out), *args, **env)
    assert result.exit_code == 0, result.output
    return {path.name: path.read_bytes() for path in sorted(out.iterdir())}


def check_golden(name: str, data: bytes) -> None:
    path = SNAPSHOTS / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return
    assert path.exists(), f"no golden {path}; run with KXPLAN_UPDATE_GOLDENS=1 to create it"
    expected = path.read_bytes()
    if data != expected:
        import difflib

        diff = "\n".join(
            difflib.unified_diff(
                expected.decode().splitlines(),
                data.decode().splitlines(),
                "golden",
                "now",
                lineterm="",
            )
        )
        pytest.fail(
            f"{name} differs from its golden (KXPLAN_UPDATE_GOLDENS=1 to accept):\n{diff[:6000]}"
        )


# --- goldens and determinism ------------------------------------------------------------------


def test_golden_markdown_and_html(db: Path, tmp_path: Path) -> None:
    files = render_files(db, tmp_path / "out")
    assert sorted(files) == ["2019-Q2.html", "2019-Q2.md"]
    check_golden("2019-Q2.md", files["2019-Q2.md"])
    check_golden("2019-Q2.html", files["2019-Q2.html"])


def test_golden_english_labels(db: Path, tmp_path: Path) -> None:
    files = render_files(db, tmp_path / "out", "--format", "md", "--lang", "en")
    assert sorted(files) == ["2019-Q2.md"]
    text = files["2019-Q2.md"].decode()
    assert text.startswith("# 测试市科协2019年工作要点 · Progress report, Q2 2019\n")
    check_golden("2019-Q2.en.md", files["2019-Q2.md"])


def test_golden_first_quarter(db: Path, tmp_path: Path) -> None:
    result = run(db, "-q", "Q1", "--stdout")
    assert result.exit_code == 0, result.output
    check_golden("2019-Q1.md", result.stdout_bytes)


def test_rendering_twice_gives_the_same_bytes(db: Path, tmp_path: Path) -> None:
    first = render_files(db, tmp_path / "a")
    second = render_files(db, tmp_path / "b")
    assert first == second
    stdout = run(db, "-q", "2019Q2", "--stdout", "--format", "html")
    assert stdout.stdout_bytes == first["2019-Q2.html"]


def test_the_report_content(db: Path, tmp_path: Path) -> None:
    text = render_files(db, tmp_path / "out", "--format", "md")["2019-Q2.md"].decode()
    assert "# 测试市科协2019年工作要点 · 2019年第二季度工作进展" in text
    assert "## 一、深入实施创新驱动助力工程" in text
    assert "### 3. 助力科技工作者成长成才" in text
    # 23 entries of p3 this quarter: 20 listed, then the rest counted
    assert "……及另外 3 条" in text
    assert text.count("第23批结交") == 0 and text.count("第20批结交") == 1
    # corrections: the Q2 void is listed, the Q1 one (before the end of Q1) is not
    corrections = text.split("## 更正记录", 1)[1].split("## 数据来源")[0]
    assert "丙公司工作站（重复）" in corrections and "误登记的基地" not in corrections
    # the voided entry never counts: 4 stations, not 5
    assert "| 新认定市级院士专家工作站 | 10家以上 | 4 | 40.0% | 5 |" in text
    assert "- 采用的登记条数：36" in text  # 38 entries, 2 voided
    assert "组织全国科普日活动" in text.split("## 下季度到期的节点任务")[1]


# --- escaping -------------------------------------------------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "a | b || c",
    "line one\nline two\r\nline three",
    "\\| escaped pipe \\",
    "[click](javascript:alert(1))",
    "=cmd()|' !A0",
    "\u202etxt.exe\x1b[31mred\x07",
    "x" * 5000,
]
EVIDENCE = [
    "javascript:alert(1)",
    "JAVASCRIPT:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "https://example.org/a?b=1&c=<2>\"'",
    "http://example.org/x y",
    "vbscript:msgbox(1)",
    '"><script>alert(1)</script>',
    "https://example.org/ok(1)|x",
]


def hostile_data(quarter: int = 2) -> report.ReportData:
    """A report of the test plan whose every user string is hostile (built without the store)."""
    plan = load(PLAN)
    entries = []
    number = 0
    for index, text in enumerate(HOSTILE):
        for target, amount in (("p1.stations", Decimal(1)), ("p1.review", None)):
            number += 1
            entries.append(
                Entry(
                    id=number,
                    plan_year=2019,
                    target=target,
                    date=date(2019, 4, 1 + index),
                    amount=amount,
                    item=text if amount else None,
                    note=text,
                    unit=text[:100],
                    by=text[:100],
                    evidence=EVIDENCE[index % len(EVIDENCE)],
                    recorded_at="2019-04-30T00:00:00.000000Z",
                )
            )
    voided = entries[0]
    void = Void(1, voided.id, HOSTILE[0] + HOSTILE[3], HOSTILE[1], "2019-05-01T00:00:00.000000Z")
    live = [entry for entry in entries if entry.id != voided.id]
    as_of = date(2019, 6, 30)
    return report.ReportData(
        plan=plan,
        quarter=quarter,
        as_of=as_of,
        known_at=None,
        summary=summarise(plan, daily_totals(live), as_of),
        totals=daily_totals(live),
        entries={
            t.id: [e for e in live if e.target == t.id][: report.ENTRY_CAP] for t in plan.targets()
        },
        corrections=[(void, voided)],
    )


class _Audit(HTMLParser):
    """Collects the tags, attributes and links of an HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str | None]] = []
        self.hrefs: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            self.attrs.append((tag, name, value))
            if name == "href":
                self.hrefs.append(value or "")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def audit(page: str) -> _Audit:
    parser = _Audit()
    parser.feed(page)
    parser.close()
    return parser


def test_html_escapes_every_user_string() -> None:
    messages.set_language("zh")
    page = report.render(report.build_context(hostile_data(), date(2019, 7, 1)), "html")
    parsed = audit(page)
    assert "script" not in parsed.tags and "img" not in parsed.tags and "iframe" not in parsed.tags
    assert not [a for a in parsed.attrs if a[1].lower().startswith("on")], "event handler attribute"
    assert "<script" not in page.lower()
    for href in parsed.hrefs:
        assert re.match(r"^https?://[^\s]+$", href), href
    # only the plain http(s) evidence became links
    assert sorted(set(parsed.hrefs)) == [
        "https://example.org/a?b=1&c=<2>\"'",
        "https://example.org/ok(1)|x",
    ]
    text = "".join(parsed.text)
    assert "<script>alert(1)</script>" in text  # shown as text, not markup
    assert "\u202e" not in page and "\x1b" not in page and "\x07" not in page
    assert "x" * report.TEXT_LIMIT not in page  # very long strings are cut


def _cells(line: str) -> int:
    """The number of cells of a GFM table row: pipes not escaped by a backslash, minus one."""
    pipes = len(re.findall(r"(?<!\\)(?:\\\\)*\|", line))
    return pipes - 1


def test_markdown_tables_keep_their_shape() -> None:
    messages.set_language("zh")
    text = report.render(report.build_context(hostile_data(), date(2019, 7, 1)), "md")
    rows = [line for line in text.splitlines() if line.startswith("|")]
    assert len(rows) > 30
    tables: list[list[str]] = []
    previous_was_row = False
    for line in text.splitlines():
        if line.startswith("|"):
            if not previous_was_row:
                tables.append([])
            tables[-1].append(line)
            previous_was_row = True
        else:
            previous_was_row = False
    for table in tables:
        width = _cells(table[0])
        assert all(_cells(row) == width for row in table), table
        assert all(row.endswith("|") for row in table)
    assert "<script" not in text and "<img" not in text
    # a link is an unescaped "](": every one goes to http(s); "\\[click\\](javascript:…)" is text
    for target in re.findall(r"(?<!\\)\]\(([^)]*)\)", text):
        assert target.startswith(("http://", "https://")), target
    assert re.findall(r"(?<!\\)\]\(", text)  # the check above saw links


def test_md_cell_escapes() -> None:
    assert report.md_cell("a|b") == "a\\|b"
    assert report.md_cell("a\nb") == "a<br>b"
    assert report.md_cell("<b>") == "&lt;b&gt;"
    assert report.md_cell("a\\b") == "a\\\\b"
    assert report.md_cell("") == " "
    assert report.md_text("# a\nb <c>") == "# a b &lt;c&gt;"


def test_safe_url_only_allows_http_and_https() -> None:
    assert report.safe_url("https://example.org/x") == "https://example.org/x"
    assert report.safe_url("HTTP://example.org") == "HTTP://example.org"
    for bad in (
        "javascript:alert(1)",
        "data:x",
        "//example.org",
        "https:///x",
        "http://a b",
        "ftp://x",
    ):
        assert report.safe_url(bad) == "", bad


def test_autoescape_is_an_allow_list() -> None:
    for name in ("report.html.j2", "_macros.html.j2", "_row.j2", "x.html", "page.htm", "a.svg"):
        assert report.autoescape_for(name), name
    for name in ("report.md.j2", "_style.css.j2", "notes.txt.j2"):
        assert not report.autoescape_for(name), name
    env = report.environment()
    assert env.get_template("report.html.j2").render  # packaged template found
    markup = env.from_string("{{ x }}").render(x="<b>")
    assert markup == "&lt;b&gt;"  # a template without a name is escaped too


def test_a_user_partial_with_any_name_is_escaped(db: Path, tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "_row.j2").write_text('{{ "<b>" }}|{{ org }}\n')
    page = (report.PACKAGE_TEMPLATES / "report.html.j2").read_text(encoding="utf-8")
    (mine / "report.html.j2").write_text(
        page.replace("<main>", '<main>\n{% include "_row.j2" %}', 1), encoding="utf-8"
    )
    (mine / "report.md.j2").write_text('{% include "_note.txt.j2" %}')
    (mine / "_note.txt.j2").write_text('{{ "<b>" }} {{ "<i>" | safe }}\n')
    files = render_files(db, tmp_path / "out", "--templates", str(mine))
    html_page = files["2019-Q2.html"].decode()
    assert "&lt;b&gt;|测试市科学技术协会" in html_page
    assert "<b>" not in html_page
    # *.txt.j2 and *.md.j2 are Markdown: every {{ }} is Markdown-escaped unless marked safe
    assert files["2019-Q2.md"] == b"&lt;b&gt; <i>\n"


# --- the HTML page ----------------------------------------------------------------------------


def test_html_is_one_self_contained_page(db: Path, tmp_path: Path) -> None:
    page = render_files(db, tmp_path / "out", "--format", "html")["2019-Q2.html"].decode()
    assert page.startswith('<!doctype html>\n<html lang="zh-CN">')
    assert '<meta charset="utf-8">' in page
    parsed = audit(page)
    assert not {"script", "link", "img", "iframe", "object", "embed", "base"} & set(parsed.tags)
    assert not [a for a in parsed.attrs if a[1] in ("src", "srcset", "action", "xmlns")]
    assert "url(" not in page and "@import" not in page
    assert parsed.tags.count("svg") >= 3  # progress bars and burn-up charts
    urls = {html.unescape(u) for u in re.findall(r"https?://[^\s\"<>]+", page)}
    assert urls == {"https://example.org/ws?id=3&x=1"}  # the one user evidence link
    assert parsed.hrefs == ["https://example.org/ws?id=3&x=1"]
    assert "@media print" in page and "size: A4" in page
    assert '"Noto Sans CJK SC"' in page


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed")
def test_html_renders_in_headless_chromium(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    render_files(db, out, "--format", "html")
    page = out / "2019-Q2.html"
    result = subprocess.run(
        [
            "chromium",
            "--headless",
            "--disable-gpu",
            "--no-sandbox",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=False,
    )
    dom = result.stdout.decode("utf-8", "replace")
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")[-2000:]
    assert "测试市科协2019年工作要点 · 2019年第二季度工作进展" in dom
    assert "<script" not in dom
    assert dom.count("<svg") >= 3


# --- quarters and dates ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quarter", "today", "name", "as_of"),
    [
        ("2019Q2", "2019-07-10", "2019-Q2", "2019-06-30"),
        ("2019-Q2", "2019-07-10", "2019-Q2", "2019-06-30"),
        ("q2", "2019-07-10", "2019-Q2", "2019-06-30"),
        ("Q1", "2019-07-10", "2019-Q1", "2019-03-31"),
        ("current", "2019-05-15", "2019-Q2", "2019-05-15"),  # the running quarter: as of today
        ("previous", "2019-07-01", "2019-Q2", "2019-06-30"),
        ("previous", "2019-04-01", "2019-Q1", "2019-03-31"),
        ("Q2", "2025-01-01", "2019-Q2", "2019-06-30"),  # a past plan's quarter, any day later
    ],
)
def test_quarter_forms(
    db: Path, tmp_path: Path, quarter: str, today: str, name: str, as_of: str
) -> None:
    out = tmp_path / "out"
    result = run(db, "--quarter", quarter, "--format", "md", "--out", str(out), KXPLAN_TODAY=today)
    assert result.exit_code == 0, result.output
    assert [p.name for p in out.iterdir()] == [f"{name}.md"]
    assert f"- 统计截至：{as_of}" in (out / f"{name}.md").read_text()
    assert result.stderr == f"已写入 {out / name}.md\n"


@pytest.mark.parametrize(
    ("args", "today", "code", "message"),
    [
        (["-q", "2019Q5"], "2019-07-10", 1, "无法识别的季度 '2019Q5'"),
        (["-q", "next"], "2019-07-10", 1, "无法识别的季度 'next'"),
        (["-q", "2020Q1"], "2019-07-10", 2, "2020-Q1 不在计划年度 2019 内"),
        (["-q", "current"], "2020-02-01", 2, "2020-Q1 不在计划年度 2019 内"),
        (["-q", "Q4"], "2019-07-10", 1, "2019-Q4 从 2019-10-01 开始，晚于今天（2019-07-10）"),
        (["-q", "Q2", "--as-of", "2019-07-01"], "2019-07-10", 1, "--as-of 2019-07-01 不在 2019-Q2"),
        (["-q", "Q2", "--as-of", "30/06/2019"], "2019-07-10", 1, "--as-of 必须是 YYYY-MM-DD"),
        (["-q", "Q2", "--as-of", "2019-W26-1"], "2019-07-10", 1, "--as-of 必须是 YYYY-MM-DD"),
        (["-q", "Q2", "--as-of", "20190610"], "2019-07-10", 1, "--as-of 必须是 YYYY-MM-DD"),
        (
            ["-q", "Q2", "--known-at", "9999-12-31T23:59:59-12:00"],
            "2019-07-10",
            1,
            "换算为 UTC 后超出 0001–9999 年",
        ),
        (
            ["-q", "Q2", "--known-at", "0001-01-01T00:00+14:00"],
            "2019-07-10",
            1,
            "换算为 UTC 后超出 0001–9999 年",
        ),
        (["-q", "Q2", "--known-at", "yesterday"], "2019-07-10", 1, "--known-at 必须是 ISO 8601"),
        (["-q", "Q2", "--format", "pdf"], "2019-07-10", 2, "未知的格式 'pdf'"),
        (["-q", "Q2", "--stdout", "--format", "all"], "2019-07-10", 2, "--stdout 只能输出一种格式"),
        (["-q", "Q2", "--lang", "fr"], "2019-07-10", 2, "未知的语言 'fr'"),
    ],
)
def test_bad_arguments_give_one_line(db: Path, tmp_path: Path, args, today, code, message) -> None:
    result = run(db, *args, "--out", str(tmp_path / "out"), KXPLAN_TODAY=today)
    assert result.exit_code == code, result.output
    assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_future_quarter_with_as_of(db: Path) -> None:
    result = run(db, "-q", "Q3", "--as-of", "2019-08-31", "--stdout", KXPLAN_TODAY="2019-07-10")
    assert result.exit_code == 0
    assert "- 统计截至：2019-08-31" in result.stdout


def test_missing_database(tmp_path: Path) -> None:
    result = run(tmp_path / "none.db", "-q", "Q2", "--out", str(tmp_path / "out"))
    assert result.exit_code == 3
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "none.db").exists()


def test_source_date_epoch_sets_the_report_date(db: Path) -> None:
    result = run(db, "-q", "Q2", "--stdout", SOURCE_DATE_EPOCH="1562630400")  # 2019-07-09
    assert "- 报告日期：2019-07-09\n" in result.stdout
    assert "- 统计截至：2019-06-30\n" in result.stdout
    bad = run(db, "-q", "Q2", "--stdout", SOURCE_DATE_EPOCH="soon")
    assert bad.exit_code == 2 and "SOURCE_DATE_EPOCH" in bad.stderr


@pytest.mark.parametrize(
    ("env", "report_date", "as_of"),
    [
        # rule 7: the day the report was made, never the quarter's last day
        ({"SOURCE_DATE_EPOCH": None, "KXPLAN_TODAY": "2019-07-01"}, "2019-07-01", "2019-06-30"),
        ({"SOURCE_DATE_EPOCH": "", "KXPLAN_TODAY": "2019-07-10"}, "2019-07-10", "2019-06-30"),
        ({"SOURCE_DATE_EPOCH": None, "KXPLAN_TODAY": "2026-11-30"}, "2026-11-30", "2019-06-30"),
        (
            {"SOURCE_DATE_EPOCH": "1561939200", "KXPLAN_TODAY": "2026-11-30"},
            "2019-07-01",
            "2019-06-30",
        ),  # fmt: skip
        ({"SOURCE_DATE_EPOCH": None, "KXPLAN_TODAY": "2019-05-20"}, "2019-05-20", "2019-05-20"),
    ],
)
def test_the_report_date_is_the_day_it_was_made(
    db: Path, env: dict[str, str | None], report_date: str, as_of: str
) -> None:
    result = run(db, "-q", "Q2", "--stdout", **env)
    assert result.exit_code == 0, result.stderr
    assert f"- 报告日期：{report_date}\n" in result.stdout
    assert f"- 统计截至：{as_of}\n" in result.stdout


def test_parse_known_at() -> None:
    assert report.parse_known_at("2019-07-05T09:00:00Z") == "2019-07-05T09:00:00.000000Z"
    assert report.parse_known_at("2019-07-05T17:00:00+08:00") == "2019-07-05T09:00:00.000000Z"
    assert report.parse_known_at("2019-07-05T09:00") == "2019-07-05T09:00:00.000000Z"
    assert report.parse_known_at("2019-07-05") == "2019-07-05T23:59:59.999999Z"
    assert report.parse_known_at("2019-07-05 09:00z") == "2019-07-05T09:00:00.000000Z"
    # a year before 1000 keeps its four digits (strftime's %Y drops them on glibc)
    assert report.parse_known_at("0999-01-02T03:04:05Z") == "0999-01-02T03:04:05.000000Z"
    assert report.parse_known_at("9999-12-31T23:59:59Z") == "9999-12-31T23:59:59.000000Z"
    for bad in ("2019-13-05", "20190705", "2019-W27-5", "2019-07-05T", "yesterday"):
        with pytest.raises(InputError, match="ISO 8601"):
            report.parse_known_at(bad)
    for outside in ("9999-12-31T23:59:59-12:00", "0001-01-01T00:00+14:00"):
        with pytest.raises(InputError, match="0001–9999"):
            report.parse_known_at(outside)


# --- known-at: an earlier report, byte for byte -------------------------------------------------


def test_known_at_reproduces_an_earlier_report(db: Path, tmp_path: Path) -> None:
    sent = "2019-07-05T09:00:00Z"
    first = render_files(db, tmp_path / "first", "--known-at", sent)
    unrestricted = render_files(db, tmp_path / "unrestricted")
    # nothing was recorded after the moment yet: the same report but for its footer line
    assert (
        first["2019-Q2.md"].replace(
            "登记截至：2019-07-05 17:00".encode(), "登记截至：全部已登记数据".encode()
        )
        == unrestricted["2019-Q2.md"]
    )
    # after the report was sent: late Q2 entries, and a Q2 entry voided
    late = [
        ("p1.stations", "2019-06-28", "1", "戊公司院士专家工作站", None, "海盐县科协", None),
        ("p2.bases", "2019-06-29", "1", "海洋科普基地", None, "平湖市科协", None),
    ]
    record(db, late, [(10, "丁公司尚未通过评审", "2019-08-02T03:00:00")], at="2019-08-01T02:00:00")
    again = render_files(db, tmp_path / "again", "--known-at", sent)
    assert again == first
    # shown in local time (Jiaxing, UTC+8) to the minute
    assert "- 登记截至：2019-07-05 17:00" in first["2019-Q2.md"].decode()
    # without --known-at the report moves on, and the next report lists the restatement
    now = render_files(db, tmp_path / "now")
    assert now["2019-Q2.md"] != first["2019-Q2.md"]
    assert "戊公司院士专家工作站" in now["2019-Q2.md"].decode()
    q3 = run(db, "-q", "Q3", "--stdout", KXPLAN_TODAY="2019-10-08").stdout
    corrections = q3.split("## 更正记录", 1)[1]
    assert "丁公司院士专家工作站" in corrections and "丁公司尚未通过评审" in corrections
    assert "丙公司工作站（重复）" not in corrections  # voided before Q2 ended: in the Q2 report


def test_known_at_a_date_means_its_end(db: Path) -> None:
    # entry 9 (p1.home, 2019-06-18) was recorded 2019-06-19T01:00Z
    before = run(db, "-q", "Q2", "--stdout", "--known-at", "2019-06-18").stdout
    after = run(db, "-q", "Q2", "--stdout", "--known-at", "2019-06-19").stdout
    assert "| 启动实施“院士之家”建设 | 2019-06-30 | — |" in before
    assert "| 启动实施“院士之家”建设 | 2019-06-30 | 2019-06-18 |" in after


# --- writing ----------------------------------------------------------------------------------


def test_out_must_be_a_folder(db: Path, tmp_path: Path) -> None:
    file = tmp_path / "report.txt"
    file.write_text("keep")
    result = run(db, "-q", "Q2", "--out", str(file))
    assert result.exit_code == 4
    assert result.stderr == f"错误: --out {file} 是文件而不是文件夹；请指定一个文件夹\n"
    assert file.read_text() == "keep"


def test_a_failed_write_keeps_the_previous_report(db: Path, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "out"
    render_files(db, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def disk_full(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("kxplan.fsio.os.replace", disk_full)
    result = run(db, "-q", "Q2", "--out", str(out), "--lang", "en")
    assert result.exit_code == 4
    assert result.stderr.count("\n") == 1
    assert "No space left on device" in result.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # no temp files either


def test_a_full_disk(db: Path, tmp_path: Path) -> None:
    """A real full disk: a 64 KiB tmpfs where this machine lets us mount one."""
    tiny = tmp_path / "tiny"
    tiny.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(tiny)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip("this machine does not allow mounting a tmpfs")
    try:
        old = tiny / "2019-Q2.md"
        old.write_bytes(b"the report sent last week\n")
        handle = os.open(tiny / "filler", os.O_WRONLY | os.O_CREAT)
        try:
            while os.write(handle, b"\0" * 4096):
                pass
        except OSError:
            pass  # the disk is full
        finally:
            os.close(handle)
        result = run(db, "-q", "Q2", "--format", "md", "--out", str(tiny), "--lang", "en")
        assert result.exit_code == 4, result.output
        assert result.stderr.count("\n") == 1 and "cannot write" in result.stderr
        assert old.read_bytes() == b"the report sent last week\n"
        assert sorted(p.name for p in tiny.iterdir()) == ["2019-Q2.md", "filler"]
    finally:
        subprocess.run(["umount", str(tiny)], check=False)


def test_an_unwritable_folder(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    render_files(db, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    out.chmod(0o500)
    try:
        if os.access(out, os.W_OK):
            pytest.skip("running as root: chmod does not stop writes")
        result = run(db, "-q", "Q2", "--out", str(out), "--lang", "en")
        assert result.exit_code == 4
        assert result.stderr.count("\n") == 1 and "cannot write" in result.stderr
        assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    finally:
        out.chmod(0o700)


# --- templates ------------------------------------------------------------------------------


def test_templates_override_one_template(db: Path, tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "report.md.j2").write_text("{{ heading }} / {{ entries_used }} / {{ org | md_text }}\n")
    files = render_files(db, tmp_path / "out", "--templates", str(mine))
    assert (
        files["2019-Q2.md"].decode()
        == "测试市科协2019年工作要点 · 2019年第二季度工作进展 / 36 / 测试市科学技术协会\n"
    )
    assert files["2019-Q2.html"].startswith(b"<!doctype html>")  # the packaged one
    via_env = render_files(db, tmp_path / "env", KXPLAN_TEMPLATES=str(mine))
    assert via_env == files


def test_a_broken_template_writes_nothing(db: Path, tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "report.html.j2").write_text("<p>{{ heading }</p>\n")
    (mine / "report.md.j2").write_text("{{ no_such_variable }}\n")
    result = run(db, "-q", "Q2", "--out", str(tmp_path / "out"), "--templates", str(mine))
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "report.md.j2" in result.stderr
    assert not (tmp_path / "out").exists()
    (mine / "report.md.j2").unlink()
    result = run(db, "-q", "Q2", "--out", str(tmp_path / "out"), "--templates", str(mine))
    assert (
        result.exit_code == 1 and "report.html.j2" in result.stderr and "第 1 行" in result.stderr
    )
    missing = run(db, "-q", "Q2", "--templates", str(tmp_path / "nowhere"))
    assert missing.exit_code == 1 and "不存在" in missing.stderr


def test_every_template_variable_is_documented() -> None:
    import jinja2.meta

    env = report.environment()
    names = {f.name for f in fields(report.ReportContext)}
    for path in sorted(report.PACKAGE_TEMPLATES.glob("*.j2")):
        source = path.read_text(encoding="utf-8")
        used = jinja2.meta.find_undeclared_variables(env.parse(source))
        if path.name.startswith("_"):
            continue  # partials receive their values as macro arguments
        assert used <= names, f"{path.name} uses undocumented {sorted(used - names)}"
    doc = report.__doc__ or ""
    for cls in report.CONTEXT_CLASSES:
        # a frozen dataclass or a NamedTuple (the display rows: cheaper to define at import)
        names = [f.name for f in fields(cls)] if is_dataclass(cls) else list(cls._fields)
        assert names
        for name in names:
            assert f"``{name}``" in doc, f"{cls.__name__}.{name} is not documented"


# --- scale: what a report reads is bounded ------------------------------------------------------


def test_a_report_reads_a_bounded_number_of_entries(db: Path) -> None:
    from kxplan.store import Store

    plan = load(PLAN)
    calls = []

    class Counting:
        def __init__(self, store: Store) -> None:
            self.store = store

        def __getattr__(self, name: str):
            return getattr(self.store, name)

        def entries(self, year: int, **kwargs):
            rows = self.store.entries(year, **kwargs)
            calls.append((kwargs.get("limit"), len(rows)))
            return rows

    with Store.open(db, create=False) as store:
        data = report.load_report_data(Counting(store), plan, 2, date(2019, 6, 30))
    assert len(calls) == len(plan.targets())
    assert all(limit == report.ENTRY_CAP and count <= limit for limit, count in calls)
    assert sum(len(rows) for rows in data.entries.values()) <= report.ENTRY_CAP * len(calls)


def test_chinese_numerals() -> None:
    assert [report.chinese_numeral(n) for n in (1, 4, 10, 11, 20, 23, 99, 100)] == [
        "一",
        "四",
        "十",
        "十一",
        "二十",
        "二十三",
        "九十九",
        "100",
    ]
