"""Shell completion: the installed ``kxplan`` answers typer's completion protocol.

The shell sets ``_KXPLAN_COMPLETE=complete_bash|complete_zsh|complete_fish`` and the words
typed so far (bash: ``COMP_WORDS`` and ``COMP_CWORD``; zsh and fish: ``_TYPER_COMPLETE_ARGS``)
and runs the program; it prints the candidates and exits.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from kxplan import messages
from kxplan.cli import command_tree, completion

PLAN = Path(__file__).parent / "data" / "clerk" / "plan.yaml"
KXPLAN = Path(sys.executable).with_name("kxplan")

pytestmark = pytest.mark.skipif(not KXPLAN.exists(), reason="needs the installed bin/kxplan")


def complete(shell: str, line: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    """Run ``kxplan`` as ``shell`` does on TAB after ``line``."""
    variables = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(cwd),
        "_KXPLAN_COMPLETE": f"complete_{shell}",
        **env,
    }
    if shell == "bash":
        words = line.split()
        cword = len(words) if line.endswith(" ") else len(words) - 1
        variables |= {"COMP_WORDS": line, "COMP_CWORD": str(cword)}
    else:
        variables["_TYPER_COMPLETE_ARGS"] = line
        if shell == "fish":
            variables["_TYPER_COMPLETE_FISH_ACTION"] = "get-args"
    return subprocess.run(
        [str(KXPLAN)],
        env=variables,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_bash_completes_a_partial_target_id(tmp_path: Path) -> None:
    result = complete("bash", "kxplan show p1.", tmp_path, KXPLAN_PLAN=str(PLAN))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["p1.workstations", "p1.academician-home"]
    assert result.stderr == ""


def test_bash_with_plan_option_and_the_add_argument(tmp_path: Path) -> None:
    result = complete("bash", f"kxplan --plan {PLAN} add p", tmp_path)
    assert result.stdout.splitlines() == [
        "p1.workstations",
        "p1.academician-home",
        "p2.star-rating",
        "p3.science-day",
        "p3.bases",
    ]


def test_the_default_plan_is_found_as_the_commands_find_it(tmp_path: Path) -> None:
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "2019.yaml").write_bytes(PLAN.read_bytes())
    result = complete("bash", "kxplan show p3", tmp_path)
    assert result.stdout.splitlines() == ["p3.science-day", "p3.bases"]


def test_zsh_shows_titles_as_descriptions(tmp_path: Path) -> None:
    result = complete("zsh", "kxplan show p1.", tmp_path, KXPLAN_PLAN=str(PLAN))
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        '_arguments \'*: :(("p1.workstations":"新认定市级院士专家工作站"\n'
        '"p1.academician-home":"启动实施“院士之家”建设"))\'\n'
    )


def test_fish_shows_titles_as_descriptions(tmp_path: Path) -> None:
    result = complete("fish", "kxplan show p3", tmp_path, KXPLAN_PLAN=str(PLAN))
    assert result.returncode == 0, result.stderr
    assert result.stdout == "p3.science-day\t举办全国科普日活动\np3.bases\t新建科普基地\n"


def imported_while_completing(tmp_path: Path, *modules: str) -> list[str]:
    """Which of ``modules`` a bash completion of ``kxplan show p1.`` imports."""
    code = (
        "import sys\n"
        "from kxplan.__main__ import main\n"
        "try:\n"
        "    main()\n"
        "finally:\n"
        f"    heavy = sorted(m for m in {modules!r} if m in sys.modules)\n"
        "    sys.stderr.write(repr(heavy))\n"
    )
    env = {
        "PATH": os.environ.get("PATH", ""),
        "_KXPLAN_COMPLETE": "complete_bash",
        "COMP_WORDS": "kxplan show p1.",
        "COMP_CWORD": "2",
        "KXPLAN_PLAN": str(PLAN),
    }
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True
    )
    assert result.stdout.splitlines() == ["p1.workstations", "p1.academician-home"]
    return ast.literal_eval(result.stderr)  # the list written above


def test_completion_does_not_import_jinja2_or_sqlite_utils(tmp_path: Path) -> None:
    assert imported_while_completing(tmp_path, "jinja2", "sqlite_utils") == []


def test_completion_does_not_import_rich(tmp_path: Path) -> None:
    assert imported_while_completing(tmp_path, "rich") == []


@pytest.mark.parametrize(
    "plan",
    ["missing.yaml", "broken.yaml", None],
    ids=["missing plan", "invalid plan", "no plan found"],
)
def test_any_failure_means_no_suggestions_and_no_noise(tmp_path: Path, plan: str | None) -> None:
    (tmp_path / "broken.yaml").write_text("year: [unclosed\n", encoding="utf-8")
    env = {"KXPLAN_PLAN": str(tmp_path / plan)} if plan else {}
    result = complete("bash", "kxplan show p", tmp_path, **env)
    assert (result.returncode, result.stdout, result.stderr) == (0, "\n", "")


# --- the callbacks themselves ---------------------------------------------------------------


def context(db: Path | None = None, plan: Path = PLAN) -> Any:
    """What a click context offers the callbacks: the root's parsed global options."""
    root = SimpleNamespace(params={"plan": plan, "db": db or Path("kxplan.db")})
    return SimpleNamespace(find_root=lambda: root)


def test_units_already_used_from_a_read_only_database(tmp_path: Path) -> None:
    from datetime import date
    from decimal import Decimal

    from kxplan.entry import Draft
    from kxplan.plan import load
    from kxplan.store import Store

    db = tmp_path / "kxplan.db"
    plan = load(PLAN)
    with Store.open(db, create=True) as store:
        for unit in ("秀洲区科协", "南湖区科协", "南湖区科协", None):
            draft = Draft("p3.bases", "count", date(2019, 3, 1), Decimal(1), unit=unit)
            store.record(plan, draft, "clerk", again=True)  # the same unit twice on purpose
    before = sorted(path.name for path in tmp_path.iterdir())
    content = db.read_bytes()
    assert completion.units(context(db), "") == [("南湖区科协", ""), ("秀洲区科协", "")]
    assert completion.units(context(db), "秀") == [("秀洲区科协", "")]
    assert sorted(path.name for path in tmp_path.iterdir()) == before  # no -wal, no -shm
    assert db.read_bytes() == content
    assert completion.units(context(tmp_path / "none.db"), "") == []
    assert not (tmp_path / "none.db").exists()
    (tmp_path / "text.db").write_text("not sqlite")
    assert completion.units(context(tmp_path / "text.db"), "") == []


def test_quarters_points_and_sections() -> None:
    before = messages.get_language()
    messages.set_language("zh")
    try:
        quarters = completion.quarters(context(), "2019Q2")
    finally:
        messages.set_language(before)
    assert quarters == [("2019Q2", "2019-04-01 至 2019-06-30")]
    quarters = completion.quarters(context(), "")
    assert [value for value, _ in quarters] == [
        "2019Q1",
        "2019Q2",
        "2019Q3",
        "2019Q4",
        "current",
        "previous",
    ]
    assert [value for value, _ in completion.plan_quarters(context(), "")] == [
        "2019Q1",
        "2019Q2",
        "2019Q3",
        "2019Q4",
    ]
    assert completion.point_numbers(context(), "") == [
        ("1", "院士专家工作站"),
        ("2", "学会星级评估"),
        ("3", "科普活动"),
    ]
    assert completion.section_numbers(context(), "2") == [("2", "科学普及")]
    assert completion.target_ids(context(plan=Path("missing.yaml")), "") == []


def test_the_clerk_commands_are_wired() -> None:
    command = command_tree()
    for name in ("add", "show"):
        sub = command.commands[name]  # type: ignore[attr-defined]
        target = next(p for p in sub.params if p.name == "target")
        assert target._custom_shell_complete is not None, name


def _wired(command_name: str, param_name: str) -> bool:
    command = command_tree().commands[command_name]  # type: ignore[attr-defined]
    param = next(p for p in command.params if p.name == param_name)
    return param._custom_shell_complete is not None


@pytest.mark.skipif(not _wired("record", "target"), reason="record TARGET not wired yet")
def test_record_completes_target_ids(tmp_path: Path) -> None:
    result = complete("bash", "kxplan record p1.", tmp_path, KXPLAN_PLAN=str(PLAN))
    assert result.stdout.splitlines() == ["p1.workstations", "p1.academician-home"]
