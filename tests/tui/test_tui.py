"""Keyboard flows through the TUI, driven by the pilot."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from brokertui.app import BrokerApp
from brokertui.core.registry import clients, programs
from brokertui.screens.client_forms import ClientFormScreen
from brokertui.screens.clients import ClientDetailScreen, ClientsScreen
from brokertui.screens.commands import MAIN_SCREENS
from brokertui.screens.dialogs import ConfirmScreen, LeaveScreen
from brokertui.screens.widgets import NavBar
from tests.conftest import TODAY
from tests.core.anexo24.conftest import RFC as YEAR_RFC
from tests.tui.conftest import client_app, palette_searched, type_text, until


def message(screen, field: str) -> str:
    return str(screen.query_one(f"#row-{field} .field-message").render())


async def test_new_client_with_two_programs_by_keyboard(db):
    app = BrokerApp(db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        assert isinstance(app.screen, ClientsScreen)
        await pilot.press("a")
        await type_text(pilot, "mab9307148t4")
        await pilot.press("tab")
        await type_text(pilot, "Maquiladora Alfa SA")
        await pilot.press("tab", "tab", "tab", "tab", "tab", "tab")
        await type_text(pilot, "64000")
        await pilot.press("tab")
        await type_text(pilot, "nuevo l")  # autocomplete: Right takes "Nuevo León"
        await pilot.press("right", "tab", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ClientDetailScreen)
        assert "MAB9307148T4" in app.sub_title  # the current client is in the header
        for program in (
            ["IMMEX", "tab", "1204-2006", "tab", "2006-08-21", "tab", "industrial"],
            ["PROSEC", "tab", "PS-77", "tab", "21/01/2010", "tab", "tab", "XIX"],
        ):
            await pilot.press("g")
            for step in program:
                await (pilot.press("tab") if step == "tab" else type_text(pilot, step))
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, ClientDetailScreen)
        assert app.screen.query_one("#programs").row_count == 2
    client = clients.get_client(db, "MAB9307148T4")
    assert (client.razon_social, client.codigo_postal, client.entidad_federativa) == (
        "Maquiladora Alfa SA",
        "64000",
        "NLE",
    )
    held = [(p.type, p.number, p.authorized_on.isoformat()) for p in programs.list_programs(db)]
    assert held == [("IMMEX", "1204-2006", "2006-08-21"), ("PROSEC", "PS-77", "2010-01-21")]


@asynccontextmanager
async def rfc_left(db, rfc: str) -> AsyncIterator[tuple[BrokerApp, Pilot]]:
    """A new client's form with `rfc` typed in its first field, then left (Tab)."""
    app = BrokerApp(db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3", "a")
        await type_text(pilot, rfc)
        await pilot.press("tab")
        yield app, pilot


async def test_fields_are_checked_when_left_and_save_is_refused(db):
    async with rfc_left(db, "MAB9313148T4") as (app, pilot):
        form = app.screen
        assert "la fecha 931314 (AAMMDD) no existe" in message(form, "rfc")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, ClientFormScreen)
        assert "es obligatorio" in message(form, "razon_social")
        assert app.screen.focused.id == "f-rfc"  # back to the first bad field
        await pilot.press("escape", "d")  # something was typed: asked, then discarded
        assert isinstance(app.screen, ClientsScreen)
    assert clients.count_clients(db) == 0


async def test_check_digit_warning_asks_for_confirmation(db):
    async with rfc_left(db, "MAB9307148T5") as (app, pilot):
        assert "se esperaba 4" in message(app.screen, "rfc")
        await type_text(pilot, "Beta")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert isinstance(app.screen, ClientFormScreen)
        assert clients.count_clients(db) == 0
        await pilot.press("ctrl+s")
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ClientDetailScreen)
    assert clients.get_client(db, "MAB9307148T5").rfc_check_warning


async def test_edit_and_baja_from_the_detail(demo_db):
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3", "enter")  # first row: ASM980127HN4
        assert isinstance(app.screen, ClientDetailScreen)
        # its domicilio as a Mexican address reads (it said "Monterrey km, 7.5")
        summary = str(app.screen.query_one("#summary").render())
        assert "Domicilio fiscal: Carretera Saltillo-Monterrey km 7.5, Derramadero, " in summary
        await pilot.press("e")
        assert app.screen.query_one("#f-rfc").disabled
        await pilot.press("tab", "tab", "tab", "tab", "tab", "tab")  # to código postal
        await pilot.press("ctrl+u")
        await type_text(pilot, "25301")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("b")  # the fecha de baja: today unless changed
        assert app.screen.query_one("#f-baja_date").value == TODAY.isoformat()
        await pilot.press("ctrl+u", *"2026-02-30", "ctrl+s")
        message = app.screen.query_one("#row-baja_date .field-message").render()
        assert str(message) == "«2026-02-30» no es una fecha válida (AAAA-MM-DD)"
        await pilot.press("ctrl+u", *"2026-03-31", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "con fecha 2026-03-31" in app.screen.question
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ClientDetailScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, ClientsScreen)
        assert app.screen.query_one("DataTable").row_count == 7
    client = clients.get_client(demo_db, "ASM980127HN4")
    assert (client.codigo_postal, client.baja_date) == ("25301", date(2026, 3, 31))


async def test_list_search_sort_and_bajas(demo_db):
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        table = app.screen.query_one("DataTable")
        await pilot.press("slash")
        await type_text(pilot, "export")
        await pilot.press("enter")
        assert table.row_count == 2
        await pilot.press("slash", "escape")  # the search cleared
        await pilot.press("o", "down", "down", "enter")  # the picker: sort by razón social
        first = table.get_row_at(0)
        assert str(first[1]).startswith("Autopartes")
        await pilot.press("O")
        assert str(table.get_row_at(0)[1]).startswith("Plásticos")
        await pilot.press("t")
        assert table.row_count == 9


async def test_palette_switches_client_by_fuzzy_name(demo_db):
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+p")
        await type_text(pilot, "plastq")
        await palette_searched(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert app.current_mode == "tablero"  # the switch stays on the screen in use
        assert app.client.rfc == "PTQ091125AB2" and "PTQ091125AB2" in app.sub_title


async def test_f_keys_reach_every_main_screen(demo_db):
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        for key, mode in [
            ("f2", "tablero"),
            ("f4", "pedimentos"),
            ("f5", "descargos"),
            ("f6", "reportes"),
            ("f7", "raoce"),
            ("f3", "clientes"),
        ]:
            await pilot.press(key)
            assert app.current_mode == mode
            # the F-key bar, as read off the screen (tmux capture-pane): each key apart from
            # its label, the current one too, in 80 columns
            bar = app.screen.query_one(NavBar)
            text = str(bar.render())
            label = next(s.label for s in MAIN_SCREENS if s.mode == mode)
            assert f"{key.upper()} {label}" in text
            assert all(f"{k.upper()} " in text for k in ("f1", "f2", "f3", "f4", "f5", "f6", "f7"))
            assert len(text) <= 80


async def test_discharge_mode_switch_by_keyboard(demo_db):
    from brokertui.core.anexo24 import ledger as discharge

    async with client_app(demo_db, "f5", "d", size=(120, 40)) as (app, pilot):
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("m")  # allocations in force: refused at once, no question asked
        assert not isinstance(app.screen, ConfirmScreen)
        assert "deshaga las corridas" in list(app._notifications)[-1].message
        await pilot.press("z", "s")  # the undo runs as a job: wait for it
        await app.workers.wait_for_complete()
        await pilot.press("m")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("s", "d")
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one("DataTable")
        assert [str(c.label) for c in table.columns.values()][3:5] == ["Fracción", "Valor USD"]
        assert discharge.export_columns(demo_db, "MNB050315K70")[1] == "fraccion"
        first = discharge.allocations(demo_db, "MNB050315K70", limit=1)[0]
        assert (first["numero_parte"], first["cantidad"]) == ("39269099", "274.05")
        await pilot.press("z", "s")  # the third mode: by value a nivel pedimento
        await app.workers.wait_for_complete()
        await pilot.press("m")
        assert "a nivel pedimento" in app.screen.question
        await pilot.press("s", "d")
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one("DataTable")
        assert [str(c.label) for c in table.columns.values()][3:5] == ["Nivel", "Valor USD"]
        assert discharge.export_columns(demo_db, "MNB050315K70")[1] == "pedimento"


async def test_esc_on_a_form_with_changes_asks_and_each_answer_does_what_it_says(demo_db):
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_client("ASM980127HN4")
        await pilot.pause()
        await pilot.press("e")  # the client's edit form: nothing changed, Esc closes at once
        await pilot.press("escape")
        assert isinstance(app.screen, ClientDetailScreen)
        await pilot.press("e")
        form = app.screen
        await type_text(pilot, " Norte")
        await pilot.press("escape")
        assert isinstance(app.screen, LeaveScreen)
        choices = [str(c.render()) for c in app.screen.query(".choice")]
        assert choices == ["d  descartar los cambios", "esc  seguir editando"]  # one key each
        await pilot.press("escape")  # seguir editando: the form as it was
        assert app.screen is form and form.focused.id == "f-razon_social"
        assert form.values()["razon_social"].endswith(" Norte")
        await type_text(pilot, "2")  # typing goes on in the same field
        await pilot.press("escape", "d")
        assert isinstance(app.screen, ClientDetailScreen)
        await pilot.press("g")  # a new program: one value typed and erased is no change
        await type_text(pilot, "X")
        await pilot.press("backspace", "escape")
        assert isinstance(app.screen, ClientDetailScreen)
    assert not clients.get_client(demo_db, "ASM980127HN4").razon_social.endswith("Norte2")


async def test_a_failed_raoce_filing_leaves_focus_on_the_field_with_the_error(demo_db):
    from brokertui.screens.raoce import FilingScreen

    async with client_app(demo_db, "f7", "ctrl+f", "1") as (app, pilot):  # its first program
        screen = app.screen
        assert isinstance(screen, FilingScreen)
        await type_text(pilot, "123")
        await pilot.press("tab")
        await type_text(pilot, "2026-04-10")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen and "25" in message(screen, "folio")
        status = screen.query_one("#form-status")  # the field named beside it, in red as forms
        assert str(status.render()) == "Revise el campo marcado." and status.has_class("-error")
        assert screen.focused is not None and screen.focused.id == "f-folio"
        await type_text(pilot, "4")  # typing lands there (the wrong value, selected, replaced)
        assert screen.query_one("#f-folio").value == "4"


async def test_the_raoce_worksheet_steps_its_year_with_ctrl_arrows(demo_db):
    async with client_app(demo_db, "f7") as (app, pilot):
        years = []
        for key in ("ctrl+left", "ctrl+right", "ctrl+right"):
            await pilot.press(key)
            await pilot.pause()
            years.append(app.screen.year)
        head = str(app.screen.query_one("#raoce-head").render())
    assert years == [TODAY.year - 1, TODAY.year, TODAY.year + 1]
    assert f"RAOCE {TODAY.year + 1} (ejercicio {TODAY.year})" in head


@pytest.mark.parametrize(
    ("rfc", "hint"),
    [
        ("MNB050315K70", "miles de pesos (opcional)"),  # IMMEX only: it said PROSEC sin IMMEX
        ("CEB110902QW7", "miles de pesos (obligatorio con PROSEC)"),
        ("ASM980127HN4", "no se captura con IMMEX y PROSEC, ECEX o ALTEX"),
    ],
    ids=["IMMEX", "PROSEC", "IMMEX+PROSEC"],
)
async def test_the_raoce_importaciones_hint_follows_the_clients_programs(demo_db, rfc, hint):
    """Guía RAOCE 2026, Datos de reporte anual: PROSEC alone captures importaciones, IMMEX
    with PROSEC, ECEX or ALTEX ligados does not; the hint said '(PROSEC sin IMMEX)' to all."""
    async with client_app(demo_db, "f7", rfc=rfc) as (app, _pilot):
        field = app.screen.query_one("#f-importaciones", Input)
        assert field.placeholder == hint
        assert field.region.width >= len(hint) + 2  # read in full at 80 columns


async def test_the_late_data_report_opens_with_8_on_reportes(demo_db):
    """Recepción tardía (issue 15, item 6) on F6: the demo's file of its two oldest exits
    arrived 20 days before today (core/demo/pedimentos.py), the only late delivery."""
    async with client_app(demo_db, "f6", "8", size=(120, 40)) as (app, pilot):
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Recepción tardía" in str(app.screen.query_one("#rep-menu").render())
        table = app.screen.query_one("DataTable")
        cells = {str(table.get_row_at(i)[1]) for i in range(table.row_count)}
        recibido = {str(table.get_row_at(i)[3]) for i in range(table.row_count)}
        assert table.row_count and cells <= {"entrada", "salida", "ajuste", "pedimento"}
        assert cells == {"salida"} and recibido == {"2026-03-26 10:00"}


async def test_descargos_say_each_exit_kind_and_the_lot_it_took(year):
    """F5 on issue 15's year: the Salida column and the line under the list follow the cursor
    (the opening balance, the destroyed waste and its acta); `/` finds an exit by its kind."""
    app = BrokerApp(year, today=date(2026, 12, 31))
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_client(YEAR_RFC)
        await pilot.press("f5")
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one("DataTable")
        kinds = [str(table.get_row_at(i)[2]) for i in range(table.row_count)]
        assert kinds == ["retorno", "transferencia", "destrucción", "cambio rég.", "retorno"]

        def line() -> str:
            return str(app.screen.query_one("#dis-detail").render()).replace("\u00a0", " ")

        assert line().startswith("RT-1: retorno de producto PROD-1 (clave RT) · lote 26 07 3953")
        assert line().endswith("entrada 2025-12-01 (saldo inicial)")
        await pilot.press("down")
        await pilot.pause()
        assert "V5-1: transferencia de material MAT-A (clave V5) a BMA2211187E1" in line()
        assert "pedimento receptor 26 07 3953 8000001" in line()
        await pilot.press("down")
        await pilot.pause()
        assert "destrucción de desperdicio MAT-A · acta ACTA-7 del 2026-04-01" in line()
        await pilot.press("slash", *"destruccion", "enter")
        await until(pilot, lambda: table.row_count == 1)
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)] == ["DES-1"]


async def test_raoce_lines_too_long_for_80_columns_go_on_under_their_text(demo_db):
    """The worksheet's export line and a check wrap at 80 columns: their second line starts
    under the text (2 cells in; a check's past its mark), not at column 0."""
    async with client_app(demo_db, "f7") as (app, pilot):
        app.screen.query_one("#f-ventas").focus()
        await pilot.press(*"250000", "tab", *"98000", "tab", "tab", *"18.2", "ctrl+s")
        await pilot.pause()
        shown = {}
        for selector in ("#raoce-computed", "#raoce-checks"):
            static = app.screen.query_one(selector)
            shown[selector] = [static.render_line(y).text for y in range(static.size.height)]
    computed, checks = shown["#raoce-computed"], shown["#raoce-checks"]
    assert computed[-2].startswith("  Pedimentos de exportación del ejercicio: directas 837")
    assert computed[-1].strip() == "de pesos)" and computed[-1].startswith("  de")
    assert checks[1].startswith("  ✓ IMMEX: exportaciones > USD 500,000")
    assert checks[2].strip().endswith("% de las ventas") and checks[2].startswith("    5,384,615")


async def test_a_refused_worksheet_names_the_field_as_labelled(demo_db):
    """The toast of a refused save says 'Exportaciones (b): …', the label the user reads
    beside the field, not the field's id ('exportaciones: …', 'tipo_cambio: …')."""
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_client("MNB050315K70")
        await pilot.pause()
        await pilot.press("f7")
        await pilot.pause()
        app.screen.query_one("#f-ventas").focus()
        await pilot.press(*"100", "tab", *"200", "ctrl+s")
        await pilot.pause()
        told = [str(n.message) for n in app._notifications]
        assert told[-1] == "Exportaciones (b): no pueden exceder las ventas totales"
        await pilot.press("ctrl+u", *"50", "tab", "tab", *"0", "ctrl+s")
        await pilot.pause()
        told = [str(n.message) for n in app._notifications]
        assert told[-1] == "T. cambio promedio: debe ser mayor que cero"


async def test_the_report_and_catalog_pickers_keep_a_space_after_the_key_shown(demo_db):
    """The line of reports (F6) and of catalogs (m on a client), read off the screen: the
    report or catalog shown keeps the space after its key ('3 Saldos…', not '3Saldos…')."""
    async with client_app(demo_db, "f6") as (app, pilot):
        menu = str(app.screen.query_one("#rep-menu").render())
        assert "2 Salidas 3 Saldos por pedimento 4 Saldos" in menu
        await pilot.press("f3")
        await pilot.pause()
        app.open_client("MNB050315K70")  # its detail
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        assert str(app.screen.query_one("#rep-menu").render()).startswith("1 Materiales 2 ")
