"""The keymap and theme of config.toml in the TUI (issue 16, item 4)."""

import os
from pathlib import Path

from brokertui.app import BrokerApp
from brokertui.screens.dashboard import DashboardScreen
from tests.conftest import TODAY
from tests.tui.conftest import client_app, palette_searched
from tests.tui.test_commands import palette_prompts
from tests.tui.test_help import help_text


def config() -> Path:
    return Path(os.environ["BROKERTUI_CONFIG"])  # tests/conftest.py: one per test


def remap(keymap: dict[str, str]) -> None:
    """The user's config.toml: `keymap` (command id -> key) as its [teclas] table."""
    config().write_text("[teclas]\n" + "".join(f'"{i}" = "{k}"\n' for i, k in keymap.items()))


async def test_a_remapped_key_runs_its_command_and_the_palette_shows_it(demo_db):
    remap({"dashboard.urgent": "y"})
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
    remap({"block.add": "ctrl+b"})
    async with client_app(demo_db, "f4", "a") as (app, pilot):
        await pilot.pause()
        titles = app.screen.query(".block-title").results()
        shown = {str(title.render()): title.size for title in titles}
    assert "Identificadores · 1 de 1  ^b nueva ^r duplicar ^t quitar repág/avpág recorre" in shown
    assert all(len(said) <= size.width and size.height == 1 for said, size in shown.items())


async def test_an_import_path_line_names_its_keys_as_remapped(demo_db):
    """The line under the Data Stage import's path field says its keys from the command
    table, as the footer does (it said Tab, Ctrl+R and Intro whatever the keymap)."""
    remap({"path.recent": "ctrl+y", "datastage_import.run": "f9"})
    async with client_app(demo_db, "f4", "i") as (app, pilot):
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
    remap({"confirm.yes": "y", "choice.back": "ctrl+b"})
    async with client_app(demo_db, "f5", "m") as (app, pilot):  # the discharge mode: asks first
        labels = [str(b.label) for b in app.screen.query("Button")]
        assert labels == ["Sí [y]", "No [n]"]
        await pilot.press("n", "f7", "ctrl+f")  # which program files: a choice
        await pilot.pause()
        assert str(app.screen.query(".choice").last().render()) == "^b  volver"


async def test_a_screen_without_a_client_names_the_keys_to_choose_one_as_remapped(demo_db):
    """F5, F6 and F7 with no client say how to choose one with the user's keys (they said
    Ctrl+P o F3 whatever the keymap)."""
    remap({"app.palette": "ctrl+k", "nav.clientes": "f8"})
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


async def test_f1_the_nav_bar_and_the_palette_name_remapped_keys(demo_db):
    """F1's texts, the bar of main screens and the palette's help say a remapped key as the
    footer does (they said F5, 'con e', 'Ctrl+S importa' and 'sin Ctrl+S' whatever it was)."""
    remap(
        {
            "nav.descargos": "f11",
            "discharge.pending": "ctrl+e",
            "interface_import.commit": "f10",
            "app.help": "f12",
        }
    )
    async with client_app(demo_db, "f11", size=(100, 40)) as (app, pilot):
        bar = str(app.screen.query_one("NavBar").render())
        assert "F12 Ayuda" in bar and "F11 Descargos" in bar and "F5 " not in bar
        await pilot.press("f12")
        await pilot.pause()
        said = help_text(app)
        assert "Ayuda: Descargos (F11)" in said and "salida aún no descargada (con ^e)" in said
        await pilot.press("escape", "i")  # the ERP interfaces' import
        await pilot.pause()
        await pilot.press("f12")
        await pilot.pause()
        assert "F10 importa ese mismo archivo, todo o nada; esc vuelve" in help_text(app)
        await pilot.press("escape", "ctrl+p")
        await palette_searched(pilot)
        options = app.screen.query_one("CommandList")
        helps = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any("Regresar a Descargos; sin F10 nada se importa" in h for h in helps), helps


async def test_list_lines_and_warnings_name_remapped_keys(demo_db):
    """Clientes' line, the catalogs' heading, the sort warning and a key that needs a client
    say the user's keys (they said (t), o ordena, b da de baja, (o) and Ctrl+P)."""
    remap(
        {
            "clients.bajas": "ctrl+b",
            "table.sort": "ctrl+g",
            "catalogs.baja": "ctrl+d",
            "table.search": "ctrl+f",
            "app.palette": "ctrl+k",
        }
    )
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("c")  # Tablero's "only the client chosen", with none chosen
        await pilot.pause()
        told = [n.message for n in app._notifications]
        await pilot.press("f3")
        await pilot.pause()
        line = str(app.screen.query_one("#list-info").render())
        await pilot.press("O")  # reverse the order, with no column chosen
        await pilot.pause()
        told += [n.message for n in app._notifications]
        await pilot.press("enter", "m")  # the first client's catalogs
        await pilot.pause()
        heading = str(app.screen.query_one("#rep-heading").render())
    assert "Elija primero el cliente (^k o F3)." in told
    assert (
        line == "Sin bajas (^b) · ^f busca por RFC, razón social, municipio o entidad · ^g ordena"
    )
    assert "Elija primero la columna del orden (^g)." in told
    assert heading.startswith("^f busca por número de parte, descripción o fracción · ^d da de ")


async def test_the_rules_dialog_switches_a_rule_with_the_remapped_key(demo_db):
    """The pedimento rules say the key that switches a rule, and it is a command the user may
    remap (it was the list's own Space, written 'Espacio' whatever the keymap)."""
    from brokertui.core.pedimentos import rules
    from brokertui.core.registry import clients

    remap({"rules.toggle": "ctrl+t"})
    client = clients.get_client(demo_db, "MNB050315K70")
    before = rules.client_rules(demo_db, client.id)
    async with client_app(demo_db, "x") as (app, pilot):  # the client's pedimento rules
        title = str(app.screen.query_one("Vertical").border_title)
        await pilot.press("ctrl+t")  # the list has the focus: its first rule
        await pilot.pause()
    assert title == "Reglas de pedimento · MNB050315K70 (^t cambia)"
    after = rules.client_rules(demo_db, client.id)
    assert [name for name in before if before[name] != after[name]] == [next(iter(before))]


async def test_the_discharge_mode_and_the_drafts_name_remapped_keys(demo_db):
    """Descargos' refusal to change the mode says the undo key, Pedimentos' line the drafts'
    key, as remapped (they said (z) and (b))."""
    from brokertui.core.pedimentos import drafts
    from brokertui.core.registry import clients

    remap({"discharge.undo": "ctrl+z", "pedimentos.drafts": "y"})
    client = clients.get_client(demo_db, "MNB050315K70")
    drafts.save_draft(demo_db, None, client.id, {"encabezado": {"numero": "260739536000001"}})
    async with client_app(demo_db, "f4", size=(120, 40)) as (app, pilot):
        summary = str(app.screen.query_one("#ped-summary").render())
        await pilot.press("f5", "d")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("m")  # allocations in force: refused, with the key that undoes them
        told = list(app._notifications)[-1].message
    assert "1 borrador (y)" in summary
    assert "deshaga las corridas (^z) antes de descargar" in told
