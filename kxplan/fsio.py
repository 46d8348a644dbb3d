"""Atomic file writes: temporary files in the same folder, fsync, then rename over the targets.

A reader (or a crash) sees either the old file or the new one, never half of either. Several
files written together (a report's .md and .html) are all staged before any is renamed, so a
full disk leaves the previous set untouched.

This is the one module that calls ``fsync``: ``fsync_file`` and ``fsync_folder`` serve the
store too (a backup copy is synced before it is given its name, and its folder after).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from kxplan.errors import OutputError
from kxplan.messages import t


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically; ``OutputError`` on any OS failure."""
    write_atomic_many([(path, data)])


def _mode_for(path: Path) -> int:
    """The mode the file has now, or what a plain ``open()`` would give it (umask applied)."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def fsync_file(path: Path) -> None:
    """Flush a closed file's data to the disk (``OSError`` when it cannot be)."""
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (best effort: not every system can sync a folder)."""
    try:
        fsync_file(folder if str(folder) else Path("."))
    except OSError:
        pass


@contextmanager
def atomic_stream(path: Path) -> Iterator[BinaryIO]:
    """Write ``path`` piece by piece, atomically: the pieces go to a temporary file in the same
    folder, which replaces ``path`` only when the block ends without an error (an export of
    any size in bounded memory). On an error ``path`` is untouched and the temporary file gone;
    an OS failure is ``OutputError``.
    """
    from kxplan.paths import kind

    if kind(path) in ("special", "directory"):  # never replace a device, FIFO or folder
        raise OutputError(t("io.not_regular", path=str(path)))
    folder = path.parent if str(path.parent) else Path(".")
    temp_name = None
    try:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
            stream = os.fdopen(handle, "wb")
        except OSError as exc:
            raise _write_failed(path, exc) from None
        try:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
            stream.close()
        except OSError as exc:
            raise _write_failed(path, exc) from None
        finally:
            _close_quietly(stream)  # after a failure: pending bytes are dropped with the file
        try:
            os.chmod(temp_name, _mode_for(path))
            os.replace(temp_name, path)
        except OSError as exc:
            raise _write_failed(path, exc) from None
        temp_name = None
        fsync_folder(folder)
    finally:
        if temp_name is not None:
            try:
                os.unlink(temp_name)
            except OSError:
                pass


def _close_quietly(stream: BinaryIO) -> None:
    try:
        stream.close()
    except OSError:
        pass


def _write_failed(path: Path, exc: OSError) -> OutputError:
    return OutputError(t("io.write_failed", path=str(path), reason=exc.strerror or str(exc)))


def write_atomic_many(files: Iterable[tuple[Path, bytes]]) -> None:
    """Publish several files together: all replaced, or none (a report's .md and .html).

    Every file is staged (written and synced beside its target) before any is renamed; each
    previous version is kept under a hard link until all renames succeeded, so a rename that
    fails half way puts the earlier ones back. A destination that is a device, FIFO or
    folder is refused before anything is written (``kxplan.paths``). An interruption
    (Ctrl-C, SIGTERM, SIGHUP) removes the temporary files.
    """
    from kxplan.paths import kind

    files = list(files)
    for path, _ in files:
        if kind(path) in ("special", "directory"):
            raise OutputError(t("io.not_regular", path=str(path)))
    staged: list[tuple[str, Path]] = []
    kept: dict[Path, str | None] = {}  # destination → hard link to its previous version
    done: list[Path] = []
    current = Path(".")
    try:
        for path, data in files:
            current = path
            folder = path.parent if str(path.parent) else Path(".")
            folder.mkdir(parents=True, exist_ok=True)
            handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
            staged.append((temp_name, path))
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(temp_name, _mode_for(path))
        if len(staged) > 1:
            for _, path in staged:
                kept[path] = _keep_previous(path)
        try:
            for temp_name, path in staged:
                current = path
                os.replace(temp_name, path)
                done.append(path)
        except BaseException:
            _roll_back(done, kept)
            raise
        for folder in {path.parent for _, path in staged}:
            fsync_folder(folder)
        staged = []
    except OSError as exc:
        raise _write_failed(current, exc) from None
    finally:
        for temp_name, _ in staged:
            _unlink(temp_name)
        for link in kept.values():
            if link is not None:
                _unlink(link)


def _keep_previous(path: Path) -> str | None:
    """A hard link to the file now at ``path`` (None: there is none, or links are impossible)."""
    if not path.is_file():
        return None
    link = str(path.with_name(f".{path.name}.{os.urandom(4).hex()}.old"))
    try:
        os.link(path, link)
    except OSError:
        return None
    return link


def _roll_back(done: list[Path], kept: dict[Path, str | None]) -> None:
    """Undo the renames already made: previous versions back, new files removed."""
    for path in done:
        previous = kept.get(path)
        try:
            if previous is not None:
                os.replace(previous, path)
                kept[path] = None
            else:
                os.unlink(path)
        except OSError:
            pass


def _unlink(name: str) -> None:
    try:
        os.unlink(name)
    except OSError:
        pass
