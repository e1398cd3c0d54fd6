"""Importar Data Stage: a zip path, then the import in a worker with a progress bar."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, ProgressBar, Static

from brokertui.core.pedimentos.datastage import importer as datastage
from brokertui.screens import commands
from brokertui.screens.base import Guarded
from brokertui.screens.jobs import Jobs
from brokertui.screens.text import SAFE_INPUT, plain


class DataStageImportScreen(Guarded, Screen):
    """Enter a path and press Enter; the result (or every bad row) is shown below."""

    DEFAULT_CSS = """
    DataStageImportScreen Vertical { padding: 1 2; }
    DataStageImportScreen Horizontal { height: 1; }
    DataStageImportScreen Label { width: 12; color: $text-muted; }
    DataStageImportScreen Input { width: 1fr; background: $boost; }
    DataStageImportScreen ProgressBar { margin: 1 0; }
    DataStageImportScreen #import-stage { color: $text-muted; }
    DataStageImportScreen #import-result { height: auto; }
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
                "Archivo zip de Data Stage entregado por ANAM ({folio}_Solicitudes.zip)."
                " Se importa completo o nada; los pedimentos de RFC que no son clientes"
                " se omiten."
            )
            with Horizontal():
                yield Label("Archivo")
                yield Input(
                    placeholder="/ruta/al/1875724_Solicitudes.zip",
                    id="import-path",
                    compact=True,
                    highlighter=SAFE_INPUT,
                )
            with Horizontal():
                yield Label("Sólo RFC")
                yield Input(
                    placeholder="vacío: el cliente elegido",
                    id="import-rfc",
                    compact=True,
                    highlighter=SAFE_INPUT,
                )
            yield ProgressBar(total=1, show_eta=False, id="import-progress")
            yield Static("", id="import-stage")
            yield Static("", id="import-result")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.title = "Importar Data Stage"
        if self.app.client:
            self.query_one("#import-rfc", Input).value = self.app.client.rfc
        self.query_one("#import-path", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        path = self.query_one("#import-path", Input).value.strip()
        if not path:
            self.query_one("#import-path", Input).focus()
            return
        zip_path = Path(path).expanduser()
        rfc = self.query_one("#import-rfc", Input).value.strip() or None
        if self.jobs.start(
            lambda conn, progress: datastage.import_zip(conn, zip_path, rfc=rfc, progress=progress),
            partial(self.imported, zip_path),
            failed=partial(self.finish, error=True),
            progress=self.staged,
        ):
            self.show("", error=False)

    def staged(self, done: int, total: int, stage: str) -> None:
        self.query_one("#import-stage", Static).update(plain(f"{stage}…"))

    def imported(self, path: Path, result: datastage.ImportResult) -> None:
        if result.already_imported:
            text = f"{path.name} ya estaba importado; nada cambió."
        else:
            text = (
                f"{path.name}: {result.pedimentos} pedimentos, {result.partidas} partidas, "
                f"{result.rectificaciones} rectificaciones importados ({result.encoding})."
            )
            if result.skipped_other_rfc:
                text += f"\n{result.skipped_other_rfc} pedimentos de otros RFC omitidos."
            text += "".join(f"\nAviso: {w}" for w in result.warnings[:20])
        self.finish(text, error=False)

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
