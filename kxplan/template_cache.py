"""Compiled report templates, cached per user so a report does not recompile them every run.

Compiling the report templates (Jinja2: parse, generate Python, compile) took 55–90 ms of
every ``kxplan report``. Jinja2's ``FileSystemBytecodeCache`` keeps the compiled code; this
module decides where, and makes sure a cache can never change what a report says:

- **Never stale.** Jinja2 stores each template's code with a checksum of its source and
  recompiles when the source differs (a packaged template after an upgrade, a ``--templates``
  override after an edit); the folder's name carries a digest of everything else the compiled
  code depends on — the kxplan and Jinja2 versions, the Python bytecode tag and the
  environment's options — so a change in any of them starts a fresh folder.
- **Safe.** The code is loaded with ``marshal``, so the folder must be the user's own:
  ``$XDG_CACHE_HOME/kxplan`` (else ``~/.cache/kxplan``), created ``0700``, and used only while
  it is a real folder owned by this user that nobody else can write. Anything else (a
  symlink, another owner, group- or world-writable) means no cache.
- **Atomic.** Jinja2 writes each entry to a temporary file and renames it into place, so
  two reports running at once never read half an entry.
- **Optional.** A folder that cannot be created or written (a read-only home, a full disk)
  or a damaged entry means the template is compiled as before; a report never fails because
  of its cache.
"""

from __future__ import annotations

import hashlib
import os
import stat
import sys
from pathlib import Path
from typing import Any

import jinja2
from jinja2.bccache import Bucket

from kxplan import __version__


def cache_root(environ: Any = os.environ) -> Path | None:
    """``$XDG_CACHE_HOME/kxplan``, else ``~/.cache/kxplan`` (None when there is no home)."""
    base = environ.get("XDG_CACHE_HOME")
    if base and os.path.isabs(base):
        return Path(base) / "kxplan"
    home = environ.get("HOME")
    if not home or not os.path.isabs(home):
        return None
    return Path(home) / ".cache" / "kxplan"


def bytecode_cache(
    options: dict[str, Any], environ: Any = os.environ
) -> jinja2.BytecodeCache | None:
    """A bytecode cache for an environment built with ``options``, or None when no safe folder.

    ``options`` are the environment's settings that shape the compiled code (a function is
    keyed by its code: ``options_key``).
    """
    root = cache_root(environ)
    if root is None:
        return None
    settings = sorted((name, options_key(value)) for name, value in options.items())
    key = repr((__version__, jinja2.__version__, sys.implementation.cache_tag, settings))
    folder = root / f"templates-{hashlib.sha256(key.encode()).hexdigest()[:16]}"
    try:
        for path in (root, folder):
            path.mkdir(mode=0o700, parents=path == root, exist_ok=True)
            if not _private(path):
                return None
    except OSError:
        return None
    return QuietCache(str(folder), "%s.jinja")


def _private(path: Path) -> bool:
    """A real folder (not a symlink), owned by this user, that no one else can write."""
    info = os.lstat(path)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        return False
    return not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


#: Values of module globals a function option reads that are part of its key (their ``repr``
#: is stable); other globals (functions, classes, modules) are keyed by name only.
_CONSTANT_TYPES = (str, bytes, int, float, bool, tuple, frozenset, type(None))


def options_key(value: Any) -> str:
    """A stable text for an option; a function by its module, name, code and constants.

    Stable across processes: a function's constants may hold code objects (a lambda, a
    comprehension) whose ``repr`` carries a memory address, so those are keyed by their own
    code, recursively (``_code_key``), never by ``repr``. The module-level constants it reads
    count too: ``autoescape_for`` decides at compile time from ``UNESCAPED_SUFFIXES``, so a
    changed tuple must not find templates compiled under the old one (the version number
    alone does not change between development builds).
    """
    code = getattr(value, "__code__", None)
    if code is None:
        return repr(value)
    names: set[str] = set()
    key = _code_key(code, names)
    namespace = getattr(value, "__globals__", {})
    for name in sorted(names):
        found = namespace.get(name)
        if isinstance(found, _CONSTANT_TYPES):
            key += f"\0{name}={found!r}".encode()
    digest = hashlib.sha256(key).hexdigest()[:16]
    return f"{value.__module__}.{value.__qualname__}:{digest}"


def _code_key(code: Any, names: set[str]) -> bytes:
    """A code object's bytecode, names and constants, nested code objects included; the
    names it (or a nested one) uses are added to ``names``."""
    names.update(code.co_names)
    parts = [code.co_code, repr(code.co_names).encode()]
    for const in code.co_consts:
        parts.append(_code_key(const, names) if hasattr(const, "co_code") else repr(const).encode())
    return b"\0".join(parts)


class QuietCache(jinja2.FileSystemBytecodeCache):
    """``FileSystemBytecodeCache`` where a failure means "no cache entry", never an error."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # noqa: BLE001 - unreadable or damaged (truncated pickle …): compile
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass
