"""One pedimento as stored (header, facturas, identificadores, partidas), opened from the
list, the reconciliation and the dashboard."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from brokertui.core import catalogs
from brokertui.core.errors import BrokerError
from brokertui.core.pedimentos import numero as pedimento_numero
from brokertui.core.pedimentos import store as pedimentos
from brokertui.screens import commands
from brokertui.screens.pedimento_form import PedimentoFormScreen

PARTIDA_COLUMNS = [
    ("Sec", 3),
    ("Fracción", 8),
    ("NICO", 4),
    ("Descripción", 28),
    ("Parte", 10),
    ("Cant. UMC", 10),
    ("UMC", 3),
    ("Cant. UMT", 10),
    ("UMT", 3),
    ("USD", 12),
    ("País", 4),
    ("Vence", 10),
]
ORIGEN = {"captura": "captura", "datastage": "Data Stage", "ambos": "ambos"}


def spaced(numero: str | None) -> str:
    return pedimento_numero.Numero(numero).spaced() if numero else ""


def edit_captured(screen: Screen, numero: str) -> None:
    """Open the captured copy of a pedimento in the form (Data Stage copies are read-only)."""
    try:
        ped = pedimentos.get_pedimento(screen.app.db, numero, "captura")
    except BrokerError:
        screen.notify(
            "Sólo se editan pedimentos capturados; éste viene de Data Stage.", severity="warning"
        )
        return
    screen.app.push_screen(
        PedimentoFormScreen(pedimentos.form_values(ped), editing=True),
        lambda _: screen.on_screen_resume(),
    )


class PedimentoDetailScreen(Screen):
    """One pedimento as stored: header, facturas, identificadores and partidas."""

    CSS_PATH = "pedimentos.tcss"
    BINDINGS = commands.bindings("pedimento_detail")

    def __init__(self, numero: str) -> None:
        super().__init__()
        self.numero = numero

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="ped-detail"):
            yield Static(id="ped-head")
            yield DataTable(id="ped-partidas", cursor_type="row", zebra_stripes=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.title = f"Pedimento {spaced(self.numero)}"
        self.load()

    def on_screen_resume(self) -> None:
        self.load()

    def load(self) -> None:
        p = pedimentos.get_pedimento(self.app.db, self.numero)
        claves = catalogs.load("claves").entries
        lines = [
            f"[b]{pedimento_numero.Numero(p['numero']).official()}[/]   clave [b]{p['clave']}[/] "
            f"{claves.get(p['clave'], '')}",
            f"{'Importación' if p['tipo_operacion'] == '1' else 'Exportación'} · régimen "
            f"{p['regimen'] or '—'} · aduana E/S {p['aduana_entrada']} · TC {p['tipo_cambio']}",
            f"{p['rfc']} {p['razon_social']}",
            f"Entrada {p['fecha_entrada'] or '—'} · pago {p['fecha_pago']} · origen "
            f"{ORIGEN[p['origen']]}",
        ]
        if p["rectifica"]:
            lines.append(f"Rectifica a {spaced(p['rectifica'])}")
        if p["rectificado_por"]:
            lines.append(f"[b $warning]Rectificado por {spaced(p['rectificado_por'])}[/]")
        for f in p["facturas"]:
            lines.append(
                f"Factura {f['numero']} {f['fecha'] or ''} {f['incoterm']} "
                f"USD {f['valor_usd']} · {f['proveedor']}"
            )
        for i in p["identificadores"]:
            where = f"partida {i['secuencia']}" if i["secuencia"] else "pedimento"
            compl = " ".join(c for c in (i["complemento1"], i["complemento2"]) if c)
            lines.append(f"Identificador {i['clave']} ({where}) {compl}")
        self.query_one("#ped-head", Static).update("\n".join(lines))
        table = self.query_one("#ped-partidas", DataTable)
        table.clear(columns=True)
        for label, width in PARTIDA_COLUMNS:
            table.add_column(label, width=width)
        for x in p["partidas"]:
            table.add_row(
                str(x["secuencia"]),
                x["fraccion"],
                x["nico"],
                x["descripcion"],
                x["numero_parte"],
                x["cantidad_umc"],
                x["umc"],
                x["cantidad_umt"],
                x["umt"],
                x["valor_usd"],
                x["pais"],
                x["vence_alerta"] or "",
            )

    def action_edit(self) -> None:
        edit_captured(self, self.numero)
