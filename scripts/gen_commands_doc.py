"""Write docs/commands.md from the CLI's own help (English), so the reference stays true.

Run: .venv/bin/python scripts/gen_commands_doc.py   (tests/test_help.py checks it is current)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_ARGS = list(sys.argv[1:])  # render() rewrites sys.argv for the CLI's language detection
OUT = ROOT / "docs" / "commands.md"


def render() -> str:
    """The Markdown command reference, built from the click command tree."""
    os.environ["KXPLAN_LANG"] = "en"
    sys.argv = ["kxplan", "--lang", "en"]

    from kxplan.cli import command_tree, i18n
    from kxplan.messages import set_language

    set_language("en")
    i18n.install()
    root = command_tree()
    i18n.localise_completion_options(root)
    lines = [
        "# Command reference",
        "",
        "Generated from `kxplan --help` by `scripts/gen_commands_doc.py`; do not edit by hand.",
        "Every command also has Chinese help (`kxplan --lang zh COMMAND --help`, the default for the 2019 plan).",
        "",
    ]

    def walk(command, path: list[str], parent_ctx) -> None:
        import click  # noqa: F401  (typer vendors click; the objects come from typer._click)

        ctx = command.context_class(command, info_name=path[-1], parent=parent_ctx)
        name = " ".join(path)
        lines.append(f"## `{name}`")
        lines.append("")
        lines.append((command.help or "").strip().replace("\n\n", "\n\n"))
        lines.append("")
        lines.append("```")
        lines.append(f"{name} {' '.join(command.collect_usage_pieces(ctx))}".rstrip())
        lines.append("```")
        lines.append("")
        rows = []
        for param in command.get_params(ctx):
            if param.param_type_name == "argument":
                rows.append((param.human_readable_name, getattr(param, "help", "") or ""))
            else:
                opts = ", ".join(param.opts + param.secondary_opts)
                rows.append((opts, param.help or ""))
        if rows:
            lines.append("| argument / option | meaning |")
            lines.append("| --- | --- |")
            for opts, help_text in rows:
                cell = help_text.replace("|", "\\|").replace("\n", " ")
                lines.append(f"| `{opts}` | {cell} |")
            lines.append("")
        epilog = (getattr(command, "epilog", None) or "").strip()
        if epilog:  # e.g. import's table of column names: indented lines become a code block
            lines.append(epilog.replace("\n  ", "\n    "))
            lines.append("")
        subcommands = getattr(command, "commands", {})
        for sub_name in sorted(subcommands):
            walk(subcommands[sub_name], path + [sub_name], ctx)

    walk(root, ["kxplan"], None)
    return "\n".join(lines).rstrip() + "\n"


def main() -> None:
    text = render()
    if "--check" in sys.argv[1:] or "--check" in _ARGS:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != text:
            print(f"{OUT.relative_to(ROOT)} is out of date: run python scripts/gen_commands_doc.py")
            raise SystemExit(1)
        return
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
