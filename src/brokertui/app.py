"""The brokertui TUI: header with the current client and today, F-keys between main screens."""

from __future__ import annotations

import contextlib
import re
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from datetime import date
from functools import partial
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database
from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import Hit, Hits, Provider
from textual.content import Content
from textual.dom import DOMNode
from textual.fuzzy import Matcher
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.theme import Theme, ThemeProvider
from textual.widget import AwaitMount, Widget

from brokertui.core import clock, config, dates, log
from brokertui.core import db as store
from brokertui.core.anexo24 import interfaces
from brokertui.core.errors import NotFound
from brokertui.core.pedimentos import store as pedimento_store
from brokertui.core.registry import clients
from brokertui.core.text import fold
from brokertui.screens import commands, palette
from brokertui.screens.clients import ClientDetailScreen, ClientsScreen
from brokertui.screens.dashboard import DashboardScreen
from brokertui.screens.dialogs import ErrorScreen
from brokertui.screens.discharges import DischargeScreen
from brokertui.screens.help import HelpScreen
from brokertui.screens.idle_collect import IdleCollector
from brokertui.screens.jobs import error_text
from brokertui.screens.live import Live
from brokertui.screens.palette import Palette
from brokertui.screens.pedimento_detail import PedimentoDetailScreen, spaced
from brokertui.screens.pedimentos import PedimentosScreen
from brokertui.screens.raoce import RaoceScreen
from brokertui.screens.reports import ReportsScreen
from brokertui.screens.stylesheet import ParsedOnce
from brokertui.screens.text import clean
from brokertui.screens.typeahead import TypeAhead, read_escape_first
from brokertui.screens.widgets import PagedTable

HOME = "tablero"


class BrokerProvider(Provider):
    """A command palette provider of this app (self.app typed as BrokerApp for mypy)."""

    if TYPE_CHECKING:

        @property
        def app(self) -> BrokerApp: ...


class ClientSwitcher(BrokerProvider):
    """Command palette: fuzzy-match a client by RFC or razón social and switch to it. The
    clients are not listed before the user types (hundreds of them would push the screen's
    commands out of sight): the placeholder says they can be typed."""

    async def startup(self) -> None:
        self.clients = clients.list_clients(self.app.db)

    def _label(self, client: clients.Client) -> str:
        return clean(f"{client.rfc}  {client.razon_social}")

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        folded = self.matcher(fold(query))  # "plast" finds "Plásticos"
        # what choosing one does (BrokerApp.switch_client)
        told = "Abrir su ficha" if self.app.current_mode == "clientes" else "Cambiar a este cliente"
        for client in self.clients:
            label = self._label(client)
            score = max(matcher.match(label), folded.match(fold(label)))
            if score > 0:
                yield Hit(
                    score,
                    _highlight(matcher, label),
                    partial(self.app.switch_client, client.rfc),
                    text=label,
                    help=told,
                )


class PedimentoJump(BrokerProvider):
    """Command palette: part of a pedimento number (4 digits or more, spaces and dashes
    allowed: "3445 6001234") offers the pedimentos whose número contains it; Enter opens one."""

    async def search(self, query: str) -> Hits:
        digits = re.sub(r"[\s.-]", "", query)
        if len(digits) < 4 or not digits.isdigit():
            return
        for row in pedimento_store.find_numeros(self.app.db, digits):
            label = f"Pedimento {spaced(row['numero'])}  {row['rfc']}  {row['clave']}"
            yield Hit(
                100,
                Content(clean(label)),
                partial(self.app.open_pedimento, row["numero"]),
                text=label,
                help=f"Pagado el {row['fecha_pago']}; abrir su detalle",
            )


def _highlight(matcher: Matcher, label: str) -> Content:
    """`label` with the letters the query matched highlighted, as Matcher.highlight does
    but without reading `label` (user data) as markup."""
    content = Content(label)
    for offset in matcher.fuzzy_search.match(matcher.query, label)[1]:
        if not label[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


MESSAGES_KEPT = 20


def _subclasses(cls: type[Widget]) -> Iterator[type[Widget]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


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
    COMMANDS = {palette.SystemSearch, ClientSwitcher, PedimentoJump, commands.CommandProvider}
    # F-keys are shown by the NavBar under the header, so the footer keeps room for screen keys.
    BINDINGS = commands.bindings("nav", "app")

    def __init__(self, db: Database, *, today: date | None = None) -> None:
        super().__init__()
        self.stylesheet = ParsedOnce(variables=self.get_css_variables())
        self._db = db
        self._reader = threading.local()  # a background read's own connection (reading)
        self.fixed_today = today  # pinned (core/clock) while the app runs
        self._pin = contextlib.ExitStack()
        self.client: clients.Client | None = None
        self.live = Live(self)
        self.typeahead = TypeAhead(self)
        self.idle_collect = IdleCollector(self)  # full garbage collections in idle time
        read_escape_first()
        self.preferences = config.load(set(commands.BY_ID), themes=self.available_themes)
        self.keymap = self.preferences.keymap  # command id -> keys, as the user remapped them
        self.messages: deque[str] = deque(maxlen=MESSAGES_KEPT)  # every toast in full, for F1

    def get_key_display(self, binding: Binding) -> str:
        """A key as the footer, F1, the palette and every message name it (commands.spanish:
        'espacio', not Textual's 'space')."""
        return commands.spanish(super().get_key_display(binding))

    @property
    def db(self) -> Database:
        """The app's connection; on a thread inside `reading`, that read's own connection."""
        return getattr(self._reader, "db", None) or self._db

    @db.setter
    def db(self, db: Database) -> None:
        self._db = db

    @contextlib.contextmanager
    def reading(self, db: Database) -> Iterator[Database]:
        """Within it, on this thread only, `app.db` is `db`: a screen's query run in the
        background (jobs.read_later) reads on its own connection, leaving the app's free."""
        self._reader.db = db
        try:
            yield db
        finally:
            self._reader.db = None

    @property
    def today(self) -> date:
        return clock.today()

    def on_load(self) -> None:
        """Its `today` pinned before any screen is made, so the checks of dates in core (an
        import's "no later than today", in a worker thread too) read it, as under `--today`."""
        self._pin.enter_context(clock.pinned_today(self.fixed_today))

    def on_mount(self) -> None:
        self.set_keymap(self.keymap)
        self.theme = self.preferences.theme
        for problem in self.preferences.problems:
            self.notify(problem, title="Preferencias", severity="warning", timeout=15)
        self.theme_changed_signal.subscribe(self, self._save_theme)
        self._update_sub_title()
        if self.fixed_today is None:
            self.set_interval(30, self._update_sub_title)  # rolls over at midnight
        self.live.start()
        self.idle_collect.start()
        self._discard_abandoned()
        self.call_after_refresh(self._read_styles)

    def _discard_abandoned(self) -> None:
        """Imports whose process died while writing them (an SSH link dropped) are deleted now,
        in a thread on a connection of its own, not at the next import of their kind: while
        one is there the saldos read slowly (interfaces.discard_abandoned). Each one deleted is
        told (its user may have to import it again). The next import of their kind deletes one
        this fails on."""
        path = store.file_path(self.db)
        if path is None or not interfaces.abandoned(self.db):
            return

        def discard() -> None:
            try:
                own = store.connect(path)
                try:
                    deleted = interfaces.discard_abandoned(own)
                finally:
                    own.close()
            except Exception as exc:
                log.log_trace(exc, "importaciones abandonadas: quedan para la siguiente")
                return
            with contextlib.suppress(RuntimeError):  # the app ended meanwhile
                for found in deleted:
                    told = f"Se borró {found} ({found.why})."
                    self.call_from_thread(self.notify, told, severity="warning")

        threading.Thread(target=discard, name="abandoned-imports", daemon=True).start()

    def _read_styles(self) -> None:
        """Once the first screen is drawn: the style sheets of the main screens and the default
        CSS of every widget class loaded, parsed now, in idle time. Otherwise a screen's first
        visit parses the whole sheet again, for its own file and again for widget classes not
        shown before (a quarter of F5's first visit; issue 14, item 3). Their rules name only
        their screens' ids and their own types: nothing shown changes."""
        sheet = self.stylesheet
        for screen_class in self.MODES.values():
            for path in screen_class().css_path if callable(screen_class) else ():
                if not sheet.has_source(str(path), ""):
                    sheet.read(path)
        for widget_class in _subclasses(Widget):
            if not widget_class.__module__.startswith(("brokertui.", "textual.")):
                continue
            bases = SimpleNamespace(_node_bases=widget_class._css_bases(widget_class))
            # Textual's method run on a stand-in for the class (it reads only _node_bases)
            for read_from, css, tie_breaker, scope in Widget._get_default_css(bases):  # type: ignore[arg-type]
                sheet.add_source(
                    css, read_from, is_default_css=True, tie_breaker=tie_breaker, scope=scope
                )
        self.refresh_css(animate=False)

    def _save_theme(self, theme: Theme) -> None:
        """The theme chosen (Ctrl+P, Tema) is the one the next start opens with."""
        try:
            config.save_theme(theme.name)
        except OSError as exc:
            self.notify(f"No se guardó el tema en {config.path()}: {exc}", severity="warning")

    def on_unmount(self) -> None:
        self.live.stop()
        self.idle_collect.stop()
        self._pin.close()

    def action_command_palette(self) -> None:
        """Show the command palette (screens/palette.py: in Spanish, Enter waits for the
        search)."""
        if self.use_command_palette and not Palette.is_open(self):
            self.push_screen(Palette(id="--command-palette"))

    def action_reload_screen(self) -> None:
        self.live.tick(force=True)

    def format_title(self, title: str, sub_title: str) -> Content:
        """The header's line: titles and sub-titles hold user data (a razón social)."""
        return super().format_title(clean(title), clean(sub_title))

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
        full: str = "",
    ) -> None:
        """Every toast (a screen's too) is plain text: its messages carry user data. It is ONE
        line over the header, clipped with an ellipsis, never over a table (issue 16, item 9):
        the newest hides the ones before, and F1 lists the recent ones in full (`full`, when
        the toast says less: a file's name, F1 its whole path)."""
        heading, text = clean(title), clean(message, lines=True)
        if heading:
            text = f"{heading}{'' if heading[-1] in '?!.:' else ':'} {text}"
        self.messages.append(clean(full, lines=True) if full else text)
        super().notify(
            " · ".join(line.strip() for line in text.splitlines() if line.strip()),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def _update_sub_title(self) -> None:
        who = f"{self.client.rfc} {self.client.razon_social}" if self.client else "sin cliente"
        self.sub_title = f"Hoy: {dates.corta(self.today)} · {who}"

    def switch_mode(self, mode: str) -> AwaitMount:
        """Another main screen: the toasts of the one left go (they spoke of it). Its tables
        are emptied: a main screen reloads them when it comes back, and Textual draws it once
        before that, a whole table of old rows for nothing (issue 14, item 3)."""
        self.clear_notifications()
        if mode != self.current_mode and len(self.screen_stack) == 1:  # the main screen
            for table in self.screen.query(PagedTable):
                table.table.clear()
        return super().switch_mode(mode)

    def open_client(self, rfc: str) -> None:
        """Make `rfc` the current client and show its detail (the one on Clientes, if any)."""
        if self.set_client(rfc):
            if self.current_mode != "clientes":
                self.switch_mode("clientes")
            if isinstance(self.screen, ClientDetailScreen):
                self.screen.follow_client()
            else:
                self.push_screen(ClientDetailScreen(rfc))

    def switch_client(self, rfc: str) -> None:
        """The palette's choice: make `rfc` the current client and stay on the screen in use,
        shown again for it (as when it comes back to the front); on Clientes, open its detail."""
        if self.current_mode == "clientes":
            self.open_client(rfc)
        elif self.set_client(rfc):
            self.screen.post_message(events.ScreenResume())

    def open_pedimento(self, numero: str) -> None:
        """The palette's jump: show the pedimento's detail over the screen in use."""
        self.push_screen(PedimentoDetailScreen(numero))

    def set_client(self, rfc: str) -> bool:
        """Make `rfc` the current client (False, told, when it does not exist)."""
        try:
            self.client = clients.get_client(self.db, rfc)
        except NotFound as exc:
            self.notify(str(exc), severity="error")
            return False
        self._update_sub_title()
        return True

    def internal_error(self, error: Exception) -> None:
        """Show an exception no screen handled in ErrorScreen (jobs.error_text words it and logs
        an unexpected one's trace); the app goes on. One dialog at a time."""
        text = error_text(error)
        if not isinstance(self.screen, ErrorScreen):
            self.push_screen(ErrorScreen(text))

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent):
            self.idle_collect.input()
        if not await self.typeahead.take(event):  # keys land where they were typed
            await super().on_event(event)

    async def _dispatch_action(self, namespace: DOMNode, action_name: str, params: Any) -> bool:
        # Textual 8 runs every action (a key, the palette, a click) here, on the app's message
        # loop: an exception would end that loop, and with it the app.
        try:
            return await super()._dispatch_action(namespace, action_name, params)
        except Exception as error:
            self.internal_error(error)
            return True

    def _handle_exception(self, error: Exception) -> None:
        # Textual 8 calls this for an exception in any other handler, callback or timer, then
        # exits; while the app runs it shows the error instead.
        if self.is_running and not self._closing:
            with contextlib.suppress(Exception):  # if even the dialog fails, Textual's way
                self.internal_error(error)
                return
        super()._handle_exception(error)

    def search_themes(self) -> None:
        self.push_screen(Palette(providers=[ThemeProvider], placeholder="Buscar tema…"))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        return palette.system_commands(self, screen)

    def action_help_quit(self) -> None:
        """Ctrl+C (Textual's reminder that it no longer quits), in Spanish."""
        key = commands.key_display(self, commands.BY_ID["app.quit"])
        self.notify(f"Pulse {key} para salir", title="¿Quiere salir?")

    def action_toggle_help(self) -> None:
        """F1: the help of the screen in front (screens/help.py; F1 there closes it)."""
        self.push_screen(HelpScreen(self.screen))
