"""The message catalogue: complete in both languages, and every key the code uses exists."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from kxplan.messages import CATALOG, LANGUAGES, get_language, set_language, t

PACKAGE = Path(__file__).resolve().parents[1] / "kxplan"
SOURCES = sorted(PACKAGE.rglob("*.py"))
# t("key" / t('key' — possibly with the key on the next line
T_CALL = re.compile(r"""\bt\(\s*(["'])([A-Za-z0-9_.\-]+)\1""")
# plan.py also keeps some keys in variables before calling t(key, ...)
PV_LITERAL = re.compile(r"""(["'])(pv\.[a-z0-9_.]+)\1""")


def fields(template: str) -> set[str]:
    """The ``{field}`` names a template uses (conversions and formats ignored)."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def used_keys() -> dict[str, list[str]]:
    """Every catalogue key named literally in the package, with where it is used."""
    found: dict[str, list[str]] = {}
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        for pattern in (T_CALL, PV_LITERAL):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                where = f"{path.relative_to(PACKAGE.parent)}:{line}"
                found.setdefault(match.group(2), []).append(where)
    return found


@pytest.fixture(autouse=True)
def keep_language():
    before = get_language()
    yield
    set_language(before)


@pytest.mark.parametrize("key", sorted(CATALOG))
def test_entry_has_both_languages_with_the_same_fields(key: str) -> None:
    entry = CATALOG[key]
    assert isinstance(entry, tuple) and len(entry) == len(LANGUAGES) == 2
    english, chinese = entry
    assert english.strip(), f"{key}: English text is empty"
    assert chinese.strip(), f"{key}: Chinese text is empty"
    # fields() parses each template, so a stray brace fails here too
    assert fields(english) == fields(chinese), f"{key}: placeholders differ"


def test_every_key_used_in_the_code_exists() -> None:
    used = used_keys()
    assert len(used) >= 40  # the scan itself works
    missing = {key: places for key, places in used.items() if key not in CATALOG}
    assert not missing, f"keys used but not in kxplan/messages.py: {missing}"


def test_every_plan_validation_message_is_used() -> None:
    used = used_keys()
    unused = sorted(key for key in CATALOG if key.startswith("pv.") and key not in used)
    assert not unused, f"pv.* keys nobody uses: {unused}"


def test_t_follows_the_language() -> None:
    set_language("en")
    assert t("pv.lang", value="fr") == "lang must be zh or en, not 'fr'"
    set_language("zh")
    assert t("pv.lang", value="fr") == "lang 必须是 zh 或 en，而不是 'fr'"
    assert t("error.prefix") == "错误"
    with pytest.raises(ValueError):
        set_language("fr")


# Keys looked up by a computed name: f"status.{key}", f"show.kind.{kind}",
# f"entry.amount_not_for_{kind}", f"plan.unit_kind.{kind}", labels["colour_" ~ colour] in the
# report templates,
# key + "_hint" (cli/i18n.py), and report labels, which the
# templates read as labels.<key without "report.", dots as underscores>.
DYNAMIC_FAMILIES = (
    "status.",
    "show.kind.",
    "entry.amount_not_for_",
    "report.colour_",
    "plan.unit_kind.",
)


def test_every_key_is_used_somewhere() -> None:
    """No dead catalogue entries: each key is named in the code, a template, or a known family."""
    sources = [p for p in PACKAGE.rglob("*") if p.suffix in (".py", ".j2")]
    code = "".join(p.read_text(encoding="utf-8") for p in sources if p.name != "messages.py")
    templates = "".join(p.read_text(encoding="utf-8") for p in PACKAGE.rglob("*.j2"))

    def used(key: str) -> bool:
        if f'"{key}"' in code or f"'{key}'" in code:
            return True
        if key.startswith(DYNAMIC_FAMILIES):
            return True
        if key.endswith("_hint") and key.startswith("usage."):
            return key.removesuffix("_hint") in CATALOG
        if key.startswith("report."):
            return f"labels.{key.removeprefix('report.').replace('.', '_')}" in templates
        return False

    unused = sorted(key for key in CATALOG if not used(key))
    assert not unused, f"catalogue keys nobody uses: {unused}"


def test_the_catalogue_is_grouped_by_prefix_sorted_and_has_no_key_twice() -> None:
    """Keys in source order: sorted (so grouped by prefix), each once (see kxplan.messages)."""
    import ast
    import itertools

    source = (PACKAGE / "messages.py").read_text(encoding="utf-8")
    catalog = next(
        node.value
        for node in ast.parse(source).body
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", None) == "CATALOG"
    )
    assert isinstance(catalog, ast.Dict)
    keys = [key.value for key in catalog.keys if isinstance(key, ast.Constant)]
    assert len(keys) == len(CATALOG), "a key is written twice"
    misplaced = [pair for pair in itertools.pairwise(keys) if pair[0] > pair[1]]
    assert not misplaced, f"keys out of order (first: {misplaced[0]})"
