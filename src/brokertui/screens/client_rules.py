"""Reglas de pedimento of one client: each rule of core/data/pedimento_rules.toml on or off."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import ModalScreen
from textual.widgets import Footer, SelectionList

from brokertui.core.pedimentos import restricted
from brokertui.core.pedimentos import rules as pedimento_rules
from brokertui.core.registry import clients
from brokertui.screens import commands
from brokertui.screens.base import Guarded
from brokertui.screens.text import markup


class ClientRulesScreen(Guarded, ModalScreen[None]):
    """Space switches a rule; the change is saved at once (and audited)."""

    DEFAULT_CSS = """
    ClientRulesScreen { align: center middle; }
    ClientRulesScreen SelectionList { width: 72; height: auto; border: thick $accent;
                                      background: $surface; }
    """
    BINDINGS = commands.bindings("rules")

    def __init__(self, rfc: str) -> None:
        super().__init__()
        self.rfc = rfc

    def compose(self) -> ComposeResult:
        client = clients.get_client(self.app.db, self.rfc)
        state = pedimento_rules.client_rules(self.app.db, client.id)
        labels = restricted.config()["rules"]
        selection = SelectionList[str](
            *((labels[name]["label"], name, state[name]) for name in restricted.RULES)
        )
        selection.border_title = markup(
            "Reglas de pedimento · $rfc (Espacio cambia)", rfc=client.rfc
        )
        yield selection
        yield Footer(compact=True)

    def on_selection_list_selection_toggled(self, event: SelectionList.SelectionToggled) -> None:
        name = event.selection.value
        enabled = name in event.selection_list.selected
        pedimento_rules.set_client_rule(self.app.db, self.rfc, name, enabled)
        self.notify(
            f"{restricted.config()['rules'][name]['label']}: "
            f"{'activada' if enabled else 'desactivada'}"
        )

    def action_close(self) -> None:
        self.dismiss(None)
