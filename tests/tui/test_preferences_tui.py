"""The keymap and theme of config.toml in the TUI (issue 16, item 4)."""

import os
from pathlib import Path

from brokertui.app import BrokerApp
from brokertui.screens.dashboard import DashboardScreen
from tests.conftest import TODAY
from tests.tui.conftest import palette_searched
from tests.tui.test_commands import palette_prompts


def config() -> Path:
    return Path(os.environ["BROKERTUI_CONFIG"])  # tests/conftest.py: one per test


async def test_a_remapped_key_runs_its_command_and_the_palette_shows_it(demo_db):
    config().write_text('[teclas]\n"dashboard.urgent" = "y"\n')
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, DashboardScreen) and not screen.urgent_only
        await pilot.press("u")  # the old key does nothing now
        await pilot.pause()
        assert not screen.urgent_only
        await pilot.press("y")
        await pilot.pause()
        assert screen.urgent_only
        shown = {(k.key, k.description) for k in app.screen.query("FooterKey")}
        assert ("y", "Urgentes") in shown
        await pilot.press("ctrl+p")
        await palette_searched(pilot)
        assert "Sólo urgentes (y)" in palette_prompts(app)


async def test_the_theme_chosen_is_kept_for_the_next_start(demo_db):
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        app.theme = "nord"
        await pilot.pause()
    assert 'tema = "nord"' in config().read_text()
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(100, 30)):
        assert app.theme == "nord"


async def test_a_bad_config_is_told_and_the_app_starts_with_defaults(demo_db):
    config().write_text('tema = "sepia"\n[teclas]\n"dashboard.nada" = "y"\n')
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        told = [n.message for n in app._notifications]
        assert app.theme == "textual-dark"
        assert any("[teclas] «dashboard.nada»: no existe esa acción" in m for m in told), told
        assert any("no hay un tema «sepia»" in m for m in told), told


async def test_a_capture_block_names_its_keys_as_remapped(demo_db):
    """The line over a block of the pedimento form says its keys as the footer does (it said
    Ctrl+N whatever the keymap, and was cut at 80 columns)."""
    config().write_text('[teclas]\n"block.add" = "ctrl+b"\n')
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_client("MNB050315K70")
        await pilot.pause()
        await pilot.press("f4", "a")
        await pilot.pause()
        await pilot.pause()
        titles = app.screen.query(".block-title").results()
        shown = {str(title.render()): title.size for title in titles}
    assert "Identificadores · 1 de 1  ^b nueva ^r duplicar ^t quitar pgup/pgdn recorre" in shown
    assert all(len(said) <= size.width and size.height == 1 for said, size in shown.items())


async def test_an_import_path_line_names_its_keys_as_remapped(demo_db):
    """The line under the Data Stage import's path field says its keys from the command
    table, as the footer does (it said Tab, Ctrl+R and Intro whatever the keymap)."""
    config().write_text('[teclas]\n"path.recent" = "ctrl+y"\n"datastage_import.run" = "f9"\n')
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_client("MNB050315K70")
        await pilot.pause()
        await pilot.press("f4", "i")
        await pilot.pause()
        hint = app.screen.query_one(".path-hint")
        said = "tab completa la ruta · ^y carpeta reciente · F9 importa"
        assert str(hint.render()) == said
        app.screen.query_one("#import-path").value = ""
        await pilot.press("f9")  # the remapped key runs the import: of nothing yet
        await pilot.pause()
        assert "Escriba la ruta" in str(app.screen.query_one("#import-result").render())


async def test_a_dialog_names_its_keys_as_remapped(demo_db):
    """A yes/no question and a choice say their keys from the keymap (they said [s], [n] and
    Esc whatever it was)."""
    config().write_text('[teclas]\n"confirm.yes" = "y"\n"choice.back" = "ctrl+b"\n')
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_client("MNB050315K70")
        await pilot.pause()
        await pilot.press("f5", "m")  # the discharge mode: asks first
        await pilot.pause()
        labels = [str(b.label) for b in app.screen.query("Button")]
        assert labels == ["Sí [y]", "No [n]"]
        await pilot.press("n", "f7", "ctrl+f")  # which program files: a choice
        await pilot.pause()
        assert str(app.screen.query(".choice").last().render()) == "^b  volver"


async def test_a_screen_without_a_client_names_the_keys_to_choose_one_as_remapped(demo_db):
    """F5, F6 and F7 with no client say how to choose one with the user's keys (they said
    Ctrl+P o F3 whatever the keymap)."""
    config().write_text('[teclas]\n"app.palette" = "ctrl+k"\n"nav.clientes" = "f8"\n')
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        said = {}
        for key, where in (("f5", "#dis-summary"), ("f6", "#rep-heading"), ("f7", "#raoce-head")):
            await pilot.press(key)
            await pilot.pause()
            said[key] = str(app.screen.query_one(where).render())
        await pilot.press("f5", "d")
        await pilot.pause()
        told = [n.message for n in app._notifications]
    assert all("Elija un cliente (^k o F8) para " in line for line in said.values()), said
    assert "Elija primero el cliente (^k o F8)." in told
