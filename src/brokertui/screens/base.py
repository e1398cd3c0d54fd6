"""What the main screens about the current client share."""

from __future__ import annotations

from textual.screen import Screen


class ClientScreen(Screen):
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
