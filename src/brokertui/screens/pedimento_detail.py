"""One pedimento as stored (header, facturas, identificadores, the Data Stage members, partidas
and the highlighted partida's members), opened from the list, the reconciliation and the
dashboard. One scrolling column of sections, usable at 80x24."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from brokertui.core import catalogs, formatting
from brokertui.core.errors import BrokerError
from brokertui.core.pedimentos import partnumbers, rules
from brokertui.core.pedimentos import store as pedimentos
from brokertui.core.pedimentos.datastage import member_tables
from brokertui.screens import commands, pedimento_members
from brokertui.screens.base import Guarded
from brokertui.screens.live import Here, LiveNote
from brokertui.screens.pedimento_form import PedimentoFormScreen
from brokertui.screens.text import markup, plain
from brokertui.screens.widgets import KeyFooter

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
    return formatting.pedimento(numero)


def edit_captured(screen: Guarded, numero: str, reload: Callable[[], None]) -> None:
    """Open the captured copy of a pedimento in the form (Data Stage copies are read-only),
    then `reload` what `screen` shows."""
    try:
        ped = pedimentos.get_pedimento(screen.app.db, numero, "captura")
    except BrokerError:
        screen.notify(
            "Sólo se editan pedimentos capturados; éste viene de Data Stage.", severity="warning"
        )
        return
    screen.app.push_screen(
        PedimentoFormScreen(pedimentos.form_values(ped), editing=True, version=ped["version"]),
        lambda _: reload(),
    )


class PedimentoDetailScreen(Guarded, Screen):
    """One pedimento as stored: header, facturas, identificadores, the pedimento's Data Stage
    members, partidas, and under them the highlighted partida's members."""

    CSS_PATH = "pedimentos.tcss"
    BINDINGS = commands.bindings("pedimento_detail")

    def __init__(self, numero: str) -> None:
        super().__init__()
        self.numero = numero
        self.rfc: str | None = None
        self.blocks: dict[str, list[dict]] = {}
        self.partida: int | None = None  # the one whose members are shown
        self.observed: dict[int, str] = {}  # partida -> part number from its 558 observaciones

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="ped-detail"):
            yield Static(id="ped-head")
            yield LiveNote()
            # Sec and Fracción stay in view while ← → bring the UMT and value columns
            yield DataTable(
                id="ped-partidas", cursor_type="row", zebra_stripes=True, fixed_columns=2
            )
            yield Static(id="ped-partida")
            yield Static(id="ped-members")
        yield KeyFooter()

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
        self.blocks = member_tables.for_pedimento(self.app.db, p["id"])
        pattern = partnumbers.compile_pattern(rules.part_pattern(self.app.db, p["rfc"]))
        self.observed = partnumbers.of_pedimento(self.app.db, p["id"], pattern)
        claves = catalogs.load("claves").entries
        lines = [
            markup(
                "[b]$numero[/]   clave [b]$clave[/] $nombre",
                numero=spaced(p["numero"]),
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
            if p["original"]:
                lines.append(markup("Original de la cadena $numero", numero=spaced(p["original"])))
        lines += pedimento_members.diferencias(self.blocks)
        if p["rectificado_por"]:
            lines.append(
                markup(
                    "[b $warning]Rectificado por $numero[/]", numero=spaced(p["rectificado_por"])
                )
            )
        for f in p["facturas"]:
            lines.append(
                markup(
                    "Factura $numero $fecha $incoterm $usd · $proveedor",
                    numero=f["numero"],
                    fecha=f["fecha"] or "",
                    incoterm=f["incoterm"],
                    usd=formatting.money(f["valor_usd"]),
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
        members = pedimento_members.pedimento_lines(self.blocks)
        shown = self.query_one("#ped-members", Static)
        shown.display = bool(members)
        shown.update(Content("\n").join(members))
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
                        x["numero_parte"] or self._observed(x["secuencia"]),
                        formatting.quantity(x["cantidad_umc"]),
                        x["umc"],
                        formatting.quantity(x["cantidad_umt"]),
                        x["umt"],
                        formatting.amount(x["valor_usd"]),
                        x["pais"],
                        x["vence_alerta"],
                    ),
                ),
                key=str(x["secuencia"]),
            )
        self.show_partida(p["partidas"][0]["secuencia"] if p["partidas"] else None)

    def _observed(self, secuencia: int) -> str:
        """A partida's part number taken from its 558 observaciones, marked so."""
        part = self.observed.get(secuencia)
        return f"558: {part}" if part else ""

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        secuencia = int(event.row_key.value) if event.row_key.value is not None else None
        if secuencia != self.partida:  # the user moved: bring its members into view
            self.show_partida(secuencia)
            panel = self.query_one("#ped-partida", Static)
            self.call_after_refresh(panel.scroll_visible, animate=False)

    def show_partida(self, secuencia: int | None) -> None:
        """The partida-level members of the highlighted partida, under the table."""
        self.partida = secuencia
        lines = []
        if secuencia is not None:
            lines = pedimento_members.partida_lines(self.blocks, secuencia)
            if secuencia in self.observed:
                lines.insert(
                    0,
                    markup(
                        "Número de parte $parte (de sus observaciones 558; el 551 no lo trae)",
                        parte=self.observed[secuencia],
                    ),
                )
            if lines:
                lines.insert(0, markup("[b]Partida $sec[/]", sec=secuencia))
        shown = self.query_one("#ped-partida", Static)
        shown.display = bool(lines)
        shown.update(Content("\n").join(lines))

    def action_edit(self) -> None:
        edit_captured(self, self.numero, self.load)
