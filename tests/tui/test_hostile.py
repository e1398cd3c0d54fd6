"""Every screen over a database full of hostile text (tests/hostile.py): no crash (the app runs
and its error dialog caught nothing: tests/tui/conftest.py), and nothing from the data can
drive the terminal (issue 11: user data is never markup)."""

from __future__ import annotations

import re

import pytest
from rich.text import Text
from textual.widgets import Static

from brokertui.app import BrokerApp
from brokertui.core.demo import pedimentos as demo_pedimentos
from brokertui.core.pedimentos.datastage import build as datastage_build
from brokertui.screens.dialogs import ErrorScreen
from brokertui.screens.pedimento_detail import PedimentoDetailScreen
from brokertui.screens.raoce_bienes import BienesScreen
from tests import hostile
from tests.conftest import TODAY
from tests.tui.conftest import palette_searched, until

# What may never be in the text of a segment: C0 (tab and newline included: the compositor
# lays out lines itself), DEL, C1, and the bidi embeddings, overrides and isolates.
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def unsafe_output(app) -> list[str]:
    """What in the whole screen, as it would go to the terminal, comes from text rather than
    from Textual: a control or bidi character in the text of a segment (Textual writes its
    own escapes from styles and control segments, never from a segment's text), a control
    segment, a hyperlink or a click action (markup in the data)."""
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    found = []
    for line in update.strips:
        for strip in line:
            for segment in strip:
                text, style, control = segment
                if control or UNSAFE.search(text):
                    found.append(repr(text))
                if style and (style.link or "@click" in style.meta):
                    found.append(f"{text!r} with {style.link or style.meta}")
    return found


@pytest.fixture
def hostile_db(db):
    hostile.build(db, TODAY)
    return db


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def keys(*names: str):
    async def run(pilot) -> None:
        await pilot.press(*names)

    return run


async def palette(pilot) -> None:
    await pilot.press("ctrl+p", *"mnb")
    await palette_searched(pilot)


async def captured_detail(pilot) -> None:
    await pilot.app.push_screen(PedimentoDetailScreen(hostile.captured(pilot.app.db)))


async def captured_form(pilot) -> None:
    await captured_detail(pilot)
    await pilot.pause()
    await pilot.press("e")


async def import_path(pilot, path: str) -> None:
    await pilot.press("f4", "i")
    await pilot.pause()
    pilot.app.screen.query_one("#import-path").value = path
    await pilot.press("enter")


async def import_missing(pilot) -> None:
    await import_path(pilot, f"/nonexistent/{hostile.ALL.replace('/', '|')}.zip")


async def import_hostile_zip(pilot) -> None:
    """A delivery whose file name and descriptions are hostile (Latin-1 holds ESC and C1)."""
    ped = demo_pedimentos._pedimentos(hostile.RFC, TODAY)[0]
    ped = {**ped, "numero": ped["numero"][:-3] + "999", "nombre": hostile.VALUES[6]}
    for p in ped["partidas"]:
        p["descripcion"] = "".join(hostile.VALUES[:8])
    name = "".join(hostile.VALUES[:8]).replace("/", "|")[:200] + ".zip"
    folder = pilot.app.hostile_tmp
    datastage_build.write_zip(folder / name, [ped])
    await import_path(pilot, str(folder / name))


async def ajuste(pilot) -> None:
    """The new-ajuste form, its part number field suggesting a hostile part number."""
    await pilot.press("f6", "a")
    await pilot.pause()
    pilot.app.screen.query_one("#f-numero_parte").focus()
    await pilot.press("left_square_bracket")


async def notices(pilot) -> None:
    pilot.app.notify(hostile.ALL)
    pilot.app.screen.notify(hostile.ALL, title=hostile.VALUES[1], severity="error")


OPENINGS = {
    "tablero": keys("f2"),
    "tablero_cliente": keys("f2", "c"),
    "clientes": keys("escape"),  # from the client's detail back to the list
    "clientes_bajas_orden": keys("escape", "t", "o", "down", "down", "enter"),  # razón social
    "cliente": keys(),  # the client's detail, where open_client leaves it
    "cliente_editar": keys("e"),
    "programa_nuevo": keys("g"),
    "planta_nueva": keys("l"),
    "cliente_reglas": keys("x"),
    "baja_confirmar": keys("b", "ctrl+s"),
    "catalogos": keys("m"),
    "catalogos_bom": keys("m", "3"),
    "catalogo_baja": keys("m", "b", "ctrl+s"),
    "pedimentos": keys("f4"),
    "pedimento_detalle": keys("f4", "enter"),
    "pedimento_capturado": captured_detail,
    "captura_del_pedimento": captured_form,
    "captura_nueva": keys("f4", "a"),
    "captura_salir": keys("f4", "a", "2", "escape"),  # something typed: asked
    "borradores": keys("f4", "b"),
    "borrador_abierto": keys("f4", "b", "enter"),
    "conciliacion": keys("f4", "c"),
    "datastage_sin_archivo": import_missing,
    "datastage_importado": import_hostile_zip,
    "descargos": keys("f5"),
    "descargos_pendientes": keys("f5", "e"),
    "descargos_faltantes": keys("f5", "f"),
    "descargos_simulados": keys("f5", "v"),
    **{f"reporte_{n}": keys("f6", str(n)) for n in range(1, 8)},
    "ajuste": ajuste,
    "activo_fijo": keys("f6", "f"),
    "activo_fijo_reporte": keys("f6", "f", "v"),
    "activo_fijo_movimiento": keys("f6", "f", "m"),
    "raoce": keys("f7"),
    "raoce_presentar": keys("f7", "ctrl+f"),
    "relacion_bienes": lambda pilot: pilot.app.push_screen(BienesScreen(hostile.RFC, TODAY.year)),
    "paleta": palette,
    "ayuda": keys("f1"),
    "avisos": notices,
    "aviso_de_error": lambda pilot: pilot.app.push_screen(ErrorScreen(hostile.ALL)),
}


async def check(app, pilot, opening) -> None:
    app.open_client(hostile.RFC)
    await pilot.pause()
    await opening(pilot)
    await settle(pilot)
    assert app.is_running
    assert unsafe_output(app) == []


@pytest.mark.parametrize("opening", OPENINGS)
async def test_screen_over_hostile_data(hostile_db, no_internal_errors, tmp_path, opening):
    app = BrokerApp(hostile_db, today=TODAY)
    app.hostile_tmp = tmp_path
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await check(app, pilot, OPENINGS[opening])
    assert no_internal_errors == []


@pytest.mark.parametrize("opening", ["cliente", "pedimentos", "reporte_1", "raoce", "paleta"])
async def test_ten_thousand_character_name(hostile_db, no_internal_errors, opening):
    app = BrokerApp(hostile_db, today=TODAY)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        app.open_client(hostile.LONG_RFC)
        await pilot.pause()
        await OPENINGS[opening](pilot)
        await settle(pilot)
        assert app.is_running
        assert unsafe_output(app) == []
    assert no_internal_errors == []


async def test_markup_in_the_data_is_shown_as_typed(hostile_db):
    app = BrokerApp(hostile_db, today=TODAY)
    async with app.run_test(size=(200, 50)) as pilot:
        app.open_client(hostile.RFC)
        await pilot.pause()
        shown = str(app.screen.query_one("#summary").render())
        for value in hostile.VALUES[:5]:
            assert value in shown
        assert "\ufffd]52;c;cm0gLXJmIH4=\ufffd" in shown  # the escape, defused and visible


@pytest.mark.parametrize(
    "unsafe",
    [
        Text(hostile.VALUES[5]),  # a raw OSC 52 escape
        Text(hostile.VALUES[7]),  # C1 controls
        Text(hostile.VALUES[8]),  # a bidi override
        Text.from_markup(hostile.VALUES[2]),  # a hyperlink
    ],
)
async def test_the_check_finds_unsafe_output(demo_db, unsafe):
    """The check is real: a widget that shows data unsanitized fails it."""
    app = BrokerApp(demo_db, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        assert unsafe_output(app) == []
        await app.screen.mount(Static(unsafe))
        # found once the screen has laid the widget out and drawn it, which a loaded machine
        # may do after a pause returns (seen in a run on 2 busy cores: nothing drawn yet)
        await until(pilot, lambda: unsafe_output(app) != [])
