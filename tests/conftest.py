"""Shared fixtures: the small test plan, temporary databases, and a CLI runner for entries."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from kxplan import messages

DATA = Path(__file__).parent / "data"
SMALL_PLAN = DATA / "plans" / "small.yaml"
ENTRY_ENV: dict[str, str | None] = {
    "KXPLAN_TODAY": "2019-05-10",
    "KXPLAN_PLAN": None,
    "KXPLAN_DB": None,
    "KXPLAN_LANG": None,
    "KXPLAN_BY": None,
    "LOGNAME": "clerk",
    "USER": "clerk",
    "NO_COLOR": None,
    "COLUMNS": None,
    "TERM": None,
}


@pytest.fixture
def keep_language() -> Iterator[None]:
    """Restore the message language after a test that changes it."""
    before = messages.get_language()
    yield
    messages.set_language(before)


@pytest.fixture
def small_plan() -> Any:
    """The small test plan: two count targets (one renamed), a milestone, an activity."""
    from kxplan.plan import load

    return load(SMALL_PLAN)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A database path in a temporary directory (not created yet)."""
    return tmp_path / "kxplan.db"


@pytest.fixture
def kx(db: Path, keep_language: None) -> Callable[..., Any]:
    """Run ``kxplan --plan small.yaml --db DB ARGS…`` with a fixed clock and user."""

    def run(*args: str, plan: Path = SMALL_PLAN, database: Path | None = None, **env: str | None):
        return CliRunner().invoke(
            app(),
            ["--plan", str(plan), "--db", str(database or db), *args],
            env={**ENTRY_ENV, **env},
            catch_exceptions=False,
        )

    return run


def app() -> Any:
    from kxplan.cli import app as root

    return root


def file_digest(path: Path) -> str | None:
    """The sha256 of a file's bytes, or None when it does not exist."""
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
