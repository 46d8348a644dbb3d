"""`kxplan export --format xlsx` and `kxplan template`: read back with openpyxl (types, frozen
header, autofilter, widths, colours, validations), round trips export → import, a filled-in
template importing as is, hostile text staying text, and byte-identical output."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import DATA

UNITS_PLAN = DATA / "plans" / "good" / "units.yaml"
HOSTILE = ["=cmd|' /C calc'!A0", "+SUM(1)", "@x", "'=1+1", "<b>粗</b>", "_x0041_", "a\nb"]


def fill(kx: Any) -> None:
    assert (
        kx("record", "p1.visits", "3", "--date", "2019-01-05", "--unit", "南湖区科协").exit_code
        == 0
    )
    assert (
        kx(
            "record",
            "p1.workstations",
            "--date",
            "2019-02-01",
            "--item",
            "嘉兴某公司院士专家工作站",
        ).exit_code
        == 0
    )
    assert (
        kx(
            "record", "p2.outreach", "--date", "2019-04-02", "--note", "科普进社区\n第二行"
        ).exit_code
        == 0
    )
    assert kx("record", "p1.visits", "2.5", "--date", "2019-04-03").exit_code == 0
    assert kx("void", "4", "--reason", "重复登记").exit_code == 0
    for number, text in enumerate(HOSTILE, start=1):
        note = text if "\n" in text else f"note {text}"
        item = text.replace("\n", " ")
        args = ["p1.visits", "1", "--date", f"2019-03-{number:02d}", "--item", item, "--note", note]
        result = kx("record", *args, "--unit", item, "--evidence", item, "--by", item)
        assert result.exit_code == 0, result.stderr


def test_xlsx_export_needs_out_and_a_known_format(kx: Any) -> None:
    fill(kx)
    assert kx("export", "--format", "xlsx").stderr == (
        "error: an XLSX export needs a file: add --out FILE.xlsx\n"
    )


def test_the_export_reads_back_as_written(kx: Any, tmp_path: Path) -> None:
    fill(kx)
    out = tmp_path / "e.xlsx"
    result = kx("--lang", "zh", "export", "--format", "xlsx", "--out", str(out))
    assert (result.exit_code, result.stderr) == (0, f"已将 11 条记录写入 {out}\n")
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["登记明细", "进度 2019Q1", "进度 2019Q2"]  # today is 2019-05-10
    sheet = book["登记明细"]
    assert [cell.value for cell in sheet[1]] == [
        "目标", "日期", "数量", "事项", "备注", "单位", "登记人", "佐证",
        "记录编号", "登记时间", "作废编号", "作废原因", "作废人", "作废时间",
    ]  # fmt: skip
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:N12"
    first = sheet[2]
    assert first[1].value == datetime(2019, 1, 5) and first[1].is_date
    assert (first[2].value, first[2].data_type) == (3, "n")
    voided = [row for row in sheet.iter_rows(min_row=2) if row[10].value is not None]
    assert len(voided) == 1
    assert voided[0][11].value == "重复登记" and voided[0][0].font.strike
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "@")):
                assert cell.data_type == "s", cell.coordinate  # text, never a formula
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ADE"}
    assert widths["D"] >= 26  # 嘉兴某公司院士专家工作站: 12 CJK characters, 24 cells
    progress = book["进度 2019Q2"]
    assert progress.freeze_panes == "A3"
    assert [c.value for c in progress[2]][:4] == ["部分", "工作要点", "目标编号", "目标"]
    from kxplan.report import status_colours

    colours = status_colours()
    for row in progress.iter_rows(min_row=3):
        status = row[-1]
        fills = {f"FF{bg[1:].upper()}" for bg, _ in colours.values()}
        assert status.fill.fgColor.rgb in fills, status.value


def test_export_then_import_gives_the_same_entries(kx: Any, tmp_path: Path) -> None:
    fill(kx)
    out = tmp_path / "e.xlsx"
    assert kx("export", "--format", "xlsx", "--out", str(out)).exit_code == 0
    fresh = tmp_path / "fresh.db"
    result = kx("import", str(out), database=fresh)
    assert result.exit_code == 0, result.stderr
    assert f"{out}: 1 voided row(s) skipped" in result.stderr
    assert kx("export", database=fresh).stdout == kx("export").stdout
    csv_out = tmp_path / "e.csv"
    assert kx("export", "--all", "--out", str(csv_out)).exit_code == 0
    from_csv = tmp_path / "from-csv.db"
    assert kx("import", str(csv_out), database=from_csv).exit_code == 0
    assert kx("export", database=from_csv).stdout == kx("export").stdout
    # the XLSX and the CSV export are the same rows: importing one after the other adds nothing
    assert "imported 0 new entries; 10 rows" in kx("import", str(csv_out), database=fresh).stderr


def test_the_export_is_byte_identical_and_replaces_only_with_force(kx: Any, tmp_path: Path) -> None:
    fill(kx)
    one, two = tmp_path / "one.xlsx", tmp_path / "two.xlsx"
    assert kx("export", "--format", "xlsx", "--out", str(one)).exit_code == 0
    assert kx("export", "--format", "xlsx", "--out", str(two)).exit_code == 0
    assert one.read_bytes() == two.read_bytes()
    again = kx("export", "--format", "xlsx", "--out", str(one))
    assert again.exit_code == 1 and "--force" in again.stderr
    assert kx("export", "--format", "xlsx", "--out", str(one), "--force").exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix != ".db") == [
        "one.xlsx",
        "two.xlsx",
    ]


# --- templates -------------------------------------------------------------------------------------


def template(kx: Any, tmp_path: Path, *args: str, plan: Path | None = None) -> Any:
    extra = {"plan": plan} if plan else {}
    return kx("--lang", "zh", "template", *args, **extra)


def test_the_template_and_its_validations(kx: Any, tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    result = template(kx, tmp_path, "--unit", "秀洲区科协", "--out", str(out))
    assert (result.exit_code, result.stderr) == (
        0,
        f"已将 秀洲区科协（2019年）的填报模板写入 {out}\n",
    )
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["登记", "填写说明", "目标列表"]
    assert [ws.sheet_state for ws in book.worksheets] == ["visible", "visible", "hidden"]
    sheet = book["登记"]
    assert [c.value for c in sheet[1]] == [
        "目标",
        "日期",
        "数量",
        "事项",
        "备注",
        "单位",
        "登记人",
        "佐证",
    ]
    assert sheet.freeze_panes == "A2"
    assert {sheet.cell(row, 6).value for row in range(2, 302)} == {"秀洲区科协"}
    rules = {str(rule.sqref): rule for rule in sheet.data_validations.dataValidation}
    assert (rules["A2:A301"].type, rules["A2:A301"].formula1) == ("list", "'目标列表'!$A$2:$A$5")
    assert rules["B2:B301"].type == "date"  # between (the default operator, not written)
    assert (rules["B2:B301"].formula1, rules["B2:B301"].formula2) == ("43466", "43830")  # 2019
    # p1.visits takes up to 3 decimals (decimals: 3 in the small plan), p1.workstations whole
    assert rules["C2:C301"].type == "custom"
    choices = [book["目标列表"].cell(row, 1).value for row in range(2, 6)]
    assert choices == [
        "p1.workstations New expert workstations",
        "p1.visits Expert visits",
        "p2.science-day Science day",
        "p2.outreach Community outreach",
    ]
    assert [c.value for c in book["填写说明"]["A"]][3:11] == [
        "目标", "日期", "数量", "事项", "备注", "单位", "登记人", "佐证",
    ]  # fmt: skip


def test_a_plan_of_whole_counts_only_validates_whole_numbers(kx: Any, tmp_path: Path) -> None:
    out = tmp_path / "w.xlsx"
    plan = Path(__file__).resolve().parents[1] / "plans" / "2019.yaml"
    assert template(kx, tmp_path, "--unit", "xiuzhou", "--out", str(out), plan=plan).exit_code == 0
    sheet = openpyxl.load_workbook(out)["登记"]
    rules = {str(rule.sqref): rule for rule in sheet.data_validations.dataValidation}
    assert (rules["C2:C301"].type, rules["C2:C301"].operator) == ("whole", "greaterThan")


def test_a_quarter_template_and_a_plan_with_units_and_decimal_targets(
    kx: Any, tmp_path: Path
) -> None:
    out = tmp_path / "q.xlsx"
    result = template(
        kx,
        tmp_path,
        "--unit",
        "秀洲科协",
        "--quarter",
        "2019Q3",
        "--out",
        str(out),
        plan=UNITS_PLAN,
    )
    assert result.stderr == f"已将 秀洲区科协（xiuzhou）（2019年第三季度）的填报模板写入 {out}\n"
    sheet = openpyxl.load_workbook(out)["登记"]
    rules = {str(rule.sqref): rule for rule in sheet.data_validations.dataValidation}
    assert (rules["B2:B301"].formula1, rules["B2:B301"].formula2) == ("43647", "43738")
    amount = rules["C2:C301"]
    assert amount.type == "custom"  # p1.funds (12.5 万元) takes decimals, the others whole numbers
    assert "INT(C2)" in amount.formula1 and "VLOOKUP(A2," in amount.formula1
    unknown = template(
        kx, tmp_path, "--unit", "秀州区科协", "--out", str(tmp_path / "x.xlsx"), plan=UNITS_PLAN
    )
    assert unknown.exit_code == 1 and "秀洲区科协（xiuzhou）" in unknown.stderr
    assert not (tmp_path / "x.xlsx").exists()


def test_a_filled_in_template_imports_as_is(kx: Any, db: Path, tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    assert (
        template(
            kx, tmp_path, "--unit", "秀洲区科协", "--quarter", "Q1", "--out", str(out)
        ).exit_code
        == 0
    )
    book = openpyxl.load_workbook(out)
    sheet, choices = book["登记"], book["目标列表"]
    sheet["A2"] = choices["A3"].value  # p1.visits Expert visits, as the drop-down puts it
    sheet["B2"] = datetime(2019, 3, 4)
    sheet["C2"] = 12
    sheet["A3"] = choices["A2"].value
    sheet["B3"] = datetime(2019, 3, 5)
    sheet["D3"] = "秀洲某企业院士专家工作站"
    sheet["A4"] = choices["A5"].value
    sheet["B4"] = "2019/3/6"
    sheet["E4"] = "科普进社区"
    sheet["G4"] = "张三"
    book.save(out)
    result = kx("import", str(out))
    assert result.exit_code == 0, result.stderr
    assert (
        result.stderr.splitlines()[-1]
        == f"{out}: imported 3 new entries; 0 rows were imported before and skipped"
    )
    rows = json.loads(kx("log", "--json").stdout)
    assert [(r["target"], r["date"], r["amount"], r["unit"]) for r in rows] == [
        ("p1.visits", "2019-03-04", 12, "秀洲区科协"),
        ("p1.workstations", "2019-03-05", 1, "秀洲区科协"),
        ("p2.outreach", "2019-03-06", None, "秀洲区科协"),
    ]
    assert rows[2]["by"] == "张三"


def test_the_csv_template(kx: Any, tmp_path: Path) -> None:
    out = tmp_path / "t.csv"
    assert (
        template(
            kx, tmp_path, "--unit", "秀洲区科协", "--format", "csv", "--out", str(out)
        ).exit_code
        == 0
    )
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "目标,日期,数量,事项,备注,单位,登记人,佐证"
    assert set(lines[1:]) == {",,,,,秀洲区科协,,"}
    lines[1] = 'p1.visits,2019/3/4,"1,200",,,秀洲区科协,,'
    out.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")
    result = kx("import", str(out))
    assert (
        result.stderr.splitlines()[-1]
        == f"{out}: imported 1 new entries; 0 rows were imported before and skipped"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--unit", "x", "--out", "{tmp}/t.xlsx", "--format", "ods"],
            "error: format must be xlsx or csv, not 'ods'",
        ),
        (
            ["--unit", "x", "--out", "{tmp}/t.xlsx", "--quarter", "2019Q5"],
            "error: quarter must be written like 2019Q2, not '2019Q5'",
        ),
        (
            ["--unit", "x", "--out", "{tmp}/t.xlsx", "--quarter", "2018Q1"],
            "error: quarter 2018Q1 is outside the plan year 2019",
        ),
        (
            ["--unit", " ", "--out", "{tmp}/t.xlsx"],
            "error: give the office the template is for with --unit, e.g. --unit 秀洲区科协",
        ),
        (
            ["--unit", "a\x1bb", "--out", "{tmp}/t.xlsx"],
            "error: unit contains a control character; remove it (only a note may have line breaks)",
        ),
        (
            ["--unit", "x", "--out", "{tmp}"],
            "error: {tmp} is a directory; give a file name with --out",
        ),
    ],
)
def test_bad_template_requests(kx: Any, tmp_path: Path, args: list[str], message: str) -> None:
    result = kx("template", *[a.format(tmp=tmp_path) for a in args], KXPLAN_LANG="en")
    assert (result.exit_code, result.stderr) == (1, message.format(tmp=tmp_path) + "\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_hostile_unit_text_in_a_template_stays_text(kx: Any, tmp_path: Path) -> None:
    csv_out = tmp_path / "t.csv"
    hostile = '=HYPERLINK("http://x")'
    assert (
        template(
            kx, tmp_path, "--unit", hostile, "--format", "csv", "--out", str(csv_out)
        ).exit_code
        == 0
    )
    assert (
        csv_out.read_text(encoding="utf-8-sig").splitlines()[1]
        == ',,,,,"\'=HYPERLINK(""http://x"")",,'
    )
    out = tmp_path / "t.xlsx"
    assert (
        template(kx, tmp_path, "--unit", '=HYPERLINK("http://x")', "--out", str(out)).exit_code == 0
    )
    cell = openpyxl.load_workbook(out)["登记"]["F2"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://x")', "s")


def test_the_round_trip_with_the_installed_kxplan(tmp_path: Path) -> None:
    """template → the office fills it in → import → report, as real processes (the 2019 plan)."""
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    kxplan = str(Path(sys.executable).parent / "kxplan")
    env = {**os.environ, "KXPLAN_TODAY": "2019-10-08", "KXPLAN_LANG": "zh", "KXPLAN_BY": "办公室"}
    env |= {"KXPLAN_PLAN": str(root / "plans" / "2019.yaml"), "KXPLAN_DB": str(tmp_path / "k.db")}
    env |= {"SOURCE_DATE_EPOCH": "1570492800", "NO_COLOR": "1"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([kxplan, *args], capture_output=True, text=True, env=env, check=False)

    book_path = tmp_path / "秀洲区科协-2019Q3.xlsx"
    assert (
        run(
            "template", "--unit", "秀洲区", "--quarter", "2019Q3", "--out", str(book_path)
        ).returncode
        == 0
    )
    book = openpyxl.load_workbook(book_path)
    sheet, choices = book["登记"], book["目标列表"]
    ids = [choices.cell(row, 2).value for row in range(2, choices.max_row + 1)]
    befriended = ids.index("p14.workers-befriended") + 2
    sheet["A2"] = choices.cell(befriended, 1).value
    sheet["B2"] = datetime(2019, 8, 15)
    sheet["C2"] = 1200
    sheet["D2"] = "秀洲区科协8月结交科技工作者"
    book.save(book_path)
    imported = run("import", str(book_path))
    assert imported.returncode == 0, imported.stderr
    assert "导入 1 条新记录" in imported.stderr
    logged = json.loads(run("log", "--json").stdout)
    assert [(e["target"], e["amount"], e["unit"]) for e in logged] == [
        ("p14.workers-befriended", 1200, "xiuzhou")
    ]
    report = run("report", "--quarter", "2019Q3", "--format", "md", "--out", str(tmp_path))
    assert report.returncode == 0, report.stderr
    assert "秀洲区科协8月结交科技工作者" in (tmp_path / "2019-Q3.md").read_text(encoding="utf-8")
