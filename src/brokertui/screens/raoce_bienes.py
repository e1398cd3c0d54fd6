"""The PROSEC relación de bienes producidos of a client's RAOCE (F7, Ctrl+O): one line per good
of the sectors its PROSEC authorizes (raoce-2026-guide.txt, "PROSEC"; rules.md §1.5), added,
edited and taken out as in VUCEM's capture (Agregar, Eliminar)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from brokertui.core import catalogs, formatting
from brokertui.core.raoce import worksheet as raoce
from brokertui.screens import commands
from brokertui.screens.base import Guarded
from brokertui.screens.dialogs import ConfirmScreen
from brokertui.screens.form import FormScreen
from brokertui.screens.text import plain
from brokertui.screens.widgets import Column, FieldSpec, KeyFooter, PagedTable

UNIDADES = [
    *catalogs.load("unidades").entries.values(),
    *catalogs.load("unidades").entries.keys(),
]


class BienesScreen(Guarded, Screen):
    """The relación de bienes producidos of one client and filing year."""

    CSS_PATH = "pedimentos.tcss"
    BINDINGS = commands.bindings("bienes")

    def __init__(self, rfc: str, year: int) -> None:
        super().__init__()
        self.rfc, self.year = rfc, year
        self.rows: list[dict] = []
        self.bienes: dict[str, raoce.Bien] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="bienes-head")
        yield PagedTable(
            [
                Column("sector", "Sector", 6),
                Column("fraccion", "Fracción", 10),
                Column("descripcion", "Bien producido", 28),
                Column("unidad", "Unidad", 12),
                Column("volumen", "Volumen", 14),
            ],
            lambda offset, limit: self.rows[offset : offset + limit],
            lambda: len(self.rows),
            key="id",
            noun="bienes",
        )
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = f"Relación de bienes producidos · RAOCE {self.year}"
        self.load()
        self.query_one(DataTable).focus()

    def refresh_data(self) -> None:
        self.load()

    def load(self) -> None:
        db = self.app.db
        found = raoce.list_bienes(db, self.rfc, self.year)
        self.bienes = {str(b.id): b for b in found}
        units = catalogs.load("unidades").entries
        self.rows = [
            {
                "id": str(b.id),
                "sector": b.sector,
                "fraccion": b.fraccion,
                "descripcion": b.descripcion,
                "unidad": units.get(b.unidad, b.unidad),
                "volumen": formatting.quantity(b.volumen),
            }
            for b in found
        ]
        sectors = raoce.prosec_sectors(db, self.rfc)
        names = catalogs.load("prosec_sectores").entries
        authorized = "; ".join(f"{s} {names.get(s, '')}" for s in sectors) or "ninguno"
        self.query_one("#bienes-head", Static).update(
            plain(
                f"{self.rfc} · ejercicio {self.year - 1} · sectores autorizados: {authorized}\n"
                "La fracción de cada bien final producido con mercancía importada al amparo "
                "del PROSEC, de los sectores autorizados.",
                lines=True,
            )
        )
        self.query_one(PagedTable).reload()

    def _selected(self) -> raoce.Bien | None:
        key = self.query_one(PagedTable).selected_key()
        return self.bienes.get(key) if key else None

    def _saved(self, bien: raoce.Bien | None) -> None:
        if bien:
            self.load()
            self.notify(f"Bien {bien.fraccion} guardado en la relación de {self.year}.")

    def action_add(self) -> None:
        sectors = raoce.prosec_sectors(self.app.db, self.rfc)
        first = {"sector": sectors[0]} if len(sectors) == 1 else {}
        self.app.push_screen(BienFormScreen(self.rfc, self.year, first), self._saved)

    def action_edit(self) -> None:
        bien = self._selected()
        if bien is None:
            self.notify("La relación está vacía: agregue un bien con a.", severity="warning")
            return
        self.app.push_screen(BienFormScreen(self.rfc, self.year, bien.model_dump()), self._saved)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_edit()

    def action_delete(self) -> None:
        bien = self._selected()
        if bien is None:
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                raoce.delete_bien(self.app.db, self.rfc, bien.id)
                self.load()
                self.notify(f"Bien {bien.fraccion} quitado de la relación.")

        self.app.push_screen(
            ConfirmScreen(
                f"¿Quitar de la relación {self.year} el bien {bien.fraccion} ({bien.descripcion})?",
                "Quitar bien",
            ),
            confirmed,
        )


class BienFormScreen(FormScreen):
    """Add a good to the relación, or edit one (`values` with its id)."""

    model = raoce.BienData

    def __init__(self, rfc: str, year: int, values: dict) -> None:
        self.rfc, self.year = rfc, year
        self.bien_id: int | None = values.pop("id", None)
        self.fields = [
            FieldSpec("sector", "Clave de sector", "I a XXIV, de su PROSEC"),
            FieldSpec("fraccion", "Fracción arancelaria", "8 dígitos, del bien final"),
            FieldSpec("descripcion", "Bien producido"),
            FieldSpec("unidad", "Unidad de medida", "clave o nombre", UNIDADES),
            FieldSpec("volumen", "Volumen producido", f"total del ejercicio {year - 1}"),
        ]
        super().__init__(values)
        action = "Editar" if self.bien_id else "Agregar"
        self.title = f"{action} bien producido · RAOCE {year}"

    def submit(self, values: dict[str, str], force: bool) -> raoce.Bien:
        if self.bien_id:
            return raoce.update_bien(self.app.db, self.rfc, self.bien_id, **values)
        return raoce.add_bien(self.app.db, self.rfc, self.year, **values)
