"""Importar interfaces del ERP (issue 16, item 3): the current client's materiales, productos,
BOM, entradas, salidas, ajustes… (every kind of core/anexo24/interface_kinds.py). Enter checks
the file in a worker without writing anything and shows its first rows as read and every error
by row, field and rule (Enter checks from anywhere on the screen but the interface's list,
which it opens); Ctrl+S then imports that same file (refused if it changed) in a worker
with a progress bar, and says what it did. Esc leaves; nothing is written without Ctrl+S."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from rich.cells import cell_len
from sqlite_utils import Database
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Header, Input, Label, Select, Static

from brokertui.core.anexo24 import interface_kinds
from brokertui.core.anexo24.preview import Preview
from brokertui.core.formatting import count
from brokertui.core.plural import counted
from brokertui.core.progress import Progress
from brokertui.core.text import shown_name
from brokertui.screens import commands
from brokertui.screens.base import ClientScreen
from brokertui.screens.jobs import JobBar, Jobs
from brokertui.screens.path_picker import PathPicker
from brokertui.screens.text import clean, plain
from brokertui.screens.widgets import ChoiceSelect, KeyFooter

SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm")
CELL_CHARS = 24  # a preview cell is cut there: the table is a glance, the file is the record


class InterfaceImportScreen(ClientScreen):
    DEFAULT_CSS = """
    InterfaceImportScreen > Vertical { padding: 0 1; }
    InterfaceImportScreen .if-line { height: 1; }
    InterfaceImportScreen .if-line Label { width: 12; color: $text-muted; }
    InterfaceImportScreen Select { width: 1fr; }
    InterfaceImportScreen #if-about { color: $text-muted; padding-left: 12; }
    InterfaceImportScreen ProgressBar { margin-top: 1; }
    InterfaceImportScreen #if-status { height: auto; max-height: 4; }
    InterfaceImportScreen #if-status.-error { color: $error; }
    InterfaceImportScreen #if-status.-done { color: $success; }
    InterfaceImportScreen DataTable { height: 1fr; }
    InterfaceImportScreen #if-rows { max-height: 8; }
    """
    BINDINGS = commands.bindings("interface_import")

    def __init__(self) -> None:
        super().__init__()
        self.jobs = Jobs(self, bar="#if-progress")
        # kind, file, client, what Enter found
        self.checked: tuple[str, Path, str, Preview] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical():
            client = self.app.client
            with Horizontal(classes="if-line"):
                yield Label("Cliente")
                yield Static(plain(f"{client.rfc} · {client.razon_social}" if client else ""))
            with Horizontal(classes="if-line"):
                yield Label("Interfaz")
                yield ChoiceSelect(
                    [(i.name, kind) for kind, i in interface_kinds.INTERFACES.items()],
                    value=next(iter(interface_kinds.INTERFACES)),
                    allow_blank=False,
                    compact=True,
                    id="if-kind",
                )
            yield Static(id="if-about")
            yield PathPicker(
                "Archivo",
                recent="carpetas.interfaces",
                suffixes=SUFFIXES,
                placeholder="/ruta/al/archivo.csv o .xlsx",
                enter=("interface_import.check", "revisa"),
            )
            yield JobBar(id="if-progress")
            yield Static("", id="if-status")
            yield DataTable(id="if-rows", cursor_type="row", zebra_stripes=True)
            yield DataTable(id="if-errors", cursor_type="row")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = "Importar interfaces del ERP"
        self.describe()
        self.query_one(PathPicker).input.focus()

    @property
    def kind(self) -> str:
        return str(self.query_one("#if-kind", Select).value)

    def describe(self) -> None:
        interface = interface_kinds.get(self.kind)
        optional = f"; opcionales: {', '.join(interface.optional)}" if interface.optional else ""
        self.query_one("#if-about", Static).update(
            plain(
                f"{interface.about}.\nColumnas: {', '.join(interface.columns)}{optional}",
                lines=True,
            )
        )

    def on_select_changed(self, event: Select.Changed) -> None:
        self.describe()
        self.forget()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.forget()

    def forget(self) -> None:
        """What was checked no longer matches the kind or the file chosen."""
        if self.checked and not self.jobs.running:
            self.checked = None
            self.say(f"{self.key('interface_import.check')} revisa el archivo otra vez.")
            self.query_one("#if-rows", DataTable).clear(columns=True)
            self.query_one("#if-errors", DataTable).clear(columns=True)

    def action_check(self) -> None:
        """Enter, wherever the focus is (but on the interface's list, which it opens): the dry
        run of the file (nothing is written)."""
        focused = self.focused
        if focused is not None and any(
            isinstance(node, Select) for node in (focused, *focused.ancestors)
        ):
            raise SkipAction
        path = self.query_one(PathPicker).path
        if path is None:
            tab = self.key("path.complete")
            self.say(f"Escriba la ruta del archivo en Archivo ({tab} la completa).", "error")
            self.query_one(PathPicker).input.focus()
            return
        if not (rfc := self.chosen_rfc()):
            return
        if path.is_dir():
            tab = self.key("path.complete")
            name = shown_name(str(path))
            self.say(f"{name} es una carpeta: elija un archivo ({tab} lista los suyos).", "error")
            return
        kind = self.kind
        task = partial(_preview, kind, path, rfc)
        if self.jobs.start(
            task, partial(self.previewed, kind, path, rfc), failed=self.failed, progress=self.staged
        ):
            self.checked = None
            self.say("Revisando…")

    def previewed(self, kind: str, path: Path, rfc: str, found: Preview) -> None:
        self.checked = (kind, path, rfc, found)
        head = [
            [str(number), *(_cut(values.get(c, "")) for c in found.columns)]
            for number, values in found.head
        ]
        _fill(self.query_one("#if-rows", DataTable), ["Fila", *found.columns], head)
        errors = self.query_one("#if-errors", DataTable)
        listed = [[str(e.row), e.field or "(fila)", e.rule] for e in found.errors]
        _fill(errors, ["Fila", "Campo", "Regla"], listed)
        errors.display = bool(listed)
        if found.ok:
            self.say(
                f"{found.summary()}. {self.key('interface_import.commit')} importa; "
                f"{self.key('interface_import.back')} vuelve sin importar."
            )
        elif found.errors:
            kept = len(found.errors)
            shown = f"; se listan los primeros {count(kept)}" if found.problems > kept else ""
            self.say(
                f"{found.summary()} ({counted(found.problems, 'error', 'errores')}{shown}).",
                "error",
            )
            errors.focus()
        else:
            self.say(f"{found.summary()}.", "error")

    def action_commit(self) -> None:
        """Ctrl+S: import the file just checked, unless something is wrong with it."""
        if self.jobs.running:
            return
        if not self.checked:
            self.say(
                f"Primero revise el archivo: {self.key('interface_import.check')} en Archivo.",
                "error",
            )
            return
        kind, path, rfc, found = self.checked
        if not found.ok:
            self.say(f"{found.summary()}: corríjalo y revíselo otra vez.", "error")
            return
        task = partial(_load, kind, path, rfc, found.digest, found.rows)
        if self.jobs.start(
            task, partial(self.loaded, path), failed=self.failed, progress=self.staged
        ):
            self.say("Importando…")

    def loaded(self, path: Path, summary: str) -> None:
        self.checked = None
        self.query_one(PathPicker).remember(path)
        self.say(summary, "done")
        self.notify(summary, timeout=6)

    def staged(self, done: int, total: int, stage: str) -> None:
        if total:
            self.say(f"{stage}: {count(done)} de {counted(total, 'fila')}…")
        else:
            self.say(f"{stage}: {counted(done, 'fila')}…")

    def failed(self, text: str) -> None:
        self.checked = None
        self.say(text, "error")

    def say(self, text: str, level: str = "") -> None:
        status = self.query_one("#if-status", Static)
        status.update(plain(text, lines=True))
        status.set_class(level == "error", "-error")
        status.set_class(level == "done", "-done")

    def key(self, command_id: str) -> str:
        """A key named in a message, as the footer shows it (the user's keymap)."""
        return commands.key_of(self.app, command_id)

    def action_leave(self) -> None:
        if self.jobs.running:
            self.notify("La revisión o la importación sigue en curso; espere a que termine.")
            return
        self.dismiss(None)


def _fill(table: DataTable, titles: list[str], rows: list[list[str]]) -> None:
    """The table's columns, each as wide as its widest cell (set here, so the table is drawn
    whole at once), and its rows, as plain text."""
    table.clear(columns=True)
    for n, title in enumerate(titles):
        widest = max((cell_len(clean(row[n])) for row in rows), default=0)
        table.add_column(title, width=max(cell_len(title), widest))
    table.add_rows([[plain(cell) for cell in row] for row in rows])


def _cut(value: str) -> str:
    return value if len(value) <= CELL_CHARS else value[: CELL_CHARS - 1] + "…"


def _preview(kind: str, path: Path, rfc: str, conn: Database, progress: Progress) -> Preview:
    return interface_kinds.preview_file(conn, kind, path, rfc, progress=progress)


def _load(
    kind: str, path: Path, rfc: str, digest: str, rows: int, conn: Database, progress: Progress
) -> str:
    """The import, its progress told against the rows the preview counted."""

    def told(done: int, total: int, stage: str) -> None:
        progress(done, total or rows, stage)

    return interface_kinds.load(conn, kind, path, rfc, digest=digest, progress=told)
