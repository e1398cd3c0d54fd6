"""Live screens and who is here (issue 12, items 3 and 5), with two app instances on one
database file or an app and a second connection (another process, as far as SQLite knows):
what the other commits shows up without leaving the screen, the cursor stays on its row, a
record changed under the user says by whom, and the client detail and the forms say who else
has the client or record open. How soon it shows up (~2 s: a poll a second, then the reload)
is benchmarks/live_bench.py's, against its floor: a test timing it fails on a loaded machine."""

import asyncio
import re
from contextlib import asynccontextmanager
from datetime import date, timedelta

import pytest

from brokertui.app import BrokerApp
from brokertui.core import db as store
from brokertui.core import sessions
from brokertui.core.pedimentos import model as pedimento_model
from brokertui.core.pedimentos import rules
from brokertui.core.pedimentos import store as pedimentos
from brokertui.core.registry import clients, programs
from brokertui.screens import live
from brokertui.screens.client_forms import ClientFormScreen
from brokertui.screens.clients import ClientDetailScreen, ClientsScreen
from brokertui.screens.dashboard import DashboardScreen
from brokertui.screens.live import LiveNote
from brokertui.screens.pedimento_detail import PedimentoDetailScreen
from brokertui.screens.widgets import PagedTable
from tests.conftest import TODAY
from tests.core.pedimentos import test_pedimentos as pedimento_data
from tests.tui.conftest import until

ASM = "ASM980127HN4"  # the demo's first client in RFC order
NEW = "AAA010101AA1"  # sorts before every demo client


@pytest.fixture
def path(demo_db, tmp_path):
    return tmp_path / "test.db"


@pytest.fixture
def other(path):
    """A second connection to the same file: a colleague's process."""
    database = store.connect(path)
    yield database
    database.close()


def cursor_key(screen) -> str:
    return screen.query_one(PagedTable).selected_key()


def note(screen) -> str:
    widget = screen.query_one(LiveNote)
    return str(widget.render()) if widget.display else ""


def add_client(database, rfc=NEW, name="Aceros del Norte SA") -> None:
    clients.add_client(database, {"rfc": rfc, "razon_social": name}, force=True)


async def test_a_client_added_elsewhere_lands_in_the_list_and_the_cursor_stays_on_its_row(
    demo_db, other
):
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3", "down", "down")
        screen = app.screen
        assert isinstance(screen, ClientsScreen)
        table = screen.query_one(PagedTable)
        shown, below = table.total, cursor_key(screen)
        add_client(other)  # its RFC sorts first: one row above the cursor
        await until(pilot, lambda: table.total == shown + 1)
        assert table.table.get_row_at(0)[0].plain == NEW
        await pilot.pause()
        assert (cursor_key(screen), table.table.cursor_row) == (below, 3)
        await pilot.press("enter")
        assert app.screen.rfc == below  # Enter opens the client under the cursor, as before


async def test_the_cursor_and_the_scroll_stay_in_a_long_list(demo_db, other):
    for n in range(60):
        born = date(2001, 1, 1) + timedelta(days=n)
        add_client(demo_db, f"ZZZ{born:%y%m%d}AA1", f"Cliente {n:02d}")
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3", *["down"] * 40, *["up"] * 5)  # scrolled, mid-view
        await pilot.pause()
        table = app.screen.query_one(PagedTable).table
        key, row, scroll = cursor_key(app.screen), table.cursor_row, table.scroll_y
        assert scroll > 0
        add_client(other)
        await until(pilot, lambda: table.row_count == 69)
        await pilot.pause()
        assert (cursor_key(app.screen), table.cursor_row) == (key, row + 1)
        assert table.scroll_y == scroll


async def test_the_dashboard_updates_itself(demo_db, other):
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        table = app.screen.query_one(PagedTable)
        before = table.total
        add_client(other)
        program = {"type": "IMMEX", "number": "9999-2026", "authorized_on": "2025-01-10"}
        programs.add_program(other, NEW, program | {"modalidad": "industrial"}, today=TODAY)
        await until(pilot, lambda: table.total > before)
        assert any(NEW in str(table.table.get_row_at(i)) for i in range(table.table.row_count))


async def test_the_client_detail_reloads_and_names_who_changed_it(demo_db, other, monkeypatch):
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f3", "enter")
        detail = app.screen
        assert isinstance(detail, ClientDetailScreen) and detail.rfc == ASM
        await pilot.pause(1.2)  # a poll with nothing new: nothing to say
        assert note(detail) == ""
        monkeypatch.setattr(store, "os_user", lambda: "luis")  # the colleague's writes
        clients.update_client(other, ASM, {"calle": "Av. Nueva"})
        summary = detail.query_one("#summary")
        await until(pilot, lambda: "Av. Nueva" in str(summary.render()))
        await until(pilot, lambda: note(detail).startswith("Actualizado por luis hace "))


async def test_an_open_form_is_not_reloaded_but_says_who_changed_the_record(
    demo_db, other, monkeypatch
):
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f3", "enter", "e")
        form = app.screen
        assert isinstance(form, ClientFormScreen)
        calle = form.row("calle").input.value
        monkeypatch.setattr(store, "os_user", lambda: "luis")
        clients.update_client(other, ASM, {"calle": "Av. Nueva"})
        await until(pilot, lambda: "Actualizado por luis" in note(form))
        assert form.row("calle").input.value == calle  # what the user sees stays his


async def test_a_change_by_the_same_os_user_reloads_but_is_no_news(demo_db, other):
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f3", "enter")
        detail = app.screen
        clients.update_client(other, ASM, {"calle": "Av. Mia"})  # my CLI, say
        summary = detail.query_one("#summary")
        await until(pilot, lambda: "Av. Mia" in str(summary.render()))
        await pilot.pause(1.2)
        assert note(detail) == ""


async def test_the_refresh_key_reloads_at_once(demo_db, other, monkeypatch):
    monkeypatch.setattr(live, "POLL_SECONDS", 3600)  # no poll during the test
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        table = app.screen.query_one(PagedTable)
        shown = table.total
        add_client(other)
        await pilot.pause(1.5)
        assert table.total == shown  # not polled
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert table.total == shown + 1


@asynccontextmanager
async def colleague(path, *keys):
    """A second broker: a BrokerApp on its own connection to the same file."""
    database = store.connect(path)
    app = BrokerApp(database, today=TODAY)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press(*keys)
            yield app, pilot
    finally:
        database.close()


def live_sessions(database) -> int:
    return database.execute("SELECT count(*) FROM sessions").fetchone()[0]


async def test_who_is_here_shows_the_other_session_until_it_leaves(demo_db, path, other):
    app = BrokerApp(demo_db, today=TODAY)
    me = store.os_user()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f3", "enter")
        detail = app.screen
        async with colleague(path, "f3", "enter", "e"):  # editing the same client
            await until(pilot, lambda: note(detail) == f"También aquí: {me} (Editar cliente)")
            assert live_sessions(other) == 2
        await until(pilot, lambda: note(detail) == "")  # gone when it exits
        assert live_sessions(other) == 1
    assert live_sessions(other) == 0


async def test_the_form_shows_who_has_the_client_open_elsewhere(demo_db, path):
    app = BrokerApp(demo_db, today=TODAY)
    me = store.os_user()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f3", "enter", "g")  # a new program for the client
        form = app.screen
        async with colleague(path, "f3", "enter"):  # its detail
            await until(pilot, lambda: note(form) == f"También aquí: {me} (Cliente)")


async def test_a_colleague_is_here_only_with_the_client_in_front_of_him(demo_db, path):
    """F1's help covers the whole screen: a colleague reading it has the client's detail in
    the background, not in front of him, and is not here; the palette is drawn over the detail,
    which stays in view: he still is."""
    app = BrokerApp(demo_db, today=TODAY)
    me = store.os_user()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f3", "enter")
        detail = app.screen
        async with colleague(path, "f3", "enter") as (_, their):
            await until(pilot, lambda: note(detail) == f"También aquí: {me} (Cliente)")
            await their.press("f1")
            await until(pilot, lambda: note(detail) == "")
            await their.press("escape")
            await until(pilot, lambda: note(detail) == f"También aquí: {me} (Cliente)")
            await their.press("ctrl+p")
            await their.pause(1.5)
            await pilot.pause(1.5)
            assert note(detail) == f"También aquí: {me} (Cliente)"


async def test_the_start_deletes_an_import_whose_process_died(demo_db, other):
    """An import of salidas killed while being written (an SSH link dropped) is deleted when
    a TUI starts, in the background, with the rows it had written; the app is usable
    meanwhile."""
    import socket

    dead = f"{socket.gethostname()}:{2**22 + 1}:0badc0de"  # no such process here
    client_id = other.execute("SELECT client_id FROM salidas LIMIT 1").fetchone()[0]
    import_id = other.execute(
        "INSERT INTO interface_imports (client_id, kind, filename, sha256, rows, imported_at, "
        "imported_by, estado, holder, heartbeat) VALUES (?, 'salidas', 's.csv', 'x', 1, ?, "
        "'luis', 'cargando', ?, ?)",
        [client_id, store.now(), dead, store.now()],
    ).lastrowid
    written = other.execute(
        "INSERT INTO salidas (client_id, documento, clave, fecha, tipo_bien, numero_parte, "
        "cantidad_micro, import_id) SELECT client_id, 'RT-KILLED', 'RT', '2026-02-01', "
        "tipo_bien, numero_parte, cantidad_micro, ? FROM salidas "
        "WHERE client_id = ? LIMIT 1",
        [import_id, client_id],
    )
    assert written.rowcount == 1
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        left = "SELECT count(*) FROM interface_imports WHERE estado = 'cargando'"
        await until(pilot, lambda: other.execute(left).fetchone() == (0,))
        killed = "SELECT count(*) FROM salidas WHERE documento = 'RT-KILLED'"
        assert other.execute(killed).fetchone() == (0,)
        told = "Se borró la importación interrumpida de salidas de "
        await until(pilot, lambda: any(m.startswith(told) for m in app.messages))
        [message] = [m for m in app.messages if m.startswith(told)]
        rfc = other.execute("SELECT rfc FROM clients WHERE id = ?", [client_id]).fetchone()[0]
        since = r"(\d{4}-\d\d-\d\d )?\d\d:\d\d"  # leases.since: the date when not today
        why = r"\(su proceso terminó sin completarla\)\."
        assert re.fullmatch(rf"{told}{rfc} de luis desde {since} {why}", message)


async def test_a_session_that_stopped_beating_is_not_here(demo_db, other):
    now = sessions.utc_now()
    place = sessions.Place("Pedimento 26 24 3953 6000098", ASM, "pedimento:26243953600098")
    stale = now - timedelta(seconds=sessions.STALE + 5)
    sessions.beat(other, "ghost", place, stale, started=stale)  # a process that died
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f3", "enter")
        detail = app.screen
        await pilot.pause(1.2)
        assert note(detail) == ""
        sessions.beat(other, "luis", place, sessions.utc_now(), started=now)
        await until(pilot, lambda: "(Pedimento 26 24 3953 6000098)" in note(detail))
        assert "ghost" not in [row["id"] for row in other.query("SELECT id FROM sessions")]
        # luis's process stops beating too: a minute later, he is not here any more
        app.live.clock = lambda: sessions.utc_now() + timedelta(seconds=sessions.STALE + 1)
        await pilot.press("ctrl+l")
        await until(pilot, lambda: note(detail) == "")


async def test_the_pedimento_detail_reloads_and_names_who_changed_it(db, tmp_path, monkeypatch):
    clients.add_client(db, {"rfc": pedimento_data.RFC, "razon_social": "Alfa SA"})
    pedimentos.save(db, pedimento_model.parse(pedimento_data.values()), today=TODAY)
    app = BrokerApp(db, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.push_screen(PedimentoDetailScreen("262439536000098"))
        detail = app.screen
        partidas = detail.query_one("#ped-partidas")
        assert partidas.get_row_at(0)[5].plain == "12"  # cantidad UMC
        other = store.connect(tmp_path / "test.db")
        monkeypatch.setattr(store, "os_user", lambda: "luis")
        changed = pedimento_model.parse(pedimento_data.values(partida_cantidad_umc="15"))
        pedimentos.save(other, changed, today=TODAY, replace=True)
        other.close()
        await until(pilot, lambda: partidas.get_row_at(0)[5].plain == "15")
        await until(pilot, lambda: note(detail).startswith("Actualizado por luis hace "))


async def test_a_report_being_rebuilt_is_refreshed_at_the_next_poll(demo_db, monkeypatch):
    app = BrokerApp(demo_db, today=TODAY)
    told = []
    monkeypatch.setattr(app, "notify", lambda message, **_: told.append(message))
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_client("MNB050315K70")  # the demo client with inventory
        await pilot.pause()
        await pilot.press("f6")
        await pilot.pause()
        reports = app.screen
        showing = asyncio.ensure_future(reports.action_show("saldos"))
        while not showing.done():  # every step of the new table's mounting
            app.live.tick(force=True)
            await asyncio.sleep(0)
        await pilot.pause()
        assert reports.query_one(PagedTable).total > 0
        assert told == []  # no reload of a table without its columns ("Error interno")


async def test_a_screen_still_being_built_is_refreshed_at_the_next_poll(demo_db, monkeypatch):
    app = BrokerApp(demo_db, today=TODAY)
    told = []
    monkeypatch.setattr(app, "notify", lambda message, **_: told.append(message))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        switching = asyncio.ensure_future(app.switch_mode("clientes"))
        while not switching.done():  # every step of the new screen's mounting
            app.live.tick(force=True)
            await asyncio.sleep(0)
        await pilot.pause()
        app.live.tick(force=True)
        assert app.screen.query_one(PagedTable).total == 8
        assert told == []


async def test_a_screen_of_one_client_reloads_only_for_changes_about_it(demo_db, other):
    """Commits about other clients (a rule, a client added, a pedimento of another client)
    leave F4 of MNB050315K70 as it is; one about MNB050315K70 reloads it, the cursor staying on
    its row. The polls are driven by hand: no timing."""
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        app.set_client("MNB050315K70")
        await pilot.press("f4")
        await pilot.pause()
        screen = app.screen
        table = screen.query_one(PagedTable)
        assert table.total >= 3
        await pilot.press("down", "down")
        row, shown = cursor_key(screen), table.total
        reloads = []
        original = screen.refresh_data
        screen.refresh_data = lambda: reloads.append(1) or original()
        rules.set_client_rule(other, ASM, "textiles", False)
        add_client(other, pedimento_data.RFC)
        pedimentos.save(other, pedimento_model.parse(pedimento_data.values()), today=TODAY)
        app.live.tick()
        assert reloads == []
        mine = pedimento_data.values(numero="26 24 3953 6000099", rfc="MNB050315K70")
        pedimentos.save(other, pedimento_model.parse(mine), today=TODAY)
        app.live.tick()
        await pilot.pause()
        assert reloads == [1]
        assert table.total == shown + 1
        assert cursor_key(screen) == row
