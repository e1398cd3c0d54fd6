"""Every key the TUI answers to, once: each screen's BINDINGS (and so its footer) and the
command palette are built from the one table below."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.widget import Widget

from brokertui.core.anexo24 import reports
from brokertui.screens.text import markup


@dataclass(frozen=True)
class Command:
    """One action of one screen (or widget, or the app).

    `id` is "<scope>.<name>": stable and unique, it is what a user keymap remaps. `label` is the
    footer's word; `title` and `help` are the palette's line, and a command without a title is not
    offered there (keys of a focused widget, Ctrl+P itself)."""

    id: str
    key: str
    label: str
    action: str
    title: str = ""
    help: str = ""
    show: bool = True
    priority: bool = False

    @property
    def scope(self) -> str:
        return self.id.partition(".")[0]

    def binding(self) -> Binding:
        return Binding(
            self.key, self.action, self.label, show=self.show, priority=self.priority, id=self.id
        )


@dataclass(frozen=True)
class MainScreen:
    """A main screen: its mode, F-key, label, what it is for and the scope of its commands."""

    mode: str
    key: str
    label: str
    description: str
    scope: str


MAIN_SCREENS = (
    MainScreen(
        "tablero", "f2", "Tablero", "Vencimientos de todos los clientes por urgencia", "dashboard"
    ),
    MainScreen("clientes", "f3", "Clientes", "Registro de clientes y sus programas", "clients"),
    MainScreen(
        "pedimentos", "f4", "Pedimentos", "Captura e importación de pedimentos", "pedimentos"
    ),
    MainScreen(
        "descargos", "f5", "Descargos", "Descargo PEPS del inventario Anexo 24", "discharge"
    ),
    MainScreen("reportes", "f6", "Reportes", "Reportes del Anexo 24", "reports"),
    MainScreen("raoce", "f7", "RAOCE", "Hoja de trabajo del reporte anual", "raoce"),
)
# Reportes: the digit keys pick a report, in the order of the core's report list (the activo
# fijo report has its screen, F6 → f).
REPORT_KEYS = {
    str(n): name for n, name in enumerate((n for n in reports.NAMES if n != "activo_fijo"), start=1)
}


def _report(key: str, name: str) -> Command:
    title = reports.REPORTS[name].title
    label = title.split(" (")[0]
    return Command(
        f"reports.{name}",
        key,
        label,
        f"show('{name}')",
        f"Reporte: {label}",
        f"{title}, del cliente elegido",
        show=False,
    )


TABLE = (
    *(
        Command(
            f"nav.{s.mode}",
            s.key,
            s.label,
            f"app.switch_mode('{s.mode}')",
            s.label,
            s.description,
            show=False,
        )
        for s in MAIN_SCREENS
    ),
    Command("app.help", "f1", "Ayuda", "toggle_help", "Ayuda", "Teclas de la pantalla", show=False),
    Command("app.palette", "ctrl+p", "Comandos", "command_palette", show=False, priority=True),
    Command(
        "app.quit",
        "ctrl+q",
        "Salir",
        "quit",
        "Salir",
        "Cerrar brokertui",
        show=False,
        priority=True,
    ),
    Command(
        "app.reload",
        "ctrl+l",
        "Actualizar",
        "reload_screen",
        "Actualizar",
        "Volver a leer los datos de la pantalla (se actualiza sola cada segundo)",
        show=False,
    ),
    # Tablero (F2)
    Command(
        "dashboard.urgent",
        "u",
        "Urgentes",
        "toggle_urgent",
        "Sólo urgentes",
        "Muestra sólo los vencimientos urgentes, o todos otra vez",
    ),
    Command(
        "dashboard.client",
        "c",
        "Cliente",
        "toggle_client",
        "Sólo el cliente elegido",
        "Muestra sólo el cliente elegido, o todos otra vez",
    ),
    Command(
        "dashboard.program",
        "r",
        "Programa",
        "cycle_program",
        "Filtrar el tablero por programa",
        "Todos, IMMEX, PROSEC, ALTEX, ECEX o permanencia temporal",
    ),
    Command(
        "dashboard.prev_year",
        "minus",
        "Año ant.",
        "year(-1)",
        "Tablero del año anterior",
        "Vencimientos del año anterior",
    ),
    Command(
        "dashboard.next_year",
        "plus",
        "Año sig.",
        "year(1)",
        "Tablero del año siguiente",
        "Vencimientos del año siguiente",
    ),
    # Clientes (F3)
    Command("clients.add", "a", "Nuevo", "add", "Nuevo cliente", "Registrar un cliente"),
    Command(
        "clients.bajas",
        "t",
        "Bajas",
        "toggle_bajas",
        "Clientes dados de baja",
        "Muestra u oculta los clientes dados de baja",
    ),
    # A client's detail
    Command(
        "client_detail.back", "escape", "Volver", "app.pop_screen", "Volver", "Cerrar el cliente"
    ),
    Command("client_detail.edit", "e", "Editar", "edit", "Editar cliente", "Datos del cliente"),
    Command(
        "client_detail.add_program",
        "g",
        "Programa",
        "add_program",
        "Agregar programa",
        "IMMEX, PROSEC, ALTEX o ECEX del cliente",
    ),
    Command(
        "client_detail.program_status",
        "s",
        "Estatus",
        "program_status",
        "Estatus del programa",
        "Vigente, suspendido o cancelado, y la fecha de autorización del programa elegido",
        show=False,  # 80 columns: in the Programas heading, F1 and the palette
    ),
    Command(
        "client_detail.add_site",
        "l",
        "Planta/bodega",
        "add_site",
        "Agregar planta o bodega",
        "Domicilio de una planta o bodega del cliente",
    ),
    Command(
        "client_detail.baja",
        "b",
        "Baja",
        "baja",
        "Dar de baja al cliente",
        "El registro y su historial se conservan",
    ),
    Command(
        "client_detail.rules",
        "x",
        "Reglas",
        "rules",
        "Reglas de pedimento del cliente",
        "Activar o desactivar reglas de revisión",
    ),
    Command(
        "client_detail.oficio",
        "o",
        "Oficio",
        "oficio",
        "Oficio de matriz de seguridad",
        "Registrar el oficio de ANAM del cliente (o su renovación)",
        show=False,  # 80 columns: in F1 and the palette
    ),
    Command(
        "client_detail.deliveries",
        "d",
        "Entregas",
        "deliveries",
        "Entregas Data Stage del cliente",
        "Meses recibidos, por llegar y atrasados, y su oficio",
        show=False,  # 80 columns: in F1 and the palette
    ),
    Command(
        "client_detail.catalogs",
        "m",
        "Catálogos",
        "catalogs",
        "Catálogos Anexo 24 del cliente",
        "Materiales, productos y BOM: buscar, ordenar y dar de baja con fecha",
        show=False,  # 80 columns: in the summary, F1 and the palette
    ),
    Command("rules.back", "escape", "Volver", "close", "Volver", "Cerrar las reglas"),
    Command(
        "rules.toggle",
        "space",
        "Cambiar",
        "switch",
        "Activar o desactivar la regla",
        "La regla elegida; el cambio se guarda al momento",
    ),
    # A client's Anexo 24 catalogs
    Command(
        "catalogs.back", "escape", "Volver", "app.pop_screen", "Volver", "Cerrar los catálogos"
    ),
    *(
        Command(
            f"catalogs.{name}",
            key,
            label,
            f"show('{name}')",
            f"Catálogo: {label}",
            f"{label} del cliente",
        )
        for key, name, label in (
            ("1", "materiales", "Materiales"),
            ("2", "productos", "Productos"),
            ("3", "bom", "BOM"),
        )
    ),
    Command(
        "catalogs.baja",
        "b",
        "Baja",
        "baja",
        "Dar de baja del catálogo",
        "El material o producto elegido, con su fecha de baja; el registro se conserva",
    ),
    # The record forms (cliente, programa, planta/bodega, ajuste)
    Command(
        "form.save", "ctrl+s", "Guardar", "save", "Guardar", "Validar y guardar", priority=True
    ),
    Command("form.cancel", "escape", "Cancelar", "cancel", "Cancelar", "Cerrar sin guardar"),
    # Pedimentos (F4)
    Command(
        "pedimentos.capture",
        "a",
        "Nuevo",
        "capture",
        "Capturar pedimento",
        "Captura de un pedimento del cliente elegido",
    ),
    Command(
        "pedimentos.edit",
        "e",
        "Editar",
        "edit",
        "Editar pedimento",
        "Abrir en la captura el pedimento seleccionado",
    ),
    Command(
        "pedimentos.drafts",
        "b",
        "Borrador",
        "drafts",
        "Borradores de captura",
        "Continuar una captura guardada como borrador",
    ),
    Command(
        "pedimentos.import",
        "i",
        "Importar",
        "import",
        "Importar Data Stage",
        "Importar el zip mensual de ANAM",
    ),
    Command(
        "pedimentos.reconcile",
        "c",
        "Conciliar",
        "reconcile",
        "Conciliación captura vs Data Stage",
        "Diferencias del cliente elegido",
    ),
    Command(
        "pedimento_detail.back",
        "escape",
        "Volver",
        "app.pop_screen",
        "Volver",
        "Cerrar el pedimento",
    ),
    Command(
        "pedimento_detail.edit",
        "e",
        "Editar",
        "edit",
        "Editar este pedimento",
        "Abrir en la captura la copia capturada",
    ),
    Command("drafts.back", "escape", "Volver", "close", "Volver", "Cerrar los borradores"),
    Command(
        "drafts.delete", "delete", "Borrar", "delete", "Borrar borrador", "El borrador seleccionado"
    ),
    Command(
        "datastage_import.run",
        "enter",
        "Importar",
        "run",
        "Importar el zip o la carpeta",
        "El zip (o cada zip de la carpeta) escrito en Zip/carpeta, completo o nada",
        show=False,  # the path field's line says it
    ),
    Command(
        "datastage_import.back", "escape", "Volver", "leave", "Volver", "Regresar a Pedimentos"
    ),
    Command(
        "pedimentos.crosscheck",
        "k",
        "Cruce",
        "crosscheck",
        "Cruce Anexo 24 vs Data Stage",
        "Entradas del Anexo 24 contra las partidas de Data Stage del cliente elegido",
        show=False,  # 80 columns: in F1 and the palette
    ),
    Command(
        "pedimentos.deliveries",
        "d",
        "Entregas",
        "deliveries",
        "Entregas Data Stage",
        "Meses de Data Stage por cliente: faltantes, atrasados y oficios",
        show=False,  # 80 columns: in F1 and the palette
    ),
    Command(
        "reconcile.back", "escape", "Volver", "app.pop_screen", "Volver", "Regresar a Pedimentos"
    ),
    Command(
        "deliveries.back", "escape", "Volver", "app.pop_screen", "Volver", "Cerrar las entregas"
    ),
    Command(
        "deliveries.oficio",
        "o",
        "Oficio",
        "oficio",
        "Oficio de matriz de seguridad",
        "Registrar el oficio de ANAM del cliente (o su renovación)",
    ),
    Command(
        "reconcile.crosscheck",
        "k",
        "Cruce",
        "crosscheck",
        "Cruce Anexo 24 vs Data Stage",
        "Entradas del Anexo 24 contra las partidas de Data Stage",
    ),
    Command("crosscheck.back", "escape", "Volver", "app.pop_screen", "Volver", "Cerrar el cruce"),
    Command(
        "crosscheck.parts",
        "u",
        "Partes",
        "parts",
        "Números de parte sin catálogo",
        "Partidas temporales cuyo número de parte no está en materiales",
    ),
    Command("parts.back", "escape", "Volver", "app.pop_screen", "Volver", "Regresar al cruce"),
    Command(
        "crosscheck.descargos",
        "d",
        "512",
        "descargos",
        "Descargos 512 vs brokertui",
        "Los descargos 512 de Data Stage contra el descargo PEPS de las mismas salidas",
    ),
    Command(
        "descargos_check.back", "escape", "Volver", "app.pop_screen", "Volver", "Regresar al cruce"
    ),
    Command(
        "crosscheck.export",
        "x",
        "Exportar XLSX",
        "export",
        "Exportar cruce a XLSX",
        "Las diferencias, en ~/brokertui-reportes",
    ),
    Command(
        "pedimento_form.save",
        "ctrl+s",
        "Guardar",
        "save",
        "Guardar pedimento",
        "Validar y guardar el pedimento",
        priority=True,
    ),
    Command(
        "pedimento_form.leave",
        "escape",
        "Cerrar",
        "leave",
        "Cerrar la captura",
        "Guardar como borrador o descartar",
    ),
    # The repeated blocks of the pedimento form (facturas, partidas…), while one has the focus
    Command("block.add", "ctrl+n", "Nueva", "add", "Nueva fila", "Agrega una fila al bloque"),
    Command("block.duplicate", "ctrl+r", "Duplicar", "duplicate", "Duplicar fila", "Copia la fila"),
    Command("block.delete", "ctrl+t", "Quitar", "delete", "Quitar fila", "Quita la fila"),
    Command("block.prev", "pageup", "Ant.", "move(-1)", "Fila anterior", show=False),
    Command("block.next", "pagedown", "Sig.", "move(1)", "Fila siguiente", show=False),
    # Descargos (F5)
    Command(
        "discharge.run",
        "d",
        "Descargar",
        "run",
        "Descargar (PEPS)",
        "Descargo del cliente elegido hasta la fecha",
    ),
    Command(
        "discharge.preview",
        "v",
        "Simular",
        "preview",
        "Simular descargo",
        "Vista previa del descargo; nada se guarda",
    ),
    Command(
        "discharge.undo",
        "z",
        "Deshacer",
        "undo",
        "Deshacer la última corrida",
        "Revierte la última corrida de descargo",
        show=False,  # 80 columns: in F1 and the palette
    ),
    Command(
        "discharge.faltantes",
        "f",
        "Faltantes",
        "toggle_faltantes",
        "Sólo faltantes",
        "Muestra sólo los faltantes, o todo otra vez",
    ),
    Command(
        "discharge.pending",
        "e",
        "Pendientes",
        "toggle_pending",
        "Salidas por descargar",
        "Las salidas que aún no se descargan",
    ),
    Command(
        "discharge.interfaces",
        "i",
        "Interfaces",
        "interfaces",
        "Importar interfaces del ERP",
        "Materiales, productos, BOM, entradas, salidas, ajustes…: vista previa, luego importa",
        show=False,  # 80 columns: in F1 and the palette
    ),
    Command(
        "interface_import.check",
        "enter",
        "Revisar",
        "check",
        "Revisar el archivo",
        # Intro on the interface's list is the Select's own key (Textual's, not remappable)
        "Lo lee entero sin escribir nada, desde cualquier lugar de la pantalla (en Interfaz, "
        "Intro abre la lista)",
        show=False,  # 80 columns: the field's line says it
        priority=True,  # over the path field's and the tables' own Enter
    ),
    Command(
        "interface_import.commit",
        "ctrl+s",
        "Importar",
        "commit",
        "Importar el archivo revisado",
        "Sólo un archivo sin errores, tal como se revisó ({interface_import.check} revisa)",
        priority=True,
    ),
    Command(
        "interface_import.back",
        "escape",
        "Volver",
        "leave",
        "Volver",
        "Regresar a Descargos; sin {interface_import.commit} nada se importa",
    ),
    Command(
        "discharge.mode",
        "m",
        "Modo",
        "mode",
        "Cambiar modo de descargo",
        "Por cantidad (número de parte) o por valor (USD por fracción o por pedimento)",
    ),
    # Reportes (F6)
    *(_report(key, name) for key, name in REPORT_KEYS.items()),
    Command(
        "reports.export",
        "x",
        "Exportar XLSX",
        "export",
        "Exportar reporte a XLSX",
        "El reporte mostrado, en ~/brokertui-reportes",
    ),
    Command(
        "reports.ajuste",
        "a",
        "Nuevo ajuste",
        "ajuste",
        "Registrar ajuste",
        "Faltante, merma, sobrante o desensamble",
    ),
    Command("reports.period", "d", "Periodo", "period", "Periodo del reporte", "Desde y hasta"),
    Command(
        "reports.conciliacion",
        "i",
        "Conciliación",
        "conciliacion",
        "Conciliación de inventario",
        "Inventario del sistema corporativo contra entradas, salidas, ajustes y saldos",
    ),
    # Conciliación de inventario (from Reportes)
    Command("conciliacion.back", "escape", "Volver", "app.pop_screen", "Volver", "A los reportes"),
    Command(
        "conciliacion.ajustar",
        "a",
        "Ajustar",
        "ajustar",
        "Registrar ajustes propuestos",
        "Las diferencias como faltantes o sobrantes, tras confirmar",
    ),
    Command(
        "conciliacion.period",
        "d",
        "Periodo",
        "period",
        "Periodo declarado",
        "Elegir otro periodo de inventarios declarados",
    ),
    Command(
        "conciliacion.export",
        "x",
        "Exportar XLSX",
        "export",
        "Exportar conciliación a XLSX",
        "La conciliación, en ~/brokertui-reportes",
    ),
    Command(
        "reports.activos",
        "f",
        "Activo fijo",
        "activo_fijo",
        "Activo fijo",
        "Activos fijos del cliente: saldo, domicilio, permanencia y movimientos",
        show=False,  # 80 columns: in F1 and the palette
    ),
    # Activo fijo (F6 → f)
    Command("activo_fijo.back", "escape", "Volver", "app.pop_screen", "Volver", "A Reportes"),
    Command(
        "activo_fijo.movement",
        "m",
        "Movimiento",
        "movement",
        "Movimiento de activo fijo",
        "Retorno, transferencia, cambio de régimen, donación, destrucción o domicilio",
    ),
    Command(
        "activo_fijo.view",
        "v",
        "Activos/reporte",
        "view",
        "Activos o reporte de movimientos",
        "Los activos, o cada importación y movimiento del año con su tipo",
    ),
    Command(
        "activo_fijo.every",
        "t",
        "Todos",
        "every",
        "Todos los activos",
        "También los ya descargados por completo, o sólo los que tienen saldo",
    ),
    Command(
        "activo_fijo.export",
        "x",
        "XLSX",
        "export",
        "Exportar activo fijo a XLSX",
        "El reporte de activo fijo del año, en ~/brokertui-reportes",
    ),
    # RAOCE (F7)
    Command(
        "raoce.save",
        "ctrl+s",
        "Guardar",
        "save",
        "Guardar hoja RAOCE",
        "La hoja de trabajo del año",
        priority=True,
    ),
    Command(
        "raoce.file",
        "ctrl+f",
        "Presentar",
        "file",
        "Presentar RAOCE",
        "Registrar el acuse de VUCEM de un programa",
        priority=True,
    ),
    Command(
        "raoce.prev",
        "ctrl+left",
        "Año ant.",
        "year(-1)",
        "RAOCE del año anterior",
        "La hoja del año anterior",
        priority=True,
    ),
    Command(
        "raoce.next",
        "ctrl+right",
        "Año sig.",
        "year(1)",
        "RAOCE del año siguiente",
        "La hoja del año siguiente",
        priority=True,
    ),
    Command(
        "raoce.bienes",
        "ctrl+o",
        "Bienes",
        "bienes",
        "Relación de bienes producidos",
        "PROSEC: las fracciones de los bienes finales de los sectores autorizados",
        priority=True,
    ),
    Command("bienes.back", "escape", "Volver", "app.pop_screen", "Volver", "Regresar al RAOCE"),
    Command("bienes.add", "a", "Agregar", "add", "Agregar bien", "Un bien final de su PROSEC"),
    Command("bienes.edit", "e", "Editar", "edit", "Editar bien", "El bien seleccionado"),
    Command(
        "bienes.delete",
        "delete",
        "Quitar",
        "delete",
        "Quitar bien",
        "Quitar de la relación el bien seleccionado",
    ),
    Command(
        "filing.save",
        "ctrl+s",
        "Registrar",
        "save",
        "Registrar acuse",
        "Folio y fecha del acuse",
        priority=True,
    ),
    Command("filing.cancel", "escape", "Cancelar", "cancel", "Cancelar", "Sin registrar"),
    # Dialogs
    Command("confirm.yes", "s", "Sí", "answer(True)", "Sí", "Confirmar"),
    Command("confirm.no", "n,escape", "No", "answer(False)", "No", "No confirmar"),
    Command("choice.back", "escape", "Volver", "choose(None)", "Volver", "Cerrar sin elegir"),
    # Leaving a form with changes not saved (screens/form.py leave): one key per outcome
    Command(
        "leave.discard",
        "d",
        "Descartar",
        "leave(True)",
        "Descartar los cambios",
        "Cerrar el formulario sin guardar",
    ),
    Command(
        "leave.stay",
        "escape",
        "Seguir editando",
        "leave(False)",
        "Seguir editando",
        "Volver al formulario con lo escrito",
    ),
    Command("error.close", "escape", "Cerrar", "close", "Cerrar", "Cerrar el aviso de error"),
    # Saving a record another user changed since it was opened (screens/stale.py)
    Command(
        "stale.reload",
        "r",
        "Recargar",
        "choose('reload')",
        "Recargar",
        "Descartar lo mío y ver lo guardado por el otro usuario",
    ),
    Command(
        "stale.overwrite",
        "s",
        "Sobrescribir",
        "choose('overwrite')",
        "Sobrescribir",
        "Guardar lo mío de todos modos",
    ),
    Command(
        "stale.merge",
        "c",
        "Combinar",
        "choose('merge')",
        "Combinar",
        "Lo de cada uno; usted elige donde ambos cambiaron",
    ),
    Command(
        "stale.back", "escape", "Volver", "choose(None)", "Volver", "Al formulario, sin guardar"
    ),
    # The paged tables, while one has the focus
    # (n/p: not in the footer, which keeps room for the screen's keys: in F1 and the palette)
    Command("table.next_page", "n", "Pág.→", "page(1)", "Página siguiente", show=False),
    Command("table.prev_page", "p", "←Pág.", "page(-1)", "Página anterior", show=False),
    Command(
        "table.search",
        "slash",
        "Buscar",
        "search",
        "Buscar en la lista",
        "Sin importar mayúsculas ni acentos; números con o sin espacios; AAAA-MM-DD..AAAA-MM-DD",
    ),
    Command(
        "table.sort",
        "o",
        "Orden",
        "sort",
        "Ordenar la lista",
        "Elegir la columna; la misma otra vez invierte el orden",
        show=False,
    ),
    Command(
        "table.reverse",
        "O",
        "Invertir",
        "reverse",
        "Invertir el orden",
        "Ascendente o descendente por la columna elegida",
        show=False,
    ),
    # The path field of an import (Data Stage, interfaces), while it has the focus
    Command(
        "path.complete",
        "tab",
        "Completar",
        "complete",
        "Completar la ruta",
        "El nombre de la carpeta o del archivo; si varios empiezan igual, los lista",
    ),
    Command(
        "path.recent",
        "ctrl+r",
        "Recientes",
        "recent",
        "Carpetas recientes",
        "Una de las últimas carpetas de las que usted importó",
    ),
    # The open list of a choice field (the interface to import)
    Command("select.dismiss", "escape", "Cerrar lista", "dismiss", "Cerrar la lista", "Sin elegir"),
    # The search line of a list, while it has the focus
    Command("search.clear", "escape", "Limpiar", "clear", "Limpiar la búsqueda", "Toda la lista"),
    # The column picker of a list
    Command("sort_picker.back", "escape", "Volver", "close", "Volver", "Sin cambiar el orden"),
    # F1's help
    Command("help.close", "escape,f1", "Cerrar", "close", "Cerrar la ayuda"),
)
BY_ID = {command.id: command for command in TABLE}


def of_scopes(*scopes: str) -> list[Command]:
    """The table's commands of `scopes`, in the table's order."""
    return [command for command in TABLE if command.scope in scopes]


def bindings(*scopes: str) -> list[BindingType]:
    """The BINDINGS of a screen (or widget, or the app): the table's commands of `scopes`."""
    return [command.binding() for command in of_scopes(*scopes)]


# Textual's names of named keys (English) as a Spanish keyboard labels the keys.
KEY_NAMES = {
    "space": "espacio",
    "del": "supr",
    "pgup": "repág",
    "pgdn": "avpág",
    "home": "inicio",
    "end": "fin",
    "shift": "mayús",
}


def spanish(shown: str) -> str:
    """A key as Textual names it ('space', 'shift+tab'), its named keys as a Spanish keyboard
    labels them ('espacio', 'mayús+tab'): BrokerApp.get_key_display."""
    return "+".join(KEY_NAMES.get(part, part) for part in shown.split("+"))


def key_display(app: App, command: Command) -> str:
    """`command`'s (first) key as the user reads it, after the user's keymap (config.toml)."""
    keys = getattr(app, "keymap", {}).get(command.id, command.key)
    key = app.get_key_display(Binding(keys.split(",")[0], command.action))
    return key.upper() if re.fullmatch("f[0-9]+", key) else key


def key_of(app: App, command_id: str) -> str:
    """The key of the command `command_id` as the user reads it (key_display)."""
    return key_display(app, BY_ID[command_id])


KEY_NAME = re.compile(r"\{([a-z_]+\.[a-z_0-9]+)\}")


def with_keys(app: App, text: str) -> str:
    """`text` with each "{command.id}" in it replaced by that command's key as the footer
    names it (key_of): how a message names a key the user may remap. Plain text: a message
    that is markup passes its keys as values instead (screens/text.markup)."""
    return KEY_NAME.sub(lambda found: key_of(app, found[1]), text)


def markup_with_keys(app: App, template: str) -> Content:
    """with_keys for a markup template: each key goes in as a value, never read as markup."""
    keys: dict[str, str] = {}

    def value(found: re.Match[str]) -> str:
        name = f"key{len(keys)}"
        keys[name] = key_of(app, found[1])
        return f"${name}"

    return markup(KEY_NAME.sub(value, template), **keys)


def choose_client(app: App) -> str:
    """How a screen that needs a client says to choose one: the palette's key or Clientes'
    ('^p o F3'), as the footer names them."""
    return f"{key_of(app, 'app.palette')} o {key_of(app, 'nav.clientes')}"


class CommandProvider(Provider):
    """Command palette: the commands of the current screen, the app's, and those of every main
    screen (run after switching to it); each shown with its key. The empty palette lists them
    as F1 does, the screen's first, with Textual's own (Tema…) after the app's: this provider
    yields every line of it (palette.SystemSearch only answers a search), as hits of several
    providers arrive in no set order."""

    Offer = tuple[Command, str, Callable]  # a command, its help, what to call

    def _groups(self) -> tuple[list[Offer], list[Offer], list[Offer]]:
        """What is offered: the screen's (and the focused widget's), the F-keys' and the
        app's, and the other main screens' (a command without a title is not)."""
        screen = self.screen
        # the screen's own commands, then those of the focused widget and its containers (a
        # table's paging, search and sort; a capture block's rows), each run where it is bound
        chain: list[Widget] = [screen]
        for node in screen.focused.ancestors_with_self if screen.focused else ():
            if node is screen or not isinstance(node, Widget):
                break
            chain.append(node)
        mine: dict[str, CommandProvider.Offer] = {}
        for node in chain:
            for b in getattr(node, "BINDINGS", ()):
                if isinstance(b, Binding) and b.id in BY_ID and b.id not in mine:
                    command = BY_ID[b.id]
                    run = partial(node.run_action, command.action)
                    mine[b.id] = (command, with_keys(self.app, command.help), run)
        here = [c for c, _, _ in mine.values()]
        general = [
            (c, with_keys(self.app, c.help), partial(self.app.run_action, c.action))
            for c in TABLE
            if c.scope in ("nav", "app")
        ]
        elsewhere = [
            (
                c,
                f"{main.label} · {with_keys(self.app, c.help)}",
                partial(self._run_in_mode, main.mode, c.action),
            )
            for main in MAIN_SCREENS
            for c in TABLE
            if c.scope == main.scope and c not in here
        ]
        titled = [[o for o in group if o[0].title] for group in (mine.values(), general, elsewhere)]
        return titled[0], titled[1], titled[2]

    def _run_in_mode(self, mode: str, action: str) -> None:
        """Switch to a main screen and run one of its actions there."""
        self.app.switch_mode(mode)
        self.app.call_after_refresh(lambda: self.app.screen_stack[0].run_action(action))

    def _title(self, command: Command) -> str:
        return f"{command.title} ({key_display(self.app, command)})"

    async def discover(self) -> Hits:
        mine, general, elsewhere = self._groups()
        for command, help_text, run in mine + general:
            yield DiscoveryHit(self._title(command), run, help=help_text)
        for name, help_text, callback, listed in self.app.get_system_commands(self.screen):
            if listed:
                yield DiscoveryHit(name, callback, help=help_text)
        for command, help_text, run in elsewhere:
            yield DiscoveryHit(self._title(command), run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command, help_text, run in (o for group in self._groups() for o in group):
            title = self._title(command)
            if (score := matcher.match(title)) > 0:
                yield Hit(score, matcher.highlight(title), run, help=help_text)
