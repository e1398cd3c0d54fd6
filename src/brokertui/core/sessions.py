"""Who is here: one row per open TUI in `sessions`, so that colleagues see who else has a
client or a record open. This module is the table's only writer.

A process keeps its row up to date with a `Keeper`: a thread of its own, with its own
connection, writes the row when the user moves and every HEARTBEAT seconds (one short
statement; the UI never waits for the write lock), and deletes it on exit. A row whose
heartbeat is older than STALE seconds belongs to a process that died (an SSH link dropped): it
is ignored, and deleted by the next heartbeat of anyone. Sessions are not audited.
"""

from __future__ import annotations

import os
import secrets
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlite_utils import Database

from brokertui.core import db as store

HEARTBEAT = 15  # seconds between two writes of a session that does not move
STALE = 60  # seconds without a heartbeat after which a session is ignored and deleted
BUSY_TIMEOUT_MS = 5_000  # a heartbeat waits this long for the write lock, then skips a beat
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Place:
    """Where a user is: what colleagues read (`screen`), the client and the record open
    ("entity:key" as in the audit log, e.g. "pedimento:26243953600098")."""

    screen: str = ""
    rfc: str | None = None
    record: str | None = None


@dataclass(frozen=True)
class Session:
    id: str
    os_user: str
    pid: int
    host: str
    started_at: str
    heartbeat_at: str
    screen: str
    rfc: str | None
    record: str | None


def _stamp(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="seconds")


def beat(db: Database, session_id: str, place: Place, now: datetime, *, started: datetime) -> None:
    """Write this process's session (registering it if missing: a row deleted as stale after
    the machine slept comes back) at `place`, and delete the stale ones. One transaction."""
    with store.transaction(db):
        db.execute(
            "INSERT INTO sessions (id, os_user, pid, host, started_at, heartbeat_at, screen, "
            "rfc, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
            "heartbeat_at = excluded.heartbeat_at, screen = excluded.screen, "
            "rfc = excluded.rfc, record = excluded.record",
            [
                session_id,
                store.os_user(),
                os.getpid(),
                socket.gethostname(),
                _stamp(started),
                _stamp(now),
                place.screen,
                place.rfc,
                place.record,
            ],
        )
        db.execute("DELETE FROM sessions WHERE heartbeat_at < ?", [_stamp(now - _stale())])


def end(db: Database, session_id: str) -> None:
    """Delete this process's session (on exit)."""
    db.execute("DELETE FROM sessions WHERE id = ?", [session_id])


def others(db: Database, session_id: str | None, place: Place, now: datetime) -> list[Session]:
    """The live sessions, other than `session_id`, that have `place`'s client or record open;
    by user."""
    if not place.rfc and not place.record:
        return []
    rows = db.execute(
        "SELECT id, os_user, pid, host, started_at, heartbeat_at, screen, rfc, record "
        "FROM sessions WHERE id IS NOT ? AND heartbeat_at >= ? "
        "AND (rfc = ? OR record = ?) ORDER BY os_user, started_at",
        [session_id, _stamp(now - _stale()), place.rfc, place.record],
    ).fetchall()
    return [Session(*row) for row in rows]


def _stale() -> timedelta:
    return timedelta(seconds=STALE)


class Keeper:
    """This process's session, kept by a daemon thread on its own connection to `path`.

    `move` only records the new place and wakes the thread; `stop` deletes the row (waiting at
    most `timeout` seconds). A failed write is passed to `failed` (the TUI logs it) and the
    next beat tries again."""

    def __init__(
        self,
        path: Path,
        place: Place,
        *,
        failed: Callable[[Exception], object],
        clock: Clock = utc_now,
        heartbeat: float = HEARTBEAT,
    ) -> None:
        self.id = secrets.token_hex(8)
        self.path = path
        self.place = place
        self.failed = failed
        self.clock = clock
        self.heartbeat = heartbeat
        self.started = clock()
        self._wake = threading.Event()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="brokertui-session", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def move(self, place: Place) -> None:
        if place != self.place:
            self.place = place
            self._wake.set()

    def stop(self, timeout: float = 2.0) -> None:
        self._stopping = True
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        try:
            conn = store.connect(self.path)
        except Exception as exc:  # no session: nobody sees this user, nothing else changes
            self.failed(exc)
            return
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            while not self._stopping:
                self._wake.clear()
                self._try(beat, conn, self.id, self.place, self.clock(), started=self.started)
                self._wake.wait(self.heartbeat)
            self._try(end, conn, self.id)
        finally:
            conn.close()

    def _try(self, write: Callable[..., None], *args: object, **kwargs: object) -> None:
        try:
            write(*args, **kwargs)
        except Exception as exc:  # a missed beat is retried; the row expires if all fail
            self.failed(exc)
