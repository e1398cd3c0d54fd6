"""Office-wide settings kept in the database (the `settings` table, one text value per key);
this module is their only writer, and every change is audited."""

from __future__ import annotations

from sqlite_utils import Database

from brokertui.core.db import now, os_user, write


def get(db: Database, key: str, default: str | None = None) -> str | None:
    row = db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    return row[0] if row else default


def put(db: Database, key: str, value: str) -> None:
    """Set one setting (joins the caller's transaction when there is one)."""
    with write(db, "setting.set", "setting", key, {"value": value}):
        db.execute(
            "INSERT INTO settings (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
            "updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            [key, value, now(), os_user()],
        )
