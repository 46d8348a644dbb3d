"""The compiled-template cache: used when safe, never stale, never a reason for a report to fail."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kxplan import report, template_cache


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home


def entries(home: Path) -> list[Path]:
    return sorted(home.glob("kxplan/templates-*/*.jinja"))


def render(templates: Path, name: str = "report.md.j2") -> str:
    return report.environment(templates).get_template(name).render(title="标题", rows=[1, 2])


@pytest.fixture
def mine(tmp_path: Path) -> Path:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "report.md.j2").write_text(
        "# {{ title }}\n{% for row in rows %}\n- {{ row }}\n{% endfor %}\n", encoding="utf-8"
    )
    return folder


def test_a_compiled_template_is_cached_in_a_private_folder_and_reused(
    cache_home: Path, mine: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = render(mine)
    assert first == "# 标题\n- 1\n- 2\n"
    [entry] = entries(cache_home)
    assert os.stat(entry.parent).st_mode & 0o777 == 0o700
    import jinja2

    compiled = []

    real = jinja2.Environment.compile

    def counting(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        compiled.append(args)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    assert render(mine) == first
    assert compiled == []  # loaded from the cache, not compiled again


def test_an_edited_template_is_never_served_stale(cache_home: Path, mine: Path) -> None:
    assert render(mine).startswith("# 标题")
    (mine / "report.md.j2").write_text("## {{ title }}!\n", encoding="utf-8")
    assert render(mine) == "## 标题!\n"
    assert len(entries(cache_home)) == 1  # the entry was replaced, atomically


def test_other_environment_options_use_another_folder(cache_home: Path) -> None:
    one = template_cache.bytecode_cache({"trim_blocks": True})
    two = template_cache.bytecode_cache({"trim_blocks": False})
    assert one is not None and two is not None
    assert one.directory != two.directory  # type: ignore[attr-defined]


@pytest.mark.parametrize("damage", ["world-writable", "symlink"])
def test_a_folder_others_could_write_is_not_used(
    cache_home: Path, mine: Path, tmp_path: Path, damage: str
) -> None:
    if damage == "world-writable":
        (cache_home / "kxplan").mkdir(parents=True)
        os.chmod(cache_home / "kxplan", 0o777)
    else:
        elsewhere = tmp_path / "elsewhere"
        elsewhere.mkdir()
        cache_home.mkdir()
        (cache_home / "kxplan").symlink_to(elsewhere)
    assert template_cache.bytecode_cache({}) is None
    assert render(mine) == "# 标题\n- 1\n- 2\n"
    assert entries(cache_home) == []


def test_a_cache_that_cannot_be_created_changes_nothing(
    tmp_path: Path, mine: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert template_cache.bytecode_cache({}) is None
    assert render(mine) == "# 标题\n- 1\n- 2\n"


def test_a_damaged_entry_is_compiled_again(cache_home: Path, mine: Path) -> None:
    render(mine)
    [entry] = entries(cache_home)
    for garbage in (b"", b"j2\x00garbage", entry.read_bytes()[:40]):
        entry.write_bytes(garbage)
        assert render(mine) == "# 标题\n- 1\n- 2\n"


def test_no_home_means_no_cache(mine: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.delenv("HOME")
    assert template_cache.bytecode_cache({}) is None
    assert render(mine).startswith("# 标题")


def test_the_cache_folder_is_the_same_in_every_process(cache_home: Path) -> None:
    """The folder's key must not depend on memory addresses (``repr`` of a code object):
    otherwise each run starts a fresh folder and nothing is ever reused."""
    import subprocess
    import sys

    probe = (
        "from kxplan import report; "
        "print(report.environment().bytecode_cache.directory)"  # type: ignore[union-attr]
    )
    folders = {
        subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, check=True
        ).stdout
        for _ in range(2)
    }
    assert len(folders) == 1
    assert sorted(p.name for p in (cache_home / "kxplan").iterdir()) == [
        Path(folders.pop().strip()).name
    ]


def test_a_function_option_is_keyed_by_the_code_of_its_nested_functions_too() -> None:
    def one() -> object:
        return lambda: 1

    def two() -> object:
        return lambda: 2

    two.__qualname__ = one.__qualname__
    assert template_cache.options_key(one) != template_cache.options_key(two)


SUFFIXES = (".md.j2",)


def test_a_function_option_is_keyed_by_the_constants_it_reads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``autoescape_for`` decides at compile time from a module constant: a changed constant
    must mean another cache folder, though the function's code is the same."""

    def escaped(name: str) -> bool:
        return not name.endswith(SUFFIXES)

    before = template_cache.options_key(escaped)
    monkeypatch.setitem(globals(), "SUFFIXES", (".md.j2", ".txt.j2"))
    assert template_cache.options_key(escaped) != before
    monkeypatch.setitem(globals(), "SUFFIXES", (".md.j2",))
    assert template_cache.options_key(escaped) == before
