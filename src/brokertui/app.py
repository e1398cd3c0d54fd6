"""The brokertui TUI: header with the current client and today, F-keys between main screens."""

from __future__ import annotations

from datetime import date
from functools import partial

from sqlite_utils import Database
from textual.app import App
from textual.command import DiscoveryHit, Hit, Hits, Provider

from brokertui.core import dates
from brokertui.core.catalogs import fold
from brokertui.core.errors import NotFound
from brokertui.core.registry import clients
from brokertui.screens import commands
from brokertui.screens.clients import ClientDetailScreen, ClientsScreen
from brokertui.screens.dashboard import DashboardScreen
from brokertui.screens.discharges import DischargeScreen
from brokertui.screens.pedimentos import PedimentosScreen
from brokertui.screens.raoce import RaoceScreen
from brokertui.screens.reports import ReportsScreen

HOME = "tablero"


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
    NAV = commands.MAIN_SCREENS
    CSS_PATH = "app.tcss"
    MODES = {
        "tablero": DashboardScreen,
        "clientes": ClientsScreen,
        "pedimentos": PedimentosScreen,
        "descargos": DischargeScreen,
        "reportes": ReportsScreen,
        "raoce": RaoceScreen,
    }
    DEFAULT_MODE = HOME
    COMMANDS = App.COMMANDS | {ClientSwitcher, commands.CommandProvider}
    # F-keys are shown by the NavBar under the header, so the footer keeps room for screen keys.
    BINDINGS = commands.bindings("nav", "app")

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
        self.sub_title = f"Hoy: {dates.corta(self.today)} · {who}"

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
