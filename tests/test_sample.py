"""Issue 13 rule 8: sample data says so. `kxplan import --sample` marks the database (schema
3's append-only `markers` table); every report (Markdown and HTML), `status` and `show` from
it carries a 示例数据 / SAMPLE DATA banner, and their JSON says `"sample": true`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import file_digest

HEADER = "target,date,amount,item,note,unit,by,evidence\n"
ROWS = "p1.visits,2019-03-01,3,,,,,\np2.outreach,2019-04-02,,,（示例）开放日,,,\n"
BANNER_EN = (
    "SAMPLE DATA — this database holds sample data (imported with --sample), not real progress"
)
BANNER_ZH = "示例数据 —— 本数据库中是示例数据（用 --sample 导入），不是真实的工作进展"


def sample_csv(tmp_path: Path, rows: str = ROWS) -> Path:
    path = tmp_path / "sample.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def test_import_sample_marks_a_new_database(kx: Any, db: Path, tmp_path: Path) -> None:
    result = kx("import", str(sample_csv(tmp_path)), "--sample")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[:2] == [
        f"created a new database {db}",
        f"{db} is marked as sample data (示例数据): its reports, status and show say so",
    ]
    status = kx("status")
    assert status.stdout.splitlines()[0] == BANNER_EN
    assert kx("--lang", "zh", "status").stdout.splitlines()[0] == BANNER_ZH
    assert json.loads(kx("status", "--json").stdout)["sample"] is True
    show = kx("show", "p1.visits")
    assert show.stdout.splitlines()[0] == BANNER_EN
    assert json.loads(kx("show", "p1.visits", "--json").stdout)["sample"] is True
    # recording into it later keeps the mark: it still holds the sample rows
    assert kx("record", "p1.visits", "1").exit_code == 0
    assert kx("status").stdout.splitlines()[0] == BANNER_EN


def test_real_data_has_no_banner(kx: Any, db: Path, tmp_path: Path) -> None:
    assert kx("import", str(sample_csv(tmp_path))).exit_code == 0
    assert BANNER_EN not in kx("status").stdout
    assert json.loads(kx("status", "--json").stdout)["sample"] is False
    assert not kx("show", "p1.visits").stdout.startswith("SAMPLE")
    assert json.loads(kx("show", "p1.visits", "--json").stdout)["sample"] is False


def test_sample_data_never_goes_into_a_database_of_real_entries(
    kx: Any, db: Path, tmp_path: Path
) -> None:
    assert kx("record", "p1.visits", "2", "--date", "2019-05-01").exit_code == 0
    before = file_digest(db)
    for extra in ((), ("--dry-run",)):
        result = kx("import", str(sample_csv(tmp_path)), "--sample", *extra)
        assert (result.exit_code, result.stdout) == (1, "")
        assert result.stderr == (
            "error: this database already holds entries that are not sample data; import"
            " sample data into a database of its own (--db demo.db)\n"
        )
        assert file_digest(db) == before
    assert json.loads(kx("status", "--json").stdout)["sample"] is False


def test_a_dry_run_or_an_empty_file_marks_nothing(kx: Any, db: Path, tmp_path: Path) -> None:
    dry = kx("import", str(sample_csv(tmp_path)), "--sample", "--dry-run")
    assert dry.exit_code == 0 and "marked" not in dry.stderr
    assert not db.exists()
    empty = kx("import", str(sample_csv(tmp_path, "")), "--sample")
    assert empty.exit_code == 0 and "marked" not in empty.stderr
    assert not db.exists()
    # importing the sample again into the sample database is fine (and adds nothing)
    assert kx("import", str(sample_csv(tmp_path)), "--sample").exit_code == 0
    again = kx("import", str(sample_csv(tmp_path)), "--sample")
    assert again.exit_code == 0 and "imported 0 new entries" in again.stderr


@pytest.mark.parametrize(
    ("lang", "md_banner", "title"),
    [
        (
            "zh",
            "> **示例数据 —— 本报告由示例数据（演示用）生成，不反映真实工作进展，请勿签发或转发。**",
            "<title>【示例数据】Small test plan · 2019年第二季度工作进展</title>",
        ),
        (
            "en",
            "> **SAMPLE DATA — this report is made from sample data (a demo year), not from real"
            " progress; do not sign or forward it.**",
            "<title>[SAMPLE DATA] Small test plan · Progress report, Q2 2019</title>",
        ),
    ],
)
def test_every_report_of_sample_data_carries_the_banner(
    kx: Any, db: Path, tmp_path: Path, lang: str, md_banner: str, title: str
) -> None:
    assert kx("import", str(sample_csv(tmp_path)), "--sample").exit_code == 0
    out = tmp_path / "reports"
    result = kx("--lang", lang, "report", "--quarter", "2019Q2", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    markdown = (out / "2019-Q2.md").read_text(encoding="utf-8")
    assert markdown.splitlines()[2] == md_banner  # right under the title
    html = (out / "2019-Q2.html").read_text(encoding="utf-8")
    assert title in html
    assert '<p class="sample-banner" role="note">' in html
    assert html.index('class="sample-banner"') < html.index("<h1>")


def test_a_real_report_has_no_banner(kx: Any, db: Path, tmp_path: Path) -> None:
    assert kx("import", str(sample_csv(tmp_path))).exit_code == 0
    result = kx("report", "--quarter", "2019Q2", "--stdout", "--format", "html")
    assert 'class="sample-banner"' not in result.stdout and "SAMPLE" not in result.stdout
