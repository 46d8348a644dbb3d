"""kxplan: track an organisation's annual work plan (YAML plan, SQLite progress, reports)."""

from __future__ import annotations

__version__ = "0.1.0"
