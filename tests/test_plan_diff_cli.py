"""``kxplan plan diff`` through CliRunner: exact output, ``--json``, ``--exit-code``, plans read
from git objects in a temporary repository, orphaned-entry counts, and ``plan check`` on
``renamed_from``."""

from __future__ import annotations

import json
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kxplan.cli import app
from kxplan.entry import Draft
from kxplan.errors import ExitCode
from kxplan.messages import get_language, set_language
from kxplan.plan import load
from kxplan.store import Store

PLAN_2019 = Path(__file__).resolve().parents[1] / "plans" / "2019.yaml"
ORIGINAL = PLAN_2019.read_text(encoding="utf-8")

# The edit used in docs/plan-format.md: a goal raised with its text and schedule, a milestone
# moved, a target renamed with renamed_from, a target removed.
REVISION = (
    ("力争全年新建科普教育基地10家", "力争全年新建科普教育基地12家", 2),  # the text and a comment
    (
        "            goal: 10\n            unit: 家\n            schedule: [2, 4, 7, 10]",
        "            goal: 12\n            unit: 家\n            schedule: [2, 5, 8, 12]",
        1,
    ),
    (
        "            title: 启动实施“院士之家”建设\n            due: 2019-06-30",
        "            title: 启动实施“院士之家”建设\n            due: 2019-07-31",
        1,
    ),
    (
        "          - id: p7.tutor-corps\n",
        "          - id: p7.tech-tutor-corps\n            renamed_from: [p7.tutor-corps]\n",
        1,
    ),
    (
        "          - id: p12.advice-channels\n            kind: activity\n"
        "            title: 通过人大议案、政协提案等形式建言献策\n",
        "",
        1,
    ),
)
EXPECTED_EN = """\
p4.academician-home: due 2019-06-30 → 2019-07-31
p7.tech-tutor-corps: renamed from p7.tutor-corps
point 9: text …新建科普教育基地[-10-]{+12+}家…
p9.outreach-bases: goal 10 → 12
p9.outreach-bases: schedule [2, 4, 7, 10] → [2, 5, 8, 12]
p12.advice-channels: removed: 通过人大议案、政协提案等形式建言献策 (ongoing)
"""
EXPECTED_ZH = """\
p4.academician-home: due 2019-06-30 → 2019-07-31
p7.tech-tutor-corps: 由 p7.tutor-corps 改名
第9条要点: text …新建科普教育基地[-10-]{+12+}家…
p9.outreach-bases: goal 10 → 12
p9.outreach-bases: schedule [2, 4, 7, 10] → [2, 5, 8, 12]
p12.advice-channels: 删除：通过人大议案、政协提案等形式建言献策（持续开展）
"""


def revise(text: str = ORIGINAL, edits=REVISION) -> str:
    for old, new, count in edits:
        assert text.count(old) == count, old
        text = text.replace(old, new)
    return text


@pytest.fixture(autouse=True)
def keep_language():
    before = get_language()
    yield
    set_language(before)


@pytest.fixture
def base_env(tmp_path: Path) -> dict[str, str | None]:
    return {
        "KXPLAN_LANG": "en",
        "KXPLAN_TODAY": "2019-06-30",
        "KXPLAN_PLAN": None,
        "KXPLAN_DB": str(tmp_path / "absent.db"),
        "NO_COLOR": None,
        "LC_ALL": "C",  # git's own messages in English
        "LANG": None,
        "GIT_CEILING_DIRECTORIES": str(tmp_path.parent),  # never find a repository above tmp_path
    }


@pytest.fixture
def run(base_env, monkeypatch, tmp_path: Path):
    """Invoke kxplan in-process, in ``tmp_path``, with a fixed language and no database."""
    monkeypatch.chdir(tmp_path)

    def invoke(*args: str | Path, **env: str | None):
        return CliRunner().invoke(app, [str(a) for a in args], env={**base_env, **env})

    return invoke


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=a@b", "-c", "user.name=t", "-c", "commit.gpgsign=false", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository in tmp_path: the 2019 plan committed, then the revision committed."""
    git(tmp_path, "init", "-q")
    write(tmp_path / "plans" / "2019.yaml", ORIGINAL)
    git(tmp_path, "add", "plans/2019.yaml")
    git(tmp_path, "commit", "-q", "-m", "2019 plan")
    write(tmp_path / "plans" / "2019.yaml", revise())
    git(tmp_path, "commit", "-q", "-a", "-m", "revise the plan")
    return tmp_path


# --- files ---------------------------------------------------------------------------------------


def test_two_files_exact_output(run, tmp_path: Path) -> None:
    old = write(tmp_path / "old.yaml", ORIGINAL)
    new = write(tmp_path / "new.yaml", revise())
    result = run("plan", "diff", old, new)
    assert (result.exit_code, result.stdout, result.stderr) == (0, EXPECTED_EN, "")


def test_the_plan_language_is_used_without_lang(run, tmp_path: Path) -> None:
    old = write(tmp_path / "old.yaml", ORIGINAL)
    new = write(tmp_path / "new.yaml", revise())
    assert run("plan", "diff", old, new, KXPLAN_LANG=None).stdout == EXPECTED_ZH
    assert run("--lang", "zh", "plan", "diff", old, new).stdout == EXPECTED_ZH


def test_reformatted_plan_prints_nothing(run, tmp_path: Path) -> None:
    no_comments = "\n".join(
        line for line in ORIGINAL.splitlines() if not line.lstrip().startswith("#")
    )
    reformatted = no_comments.replace("schedule: [2, 5, 8, 10]", "schedule: [2, 5, 8, 10.0]")
    reformatted = reformatted.replace("org: 嘉兴市科学技术协会", "org: '嘉兴市科学技术协会'")
    reformatted = reformatted.replace(
        "    title: 加强网上科协建设", '    title: "加强网上科协建设"'
    )
    assert reformatted != ORIGINAL
    new = write(tmp_path / "new.yaml", reformatted)
    result = run("plan", "diff", "--exit-code", PLAN_2019, new)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_exit_code(run, tmp_path: Path) -> None:
    old = write(tmp_path / "old.yaml", ORIGINAL)
    new = write(tmp_path / "new.yaml", revise())
    assert run("plan", "diff", "--exit-code", old, new).exit_code == ExitCode.PROBLEMS == 1
    assert run("plan", "diff", "--exit-code", old, old).exit_code == 0
    assert (
        run("plan", "diff", old, new).exit_code == 0
    )  # without the flag, changes are not an error
    quiet = run("plan", "diff", "--exit-code", "--json", old, old)
    assert (quiet.exit_code, json.loads(quiet.stdout)) == (0, [])


def test_json(run, tmp_path: Path) -> None:
    old = write(tmp_path / "old.yaml", ORIGINAL)
    new = write(tmp_path / "new.yaml", revise())
    result = run("plan", "diff", "--json", old, new)
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert [row["change"] for row in rows] == [
        "changed",
        "renamed",
        "changed",
        "changed",
        "changed",
        "removed",
    ]
    assert all(list(row) == ["change", "id", "field", "old", "new"] for row in rows)
    assert rows[0] == {
        "change": "changed",
        "id": "p4.academician-home",
        "field": "due",
        "old": "2019-06-30",
        "new": "2019-07-31",
    }
    assert rows[1] == {
        "change": "renamed",
        "id": "p7.tech-tutor-corps",
        "field": "id",
        "old": "p7.tutor-corps",
        "new": "p7.tech-tutor-corps",
    }
    assert (rows[2]["id"], rows[2]["field"]) == ("p9", "text")
    assert "基地10家" in rows[2]["old"] and "基地12家" in rows[2]["new"]
    assert rows[3]["old"] == 10 and rows[3]["new"] == 12
    assert rows[4]["old"] == [2, 4, 7, 10] and rows[4]["new"] == [2, 5, 8, 12]
    assert rows[5]["old"]["id"] == "p12.advice-channels" and rows[5]["new"] is None
    assert "基地12家" in result.stdout  # Chinese stays readable


def test_a_file_whose_name_has_a_colon_is_read_as_a_file(run, tmp_path: Path) -> None:
    write(tmp_path / "v2:2019.yaml", revise())
    result = run("plan", "diff", PLAN_2019, "v2:2019.yaml")
    assert (result.exit_code, result.stdout) == (0, EXPECTED_EN)


def test_a_missing_file(run) -> None:
    result = run("plan", "diff", "plans/2019.yaml", PLAN_2019)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "error: plans/2019.yaml does not exist; give a plan file or a git object REV:PATH"
        " such as HEAD~1:plans/2019.yaml\n"
    )


def test_an_invalid_plan_lists_its_problems(run, tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.yaml", ORIGINAL.replace("goal: 5\n", 'goal: "5"\n'))
    result = run("plan", "diff", PLAN_2019, bad)
    assert result.exit_code == 1
    assert result.stdout == ""
    *problems, last = result.stderr.splitlines()
    assert len(problems) == 1 and problems[0].startswith(f"{bad}:")
    assert (
        last
        == f"error: {bad} is not a valid plan (1 problem(s) above); the diff needs two valid plans"
    )


# --- git objects ---------------------------------------------------------------------------------


def test_git_objects(run, repo: Path) -> None:
    result = run("plan", "diff", "HEAD~1:plans/2019.yaml", "HEAD:plans/2019.yaml")
    assert (result.exit_code, result.stdout, result.stderr) == (0, EXPECTED_EN, "")
    # the usual review: the last commit against the working tree
    assert run("plan", "diff", "HEAD~1:plans/2019.yaml", "plans/2019.yaml").stdout == EXPECTED_EN
    assert run("plan", "diff", "HEAD:plans/2019.yaml", "plans/2019.yaml").stdout == ""
    write(repo / "plans" / "2019.yaml", revise().replace("due: 2019-07-31", "due: 2019-08-31"))
    assert run("plan", "diff", "HEAD:plans/2019.yaml", "plans/2019.yaml").stdout == (
        "p4.academician-home: due 2019-07-31 → 2019-08-31\n"
    )


def test_a_missing_revision_is_one_line(run, repo: Path) -> None:
    result = run("plan", "diff", "HEAD~5:plans/2019.yaml", "plans/2019.yaml")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("error: cannot read HEAD~5:plans/2019.yaml from git: ")
    assert "HEAD~5" in result.stderr.split("from git: ", 1)[1]
    assert result.stderr.count("\n") == 1


def test_a_missing_path_in_a_revision_is_one_line(run, repo: Path) -> None:
    result = run("plan", "diff", "HEAD:plans/2020.yaml", "plans/2019.yaml")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: cannot read HEAD:plans/2020.yaml from git: ")
    assert "plans/2020.yaml" in result.stderr.split("from git: ", 1)[1]
    assert result.stderr.count("\n") == 1


def test_a_tree_is_not_a_plan(run, repo: Path) -> None:
    result = run("plan", "diff", "HEAD:plans", "plans/2019.yaml")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "error: HEAD:plans is a git tree, not a file; write REV:PATH to a plan file\n"
    )


def test_outside_a_repository_is_one_line(run, tmp_path: Path) -> None:
    write(tmp_path / "plans" / "2019.yaml", ORIGINAL)
    result = run("plan", "diff", "HEAD:plans/2019.yaml", "plans/2019.yaml")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: cannot read HEAD:plans/2019.yaml from git: ")
    assert "not a git repository" in result.stderr
    assert result.stderr.count("\n") == 1


def test_an_invalid_plan_in_git_is_named_by_its_object(run, repo: Path) -> None:
    write(repo / "plans" / "2019.yaml", "org: 嘉兴市科学技术协会\n")
    git(repo, "commit", "-q", "-a", "-m", "broken")
    result = run("plan", "diff", "HEAD:plans/2019.yaml", "HEAD~1:plans/2019.yaml")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "HEAD:plans/2019.yaml:1:1: missing field 'title' in plan",
        "HEAD:plans/2019.yaml:1:1: missing field 'year' in plan",
        "HEAD:plans/2019.yaml:1:1: missing field 'sections' in plan",
        "error: HEAD:plans/2019.yaml is not a valid plan (3 problem(s) above);"
        " the diff needs two valid plans",
    ]


# --- orphaned entries ----------------------------------------------------------------------------


def record(db: Path | str, *targets: tuple[str, str]) -> None:
    """Record one entry per (target id, kind) against the 2019 plan."""
    plan = load(PLAN_2019)
    Store.init(db)
    with Store.open(db, create=True) as store:
        for number, (target, kind) in enumerate(targets, start=1):
            store.record(
                plan,
                Draft(
                    target=target,
                    kind=kind,
                    date=date(2019, 3, number),
                    amount=Decimal(1) if kind == "count" else None,
                    item=f"item {number}" if kind == "count" else None,
                ),
                by="test",
            )


ORPHAN_EDIT = REVISION + (("- id: p9.outreach-bases", "- id: p9.education-bases", 1),)


def test_removed_and_renamed_targets_count_their_entries(
    run, tmp_path: Path, location: str
) -> None:
    db = location  # an SQLite file, then a PostgreSQL database
    record(
        db,
        ("p12.advice-channels", "activity"),
        ("p12.advice-channels", "activity"),
        ("p7.tutor-corps", "milestone"),
        ("p9.outreach-bases", "count"),
        ("p4.workstations", "count"),
    )
    new = write(tmp_path / "new.yaml", revise(edits=ORPHAN_EDIT))
    result = run("plan", "diff", PLAN_2019, new, KXPLAN_DB=str(db))
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "p4.academician-home: due 2019-06-30 → 2019-07-31\n"
        "p7.tech-tutor-corps: renamed from p7.tutor-corps — recorded entries it would orphan: 0\n"
        "point 9: text …新建科普教育基地[-10-]{+12+}家…\n"
        "p9.education-bases: renamed from p9.outreach-bases — recorded entries it would orphan: 1"
        " (entries recorded under p9.outreach-bases are kept only with"
        " renamed_from: [p9.outreach-bases])\n"
        "p9.education-bases: goal 10 → 12\n"
        "p9.education-bases: schedule [2, 4, 7, 10] → [2, 5, 8, 12]\n"
        "p12.advice-channels: removed: 通过人大议案、政协提案等形式建言献策 (ongoing)"
        " — recorded entries it would orphan: 2\n"
    )
    rows = json.loads(run("plan", "diff", "--json", PLAN_2019, new, KXPLAN_DB=str(db)).stdout)
    assert [(row["id"], row.get("orphans")) for row in rows] == [
        ("p4.academician-home", None),
        ("p7.tech-tutor-corps", 0),
        ("p9", None),
        ("p9.education-bases", 1),
        ("p9.education-bases", None),
        ("p9.education-bases", None),
        ("p12.advice-channels", 2),
    ]
    zh = run("plan", "diff", PLAN_2019, new, KXPLAN_DB=str(db), KXPLAN_LANG="zh").stdout
    assert (
        "p12.advice-channels: 删除：通过人大议案、政协提案等形式建言献策（持续开展）——将失去对应目标的已登记记录：2 条\n"
        in zh
    )


def test_no_database_means_no_counts(run, tmp_path: Path) -> None:
    new = write(tmp_path / "new.yaml", revise())
    result = run("plan", "diff", PLAN_2019, new)  # KXPLAN_DB points at a missing file
    assert result.stdout == EXPECTED_EN
    assert not (tmp_path / "absent.db").exists()  # nothing was created


def test_a_foreign_database_skips_the_counts_with_a_notice(run, tmp_path: Path) -> None:
    foreign = write(tmp_path / "notes.db", "not a database\n")
    new = write(tmp_path / "new.yaml", revise())
    result = run("plan", "diff", PLAN_2019, new, KXPLAN_DB=str(foreign))
    assert (result.exit_code, result.stdout) == (0, EXPECTED_EN)
    assert result.stderr.startswith("entries that would be orphaned are not counted: ")
    assert result.stderr.count("\n") == 1
    assert foreign.read_text() == "not a database\n"


# --- renamed_from in plan check ----------------------------------------------------------------


def test_plan_check_accepts_renamed_from(run, tmp_path: Path) -> None:
    plan = write(tmp_path / "renamed.yaml", revise())
    result = run("plan", "check", plan)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert load(plan).aliases() == {"p7.tutor-corps": "p7.tech-tutor-corps"}


def test_plan_check_validates_renamed_from(run, tmp_path: Path) -> None:
    text = revise(
        edits=(
            # an old id that is still a current target
            (
                "          - id: p7.science-gala\n",
                "          - id: p7.science-gala\n            renamed_from: p7.work-points\n",
                1,
            ),
            # an old id claimed by two targets
            (
                "          - id: p7.tutor-corps\n",
                "          - id: p7.tech-tutor-corps\n            renamed_from: [p7.tutors]\n",
                1,
            ),
            (
                "          - id: p7.trainer-training\n",
                "          - id: p7.trainer-training\n            renamed_from: [p7.tutors]\n",
                1,
            ),
            # not an id at all
            (
                "          - id: p15.official-account\n",
                "          - id: p15.official-account\n            renamed_from: [公众号]\n",
                1,
            ),
        )
    )
    plan = write(tmp_path / "renamed.yaml", text)
    result = run("plan", "check", plan)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    assert all(line.startswith(f"{plan}:") for line in lines)
    assert [line.split(": ", 1)[1] for line in lines] == [
        "renamed_from 'p7.work-points' is still a target id in this plan",
        "renamed_from 'p7.tutors' is already claimed by p7.tech-tutor-corps",
        "target id '公众号' must look like pN.some-words (lowercase letters, digits, hyphens)",
    ]
