"""Small modal dialogs."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from brokertui.screens import commands
from brokertui.screens.base import Guarded
from brokertui.screens.text import markup, plain


class ConfirmScreen(Guarded, ModalScreen[bool]):
    """Ask yes or no; dismisses with True only on an explicit yes."""

    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical {
        width: 64; height: auto; max-width: 95%;
        border: thick $warning; background: $surface; padding: 1 2;
    }
    ConfirmScreen .question { margin-bottom: 1; }
    ConfirmScreen Horizontal { height: auto; align-horizontal: right; }
    ConfirmScreen Button { margin-left: 2; }
    """
    BINDINGS = commands.bindings("confirm")

    def __init__(self, question: str, title: str = "Confirmar") -> None:
        super().__init__()
        self.question = question
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            yield Static(plain(self.question, lines=True), classes="question")
            with Horizontal():
                # each with its key as the footer names it (the user's keymap)
                yes, no = (commands.key_of(self.app, f"confirm.{k}") for k in ("yes", "no"))
                yield Button(Content(f"Sí [{yes}]"), id="yes", variant="warning")
                yield Button(Content(f"No [{no}]"), id="no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


def question_css(screen: str) -> str:
    """The look of a question asked in a box (ChoiceScreen, LeaveScreen): centred, a warning
    border, its answers muted."""
    return f"""
    {screen} {{ align: center middle; }}
    {screen} > Vertical {{
        width: 64; height: auto; max-width: 95%;
        border: thick $warning; background: $surface; padding: 1 2;
    }}
    {screen} .choice {{ color: $text-muted; }}
    """


class ChoiceScreen(Guarded, ModalScreen[str | None]):
    """Pick one of a few answers by its key; Esc dismisses with None (changed my mind)."""

    DEFAULT_CSS = question_css("ChoiceScreen")
    BINDINGS = commands.bindings("choice")

    def __init__(self, question: str, title: str, choices: list[tuple[str, str]]) -> None:
        super().__init__()
        self.question = question
        self.title_text = title
        self.choices = choices  # (key, label): the key is also the answer

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            yield Static(plain(self.question, lines=True), classes="question")
            for key, label in self.choices:
                yield Static(markup("[b]$key[/]  $label", key=key, label=label), classes="choice")
            back = commands.key_of(self.app, "choice.back")
            yield Static(markup("[b]$key[/]  volver", key=back), classes="choice")

    def on_key(self, event: events.Key) -> None:
        if event.key in {key for key, _ in self.choices}:
            event.stop()
            self.dismiss(event.key)

    def action_choose(self, answer: str | None) -> None:
        self.dismiss(answer)


class LeaveScreen(Guarded, ModalScreen[bool]):
    """Changes not saved: discard them (True) or keep editing (False), one key each (the
    table's "leave" commands); Esc keeps editing."""

    DEFAULT_CSS = question_css("LeaveScreen")
    BINDINGS = commands.bindings("leave")

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Salir del formulario"
            yield Static("Hay cambios sin guardar.", classes="question")
            for command in commands.of_scopes("leave"):
                key = commands.key_display(self.app, command)
                yield Static(
                    markup("[b]$key[/]  $label", key=key, label=command.title.lower()),
                    classes="choice",
                )

    def action_leave(self, discard: bool) -> None:
        self.dismiss(discard)


class ErrorScreen(Guarded, ModalScreen[None]):
    """An error no screen expected (the app's last resort): what happened, and that the
    app goes on."""

    DEFAULT_CSS = """
    ErrorScreen { align: center middle; }
    ErrorScreen > Vertical {
        width: 72; height: auto; max-width: 95%;
        border: thick $error; background: $surface; padding: 1 2;
    }
    ErrorScreen .question { margin-bottom: 1; }
    ErrorScreen Horizontal { height: auto; align-horizontal: right; }
    """
    BINDINGS = commands.bindings("error")

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "No se pudo completar la acción"
            yield Static(plain(self.message, lines=True), classes="question")
            yield Static("La aplicación sigue abierta: cierre este aviso y continúe.")
            with Horizontal():
                yield Button("Cerrar", id="close", variant="error")

    def on_mount(self) -> None:
        self.query_one(Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
