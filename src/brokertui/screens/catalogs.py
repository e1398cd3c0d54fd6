"""Catálogos Anexo 24 of a client (issue 16, item 3): materiales, productos and the BOM, paged
from SQLite (core/anexo24/catalog_list.py), searched with `/` and sorted with `o` as every list;
`b` records the baja of a material or product with its date (core/anexo24/bajas.py)."""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from brokertui.core import formatting
from brokertui.core.anexo24 import bajas, catalog_list
from brokertui.screens import commands
from brokertui.screens.base import Guarded
from brokertui.screens.client_forms import BajaFormScreen
from brokertui.screens.text import plain
from brokertui.screens.widgets import Column, KeyFooter, PagedTable, key_menu

# The part number stays put while ← → scroll the rest; its baja (if any) beside it.
PART = (Column("numero_parte", "Número de parte", 16), Column("baja_date", "Baja", 10))
COLUMNS = {
    "materiales": [
        *PART,
        Column("descripcion", "Descripción", 22),
        Column("fraccion", "Fracción", 8),
        Column("umc", "UMC", 3),
        Column("umt", "UMT", 3),
        Column("factor_umt", "Factor UMT", 10),
        Column("tipo", "Tipo", 9),
    ],
    "productos": [
        *PART,
        Column("descripcion", "Descripción", 26),
        Column("fraccion", "Fracción", 8),
        Column("umc", "UMC", 3),
        Column("umt", "UMT", 3),
    ],
    "bom": [
        Column("producto", "Producto", 16),
        Column("material", "Material", 16),
        Column("descripcion", "Descripción del material", 24),
        Column("cantidad", "Cantidad", 10),
        Column("merma_pct", "Merma %", 7),
        Column("umc", "UMC", 3),
    ],
}
QUANTITIES = ("factor_umt", "cantidad", "merma_pct")
KEYS = dict(zip(("1", "2", "3"), catalog_list.KINDS, strict=True))


class CatalogsScreen(Guarded, Screen):
    """One client's catalogs; 1, 2, 3 choose the one shown."""

    CSS_PATH = "reports.tcss"
    BINDINGS = commands.bindings("catalogs")

    def __init__(self, rfc: str, kind: str = "materiales") -> None:
        super().__init__()
        self.rfc, self.kind = rfc, kind

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="rep-menu")
        yield Static(id="rep-heading")
        yield Vertical(id="rep-table")
        yield KeyFooter()

    async def on_mount(self) -> None:
        self.title = f"Catálogos Anexo 24 · {self.rfc}"
        await self.action_show(self.kind)

    def refresh_data(self) -> None:
        for table in self.query(PagedTable):
            if table.is_mounted:
                table.reload()

    @property
    def table(self) -> PagedTable:
        return self.query_one(PagedTable)

    async def action_show(self, kind: str) -> None:
        self.kind = kind
        self.query_one("#rep-menu", Static).update(
            key_menu(
                (key, catalog_list.LISTINGS[name].title, name == kind) for key, name in KEYS.items()
            )
        )
        about = {
            "materiales": "{table.search} busca por número de parte, descripción o fracción · "
            "{catalogs.baja} da de baja el material elegido, con su fecha (el registro se "
            "conserva)",
            "productos": "{table.search} busca por número de parte, descripción o fracción · "
            "{catalogs.baja} da de baja el producto elegido, con su fecha (el registro se "
            "conserva)",
            "bom": "{table.search} busca por producto, material o su descripción · cada material "
            "por unidad de producto, con su merma",
        }[kind]
        self.query_one("#rep-heading", Static).update(plain(commands.with_keys(self.app, about)))
        holder = self.query_one("#rep-table", Vertical)
        await holder.remove_children()
        listing = catalog_list.LISTINGS[kind]
        table = PagedTable(
            COLUMNS[kind],
            lambda offset, limit: [
                _shown(row)
                for row in catalog_list.rows(
                    self.app.db,
                    self.rfc,
                    kind,
                    search=table.view.search,
                    sort=table.view.sort,
                    descending=table.view.descending,
                    limit=limit,
                    offset=offset,
                )
            ],
            lambda: catalog_list.count(self.app.db, self.rfc, kind, search=table.view.search),
            key=listing.key,
            noun="registros",
            remember=f"catalogo.{kind}",
            sorts=list(listing.sorts),
        )
        await holder.mount(table)
        table.query_one(DataTable).focus()

    def action_baja(self) -> None:
        if self.kind not in bajas.BAJA_TABLES:
            self.notify(
                "La BOM no tiene bajas: dé de baja el material o el producto (1 o 2).",
                severity="warning",
            )
            return
        table = self.table
        clave = table.selected_key()
        if clave is None:
            return
        since = str(table.table.get_cell(clave, "baja_date"))
        if since:
            self.notify(f"{clave} ya está dado de baja desde {since}.", severity="warning")
            return
        kind = self.kind

        def baja(on: date) -> date:
            bajas.baja(self.app.db, self.rfc, kind, clave, on)
            return on

        def done(on: date | None) -> None:
            if on:
                table.reload()
                self.notify(f"{clave} dado de baja en {kind} el {on}; el registro se conserva.")

        self.app.push_screen(BajaFormScreen(f"{clave} en {kind}", self.app.today, baja), done)


def _shown(row: dict) -> dict:
    """A catalog row as every screen shows it (core/formatting.py): quantities with their
    thousands separators."""
    return {k: formatting.quantity(v) if k in QUANTITIES else v for k, v in row.items()}
