"""One pedimento as stored (header, facturas, identificadores, partidas), opened from the
list, the reconciliation and the dashboard."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from brokertui.core import catalogs
from brokertui.core.errors import BrokerError
from brokertui.core.pedimentos import numero as pedimento_numero
from brokertui.core.pedimentos import store as pedimentos
from brokertui.screens import commands
from brokertui.screens.base import Guarded
from brokertui.screens.live import Here, LiveNote
from brokertui.screens.pedimento_form import PedimentoFormScreen
from brokertui.screens.text import markup, plain

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
        PedimentoFormScreen(pedimentos.form_values(ped), editing=True, version=ped["version"]),
        lambda _: screen.on_screen_resume(),
    )


class PedimentoDetailScreen(Guarded, Screen):
    """One pedimento as stored: header, facturas, identificadores and partidas."""

    CSS_PATH = "pedimentos.tcss"
    BINDINGS = commands.bindings("pedimento_detail")

    def __init__(self, numero: str) -> None:
        super().__init__()
        self.numero = numero
        self.rfc: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="ped-detail"):
            yield Static(id="ped-head")
            yield LiveNote()
            yield DataTable(id="ped-partidas", cursor_type="row", zebra_stripes=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.title = f"Pedimento {spaced(self.numero)}"
        self.load()

    def on_screen_resume(self) -> None:
        self.load()

    def refresh_data(self) -> None:
        self.load()

    def here(self) -> Here:
        return Here(self.rfc, ("pedimento", self.numero))

    def load(self) -> None:
        p = pedimentos.get_pedimento(self.app.db, self.numero)
        self.rfc = p["rfc"]
        claves = catalogs.load("claves").entries
        lines = [
            markup(
                "[b]$numero[/]   clave [b]$clave[/] $nombre",
                numero=pedimento_numero.Numero(p["numero"]).official(),
                clave=p["clave"],
                nombre=claves.get(p["clave"], ""),
            ),
            markup(
                "$tipo · régimen $regimen · aduana E/S $aduana · TC $tc",
                tipo="Importación" if p["tipo_operacion"] == "1" else "Exportación",
                regimen=p["regimen"] or "—",
                aduana=p["aduana_entrada"],
                tc=p["tipo_cambio"],
            ),
            markup("$rfc $nombre", rfc=p["rfc"], nombre=p["razon_social"]),
            markup(
                "Entrada $entrada · pago $pago · origen $origen",
                entrada=p["fecha_entrada"] or "—",
                pago=p["fecha_pago"],
                origen=ORIGEN[p["origen"]],
            ),
        ]
        if p["rectifica"]:
            lines.append(markup("Rectifica a $numero", numero=spaced(p["rectifica"])))
        if p["rectificado_por"]:
            lines.append(
                markup(
                    "[b $warning]Rectificado por $numero[/]", numero=spaced(p["rectificado_por"])
                )
            )
        for f in p["facturas"]:
            lines.append(
                markup(
                    "Factura $numero $fecha $incoterm USD $usd · $proveedor",
                    numero=f["numero"],
                    fecha=f["fecha"] or "",
                    incoterm=f["incoterm"],
                    usd=f["valor_usd"],
                    proveedor=f["proveedor"],
                )
            )
        for i in p["identificadores"]:
            where = f"partida {i['secuencia']}" if i["secuencia"] else "pedimento"
            compl = " ".join(c for c in (i["complemento1"], i["complemento2"]) if c)
            lines.append(
                markup(
                    "Identificador $clave ($where) $compl",
                    clave=i["clave"],
                    where=where,
                    compl=compl,
                )
            )
        self.query_one("#ped-head", Static).update(Content("\n").join(lines))
        table = self.query_one("#ped-partidas", DataTable)
        table.clear(columns=True)
        for label, width in PARTIDA_COLUMNS:
            table.add_column(label, width=width)
        for x in p["partidas"]:
            table.add_row(
                *map(
                    plain,
                    (
                        x["secuencia"],
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
                        x["vence_alerta"],
                    ),
                ),
                key=str(x["secuencia"]),
            )

    def action_edit(self) -> None:
        edit_captured(self, self.numero)
