"""The validated-plan cache (kxplan/plan_cache.py): same Plan, never stale, never trusted blindly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kxplan import messages, plan_cache
from kxplan.errors import PlanError
from kxplan.plan import check, load, parse

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
VALID_PLANS = [
    ROOT / "plans" / "2019.yaml",
    DATA / "plans" / "small.yaml",
    DATA / "status" / "small.yaml",
    DATA / "status" / "zh.yaml",
    DATA / "report" / "plan.yaml",
    DATA / "units" / "plan.yaml",
    *sorted((DATA / "plans" / "good").glob("*.yaml")),
]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh cache home for the test; the plans folder inside it."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / "kxplan" / "plans"


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def copy_plan(source: Path, tmp_path: Path) -> Path:
    target = tmp_path / "plan.yaml"
    target.write_bytes(source.read_bytes())
    return target


@pytest.mark.parametrize("source", VALID_PLANS, ids=lambda path: path.name)
def test_a_kept_plan_is_the_parsed_plan(source: Path, cache: Path) -> None:
    parsed, problems = parse(source.read_bytes(), str(source))
    assert problems == [] and parsed is not None
    first = load(source)  # parsed, then kept
    assert len(entries(cache)) == 1
    assert plan_cache.lookup(source.read_bytes(), str(source)) == parsed
    second = load(source)  # from the cache
    assert second == first == parsed
    for field in ("path", "digest", "on_track", "behind", "units", "sections"):
        assert getattr(second, field) == getattr(parsed, field)
    assert [repr(target) for target in second.targets()] == [
        repr(target) for target in parsed.targets()
    ]  # Decimal exponents and line numbers included
    assert second.target(parsed.targets()[0].id) == parsed.targets()[0]


def test_the_plan_model_does_not_depend_on_the_language(keep_language: None) -> None:
    data = (ROOT / "plans" / "2019.yaml").read_bytes()
    messages.set_language("en")
    english = parse(data, "p.yaml")
    messages.set_language("zh")
    assert parse(data, "p.yaml") == english


def test_a_kept_plan_takes_the_name_it_is_read_by(cache: Path, tmp_path: Path) -> None:
    plan = copy_plan(ROOT / "plans" / "2019.yaml", tmp_path)
    load(plan)
    other = tmp_path / "elsewhere.yaml"
    other.write_bytes(plan.read_bytes())
    assert load(other).path == str(other)
    assert len(entries(cache)) == 1  # same bytes, same entry


def test_an_edited_plan_is_parsed_again(cache: Path, tmp_path: Path) -> None:
    plan = copy_plan(DATA / "status" / "small.yaml", tmp_path)
    before = load(plan)
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace(f"title: {before.title}", "title: Edited"), encoding="utf-8")
    after = load(plan)
    assert after.title == "Edited" and before.title != "Edited"
    assert after.digest != before.digest
    assert len(entries(cache)) == 2


def test_an_invalid_plan_is_never_kept_and_reports_the_same_problems(
    cache: Path, tmp_path: Path
) -> None:
    plan = copy_plan(DATA / "status" / "small.yaml", tmp_path)
    plan.write_text(plan.read_text(encoding="utf-8") + "bogus: 1\n", encoding="utf-8")
    first = check(plan)
    assert first[0] is None and first[1]
    assert check(plan) == first
    with pytest.raises(PlanError):
        load(plan)
    assert entries(cache) == []


def _entry(cache: Path) -> tuple[Path, dict, bytes]:
    (path,) = entries(cache)
    header, _, payload = path.read_bytes().partition(b"\n")
    return path, json.loads(header), payload


def _rewrite(path: Path, header: dict, payload: bytes) -> None:
    path.write_bytes(json.dumps(header).encode() + b"\n" + payload)


def _sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(
    "damage",
    ["truncated", "empty", "not json", "payload edited", "wrong type", "foreign", "schema"],
)
def test_a_damaged_or_foreign_entry_is_ignored(cache: Path, tmp_path: Path, damage: str) -> None:
    plan = copy_plan(DATA / "status" / "small.yaml", tmp_path)
    expected = load(plan)
    path, header, payload = _entry(cache)
    if damage == "truncated":
        path.write_bytes(path.read_bytes()[:-40])
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "not json":
        path.write_bytes(b"\x00\xff garbage\n{")
    elif damage == "payload edited":  # the check no longer matches
        _rewrite(path, header, payload.replace(expected.title.encode(), b"Forged"))
    elif damage == "wrong type":  # the check recomputed, but a goal that is not text
        data = json.loads(payload)
        data["year"] = "2019"
        forged = json.dumps(data).encode()
        _rewrite(path, {**header, "check": _sha(forged)}, forged)
    elif damage == "foreign":  # another plan's entry put under this plan's name
        other = copy_plan(ROOT / "plans" / "2019.yaml", tmp_path / "..")
        load(other)
        (foreign,) = [entry for entry in entries(cache) if entry != path]
        path.write_bytes(foreign.read_bytes())
    elif damage == "schema":
        _rewrite(path, {**header, "schema": plan_cache.SCHEMA + 1}, payload)
    assert plan_cache.lookup(plan.read_bytes(), str(plan)) is None
    assert load(plan) == expected


def test_an_entry_that_is_a_link_is_not_followed(cache: Path, tmp_path: Path) -> None:
    plan = copy_plan(DATA / "status" / "small.yaml", tmp_path)
    load(plan)
    (path,) = entries(cache)
    real = tmp_path / "real.json"
    real.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(real)
    assert plan_cache.lookup(plan.read_bytes(), str(plan)) is None


@pytest.mark.parametrize("problem", ["a file", "group-writable", "a link"])
def test_a_cache_folder_that_is_not_private_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, problem: str
) -> None:
    home = tmp_path / "xdg"
    home.mkdir()
    if problem == "a file":
        (home / "kxplan").write_text("not a folder")
    elif problem == "group-writable":
        (home / "kxplan" / "plans").mkdir(parents=True)
        os.chmod(home / "kxplan", 0o770)
    elif problem == "a link":
        (tmp_path / "elsewhere").mkdir()
        (home / "kxplan").symlink_to(tmp_path / "elsewhere")
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    plan = copy_plan(DATA / "status" / "small.yaml", tmp_path)
    expected, _ = parse(plan.read_bytes(), str(plan))
    assert load(plan) == expected  # works, without the cache
    assert load(plan) == expected
    if problem == "a link":
        assert list((tmp_path / "elsewhere").iterdir()) == []  # nothing made through the link
    if problem == "group-writable":
        assert entries(home / "kxplan" / "plans") == []


def test_no_home_no_cache_still_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.delenv("HOME", raising=False)
    plan = copy_plan(DATA / "status" / "small.yaml", tmp_path)
    assert load(plan).title


def test_a_new_folder_is_private(cache: Path, tmp_path: Path) -> None:
    load(copy_plan(DATA / "status" / "small.yaml", tmp_path))
    assert cache.stat().st_mode & 0o777 == 0o700
    assert cache.parent.stat().st_mode & 0o777 == 0o700
    assert entries(cache)[0].stat().st_mode & 0o777 == 0o600


def test_old_entries_are_pruned(cache: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(plan_cache, "MAX_ENTRIES", 3)
    plan = copy_plan(DATA / "status" / "small.yaml", tmp_path)
    text = plan.read_text(encoding="utf-8")
    for number in range(5):
        plan.write_text(text + f"# edit {number}\n", encoding="utf-8")
        load(plan)
    assert len(entries(cache)) == 3


def test_the_key_covers_every_module_that_builds_the_plan() -> None:
    code = (
        "import sys, kxplan.plan_yaml, kxplan.plan_cache; "
        "print(' '.join(m for m in sys.modules if m.startswith('kxplan.')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    loaded = {name.split(".", 1)[1] + ".py" for name in result.stdout.split()}
    assert loaded and loaded <= set(plan_cache.MODEL_SOURCES), result.stderr


def test_a_command_reading_a_kept_plan_does_not_import_yaml(tmp_path: Path) -> None:
    plan = copy_plan(ROOT / "plans" / "2019.yaml", tmp_path)
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg"), "KXPLAN_PLAN": str(plan)}
    env |= {"KXPLAN_DB": str(tmp_path / "k.db"), "KXPLAN_TODAY": "2019-06-30"}
    env |= {"KXPLAN_LANG": "en", "NO_COLOR": "1", "KXPLAN_BY": "clerk"}
    probe = (
        "import sys; sys.argv[1:] = {args!r}\n"
        "from kxplan.__main__ import main\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
        "print('YAML', 'yaml' in sys.modules, file=sys.stderr)\n"
    )

    def yaml_loaded(*args: str) -> bool:
        result = subprocess.run(
            [sys.executable, "-c", probe.format(args=list(args))],
            capture_output=True,
            text=True,
            env=env,
        )
        assert result.returncode == 0, result.stderr
        return result.stderr.rsplit("YAML", 1)[1].strip() == "True"

    record = ("record", "p4.workstations", "1", "--date", "2019-05-01", "--item", "A")
    assert yaml_loaded(*record)  # the first reading parses the plan (and keeps it)
    assert not yaml_loaded("record", "p4.workstations", "1", "--date", "2019-05-02", "--item", "B")
    assert not yaml_loaded("status")
    assert not yaml_loaded("status", "--json")
