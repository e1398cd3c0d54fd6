"""Textual's own command palette and system commands, in Spanish (issue 16, item 6)."""

from __future__ import annotations

from collections.abc import Iterable

from rich.align import Align
from rich.text import Text
from textual.app import App, SystemCommand
from textual.command import CommandList, Hits, ProviderSource
from textual.screen import Screen
from textual.system_commands import SystemCommandsProvider
from textual.widgets.option_list import Option

from brokertui.screens import typeahead


class Palette(typeahead.Palette):
    """The command palette (Enter waits for the search: typeahead.Palette) with its
    placeholder and its 'no matches' line in Spanish."""

    def __init__(
        self,
        providers: ProviderSource | None = None,
        *,
        placeholder: str = "Comando, cliente (RFC o nombre) o pedimento…",
        id: str | None = None,
    ) -> None:
        super().__init__(providers, placeholder=placeholder, id=id)

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # Textual 8's own, with its one hard-coded English line worded in Spanish.
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text("Nada coincide", style="not bold")),
                        disabled=True,
                        id=self._NO_MATCHES,
                    )
                )
            self._list_visible = bool(search_value)

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)


class SystemSearch(SystemCommandsProvider):
    """Textual's system commands (system_commands below) when the user types: the empty
    palette lists them in the order of commands.CommandProvider."""

    async def discover(self) -> Hits:
        return
        yield  # an async generator, of nothing


def system_commands(app: App, screen: Screen) -> Iterable[SystemCommand]:
    """Textual's system commands the app keeps, in Spanish (Salir and Ayuda are the command
    table's; a screenshot would be saved on the server, out of an SSH user's reach)."""
    yield SystemCommand(
        "Tema", "Cambiar los colores (se conserva al volver a abrir)", app.action_change_theme
    )
    if screen.maximized is not None:
        yield SystemCommand("Restaurar", "Devolver el panel a su tamaño", screen.action_minimize)
    elif screen.focused is not None and screen.focused.allow_maximize:
        yield SystemCommand(
            "Maximizar", "Mostrar el panel en toda la pantalla", screen.action_maximize
        )
