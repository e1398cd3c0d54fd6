"""What others changed while a screen was open: cheap checks for live screens.

`data_version` is SQLite's counter of commits made by OTHER connections to the database
(PRAGMA data_version: unchanged by this connection's own commits; it reads the WAL index in
shared memory, no table). When it moves, `audit_mark` (the last audit row, one index seek)
tells a change to the data, which every write audits (db.write), from a session heartbeat,
which is not audited. `clients_after` says which clients the new changes are about (a screen of
another client has nothing to reload); `latest_change` says who changed a record shown and when.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from sqlite_utils import Database


def data_version(db: Database) -> int:
    return db.execute("PRAGMA data_version").fetchone()[0]


AUDIT_MARK = "SELECT coalesce(max(id), 0) FROM audit_log"


def audit_mark(db: Database) -> int:
    """The id of the last audit row (0 when there is none)."""
    return db.execute(AUDIT_MARK).fetchone()[0]


MOST_ROWS = 200  # more audit rows than this since a screen's last look: it just reloads


def clients_after(db: Database, after: int) -> set[str] | None:
    """The RFCs of the clients the audit rows after row `after` are about, or None when one of
    them is about no single client known here (a Data Stage delivery, a setting, the calendar,
    a program, a draft without client...) or there are more than MOST_ROWS: then anything
    may have changed. A row of entity "client" is about its key; a pedimento's, about the
    clients holding that número; a draft's, about the "rfc" of its detail."""
    rows = db.execute(
        "SELECT entity, entity_key, detail FROM audit_log WHERE id > ? ORDER BY id LIMIT ?",
        [after, MOST_ROWS + 1],
    ).fetchall()
    if len(rows) > MOST_ROWS:
        return None
    about: set[str] = set()
    for entity, key, detail in rows:
        if entity == "client":
            found = {key}
        elif entity == "pedimento":
            found = {
                rfc
                for (rfc,) in db.execute(
                    "SELECT c.rfc FROM pedimentos p JOIN clients c ON c.id = p.client_id "
                    "WHERE p.numero = ?",
                    [key],
                )
            }
        elif entity == "pedimento_draft":
            rfc = json.loads(detail).get("rfc")
            found = {rfc} if isinstance(rfc, str) else set()
        else:
            found = set()
        if not found:
            return None
        about |= found
    return about


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
