"""Every screen, at 80×24 and at 120×40, with a fixed today and the demo data."""

import pytest

from brokertui.app import BrokerApp

from .conftest import TODAY

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}


def rfc_keys(text: str) -> list[str]:
    return [{" ": "space", "/": "slash"}.get(ch, ch) for ch in text]


SCREENS = {
    "clientes": [],
    "clientes_busqueda": ["slash", *rfc_keys("mex"), "enter"],
    "cliente_detalle": ["enter"],
    "cliente_nuevo": ["a"],
    "cliente_errores": [
        "a",
        *rfc_keys("MAB9313148T4"),
        "tab",
        "tab",
        "tab",
        "tab",
        "tab",
        "tab",
        "tab",
        *rfc_keys("123"),
        "tab",
        "ctrl+s",
    ],
    "cliente_digito": ["a", *rfc_keys("MAB9307148T5"), "tab", *rfc_keys("Beta"), "ctrl+s"],
    "cliente_editar": ["enter", "e"],
    "programa_nuevo": ["enter", "g"],
    "planta_nueva": ["enter", "l"],
    "baja_confirmar": ["enter", "b"],
    "tablero": ["f2"],
    "pedimentos": ["f4"],
    "descargos": ["f5"],
    "reportes": ["f6"],
    "raoce": ["f7"],
    "ayuda": ["f1"],
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("screen", SCREENS)
def test_screen(snap_compare, demo_db, screen, size):
    app = BrokerApp(demo_db, today=TODAY)
    assert snap_compare(app, press=SCREENS[screen], terminal_size=SIZES[size])


def test_palette_client_switcher(snap_compare, demo_db):
    async def search(pilot):
        await pilot.press("ctrl+p", *rfc_keys("norte"))
        await pilot.pause(0.5)  # the palette searches asynchronously

    app = BrokerApp(demo_db, today=TODAY)
    assert snap_compare(app, run_before=search, terminal_size=(80, 24))
