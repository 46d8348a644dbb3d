"""The bad-input corpus: every case in ``tests/data/corpus/<category>/*.yaml`` is refused
with its one expected message, a non-zero exit, no traceback, and nothing changed on disk.

A case is a small declarative file (format in ``tests/data/corpus/README.md``): the command
line, the database state and files to create, the expected exit code and stderr line. Each
runs in its own temporary folder through ``CliRunner`` (``KXPLAN_LANG=en``); the cases marked
``binary: true`` run again through the installed ``kxplan`` console script.

"Nothing changed" is checked byte for byte: the sha256 of every file in the case's folder
(the database, its ``-wal``/``-shm`` if any, the inputs) and the set of names must be the
same after the command. That is stricter than comparing an ``iterdump()`` of the database,
works for the cases whose "database" is not SQLite at all, and catches a stray ``-wal``,
``-shm`` or import staging file left behind.
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import traceback
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import DATA, SMALL_PLAN, wreck_after_schema
from typer.testing import CliRunner

CORPUS = DATA / "corpus"
CATEGORIES = ("cli", "csv", "db", "plan", "env")
CASES = sorted(
    (path.parent.name, path.stem)
    for category in CATEGORIES
    for path in (CORPUS / category).glob("*.yaml")
)
KXPLAN = Path(sys.executable).with_name("kxplan")
ENV: dict[str, str | None] = {
    "KXPLAN_LANG": "en",
    "KXPLAN_TODAY": "2019-05-10",
    "KXPLAN_PLAN": None,
    "KXPLAN_DB": None,
    "KXPLAN_BY": None,
    "KXPLAN_TEMPLATES": None,
    "SOURCE_DATE_EPOCH": None,
    "LOGNAME": "clerk",
    "USER": "clerk",
    "NO_COLOR": "1",
    "COLUMNS": "100",
}
_REPEAT = re.compile(r"\{(\d+)\*(.)\}")
_BYTE = re.compile(r"\{byte:([0-9a-f]{2})\}")  # a byte that is not UTF-8, as Python sees it
NOBODY = 65534
SEED = 2019
TODAY = date(2019, 5, 10)


# --- database makers: the states a case's `db:` names ------------------------------------------


def _fresh(path: Path, entries: int = 3) -> None:
    """A kxplan database of the small plan with a few entries, closed (one file, no -wal)."""
    from kxplan.entry import validate
    from kxplan.plan import load
    from kxplan.store import Store

    plan = load(SMALL_PLAN)
    rows = [
        {"target": "p1.visits", "amount": "2", "date": "2019-04-02"},
        {"target": "p1.workstations", "item": "fresh-A", "date": "2019-04-03"},
        {"target": "p2.outreach", "note": "open day", "date": "2019-05-02"},
    ]
    rows += [
        {"target": "p1.visits", "item": f"filler {n}", "date": "2019-05-01"}
        for n in range(entries - len(rows))
    ]
    with Store.open(path, create=True) as store:
        for fields in rows[:entries]:
            store.record(plan, validate(plan, fields, TODAY), "clerk")


def _sqlite(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path)
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


def _truncated(path: Path) -> None:
    _fresh(path, 300)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _damaged_pages(path: Path) -> None:
    """The schema's pages intact, every other page overwritten: it opens, then queries fail."""
    _fresh(path, 300)
    wreck_after_schema(path)


def _newer_schema(path: Path) -> None:
    _fresh(path)
    _sqlite(path, "PRAGMA user_version = 99")


def _readonly_mount(path: Path) -> None:
    """A good database in a folder bind-mounted read-only over itself (a read-only share)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a read-only bind mount needs root")
    _fresh(path)
    folder = str(path.parent)
    bound = subprocess.run(["mount", "--bind", folder, folder], capture_output=True, check=False)
    if bound.returncode != 0:
        pytest.skip("this machine does not allow bind mounts")
    _MOUNTS.append(path.parent)
    remount = ["mount", "-o", "remount,bind,ro", folder]
    if subprocess.run(remount, capture_output=True, check=False).returncode != 0:
        pytest.skip("this machine does not allow a read-only remount")


_MOUNTS: list[Path] = []

MAKERS: dict[str, Callable[[Path], None]] = {
    "none": lambda path: None,
    "fresh": _fresh,
    "text": lambda path: path.write_text("target,date\np1.visits,2019-01-01\n", encoding="utf-8"),
    "random": lambda path: path.write_bytes(random.Random(SEED).randbytes(4096)),
    "empty": lambda path: path.write_bytes(b""),
    "directory": lambda path: path.mkdir(),
    "truncated": _truncated,
    "truncated-header": lambda path: path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 50),
    "damaged-pages": _damaged_pages,
    "newer-schema": _newer_schema,
    "other-app": lambda path: _sqlite(
        path,
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)",
        "INSERT INTO notes (text) VALUES ('hi')",
    ),
    "other-app-id": lambda path: _sqlite(
        path,
        f"PRAGMA application_id = {0x47504B47}",
        "CREATE TABLE features (id INTEGER PRIMARY KEY)",
    ),
    "readonly-mount": _readonly_mount,
}


# --- cases ----------------------------------------------------------------------------------------


def load_case(category: str, name: str) -> dict[str, Any]:
    return yaml.safe_load((CORPUS / category / f"{name}.yaml").read_text(encoding="utf-8"))


def expand(value: Any, names: dict[str, str]) -> Any:
    """Placeholders: {tmp} {db} {data} {plan}, and {N*c} for c repeated N times."""
    if isinstance(value, list):
        return [expand(item, names) for item in value]
    if isinstance(value, dict):
        return {expand(k, names): expand(v, names) for k, v in value.items()}
    if not isinstance(value, str):
        return value
    text = _REPEAT.sub(lambda m: m.group(2) * int(m.group(1)), value)
    text = _BYTE.sub(lambda m: bytes.fromhex(m.group(1)).decode("utf-8", "surrogateescape"), text)
    for key, replacement in names.items():
        text = text.replace("{" + key + "}", replacement)
    return text


def snapshot(folder: Path) -> dict[str, str]:
    """Every path under ``folder`` with the sha256 of its bytes ("dir" for a folder)."""
    state = {}
    for path in sorted(folder.rglob("*")):
        key = str(path.relative_to(folder))
        if path.is_dir():
            state[key] = "dir"
        elif not path.is_file():  # a FIFO or socket: never read (it would block)
            state[key] = f"special {path.stat().st_mode:o}"
        else:
            state[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return state


def entry_count(db: Path) -> int:
    """How many rows (entries and voids) the database at ``db`` holds (0 when there is none)."""
    if not db.is_file() or db.stat().st_size == 0:
        return 0
    conn = sqlite3.connect(f"{db.absolute().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute(
            "SELECT (SELECT count(*) FROM entries) + (SELECT count(*) FROM voids)"
        ).fetchone()[0]
    finally:
        conn.close()


class Prepared:
    """A case made concrete in a folder: argv, env, what to expect."""

    def __init__(self, case: dict[str, Any], folder: Path) -> None:
        self.folder = folder
        db = folder / "kxplan.db"
        names = {"tmp": str(folder), "data": str(DATA), "plan": str(SMALL_PLAN), "db": str(db)}
        if case.get("db_path") is not None:
            db = Path(expand(case["db_path"], names))
            names["db"] = str(db)
        self.db = db
        self._make_files(case.get("files"), names)
        MAKERS[case.get("db", "fresh")](db)
        if case.get("user") and db.is_file():
            os.chown(db, NOBODY, NOBODY)  # the clerk's own database; the hostility is elsewhere
        self._make_files(case.get("files_after_db"), names)  # e.g. a -wal the database had
        plan = case.get("plan", "{plan}")
        prefix = ["--plan", expand(plan, names)] if plan is not None else []
        prefix += ["--db", str(db)]
        self.argv = prefix + [str(arg) for arg in expand(case["argv"], names)]
        self._finish(case, names)

    def _make_files(self, files: dict[str, Any] | None, names: dict[str, str]) -> None:
        for name, spec in (expand(files or {}, names)).items():
            path = Path(name)
            path.parent.mkdir(parents=True, exist_ok=True)
            if "text" in spec:
                path.write_bytes(spec["text"].encode(spec.get("encoding", "utf-8")))
            elif "hex" in spec:
                path.write_bytes(bytes.fromhex(spec["hex"]))
            elif "copy" in spec:
                shutil.copyfile(DATA / spec["copy"], path)
            elif spec.get("dir"):
                path.mkdir()
            elif spec.get("fifo"):
                os.mkfifo(path)
            elif "symlink" in spec:
                path.symlink_to(spec["symlink"])
            if "mode" in spec:
                path.chmod(int(str(spec["mode"]), 8))

    def _finish(self, case: dict[str, Any], names: dict[str, str]) -> None:
        self.env = {**ENV, **expand(case.get("env") or {}, names)}
        self.exit = case["exit"]
        self.lines = case.get("lines", 1)
        self.stored = case.get("stored", 0)
        self.stdout_mode = case.get("stdout")
        self.user = case.get("user")
        self.process_only = bool(case.get("process") or self.stdout_mode or self.user)
        self.stderr = expand(case.get("stderr"), names)
        escaped = {key: re.escape(value) for key, value in names.items()}
        self.stderr_re = expand(case.get("stderr_re"), escaped)
        # exit 0 only for a command that stored something whatever happened to its output
        assert self.exit != 0 or self.stored, case
        assert self.lines == 0 or (self.stderr is None) != (self.stderr_re is None), case
        self.entries_before = entry_count(self.db) if self.stored else 0

    def check(self, code: int, stderr: str, stdout: str, how: str) -> None:
        assert "Traceback" not in stderr + stdout, f"{how}: a traceback\n{stderr}"
        lines = [line for line in stderr.splitlines() if line.strip()]
        assert code == self.exit, f"{how}: exit {code}, expected {self.exit}\n{stderr}"
        assert len(lines) == self.lines, f"{how}: {len(lines)} stderr lines\n{stderr}"
        if not self.lines:
            return
        last = lines[-1]
        if self.stderr is not None:
            assert last == self.stderr, how
        else:
            assert re.fullmatch(self.stderr_re, last), f"{how}: {last!r} !~ {self.stderr_re!r}"


@pytest.fixture
def unmount() -> Iterator[None]:
    """Undo the read-only bind mount of a case (set up before, so torn down after, chdir)."""
    yield
    while _MOUNTS:
        point = str(_MOUNTS.pop())
        if subprocess.run(["umount", point], capture_output=True, check=False).returncode:
            subprocess.run(["umount", "-l", point], capture_output=True, check=False)


def _params() -> list[Any]:
    params = []
    for category, name in CASES:
        case = load_case(category, name)
        marks = [pytest.mark.xfail(reason=case["xfail"], strict=True)] if case.get("xfail") else []
        params.append(pytest.param(category, name, marks=marks, id=f"{category}/{name}"))
    return params


def test_the_corpus_has_40_cases_or_more_across_the_four_categories() -> None:
    per = {category: sum(1 for c, _ in CASES if c == category) for category in CATEGORIES}
    assert sum(per.values()) >= 40 and all(per.values()), per
    for category, name in CASES:
        case = load_case(category, name)
        assert set(case) <= {
            "what", "argv", "plan", "db", "db_path", "files", "env", "exit", "stderr",
            "stderr_re", "lines", "binary", "xfail", "stdout", "process", "user", "stored",
            "class", "files_after_db",
        }, (category, name)  # fmt: skip
        assert case.get("stdout") in (None, "closed", "full", "broken"), (category, name)
        assert case.get("user") in (None, "nobody"), (category, name)
        assert case.get("what") and case.get("db", "fresh") in MAKERS, (category, name)


def _unchanged(prepared: Prepared, before: dict[str, str], how: str) -> None:
    """Nothing changed — or, for a case that stores, exactly ``stored`` more entries."""
    after = snapshot(prepared.folder)
    if prepared.stored:
        assert entry_count(prepared.db) == prepared.entries_before + prepared.stored, how
        companions = {prepared.db.name + suffix for suffix in ("", "-wal", "-shm")}
        after = {k: v for k, v in after.items() if k not in companions}
        before = {k: v for k, v in before.items() if k not in companions}
    assert after == before, f"files changed ({how})"


def _run_process(prepared: Prepared, folder: Path) -> subprocess.CompletedProcess[str]:
    """The installed kxplan in a real process, with stdout closed, full or a broken pipe."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KXPLAN_")}
    env.update({k: v for k, v in prepared.env.items() if v is not None})
    stdout: Any = subprocess.PIPE
    preexec = None
    reader = writer = None
    if prepared.stdout_mode == "full":
        stdout = open(os.devnull if not Path("/dev/full").exists() else "/dev/full", "wb")  # noqa: SIM115
    elif prepared.stdout_mode == "broken":
        reader, writer = os.pipe()
        os.close(reader)  # nobody will ever read: the first write fails with EPIPE
        stdout = writer
    elif prepared.stdout_mode == "closed":
        stdout = subprocess.DEVNULL

        def preexec() -> None:
            os.close(1)

    extra: dict[str, Any] = {}
    command = [str(KXPLAN)]
    if prepared.user == "nobody":
        extra = {"user": NOBODY, "group": NOBODY, "extra_groups": []}
        command = _nobody_command() or command
    try:
        return subprocess.run(
            [*command, *prepared.argv],
            env=env,
            cwd=folder,
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=subprocess.PIPE,
            preexec_fn=preexec,
            text=True,
            errors="surrogateescape",
            timeout=60,
            check=False,
            **extra,
        )
    finally:
        if writer is not None:
            os.close(writer)
        if hasattr(stdout, "close"):
            stdout.close()


def _case_folder(case: dict[str, Any], tmp_path: Path) -> Path:
    """The case's folder: under pytest's tmp_path, or a world-readable one for ``user:``."""
    if not case.get("user"):
        folder = tmp_path / "case"
        folder.mkdir()
        return folder
    if os.geteuid() != 0:
        pytest.skip("running a case as another user needs root")
    if _nobody_command() is None:
        pytest.skip("no Python interpreter an unprivileged user may run has kxplan here")
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="kxplan-case-", dir="/tmp"))
    folder.chmod(0o777)
    _USER_FOLDERS.append(folder)
    return folder


_USER_FOLDERS: list[Path] = []
_LAUNCH = (
    "import site, sys; site.addsitedir(sys.argv.pop(1)); sys.argv[0] = 'kxplan'; "
    "from kxplan.__main__ import main; main()"
)


def _nobody_command() -> list[str] | None:
    """How the unprivileged user runs kxplan: the installed script if it may, else the same
    Python version from the system with this environment's packages (the venv's interpreter
    may live under /root, which only root may enter)."""
    import site
    import sysconfig

    for python in (sys.executable, f"/usr/bin/python{sys.version_info[0]}.{sys.version_info[1]}"):
        real = Path(os.path.realpath(python))
        reachable = all(p.stat().st_mode & 0o001 for p in real.parents if p != Path("/"))
        if real.exists() and reachable and real.stat().st_mode & 0o001:
            packages = sysconfig.get_paths()["purelib"] if site.ENABLE_USER_SITE is not None else ""
            probe = subprocess.run(
                [python, "-c", _LAUNCH, packages, "--version"],
                user=NOBODY, group=NOBODY, extra_groups=[],
                capture_output=True, check=False, cwd="/tmp",
            )  # fmt: skip
            if probe.returncode == 0:
                return [python, "-c", _LAUNCH, packages]
    return None


@pytest.fixture
def user_folders() -> Iterator[None]:
    yield
    while _USER_FOLDERS:
        shutil.rmtree(_USER_FOLDERS.pop(), ignore_errors=True)


def test_the_corpus_covers_the_classes_of_issue_18() -> None:
    """Cases name the class of hostile input they stand for (``class:``); classes 9 and 10
    (escaping by source, restore and waiting) need a real process or a held lock and live in
    ``tests/test_hostile_env.py``."""
    classes: dict[int, int] = {}
    for category, name in CASES:
        number = load_case(category, name).get("class")
        if number is not None:
            classes[number] = classes.get(number, 0) + 1
    assert set(classes) >= {1, 2, 3, 4, 5, 6, 7, 8, 11}, classes
    assert all(count >= 2 for count in classes.values()), classes


@pytest.mark.parametrize(("category", "name"), _params())
def test_bad_input_is_refused_in_one_line_and_changes_nothing(
    category: str,
    name: str,
    unmount: None,
    user_folders: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    keep_language: None,
) -> None:
    from kxplan.cli import app

    case = load_case(category, name)
    folder = _case_folder(case, tmp_path)
    prepared = Prepared(case, folder)
    monkeypatch.chdir(folder)  # no plans/ here: the plan is only ever the one given
    before = snapshot(folder)
    outside = None if prepared.db.is_relative_to(folder) else prepared.db.exists()
    if prepared.process_only:
        done = _run_process(prepared, folder)
        prepared.check(done.returncode, done.stderr, done.stdout or "", "installed kxplan")
        _unchanged(prepared, before, "installed kxplan")
        if outside is not None:
            assert prepared.db.exists() == outside
        return
    result = CliRunner().invoke(app, prepared.argv, env=prepared.env, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        trace = "".join(traceback.format_exception(result.exception))
        pytest.fail(f"an exception escaped the CLI:\n{trace}")
    prepared.check(result.exit_code, result.stderr, result.stdout, "CliRunner")
    _unchanged(prepared, before, "CliRunner")
    if outside is not None:
        assert prepared.db.exists() == outside

    if case.get("binary"):
        done = _run_process(prepared, folder)
        prepared.check(done.returncode, done.stderr, done.stdout or "", "installed kxplan")
        _unchanged(prepared, before, "installed kxplan")
