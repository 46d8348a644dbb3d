"""The PostgreSQL engine: a kxplan database on a server, for many offices recording at once.

- ``schema.py``  DDL and migrations, the application marker, append-only triggers and
  privileges, row-level security for per-unit clerks.
- ``engine.py``  ``PostgresStore``: connection (libpq conventions), transactions under one
  advisory write lock, queries, ``COPY`` for bulk import; errors as one line without secrets.
- ``admin.py``   what the administrator does: ``db init``'s schema, ``db add-clerk``'s roles.

psycopg is imported only when a ``postgresql://`` location is opened.
"""
