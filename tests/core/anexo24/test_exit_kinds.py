"""Every kind of salida (issue 15, item 2): the kind from the clave of the exit's pedimento
(Apéndice 2) or the row's tipo_salida, each kind's own optional columns, their checks, and the
PEPS discharge each kind gets (anexo24-rgce-2024.txt, Apartado A, fracción II, inciso c),
"Módulo de información aduanera de salidas (retornos, donaciones, destrucciones, cambios de
régimen, etc.)").

The inventory of `inv_db`: MAT-A entered 100 on 5 January (pedimento ...010) and 100 on
20 January (...020 partida 1); MAT-B 500 on 20 January (...020 partida 2).
"""

from datetime import date

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from brokertui.cli import main
from brokertui.core import db as store
from brokertui.core.anexo24 import interfaces, reports
from brokertui.core.anexo24 import ledger as discharge
from brokertui.core.anexo24.reader import InterfaceError
from brokertui.core.pedimentos import model as pedimento_model
from brokertui.core.pedimentos import store as pedimento_store
from brokertui.core.registry import clients
from tests.core.anexo24.conftest import RFC, TODAY, export, load, write_csv

HEADER = (*interfaces.COLUMNS["salidas"], *interfaces.OPTIONAL["salidas"])
UUID = "6F2B3C1D-0A4E-4B5C-9D8E-7F6A5B4C3D2E"


def extended(db, tmp_path, rows: list[dict], name: str = "salidas-tipos.csv") -> dict:
    """A salidas file with the kinds' columns (every optional column, empty unless given)."""
    path = write_csv(tmp_path / name, HEADER, [[r.get(c, "") for c in HEADER] for r in rows])
    return interfaces.import_file(db, "salidas", path, RFC)


def exit_row(documento, clave, fecha, parte, cantidad, bien="M", **extra) -> dict:
    return {
        "documento": documento,
        "clave": clave,
        "fecha": fecha,
        "tipo_bien": bien,
        "numero_parte": parte,
        "cantidad": cantidad,
        **extra,
    }


def transfer(fecha="2026-02-11", cantidad="1", **extra) -> dict:
    """V5-1 of 1 MAT-A, a V5 transfer to TMM120927FL0 unless `extra` says otherwise."""
    return exit_row(
        "V5-1", "V5", fecha, "MAT-A", cantidad, **{"rfc_receptor": "TMM120927FL0"} | extra
    )


def destruction(documento, fecha, cantidad, acta, tipo="destrucción") -> dict:
    """Waste of MAT-A destroyed on `fecha` (acta `acta` of that day)."""
    return exit_row(documento, "", fecha, "MAT-A", cantidad, "D", tipo_salida=tipo,
                    numero_acta=acta, fecha_acta=fecha)  # fmt: skip


def stored(db) -> list[tuple]:
    return [
        tuple(r)
        for r in db.execute(
            "SELECT documento, tipo_salida, rfc_receptor, pedimento_receptor, folio_cfdi, "
            "fecha_cfdi, numero_acta, fecha_acta, periodo FROM salidas ORDER BY id"
        )
    ]


def refusal(db, tmp_path, row: dict) -> str:
    with pytest.raises(InterfaceError) as caught:
        extended(db, tmp_path, [row])
    assert db.execute("SELECT count(*) FROM salidas").fetchone()[0] == 0  # nothing written
    return str(caught.value)


def test_a_file_in_todays_format_imports_unchanged_its_kinds_from_the_claves(inv_db, tmp_path):
    """Six columns, as before kinds: a V5 without receiving RFC still imports (the file has no
    column to carry it); every exit gets the kind its clave fixes, retorno otherwise."""
    result = load(
        inv_db,
        tmp_path,
        "salidas",
        [
            ["RT-1", "RT", "2026-02-10", "M", "MAT-A", "10"],
            ["V5-1", "V5", "2026-02-11", "M", "MAT-A", "10"],
            ["V9-1", "V9", "2026-02-12", "D", "MAT-A", "10"],
            ["F4-1", "F4", "2026-02-13", "M", "MAT-B", "10"],
            ["A1-1", "A1", "2026-02-14", "M", "MAT-B", "10"],
        ],
    )
    assert (result["rows"], result["added"]) == (5, 5)
    assert [(r[0], r[1]) for r in stored(inv_db)] == [
        ("RT-1", "retorno"),
        ("V5-1", "transferencia"),
        ("V9-1", "donación"),
        ("F4-1", "cambio de régimen"),
        ("A1-1", "retorno"),
    ]
    assert {r[2:] for r in stored(inv_db)} == {("",) * 7}


def test_each_kind_stores_its_own_columns(inv_db, tmp_path):
    extended(
        inv_db,
        tmp_path,
        [
            exit_row("RT-1", "RT", "2026-02-10", "MAT-A", "1"),
            transfer(
                rfc_receptor="gode561231gr8",
                pedimento_receptor="26 07 3953 6000099",
                folio_cfdi=UUID.lower(),
                fecha_cfdi="11/02/2026",
            ),
            exit_row("V1-1", "V1", "2026-02-11", "MAT-B", "1", rfc_receptor="TMM120927FL0"),
            exit_row(
                "DON-1",
                "A1",
                "2026-02-12",
                "MAT-A",
                "1",
                "D",
                tipo_salida="Donación",
                rfc_receptor="BMA2211187E1",
            ),
            destruction("ACTA-7", "2026-02-13", "1", "ACTA-7", tipo="destruccion"),
            exit_row("F4-1", "F4", "2026-02-14", "MAT-B", "1", tipo_salida="cambio_regimen"),
            exit_row(
                "REP-2026-02",
                "",
                "2026-02-28",
                "MAT-B",
                "1",
                tipo_salida="reparación",
                periodo="2026-02",
            ),
        ],
    )
    assert stored(inv_db) == [
        ("RT-1", "retorno", "", "", "", "", "", "", ""),
        ("V5-1", "transferencia", "GODE561231GR8", "260739536000099", UUID, "2026-02-11",
         "", "", ""),
        ("V1-1", "transferencia", "TMM120927FL0", "", "", "", "", "", ""),
        ("DON-1", "donación", "BMA2211187E1", "", "", "", "", "", ""),
        ("ACTA-7", "destrucción", "", "", "", "", "ACTA-7", "2026-02-13", ""),
        ("F4-1", "cambio de régimen", "", "", "", "", "", "", ""),
        ("REP-2026-02", "consumo de reparación", "", "", "", "", "", "", "2026-02"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            transfer(rfc_receptor=""),
            "fila 2: rfc_receptor: es obligatorio en una transferencia (clave V5)",
        ),
        (
            transfer(rfc_receptor="MAB9313148T4"),
            "fila 2: rfc_receptor: la fecha 931314 (AAMMDD) no existe",
        ),
        (
            transfer(rfc_receptor="XAXX010101000"),
            "rfc_receptor: XAXX010101000 es el RFC genérico de público en general; se registra "
            "el RFC propio de quien recibe",
        ),
        (
            transfer(rfc_receptor="", tipo_salida="retorno"),
            "tipo_salida: la clave V5 es de transferencia, no de retorno",
        ),
        (
            exit_row("RT-1", "RT", "2026-02-11", "MAT-A", "1", numero_acta="A-1"),
            "numero_acta: sólo en destrucción, no en un retorno",
        ),
        (
            exit_row("RT-1", "RT", "2026-02-11", "MAT-A", "1", rfc_receptor="TMM120927FL0"),
            "rfc_receptor: sólo en transferencia o donación, no en un retorno",
        ),
        (
            exit_row("D-1", "", "2026-02-11", "MAT-A", "1", "D", tipo_salida="destrucción"),
            "numero_acta: es obligatorio en una destrucción; fecha_acta: es obligatorio en una "
            "destrucción",
        ),
        (
            exit_row("RT-1", "", "2026-02-11", "MAT-A", "1"),
            "clave: es obligatoria en un retorno (sólo destrucción y consumo de reparación van "
            "sin pedimento)",
        ),
        (
            transfer(folio_cfdi=UUID),
            "fecha_cfdi: va con folio_cfdi (el número y la fecha del CFDI)",
        ),
        (
            transfer(folio_cfdi="12345", fecha_cfdi="2026-02-11"),
            "folio_cfdi: es el folio fiscal del CFDI (UUID de 36 caracteres, 8-4-4-4-12)",
        ),
        (
            exit_row(
                "R-1",
                "",
                "2026-03-01",
                "PROD-1",
                "1",
                "P",
                tipo_salida="reparacion",
                periodo="2026-02",
            ),
            "tipo_bien: el consumo de reparación es de materiales (M); fecha: el consumo de "
            "2026-02 se fecha en ese mes",
        ),
        (
            exit_row(
                "R-1", "", "2026-02-01", "MAT-A", "1", tipo_salida="reparacion", periodo="2026-13"
            ),
            "periodo: es un mes AAAA-MM (p. ej. 2026-03)",
        ),
        (
            exit_row("R-1", "RT", "2026-02-01", "MAT-A", "1", tipo_salida="venta"),
            "tipo_salida: debe ser retorno, transferencia, donación, destrucción, cambio de "
            "régimen, consumo de reparación",
        ),
        (
            transfer(pedimento_receptor="123"),
            "pedimento_receptor:",
        ),
    ],
)
def test_a_bad_kind_column_refuses_the_file_naming_field_and_rule(inv_db, tmp_path, row, message):
    assert message in refusal(inv_db, tmp_path, row)


def test_a_v5_without_rfc_is_refused_in_any_file_with_the_kinds_columns(inv_db, tmp_path):
    """Only the acta columns, for a file of destructions and a transfer: the transfer's RFC is
    required all the same (an empty cell or a missing column are the same)."""
    header = [*interfaces.COLUMNS["salidas"], "numero_acta", "fecha_acta"]
    path = write_csv(
        tmp_path / "actas.csv",
        header,
        [["V5-1", "V5", "2026-02-11", "M", "MAT-A", "1", "", ""]],
    )
    with pytest.raises(InterfaceError, match="rfc_receptor: es obligatorio en una transferencia"):
        interfaces.import_file(inv_db, "salidas", path, RFC)


def test_a_fixed_assets_exit_is_refused_in_any_salidas_file(inv_db, tmp_path):
    """F5 (Apéndice 2: cambio de régimen de activo fijo) would take insumo lots as a salidas row;
    the asset's movement is its one record (activo_fijo.py): in today's six columns and with the
    kinds' columns alike, the file is refused naming the row, the field and where it belongs."""
    six = write_csv(
        tmp_path / "seis.csv",
        interfaces.COLUMNS["salidas"],
        [["F5-1", "F5", "2026-02-11", "M", "MAT-A", "1"]],
    )
    for attempt in (
        lambda: interfaces.import_file(inv_db, "salidas", six, RFC),
        lambda: extended(inv_db, tmp_path, [exit_row("F5-1", "F5", "2026-02-11", "MAT-A", "1")]),
    ):
        with pytest.raises(InterfaceError) as caught:
            attempt()
        assert "clave: F5 es la salida de un activo fijo" in str(caught.value)
        assert "activo-fijo movimiento" in str(caught.value)
        assert inv_db.execute("SELECT count(*) FROM salidas").fetchone()[0] == 0


def allocations(db) -> list[tuple]:
    return [(r["documento"], r["pedimento"][-3:], r["cantidad"]) for r in export(db)]


def test_waste_destroyed_is_discharged_by_peps_at_its_destruction(inv_db, tmp_path):
    """Apartado A, módulo de salidas, third paragraph: "deberá efectuar el descargo de los
    desperdicios al momento de su donación, destrucción, transferencia, cambio de régimen o
    retorno, utilizando ... PEPS". 130 of MAT-A's waste destroyed on 10 March (acta 77): the
    100 of the oldest pedimento, then 30 of the next (case 2). The same waste donated on 1
    February takes its 20 first, so the destruction starts at the oldest lot's 80 left."""
    extended(
        inv_db,
        tmp_path,
        [
            destruction("ACTA-77", "2026-03-10", "130", "77"),
            exit_row("DON-1", "V9", "2026-02-01", "MAT-A", "20", "D", rfc_receptor="BMA2211187E1"),
        ],
    )
    discharge.run(inv_db, RFC, hasta=TODAY)
    assert allocations(inv_db) == [
        ("DON-1", "010", "20"),
        ("ACTA-77", "010", "80"),
        ("ACTA-77", "020", "50"),
    ]
    assert discharge.check(inv_db, RFC) == []


def test_repair_consumption_is_discharged_by_peps_per_month(inv_db, tmp_path):
    """Apartado A, módulo de salidas, fourth paragraph: "Tratándose de procesos de reparación,
    el consumo real por mes deberá descargarse utilizando el método ... PEPS". January's
    consumption of 150 MAT-A, dated the 31st, takes the 100 of ...010 and 50 of ...020 (both
    entered in January); February's 60 takes what ...020 has left, and 10 more are a
    shortfall."""
    extended(
        inv_db,
        tmp_path,
        [
            exit_row(f"REP-{mes}", "", fecha, "MAT-A", qty, tipo_salida="reparación", periodo=mes)
            for mes, fecha, qty in (
                ("2026-01", "2026-01-31", "150"),
                ("2026-02", "2026-02-28", "60"),
            )
        ],
    )
    discharge.run(inv_db, RFC, hasta=TODAY)
    assert [(d, p, q) for d, p, q in allocations(inv_db)] == [
        ("REP-2026-01", "010", "100"),
        ("REP-2026-01", "020", "50"),
        ("REP-2026-02", "020", "50"),
        ("REP-2026-02", "", "10"),
    ]


def test_a_v5_transfer_and_a_change_of_regime_discharge_like_a_retorno(inv_db, tmp_path):
    """Apartado B, módulo de proceso de descargos: the pedimentos "deberán ser afectados con
    los retornos, transferencias, cambios de régimen", each by PEPS (numeral 1)."""
    extended(
        inv_db,
        tmp_path,
        [
            transfer("2026-02-01", "120"),
            exit_row("F4-1", "F4", "2026-02-02", "MAT-A", "30"),
        ],
    )
    discharge.run(inv_db, RFC, hasta=TODAY)
    assert allocations(inv_db) == [
        ("V5-1", "010", "100"),
        ("V5-1", "020", "20"),
        ("F4-1", "020", "30"),
    ]


def test_the_salidas_report_names_the_kind_and_the_good_on_every_row(inv_db, tmp_path):
    extended(
        inv_db,
        tmp_path,
        [
            transfer("2026-02-01", folio_cfdi=UUID, fecha_cfdi="2026-02-01"),
            destruction("ACTA-7", "2026-02-13", "2", "ACTA-7"),
        ],
    )
    heading = reports.heading(inv_db, "salidas", RFC, desde=date(2026, 1, 1), hasta=TODAY)
    rows = list(reports.records(inv_db, heading))
    assert [(r["documento"], r["tipo_salida"], r["bien"]) for r in rows] == [
        ("V5-1", "transferencia", "material"),
        ("ACTA-7", "destrucción", "desperdicio"),
    ]
    assert (rows[0]["rfc_receptor"], rows[0]["folio_cfdi"], rows[0]["fecha_cfdi"]) == (
        "TMM120927FL0",
        UUID,
        date(2026, 2, 1),
    )
    assert (rows[1]["numero_acta"], rows[1]["fecha_acta"]) == ("ACTA-7", date(2026, 2, 13))
    found = list(reports.records(inv_db, heading, search="destrucción"))
    assert [r["documento"] for r in found] == ["ACTA-7"]


def test_an_ajuste_exit_is_of_kind_ajuste(inv_db):
    from brokertui.core.anexo24 import ajustes

    row = {"fecha": "2026-02-01", "tipo": "merma", "numero_parte": "MAT-A", "cantidad": "3",
           "motivo": "conteo", "pedimento": "", "partida": ""}  # fmt: skip
    ajustes.add_ajustes(inv_db, RFC, [(1, row)], "ajuste")
    assert inv_db.execute("SELECT clave, tipo_salida FROM salidas").fetchall() == [
        ("AJUSTE", "ajuste")
    ]


# -- conservation with random kinds, per mode --------------------------------------------------

MATERIALES = [
    ["MAT-A", "A", "72085101", "1", "1", "1", "directo"],
    ["MAT-B", "B", "73181599", "6", "1", "1", "directo"],
]
KIND_ROWS = {  # a kind's row: clave, tipo_salida and its required columns
    "retorno": {"clave": "RT"},
    "transferencia": {"clave": "V5", "rfc_receptor": "TMM120927FL0"},
    "donación": {"clave": "V9"},
    "destrucción": {"tipo_salida": "destrucción", "numero_acta": "1", "fecha_acta": "2026-01-01"},
    "cambio de régimen": {"clave": "F4"},
    "consumo de reparación": {"tipo_salida": "reparación", "periodo": "2026-01"},
}


def _ledger(folder, name: str, modo: str, lots, exits, with_kinds: bool) -> list[tuple]:
    db = store.connect(folder / f"{name}.db")
    clients.add_client(db, {"rfc": RFC, "razon_social": "Alfa"})
    for kind, rows in (
        ("materiales", MATERIALES),
        ("entradas", [[f"26 07 3953 6{i + 1:06d}", "1", "IN", f"2026-01-{day:02d}", part, str(qty),
                       "1", str(value), "", "USA"]
                      for i, (day, part, qty, value) in enumerate(lots)]),
    ):  # fmt: skip
        interfaces.import_file(
            db, kind, write_csv(folder / f"{name}-{kind}.csv", interfaces.COLUMNS[kind], rows), RFC
        )
    discharge.set_mode(db, RFC, modo)
    rows = []
    for i, (day, part, qty, kind, waste) in enumerate(exits):
        extra = KIND_ROWS[kind]
        bien = "D" if waste and kind != "consumo de reparación" else "M"
        row = exit_row(f"S-{i}", extra.get("clave", ""), f"2026-01-{day:02d}", part, str(qty), bien)
        rows.append(row | extra if with_kinds else row | {"clave": extra.get("clave") or "RT"})
    header = HEADER if with_kinds else interfaces.COLUMNS["salidas"]
    path = write_csv(folder / f"{name}-salidas.csv", header, [[r.get(c, "") for c in header]
                                                              for r in rows])  # fmt: skip
    interfaces.import_file(db, "salidas", path, RFC)
    discharge.run(db, RFC, hasta=TODAY)
    assert discharge.check(db, RFC) == []  # no lot over-discharged, every exit accounted for
    if modo == "cantidad":  # allocations + shortfall = each exit's quantity, exactly
        totals = dict(
            db.execute(
                "SELECT s.documento, sum(a.cantidad_micro) = s.cantidad_micro FROM salidas s "
                "JOIN active_allocations a ON a.salida_id = s.id GROUP BY s.id"
            ).fetchall()
        )
        assert totals == {f"S-{i}": 1 for i in range(len(exits))}
    ledger = [tuple(r.values()) for r in discharge.export_rows(db, RFC)]
    db.close()
    return ledger


@settings(max_examples=25, deadline=None)
@given(
    lots=st.lists(
        st.tuples(st.integers(1, 28), st.sampled_from(["MAT-A", "MAT-B"]), st.integers(1, 80),
                  st.integers(1, 400)),
        min_size=1,
        max_size=4,
    ),
    exits=st.lists(
        st.tuples(st.integers(1, 28), st.sampled_from(["MAT-A", "MAT-B"]), st.integers(1, 60),
                  st.sampled_from(list(KIND_ROWS)), st.booleans()),
        min_size=1,
        max_size=5,
    ),
    modo=st.sampled_from(discharge.MODES),
)  # fmt: skip
def test_every_kind_conserves_quantities_and_discharges_as_peps(tmp_path_factory, lots, exits,
                                                                 modo):  # fmt: skip
    """Exits of random kinds (waste or not) discharge exactly as the same exits without kinds
    (Anexo 24 gives every kind the same PEPS), and in each mode the allocations in force plus
    the shortfalls are each exit's demand, no lot over-discharged."""
    folder = tmp_path_factory.mktemp("kinds")
    assert _ledger(folder, "kinds", modo, lots, exits, True) == _ledger(
        folder, "plain", modo, lots, exits, False
    )


def _tasa_igi(db, numero: str, partida: int, tasa: str) -> None:
    """A Data Stage copy of the entry's pedimento whose 556 gives the partida's IGI rate."""
    client_id = db.execute("SELECT id FROM clients WHERE rfc = ?", [RFC]).fetchone()[0]
    pedimento_id = db.execute(
        "INSERT INTO pedimentos (numero, source, client_id, clave, tipo_operacion, fecha_pago, "
        "created_at, created_by, updated_at) VALUES (?, 'datastage', ?, 'IN', '1', "
        "'2026-01-05', '', '', '')",
        [numero, client_id],
    ).lastrowid
    db.execute(
        "INSERT INTO ds_tasas_partida (pedimento_id, fraccion, secuencia, clave, tasa, "
        "tipo_tasa) VALUES (?, '72085101', ?, '6', ?, '1')",
        [pedimento_id, partida, tasa],
    )


@pytest.mark.parametrize("modo", discharge.MODES)
def test_a_change_of_regime_shows_its_lots_value_and_igi_at_their_tasa(inv_db, tmp_path, modo):
    """Apartado B, módulo de aduanas, inciso a), numeral 5: each entry carries the "Tasa del
    impuesto de importación aplicable". F4-1 changes 120 MAT-A to definitive on 1 February: by
    PEPS 100 from ...010 (USD 82, its 556 IGI 5 %: 4.10) and 20 from ...020 (20/100 of USD 82
    = 16.40, IGI 10 %: 1.64), USD 98.40 and IGI 5.74; by value the same USD 98.40 (120 at the
    average 0.82) from the same lots. F4-2's 10 MAT-B come from a partida without a 556 rate:
    its value (10/500 of USD 5 = 0.10) is shown, its IGI is not known. A retorno owes none."""
    discharge.set_mode(inv_db, RFC, modo)
    _tasa_igi(inv_db, "260739536000010", 1, "5")
    _tasa_igi(inv_db, "260739536000020", 1, "10.00000")
    extended(
        inv_db,
        tmp_path,
        [
            exit_row("F4-1", "F4", "2026-02-01", "MAT-A", "120"),
            exit_row("F4-2", "F4", "2026-02-02", "MAT-B", "10"),
            exit_row("RT-1", "RT", "2026-02-03", "MAT-B", "10"),
        ],
    )
    discharge.run(inv_db, RFC, hasta=TODAY)
    heading = reports.heading(inv_db, "salidas", RFC, desde=date(2026, 1, 1), hasta=TODAY)
    rows = [
        (r["documento"], r["valor_usd"], r["tasa_igi"], r["igi_usd"])
        for r in reports.records(inv_db, heading)
    ]
    assert [(d, str(v) if v is not None else None, t, str(i) if i is not None else None)
            for d, v, t, i in rows] == [
        ("F4-1", "98.4", "5,10.00000", "5.74"),
        # a nivel pedimento (test_value_by_pedimento.py) F4-2's USD 0.10 is taken from what
        # ...020 has left at the lowest rate, MAT-A's partida 1 at 10 %, before MAT-B's partida
        # of unknown rate
        ("F4-2", "0.1", "10.00000", "0.01") if modo == "pedimento"
        else ("F4-2", "0.1", "sin tasa", None),
        ("RT-1", None, None, None),
    ]  # fmt: skip


@pytest.mark.parametrize("modo", discharge.MODES)
def test_a_captured_pedimento_s_tasa_igi_prices_its_change_of_regime(inv_db, tmp_path, modo):
    """The same numeral 5 for a pedimento captured in brokertui (no Data Stage 556): its
    partida's tasa IGI typed at capture. By hand: 50 MAT-A for USD 100 entered 1 December
    2025 at 15 %, the oldest MAT-A lot; F4-1 changes 30 to definitive on 1 February: by
    quantity 30/50 of USD 100 = 60.00, IGI 15 % = 9.00; by value 30 at MAT-A's average up to
    then (100 + 82 + 82) / 250 = 1.056 = USD 31.68 from that lot, IGI 4.752."""
    discharge.set_mode(inv_db, RFC, modo)
    captured = {
        "encabezado": {"numero": "25 07 3953 5000111", "clave": "IN", "tipo_operacion": "1",
                       "regimen": "ITE", "fecha_entrada": "2025-12-01",
                       "fecha_pago": "2025-12-01", "tipo_cambio": "18", "rfc": RFC},
        "partidas": [{"secuencia": "1", "fraccion": "7208.51.01", "nico": "00",
                      "descripcion": "LAMINA", "numero_parte": "MAT-A", "valor_usd": "100",
                      "cantidad_umc": "50", "umc": "1", "cantidad_umt": "50", "umt": "1",
                      "pais": "USA", "tasa_igi": "15"}],
        "facturas": [{"numero": "F-1", "valor_usd": "100", "proveedor": "ACME"}],
    }  # fmt: skip
    pedimento_store.save(inv_db, pedimento_model.parse(captured), today=TODAY, force=True)
    extended(inv_db, tmp_path, [exit_row("F4-1", "F4", "2026-02-01", "MAT-A", "30")])
    discharge.run(inv_db, RFC, hasta=TODAY)
    heading = reports.heading(inv_db, "salidas", RFC, desde=date(2026, 1, 1), hasta=TODAY)
    (row,) = reports.records(inv_db, heading)
    expected = ("60", "9") if modo == "cantidad" else ("31.68", "4.752")
    assert (str(row["valor_usd"]), row["tasa_igi"], str(row["igi_usd"])) == (
        expected[0], "15", expected[1]
    )  # fmt: skip


def test_the_cli_imports_the_kinds_and_exports_them_to_xlsx(inv_db, tmp_path):
    """`brokertui import salidas` with the kinds' columns, then the salidas report as XLSX:
    the kind's label in the header, its value on the row, the CFDI's date a date cell; a bad
    row is refused with its field and rule, exit status 1."""
    from openpyxl import load_workbook

    env = {"BROKERTUI_DB": str(inv_db.conn.execute("PRAGMA database_list").fetchone()[2])}
    runner = CliRunner(env=env)
    bad = write_csv(
        tmp_path / "bad.csv", HEADER, [[transfer("2026-02-01", rfc_receptor="").get(c, "")
                                        for c in HEADER]]
    )  # fmt: skip
    refused = runner.invoke(main, ["import", "salidas", str(bad), "--rfc", RFC])
    assert refused.exit_code == 1
    assert "fila 2: rfc_receptor: es obligatorio en una transferencia (clave V5)" in refused.output
    row = transfer("2026-02-01", folio_cfdi=UUID, fecha_cfdi="2026-02-01")
    good = write_csv(tmp_path / "good.csv", HEADER, [[row.get(c, "") for c in HEADER]])
    assert runner.invoke(main, ["import", "salidas", str(good), "--rfc", RFC]).exit_code == 0
    out = tmp_path / "salidas.xlsx"
    args = ["--today", "2026-06-30", "report", "salidas", "--rfc", RFC, "--format", "xlsx"]
    assert runner.invoke(main, [*args, "-o", str(out)]).exit_code == 0
    sheet = load_workbook(out).active
    header = [c.value for c in sheet[6]]
    values = dict(zip(header, [c.value for c in sheet[7]], strict=True))
    assert (values["Tipo de salida"], values["Bien"], values["RFC receptor"]) == (
        "transferencia",
        "material",
        "TMM120927FL0",
    )
    assert values["Fecha CFDI"].date() == date(2026, 2, 1)
