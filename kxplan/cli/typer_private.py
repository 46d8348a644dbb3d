"""Every use kxplan makes of typer's private or undocumented API, in one place.

typer is pinned to ``>=0.28,<0.29`` (pyproject.toml). 0.29 converts parameters through
pydantic (~80 ms more start-up), and each use below reaches into typer's (or its vendored
click's) internals, which a typer release may rename without notice. Before raising the pin,
run the tests named here; each fails loudly if the use stopped working.

=====================================  ===========================================  =====================================
use                                    why                                          test that breaks when typer changes
=====================================  ===========================================  =====================================
``typer._click.exceptions.             ``KxplanGroup.main`` turns click's usage     tests/test_cli_errors.py::
ClickException`` (``ClickException``   errors into one translated line, exit 2      test_a_usage_error_is_one_translated_line,
below)                                 (typer 0.28 vendors click as ``_click``)     tests/test_plan_cli.py::test_usage_errors_exit_2
``NoArgsIsHelpError`` matched by its   bare ``kxplan``/``kxplan plan`` print help   tests/test_plan_cli.py::test_usage_errors_exit_2,
class name (``is_no_args_help``)       and exit 2, not "error: ..."                 docs/commands.md generation (test_help)
``typer._click.formatting.             the "Usage:" prefix of help in the           tests/test_help.py::
HelpFormatter.write_usage`` patched    interface language (用法：)                  test_help_frame_follows_the_language
``TyperCommand/TyperGroup.             the ``--help`` option's own help text        tests/test_help.py::
get_help_option`` patched              translated (显示此帮助并退出。)              test_help_frame_follows_the_language
``typer.rich_utils`` panel-title and   help panels (参数, 选项, 命令), "default",   tests/test_help.py::
label constants set                    "env var", "required" translated             test_help_frame_follows_the_language
``typer.rich_utils`` imported with     ``--help`` without markdown-it and pygments  tests/test_help.py::
``rich.markdown``/``rich.traceback``   (~30 ms): kxplan's help is never Markdown    test_help_loads_no_markdown_or_traceback
stood in (``import_rich_utils``)       and tracebacks are never rich
``typer._completion_classes.           completion help (a target's title) printed   tests/test_completion.py::
_sanitize_help_text`` replaced         as plain text: typer's version imports rich  test_completion_does_not_import_rich,
                                       (~100 ms on every TAB in zsh and fish)       test_zsh_shows_titles_as_descriptions
``typer.main.get_command_from_info``,  the lazy command tree: ``KxplanGroup``       tests/test_status_cli.py::
``get_group_from_info`` and the app's  builds only the invoked command from the     test_record_loads_only_its_own_command_module,
``registered_commands/groups``         app's registrations (``build_command``)      tests/test_help.py (every command's --help)
click's English usage-error wording    re-worded from the catalogue                 tests/test_cli_errors.py::
(``i18n._USAGE_PATTERNS``)             (``i18n.usage_message``)                     test_a_usage_error_is_one_translated_line,
                                                                                    tests/data/corpus/cli/record-missing-target.yaml
=====================================  ===========================================  =====================================

Every patch is idempotent and applied when the program starts (``KxplanGroup.main``) or when a
completion callback runs; nothing else in kxplan imports a private typer module.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from typer._click.exceptions import ClickException
from typer.core import TyperCommand, TyperGroup

__all__ = [
    "ClickException",
    "build_command",
    "import_rich_utils",
    "is_no_args_help",
    "plain_completion_help",
    "set_help_labels",
    "translate_help_option",
    "translate_usage_prefix",
]


def is_no_args_help(exc: BaseException) -> bool:
    """Whether click raised "no arguments: show the help" (it then printed the help already)."""
    return type(exc).__name__ == "NoArgsIsHelpError"


def translate_usage_prefix(usage: Callable[[], str]) -> None:
    """Make help's "Usage: " prefix ``usage()`` (read when help is rendered)."""
    from typer._click.formatting import HelpFormatter

    if getattr(HelpFormatter.write_usage, "_kxplan", False):
        return
    original = HelpFormatter.write_usage

    def write_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        original(self, prog, args, usage() if prefix is None else prefix)

    write_usage._kxplan = True  # type: ignore[attr-defined]
    HelpFormatter.write_usage = write_usage  # type: ignore[method-assign]


def translate_help_option(text: Callable[[], str]) -> None:
    """Give every command's ``--help`` option the help ``text()`` (read when help is rendered)."""
    for cls in (TyperCommand, TyperGroup):
        if not getattr(cls.get_help_option, "_kxplan", False):
            cls.get_help_option = _with_help_text(cls.get_help_option, text)  # type: ignore[method-assign]


def _with_help_text(original: Callable[..., Any], text: Callable[[], str]) -> Callable[..., Any]:
    def get_help_option(self: Any, ctx: Any) -> Any:
        option = original(self, ctx)
        if option is not None:
            option.help = text()
        return option

    get_help_option._kxplan = True  # type: ignore[attr-defined]
    return get_help_option


def set_help_labels(labels: dict[str, str]) -> None:
    """Set typer's rich help labels (``ARGUMENTS_PANEL_TITLE`` …) by name; imports rich."""
    rich_utils = import_rich_utils()
    for name, value in labels.items():
        if not hasattr(rich_utils, name):  # a typer without it: its English label stays
            continue
        setattr(rich_utils, name, value)


#: What ``typer.rich_utils`` imports at its top but kxplan's help never uses: Markdown (only
#: for ``rich_markup_mode="markdown"``; kxplan's is "rich") and Traceback (only for pretty
#: exceptions, which kxplan turns off). With pygments and markdown-it they cost ~30 ms of
#: every ``--help``.
_UNUSED_BY_HELP = {"rich.markdown": ("Markdown",), "rich.traceback": ("Traceback",)}


def import_rich_utils() -> Any:
    """``typer.rich_utils``, imported without loading ``rich.markdown`` and ``rich.traceback``.

    While it is imported, those two modules are stand-ins whose classes load the real module
    when used (so nothing changes if typer ever does use them); the stand-ins are removed
    from ``sys.modules`` straight after, so any later import gets the real modules.
    """
    import sys

    if "typer.rich_utils" in sys.modules:
        return sys.modules["typer.rich_utils"]
    import types

    stood_in = []
    for module_name, names in _UNUSED_BY_HELP.items():
        if module_name in sys.modules:
            continue
        stand_in = types.ModuleType(module_name)
        for name in names:
            setattr(stand_in, name, _on_first_use(module_name, name))
        sys.modules[module_name] = stand_in
        stood_in.append((module_name, stand_in))
    try:
        from typer import rich_utils
    finally:
        for module_name, stand_in in stood_in:
            if sys.modules.get(module_name) is stand_in:
                del sys.modules[module_name]
    return rich_utils


def _on_first_use(module_name: str, name: str) -> type:
    """A class standing in for ``module_name.name``: creating one, or any class attribute
    (``Traceback.from_exception``), imports the real class and hands over to it."""

    def real() -> Any:
        import importlib

        return getattr(importlib.import_module(module_name), name)

    class Meta(type):
        def __getattr__(cls, attribute: str) -> Any:
            return getattr(real(), attribute)

        def __call__(cls, *args: Any, **kwargs: Any) -> Any:
            return real()(*args, **kwargs)

        def __instancecheck__(cls, instance: Any) -> bool:
            return isinstance(instance, real())

    return Meta(name, (), {"__module__": module_name})


def plain_completion_help() -> None:
    """Print completion help as the plain text it is, without importing rich.

    typer passes each item's help through rich to strip markup, and importing rich costs
    ~100 ms on every TAB in zsh and fish; titles hold no markup (and a "[…]" in one is text).
    """
    try:
        from typer import _completion_classes
    except ImportError:  # pragma: no cover - a typer without it has nothing to patch
        return
    _completion_classes._sanitize_help_text = _same


def _same(text: str) -> str:
    return text


def build_command(app: Any, name: str) -> Any:
    """The click command (or group) ``name`` registered on the typer ``app``, built alone.

    typer's ``get_command(app)`` builds every registered command's parameters; the lazy command
    tree builds only the one invoked, with the app's settings.
    """
    import typer.main

    for group in app.registered_groups:
        if group.name == name:
            return typer.main.get_group_from_info(
                group,
                pretty_exceptions_short=app.pretty_exceptions_short,
                rich_markup_mode=app.rich_markup_mode,
                suggest_commands=app.suggest_commands,
            )
    info = next(info for info in app.registered_commands if info.name == name)
    return typer.main.get_command_from_info(
        info,
        pretty_exceptions_short=app.pretty_exceptions_short,
        rich_markup_mode=app.rich_markup_mode,
    )
