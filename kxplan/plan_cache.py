"""Validated plans kept as plain data, so a command reads its plan without parsing the YAML.

Reading ``plans/2019.yaml`` (import PyYAML, compose, validate every field) took ~30 ms of
every ``record`` and ``status``. A plan that validated is kept here as JSON of plain values
(text, numbers as decimal strings, dates as ``YYYY-MM-DD``), never as pickled or marshalled
objects, and rebuilt into the same ``Plan`` by a strict decoder. The rules:

- **Only a valid plan is kept.** A plan with any problem is parsed every time, so validation
  messages (``file:line:column``) are exactly those of the parser.
- **Keyed by content.** An entry's name is a digest of the plan file's bytes (SHA-256), the
  kxplan version, this format's ``SCHEMA`` and the size and modification time of the
  modules that turn a file into a ``Plan`` (``MODEL_SOURCES``): an edited plan, an upgrade
  or a changed validator never finds an old entry.
- **Checked before use.** The entry repeats its key and the plan file's digest, and carries
  the SHA-256 of its own payload; anything that does not match, does not decode or has a
  value of the wrong type is ignored and the file is parsed. An entry cannot make a plan say
  something its file does not: it is used only for the very bytes it was made from.
- **Private.** ``$XDG_CACHE_HOME/kxplan/plans`` (else ``~/.cache/kxplan/plans``), created
  ``0700`` and used only while it is a real folder owned by this user that no one else can
  write (as ``kxplan.template_cache``); entries are regular files opened without following
  links.
- **Atomic and optional.** An entry is written to a temporary file and renamed into place;
  a folder that cannot be made or written, a full disk or a damaged entry means the plan is
  parsed as before. A command never fails because of this cache.
"""

from __future__ import annotations

import json
import os
import stat
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from kxplan import __version__
from kxplan.plan import Allocation, Plan, Point, Section, Target, Unit

SCHEMA = 1
"""The entry format; raise it when the encoding below changes."""

#: The modules whose code decides what a plan file becomes (tests check that every kxplan
#: module ``kxplan.plan_yaml`` imports is listed).
MODEL_SOURCES = (
    "errors.py",
    "messages.py",
    "numbers.py",
    "plan.py",
    "plan_cache.py",
    "plan_yaml.py",
    "text.py",
    "units.py",
)
MAX_ENTRIES = 32
"""Entries kept; the oldest are removed when a new one is written (each plan edit makes one)."""
_MAX_ENTRY_BYTES = 16 << 20


def lookup(data: bytes, name: str, environ: Any = os.environ) -> Plan | None:
    """The plan kept for these file bytes (its path ``name``), or None: then parse the file."""
    folder = _folder(environ, create=False)
    if folder is None:
        return None
    digest = _sha256(data)
    key = _key(digest)
    try:
        raw = _read(folder / f"{key}.json")
        header, _, payload = raw.partition(b"\n")
        meta = json.loads(header)
        if (
            not isinstance(meta, dict)
            or meta.get("schema") != SCHEMA
            or meta.get("key") != key
            or meta.get("source") != digest
            or meta.get("check") != _sha256(payload)
        ):
            return None
        return decode(json.loads(payload), path=name, digest=digest)
    except (OSError, ValueError, TypeError, KeyError, ArithmeticError):
        return None


def keep(data: bytes, plan: Plan, environ: Any = os.environ) -> None:
    """Keep a plan that validated, for the next command that reads the same file bytes."""
    folder = _folder(environ, create=True)
    if folder is None:
        return
    digest = _sha256(data)
    key = _key(digest)
    payload = json.dumps(encode(plan), ensure_ascii=False, separators=(",", ":")).encode()
    header = json.dumps(
        {"schema": SCHEMA, "key": key, "source": digest, "check": _sha256(payload)}
    ).encode()
    target = folder / f"{key}.json"
    temporary = folder / f".{key}.{os.getpid()}.tmp"
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(header + b"\n" + payload)
        os.replace(temporary, target)
    except OSError:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        return
    _prune(folder)


# --- the encoding: plain JSON values, decoded strictly ---------------------------------------


def encode(plan: Plan) -> dict[str, Any]:
    """The plan as plain JSON data (everything but ``path`` and ``digest``, which the file gives)."""
    return {
        "org": plan.org,
        "title": plan.title,
        "year": plan.year,
        "lang": plan.lang,
        "on_track": str(plan.on_track),
        "behind": str(plan.behind),
        "units": [[u.id, u.name, u.kind, list(u.aliases), u.line] for u in plan.units],
        "sections": [
            [s.number, s.title, s.line, [_encode_point(p) for p in s.points]] for s in plan.sections
        ],
    }


def _encode_point(point: Point) -> list[Any]:
    targets = [_encode_target(target) for target in point.targets]
    return [
        point.number,
        point.title,
        point.text,
        point.owner,
        point.owner_unit,
        point.line,
        targets,
    ]


def _encode_target(target: Target) -> list[Any]:
    return [
        target.id,
        target.kind,
        target.title,
        target.point,
        None if target.goal is None else str(target.goal),
        target.unit,
        target.decimals,
        target.or_more,
        None if target.schedule is None else [str(value) for value in target.schedule],
        None if target.due is None else target.due.isoformat(),
        target.owner,
        list(target.renamed_from),
        target.line,
        [[share.unit, str(share.amount)] for share in target.allocation],
        target.owner_unit,
    ]


def decode(data: Any, *, path: str, digest: str) -> Plan:
    """The ``Plan`` that ``encode`` wrote; ``ValueError``/``TypeError`` on anything else."""
    if not isinstance(data, dict) or set(data) != _PLAN_KEYS:
        raise ValueError("not a kept plan")
    return Plan(
        org=_text(data["org"]),
        title=_text(data["title"]),
        year=_int(data["year"]),
        lang=_text(data["lang"]),
        sections=tuple(_section(item) for item in _list(data["sections"])),
        on_track=_decimal(data["on_track"]),
        behind=_decimal(data["behind"]),
        path=path,
        digest=digest,
        units=tuple(_unit(item) for item in _list(data["units"])),
    )


_PLAN_KEYS = {"org", "title", "year", "lang", "on_track", "behind", "units", "sections"}


def _unit(item: Any) -> Unit:
    unit_id, name, kind, aliases, line = _list(item, 5)
    return Unit(
        _text(unit_id),
        _text(name),
        _text(kind),
        tuple(_text(alias) for alias in _list(aliases)),
        _int(line),
    )


def _section(item: Any) -> Section:
    number, title, line, points = _list(item, 4)
    return Section(_int(number), _text(title), tuple(_point(p) for p in _list(points)), _int(line))


def _point(item: Any) -> Point:
    number, title, text, owner, owner_unit, line, targets = _list(item, 7)
    return Point(
        _int(number),
        _text(title),
        _text(text),
        _optional(owner, _text),
        tuple(_target(target) for target in _list(targets)),
        _int(line),
        _optional(owner_unit, _text),
    )


def _target(item: Any) -> Target:
    (
        target_id,
        kind,
        title,
        point,
        goal,
        unit,
        decimals,
        or_more,
        schedule,
        due,
        owner,
        renamed_from,
        line,
        allocation,
        owner_unit,
    ) = _list(item, 15)
    return Target(
        id=_text(target_id),
        kind=_text(kind),
        title=_text(title),
        point=_int(point),
        goal=_optional(goal, _decimal),
        unit=_optional(unit, _text),
        decimals=_int(decimals),
        or_more=_bool(or_more),
        schedule=None if schedule is None else tuple(_decimal(v) for v in _list(schedule)),
        due=_optional(due, _date),
        owner=_optional(owner, _text),
        renamed_from=tuple(_text(old) for old in _list(renamed_from)),
        line=_int(line),
        allocation=tuple(_allocation(share) for share in _list(allocation)),
        owner_unit=_optional(owner_unit, _text),
    )


def _allocation(item: Any) -> Allocation:
    unit, amount = _list(item, 2)
    return Allocation(_text(unit), _decimal(amount))


def _list(value: Any, length: int | None = None) -> list[Any]:
    if type(value) is not list or (length is not None and len(value) != length):
        raise TypeError("expected a list")
    return value


def _text(value: Any) -> str:
    if type(value) is not str:
        raise TypeError("expected text")
    return value


def _int(value: Any) -> int:
    if type(value) is not int:
        raise TypeError("expected an integer")
    return value


def _bool(value: Any) -> bool:
    if type(value) is not bool:
        raise TypeError("expected true or false")
    return value


def _decimal(value: Any) -> Decimal:
    number = Decimal(_text(value))
    if not number.is_finite():
        raise ValueError("expected a finite number")
    return number


def _date(value: Any) -> date:
    return date.fromisoformat(_text(value))


def _optional(value: Any, kind: Any) -> Any:
    return None if value is None else kind(value)


# --- the folder and the key ------------------------------------------------------------------


def cache_folder(environ: Any = os.environ) -> Path | None:
    """``$XDG_CACHE_HOME/kxplan/plans``, else ``~/.cache/kxplan/plans`` (None without a home)."""
    base = environ.get("XDG_CACHE_HOME")
    if base and os.path.isabs(base):
        return Path(base) / "kxplan" / "plans"
    home = environ.get("HOME")
    if not home or not os.path.isabs(home):
        return None
    return Path(home) / ".cache" / "kxplan" / "plans"


def _folder(environ: Any, *, create: bool) -> Path | None:
    """The cache folder when it is private to this user (made when ``create``), else None."""
    folder = cache_folder(environ)
    if folder is None:
        return None
    try:
        for path in (folder.parent, folder):  # each checked before anything is made inside it
            if create:
                path.mkdir(mode=0o700, parents=path != folder, exist_ok=True)
            if not _private(path):
                return None
    except OSError:
        return None
    return folder


def _private(path: Path) -> bool:
    """A real folder (not a symlink), owned by this user, that no one else can write."""
    info = os.lstat(path)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        return False
    return not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _read(path: Path) -> bytes:
    """An entry's bytes: a regular file, not followed through a link, of a sane size."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size > _MAX_ENTRY_BYTES:
            raise ValueError("not an entry")
        return handle.read(_MAX_ENTRY_BYTES + 1)


_CODE: list[str] = []


def _key(digest: str) -> str:
    """An entry's name: the plan file's digest, this format, the kxplan version and its code.

    The code is known by each source file's size and modification time, the test Python
    itself uses to decide whether a module's cached bytecode is current.
    """
    if not _CODE:
        package = os.path.dirname(os.path.abspath(__file__))
        parts = []
        for name in MODEL_SOURCES:
            try:
                info = os.stat(os.path.join(package, name))
                parts.append(f"{name}:{info.st_size}:{info.st_mtime_ns}")
            except OSError:
                parts.append(f"{name}:-")
        _CODE.append(" ".join(parts))
    material = f"kxplan-plan-cache {SCHEMA} {__version__} {_CODE[0]} {digest}"
    return _sha256(material.encode())[:40]


def _sha256(data: bytes) -> str:
    text: str = _SHA256(data).hexdigest()
    return text


def _sha256_function() -> Any:
    """SHA-256 without loading OpenSSL where Python has its own (``hashlib`` costs ~2.5 ms)."""
    try:
        from _sha256 import sha256  # type: ignore[import-not-found]  # Python 3.11

        return sha256
    except ImportError:
        pass
    try:
        from _sha2 import sha256  # type: ignore[import-not-found]  # Python 3.12+

        return sha256
    except ImportError:
        from hashlib import sha256

        return sha256


_SHA256 = _sha256_function()


def _prune(folder: Path) -> None:
    """Remove the oldest entries beyond ``MAX_ENTRIES`` (and stale temporary files)."""
    try:
        entries = []
        for item in os.scandir(folder):
            if item.name.endswith(".json") or item.name.endswith(".tmp"):
                entries.append((item.stat(follow_symlinks=False).st_mtime, item.path))
        entries.sort(reverse=True)
        for _, path in entries[MAX_ENTRIES:]:
            os.unlink(path)
    except OSError:
        pass
