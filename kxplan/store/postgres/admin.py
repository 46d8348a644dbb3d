"""What the administrator does on the server: ``kxplan db add-clerk`` (roles and their rights).

A clerk is a login role that may read everything and insert entries and voids only for its
own unit — row-level security (``schema.py``) checks each inserted row against the login's
row in ``kxplan_clerks`` — and holds no UPDATE, DELETE or TRUNCATE anywhere. INSERT is
granted on the data columns only, so a clerk cannot choose an entry's or a void's id either.
An office-wide clerk (the city office, ``--all-units``) has unit NULL: any unit.

The password, when given, is sent as a SCRAM-SHA-256 verifier computed here (what psql's
``\\password`` does), never as plain text the server could write to its log.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from dataclasses import dataclass

from kxplan.entry import timestamp
from kxplan.errors import DatabaseError, InputError
from kxplan.messages import t
from kxplan.store.interface import Location
from kxplan.store.location import ServerLocation, location_of
from kxplan.store.postgres.engine import connect, driver, failure, inspect
from kxplan.store.postgres.schema import ENTRY_INSERT_COLUMNS, SCHEMA_VERSION, VOID_INSERT_COLUMNS

LOGIN_RE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
SCRAM_ITERATIONS = 4096


@dataclass(frozen=True)
class Clerk:
    """A clerk as added: login, unit (None = every unit), whether its role was created now."""

    login: str
    unit: str | None
    created_role: bool
    has_password: bool


def scram_verifier(password: str, *, salt: bytes | None = None) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL stores for ``password`` (RFC 5802/7677)."""
    salt = salt if salt is not None else os.urandom(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, SCRAM_ITERATIONS)
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", "sha256").digest()

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode("ascii")

    return f"SCRAM-SHA-256${SCRAM_ITERATIONS}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


def add_clerk(
    location: Location, login: str, unit: str | None, *, password: str | None = None
) -> Clerk:
    """Create (or reuse) the login role ``login`` and make it a clerk of ``unit`` (None: all).

    One transaction: the role, its grants and its ``kxplan_clerks`` row appear together.
    Refused with one line: a login that is not a plain lower-case name, a superuser or a
    role that bypasses row-level security (the policies would not apply), the login running
    this command, or a login that already is a clerk of this database.
    """
    where = location_of(location)
    assert isinstance(where, ServerLocation), "clerks are roles on a PostgreSQL server"
    if not LOGIN_RE.match(login):
        raise InputError(t("db.clerk_bad_login", login=login))
    if unit is not None and not unit.strip():
        raise InputError(t("db.clerk_unit_required"))
    psycopg = driver()
    from psycopg import sql

    conn = connect(where)
    try:
        version = inspect(conn, where)
        if version is None:
            raise DatabaseError(t("store.pg_uninitialised", path=where))
        if version != SCHEMA_VERSION:
            raise DatabaseError(
                t("store.pg_old", path=where, version=version, known=SCHEMA_VERSION)
            )
        conn.execute("BEGIN")
        me = conn.execute("SELECT current_user").fetchone()[0]
        if login == me:
            raise InputError(t("db.clerk_is_admin", login=login))
        role = conn.execute(
            "SELECT rolsuper OR rolbypassrls FROM pg_catalog.pg_roles WHERE rolname = %s", (login,)
        ).fetchone()
        if role is not None and role[0]:
            raise InputError(t("db.clerk_superuser", login=login))
        earlier = conn.execute(
            "SELECT coalesce(unit, '*') FROM kxplan_clerks WHERE login = %s", (login,)
        ).fetchone()
        if earlier is not None:
            raise InputError(t("db.clerk_exists", login=login, unit=earlier[0]))
        name = sql.Identifier(login)
        if role is None:
            conn.execute(
                sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE").format(name)
            )
        if password is not None:
            conn.execute(
                sql.SQL("ALTER ROLE {} PASSWORD {}").format(
                    name, sql.Literal(scram_verifier(password))
                )
            )
        database = conn.execute("SELECT current_database()").fetchone()[0]
        columns = {
            "entries": sql.SQL(", ").join(map(sql.Identifier, ENTRY_INSERT_COLUMNS)),
            "voids": sql.SQL(", ").join(map(sql.Identifier, VOID_INSERT_COLUMNS)),
        }
        for statement in (
            sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(sql.Identifier(database), name),
            sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(name),
            sql.SQL(
                "GRANT SELECT ON kxplan_meta, kxplan_clerks, entries, voids, markers TO {}"
            ).format(name),
            sql.SQL("GRANT INSERT ({}) ON entries TO {}").format(columns["entries"], name),
            sql.SQL("GRANT INSERT ({}) ON voids TO {}").format(columns["voids"], name),
        ):
            conn.execute(statement)
        conn.execute(
            "INSERT INTO kxplan_clerks (login, unit, added_at) VALUES (%s, %s, %s)",
            (login, unit, timestamp()),
        )
        conn.execute("COMMIT")
    except psycopg.Error as exc:
        raise failure(where, exc) from None
    finally:
        conn.close()
    return Clerk(login, unit, created_role=role is None, has_password=password is not None)
