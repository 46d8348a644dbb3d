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
"""

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
