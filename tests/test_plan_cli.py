"""``kxplan plan check|show`` through typer's CliRunner, plan discovery, exit codes, and the
installed console script run as a real subprocess."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kxplan import __version__
from kxplan.cli import app
from kxplan.errors import ExitCode
from kxplan.messages import get_language, set_language

ROOT = Path(__file__).resolve().parents[1]
PLAN_2019 = ROOT / "plans" / "2019.yaml"
DATA = Path(__file__).parent / "data" / "plans"
BAD = DATA / "bad"
GOOD = DATA / "good"
BAD_CASES = sorted(path.stem for path in BAD.glob("*.yaml"))
BASE_ENV = {
    "KXPLAN_LANG": "en",
    "KXPLAN_TODAY": "2019-06-30",
    "KXPLAN_PLAN": None,
    "KXPLAN_DB": None,
    "NO_COLOR": None,
    "COLUMNS": "100",
}


@pytest.fixture(autouse=True)
def english():
    """Restore the message language changed by the commands."""
    before = get_language()
    yield
    set_language(before)


def run(*args: str | Path, **env: str | None):
    """Invoke kxplan in-process with a fixed language and clock."""
    return CliRunner().invoke(app, [str(arg) for arg in args], env={**BASE_ENV, **env})


def expected(name: str) -> str:
    return (BAD / f"{name}.expected").read_text(encoding="utf-8")


def write_plan(path: Path, year: int) -> Path:
    """A valid plan for ``year`` (the minimal example with its year replaced)."""
    text = (GOOD / "minimal.yaml").read_text(encoding="utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text.replace("2020", str(year)), encoding="utf-8")
    return path


# --- plan check --------------------------------------------------------------------------------


def test_check_good_plan_is_silent() -> None:
    for args in (("--plan", PLAN_2019, "plan", "check"), ("plan", "check", PLAN_2019)):
        result = run(*args)
        assert result.exit_code == ExitCode.OK == 0
        assert (result.stdout, result.stderr) == ("", "")


def test_check_bad_plan_prints_exact_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BAD)
    result = run("plan", "check", "schedule-last.yaml")
    assert result.exit_code == ExitCode.PROBLEMS == 1
    assert result.stdout == (
        "schedule-last.yaml:19:33: schedule ends at 4 but the goal is 5; "
        "the last value must equal the goal\n"
    )
    assert result.stderr == ""


@pytest.mark.parametrize("name", BAD_CASES)
def test_check_every_bad_plan(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each corpus case: its exact lines, exit 1, no traceback, and no database touched."""
    monkeypatch.chdir(BAD)
    db = tmp_path / "kxplan.db"
    result = run("--db", db, "plan", "check", f"{name}.yaml")
    assert result.exit_code == 1
    assert result.stdout == expected(name)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not db.exists()


def test_check_several_files_reports_each_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BAD)
    result = run("plan", "check", "lang.yaml", str(PLAN_2019), "year-range.yaml")
    assert result.exit_code == 1
    assert result.stdout == expected("lang") + expected("year-range")
    assert run("plan", "check", PLAN_2019, GOOD / "minimal.yaml").exit_code == 0


def test_check_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BAD)
    result = run("plan", "check", "--json", "lang.yaml", "duplicate-id.yaml")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data == [
        {
            "file": "lang.yaml",
            "line": 5,
            "column": 7,
            "message": "lang must be zh or en, not 'fr'",
        },
        {
            "file": "duplicate-id.yaml",
            "line": 22,
            "column": 17,
            "message": "target id 'p1.model-societies' is used twice (first at line 14)",
        },
    ]
    assert all(list(item) == ["file", "line", "column", "message"] for item in data)


def test_check_json_of_a_good_plan_is_an_empty_list() -> None:
    result = run("plan", "check", "--json", PLAN_2019)
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_check_in_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BAD)
    result = run("plan", "check", "lang.yaml", KXPLAN_LANG="zh")
    assert result.stdout == "lang.yaml:5:7: lang 必须是 zh 或 en，而不是 'fr'\n"


# --- plan show ---------------------------------------------------------------------------------


def test_show_json_structure() -> None:
    result = run("--plan", PLAN_2019, "plan", "show", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert list(data) == ["plan"]
    plan = data["plan"]
    assert list(plan) == ["org", "title", "year", "lang", "units", "sections"]
    assert [unit["id"] for unit in plan["units"]][:8] == [
        "jiaxing",
        "nanhu",
        "xiuzhou",
        "jiashan",
        "pinghu",
        "haiyan",
        "haining",
        "tongxiang",
    ]
    assert [plan["org"], plan["title"], plan["year"], plan["lang"]] == [
        "嘉兴市科学技术协会",
        "嘉兴市科协2019年工作要点",
        2019,
        "zh",
    ]
    sections = plan["sections"]
    assert [list(section) for section in sections] == [["number", "title", "points"]] * 5
    points = [point for section in sections for point in section["points"]]
    assert [point["number"] for point in points] == list(range(1, 16))
    assert {tuple(point) for point in points} == {
        ("number", "title", "text", "owner", "owner_unit", "targets")
    }
    targets = [target for point in points for target in point["targets"]]
    assert len(targets) == 43
    keys = ("id", "kind", "title", "goal", "unit", "decimals", "or_more", "schedule", "due")
    keys += ("owner", "owner_unit", "allocation")
    assert {tuple(target) for target in targets} == {keys}
    by_id = {target["id"]: target for target in targets}
    assert by_id["p14.workers-day"] == {
        "id": "p14.workers-day",
        "kind": "milestone",
        "title": "举办“5·30”科技工作者日活动",
        "goal": None,
        "unit": None,
        "decimals": None,
        "or_more": None,
        "schedule": None,
        "due": "2019-05-30",
        "owner": None,
        "owner_unit": None,
        "allocation": None,
    }
    assert by_id["p10.expert-visits"]["goal"] == 100
    assert by_id["p4.workstations"]["or_more"] is True
    assert by_id["p4.workstations"]["decimals"] == 0  # whole numbers unless the plan says
    assert '"owner": null' in result.stdout  # absent values are present as null
    assert "嘉兴市科学技术协会" in result.stdout  # Chinese kept readable, not \u escapes


def test_show_text_has_chinese_and_no_escape_codes() -> None:
    result = run("--plan", PLAN_2019, "plan", "show")
    assert result.exit_code == 0
    out = result.stdout
    assert "\x1b" not in out
    for text in ("嘉兴市科协2019年工作要点", "全面推进学会组织建设", "新认定市级院士专家工作站"):
        assert text in out
    assert "p4.workstations" in out and "goal 10 家 or more" in out
    assert "due 2019-05-30" in out
    assert out.index("Section 1") < out.index("Section 2") < out.index("Section 5")


def test_show_refuses_a_bad_plan_listing_its_problems(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BAD)
    result = run("--plan", "lang.yaml", "plan", "show")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == expected("lang") + (
        "error: lang.yaml has 1 problem(s); run: kxplan plan check lang.yaml\n"
    )


# --- default plan discovery --------------------------------------------------------------------


def test_default_plan_is_the_only_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_plan(tmp_path / "plans" / "2018.yaml", 2018)
    monkeypatch.chdir(tmp_path)
    result = run("plan", "show", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["plan"]["year"] == 2018
    assert run("plan", "check").exit_code == 0


def test_default_plan_is_this_years(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for year in (2019, 2020, 2021):
        write_plan(tmp_path / "plans" / f"{year}.yaml", year)
    monkeypatch.chdir(tmp_path)
    result = run("plan", "show", "--json", KXPLAN_TODAY="2020-03-01")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["plan"]["year"] == 2020


def test_several_plans_and_none_for_this_year(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for year in (2019, 2020):
        write_plan(tmp_path / "plans" / f"{year}.yaml", year)
    monkeypatch.chdir(tmp_path)
    result = run("plan", "show", KXPLAN_TODAY="2022-01-10")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "error: several plans in plans/ and none for 2022: 2019.yaml, 2020.yaml; "
        "choose one with --plan PATH\n"
    )


def test_no_plan_at_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("plan", "check")
    assert result.exit_code == 1
    assert (
        result.stderr == "error: no plan found: no plans/*.yaml here; give one with --plan PATH\n"
    )


def test_plan_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("plan", "show", "--json", KXPLAN_PLAN=str(PLAN_2019))
    assert result.exit_code == 0
    assert json.loads(result.stdout)["plan"]["year"] == 2019


@pytest.mark.parametrize("command", [("plan", "show"), ("plan", "check")])
def test_missing_plan_file(command: tuple[str, ...], tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    result = run("--plan", missing, *command)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"error: plan file {missing} does not exist; give an existing file with --plan\n"
    )
    assert "Traceback" not in result.output


def test_check_a_missing_file_argument(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    result = run("plan", "check", missing)
    assert result.exit_code == 1
    assert (result.stdout, result.stderr) == (f"{missing}:1:1: no such file\n", "")


# --- exit codes --------------------------------------------------------------------------------


def test_exit_codes_are_documented_values() -> None:
    assert (ExitCode.OK, ExitCode.PROBLEMS, ExitCode.USAGE) == (0, 1, 2)


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (("plan", "check", "--bogus"), {}),
        (("--no-such-option", "plan", "check"), {}),
        (("plan", "no-such-command"), {}),
        (("--lang", "fr", "plan", "check"), {}),
        (("plan", "check"), {"KXPLAN_TODAY": "2019-13-45"}),
    ],
)
def test_usage_errors_exit_2(args: tuple[str, ...], env: dict[str, str]) -> None:
    result = run("--plan", PLAN_2019, *args, **env)
    assert result.exit_code == ExitCode.USAGE
    assert result.stdout == ""
    assert "Traceback" not in result.output


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout == f"kxplan {__version__}\n"


# --- the installed console script --------------------------------------------------------------


def installed_kxplan() -> str:
    beside_python = Path(sys.executable).parent / "kxplan"
    found = str(beside_python) if beside_python.exists() else shutil.which("kxplan")
    if not found:
        pytest.fail("the kxplan console script is not installed (pip install -e .)")
    return found


def test_installed_console_script() -> None:
    kxplan = installed_kxplan()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KXPLAN_")}
    env["KXPLAN_LANG"] = "en"
    version = subprocess.run(
        [kxplan, "--version"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert (version.returncode, version.stdout, version.stderr) == (
        0,
        f"kxplan {__version__}\n",
        "",
    )
    check = subprocess.run(
        [kxplan, "plan", "check", "plans/2019.yaml"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (check.returncode, check.stdout, check.stderr) == (0, "", "")
    bad = subprocess.run(
        [kxplan, "plan", "check", "lang.yaml"],
        cwd=BAD,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (bad.returncode, bad.stdout, bad.stderr) == (1, expected("lang"), "")
