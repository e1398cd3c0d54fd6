"""The RAOCE worksheet: the guide's worked example, VUCEM's rules and the threshold checks."""

import re
from datetime import date

import pytest

from brokertui.app import BrokerApp
from brokertui.core.errors import InvalidInput, NotFound
from brokertui.core.raoce import worksheet as raoce
from brokertui.core.registry import clients, deadlines, programs

TODAY = date(2026, 4, 20)
RFC = "MAB9307148T4"


@pytest.fixture
def client_db(db):
    clients.add_client(db, {"rfc": RFC, "razon_social": "Maquiladora Alfa SA"})
    return db


def hold(db, *types):
    for n, kind in enumerate(types):
        data = {"type": kind, "number": f"{kind}-{n}", "authorized_on": "2015-01-01"}
        if kind == "IMMEX":
            data["modalidad"] = "industrial"
        if kind == "PROSEC":
            data["sectors"] = "XIX"
        programs.add_program(db, RFC, data, today=TODAY)


def test_guide_worked_example_saldo_1000_porcentaje_100(client_db):
    # raoce-2026-guide.txt, IMMEX capture screen: ventas 1000, exportaciones 1000, (c) empty.
    hold(client_db, "IMMEX", "PROSEC")
    sheet = raoce.set_worksheet(client_db, RFC, 2026, ventas="1000", exportaciones="1000")
    assert (sheet["saldo"], sheet["porcentaje_exportacion"]) == ("1000", "100")
    assert sheet["importaciones_habilitado"] is False


def test_importaciones_disabled_for_immex_with_prosec_and_required_for_prosec_alone(client_db):
    hold(client_db, "IMMEX", "ECEX")
    with pytest.raises(InvalidInput, match="no habilita Total importaciones"):
        raoce.set_worksheet(client_db, RFC, 2026, ventas="10", exportaciones="5", importaciones="1")
    other = "GODE561231GR8"
    clients.add_client(client_db, {"rfc": other, "razon_social": "Prosec Solo"})
    programs.add_program(
        client_db,
        other,
        {"type": "PROSEC", "number": "PS-1", "authorized_on": "2015-01-01", "sectors": "I"},
        today=TODAY,
    )
    with pytest.raises(InvalidInput, match="captura también el total de importaciones"):
        raoce.set_worksheet(client_db, other, 2026, ventas="10", exportaciones="5")
    sheet = raoce.set_worksheet(
        client_db, other, 2026, ventas="10", exportaciones="5", importaciones="7.5"
    )
    assert (sheet["saldo"], sheet["porcentaje_exportacion"]) == ("-2.5", "50")


@pytest.mark.parametrize(
    ("types", "ventas", "exports", "tc", "expected"),
    [
        (("IMMEX",), "100000", "9500", "19", {"IMMEX": False}),  # USD 500,000 is not > it; 9.5 %
        (("IMMEX",), "100000", "9000", "19", {"IMMEX": False}),  # 9 %, USD 473,684.21
        (("IMMEX",), "100000", "10000", None, {"IMMEX": True}),  # exactly 10 %
        (("ALTEX",), "100000", "45000", "20", {"directo": True, "indirecto": False}),
        (("ALTEX",), "1000000", "40000", "18", {"directo": True, "indirecto": False}),
        (("ALTEX",), "100000", "39000", "20", {"directo": False, "indirecto": False}),
    ],
)
def test_threshold_checks(client_db, types, ventas, exports, tc, expected):
    hold(client_db, *types)
    sheet = raoce.set_worksheet(
        client_db, RFC, 2026, ventas=ventas, exportaciones=exports, tipo_cambio=tc
    )
    got = {}
    for check in sheet["checks"]:
        key = (
            ("indirecto" if "indirecto" in check["rule"] else "directo")
            if "ALTEX" in check["rule"]
            else check["rule"].split(":")[0]
        )
        got[key] = check["passed"]
    assert got == expected


def test_exports_cross_checked_against_export_pedimentos(client_db):
    from brokertui.core.pedimentos import model as pedimento_model
    from brokertui.core.pedimentos import store as pedimentos

    hold(client_db, "IMMEX")
    values = {
        "encabezado": {
            "numero": "25 24 3953 5000100",
            "clave": "RT",
            "tipo_operacion": "2",
            "regimen": "ETE",
            "fecha_pago": "2025-06-10",
            "tipo_cambio": "18.5",
            "rfc": RFC,
        },
        "partidas": [
            {
                "secuencia": "1",
                "fraccion": "85371099",
                "nico": "99",
                "descripcion": "TABLERO",
                "valor_usd": "10000",
                "valor_comercial": "185000",
                "cantidad_umc": "10",
                "umc": "6",
                "cantidad_umt": "10",
                "umt": "6",
                "pais": "USA",
            }
        ],
    }
    pedimentos.save(client_db, pedimento_model.parse(values), today=TODAY, force=True)
    sheet = raoce.set_worksheet(client_db, RFC, 2026, ventas="1000", exportaciones="200")
    assert sheet["exportaciones_pedimentos"] == {"directas": "185", "indirectas": "0"}
    assert sheet["diferencia_pedimentos"] == "15"


def test_validation_names_the_field(client_db):
    hold(client_db, "IMMEX")
    with pytest.raises(InvalidInput, match="exportaciones: no pueden exceder las ventas"):
        raoce.set_worksheet(client_db, RFC, 2026, ventas="10", exportaciones="11")
    with pytest.raises(InvalidInput, match="ventas: «diez» no es un número"):
        raoce.set_worksheet(client_db, RFC, 2026, ventas="diez", exportaciones="1")


async def test_worksheet_screen_saves_and_files(client_db):
    hold(client_db, "IMMEX")
    app = BrokerApp(client_db, today=TODAY)
    async with app.run_test(size=(100, 34)) as pilot:
        app.open_client(RFC)
        await pilot.pause()
        await pilot.press("f7")
        await pilot.pause()
        app.screen.query_one("#f-ventas").focus()
        await pilot.press(*"1000", "tab", *"1000", "ctrl+s")
        await pilot.pause()
        assert "Porcentaje exportación b/a*100 (VUCEM)   100" in str(
            app.screen.query_one("#raoce-computed").render()
        )
        await pilot.press("ctrl+f", "1")
        await pilot.pause()
        await pilot.press(*("2026" + "0" * 21), "tab", *"2026-04-18", "ctrl+s")
        await pilot.pause()
    (ob,) = deadlines.obligations(client_db, 2026, TODAY, rfc=RFC)
    assert (ob.status, ob.folio) == ("filed", "2026" + "0" * 21)


async def test_ajuste_form_from_the_reports_screen(demo_db):
    from brokertui.core.anexo24 import reports

    mnb = "MNB050315K70"
    app = BrokerApp(demo_db, today=date(2026, 4, 15))
    async with app.run_test(size=(100, 34)) as pilot:
        app.open_client(mnb)
        await pilot.pause()
        await pilot.press("f6", "a", "tab")
        await pilot.press(*"merma", "tab", *"SOP-220", "tab", *"12.5", "tab", "tab", "tab")
        await pilot.press(*"scrap", "ctrl+s")
        await pilot.pause()
        assert type(app.screen).__name__ == "ReportsScreen"
    heading = reports.heading(
        demo_db, "ajustes", mnb, desde=date(2026, 1, 1), hasta=date(2026, 4, 15)
    )
    assert [(r["tipo"], str(r["cantidad"])) for r in reports.records(demo_db, heading)] == [
        ("merma", "12.5")
    ]


# -- PROSEC relación de bienes producidos (raoce-2026-guide.txt, "PROSEC"; rules.md §1.5) --

BIEN = {
    "sector": "xix",
    "fraccion": "8708.29.99",
    "descripcion": "Defensas  de plástico",
    "unidad": "pieza",
    "volumen": "30,000",
}


def test_relacion_de_bienes_add_edit_delete_and_the_check(client_db):
    hold(client_db, "PROSEC")
    assert raoce.show(client_db, RFC, 2026)["bienes_producidos"] == []
    bien = raoce.add_bien(client_db, RFC, 2026, **BIEN)
    # stored as VUCEM takes it: the sector's code, 8 digits, the unit's Apéndice 7 code
    assert (bien.sector, bien.fraccion, bien.descripcion, bien.unidad, bien.volumen) == (
        "XIX",
        "87082999",
        "Defensas de plástico",
        "6",
        "30000",
    )
    raoce.set_worksheet(client_db, RFC, 2026, ventas="10", exportaciones="5", importaciones="1")
    [check] = [c for c in raoce.show(client_db, RFC, 2026)["checks"] if "PROSEC" in c["rule"]]
    assert (check["passed"], check["detail"]) == (True, "1 bien")
    edited = raoce.update_bien(client_db, RFC, bien.id, **BIEN | {"volumen": "12.5"})
    assert (
        [b.volumen for b in raoce.list_bienes(client_db, RFC, 2026)] == ["12.5"] == [edited.volumen]
    )
    assert raoce.list_bienes(client_db, RFC, 2027) == []  # a relación per filing year
    raoce.delete_bien(client_db, RFC, bien.id)
    assert raoce.list_bienes(client_db, RFC, 2026) == []
    with pytest.raises(NotFound, match="no es de"):
        raoce.delete_bien(client_db, RFC, bien.id)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("sector", "XXX", "sector: «XXX» no es un sector PROSEC"),
        ("sector", "", "sector: es obligatorio"),
        ("sector", "I", "sector: el sector I no está autorizado en su PROSEC (sectores XIX)"),
        ("fraccion", "8708.29", "fraccion: son 8 dígitos"),
        ("descripcion", " ", "descripcion: es obligatorio"),
        ("unidad", "furlong", "unidad: «furlong» no está en el catálogo de unidades"),
        ("volumen", "0", "volumen: debe ser mayor que cero"),
        ("volumen", "mucho", "volumen: «mucho» no es un número"),
    ],
)
def test_relacion_de_bienes_refuses_naming_field_and_rule(client_db, field, value, message):
    hold(client_db, "PROSEC")
    with pytest.raises(InvalidInput, match=re.escape(message)):
        raoce.add_bien(client_db, RFC, 2026, **BIEN | {field: value})
    assert raoce.list_bienes(client_db, RFC, 2026) == []


def test_relacion_de_bienes_needs_a_live_prosec(client_db):
    hold(client_db, "IMMEX")
    with pytest.raises(InvalidInput, match="sector: MAB9307148T4 no tiene un PROSEC vigente"):
        raoce.add_bien(client_db, RFC, 2026, **BIEN)
