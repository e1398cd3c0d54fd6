"""Every screen, at 80×24 and at 120×40, with a fixed today and the demo data."""

from datetime import date

import pytest

from brokertui.app import BrokerApp
from brokertui.core.demo import clients as demo
from brokertui.screens.jobs import JobBar
from tests.conftest import TODAY
from tests.core.anexo24.conftest import RFC as YEAR_RFC
from tests.tui.conftest import palette_searched
from tests.tui.test_conciliacion_tui import plant as plant_inventarios
from tests.tui.test_crosscheck_tui import plant as plant_entradas
from tests.tui.test_crosscheck_tui import plant_descargo, plant_parts

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}


def rfc_keys(text: str) -> list[str]:
    return [{" ": "space", "/": "slash"}.get(ch, ch) for ch in text]


SCREENS = {
    "clientes": ["f3"],
    "clientes_busqueda": ["f3", "slash", *rfc_keys("mex"), "enter"],
    "cliente_detalle": ["f3", "enter"],
    "cliente_nuevo": ["f3", "a"],
    "cliente_errores": [
        "f3",
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
    "cliente_digito": ["f3", "a", *rfc_keys("MAB9307148T5"), "tab", *rfc_keys("Beta"), "ctrl+s"],
    "cliente_editar": ["f3", "enter", "e"],
    "programa_nuevo": ["f3", "enter", "g"],
    "planta_nueva": ["f3", "enter", "l"],
    "baja_confirmar": ["f3", "enter", "b", "ctrl+s"],
    "pedimentos_todos": ["f4"],
    "descargos": ["f5"],
    "reportes": ["f6"],
    "raoce": ["f7"],
    "ayuda": ["f1"],
    "ayuda_descargos": ["f5", "f1"],
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("screen", SCREENS)
def test_screen(snap_compare, demo_db, screen, size):
    app = BrokerApp(demo_db, today=TODAY)
    assert snap_compare(app, press=SCREENS[screen], terminal_size=SIZES[size])


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(
    ("month", "today", "press"),
    [
        ("abril", date(2026, 4, 15), []),
        ("junio", date(2026, 6, 15), []),
        ("junio_urgentes", date(2026, 6, 15), ["u"]),
        ("septiembre", date(2026, 9, 2), []),
    ],
)
def test_dashboard(snap_compare, db, month, today, press, size):
    demo.load(db, today)
    app = BrokerApp(db, today=today)
    assert snap_compare(app, press=press, terminal_size=SIZES[size])


def test_palette_client_switcher(snap_compare, demo_db):
    async def search(pilot):
        await pilot.press("f3", "ctrl+p", *rfc_keys("norte"))
        await palette_searched(pilot)

    app = BrokerApp(demo_db, today=TODAY)
    assert snap_compare(app, run_before=search, terminal_size=(80, 24))


MNB = "MNB050315K70"  # the demo client with pedimentos


def with_client(*keys: str, then=None, before=None):
    """A run_before that makes the demo IMMEX client current, presses keys, then `then`
    (`before(db)` changes the data first)."""

    async def run(pilot):
        if before:
            before(pilot.app.db)
        pilot.app.open_client(MNB)
        await pilot.pause()
        await pilot.press(*keys)
        if then:
            await then(pilot)
        await pilot.pause()

    return run


async def _type(pilot, *values):
    for value in values:
        if value == "tab":
            await pilot.press("tab")
        else:
            await pilot.press(*rfc_keys(value))


def _filled(pilot):
    from brokertui.core.demo import pedimentos as demo_pedimentos
    from brokertui.screens.pedimento_form import PedimentoFormScreen

    peds = demo_pedimentos._pedimentos(MNB, TODAY)
    values = demo_pedimentos._capture_values(peds[3])
    values["encabezado"]["numero"] = "26 07 3953 6000999"
    return pilot.app.push_screen(PedimentoFormScreen(values))


async def _worksheet(pilot):
    pilot.app.screen.query_one("#f-ventas").focus()
    await pilot.press(*"250000", "tab", *"98000", "tab", "tab", *"18.2", "ctrl+s")


async def _half_way(pilot):
    """What a run shows while it works: the progress bar part way (set as the worker does)."""
    bar = pilot.app.screen.query_one(JobBar)
    bar.begin()
    bar.update(total=11, progress=5)


async def _settled(pilot, *keys):
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.press(*keys)


def _oficio(db):
    from brokertui.core.pedimentos.datastage import oficios

    oficios.record(db, MNB, "800-05-2026-0412", "2026-03-20", "2027-03-19")


def _no_oficio(db):
    """The demo client as if it had never recorded an oficio de matriz de seguridad."""
    db.execute("DELETE FROM matriz_oficios")
    db.conn.commit()


PEDIMENTO_SCREENS = {
    "pedimentos": with_client("f4"),
    "pedimento_nuevo": with_client("f4", "a"),
    "pedimento_errores": with_client(
        "f4",
        "a",
        then=lambda pilot: _type(
            pilot, "26 99 3953 600009", "tab", "3", "tab", "ZZ", "tab", "tab", "-1", "tab"
        ),
    ),
    "pedimento_lleno": with_client("f4", then=_filled),
    "pedimento_detalle": with_client("f4", "enter"),
    "datastage_importar": with_client("f4", "i"),
    "conciliacion": with_client("f4", "c"),
    "cruce_entradas": with_client("f4", "k", before=plant_entradas),
    "partes_sin_catalogo": with_client("f4", "k", "u", before=plant_parts),
    "descargos_512": with_client("f4", "k", "d", before=plant_descargo),
    "conciliacion_inventario": with_client("f6", "i", before=plant_inventarios, then=_settled),
    "conciliacion_ajustar": with_client(
        "f6", "i", before=plant_inventarios, then=lambda pilot: _settled(pilot, "a")
    ),
    "cliente_reglas": with_client("x"),
    "oficio_nuevo": with_client("o"),
    "entregas_datastage": with_client("d", before=lambda db: _oficio(db)),
    "entregas_sin_oficio": with_client("f4", "d", before=lambda db: _no_oficio(db)),
    "raoce_hoja": with_client("f7", then=lambda pilot: _worksheet(pilot)),
    "descargos_antes": with_client("f5"),
    "descargos_pendientes": with_client("f5", "e"),
    "descargos_durante": with_client("f5", then=_half_way),
    "descargos_despues": with_client("f5", "d", then=_settled),
    "descargos_faltantes": with_client("f5", "d", then=lambda pilot: _settled(pilot, "f")),
    "descargos_simulacion": with_client("f5", "v", then=_settled),
    "descargos_modo": with_client("f5", "m"),
    "descargos_valor": with_client("f5", "m", "s", "d", then=_settled),
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("screen", PEDIMENTO_SCREENS)
def test_pedimento_screen(snap_compare, demo_db, screen, size):
    app = BrokerApp(demo_db, today=TODAY)
    assert snap_compare(app, run_before=PEDIMENTO_SCREENS[screen], terminal_size=SIZES[size])


def _report_after_run(report: str, *, by_value: bool = False):
    """A run_before that discharges the demo client (by value if asked) and opens a report."""

    async def run(pilot):
        from brokertui.core.anexo24 import ledger as discharge

        if by_value:
            discharge.set_mode(pilot.app.db, MNB, "valor")
        discharge.run(pilot.app.db, MNB, hasta=TODAY)
        pilot.app.open_client(MNB)
        await pilot.pause()
        await pilot.press("f6", report)
        await pilot.pause()

    return run


@pytest.mark.parametrize("report", ["1", "2", "3", "4", "5", "6", "7"])
def test_report_screen(snap_compare, demo_db, report):
    """Each Anexo 24 report of the demo client after a discharge run, at 120x40."""
    app = BrokerApp(demo_db, today=TODAY)
    assert snap_compare(app, run_before=_report_after_run(report), terminal_size=SIZES["120x40"])


@pytest.mark.parametrize("report", ["3", "4", "5"])
def test_value_report_screen(snap_compare, demo_db, report):
    """The balance and usage reports of a client that discharges by value, in USD."""
    app = BrokerApp(demo_db, today=TODAY)
    run = _report_after_run(report, by_value=True)
    assert snap_compare(app, run_before=run, terminal_size=SIZES["120x40"])


RECTIFICADO, RECTIFICACION = "260739536000701", "260739536000702"


def deliver_every_member(db, tmp_path) -> None:
    """A Data Stage delivery for the demo client: a pedimento and its rectification, which
    carries a row of every member (tests/builders.MIEMBROS) and a 702 diferencia."""
    from brokertui.core.pedimentos.datastage import build, importer
    from tests.builders import MIEMBROS, partida, pedimento

    miembros = MIEMBROS | {
        "553": [*MIEMBROS["553"], {"SecuenciaFraccion": "2", "ClavePermiso": "C1"}],
        "558": [
            *MIEMBROS["558"],
            {"SecuenciaFraccion": "1", "SecuenciaObservacion": "2", "Observaciones": "NUEVO"},
            {"SecuenciaFraccion": "2", "Observaciones": "No. De parte: 4HXT-100"},
        ],
    }
    first = pedimento(RECTIFICADO, rfc=MNB, pagado="2026-01-05 10:00:00")
    rect = pedimento(
        RECTIFICACION,
        rfc=MNB,
        pagado="2026-01-09 10:00:00",
        rectifica=RECTIFICADO,
        rectifica_pagado="2026-01-05 10:00:00",
        partidas=[partida(), partida(fraccion="39269099", descripcion="SOPORTE PLASTICO")],
        miembros=miembros,
    )
    importer.import_zip(db, build.write_zip(tmp_path / "d.zip", [first, rect]))


def open_detail(numero: str, *keys: str):
    async def run(pilot):
        from brokertui.screens.pedimento_detail import PedimentoDetailScreen

        pilot.app.open_client(MNB)
        await pilot.pause()
        await pilot.app.push_screen(PedimentoDetailScreen(numero))
        await pilot.pause()
        await pilot.press(*keys)
        await pilot.pause()

    return run


DETAIL_VIEWS = {
    "arriba-80x24": ((), SIZES["80x24"]),
    "arriba-120x40": ((), SIZES["120x40"]),
    "partida2-80x24": (("tab", "down"), SIZES["80x24"]),  # Tab: the partidas; partida 2
    "abajo-80x24": (("end",), SIZES["80x24"]),  # the detail scrolled to its end
}


@pytest.mark.parametrize("view", DETAIL_VIEWS)
def test_pedimento_detail_with_every_member(snap_compare, demo_db, tmp_path, view):
    """The detail shows every Data Stage member (issue 13, item 4) in sections that scroll."""
    deliver_every_member(demo_db, tmp_path)
    keys, size = DETAIL_VIEWS[view]
    app = BrokerApp(demo_db, today=TODAY)
    assert snap_compare(app, run_before=open_detail(RECTIFICACION, *keys), terminal_size=size)


def test_late_data_report_screen(snap_compare, demo_db):
    """Recepción tardía (F6, 8; issue 15, item 6) at 80x24, on the demo's own arrival stamps
    (core/demo/pedimentos.py): the file of its two oldest exits, sent 20 days before today;
    every other exit came the next day and every pedimento of the year was captured when
    paid."""

    async def run(pilot):
        pilot.app.open_client(MNB)
        await pilot.pause()
        await pilot.press("f6", "8")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    app = BrokerApp(demo_db, today=TODAY)
    assert snap_compare(app, run_before=run, terminal_size=SIZES["80x24"])


@pytest.mark.parametrize(("row", "shows"), [(0, "saldo_inicial"), (2, "destruccion")])
def test_descargos_name_each_exit_kind_and_opening_balances(snap_compare, year, row, shows):
    """F5 at 80x24 on issue 15's year (tests/core/anexo24/test_year_scenario.py): the Salida
    column names each exit's kind (retorno, transferencia, destrucción, cambio rég.); the line
    under the list the highlighted one's good, clave and what its kind records, and the lot it
    took: RT-1's the opening balance (saldo inicial), DES-1 waste destroyed under acta ACTA-7."""

    async def run(pilot):
        pilot.app.open_client(YEAR_RFC)
        await pilot.pause()
        await pilot.press("f5")
        await pilot.app.workers.wait_for_complete()
        await pilot.press(*["down"] * row)
        await pilot.pause()

    app = BrokerApp(year, today=date(2026, 12, 31))
    assert snap_compare(app, run_before=run, terminal_size=SIZES["80x24"])
