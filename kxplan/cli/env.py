"""The command environment: resolved options, the clock, and output streams (httpie-style).

Tests replace the clock with ``KXPLAN_TODAY=YYYY-MM-DD``; everything else reads ``Env``.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kxplan.errors import UsageError
from kxplan.messages import LANGUAGES, language_from_locale, set_language, t

if TYPE_CHECKING:
    from kxplan.plan import Plan
    from kxplan.store.location import ServerLocation

_LANG_RE = re.compile(rb"^lang:\s*['\"]?(zh|en)['\"]?\s*(?:#.*)?$", re.MULTILINE)


def today_from(environ: dict[str, str] | os._Environ) -> date:
    """Today's date, or ``KXPLAN_TODAY`` when set (for tests and reproducible runs)."""
    fixed = environ.get("KXPLAN_TODAY")
    if fixed:
        try:
            return date.fromisoformat(fixed)
        except ValueError:
            raise UsageError(t("env.bad_today", value=fixed)) from None
    return date.today()


def _plan_path_guess(argv: list[str], environ: Any) -> Path | None:
    for index, arg in enumerate(argv):
        if arg == "--plan" and index + 1 < len(argv):
            return Path(argv[index + 1])
        if arg.startswith("--plan="):
            return Path(arg.split("=", 1)[1])
    if environ.get("KXPLAN_PLAN"):
        return Path(environ["KXPLAN_PLAN"])
    plans = Path("plans")
    try:
        candidates = sorted(plans.glob("*.yaml"))
    except OSError:
        return None
    if len(candidates) == 1:
        return candidates[0]
    try:
        year = today_from(environ).year
    except Exception:  # noqa: BLE001 - a bad KXPLAN_TODAY is reported later, by the command
        year = date.today().year
    this_year = plans / f"{year}.yaml"
    return this_year if this_year in candidates else None


def plan_language(path: Path | None) -> str | None:
    """The ``lang:`` a plan file declares, read cheaply without parsing the YAML."""
    if path is None:
        return None
    try:
        with open(path, "rb") as handle:
            match = _LANG_RE.search(handle.read(65536))
    except OSError:
        return None
    return match.group(1).decode() if match else None


def early_language(argv: list[str], environ: Any) -> str:
    """The interface language before the command line is parsed (for help texts).

    Order: ``--lang`` / ``KXPLAN_LANG``, the plan's ``lang``, the locale, English.
    """
    for index, arg in enumerate(argv):
        value = None
        if arg == "--lang" and index + 1 < len(argv):
            value = argv[index + 1]
        elif arg.startswith("--lang="):
            value = arg.split("=", 1)[1]
        if value in LANGUAGES:
            return value
    if environ.get("KXPLAN_LANG") in LANGUAGES:
        return environ["KXPLAN_LANG"]
    return plan_language(_plan_path_guess(argv, environ)) or language_from_locale(environ) or "en"


@dataclass
class Env:
    """Everything a command needs from outside: options, clock, streams."""

    plan_option: Path | None
    db_path: Path | ServerLocation
    """The database: an SQLite file, or a PostgreSQL server (its text hides the password)."""
    lang: str | None
    today: date
    cwd: Path
    _plan: Plan | None = field(default=None, repr=False)

    @classmethod
    def create(
        cls, plan_option: Path | None, db_path: Path | ServerLocation, lang: str | None
    ) -> Env:
        """Resolve the global options and apply the language rule."""
        if lang is not None and lang not in LANGUAGES:
            raise UsageError(t("lang.invalid", lang=lang))
        env = cls(
            plan_option=plan_option,
            db_path=db_path,
            lang=lang,
            today=today_from(os.environ),
            cwd=Path.cwd(),
        )
        from kxplan.paths import check_database

        check_database(db_path, plan=env.plan_path_or_none())
        guessed = None
        if lang is None:
            try:
                guessed = plan_language(env.plan_path())
            except Exception:  # noqa: BLE001 - no plan yet is fine here; commands will say so
                guessed = None
        env.use_language(plan=guessed)
        return env

    def use_language(self, *, plan: str | None = None, chosen: str | None = None) -> str:
        """Speak the interface language and return it: the one rule, applied in one place.

        ``chosen`` (a command's own ``--lang``, as ``report --lang``), else ``--lang`` /
        ``KXPLAN_LANG``, else the ``plan``'s language, else the locale, else English.
        """
        lang = chosen or self.lang or plan or language_from_locale() or "en"
        set_language(lang)
        return lang

    def plan_path(self) -> Path:
        """The plan file: ``--plan``, else the default discovery rule."""
        if self.plan_option is not None:
            return self.plan_option
        from kxplan.plan import find_default

        return find_default(self.cwd, self.today.year)

    def plan_path_or_none(self) -> Path | None:
        """The plan file when one can be found, else None (for checks that only protect it)."""
        try:
            return self.plan_path()
        except Exception:  # noqa: BLE001 - no plan yet: nothing to protect
            return None

    def plan(self) -> Plan:
        """The loaded, validated plan (cached)."""
        if self._plan is None:
            from kxplan.plan import load

            self._plan = load(self.plan_path())
            self.use_language(plan=self._plan.lang)
        return self._plan

    @staticmethod
    def is_terminal(stream: Any = None) -> bool:
        """Whether the stream (stdout by default) is an interactive terminal."""
        stream = stream or sys.stdout
        try:
            return stream.isatty()
        except (AttributeError, ValueError):
            return False


def console(stderr: bool = False) -> Any:
    """A rich Console: colour only on a terminal and never with NO_COLOR; ``term.output_width``."""
    from rich.console import Console

    from kxplan.cli.term import output_width

    stream = sys.stderr if stderr else sys.stdout
    terminal = Env.is_terminal(stream)
    plain = not terminal or bool(os.environ.get("NO_COLOR")) or os.environ.get("TERM") == "dumb"
    return Console(
        file=stream,
        force_terminal=terminal,
        color_system=None if plain else "auto",
        no_color=plain,
        highlight=False,
        emoji=False,
        soft_wrap=False,
        width=output_width(stream),
    )
