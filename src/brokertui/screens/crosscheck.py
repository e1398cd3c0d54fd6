"""Cruce Anexo 24: the current client's Anexo 24 entradas against Data Stage 551, per
pedimento and partida (core/anexo24/crosscheck.py), with its export to XLSX; and the partidas
whose part number no catalog knows (they become no entry); and Data Stage 512 descargos
against the ledger."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from brokertui.core.anexo24 import crosscheck, descargos_check
from brokertui.core.errors import NotFound
from brokertui.core.pedimentos import store as pedimentos
from brokertui.core.plural import counted
from brokertui.core.text import shown_name
from brokertui.screens import commands
from brokertui.screens.base import Guarded
from brokertui.screens.jobs import Jobs
from brokertui.screens.pedimento_detail import PedimentoDetailScreen, spaced
from brokertui.screens.text import markup
from brokertui.screens.widgets import Column, KeyFooter, PagedTable, in_view, key_of

# What differs, in few words: the side a pedimento or partida is only on (the Part. column
# tells which), else the field.
SHORT = {
    "solo_anexo24": "sólo en Anexo 24",
    "solo_datastage": "sólo en Data Stage",
    "partida_solo_anexo24": "sólo en Anexo 24",
    "partida_solo_datastage": "sólo en Data Stage",
}


COLUMNS = (
    Column("numero", "Número", 18),
    Column("partida", "Part.", 5),
    Column("diferencia", "Diferencia", 18),
    Column("anexo24", "Anexo 24", 14),
    Column("datastage", "Data Stage", 13),
)


class CrossCheckScreen(Guarded, Screen):
    """Every difference, paged; Enter opens the pedimento, x writes the XLSX."""

    CSS_PATH = "pedimentos.tcss"
    BINDINGS = commands.bindings("crosscheck")

    def __init__(self, rfc: str) -> None:
        super().__init__()
        self.rfc = rfc  # the client it checks, chosen when it opened
        self.found: list[crosscheck.Difference] = []
        self.jobs = Jobs(self)

    def compose(self) -> ComposeResult:
        self.found = crosscheck.differences(self.app.db, self.rfc)  # before the table mounts
        yield Header()
        yield Static(id="ped-summary")
        yield PagedTable(
            COLUMNS,
            self.fetch,
            lambda: len(self.shown()),
            key="key",
            noun="diferencias",
            remember="cruce",
        )
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = "Cruce Anexo 24 (entradas) vs Data Stage"
        self.show_summary()
        self.query_one(DataTable).focus()

    def refresh_data(self) -> None:
        self.found = crosscheck.differences(self.app.db, self.rfc)
        self.show_summary()
        self.query_one(PagedTable).reload()

    def show_summary(self) -> None:
        s = crosscheck.summary(self.found)
        tolerance = crosscheck.tolerance(self.app.db, self.rfc)
        self.query_one("#ped-summary", Static).update(
            markup(
                f"[b]$rfc[/] · [b]{counted(s['diferencias'], 'diferencia')}[/]: sin Data Stage "
                f"{s['solo_anexo24']:,}, sin Anexo 24 {s['solo_datastage']:,}, partidas "
                f"{s['partida_solo_anexo24'] + s['partida_solo_datastage']:,}, campos "
                f"{s['partida']:,} · tolerancia USD {tolerance}",
                rfc=self.rfc,
            )
        )

    def shown(self) -> list[dict]:
        """The differences as rows, those matching the table's search, in its order."""
        view = self.query_one(PagedTable).view
        rows = [
            {
                **d.as_dict(),
                "key": f"{d.numero}:{n}",
                "numero": spaced(d.numero),
                "diferencia": SHORT.get(d.tipo) or crosscheck.FIELD_ES[d.campo or ""],
            }
            for n, d in enumerate(self.found)
        ]
        return in_view(rows, view, COLUMNS)

    def fetch(self, offset: int, limit: int) -> list[dict]:
        return self.shown()[offset : offset + limit]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        numero = key_of(event.row_key.value).split(":")[0]
        try:
            pedimentos.get_pedimento(self.app.db, numero)
        except NotFound:  # only in the ERP's entradas
            self.notify(f"El pedimento {spaced(numero)} no está registrado.", severity="warning")
            return
        self.app.push_screen(PedimentoDetailScreen(numero))

    def action_export(self) -> None:
        if self.jobs.running:
            return
        rfc = self.rfc
        self.jobs.export(
            f"{rfc}-cruce-entradas-{self.app.today.isoformat()}.xlsx",
            lambda conn, path: crosscheck.write_xlsx(conn, rfc, path),
            lambda count, path: f"Cruce: {counted(count, 'diferencia')} en {shown_name(str(path))}",
        )

    def action_parts(self) -> None:
        self.app.push_screen(UnknownPartsScreen(self.rfc))

    def action_descargos(self) -> None:
        self.app.push_screen(DescargosCheckScreen(self.rfc))


PART_COLUMNS = (
    Column("numero", "Número", 18),
    Column("partida", "Part.", 5),
    Column("numero_parte", "Número de parte", 18),
    Column("origen", "De", 7),
    Column("motivo", "Motivo", 22),
    Column("descripcion", "Descripción", 30),
)


class UnknownPartsScreen(Guarded, Screen):
    """The temporary-import partidas whose part number (551 or 558) is not a material."""

    CSS_PATH = "pedimentos.tcss"
    BINDINGS = commands.bindings("parts")

    def __init__(self, rfc: str) -> None:
        super().__init__()
        self.rfc = rfc

    def compose(self) -> ComposeResult:
        listed, self.counts = crosscheck.unknown_parts(self.app.db, self.rfc)
        self.rows = [
            {**r, "key": f"{r['numero']}:{i}", "numero": spaced(r["numero"])}
            for i, r in enumerate(listed)
        ]
        yield Header()
        yield Static(id="ped-summary")
        yield PagedTable(
            PART_COLUMNS,
            lambda offset, limit: self.shown()[offset : offset + limit],
            lambda: len(self.shown()),
            key="key",
            noun="partidas",
            remember="partes",
        )
        yield KeyFooter()

    def shown(self) -> list[dict]:
        return in_view(self.rows, self.query_one(PagedTable).view, PART_COLUMNS)

    def on_mount(self) -> None:
        self.title = "Números de parte sin catálogo"
        c = self.counts
        self.query_one("#ped-summary", Static).update(
            markup(
                f"[b]$rfc[/] · número de parte del 551 {c['551']}, de observaciones 558 "
                f"{c['558']}, capturado {c['captura']}, sin número {c['ninguno']} (lo da la "
                f"interfaz de entradas) · [b]{c['desconocidos']}[/] sin catálogo",
                rfc=self.rfc,
            )
        )
        self.query_one(DataTable).focus()


DESCARGO_ES = {
    "solo_datastage": "sólo en 512",
    "solo_ledger": "sólo brokertui",
    "unidad": "unidad",
    "cantidad": "cantidad",
}


DESCARGO_COLUMNS = (
    Column("salida", "Salida", 15),
    Column("original", "Original", 15),
    Column("diferencia", "Diferencia", 14),
    Column("datastage", "Data Stage", 10),
    Column("ledger", "brokertui", 14),
)


class DescargosCheckScreen(Guarded, Screen):
    """Data Stage 512 descargos against brokertui's discharge of the same exits."""

    CSS_PATH = "pedimentos.tcss"
    BINDINGS = commands.bindings("descargos_check")

    def __init__(self, rfc: str) -> None:
        super().__init__()
        self.rfc = rfc

    def compose(self) -> ComposeResult:
        self.note = ""
        try:
            self.found = descargos_check.differences(self.app.db, self.rfc)
        except descargos_check.ValueMode as exc:
            self.found, self.note = [], str(exc)
        self.rows = [
            {
                **r,
                "key": str(i),
                "diferencia": DESCARGO_ES[r["tipo"]],
                "datastage": f"{r['datastage']} ({r['unidad']})" if r["datastage"] else "",
            }
            for i, r in enumerate(self.found)
        ]
        yield Header()
        yield Static(id="ped-summary")
        yield PagedTable(
            DESCARGO_COLUMNS,
            lambda offset, limit: self.shown()[offset : offset + limit],
            lambda: len(self.shown()),
            key="key",
            noun="diferencias",
            remember="descargos_512",
        )
        yield KeyFooter()

    def shown(self) -> list[dict]:
        return in_view(self.rows, self.query_one(PagedTable).view, DESCARGO_COLUMNS)

    def on_mount(self) -> None:
        self.title = "Descargos 512 vs descargo de brokertui"
        self.query_one("#ped-summary", Static).update(
            markup(
                f"[b]$rfc[/] · [b]{counted(len(self.found), 'diferencia')}[/] en las salidas "
                "con 512 (cantidades en la unidad de 512) $note",
                rfc=self.rfc,
                note=self.note,
            )
        )
        self.query_one(DataTable).focus()
