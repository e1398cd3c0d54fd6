"""Live screens and who is here (issue 12, items 3 and 5).

Once a second the app's `Live` asks SQLite whether another connection committed (PRAGMA
data_version, core/changes.py): nothing else is read while nobody writes. When the audit log
grew, the screen in front reloads its data, each table keeping its page, the row under its
cursor (by key) and its scroll; a screen left behind reloads when it comes back. A screen of
one client (`here().rfc`) does not reload when every new audit row is about other clients
(changes.clients_after): a colleague's work on client A costs nothing to a screen of client B,
however big B is. When in doubt (a row about no single client), it reloads. The session of
this process (core/sessions.py) follows the user's place from a thread of its own.

A screen takes part through optional methods and a widget:
- `refresh_data()`: reload what it shows (lists, details, the dashboard). Forms have none:
  what a user is typing is never replaced behind him.
- `here() -> Here`: the client and record it shows (for the session and the note); without
  it, the client is the screen's `rfc` attribute if it has one (the main screens of the
  current client, the forms of a client's program, site or ajuste).
- a `LiveNote` in its layout shows who else changed its record since it was opened and who
  else has its client or record open; it takes no room while there is nothing to say.
"""

from __future__ import annotations

import contextlib
import sqlite3
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlite_utils import Database
from textual.geometry import Offset
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static

from brokertui.core import changes, log, sessions
from brokertui.core.db import file_path, os_user
from brokertui.screens import stale
from brokertui.screens.jobs import error_text
from brokertui.screens.text import plain
from brokertui.screens.widgets import PagedTable

if TYPE_CHECKING:
    from brokertui.screens.base import BrokerApp

POLL_SECONDS = 1.0


@dataclass(frozen=True)
class Here:
    """What a screen shows: the client, the record (entity, key as in the audit log), the
    audit actions (prefixes) that change what it shows (all when empty), and what colleagues
    read about it (the screen's title when empty)."""

    rfc: str | None = None
    record: tuple[str, str] | None = None
    actions: tuple[str, ...] = ()
    label: str = ""


class LiveNote(Static):
    """Who else changed this record, and who else is here; hidden while there is neither."""

    DEFAULT_CSS = """
    LiveNote { height: auto; padding: 0 1; color: $warning; display: none; }
    LiveNote.-shown { display: block; }
    """

    def show(self, lines: list[str]) -> None:
        self.update(plain("\n".join(lines), lines=True))
        self.set_class(bool(lines), "-shown")


@dataclass
class _Seen:
    """What a screen was last refreshed for: the audit mark its data reflects, the audit mark
    it was opened at, and its note."""

    checked: int
    mark: int
    place: sessions.Place | None = None
    touch: changes.Touch | None = None
    others: list[sessions.Session] = field(default_factory=list)


class Live:
    """The app's poll: data changes, this process's session, the notes."""

    def __init__(self, app: BrokerApp, *, clock: sessions.Clock = sessions.utc_now) -> None:
        self.app = app
        self.clock = clock
        self.me = os_user()
        self.version = self.mark = 0
        self.keeper: sessions.Keeper | None = None
        self._seen: weakref.WeakKeyDictionary[Screen, _Seen] = weakref.WeakKeyDictionary()
        self._failing = False

    @property
    def db(self) -> Database:
        return self.app.db

    def start(self) -> None:
        """Poll from now on; register the session (a database in memory has no colleagues)."""
        self.version = changes.data_version(self.db)
        self.mark = changes.audit_mark(self.db)
        path = file_path(self.db)
        if path is not None:
            self.keeper = sessions.Keeper(path, sessions.Place(), failed=_log, clock=self.clock)
            self.keeper.start()
        self.app.set_interval(POLL_SECONDS, self.tick)

    def stop(self) -> None:
        if self.keeper:
            self.keeper.stop()

    def tick(self, *, force: bool = False) -> None:
        """One poll; `force` (the refresh key) reloads the screen whatever changed."""
        screen = self._screen()
        if screen is None or not screen.is_mounted:  # starting, closing, or being built
            return
        seen = self._seen.get(screen)
        first = seen is None
        if seen is None:  # it loaded its data when it opened, before this poll
            seen = self._seen[screen] = _Seen(self.mark, self.mark)
        try:
            moved = self._poll()
            here = screen.here() if hasattr(screen, "here") else Here(getattr(screen, "rfc", None))
            place = _place(screen, here)
            if self.keeper:
                self.keeper.move(place)
            if force or (seen.checked != self.mark and self._about(seen.checked, here.rfc)):
                self._refresh(screen)
            seen.checked = self.mark
            if first or moved or force or place != seen.place:
                seen.place = place
                self._look(screen, seen, here.record, here.actions)
            elif seen.touch:
                self._show(screen, seen)  # "hace N s" moves on
            self._failing = False
        except (sqlite3.Error, OSError) as exc:  # retried next second; the first one logged
            if not self._failing:
                _log(exc)
            self._failing = True

    def _screen(self) -> Screen | None:
        """The screen in front of the user: the top one, but a dialog or the palette (a modal
        screen without `here()`) stands for the screen it is drawn over, which stays in view;
        a modal screen that covers it (F1's help) says where it is with its own `here()`."""
        stack = self.app.screen_stack
        return next(
            (s for s in reversed(stack) if not isinstance(s, ModalScreen) or hasattr(s, "here")),
            None,
        )

    def _poll(self) -> bool:
        """True when another connection committed; the audit mark moves when the data changed
        (a heartbeat is not audited)."""
        version = changes.data_version(self.db)
        if version == self.version:
            return False
        self.version = version
        self.mark = changes.audit_mark(self.db)
        return True

    def _about(self, after: int, rfc: str | None) -> bool:
        """Whether the audit rows after `after` may change a screen of client `rfc` (of no
        client: any change may)."""
        if rfc is None:
            return True
        clients = changes.clients_after(self.db, after)
        return clients is None or rfc in clients

    def _refresh(self, screen: Screen) -> None:
        refresh = getattr(screen, "refresh_data", None)
        if refresh is None:
            return
        try:
            with same_place(screen):
                refresh()
        except Exception as exc:  # a record gone, the database unreadable: said, not fatal
            self.app.notify(error_text(exc), severity="error", timeout=8)

    def _look(
        self,
        screen: Screen,
        seen: _Seen,
        record: tuple[str, str] | None,
        actions: tuple[str, ...],
    ) -> None:
        """Read who changed the record and who else is here, for a screen with a note."""
        if not screen.query(LiveNote):
            return
        seen.touch = (
            changes.latest_change(self.db, *record, after=seen.mark, but=self.me, actions=actions)
            if record
            else None
        )
        seen.others = (
            sessions.others(self.db, self.keeper.id, seen.place, self.clock())
            if self.keeper and seen.place
            else []
        )
        self._show(screen, seen)

    def _show(self, screen: Screen, seen: _Seen) -> None:
        lines = []
        if seen.touch:
            ago = stale.ago(seen.touch.at, stale.clock())
            lines.append(f"Actualizado por {seen.touch.os_user} {ago}")
        if seen.others:
            names = dict.fromkeys(f"{s.os_user} ({s.screen})" for s in seen.others)
            lines.append("También aquí: " + ", ".join(names))
        for note in screen.query(LiveNote):
            note.show(lines)


def _place(screen: Screen, here: Here) -> sessions.Place:
    record = ":".join(here.record) if here.record else None
    return sessions.Place(here.label or screen.title or "", here.rfc, record)


def _log(exc: Exception) -> None:
    log.log_trace(exc, f"Sesión o actualización en vivo: {type(exc).__name__}: {exc}")


@contextlib.contextmanager
def same_place(screen: Screen) -> Iterator[None]:
    """Reload `screen` inside: each of its tables keeps its page, the row under its cursor (by
    its key; by position in a table whose rows have none, or when the row is gone) and its
    scroll."""
    pagers = list(screen.query(PagedTable))
    places = [(t, t.cursor_row, _key(t), t.scroll_offset) for t in screen.query(DataTable)]
    for pager in pagers:
        pager.keep_page = True
    try:
        yield
    finally:
        for pager in pagers:
            pager.keep_page = False
    for table, row, key, offset in places:
        if table.is_attached and table.row_count:
            _restore(table, row, key, offset)


def _key(table: DataTable) -> str | None:
    if not table.row_count:
        return None
    return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value


def _restore(table: DataTable, row: int, key: str | None, offset: Offset) -> None:
    if key is not None and key in table.rows:
        row = table.get_row_index(key)
    table.move_cursor(row=min(row, table.row_count - 1), scroll=False)

    def settle() -> None:  # once the table knows its new height
        table.scroll_to(offset.x, offset.y, animate=False, immediate=True)
        table.move_cursor(row=table.cursor_row)  # into view, if the row moved out of it

    table.call_after_refresh(settle)
