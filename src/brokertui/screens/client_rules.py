"""Reglas de pedimento of one client: each rule of core/data/pedimento_rules.toml on or off,
and its pattern for part numbers in 558 observaciones (core/pedimentos/partnumbers.py)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, SelectionList, Static

from brokertui.core.errors import InvalidInput
from brokertui.core.pedimentos import restricted
from brokertui.core.pedimentos import rules as pedimento_rules
from brokertui.core.registry import clients
from brokertui.screens import commands
from brokertui.screens.base import Guarded
from brokertui.screens.text import markup, plain
from brokertui.screens.widgets import KeyFooter


class ClientRulesScreen(Guarded, ModalScreen[None]):
    """rules.toggle (Space, the list's own key, or the user's) switches a rule; the change is
    saved at once (and audited). Enter in the pattern field saves the pattern (a bad one is
    refused with the rule, under the field)."""

    DEFAULT_CSS = """
    ClientRulesScreen { align: center middle; }
    ClientRulesScreen > Vertical { width: 72; height: auto; border: thick $accent;
                                   background: $surface; }
    ClientRulesScreen SelectionList { height: auto; border: none; }
    ClientRulesScreen #pattern-message { color: $error; height: auto; }
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
        with Vertical() as box:
            toggle = commands.key_of(self.app, "rules.toggle")
            box.border_title = markup(
                "Reglas de pedimento · $rfc ($toggle cambia)", rfc=client.rfc, toggle=toggle
            )
            yield selection
            # Intro: the Input's own key (Textual's Input.Submitted), not remappable
            yield Label("Patrón del número de parte en observaciones (558), Intro guarda:")
            yield Input(pedimento_rules.part_pattern(self.app.db, client.rfc), id="pattern")
            yield Static(id="pattern-message")
        yield KeyFooter()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        message = self.query_one("#pattern-message", Static)
        try:
            pedimento_rules.set_part_pattern(self.app.db, self.rfc, event.value)
        except InvalidInput as exc:
            message.update(plain(str(exc)))
            return
        message.update("")
        self.notify("Patrón de número de parte guardado; aplica en el próximo descargo.")

    def on_selection_list_selection_toggled(self, event: SelectionList.SelectionToggled) -> None:
        name = event.selection.value
        enabled = name in event.selection_list.selected
        pedimento_rules.set_client_rule(self.app.db, self.rfc, name, enabled)
        self.notify(
            f"{restricted.config()['rules'][name]['label']}: "
            f"{'activada' if enabled else 'desactivada'}"
        )

    def action_switch(self) -> None:
        """The user's key for rules.toggle (Space is also the list's own): the rule under the
        cursor, when the list has the focus (in the pattern field a key is typed)."""
        selection = self.query_one(SelectionList)
        if selection.has_focus:
            selection.action_select()

    def action_close(self) -> None:
        self.dismiss(None)
