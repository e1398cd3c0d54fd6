"""F1 help, footers at 80 columns and the palette in Spanish (issue 16, items 4, 5, 6, 7)."""

import io
import os
from functools import partial

import pytest
from rich.console import Console
from textual.app import App
from textual.binding import Binding

from brokertui.app import BrokerApp
from brokertui.screens import commands
from brokertui.screens.help import HELP, HelpScreen
from tests.conftest import TODAY
from tests.tui.conftest import palette_searched, type_text, until
from tests.tui.test_commands import classes_with_bindings, palette_prompts

PALETTE_KEY = 13  # "▏^p Comandos" at the footer's right end
# What a focused widget adds to a screen's footer: a paged table's keys (/ Buscar), a capture
# block's. A client's detail has plain tables (programs, sites): no paged table's keys.
WIDGET_SCOPES = {"PedimentoFormScreen": {"table", "block"}, "ClientDetailScreen": set()}


def footer_width(scopes) -> int:
    """Columns the footer takes for the shown commands of `scopes`: "key label" each, one
    space between them."""
    app = App()
    shown = [c for c in commands.TABLE if c.scope in scopes and c.show]
    keys = [
        commands.spanish(app.get_key_display(Binding(c.key.split(",")[0], c.action))) for c in shown
    ]
    return sum(len(k) + 1 + len(c.label) for k, c in zip(keys, shown, strict=True)) + len(shown)


@pytest.mark.parametrize(
    ("key", "shown"),
    [("space", "espacio"), ("delete", "supr"), ("pageup", "repág"), ("pagedown", "avpág"),
     ("home", "inicio"), ("end", "fin"), ("shift+tab", "mayús+tab"), ("ctrl+s", "^s"),
     ("escape", "esc"), ("plus", "+"), ("f5", "f5")],
)  # fmt: skip
def test_named_keys_are_shown_as_a_spanish_keyboard_labels_them(key, shown):
    assert commands.spanish(App().get_key_display(Binding(key, "x"))) == shown


@pytest.mark.parametrize("cls", classes_with_bindings(), ids=lambda c: c.__name__)
def test_every_footer_fits_80_columns(cls):
    own = {commands.BY_ID[b.id].scope for b in cls.BINDINGS}
    widgets = WIDGET_SCOPES.get(cls.__name__, {"table"})
    assert footer_width({*own, *widgets, "app", "nav"}) <= 80 - PALETTE_KEY, cls


def help_text(app) -> str:
    """What the help shows, as plain text."""
    console = Console(width=200, record=True, file=io.StringIO())
    for static in app.screen.query("Static"):
        console.print(static.content)
    return console.export_text()


@pytest.mark.parametrize("screen", commands.MAIN_SCREENS, ids=lambda s: s.mode)
async def test_f1_explains_the_screen_in_front(demo_db, screen):
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(100, 40)) as pilot:
        app.set_client("MNB050315K70")
        await pilot.press(screen.key, "f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        shown = help_text(app)
        info = HELP[screen.scope]
        keys = partial(commands.with_keys, app)
        assert f"Ayuda: {keys(info.title)}" in shown
        for command in commands.TABLE:
            if command.scope == screen.scope:
                assert command.title in shown, command.id
        for name, meaning in (*info.legend, *info.columns):
            assert keys(name) in shown and keys(meaning) in shown
        assert f"README.md § {info.readme}" in shown
        assert "Cursor" not in shown and "Focus" not in shown  # not Textual's key list
        await pilot.press("f1")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_f1_lists_the_focused_table_keys_and_the_user_keymap(demo_db):
    with open(os.environ["BROKERTUI_CONFIG"], "w") as config:
        config.write('[teclas]\n"dashboard.urgent" = "y"\n"table.next_page" = "ctrl+n"\n')
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        shown = help_text(app)
        assert "Teclas de la tabla" in shown and "Página siguiente" in shown
        assert "^n " in shown and "y " in shown
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_the_palette_speaks_spanish(demo_db):
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+p")
        await palette_searched(pilot)
        assert app.screen.query_one("#--input Input").placeholder.startswith("Comando, cliente")
        prompts = palette_prompts(app)
        assert "Tema" in prompts and "Página siguiente (n)" in prompts
        assert not {"Theme", "Quit", "Keys", "Screenshot", "Maximize"} & set(prompts)
        await type_text(pilot, "zzzzqqq")
        await palette_searched(pilot)  # then, after half a second, the line saying so
        await until(pilot, lambda: any("Nada coincide" in p for p in palette_prompts(app)))
        await pilot.press("escape")
        await pilot.press("ctrl+c")
        await pilot.pause()
        told = [n.message for n in app._notifications]
        assert "¿Quiere salir? Pulse ^q para salir" in told


async def test_wide_tables_scroll_with_the_keyboard_keeping_their_key_columns(demo_db):
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4", "enter", "tab")  # a pedimento's detail: Tab, its partidas
        await pilot.pause()
        table = app.screen.query_one("#ped-partidas")
        assert table.has_focus and table.fixed_columns == 2  # Sec and Fracción
        assert table.virtual_size.width > table.size.width
        await pilot.press(*["right"] * 60)
        await pilot.pause()
        assert table.scroll_x == table.max_scroll_x > 0  # the UMT and USD columns in view
        await pilot.press("escape", "f2")
        await pilot.pause()
        board = app.screen.query_one("PagedTable").table
        assert board.fixed_columns == 2  # the mark and the RFC
        await pilot.press(*["right"] * 60)
        await pilot.pause()
        assert board.scroll_x > 0


def test_every_full_screen_has_its_own_help():
    """F1 on any full screen explains it (issue 15 trial: Cruce, Partes sin catálogo,
    Descargos 512 and Entregas showed the bare default); dialogs keep the default."""
    from textual.screen import ModalScreen, Screen

    from brokertui.screens.help import _scopes

    missing = [
        cls.__name__
        for cls in classes_with_bindings()
        if issubclass(cls, Screen) and not issubclass(cls, ModalScreen)
        if _scopes(cls.BINDINGS)[0] not in HELP
    ]
    assert missing == []


def test_every_key_a_text_names_is_a_command():
    """F1's texts and the palette's name a remappable key as "{command.id}": each is one of
    the command table's, and none is left unreplaced."""
    app = App()
    texts = [command.help for command in commands.TABLE]
    for info in HELP.values():
        texts += [
            info.title,
            info.about,
            *(t for row in (*info.legend, *info.columns) for t in row),
        ]
    for text in texts:
        assert "{" not in commands.with_keys(app, text), text  # KeyError: no such command
    assert commands.with_keys(app, "{form.save} guarda; {app.help}") == "^s guarda; F1"
