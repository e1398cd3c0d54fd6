"""Importar Data Stage: a zip or a folder of zips, then the import in a worker with one
progress bar and a summary (per client, kept-aside RFCs, refused files)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from sqlite_utils import Database
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Input, Label, Static

from brokertui.core.pedimentos.datastage import batch
from brokertui.core.pedimentos.datastage import importer as datastage
from brokertui.core.text import shown_name
from brokertui.screens import commands
from brokertui.screens.base import Guarded
from brokertui.screens.jobs import JobBar, Jobs, Progress
from brokertui.screens.path_picker import PathPicker
from brokertui.screens.text import SAFE_INPUT, plain
from brokertui.screens.widgets import KeyFooter

T = TypeVar("T")


class DataStageImportScreen(Guarded, Screen):
    """Enter a zip's or a folder's path and press Enter; the result (or every bad row) is
    shown below."""

    DEFAULT_CSS = """
    DataStageImportScreen > Vertical { padding: 1 2; }
    DataStageImportScreen Horizontal { height: 1; }
    DataStageImportScreen Label { width: 12; color: $text-muted; }
    DataStageImportScreen Input { width: 1fr; background: $boost; }
    DataStageImportScreen ProgressBar { margin: 1 0; }
    DataStageImportScreen #import-stage { color: $text-muted; }
    DataStageImportScreen #import-result { height: auto; }
    DataStageImportScreen VerticalScroll { height: 1fr; }
    DataStageImportScreen #import-result.-error { color: $error; }
    """
    BINDINGS = commands.bindings("datastage_import")

    def __init__(self) -> None:
        super().__init__()
        self.jobs = Jobs(self, bar="#import-progress")

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical():
            yield Static(
                "Zip de Data Stage entregado por ANAM (FOLIO_Solicitudes.zip) o una carpeta"
                " de zips. Cada zip se importa completo o nada; cada pedimento va al cliente"
                " de su RFC y los de RFC que no son clientes se apartan hasta registrarlos."
            )
            yield PathPicker(
                "Zip/carpeta",
                recent="carpetas.datastage",
                suffixes=(".zip",),
                placeholder="/ruta/al/1875724_Solicitudes.zip o /ruta/a/la/carpeta",
                input_id="import-path",
                enter=("datastage_import.run", "importa"),
            )
            with Horizontal():
                yield Label("Sólo RFC")
                yield Input(
                    placeholder="vacío: todos los RFC del zip",
                    id="import-rfc",
                    compact=True,
                    highlighter=SAFE_INPUT,
                )
            yield JobBar(id="import-progress")
            yield Static("", id="import-stage")
            with VerticalScroll():
                yield Static("", id="import-result")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = "Importar Data Stage"
        self.query_one("#import-path", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_run()

    def action_run(self) -> None:
        """Enter (in either field, or the key the user's keymap gives it): the import."""
        zip_path = self.query_one(PathPicker).path
        if zip_path is None:
            tab = commands.key_of(self.app, "path.complete")
            self.show(f"Escriba la ruta del zip o de la carpeta ({tab} la completa).", error=True)
            self.query_one("#import-path", Input).focus()
            return
        rfc = self.query_one("#import-rfc", Input).value.strip() or None
        if zip_path.is_dir():
            if rfc:
                self.show("Sólo RFC no se usa con una carpeta: se importan todos.", error=True)
                return
            task: Callable[[Database, Progress], object] = partial(_folder, zip_path)
            done: Callable[[Any], None] = partial(self.remembered, zip_path, self.folder_imported)
        else:
            task = partial(_zip, zip_path, rfc)
            done = partial(self.remembered, zip_path, self.imported)
        if self.jobs.start(
            task,
            done,
            failed=partial(self.finish, error=True),
            progress=self.staged,
        ):
            self.show("", error=False)

    def remembered(self, path: Path, shown: Callable[[Path, T], None], result: T) -> None:
        """A finished import: its folder first among the recent ones, then `shown`."""
        self.query_one(PathPicker).remember(path)
        shown(path, result)

    def staged(self, done: int, total: int, stage: str) -> None:
        self.query_one("#import-stage", Static).update(plain(f"{stage}…"))

    def imported(self, path: Path, result: datastage.ImportResult) -> None:
        self.finish("\n".join(batch.zip_lines(shown_name(path), result)[:60]), error=False)

    def folder_imported(self, path: Path, summary: batch.Summary) -> None:
        self.finish("\n".join([summary.read(path), *summary.lines()][:200]), error=False)

    def finish(self, text: str, *, error: bool) -> None:
        self.query_one("#import-stage", Static).update("Error" if error else "Listo")
        self.show(text, error=error)

    def show(self, text: str, *, error: bool) -> None:
        result = self.query_one("#import-result", Static)
        result.update(plain(text, lines=True))
        result.set_class(error, "-error")

    def action_leave(self) -> None:
        if self.jobs.running:
            self.notify("La importación sigue en curso; espere a que termine.")
            return
        self.dismiss(None)


def _zip(path: Path, rfc: str | None, conn: Database, progress: Progress) -> datastage.ImportResult:
    return datastage.import_zip(conn, path, rfc=rfc, progress=progress)


def _folder(path: Path, conn: Database, progress: Progress) -> batch.Summary:
    return batch.import_folder(conn, path, progress=progress)
