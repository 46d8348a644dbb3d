"""Where a database is: an SQLite file path, or a PostgreSQL server URL — and how to show it.

``--db`` and ``KXPLAN_DB`` take either. A ``postgresql://`` (or ``postgres://``) URL becomes
a ``ServerLocation``, whose text (``str``) never carries the password: every message, log
line and error that names the database formats the location, so redaction happens here,
once. libpq conventions apply to credentials: a password in the URL works but is better in
``PGPASSWORD`` or ``~/.pgpass``; ``sslmode=`` and other parameters ride in the URL's query.

This module imports nothing heavy: psycopg is loaded only when a server is opened.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

SCHEMES = ("postgresql", "postgres")
_SECRET_PARAMS = frozenset({"password", "sslpassword"})


def is_server_url(text: str | Path) -> bool:
    """Whether ``text`` names a PostgreSQL server (``postgresql://…`` / ``postgres://…``)."""
    if isinstance(text, Path):
        return False
    head, sep, _ = str(text).partition("://")
    return bool(sep) and head.lower() in SCHEMES


@dataclass(frozen=True)
class ServerLocation:
    """A PostgreSQL database named by a URL; ``str()`` is the URL with its password hidden."""

    url: str

    def __str__(self) -> str:
        return redact(self.url)

    def __repr__(self) -> str:
        return f"ServerLocation({redact(self.url)!r})"

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    @property
    def secrets(self) -> tuple[str, ...]:
        """The secret strings of this URL (to scrub from a driver's error text)."""
        parts = urlsplit(self.url)
        found = [parts.password or ""]
        found += [
            v for k, v in parse_qsl(parts.query, keep_blank_values=True) if k in _SECRET_PARAMS
        ]
        return tuple(sorted({s for s in found if s}, key=len, reverse=True))

    def scrub(self, text: str) -> str:
        """``text`` with every secret of this URL replaced by ``***``."""
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text


def redact(url: str) -> str:
    """The URL with the password (user-info and ``password=`` parameters) shown as ``***``."""
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        if "@" in netloc:
            userinfo, _, hostport = netloc.rpartition("@")
            user, sep, _password = userinfo.partition(":")
            netloc = f"{user}:***@{hostport}" if sep else f"{user}@{hostport}"
        query = parts.query
        if query:
            pairs = parse_qsl(query, keep_blank_values=True)
            if any(key in _SECRET_PARAMS for key, _ in pairs):
                query = urlencode(
                    [(k, "***" if k in _SECRET_PARAMS else v) for k, v in pairs], safe="*"
                )
        return urlunsplit(parts._replace(netloc=netloc, query=query))
    except ValueError:  # not even a URL: hide everything after the scheme's user part
        return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


def location_of(text: str | Path | ServerLocation) -> Path | ServerLocation:
    """The location ``--db``/``KXPLAN_DB`` names: a ``ServerLocation`` for a URL, else a path."""
    if isinstance(text, ServerLocation):
        return text
    if is_server_url(text):
        return ServerLocation(str(text))
    return Path(text)
