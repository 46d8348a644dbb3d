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


def _fresh(code: str) -> str:
    import os
    import subprocess
    import sys

    env = {**os.environ, "NO_COLOR": "1", "KXPLAN_LANG": "en"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stderr.rsplit("LOADED", 1)[1].strip()


def test_help_loads_no_markdown_or_traceback() -> None:
    """``--help`` draws typer's rich panels without rich.markdown (markdown-it, pygments) or
    rich.traceback (``typer_private.import_rich_utils``), and without the store's interface or
    the text rules (``kxplan.store`` and ``kxplan.cli.output`` load them on first use)."""
    watch = ("rich.markdown", "rich.traceback", "markdown_it", "pygments", "kxplan.store.interface")
    watch += ("kxplan.text", "sqlite3")
    code = (
        "import sys; sys.argv[1:] = ['--help']\n"
        "from kxplan.__main__ import main\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code\n"
        f"print('LOADED', *sorted(m for m in {watch!r} if m in sys.modules), file=sys.stderr)\n"
    )
    assert _fresh(code) == ""


def test_the_stand_ins_hand_over_to_rich() -> None:
    """What rich_utils holds instead of Markdown and Traceback becomes the real thing on use,
    and a later ``import rich.markdown`` is the real module."""
    code = (
        "import sys\n"
        "from kxplan.cli.typer_private import import_rich_utils\n"
        "rich_utils = import_rich_utils()\n"
        "assert 'rich.markdown' not in sys.modules\n"
        "md = rich_utils.Markdown('# x')\n"
        "import rich.markdown, rich.traceback\n"
        "assert type(md) is rich.markdown.Markdown, type(md)\n"
        "assert isinstance(md, rich_utils.Markdown)\n"
        "assert rich_utils.Traceback.from_exception == rich.traceback.Traceback.from_exception\n"
        "assert import_rich_utils() is rich_utils\n"
        "print('LOADED', 'ok', file=sys.stderr)\n"
    )
    assert _fresh(code) == "ok"
