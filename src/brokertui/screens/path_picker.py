"""The path field of the import screens (Data Stage, ERP interfaces): Tab completes a folder's
or a file's name as a shell does (again, when several fit, they are listed under the field),
Ctrl+R offers the user's recent folders (kept per user: core/preferences.py); the field opens
on the latest one. Names from the disk are shown as plain text (screens/text.py)."""

from __future__ import annotations

import contextlib
import os
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from textual import getters
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

from brokertui.core import preferences
from brokertui.core.db import worker_connection
from brokertui.core.errors import DatabaseBusy
from brokertui.screens import commands
from brokertui.screens.dialogs import ChoiceScreen
from brokertui.screens.text import SAFE_INPUT, plain

if TYPE_CHECKING:
    from brokertui.screens.base import BrokerApp

MAX_SCANNED = 20_000  # entries of one folder looked at (a folder of a million files)
MAX_LISTED = 12  # names listed under the field


def complete(text: str, suffixes: tuple[str, ...] = ()) -> tuple[str, list[str]]:
    """Tab on `text`: the text completed as far as every name that fits agrees, and those
    names, sorted (folders end in '/'). A file fits when its suffix is one of `suffixes` (any,
    if none); hidden names only when the typed part starts with '.'; the case matters unless
    nothing fits with it."""
    if text.startswith("~") and "/" not in text:
        return (text + "/", []) if Path(text).expanduser().is_dir() else (text, [])
    head, sep, typed = text.rpartition("/")
    folder = Path(head + sep).expanduser() if sep else Path(".")
    try:
        with os.scandir(folder) as entries:
            found = [_shown(e) for e in islice(entries, MAX_SCANNED)]
    except OSError:
        return text, []
    names = [n for n in found if n and (typed.startswith(".") or not n.startswith("."))]
    names = [n for n in names if n.endswith("/") or not suffixes or n.lower().endswith(suffixes)]
    fits = sorted(n for n in names if n.startswith(typed)) or sorted(
        n for n in names if n.lower().startswith(typed.lower())
    )
    if not fits:
        return text, []
    common = os.path.commonprefix(fits)  # noqa: RUF071 (names, character by character)
    if len(common) < len(typed):  # only case differs among them: keep what was typed
        common = typed
    return head + sep + common, fits


def _shown(entry: os.DirEntry) -> str:
    """An entry's name, '/' after a folder's; '' when it cannot be looked at."""
    try:
        return entry.name + "/" if entry.is_dir() else entry.name
    except OSError:
        return ""


class PathPicker(Vertical):
    """A labelled path field, its completion (Tab) and recent folders (Ctrl+R, in the user's
    preference `recent`). Enter in it is the screen's (Input.Submitted)."""

    DEFAULT_CSS = """
    PathPicker { height: auto; }
    PathPicker Horizontal { height: 1; }
    PathPicker Label { width: 12; color: $text-muted; }
    PathPicker Input { width: 1fr; background: $boost; }
    PathPicker .path-hint { color: $text-muted; padding-left: 12; height: auto; max-height: 3; }
    """
    BINDINGS = commands.bindings("path")
    if TYPE_CHECKING:
        app = getters.app(BrokerApp)

    def __init__(
        self,
        label: str,
        *,
        recent: str,
        suffixes: tuple[str, ...] = (),
        placeholder: str = "",
        input_id: str | None = None,
        enter: tuple[str, str],
    ) -> None:
        """`enter`: the id of the screen's command Enter runs and what it does ("revisa")."""
        super().__init__()
        self.label, self.recent, self.suffixes = label, recent, suffixes
        self.placeholder, self.input_id, self.enter = placeholder, input_id, enter
        self.completed: str | None = None  # the value Tab wrote: its hint stays

    @property
    def usage(self) -> str:
        """The line under the field: its keys as the footer and F1 show them (the user's
        keymap), from the command table."""
        command, does = self.enter
        ids = ("path.complete", "path.recent", command)
        key = {c: commands.key_display(self.app, commands.BY_ID[c]) for c in ids}
        return (
            f"{key['path.complete']} completa la ruta · {key['path.recent']} carpeta reciente"
            f" · {key[command]} {does}"
        )

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label(self.label)
            yield Input(
                placeholder=self.placeholder,
                compact=True,
                highlighter=SAFE_INPUT,
                id=self.input_id,
            )
        yield Static(self.usage, classes="path-hint")

    def on_mount(self) -> None:
        latest = preferences.recent(self.app.db, self.recent)
        if latest and not self.input.value:
            self.input.value = latest[0].rstrip("/") + "/"

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    @property
    def path(self) -> Path | None:
        """What is typed, as a path (None when nothing is)."""
        value = self.input.value.strip()
        return Path(value).expanduser() if value else None

    def hint(self, text: str) -> None:
        self.query_one(".path-hint", Static).update(plain(text))

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.value != self.completed:
            self.hint(self.usage)

    def action_complete(self) -> None:
        """Tab: complete; with nothing to complete (an empty field, a file named whole), the
        next field."""
        value = self.input.value
        if not value.strip() or (self.path and self.path.is_file()):
            self.screen.focus_next()
            return
        text, fits = complete(value, self.suffixes)
        self.completed = text
        if text != value:
            self.input.value = text
            self.input.cursor_position = len(text)
        if not fits:
            self.hint("Ninguna carpeta o archivo empieza así")
        elif len(fits) > 1:
            shown = "  ".join(fits[:MAX_LISTED])
            more = f"  … y {len(fits) - MAX_LISTED:,} más" if len(fits) > MAX_LISTED else ""
            self.hint(f"{len(fits):,} coinciden: {shown}{more}")
        else:
            self.hint(self.usage)

    def action_recent(self) -> None:
        folders = preferences.recent(self.app.db, self.recent)
        if not folders:
            self.hint("Aún no hay carpetas recientes: se guardan al importar")
            return
        choices = [(str(n), folder) for n, folder in enumerate(folders, start=1)]

        def chosen(key: str | None) -> None:
            if key:
                self.input.value = dict(choices)[key].rstrip("/") + "/"
                self.input.cursor_position = len(self.input.value)
            self.input.focus()

        picker = ChoiceScreen("¿De qué carpeta?", "Carpetas recientes", choices)
        self.app.push_screen(picker, chosen)

    def remember(self, path: Path) -> None:
        """Keep the folder of `path` (or `path`, a folder) first among the recent ones, in a
        thread on a connection of its own: a colleague's long write (an import) holding the
        database must not freeze the screen, nor turn the import just done into an error; a
        recent folder not kept then is no loss."""
        folder = str((path if path.is_dir() else path.parent).resolve())

        def keep() -> None:
            with contextlib.suppress(DatabaseBusy), worker_connection(self.app.db) as conn:
                preferences.remember(conn, self.recent, folder)

        self.run_worker(keep, name="recent", thread=True)
