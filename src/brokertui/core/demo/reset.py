"""`demo --reset`: replace a demo database with a fresh demo dataset, and nothing else.

Only a database marked as a demo one (by `clients.load`, in the transaction that filled it) is
deleted, and only while nobody has it open (dblock): no session keeps writing into a deleted
file. The new database records the reset in its audit trail."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from brokertui.core import db, dblock
from brokertui.core.demo import clients
from brokertui.core.errors import BrokerError


def is_demo(db_path: Path) -> bool:
    """Whether the file at `db_path` is a demo database (anything unreadable is not)."""
    try:
        conn = sqlite3.connect(db_path)
        try:
            row = conn.execute("SELECT value FROM settings WHERE key = ?", [clients.MARK])
            marked = row.fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return marked is not None and marked[0] == "1"


def reset(db_path: Path, today: date) -> int:
    """Replace the demo database at `db_path` (if any) with a fresh one; returns the number of
    clients. Refuses a database that is not a demo one, and while anyone has it open. The new
    one is built beside it first: a demo that cannot be built (a `today` far from its dates)
    leaves the old one as it was."""
    db_path = Path(db_path)
    with dblock.exclusive(db_path):
        existed = db_path.exists()
        if existed and not is_demo(db_path):
            raise BrokerError(f"esta base no es una base de demostración; no se borra ({db_path})")
        new = db_path.with_name(f"{db_path.name}.nueva")
        _delete(new)
        try:
            count = _build(new, today, db_path.name, existed)
        except BaseException:
            _delete(new)
            raise
        finally:
            dblock.lock_path(new).unlink(missing_ok=True)
        _delete(db_path)
        new.replace(db_path)  # nobody has either open: the exclusive lock
    return count


def _build(path: Path, today: date, name: str, replaces: bool) -> int:
    """A demo database at `path`, whole in its main file (its WAL checkpointed)."""
    fresh = db.connect(path)
    try:
        count = clients.load(fresh, today)
        with db.write(fresh, "demo.reset", "db", name, {"reemplazada": replaces}):
            pass
        fresh.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        fresh.close()
    return count


def _delete(path: Path) -> None:
    """A database file and its WAL files."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
