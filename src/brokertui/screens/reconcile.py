"""Conciliación: the current client's captured pedimentos against Data Stage, paged."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from brokertui.core.pedimentos import reconcile
from brokertui.core.plural import counted
from brokertui.screens import commands
from brokertui.screens.base import Guarded
from brokertui.screens.crosscheck import CrossCheckScreen
from brokertui.screens.pedimento_detail import PedimentoDetailScreen, spaced
from brokertui.screens.text import markup
from brokertui.screens.widgets import Column, KeyFooter, PagedTable, View, key_of

FIELD_ES = {
    "clave": "clave",
    "tipo_operacion": "tipo de operación",
    "fecha_pago": "fecha de pago",
    "tipo_cambio": "tipo de cambio",
    "fraccion": "fracción",
    "cantidad_umc": "cantidad UMC",
    "cantidad_umt": "cantidad UMT",
    "valor_usd": "valor USD",
}


class ReconcileScreen(Guarded, Screen):
    CSS_PATH = "pedimentos.tcss"
    BINDINGS = commands.bindings("reconcile")

    def __init__(self, rfc: str) -> None:
        super().__init__()
        self.rfc = rfc  # the client it reconciles, chosen when it opened

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="ped-summary")
        yield PagedTable(
            [
                Column("numero", "Número", 18),
                Column("descripcion", "Diferencia", 34),
                Column("partida", "Part.", 5),
                Column("campo", "Campo", 17),
                Column("captura", "Captura", 12),
                Column("datastage", "Data Stage", 12),
            ],
            self.fetch,
            lambda: reconcile.count(self.app.db, self.rfc, search=self.view.search),
            key="key",
            noun="diferencias",
            remember="conciliacion",
        )
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = "Conciliación captura vs Data Stage"
        self.show_summary()
        self.query_one(DataTable).focus()

    def refresh_data(self) -> None:
        self.show_summary()
        self.query_one(PagedTable).reload()

    def show_summary(self) -> None:
        s = reconcile.summary(self.app.db, self.rfc)
        self.query_one("#ped-summary", Static).update(
            markup(
                f"[b]$rfc[/] · capturados {s['captura']:,} · en Data Stage "
                f"{s['datastage']:,} · [b]{counted(s['diferencias'], 'diferencia')}[/] "
                f"(sin Data Stage {s['solo_captura']:,}, sin captura {s['solo_datastage']:,})",
                rfc=self.rfc,
            )
        )

    @property
    def view(self) -> View:
        return self.query_one(PagedTable).view

    def fetch(self, offset: int, limit: int) -> list[dict]:
        view = self.view
        rows = reconcile.differences(
            self.app.db,
            self.rfc,
            search=view.search,
            sort=view.sort,
            descending=view.descending,
            offset=offset,
            limit=limit,
        )
        return [
            {
                **r,
                "key": f"{r['numero']}:{offset + i}",
                "numero": spaced(r["numero"]),
                "campo": FIELD_ES.get(r["campo"], r["campo"] or ""),
            }
            for i, r in enumerate(rows)
        ]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.app.push_screen(PedimentoDetailScreen(key_of(event.row_key.value).split(":")[0]))

    def action_crosscheck(self) -> None:
        self.app.push_screen(CrossCheckScreen(self.rfc))
