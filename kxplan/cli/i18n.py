"""Make typer's and click's own words speak the interface language.

typer renders help with fixed English panel titles and click raises usage errors with English
f-strings. Here the panel titles and the help option's text are set from the catalogue, and a
usage error's English message is matched against known shapes and re-worded from the
catalogue (unknown shapes keep click's English). Everything people read still comes from
``kxplan.messages``. The typer internals this touches are listed, with the tests that guard
them, in ``kxplan.cli.typer_private``.

Help bodies are ``help=t(...)`` strings evaluated when the command modules are imported, in the
language ``env.early_language`` finds from argv, the environment and the plan. That is right for
a process that runs one command, which is how kxplan runs; an embedding program that switches
language after import gets the frame in the new language around the old help text.
"""

from __future__ import annotations

import re
from typing import Any

from kxplan.cli import typer_private
from kxplan.messages import t

# click's English usage-error messages → catalogue keys (named groups become fields)
_USAGE_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"^No such option: (?P<name>\S+)(?: Did you mean (?P<hint>\S+)\?)?$"),
        "usage.no_such_option",
    ),
    (
        re.compile(r"^No such command '(?P<name>[^']*)'\.(?: Did you mean '(?P<hint>[^']*)'\?)?$"),
        "usage.no_such_command",
    ),
    (re.compile(r"^Missing argument '(?P<name>[^']*)'\.?$"), "usage.missing_argument"),
    (re.compile(r"^Missing option '(?P<name>[^']*)'\.?.*$"), "usage.missing_option"),
    (re.compile(r"^Option '(?P<name>[^']*)' requires an argument\.$"), "usage.option_needs_value"),
    (re.compile(r"^Got unexpected extra arguments? \((?P<args>.*)\)$"), "usage.extra_arguments"),
    (re.compile(r"^Invalid value for (?P<name>.+?): (?P<reason>.*)$"), "usage.invalid_value"),
)


def usage_message(message: str) -> str:
    """A click usage-error message in the interface language."""
    text = message.strip()
    for pattern, key in _USAGE_PATTERNS:
        match = pattern.match(text)
        if match:
            fields = {name: value or "" for name, value in match.groupdict().items()}
            if fields.get("hint"):
                return t(key + "_hint", **fields)
            fields.pop("hint", None)
            return t(key, **fields)
    return text


def install() -> None:
    """Point typer's usage prefix and help option text at the catalogue (before rendering help)."""
    typer_private.translate_usage_prefix(lambda: t("help.usage"))
    typer_private.translate_help_option(lambda: t("help.opt.help"))


def localise_help_render() -> None:
    """Translate typer's rich help panel titles and annotations (imports rich: help only)."""
    typer_private.set_help_labels(
        {
            "ARGUMENTS_PANEL_TITLE": t("help.panel.arguments"),
            "OPTIONS_PANEL_TITLE": t("help.panel.options"),
            "COMMANDS_PANEL_TITLE": t("help.panel.commands"),
            "DEFAULT_STRING": t("help.default"),
            "ENVVAR_STRING": t("help.envvar"),
            "REQUIRED_LONG_STRING": t("help.required"),
            "RICH_HELP": t("help.try_help"),
        }
    )


def localise_completion_options(command: Any) -> None:
    """Give typer's --install-completion / --show-completion help in the interface language."""
    for param in getattr(command, "params", []):
        if "--install-completion" in getattr(param, "opts", ()):
            param.help = t("help.opt.install_completion")
        elif "--show-completion" in getattr(param, "opts", ()):
            param.help = t("help.opt.show_completion")
