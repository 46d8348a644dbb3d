"""The embedded default engine: a kxplan database in one SQLite file.

- ``engine.py``  ``SqliteStore``: opening (PRAGMAs), transactions, every query;
- ``schema.py``  DDL, migrations (``sqlite_utils.Migrations``), ``SCHEMA_VERSION``;
- ``sql.py``     SQL fragments and row conversion the modules share;
- ``dbfile.py``  the file: header inspection, staging, publishing, removal;
- ``health.py``  the questions ``kxplan check`` asks (``PRAGMA quick_check`` and the entries);
- ``backup.py``  the online backup API, a verified copy, and its publishing.
"""
