"""Atomic file writes: a temporary file in the same folder, fsync, then rename over the target.

A reader (or a crash) sees either the old file or the new one, never half of either.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from kxplan.errors import OutputError
from kxplan.messages import t


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically; ``OutputError`` on any OS failure."""
    folder = path.parent if str(path.parent) else Path(".")
    temp_name = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp_name, 0o644)
        os.replace(temp_name, path)
        temp_name = None
    except OSError as exc:
        raise OutputError(
            t("io.write_failed", path=str(path), reason=exc.strerror or str(exc))
        ) from None
    finally:
        if temp_name is not None:
            try:
                os.unlink(temp_name)
            except OSError:
                pass
