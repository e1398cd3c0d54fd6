"""The brokertui TUI: header with the current client and today, F-keys between main screens."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import partial

from sqlite_utils import Database
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen

from brokertui.core import dates as fechas
from brokertui.core.catalogs import fold
from brokertui.core.errors import NotFound
from brokertui.core.registry import clients
from brokertui.screens.clients import ClientDetailScreen, ClientsScreen
from brokertui.screens.dashboard import DashboardScreen
from brokertui.screens.discharges import DischargeScreen
from brokertui.screens.pedimentos import PedimentosScreen
from brokertui.screens.raoce import RaoceScreen
from brokertui.screens.reports import ReportsScreen


@dataclass(frozen=True)
class NavItem:
    """A main screen: its F-key, mode name, label and how to build it."""

    key: str
    mode: str
    label: str
    description: str
    factory: Callable[[], Screen]


# One table drives the F-keys, the footer and the command palette.
NAV = [
    NavItem(
        "f2",
        "tablero",
        "Tablero",
        "Vencimientos de todos los clientes por urgencia",
        DashboardScreen,
    ),
    NavItem("f3", "clientes", "Clientes", "Registro de clientes y sus programas", ClientsScreen),
    NavItem(
        "f4",
        "pedimentos",
        "Pedimentos",
        "Captura e importación de pedimentos",
        PedimentosScreen,
    ),
    NavItem(
        "f5",
        "descargos",
        "Descargos",
        "Descargo PEPS del inventario Anexo 24",
        DischargeScreen,
    ),
    NavItem(
        "f6",
        "reportes",
        "Reportes",
        "Reportes del Anexo 24",
        ReportsScreen,
    ),
    NavItem(
        "f7",
        "raoce",
        "RAOCE",
        "Hoja de trabajo del reporte anual",
        RaoceScreen,
    ),
]
HOME = "tablero"
PEDIMENTO_COMMANDS = [
    ("Capturar pedimento", "Captura de un pedimento del cliente elegido", "capture"),
    ("Borradores de captura", "Continuar una captura guardada como borrador", "drafts"),
    ("Importar Data Stage", "Importar el zip mensual de ANAM", "import"),
    ("Conciliación captura vs Data Stage", "Diferencias del cliente elegido", "reconcile"),
]


class ClientSwitcher(Provider):
    """Command palette: fuzzy-match a client by RFC or razón social and open it."""

    async def startup(self) -> None:
        self.clients = clients.list_clients(self.app.db)

    def _label(self, client: clients.Client) -> str:
        return f"{client.rfc}  {client.razon_social}"

    async def discover(self) -> Hits:
        for client in self.clients:
            yield DiscoveryHit(
                self._label(client),
                partial(self.app.open_client, client.rfc),
                help="Abrir este cliente",
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        folded = self.matcher(fold(query))  # "plast" finds "Plásticos"
        for client in self.clients:
            label = self._label(client)
            score = max(matcher.match(label), folded.match(fold(label)))
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(label),
                    partial(self.app.open_client, client.rfc),
                    help="Abrir este cliente",
                )


class BrokerApp(App):
    """brokertui."""

    TITLE = "brokertui"
    NAV = NAV
    CSS_PATH = "app.tcss"
    MODES = {item.mode: item.factory for item in NAV}
    DEFAULT_MODE = HOME
    COMMANDS = App.COMMANDS | {ClientSwitcher}
    # F-keys are shown by the NavBar under the header, so the footer keeps room for screen keys.
    BINDINGS = [
        *(
            Binding(
                item.key,
                f"app.switch_mode('{item.mode}')",
                item.label,
                id=f"nav.{item.mode}",
                show=False,
            )
            for item in NAV
        ),
        Binding("f1", "toggle_help", "Ayuda", id="app.help", show=False),
        Binding(
            "ctrl+p", "command_palette", "Comandos", id="app.palette", priority=True, show=False
        ),
        Binding("ctrl+q", "quit", "Salir", id="app.quit", priority=True),
    ]

    def __init__(self, db: Database, *, today: date | None = None) -> None:
        super().__init__()
        self.db = db
        self.fixed_today = today
        self.client: clients.Client | None = None

    @property
    def today(self) -> date:
        return self.fixed_today or date.today()

    def on_mount(self) -> None:
        self.theme = "textual-dark"
        self._update_sub_title()
        if self.fixed_today is None:
            self.set_interval(30, self._update_sub_title)  # rolls over at midnight

    def _update_sub_title(self) -> None:
        who = f"{self.client.rfc} {self.client.razon_social}" if self.client else "sin cliente"
        self.sub_title = f"Hoy: {fechas.corta(self.today)} · {who}"

    def open_client(self, rfc: str) -> None:
        """Make `rfc` the current client and show its detail."""
        try:
            self.client = clients.get_client(self.db, rfc)
        except NotFound as exc:
            self.notify(str(exc), severity="error")
            return
        self._update_sub_title()
        if self.current_mode != "clientes":
            self.switch_mode("clientes")
        self.push_screen(ClientDetailScreen(rfc))

    def action_toggle_help(self) -> None:
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for item in NAV:
            yield SystemCommand(
                f"{item.label} ({item.key.upper()})",
                item.description,
                partial(self.switch_mode, item.mode),
            )
        for title, help_text, action in PEDIMENTO_COMMANDS:
            yield SystemCommand(title, help_text, partial(self.pedimentos_action, action))
        yield from super().get_system_commands(screen)

    def pedimentos_action(self, action: str) -> None:
        """Run an action of the Pedimentos screen from anywhere (command palette)."""
        self.switch_mode("pedimentos")
        self.call_after_refresh(lambda: self.screen_stack[0].run_action(action))
