"""The warehouse's one error type, apart so that `db` and `lake` can both raise it."""

from __future__ import annotations


class WarehouseError(RuntimeError):
    """A database problem worth one clear line to the user (locked, read-only, corrupt, disk full, catalog down)."""
