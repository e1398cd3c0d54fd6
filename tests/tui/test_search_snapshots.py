"""The search line, the column picker and the palette's pedimento jump at 80×24 (issue 16,
items 1 and 2), on the demo data with a fixed today."""

import pytest

from brokertui.app import BrokerApp
from tests.conftest import TODAY
from tests.tui.conftest import palette_searched
from tests.tui.test_snapshots import rfc_keys

SCREENS = {
    "clientes_buscar_sin_acentos": ["f3", "slash", *rfc_keys("queretaro"), "enter"],
    "pedimentos_buscar_numero": ["f4", "slash", *rfc_keys("3953 5000685"), "enter"],
    "pedimentos_elegir_orden": ["f4", "o", "down", "down"],
    "pedimentos_ordenados": ["f4", "o", "down", "down", "down", "enter"],
    "tablero_buscar": ["slash", *rfc_keys("plasticos"), "enter"],
}


@pytest.mark.parametrize("screen", SCREENS)
def test_search_and_sort(snap_compare, demo_db, screen):
    app = BrokerApp(demo_db, today=TODAY)
    assert snap_compare(app, press=SCREENS[screen], terminal_size=(80, 24))


def test_palette_offers_the_pedimento_typed(snap_compare, demo_db):
    async def jump(pilot):
        await pilot.press("ctrl+p", *rfc_keys("3953 5000685"))
        await palette_searched(pilot)

    app = BrokerApp(demo_db, today=TODAY)
    assert snap_compare(app, run_before=jump, terminal_size=(80, 24))
