"""Activo fijo (F6 → f): the current client's fixed assets with their balance, domicilio and
last movement, and their permanence; `v` shows the activo fijo report instead (each import and
movement of the year, named by its kind), `m` records a movement of the asset selected, `x`
writes the report to XLSX (core/anexo24/activo_fijo.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from brokertui.core import formatting
from brokertui.core.anexo24 import activo_fijo, reports
from brokertui.core.quantities import to_text
from brokertui.core.registry import clients
from brokertui.core.text import shown_name
from brokertui.screens import commands
from brokertui.screens.base import Guarded
from brokertui.screens.form import FormScreen
from brokertui.screens.jobs import Jobs
from brokertui.screens.report_table import report_table
from brokertui.screens.text import markup, plain
from brokertui.screens.widgets import Column, FieldSpec, KeyFooter, PagedTable

ASSET_COLUMNS = (  # what 80 columns show first: the asset, its balance and where it is
    Column("pedimento", "Pedimento", 18),
    Column("partida", "Part.", 5),
    Column("numero_parte", "Número de parte", 15),
    Column("saldo", "Saldo", 9),
    Column("domicilio", "Domicilio", 14),
    Column("ultimo", "Último movimiento", 19),
    Column("cantidad", "Importado", 9),
    Column("fecha_entrada", "Entrada", 10),
    Column("serie", "Serie", 12),
    Column("marca", "Marca", 12),
    Column("modelo", "Modelo", 12),
)


class ActivoFijoScreen(Guarded, Screen):
    """The assets with a balance (`t`: all of them) or the report's rows (`v`)."""

    CSS_PATH = "reports.tcss"
    BINDINGS = commands.bindings("activo_fijo")

    def __init__(self, rfc: str) -> None:
        super().__init__()
        self.rfc = rfc
        self.showing_report = False
        self.every_asset = False
        self.assets: list[activo_fijo.Asset] = []
        self.jobs = Jobs(self)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="af-heading")
        yield Vertical(id="rep-table")
        yield KeyFooter()

    async def on_mount(self) -> None:
        self.title = "Activo fijo"
        await self.show()

    def refresh_data(self) -> None:
        for table in self.query(PagedTable):
            table.reload()

    def report(self) -> reports.Heading:
        today = self.app.today
        return reports.heading(
            self.app.db, "activo_fijo", self.rfc, desde=date(today.year, 1, 1), hasta=today
        )

    async def show(self) -> None:
        """The heading (client, permanence) and the table of the view chosen."""
        db, today = self.app.db, self.app.today
        term = activo_fijo.permanence(db, self.rfc, today)
        heading = self.report()
        view = (
            f"{heading.report.title} {heading.period}"
            if self.showing_report
            else f"{'Todos los activos' if self.every_asset else 'Activos con saldo'} al {today}"
        )
        self.query_one("#af-heading", Static).update(
            markup("[b]$view[/]\nPermanencia: $nota", view=view, nota=term.nota)
        )
        holder = self.query_one("#rep-table", Vertical)
        await holder.remove_children()
        table = (
            report_table(lambda: self.app.db, heading)
            if self.showing_report
            else self._asset_table()
        )
        await holder.mount(table)
        table.query_one(DataTable).focus()

    def _asset_table(self) -> PagedTable:
        client = clients.get_client(self.app.db, self.rfc)
        self.assets = activo_fijo.assets(
            self.app.db, client.id, self.app.today, with_balance=not self.every_asset
        )
        rows = [_asset_row(n, a) for n, a in enumerate(self.assets)]
        return PagedTable(
            ASSET_COLUMNS,
            lambda offset, limit: rows[offset : offset + limit],
            lambda: len(rows),
            key="_key",
            noun="activos",
        )

    async def action_view(self) -> None:
        self.showing_report = not self.showing_report
        await self.show()

    async def action_every(self) -> None:
        self.every_asset, self.showing_report = not self.every_asset, False
        await self.show()

    def action_movement(self) -> None:
        """The form, filled with the asset selected (in the assets' view)."""
        values: dict[str, str] = {"fecha": self.app.today.isoformat()}
        key = None if self.showing_report else self.query_one(PagedTable).selected_key()
        if key is not None:
            chosen = self.assets[int(key)]
            values |= {
                "pedimento": chosen.pedimento,
                "partida": str(chosen.partida),
                "numero_parte": chosen.numero_parte,
            }
        sites = [s.nombre for s in clients.list_sites(self.app.db, self.rfc) if not s.baja_date]

        async def done(saved: bool | None) -> None:  # None: closed without saving
            if saved:
                self.notify("Movimiento de activo fijo registrado.")
                await self.show()

        self.app.push_screen(MovimientoFormScreen(self.rfc, values, sites), done)

    def action_export(self) -> None:
        if self.jobs.running:
            return
        heading = self.report()
        self.jobs.export(
            f"{heading.rfc}-activo_fijo-{heading.hasta.isoformat()}.xlsx",
            lambda conn, path: reports.write_xlsx(conn, heading, path),
            lambda _, path: f"{heading.report.title}: {shown_name(str(path))}",
        )


def _asset_row(n: int, a: activo_fijo.Asset) -> dict:
    return {
        "_key": str(n),
        "pedimento": plain(formatting.pedimento(a.pedimento)),
        "partida": plain(str(a.partida)),
        "numero_parte": plain(a.numero_parte),
        "fecha_entrada": plain(a.fecha_entrada),
        "cantidad": plain(formatting.quantity(to_text(a.cantidad_micro))),
        "saldo": plain(formatting.quantity(to_text(a.saldo_micro))),
        "domicilio": plain(a.domicilio or "—"),
        "ultimo": plain(a.ultimo),
        "serie": plain(a.serie),
        "marca": plain(a.marca),
        "modelo": plain(a.modelo),
    }


class MovimientoFormScreen(FormScreen):
    """A movement of a fixed asset, checked field by field; Ctrl+S records it."""

    model = activo_fijo.MovimientoData

    def __init__(self, rfc: str, values: dict[str, str], sites: list[str]) -> None:
        self.rfc = rfc
        self.fields = [
            FieldSpec("fecha", "Fecha", "AAAA-MM-DD"),
            FieldSpec(
                "tipo",
                "Tipo",
                "retorno, transferencia, cambio de régimen…",
                tuple(activo_fijo.TIPOS.values()),
            ),
            FieldSpec("pedimento", "Pedimento", "el de importación del activo"),
            FieldSpec("partida", "Partida", "1, 2, …"),
            FieldSpec("numero_parte", "Número de parte", "si la partida tiene varios"),
            FieldSpec("cantidad", "Cantidad", "lo que descarga; vacía al cambiar de domicilio"),
            FieldSpec("documento", "Documento", "pedimento de salida, acta o acuse"),
            FieldSpec("domicilio", "Domicilio", "cambio de domicilio: planta o bodega", sites),
            FieldSpec("motivo", "Motivo", "opcional"),
            FieldSpec("serie", "Número de serie", "maquinaria y equipo: opcional"),
            FieldSpec("marca", "Marca", "opcional"),
            FieldSpec("modelo", "Modelo", "opcional"),
        ]
        super().__init__(values)
        self.title = f"Movimiento de activo fijo · {rfc}"

    def submit(self, values: dict[str, str], force: bool) -> Any:
        activo_fijo.add_movement(self.app.db, self.rfc, values)
        return True
