"""The one place where errors become messages and exit codes (kxplan.cli.KxplanGroup)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kxplan.cli import app

PLAN = str(Path(__file__).resolve().parent.parent / "plans" / "2019.yaml")


def _boom(*_args: object, **_kwargs: object) -> None:
    raise RuntimeError("kaboom")


def test_an_unexpected_error_is_one_line_with_exit_70(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kxplan.plan.load", _boom)
    result = CliRunner().invoke(app, ["--plan", PLAN, "--lang", "en", "plan", "show"])
    assert result.exit_code == 70
    assert result.stderr == (
        "error: unexpected internal error: RuntimeError: kaboom "
        "(please report it; KXPLAN_DEBUG=1 shows the details)\n"
    )
    assert "Traceback" not in result.output


def test_kxplan_debug_lets_the_traceback_through(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kxplan.plan.load", _boom)
    result = CliRunner().invoke(
        app, ["--plan", PLAN, "plan", "show"], env={"KXPLAN_DEBUG": "1", "KXPLAN_LANG": "en"}
    )
    assert isinstance(result.exception, RuntimeError)


def test_a_usage_error_is_one_translated_line(tmp_path: Path) -> None:
    runner = CliRunner()
    en = runner.invoke(app, ["--lang", "en", "plan", "check", "--bogus"], prog_name="kxplan")
    zh = runner.invoke(app, ["--lang", "zh", "plan", "check", "--bogus"], prog_name="kxplan")
    assert en.exit_code == zh.exit_code == 2
    assert (
        en.stderr == "kxplan plan check: no such option: --bogus (see 'kxplan plan check --help')\n"
    )
    assert (
        zh.stderr == "kxplan plan check: 没有这个选项：--bogus（参见 'kxplan plan check --help'）\n"
    )
