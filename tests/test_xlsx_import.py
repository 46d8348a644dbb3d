"""`kxplan import FILE.xlsx`: workbooks built here with openpyxl (XlsxWriter where a formula
needs a saved value), real dates and numbers, problems at `FILE.xlsx:Sheet!B12`, and every
bad workbook refused in one line with nothing written."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import SMALL_PLAN

HEADER = ["目标", "日期", "数量", "事项", "备注", "单位", "登记人", "佐证"]


def book(rows: list[list[Any]], title: str = "登记", header: list[str] | None = None) -> Any:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(header or HEADER)
    for row in rows:
        sheet.append(row)
    return workbook


def save(workbook: Any, path: Path) -> Path:
    workbook.save(path)
    return path


def state(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def log(kx: Any) -> list[dict[str, Any]]:
    return json.loads(kx("log", "--json").stdout)


# --- good workbooks -----------------------------------------------------------------------------


def test_a_workbook_as_an_office_fills_it_in(kx: Any, tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "秀洲区"
    sheet.append(["2019年秀洲区科协工作进展登记表"])
    sheet.append(["填报单位：秀洲区科协"])
    sheet.append(["序号", "日期", "目标编号", "数量（人次）", "说明", "单位"])
    sheet.append([1, datetime(2019, 3, 4), "p1.visits", 3, "专家来访", "秀洲区科协"])
    sheet.append([2, date(2019, 3, 5), "p1.visits", 2.5, None, "秀洲区科协"])
    sheet.append([3, datetime(2019, 3, 6, 15, 30), "p1.visits", "1,200", None, "秀洲区科协"])
    sheet.append([4, "2019/3/7", "p1.visits", "１２", None, "秀洲区科协"])
    sheet.append([5, "2019年3月8日", "p2.outreach", None, "科普进社区", "秀洲区科协"])
    sheet.append([None, None, None, None, None, "秀洲区科协"])  # a pre-filled row, unused
    sheet["B4"].number_format = "yyyy/m/d"
    path = save(workbook, tmp_path / "秀洲.xlsx")
    result = kx("import", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[-1] == (
        f"{path}: imported 5 new entries; 0 rows were imported before and skipped"
    )
    rows = log(kx)
    assert [(r["date"], r["target"], r["amount"], r["note"]) for r in rows] == [
        ("2019-03-04", "p1.visits", 3, "专家来访"),
        ("2019-03-05", "p1.visits", 2.5, None),
        ("2019-03-06", "p1.visits", 1200, None),
        ("2019-03-07", "p1.visits", 12, None),
        ("2019-03-08", "p2.outreach", None, "科普进社区"),
    ]
    again = kx("import", str(path))
    assert (
        again.stderr == f"{path}: imported 0 new entries; 5 rows were imported before and skipped\n"
    )


def test_the_same_rows_as_csv_and_as_xlsx_are_the_same_entries(kx: Any, tmp_path: Path) -> None:
    csv = tmp_path / "a.csv"
    csv.write_text("target,date,amount\np1.visits,2019-03-04,3\n", encoding="utf-8")
    assert kx("import", str(csv)).exit_code == 0
    xlsx = save(book([["p1.visits", datetime(2019, 3, 4), 3]]), tmp_path / "a.xlsx")
    assert "imported 0 new entries; 1 rows" in kx("import", str(xlsx)).stderr


def test_formulas_count_as_their_saved_values(kx: Any, tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "f.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("登记")
    sheet.write_row(0, 0, HEADER)
    sheet.write_string(1, 0, "p1.visits")
    sheet.write_formula(
        1, 1, "=DATE(2019,3,4)", workbook.add_format({"num_format": "yyyy-mm-dd"}), 43528
    )
    sheet.write_formula(1, 2, "=1+2", None, 3)
    sheet.write_formula(1, 4, '="来访"&"两次"', None, "来访两次")
    workbook.close()
    result = kx("import", str(path))
    assert result.exit_code == 0, result.stderr
    [row] = log(kx)
    assert (row["date"], row["amount"], row["note"]) == ("2019-03-04", 3, "来访两次")


def test_sheet_option_and_the_first_visible_sheet(kx: Any, tmp_path: Path) -> None:
    workbook = book([["p1.visits", datetime(2019, 3, 4), 1]], title="说明")
    workbook.active.sheet_state = "hidden"
    second = workbook.create_sheet("Q1 data")
    second.append(HEADER)
    second.append(["p1.visits", datetime(2019, 3, 5), 2])
    path = save(workbook, tmp_path / "s.xlsx")
    assert kx("import", str(path), "--dry-run").stderr.endswith(
        "1 would be imported, 0 were imported before (dry run, nothing written)\n"
    )
    assert kx("import", str(path)).exit_code == 0
    assert [r["date"] for r in log(kx)] == ["2019-03-05"]
    assert kx("import", str(path), "--sheet", "说明").exit_code == 0
    assert [r["date"] for r in log(kx)] == ["2019-03-04", "2019-03-05"]
    missing = kx("import", str(path), "--sheet", "Q2")
    assert missing.stderr == f"error: {path} has no sheet 'Q2'; its sheets are '说明', 'Q1 data'\n"


def test_hostile_text_in_cells_is_kept_as_text(kx: Any, tmp_path: Path) -> None:
    texts = [
        "=cmd|' /C calc'!A0",
        "+SUM(1)",
        "-1+1",
        "@x",
        "'=1+1",
        "<script>alert(1)</script>",
        "_x0041_ literal",
        "a | b",
    ]
    rows = [
        ["p1.visits", datetime(2019, 3, n + 1), 1, text, text, text, text, text]
        for n, text in enumerate(texts)
    ]
    workbook = book(rows)
    for line in workbook.active.iter_rows(min_row=2):
        for cell in line[3:]:
            cell.data_type = "s"  # text, as Excel keeps a typed '=… (openpyxl would make a formula)
    path = save(workbook, tmp_path / "h.xlsx")
    result = kx("import", str(path))
    assert result.exit_code == 0, result.stderr
    stored = log(kx)
    for row, text in zip(stored, texts, strict=True):
        assert (row["item"], row["note"], row["unit"], row["by"], row["evidence"]) == (text,) * 5


# --- problems located at the cell -----------------------------------------------------------------


def test_every_problem_points_at_its_cell(kx: Any, db: Path, tmp_path: Path) -> None:
    rows = [
        ["p1.visit", datetime(2019, 3, 4), 1],
        ["p1.visits", "7/4/2019", 1],
        ["p1.visits", datetime(2019, 3, 4), "1,2"],
        ["p1.visits", 43650, 1],
        ["p1.visits", datetime(2019, 3, 4), "#N/A"],
        ["p2.outreach", datetime(2019, 3, 4)],
        ["p1.visits", datetime(2019, 3, 4), "=A2*2"],
    ]
    path = save(book(rows, title="My data"), tmp_path / "p.xlsx")
    result = kx("import", str(path))
    assert result.exit_code == 1
    f = str(path)
    assert result.stderr.splitlines() == [
        f'{f}:\'My data\'!A2: unknown target id "p1.visit"; did you mean "p1.visits"?',
        f"{f}:'My data'!B3: date \"7/4/2019\" is not a date; write it like 2019-07-04, 2019/7/4, 2019.7.4 or 2019年7月4日 (a time after it is allowed)",
        f"{f}:'My data'!C4: amount \"1,2\" has a comma that does not separate thousands; write decimals with a point (2.5) and thousands as 1,200",
        f"{f}:'My data'!B5: date \"43650\" is a number (an Excel date serial, i.e. 2019-07-04?); format the cell as a date or write it like 2019-07-04",
        f"{f}:'My data'!C6: the cell holds the Excel error #N/A; correct the formula or type the value",
        f"{f}:'My data'!E7: p2.outreach is an activity: give a note saying what was done (--note \"…\" or the note column)",
        f"{f}:'My data'!C8: formula =A2*2 has no saved value; open the file in Excel or WPS, let it calculate, save it and import again",
        f"error: {f}: 7 bad row(s); nothing was imported — fix them and import again",
    ]
    assert not db.exists()


# --- bad workbooks: one line, nothing written -------------------------------------------------------


def _valid_bytes(tmp_path: Path) -> bytes:
    path = save(book([["p1.visits", datetime(2019, 3, 4), 1]]), tmp_path / "valid.xlsx")
    data = path.read_bytes()
    path.unlink()
    return data


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _bad(kind: str, tmp_path: Path) -> tuple[str, bytes]:
    valid = _valid_bytes(tmp_path)
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    if kind == "xls":
        return "old.xls", ole + "Workbook".encode("utf-16-le") + b"\x00" * 1000
    if kind == "encrypted":
        return "secret.xlsx", ole + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 1000
    if kind == "truncated":
        return "cut.xlsx", valid[: len(valid) // 2]
    if kind == "corrupt":
        return "junk.xlsx", b"PK\x03\x04" + bytes(range(256)) * 40
    if kind == "bomb":
        return "bomb.xlsx", _zip(
            {"xl/workbook.xml": b"<x/>", "xl/worksheets/sheet1.xml": b"\0" * (40 << 20)}
        )
    if kind == "ods":
        return "sheet.ods", _zip(
            {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"}
        )
    if kind == "docx":
        return "report.xlsx", _zip({"word/document.xml": b"<x/>"})
    if kind == "pdf":
        return "scan.xlsx", b"%PDF-1.7\n" + b"\x00" * 100
    if kind == "html":
        return "export.xls", "<html><table><tr><td>目标</td></tr></table></html>".encode()
    if kind == "damaged-part":
        parts = {}
        with zipfile.ZipFile(io.BytesIO(valid)) as archive:
            for info in archive.infolist():
                parts[info.filename] = archive.read(info)
        parts["xl/worksheets/sheet1.xml"] = b"<worksheet><sheetData><row"
        return "damaged.xlsx", _zip(parts)
    raise AssertionError(kind)


BAD = [
    (
        "xls",
        "{f} is an old Excel 97–2003 workbook (.xls); open it in Excel and save it as .xlsx (File → Save As → Excel Workbook)",
    ),
    (
        "encrypted",
        "{f} is protected with a password; open it in Excel, clear the password (File → Info → Protect Workbook → Encrypt with Password), save it and import again",
    ),
    (
        "truncated",
        "{f} is a damaged or incomplete workbook (BadZipFile: File is not a zip file); open it in Excel and save it again, or ask for the file again",
    ),
    (
        "corrupt",
        "{f} is a damaged or incomplete workbook (BadZipFile: File is not a zip file); open it in Excel and save it again, or ask for the file again",
    ),
    (
        "bomb",
        "{f}: part xl/worksheets/sheet1.xml unpacks to 1020 times its size, which no workbook does (a zip bomb?); nothing was read",
    ),
    ("ods", "{f} is an OpenDocument spreadsheet (.ods); save it as .xlsx and import that"),
    ("docx", "{f} is a zip archive but not an Excel workbook; import an .xlsx or .csv file"),
    (
        "pdf",
        "{f} is a PDF document, not a spreadsheet; import the .xlsx or .csv file it was made from",
    ),
    ("html", "{f} is a web page (HTML), not a workbook; open it in Excel and save it as .xlsx"),
]


@pytest.mark.parametrize(("kind", "message"), BAD, ids=[kind for kind, _ in BAD])
def test_bad_workbooks_are_refused_in_one_line(
    kx: Any, db: Path, tmp_path: Path, kind: str, message: str
) -> None:
    name, data = _bad(kind, tmp_path)
    path = tmp_path / name
    path.write_bytes(data)
    kx("record", "p1.visits", "--date", "2019-01-02")
    before = state(tmp_path)
    result = kx("import", str(path))
    assert (result.exit_code, result.stdout) == (1, "")
    if kind == "bomb":
        ratio = result.stderr.split("unpacks to ")[1].split(" times")[0]
        message = message.replace("1020", ratio)
    assert result.stderr == f"error: {message.format(f=path)}\n"
    assert state(tmp_path) == before


def test_a_part_that_does_not_parse_is_refused(kx: Any, db: Path, tmp_path: Path) -> None:
    name, data = _bad("damaged-part", tmp_path)
    path = tmp_path / name
    path.write_bytes(data)
    result = kx("import", str(path))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {path} is a damaged or incomplete workbook (")
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    assert not db.exists()


def test_more_unpacked_bytes_than_the_cap(
    kx: Any, db: Path, tmp_path: Path, monkeypatch: Any
) -> None:
    import kxplan.xlsxio

    monkeypatch.setattr(kxplan.xlsxio, "MAX_UNPACKED", 1000)
    path = save(book([["p1.visits", datetime(2019, 3, 4), 1]]), tmp_path / "big.xlsx")
    result = kx("import", str(path))
    assert result.stderr == (
        f"error: {path} unpacks to more than 0 MB, more than any workbook of entries; nothing was read\n"
    )
    assert not db.exists()


def test_more_rows_than_the_cap(kx: Any, db: Path, tmp_path: Path, monkeypatch: Any) -> None:
    import kxplan.xlsxio

    monkeypatch.setattr(kxplan.xlsxio, "MAX_ROWS", 3)
    monkeypatch.setattr(kxplan.xlsxio, "HEADER_ROWS_ALLOWED", 0)
    rows = [["p1.visits", datetime(2019, 3, n), 1] for n in range(1, 6)]
    path = save(book(rows), tmp_path / "rows.xlsx")
    result = kx("import", str(path))
    assert (
        result.stderr
        == f"error: {path}: sheet '登记' has more than 3 rows; split it into several files\n"
    )
    assert not db.exists()


def test_a_cell_at_the_last_row_and_column_is_refused_quickly(
    kx: Any, db: Path, tmp_path: Path
) -> None:
    workbook = book([["p1.visits", datetime(2019, 3, 4), 1]])
    workbook.active["XFD1048576"] = "x"
    path = save(workbook, tmp_path / "sparse.xlsx")
    result = kx("import", str(path))
    assert (
        result.stderr
        == f"error: {path}: sheet '登记' has more than 1000000 rows; split it into several files\n"
    )
    assert not db.exists()


def test_merged_cells(kx: Any, db: Path, tmp_path: Path) -> None:
    header = book([["p1.visits", datetime(2019, 3, 4), 1]])
    header.active.merge_cells("B1:C1")
    path = save(header, tmp_path / "mh.xlsx")
    assert kx("import", str(path)).stderr == (
        f"error: {path}:登记!B1:C1: merged header cells; unmerge them so that every column has its own header\n"
    )
    rows = book(
        [
            ["p1.visits", datetime(2019, 3, 4), 1, None, None, "秀洲区科协"],
            ["p1.visits", datetime(2019, 3, 5), 1],
        ]
    )
    rows.active.merge_cells("F2:F3")
    path = save(rows, tmp_path / "mr.xlsx")
    assert kx("import", str(path)).stderr == (
        f"error: {path}:登记!F2:F3: merged cells in the table; unmerge them and fill in every cell (each row needs its own values)\n"
    )
    title = openpyxl.Workbook()
    sheet = title.active
    sheet.title = "登记"
    sheet.append(["标题"])
    sheet.merge_cells("A1:H1")
    sheet.append(HEADER)
    sheet.append(["p1.visits", datetime(2019, 3, 4), 1])
    path = save(title, tmp_path / "title.xlsx")
    assert kx("import", str(path)).exit_code == 0  # a merged title above the header is fine
    assert len(log(kx)) == 1


def test_empty_sheets(kx: Any, db: Path, tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    workbook.active.title = "Sheet1"
    path = save(workbook, tmp_path / "empty.xlsx")
    assert kx("import", str(path)).stderr == (
        f"error: {path}: sheet 'Sheet1' is empty; fill in a header row and the rows, or choose a sheet with --sheet (sheets: 'Sheet1')\n"
    )
    header_only = save(book([]), tmp_path / "header.xlsx")
    result = kx("import", str(header_only))
    assert (result.exit_code, result.stderr) == (
        0,
        f"{header_only} has a header but no rows; nothing to import\n",
    )
    assert not db.exists()


def test_content_decides_not_the_name(kx: Any, tmp_path: Path) -> None:
    xlsx_named_csv = save(book([["p1.visits", datetime(2019, 3, 4), 1]]), tmp_path / "really.csv")
    result = kx("import", str(xlsx_named_csv))
    assert result.exit_code == 0
    assert result.stderr.splitlines()[0] == (
        f"{xlsx_named_csv} is an Excel workbook whatever its name says; read it as one"
    )
    csv_named_xlsx = tmp_path / "really.xlsx"
    csv_named_xlsx.write_text("target,date\np1.visits,2019-03-05\n", encoding="utf-8")
    result = kx("import", str(csv_named_xlsx))
    assert result.exit_code == 0
    assert result.stderr.splitlines()[0] == (
        f"{csv_named_xlsx} is a text (CSV) file, not a workbook, whatever its name says; read it as CSV"
    )
    assert kx("import", str(csv_named_xlsx), "--sheet", "x").stderr == (
        f"error: --sheet is for Excel workbooks; {csv_named_xlsx} is a CSV (text) file (leave out --sheet)\n"
    )
    assert kx("import", str(xlsx_named_csv), "--encoding", "gbk").stderr == (
        f"error: --encoding is for CSV files; {xlsx_named_csv} is an Excel workbook (leave out --encoding)\n"
    )


def test_the_private_attribute_the_reader_relies_on_is_there(tmp_path: Path) -> None:
    """xlsxio finds a sheet's XML part through ReadOnlyWorksheet._worksheet_path."""
    path = save(book([]), tmp_path / "a.xlsx")
    workbook = openpyxl.load_workbook(path, read_only=True)
    assert workbook.worksheets[0]._worksheet_path == "xl/worksheets/sheet1.xml"
    workbook.close()


def test_the_installed_kxplan_imports_a_workbook(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    path = save(book([["p1.visits", datetime(2019, 3, 4), 1]]), tmp_path / "a.xlsx")
    kxplan = Path(sys.executable).parent / "kxplan"
    env = {**os.environ, "KXPLAN_TODAY": "2019-05-10", "KXPLAN_LANG": "zh", "KXPLAN_BY": "clerk"}
    args = [
        str(kxplan),
        "--plan",
        str(SMALL_PLAN),
        "--db",
        str(tmp_path / "k.db"),
        "import",
        str(path),
    ]
    result = subprocess.run(args, capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[-1] == f"{path}：导入 1 条新记录；0 行此前已导入，已跳过"
