"""Snapshots of the workflows brought into the TUI (issue 16, item 3), at 80×24 first."""

import pytest

from brokertui.app import BrokerApp
from brokertui.core.raoce import worksheet as raoce
from tests.conftest import TODAY
from tests.tui.test_snapshots import SIZES, rfc_keys

CEB = "CEB110902QW7"  # the demo PROSEC-only client (sectores I, II)
MNB = "MNB050315K70"  # the demo IMMEX client, with catalogs
ASM = "ASM980127HN4"  # the demo IMMEX and PROSEC client


def _bienes(db):
    raoce.add_bien(
        db,
        CEB,
        2026,
        sector="I",
        fraccion="85444999",
        descripcion="Arnés eléctrico",
        unidad="pieza",
        volumen="1500",
    )


def opened(rfc: str, *keys: str, before=None):
    async def run(pilot):
        if before:
            before(pilot.app.db)
        pilot.app.open_client(rfc)
        await pilot.pause()
        await pilot.press(*keys)
        await pilot.pause()

    return run


SCREENS = {
    "bienes": opened(CEB, "f7", "ctrl+o", before=_bienes),
    "bien_errores": opened(
        CEB, "f7", "ctrl+o", "a", *rfc_keys("XIX"), "tab", *rfc_keys("8544"), "tab", "ctrl+s"
    ),
    "programa_estatus": opened(ASM, "s", "ctrl+u", *rfc_keys("suspendido"), "ctrl+s"),
    "baja_fecha": opened(ASM, "b"),
    "catalogo_materiales": opened(MNB, "m"),
    "catalogo_bom_busqueda": opened(MNB, "m", "3", "slash", *rfc_keys("lamina"), "enter"),
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("screen", SCREENS)
def test_workflow_screen(snap_compare, demo_db, screen, size):
    app = BrokerApp(demo_db, today=TODAY)
    assert snap_compare(app, run_before=SCREENS[screen], terminal_size=SIZES[size])
