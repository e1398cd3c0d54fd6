"""The one command table: every binding comes from it, and the palette offers its commands."""

import importlib
import inspect
import pkgutil

import pytest
from textual.binding import Binding
from textual.dom import DOMNode

import brokertui.screens
from brokertui.app import BrokerApp
from brokertui.core.registry import clients
from brokertui.screens import commands
from brokertui.screens.client_forms import ProgramFormScreen
from brokertui.screens.clients import ClientDetailScreen, ClientsScreen
from brokertui.screens.discharges import DischargeScreen
from brokertui.screens.pedimento_form import PedimentoFormScreen
from tests.conftest import TODAY
from tests.tui.conftest import palette_searched, type_text, until

MODULES = [
    "brokertui.app",
    *(f"brokertui.screens.{m.name}" for m in pkgutil.iter_modules(brokertui.screens.__path__)),
]


def classes_with_bindings() -> list[type[DOMNode]]:
    """Every app, screen and widget class of brokertui that declares its own BINDINGS."""
    found = []
    for name in MODULES:
        for _, cls in inspect.getmembers(importlib.import_module(name), inspect.isclass):
            if cls.__module__ == name and issubclass(cls, DOMNode) and "BINDINGS" in vars(cls):
                found.append(cls)
    return found


def test_ids_are_unique_and_scoped():
    ids = [command.id for command in commands.TABLE]
    assert len(ids) == len(set(ids))
    assert all(command.scope and "." in command.id for command in commands.TABLE)


def test_every_binding_comes_from_the_table():
    scopes_used = []
    for cls in classes_with_bindings():
        ids = [getattr(binding, "id", None) for binding in cls.BINDINGS]
        assert all(isinstance(b, Binding) for b in cls.BINDINGS), cls
        assert all(i in commands.BY_ID for i in ids), (cls, ids)
        scopes = list(dict.fromkeys(commands.BY_ID[i].scope for i in ids))
        assert commands.bindings(*scopes) == cls.BINDINGS, cls
        scopes_used += scopes
    # each scope belongs to one class, and no command of the table is left unbound
    assert len(scopes_used) == len(set(scopes_used))
    assert set(scopes_used) == {command.scope for command in commands.TABLE}
    assert len(classes_with_bindings()) > 15  # the app, the screens, the dialogs, two widgets


def test_main_screens_are_the_app_modes():
    assert [s.mode for s in commands.MAIN_SCREENS] == list(BrokerApp.MODES)
    assert {s.scope for s in commands.MAIN_SCREENS} <= {c.scope for c in commands.TABLE}


def palette_prompts(app) -> list[str]:
    options = app.screen.query_one("CommandList")
    # each prompt is the title, then the help on a second line
    return [
        str(options.get_option_at_index(i).prompt).split("\n")[0]
        for i in range(options.option_count)
    ]


def first_hit(app) -> str:
    """The palette's first option: its title, then its help."""
    return str(app.screen.query_one("CommandList").get_option_at_index(0).prompt)


async def test_palette_lists_the_commands_of_the_screen_and_of_the_main_screens(demo_db):
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+p")
        await palette_searched(pilot)
        prompts = palette_prompts(app)
    for title in [
        "Sólo urgentes (u)",  # the dashboard's own
        "Capturar pedimento (a)",
        "Descargar (PEPS) (d)",
        "Reporte: Salidas (2)",
        "Guardar hoja RAOCE (^s)",
        "Pedimentos (F4)",
    ]:
        assert title in prompts
    assert not any(p.startswith("Editar cliente") for p in prompts)  # a detail screen's
    assert not any("Sierra Madre" in p for p in prompts)  # clients only when typed: there
    assert prompts.index("Sólo urgentes (u)") < 3  # may be hundreds; the screen's come first


async def test_the_empty_palette_lists_the_screen_then_the_f_keys_then_the_rest(demo_db):
    """Ctrl+P with nothing typed, on F5: its commands and its table's first, in the command
    table's order, as F1 lists them; then the F-keys and the app's, Textual's Tema, then the
    other main screens'. (Tema and Maximizar came first or among them, as it happened: every
    provider's lines arrive in no set order.)"""
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f5", "ctrl+p")
        await palette_searched(pilot)
        prompts = palette_prompts(app)
    own = [f"{c.title} ({commands.key_display(app, c)})" for c in commands.of_scopes("discharge")]
    table = [
        f"{c.title} ({commands.key_display(app, c)})"
        for c in commands.of_scopes("table")
        if c.title
    ]
    general = [
        f"{c.title} ({commands.key_display(app, c)})"
        for c in commands.of_scopes("nav", "app")
        if c.title
    ]
    assert prompts[: len(own) + len(table) + len(general)] == own + table + general
    assert prompts[len(own) + len(table) + len(general)] == "Tema"
    assert prompts.index("Sólo urgentes (u)") > prompts.index("Tema")


@pytest.mark.parametrize(
    ("query", "mode", "check"),
    [
        ("capturar pedimento", "pedimentos", lambda s: isinstance(s, PedimentoFormScreen)),
        (
            "faltantes",
            "descargos",
            lambda s: isinstance(s, DischargeScreen) and s.only_problems,
        ),
    ],
)
async def test_palette_runs_a_main_screen_command_from_the_dashboard(demo_db, query, mode, check):
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        app.client = clients.get_client(demo_db, "MNB050315K70")
        await pilot.press("ctrl+p")
        await type_text(pilot, query)
        await palette_searched(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: app.current_mode == mode and check(app.screen))
        assert app.current_mode == mode
        assert check(app.screen)


async def test_palette_runs_a_command_of_the_current_screen(demo_db):
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        app.open_client("MNB050315K70")
        await pilot.pause()
        assert isinstance(app.screen, ClientDetailScreen)
        await pilot.press("ctrl+p")
        await type_text(pilot, "agregar programa")
        await palette_searched(pilot)
        assert "Agregar programa (g)" in palette_prompts(app)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ProgramFormScreen))


@pytest.mark.parametrize(("key", "scope"), [("f4", "pedimentos"), ("f3", "clients")])
async def test_footer_shows_the_keys_of_the_screen(demo_db, key, scope):
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(key)
        await pilot.pause()
        shown = {(k.key, k.description) for k in app.screen.query("FooterKey")}
    table = [c for c in commands.TABLE if c.scope == scope]
    assert {(c.key, c.label) for c in table if c.show} <= shown
    assert not {(c.key, c.label) for c in table if not c.show} & shown


@pytest.mark.parametrize(("key", "mode"), [("f5", "descargos"), ("f4", "pedimentos")])
async def test_palette_client_switch_stays_on_the_screen_in_use(demo_db, key, mode):
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        app.open_client("MNB050315K70")
        await pilot.pause()
        await pilot.press(key)
        await pilot.pause()
        screen = app.screen
        await pilot.press("ctrl+p")
        await type_text(pilot, "ASM980127HN4")
        await palette_searched(pilot)
        assert "Cambiar a este cliente" in first_hit(app)  # what choosing it does here
        await pilot.press("enter")
        await until(pilot, lambda: screen.rfc == "ASM980127HN4")
        assert app.current_mode == mode and app.screen is screen
        assert "ASM980127HN4" in app.sub_title
        if mode == "pedimentos":  # shown again for the new client
            summary = screen.query_one("#ped-summary")
            await until(pilot, lambda: "Pedimentos de ASM980127HN4" in str(summary.render()))
        await pilot.press("f3")  # the detail opened first follows the client chosen since
        await pilot.pause()
        assert isinstance(app.screen, ClientDetailScreen) and app.screen.rfc == "ASM980127HN4"
        assert "Autopartes Sierra Madre" in str(app.screen.query_one("#summary").render())
        await pilot.press("ctrl+p")  # on Clientes the choice opens the client's detail
        await type_text(pilot, "MNB050315K70")
        await palette_searched(pilot)
        assert "Abrir su ficha" in first_hit(app)
        await pilot.press("enter")
        await until(pilot, lambda: "MNB050315K70" in app.sub_title)
        await until(pilot, lambda: isinstance(app.screen, ClientDetailScreen))
        assert app.screen.rfc == "MNB050315K70"
        await pilot.press("escape")  # one detail, not one per client chosen: back to the list
        await pilot.pause()
        assert isinstance(app.screen, ClientsScreen)
