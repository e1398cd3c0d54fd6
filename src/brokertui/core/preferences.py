"""Each user's preferences (the `preferences` table, one JSON value per user and name), kept
across restarts; this module is their only writer. The TUI keeps there how each list is
sorted and searched (screens/widgets.py, PagedTable) and the folders it last imported from
(screens/path_picker.py). Not audited: a view is not data."""

from __future__ import annotations

import json

from sqlite_utils import Database

from brokertui.core.db import now, os_user, transaction


def get(db: Database, name: str) -> dict:
    """The user's value for `name` ({} when none, or when what is stored is not an object)."""
    row = db.execute(
        "SELECT value FROM preferences WHERE os_user = ? AND name = ?", [os_user(), name]
    ).fetchone()
    try:
        value = json.loads(row[0]) if row else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def put(db: Database, name: str, value: dict) -> None:
    """Set the user's value for `name` (one short transaction)."""
    with transaction(db):
        db.execute(
            "INSERT INTO preferences (os_user, name, value, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (os_user, name) DO UPDATE SET value = excluded.value, "
            "updated_at = excluded.updated_at",
            [os_user(), name, json.dumps(value, ensure_ascii=False), now()],
        )


RECENT = 8  # folders kept per list


def recent(db: Database, name: str) -> list[str]:
    """The user's list `name` of recent values (folders), the latest first."""
    values = get(db, name).get("recientes", [])
    return [v for v in values if isinstance(v, str)][:RECENT] if isinstance(values, list) else []


def remember(db: Database, name: str, value: str) -> None:
    """Put `value` first in the user's list `name`, keeping the RECENT latest."""
    kept = [v for v in recent(db, name) if v != value]
    put(db, name, {"recientes": [value, *kept][:RECENT]})
