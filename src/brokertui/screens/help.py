"""F1: the help of the screen in front, in Spanish (issue 16, item 5). Its keys come from the
command table (the screen's, the focused table's or block's, and those that work everywhere),
with the user's keymap; then what the screen's symbols, colours and columns mean, and the
README section that tells more."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from brokertui.screens import commands
from brokertui.screens.live import Here
from brokertui.screens.widgets import KeyFooter


@dataclass(frozen=True)
class ScreenHelp:
    """A screen's F1 text. A key the user may remap is named "{command.id}" (shown as the
    footer names it: commands.with_keys); the keys written out are Textual's own (a table's
    arrows and Intro, Tab between fields), which no keymap changes."""

    title: str
    about: str
    legend: tuple[tuple[str, str], ...] = ()
    columns: tuple[tuple[str, str], ...] = ()
    readme: str = "Using the TUI"


# Tab, Mayús+Tab (Textual's focus keys) and the Intro of a table or a list are the widgets'
# own keys: no keymap changes them, so they are written out.
FORM = ScreenHelp(
    "Formulario",
    "Cada campo se revisa al salir de él y el mensaje aparece debajo; {form.save} guarda sólo un "
    "formulario válido.",
    legend=(
        ("Tab / Mayús+Tab", "campo siguiente / anterior; Tab acepta la sugerencia mostrada"),
        ("etiqueta subrayada", "el campo en uso"),
    ),
)
PAGED = (
    ("↑ ↓  Inicio Fin", "mover el renglón elegido"),
    ("← →", "recorrer las columnas que no caben (las primeras quedan fijas)"),
)
OPENS = (("Intro", "abrir el renglón elegido"),)
HELP = {
    "dashboard": ScreenHelp(
        "Tablero ({nav.tablero})",
        "Las obligaciones RAOCE de todos los clientes y los lotes de importación temporal por "
        "vencer, lo más urgente primero.",
        legend=(
            ("!!", "rojo: suspendido, vence en 7 días o menos, o lote vencido o a ≤30 días"),
            ("!", "amarillo: vence en 30 días o menos, o lote a ≤60 días"),
            ("·", "a tiempo (lote a ≤90 días)"),
            ("✓", "verde: presentado o sin obligación"),
            ("✗", "magenta: programa cancelado"),
            *PAGED,
            *OPENS,
        ),
        columns=(
            ("Prog.", "programa (IMMEX, PROSEC, ALTEX, ECEX), o bien:"),
            ("  Temp.", "lote de importación temporal (su permanencia)"),
            ("  AF", "activo fijo por retornar"),
            ("  Oficio", "oficio de matriz de seguridad por renovar"),
            ("  DStage", "entregas de Data Stage atrasadas"),
            ("  24h", "datos corporativos recibidos más de 24 h después"),
            ("Estado", "abierto, presentado, suspendido, cancelado, ≤30 días, atrasada, tardía…"),
            ("Próximo", "vence, último día, fin corrección, permanencia, retorno AF, entrega…"),
            ("Días", "días naturales que faltan al evento (negativo: ya pasó)"),
            ("Háb.", "días hábiles que faltan (sin fines de semana ni días inhábiles)"),
        ),
        readme="RAOCE deadlines",
    ),
    "clients": ScreenHelp(
        "Clientes ({nav.clientes})",
        "El registro de clientes; Intro abre un cliente y lo hace el cliente elegido.",
        legend=(*PAGED, *OPENS),
        columns=(
            ("Ent.", "entidad federativa del domicilio fiscal"),
            ("Programas", "los programas de comercio exterior del cliente"),
            ("Baja", "fecha de baja (sólo con {clients.bajas}: bajas a la vista)"),
        ),
    ),
    "client_detail": ScreenHelp(
        "Cliente",
        "Los datos del cliente, sus programas, plantas y bodegas. El estatus de un programa y "
        "la fecha de baja se piden con su fecha y se confirman antes de guardar.",
        columns=(("Estatus", "vigente, suspendido o cancelado, como lo muestra la SE"),),
    ),
    "catalogs": ScreenHelp(
        "Catálogos Anexo 24",
        "Los materiales, productos y la BOM del cliente, como los cargó su ERP; "
        "{catalogs.materiales}, {catalogs.productos} y {catalogs.bom} eligen el catálogo. Una "
        "baja conserva el registro con su fecha.",
        legend=PAGED,
        columns=(
            ("Baja", "fecha de baja del material o producto (vacía: activo)"),
            ("Factor UMT", "UMT por cada UMC del material"),
            ("Cantidad", "material por unidad de producto (BOM)"),
            ("Merma %", "merma del material en el producto (BOM)"),
        ),
        readme="Anexo 24 inventory and the FIFO (PEPS) discharge",
    ),
    "rules": ScreenHelp(
        "Reglas de pedimento",
        "Las revisiones que se aplican a los pedimentos del cliente; {rules.toggle} activa o "
        "desactiva la elegida.",
        readme="Pedimento rules",
    ),
    "pedimentos": ScreenHelp(
        "Pedimentos ({nav.pedimentos})",
        "Los pedimentos del cliente elegido (de todos si no hay), el más reciente primero.",
        legend=(*PAGED, *OPENS),
        columns=(
            ("Número", "AA AD PPPP NNNNNNN: año, aduana, patente y número"),
            ("Cve", "clave de pedimento (IN, A1, V1…)"),
            ("Op.", "imp. importación, exp. exportación"),
            ("Part", "número de partidas"),
            ("Rectificado por", "el pedimento que lo rectifica"),
            ("Origen", "captura, Data Stage o ambos"),
        ),
        readme="Data Stage import",
    ),
    "pedimento_detail": ScreenHelp(
        "Pedimento",
        "Un pedimento como está guardado: encabezado, facturas, identificadores y partidas.",
        legend=(("← →", "recorrer las columnas de las partidas que no caben"),),
        columns=(
            ("Sec", "secuencia de la partida"),
            ("Cant. UMC / UMC", "cantidad y unidad de medida comercial"),
            ("Cant. UMT / UMT", "cantidad y unidad de medida de la tarifa"),
            ("USD", "valor en dólares"),
            ("Vence", "fin de la permanencia de una importación temporal"),
        ),
        readme="Data Stage import",
    ),
    "drafts": ScreenHelp("Borradores", "Las capturas guardadas como borrador; Intro continúa una."),
    "datastage_import": ScreenHelp(
        "Importar Data Stage",
        "Escriba la ruta del zip mensual de ANAM; se revisa entero antes de guardar nada.",
        readme="Data Stage import",
    ),
    "interface_import": ScreenHelp(
        "Importar interfaces del ERP",
        "Elija la interfaz y el archivo (CSV o XLSX) y pulse {interface_import.check}: se revisa "
        "entero sin guardar nada y se muestran sus primeras filas y cada error. "
        "{interface_import.commit} importa ese mismo archivo, todo o nada; "
        "{interface_import.back} vuelve sin importar.",
        legend=(
            (
                "{path.complete}",
                "en Archivo: completa la ruta; otra vez lista lo que empieza igual",
            ),
            ("{path.recent}", "en Archivo: las últimas carpetas de las que usted importó"),
            # the list's own Intro (Textual's Select; interface_import.check skips it there)
            ("Intro", "en Interfaz: abrir la lista para elegir otra"),
            ("{interface_import.check}", "en Archivo o en las tablas: revisar el archivo"),
        ),
        columns=(
            ("Fila", "el renglón del archivo (el 1 es el de los encabezados)"),
            ("Campo / Regla", "la columna con el error y la regla que no cumple"),
        ),
        readme="Anexo 24 inventory and the FIFO (PEPS) discharge",
    ),
    "reconcile": ScreenHelp(
        "Conciliación",
        "Los pedimentos capturados contra los de Data Stage: lo que falta de un lado o difiere.",
        legend=(*PAGED, *OPENS),
        columns=(
            ("Diferencia", "qué falta o qué difiere"),
            ("Campo", "el dato distinto; Captura y Data Stage muestran cada valor"),
        ),
        readme="Data Stage import",
    ),
    "crosscheck": ScreenHelp(
        "Cruce Anexo 24 vs Data Stage ({pedimentos.crosscheck} en Pedimentos)",
        "Las entradas del Anexo 24 del cliente contra las partidas de Data Stage (551), por "
        "pedimento y partida: lo que está de un solo lado o difiere. {crosscheck.parts} muestra "
        "los números de parte sin catálogo; {crosscheck.descargos}, los descargos 512; "
        "{crosscheck.export} escribe el cruce en XLSX.",
        legend=(*PAGED, *OPENS),
        columns=(
            ("Número / Part.", "el pedimento y la partida (vacía: el pedimento entero)"),
            ("Diferencia", "sólo en Anexo 24, sólo en Data Stage, o el dato distinto"),
            ("Anexo 24 / Data Stage", "el valor de cada lado"),
        ),
        readme="Anexo 24 against Data Stage: part numbers and the cross-check",
    ),
    "parts": ScreenHelp(
        "Números de parte sin catálogo ({crosscheck.parts} en el cruce)",
        "Las partidas de importación temporal cuyo número de parte no es un material del "
        "catálogo: no entran al Anexo 24 hasta que materiales lo tenga.",
        legend=PAGED,
        columns=(
            ("De", "de dónde viene el número de parte: 551, 558 o la captura"),
            ("Motivo", "no está en materiales, o es un producto y no un material"),
        ),
        readme="Anexo 24 against Data Stage: part numbers and the cross-check",
    ),
    "descargos_check": ScreenHelp(
        "Descargos 512 vs brokertui ({crosscheck.descargos} en el cruce)",
        "Los descargos que Data Stage (512) registra para cada salida contra los que asignó el "
        "descargo de brokertui a los mismos pedimentos originales.",
        legend=PAGED,
        columns=(
            ("Salida / Original", "el pedimento de salida y el de importación que descarga"),
            ("Diferencia", "sólo en 512, sólo brokertui, unidad o cantidad distinta"),
            ("Data Stage / brokertui", "la cantidad de cada lado"),
        ),
        readme="Anexo 24 against Data Stage: part numbers and the cross-check",
    ),
    "deliveries": ScreenHelp(
        "Entregas Data Stage ({pedimentos.deliveries} en Pedimentos)",
        "Los meses de Data Stage de cada cliente (o del elegido), del más reciente: si la "
        "entrega de ANAM llegó, está por llegar o atrasada, o falta el oficio de matriz de "
        "seguridad sin el cual ninguna llega; {deliveries.oficio} registra el oficio.",
        legend=PAGED,
        columns=(
            ("Estado", "recibida, por llegar, atrasada o sin oficio"),
            ("Límite", "la fecha en que la entrega del mes debe llegar"),
            ("Ped. / Entregas", "los pedimentos recibidos del mes y los zips que lo cubren"),
        ),
        readme="Broker deliveries, kept-aside RFCs and monthly deliveries",
    ),
    "pedimento_form": ScreenHelp(
        "Captura de pedimento",
        "El pedimento en el orden en que se lee: encabezado, facturas, identificadores y "
        "partidas; se guarda como borrador al dejar de escribir.",
        legend=FORM.legend,
    ),
    "form": FORM,
    "discharge": ScreenHelp(
        "Descargos ({nav.descargos})",
        "El descargo PEPS del cliente elegido: cada salida toma de la importación temporal más "
        "antigua.",
        legend=(
            ("FALTANTE", "rojo: la salida no encontró saldo suficiente"),
            ("vencido", "amarillo: tomó de un lote con la permanencia vencida"),
            ("pendiente", "azul: salida aún no descargada (con {discharge.pending})"),
            (
                "simulado",
                "lo que escribiría {discharge.run}; nada se guardó "
                "(con {discharge.preview}: SIMULACIÓN)",
            ),
            (
                "línea bajo la lista",
                "la salida elegida: bien, clave, receptor, CFDI o acta, y su lote",
            ),
            *PAGED,
        ),
        columns=(
            ("Documento", "la salida (factura o documento del ERP)"),
            (
                "Salida",
                "su tipo (retorno, transferencia, donación, destrucción, cambio rég., "
                "reparación); la línea bajo la lista dice el resto",
            ),
            ("Parte", "número de parte, o fracción en el descargo por valor"),
            ("Cantidad", "lo asignado (USD en el descargo por valor)"),
            ("Pedimento / Pda", "el pedimento y la partida de la entrada que se descargó"),
            ("Entrada", "fecha de la entrada"),
            ("Origen", "saldo inicial: lote traído del sistema anterior (saldos iniciales)"),
        ),
        readme="Anexo 24 inventory and the FIFO (PEPS) discharge",
    ),
    "reports": ScreenHelp(
        "Reportes ({nav.reportes})",
        "Los reportes del Anexo 24 del cliente elegido, encabezados con razón social, RFC y "
        "periodo.",
        legend=PAGED,
        readme="Reports, ajustes and the RAOCE worksheet",
    ),
    "activo_fijo": ScreenHelp(
        "Activo fijo ({reports.activos} en Reportes)",
        "Los activos fijos del cliente (importaciones AF, E2, E4), fuera del PEPS de los "
        "insumos: cada uno se descarga con su propio retorno, transferencia, cambio de "
        "régimen, donación o destrucción ({activo_fijo.movement}), y un cambio de domicilio "
        "conserva su pedimento. "
        "La línea de arriba dice hasta cuándo pueden permanecer (mientras el IMMEX esté "
        "vigente; cancelado, 60 días).",
        legend=PAGED,
        columns=(
            ("Saldo", "lo que queda del activo tras sus movimientos"),
            ("Domicilio", "la planta o bodega a la que se movió (— sin cambio de domicilio)"),
            ("Último movimiento", "el más reciente y su fecha"),
            ("Importado / Entrada", "la cantidad y la fecha de su importación"),
            (
                "Movimiento ({activo_fijo.view})",
                "importación AF, saldo inicial AF, retorno, transferencia…",
            ),
        ),
        readme="Anexo 24 inventory and the FIFO (PEPS) discharge",
    ),
    "conciliacion": ScreenHelp(
        "Conciliación de inventario ({reports.conciliacion} en Reportes)",
        "Por material del periodo declarado por el sistema corporativo: inicial + entradas − "
        "salidas − ajustes (calculado) contra el inventario final declarado, y contra el saldo "
        "de brokertui; {conciliacion.ajustar} registra las diferencias como ajustes tras "
        "confirmar.",
        legend=PAGED,
        columns=(
            ("Diferencia", "final declarado − calculado"),
            ("Propuesta", "faltante (diferencia negativa) o sobrante (positiva)"),
            ("Estado", "cuadra, con diferencia, o sin inventario declarado"),
            (
                "Entradas",
                "las importaciones temporales del periodo (sin activo fijo ni saldos iniciales)",
            ),
            ("Salidas", "lo que consumen las salidas del periodo (productos por su BOM)"),
            ("Ajustes", "faltantes y mermas menos sobrantes y desensamble"),
            (
                "Saldo brokertui / Dif. saldo",
                "el saldo del libro al fin del periodo y final declarado − ese saldo",
            ),
        ),
        readme="Opening balances and the inventory conciliation",
    ),
    "raoce": ScreenHelp(
        "RAOCE ({nav.raoce})",
        "La hoja de trabajo del reporte anual: {raoce.save} calcula saldo, porcentaje y las "
        "revisiones.",
        legend=(("✓ ✗ ?", "revisión cumplida, no cumplida, sin datos"), *FORM.legend),
        readme="Reports, ajustes and the RAOCE worksheet",
    ),
    "bienes": ScreenHelp(
        "Relación de bienes producidos (PROSEC)",
        "Los bienes finales producidos en el ejercicio con mercancía importada al amparo del "
        "PROSEC: una fracción por bien, de los sectores que el PROSEC autoriza (como en VUCEM).",
        legend=(*PAGED, ("Intro", "editar el bien elegido")),
        columns=(
            ("Sector", "clave del sector PROSEC (I a XXIV)"),
            ("Fracción", "fracción arancelaria del bien final (8 dígitos)"),
            ("Volumen", "total producido en el ejercicio, en la unidad de medida"),
        ),
        readme="Reports, ajustes and the RAOCE worksheet",
    ),
    "filing": ScreenHelp(
        "Presentar RAOCE",
        "El folio y la fecha del acuse de VUCEM.",
        legend=FORM.legend,
        readme="RAOCE deadlines",
    ),
}
DEFAULT = ScreenHelp("Ayuda", "")
SCOPE_NAMES = {"table": "de la tabla", "block": "del bloque en uso", "path": "del campo de ruta"}


def help_for(screen: Screen) -> ScreenHelp:
    """The help of `screen`, found by the scope of its commands."""
    scopes = _scopes(type(screen).BINDINGS)
    return HELP.get(scopes[0], DEFAULT) if scopes else DEFAULT


def _scopes(bindings: Iterable[BindingType]) -> list[str]:
    ids = [getattr(b, "id", None) for b in bindings]
    return list(dict.fromkeys(commands.BY_ID[i].scope for i in ids if i in commands.BY_ID))


def key_sections(screen: Screen) -> list[tuple[str, list[commands.Command]]]:
    """(heading, commands) for the keys that work in `screen`: its own, the focused widget's
    (a table, a block of the capture), then those of every screen."""
    sections = [("Teclas de esta pantalla", commands.of_scopes(*_scopes(type(screen).BINDINGS)))]
    widget_scopes: list[str] = []
    for node in screen.focused.ancestors_with_self if screen.focused else ():
        if node is screen:
            break
        widget_scopes += _scopes(getattr(type(node), "BINDINGS", []))
    for scope in dict.fromkeys(widget_scopes):
        sections.append((f"Teclas {SCOPE_NAMES.get(scope, scope)}", commands.of_scopes(scope)))
    sections.append(("En toda la aplicación", commands.of_scopes("app", "nav")))
    return [(heading, found) for heading, found in sections if found]


def _section(heading: str, rows: Sequence[tuple[str, str]]) -> ComposeResult:
    """A heading and its two columns (a key or symbol, what it means), wrapped at any width."""
    if not rows:
        return
    table = Table(box=None, show_header=False, padding=(0, 1), expand=True)
    table.add_column(no_wrap=True, min_width=14)
    table.add_column(ratio=1)
    for name, meaning in rows:
        table.add_row(Text(name), Text(meaning))
    yield Static(Text(f"\n{heading}", style="bold"))
    yield Static(table)


def _messages(messages: Sequence[str]) -> ComposeResult:
    """The recent toasts in full (a toast shows one line), newest first."""
    if messages:
        yield Static(Text("\nMensajes recientes", style="bold"))
        for message in reversed(messages):
            yield Static(Text(f"· {message}"))


class HelpScreen(ModalScreen):
    """F1 again or Esc closes it."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen #help { width: 100%; max-width: 100; height: 100%; border: round $accent;
                       padding: 0 1; background: $surface; }
    """
    BINDINGS = commands.bindings("help")

    def __init__(self, under: Screen) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        info = help_for(self.under)
        keys = partial(commands.with_keys, self.app)
        with VerticalScroll(id="help"):
            yield Static(Text(f"Ayuda: {keys(info.title)}", style="bold"))
            if info.about:
                yield Static(Text(keys(info.about)))
            for heading, found in key_sections(self.under):
                keyed = [(commands.key_display(self.app, c), c.title or c.label) for c in found]
                yield from _section(heading, keyed)
            for heading, rows in (("Símbolos y colores", info.legend), ("Columnas", info.columns)):
                yield from _section(heading, [(keys(n), keys(m)) for n, m in rows])
            yield from _messages(getattr(self.app, "messages", ()))
            yield Static(f"\nMás detalle: README.md § {info.readme}")
        yield KeyFooter()

    def here(self) -> Here:
        """It covers the screen it helps with: colleagues do not see its user on that one."""
        return Here(label="Ayuda")

    def action_close(self) -> None:
        self.dismiss()
