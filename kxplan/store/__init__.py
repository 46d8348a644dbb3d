"""The only package that talks to a database.

- ``interface.py``  ``Store``: every method commands, reports, imports and checks call, the
  rules that hold for every engine (an item counted once, a milestone done once, a void
  needs a reason and a live entry), and the plain data some methods answer with
  (``Health``, ``BackupResult``). ``Store.open(location)`` chooses the engine.
- ``retry.py``      the one retry-with-backoff loop (a database another writer holds).
- ``sqlite/``       the embedded default engine (one SQLite file): connection and queries,
  schema and migrations, the file and its publishing, health, backup.

A second engine (PostgreSQL through psycopg 3) is a sibling of ``sqlite/`` implementing
``Store``, chosen in ``Store.open``; nothing outside this package changes.

The names below are imported on first use (PEP 562), so a command that only needs
``store.retry`` or ``store.location`` (every command, at start-up) does not pay for the
interface, the entry rules and ``sqlite3`` (~10 ms).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kxplan.store.interface import (
        BackupResult,
        Health,
        Store,
        database_errors,
        is_database_error,
    )
    from kxplan.store.sqlite.schema import APPLICATION_ID, SCHEMA_VERSION

__all__ = [
    "APPLICATION_ID",
    "SCHEMA_VERSION",
    "BackupResult",
    "Health",
    "Store",
    "database_errors",
    "is_database_error",
]

_HOMES = {
    "APPLICATION_ID": "kxplan.store.sqlite.schema",
    "SCHEMA_VERSION": "kxplan.store.sqlite.schema",
    "BackupResult": "kxplan.store.interface",
    "Health": "kxplan.store.interface",
    "Store": "kxplan.store.interface",
    "database_errors": "kxplan.store.interface",
    "is_database_error": "kxplan.store.interface",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value
