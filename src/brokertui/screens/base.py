"""What screens share: a guard on their handlers, and the current client of the main screens."""

from __future__ import annotations

from textual.message import Message
from textual.screen import Screen


class Guarded:
    """Mixin for a screen: an exception in one of its handlers (a row selected, a field left,
    a dialog's answer) goes to the app's error dialog, and the screen keeps running (Textual 8
    would end the screen's message loop, leaving it frozen)."""

    async def _dispatch_message(self, message: Message) -> None:
        try:
            await super()._dispatch_message(message)
        except Exception as error:
            self.app.internal_error(error)


class ClientScreen(Guarded, Screen):
    """A main screen that works on the current client (chosen with Ctrl+P or in Clientes)."""

    @property
    def rfc(self) -> str | None:
        return self.app.client.rfc if self.app.client else None

    def needs_client(self) -> bool:
        """True (after telling the user) when no client is chosen."""
        if self.rfc:
            return False
        self.notify("Elija primero el cliente (Ctrl+P o F3).", severity="warning")
        return True
