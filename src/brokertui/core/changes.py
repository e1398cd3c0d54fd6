"""What others changed while a screen was open: cheap checks for live screens.

`data_version` is SQLite's counter of commits made by OTHER connections to the database
(PRAGMA data_version: unchanged by this connection's own commits; it reads the WAL index in
shared memory, no table). When it moves, `audit_mark` (the last audit row, one index seek)
tells a change to the data, which every write audits (db.write), from a session heartbeat,
which is not audited. `latest_change` says who changed a record shown and when.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlite_utils import Database


def data_version(db: Database) -> int:
    return db.execute("PRAGMA data_version").fetchone()[0]


def audit_mark(db: Database) -> int:
    """The id of the last audit row (0 when there is none)."""
    return db.execute("SELECT coalesce(max(id), 0) FROM audit_log").fetchone()[0]


@dataclass(frozen=True)
class Touch:
    """The latest audited change of a record: who (OS user), when (UTC ISO-8601), the action."""

    os_user: str
    at: str
    action: str


def latest_change(
    db: Database,
    entity: str,
    key: str,
    *,
    after: int,
    but: str,
    actions: Sequence[str] = (),
) -> Touch | None:
    """The newest audit row of record (`entity`, `key`) after audit row `after`, made by an
    OS user other than `but`, among `actions` (prefixes, e.g. "client."; all when empty)."""
    where = " OR ".join("instr(action, ?) = 1" for _ in actions)
    row = db.execute(
        "SELECT os_user, at, action FROM audit_log WHERE entity = ? AND entity_key = ? "
        f"AND id > ? AND os_user != ? {f'AND ({where})' if where else ''} "
        "ORDER BY id DESC LIMIT 1",
        [entity, key, after, but, *actions],
    ).fetchone()
    return Touch(*row) if row else None
