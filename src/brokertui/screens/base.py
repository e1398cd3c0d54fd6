"""What screens share: a guard on their handlers, the current client of the main screens, and
the year of those that show one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import events, getters
from textual.message import Message
from textual.screen import Screen

from brokertui.screens import commands

if TYPE_CHECKING:  # app.py imports the screens: BrokerApp is named for mypy only
    from brokertui.app import BrokerApp as BrokerApp  # the widgets' too, through here

    _Screen = Screen[Any]  # mypy sees the Screen a Guarded is mixed into
else:
    _Screen = object

_HIDDEN = object()


class Guarded(_Screen):
    """Mixin for a screen: an exception in one of its handlers (a row selected, a field left,
    a dialog's answer) goes to the app's error dialog, and the screen keeps running (Textual 8
    would end the screen's message loop, leaving it frozen).

    It also takes a screen's ScreenResume once per showing: Textual 8 sends a mode's screen
    two on its first showing (App._init_mode and switch_mode each post one), and a screen that
    loads its data on resume would query everything twice. A resume for another current client
    (app.switch_client) still goes through."""

    _shown_for: object = _HIDDEN

    if TYPE_CHECKING:  # Textual's way to type self.app as the app's own class
        app = getters.app(BrokerApp)

    async def _dispatch_message(self, message: Message) -> None:
        if isinstance(message, events.ScreenSuspend):
            self._shown_for = _HIDDEN
        elif isinstance(message, events.ScreenResume):
            client = self.app.client
            shown_for = client.rfc if client else None
            if shown_for == self._shown_for:
                return
            self._shown_for = shown_for
        try:
            await super()._dispatch_message(message)
        except Exception as error:
            self.app.internal_error(error)

    def tell_no_client(self) -> None:
        """Warn that a key needs a client, and how to choose one with the user's keys."""
        told = f"Elija primero el cliente ({commands.choose_client(self.app)})."
        self.notify(told, severity="warning")


class ClientScreen(Guarded, Screen):
    """A main screen that works on the current client (chosen in the palette or in Clientes)."""

    @property
    def rfc(self) -> str | None:
        return self.app.client.rfc if self.app.client else None

    def chosen_rfc(self) -> str | None:
        """The current client's RFC; None (after telling the user) when no client is chosen."""
        if self.rfc:
            return self.rfc
        self.tell_no_client()
        return None

    def needs_client(self) -> bool:
        """True (after telling the user) when no client is chosen."""
        return self.chosen_rfc() is None


class YearScreen(Guarded, Screen):
    """A screen that shows one filing year: the current one until the user steps to another
    (action_year: its "Año -" and "Año +" keys); `load()` shows the year in `year`."""

    year: int | None = None  # None: the current filing year

    def load(self) -> None:
        raise NotImplementedError

    def action_year(self, step: int) -> None:
        self.year = (self.year or self.app.today.year) + step
        self.load()
