"""Drafts of the pedimento capture form, saved as the user types so a dropped SSH connection
loses nothing. Saving a draft is one statement (atomic on its own) and is not audited: the
audit trail records the pedimento when it is saved. Deleting one is audited."""

from __future__ import annotations

import json

from sqlite_utils import Database

from brokertui.core.db import now, os_user, write
from brokertui.core.errors import NotFound
from brokertui.core.text import strip_controls


def save_draft(db: Database, draft_id: int | None, client_id: int | None, values: dict) -> int:
    """Create or update a draft; returns its id."""
    # The form's raw values: a lone surrogate (an undecodable pasted byte) stays escaped in
    # the JSON and out of the número, which SQLite could not store.
    numero = strip_controls(str(values.get("encabezado", {}).get("numero", "")))
    data = json.dumps(values)
    if draft_id is not None:
        cursor = db.execute(
            "UPDATE pedimento_drafts SET data = ?, numero = ?, client_id = ?, updated_at = ? "
            "WHERE id = ?",
            [data, numero, client_id, now(), draft_id],
        )
        if cursor.rowcount:
            return draft_id
    cursor = db.execute(
        "INSERT INTO pedimento_drafts (os_user, client_id, numero, data, updated_at) "
        "VALUES (?, ?, ?, ?, ?)",
        [os_user(), client_id, numero, data, now()],
    )
    assert cursor.lastrowid is not None, "an INSERT sets lastrowid"
    return cursor.lastrowid


def list_drafts(db: Database, client_id: int | None) -> list[dict]:
    """The current user's drafts for one client, newest first, with the client's RFC and
    razón social."""
    return [
        dict(r)
        for r in db.query(
            "SELECT d.id, d.numero, d.updated_at, c.rfc, c.razon_social "
            "FROM pedimento_drafts d LEFT JOIN clients c ON c.id = d.client_id "
            "WHERE d.os_user = ? AND d.client_id IS ? "
            "ORDER BY d.updated_at DESC, d.id DESC",
            [os_user(), client_id],
        )
    ]


def load_draft(db: Database, draft_id: int) -> dict:
    row = db.execute("SELECT data FROM pedimento_drafts WHERE id = ?", [draft_id]).fetchone()
    return json.loads(row[0]) if row else {}


def delete_draft(db: Database, draft_id: int, client_id: int | None) -> None:
    """Delete one of the current user's drafts for `client_id` (discarded, or saved as a
    pedimento), with an audit row; another user's or another client's draft is refused."""
    row = db.execute(
        "SELECT d.numero, c.rfc FROM pedimento_drafts d LEFT JOIN clients c ON c.id = d.client_id "
        "WHERE d.id = ? AND d.os_user = ? AND d.client_id IS ?",
        [draft_id, os_user(), client_id],
    ).fetchone()
    if row is None:
        raise NotFound(f"El borrador {draft_id} no existe o no es suyo para este cliente.")
    detail = {"numero": row[0], "rfc": row[1]}  # the client, for live screens (core/changes.py)
    with write(db, "draft.delete", "pedimento_draft", str(draft_id), detail):
        db.execute("DELETE FROM pedimento_drafts WHERE id = ?", [draft_id])
