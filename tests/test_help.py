"""Every command and sub-command has help text, and ``--help`` works for each.

The command tree is walked from the typer app, so commands added later are checked too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from typer.testing import CliRunner

from kxplan.cli import COMMANDS as REGISTRY
from kxplan.cli import app, command_tree
from kxplan.messages import get_language, set_language


def walk(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every (path, command) in the tree, the root first, sub-commands sorted by name."""
    yield path, command
    if hasattr(command, "list_commands"):
        context = command.context_class(command)
        for name in sorted(command.list_commands(context)):
            yield from walk(command.get_command(context, name), (*path, name))


COMMANDS = list(walk(command_tree()))
IDS = [" ".join(path) or "kxplan" for path, _ in COMMANDS]


@pytest.fixture(autouse=True)
def keep_language():
    before = get_language()
    yield
    set_language(before)


def test_the_tree_has_the_plan_commands() -> None:
    paths = {path for path, _ in COMMANDS}
    assert {(), ("plan",), ("plan", "check"), ("plan", "show")} <= paths


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=IDS)
def test_command_has_help_text(path: tuple[str, ...], command: Any) -> None:
    assert (command.help or "").strip(), f"kxplan {' '.join(path)} has no help text"


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=IDS)
def test_help_option_exits_0(path: tuple[str, ...], command: Any) -> None:
    result = CliRunner().invoke(app, [*path, "--help"], env={"KXPLAN_LANG": "en"})
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.stdout
    # the help's opening words appear (rich may wrap lines, so compare without whitespace)
    opening = "".join((command.help or "").split())[:10]
    assert opening in "".join(result.stdout.split())


def test_command_reference_in_docs_is_current():
    """docs/commands.md is generated from --help; it must match the commands as they are."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, str(root / "scripts" / "gen_commands_doc.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=root,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_help_frame_follows_the_language():
    """typer's own words (usage, panel titles, the help option) are translated too."""
    import subprocess
    import sys
    from pathlib import Path

    kxplan = Path(sys.executable).parent / "kxplan"
    env_base = {"PATH": "/usr/bin:/bin", "COLUMNS": "100"}
    zh = subprocess.run(
        [str(kxplan), "--lang", "zh", "record", "--help"],
        capture_output=True,
        text=True,
        env=env_base,
    )
    en = subprocess.run(
        [str(kxplan), "--lang", "en", "record", "--help"],
        capture_output=True,
        text=True,
        env=env_base,
    )
    assert zh.returncode == 0 and en.returncode == 0
    for word in ("用法：", "参数", "选项", "显示此帮助并退出。"):
        assert word in zh.stdout
    for word in ("Usage: ", "Arguments", "Options", "Show this message and exit."):
        assert word in en.stdout


def test_a_group_alone_shows_its_help_in_the_language():
    """`kxplan plan` (no --help on the line) draws its help panels in the interface language."""
    import subprocess
    import sys
    from pathlib import Path

    kxplan = Path(sys.executable).parent / "kxplan"
    env = {"PATH": "/usr/bin:/bin", "COLUMNS": "100"}
    zh = subprocess.run(
        [str(kxplan), "--lang", "zh", "plan"], capture_output=True, text=True, env=env
    )
    assert "─ 选项 ─" in zh.stdout and "─ 命令 ─" in zh.stdout, zh.stdout
    assert "Options" not in zh.stdout and "Commands" not in zh.stdout


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=IDS)
def test_command_help_has_an_example(path: tuple[str, ...], command: Any) -> None:
    """Issue 9: every command's help ends with an example a clerk can copy."""
    help_text = command.help or ""
    assert "Example:" in help_text or "示例：" in help_text, f"kxplan {' '.join(path)}"


_SAME_HELP_PROBE = """\
import sys
from kxplan.messages import set_language, t
set_language(sys.argv[1])
from kxplan.cli import COMMANDS, command_tree
root = command_tree()
assert list(root.commands) == [*COMMANDS], (list(root.commands), [*COMMANDS])
for name in COMMANDS:
    assert root.commands[name].help == t("help." + name), name
print("ok")
"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_lazy_listing_shows_each_commands_own_help(lang: str) -> None:
    """`kxplan --help` lists commands without loading them, from ``t("help.<name>")``: that
    must be the help each command declares, and ``COMMANDS`` must hold every command in order."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", _SAME_HELP_PROBE, lang], capture_output=True, text=True, check=False
    )
    assert result.stdout == "ok\n", result.stderr


def test_kxplan_help_lists_the_commands_in_order() -> None:
    listed = CliRunner().invoke(app, ["--help"], env={"KXPLAN_LANG": "en", "COLUMNS": "200"})
    assert listed.exit_code == 0, listed.output
    rows = [line.split() for line in listed.stdout.splitlines() if line.startswith("│ ")]
    assert [row[1] for row in rows if row[1] in REGISTRY] == list(REGISTRY)
