"""Opening balances (issue 15, item 5): `import saldos-iniciales` brings the balance of each lot
(pedimento, partida, número de parte) from the system a company leaves. Such a lot is an entry
like any other, so the PEPS of Anexo 24 (anexo24-rgce-2024.txt, Apartado B, módulo de proceso de
descargos, numeral 1: "descargando dichas mercancías del pedimento que ampara la importación
temporal más antigua") takes it in date order with the rest, for its balance only; every report
names it `saldo inicial`; a lot already discharged in brokertui cannot be given one.

The inventory of `inv_db` (conftest): MAT-A 100 units for USD 82 on 5 January 2026 (pedimento
...6000010) and 100 for USD 82 on 20 January (...6000020 partida 1); MAT-B 500 on 20 January
(...6000020 partida 2). The former system's lot here: pedimento 25 07 3953 5000001 partida 3,
MAT-A, entered 10 November 2025, 30 units left worth USD 24.60.
"""

from datetime import date

import pytest

from brokertui.core.anexo24 import activo_fijo, entries, interface_kinds, interfaces, reports
from brokertui.core.anexo24 import ledger as discharge
from brokertui.core.anexo24.reader import InterfaceError
from brokertui.core.registry import clients
from tests.core.anexo24.conftest import AF1, RFC, TODAY, load, write_csv

OPENING = ["25 07 3953 5000001", "3", "MAT-A", "2025-11-10", "30", "24.60"]


def ledger(db) -> list[tuple]:
    return [
        (r["documento"], r["pedimento"][-7:], list(r.values())[5])
        for r in discharge.export_rows(db, RFC)
    ]


def lot(db, pedimento: str, partida: int = 1) -> tuple:
    return db.execute(
        "SELECT fecha_entrada, cantidad_micro, valor_usd, saldo_inicial, vence FROM entradas "
        "WHERE pedimento = ? AND partida = ?",
        [pedimento, partida],
    ).fetchone()


def test_an_opening_lot_is_discharged_first_when_it_is_the_oldest(inv_db, tmp_path):
    result = load(inv_db, tmp_path, "saldos_iniciales", [OPENING])
    assert (result["rows"], result["added"]) == (1, 1)
    # Its balance, value, the material's UMC and fracción, and the insumo's 18 months.
    assert lot(inv_db, "250739535000001", 3) == ("2025-11-10", 30_000_000, "24.60", 1, "2027-05-10")
    load(inv_db, tmp_path, "salidas", [["RT-1", "RT", "2026-02-01", "M", "MAT-A", "150"]])
    discharge.run(inv_db, RFC, hasta=TODAY)
    # PEPS: the 30 of the opening lot (the oldest), all 100 of ...010, then 20 of ...020.
    assert ledger(inv_db) == [
        ("RT-1", "5000001", "30"),
        ("RT-1", "6000010", "100"),
        ("RT-1", "6000020", "20"),
    ]
    assert discharge.check(inv_db, RFC) == []


def test_every_report_names_the_opening_balance(inv_db, tmp_path):
    load(inv_db, tmp_path, "saldos_iniciales", [OPENING])
    load(inv_db, tmp_path, "salidas", [["RT-1", "RT", "2026-02-01", "M", "MAT-A", "10"]])
    discharge.run(inv_db, RFC, hasta=TODAY)

    def rows(name, **dates):
        heading = reports.heading(inv_db, name, RFC, **dates)
        return [(r["pedimento"][-7:], r["origen"]) for r in reports.records(inv_db, heading)]

    assert rows("saldos", on=TODAY) == [
        ("5000001", "saldo inicial"),
        ("6000010", "interfaz"),
        ("6000020", "interfaz"),
        ("6000020", "interfaz"),
    ]
    assert rows("entradas", desde=date(2025, 1, 1), hasta=TODAY)[0] == ("5000001", "saldo inicial")
    assert rows("descargos", desde=date(2026, 1, 1), hasta=TODAY) == [("5000001", "saldo inicial")]


def test_an_existing_lot_without_discharges_takes_the_opening_balance(inv_db, tmp_path):
    """The lot came from a pedimento or the entradas interface with its full quantity; the
    former system says 40 are left, entered on 1 December 2025."""
    row = ["26 07 3953 6000020", "1", "MAT-A", "2025-12-01", "40", ""]
    result = load(inv_db, tmp_path, "saldos_iniciales", [row])
    assert (result["added"], result["skipped"]) == (0, 1)
    assert lot(inv_db, "260739536000020") == ("2025-12-01", 40_000_000, "", 1, "2027-06-01")
    assert inv_db.execute("SELECT count(*) FROM entradas").fetchone()[0] == 3


def test_a_run_redoes_the_part_of_a_lot_given_an_opening_balance_since(inv_db, tmp_path):
    """RT-1 took 50 of ...010; then ...020 is given an opening balance dated before ...010: it
    is now the oldest lot, and the next run gives RT-1 the ledger a full rerun gives."""
    load(inv_db, tmp_path, "salidas", [["RT-1", "RT", "2026-02-01", "M", "MAT-A", "50"]])
    discharge.run(inv_db, RFC, hasta=TODAY)
    assert ledger(inv_db) == [("RT-1", "6000010", "50")]
    # ...020 has no allocation in force: it may take the opening balance.
    load(
        inv_db,
        tmp_path,
        "saldos_iniciales",
        [["26 07 3953 6000020", "1", "MAT-A", "2025-12-01", "40", ""]],
    )
    discharge.run(inv_db, RFC, hasta=TODAY)
    assert ledger(inv_db) == [("RT-1", "6000020", "40"), ("RT-1", "6000010", "10")]
    assert discharge.check(inv_db, RFC) == []


def test_a_lot_already_discharged_refuses_the_whole_file(inv_db, tmp_path):
    load(inv_db, tmp_path, "salidas", [["RT-1", "RT", "2026-02-01", "M", "MAT-A", "50"]])
    discharge.run(inv_db, RFC, hasta=TODAY)
    before = inv_db.execute("SELECT * FROM entradas ORDER BY id").fetchall()
    rows = [OPENING, ["26 07 3953 6000010", "1", "MAT-A", "2025-12-01", "40", ""]]
    path = write_csv(tmp_path / "saldos.csv", interfaces.COLUMNS["saldos_iniciales"], rows)
    # The dry run (the TUI's preview) names the row already.
    found = interface_kinds.preview_file(inv_db, "saldos_iniciales", path, RFC)
    assert [(e.row, e.field, e.rule) for e in found.errors] == [
        (3, "pedimento", interfaces.DISCHARGED_LOT)
    ]
    with pytest.raises(InterfaceError) as refused:
        interfaces.import_file(inv_db, "saldos_iniciales", path, RFC)
    assert str(refused.value) == (
        "saldos.csv: 1 fila con error; nada se importó:\nfila 3: pedimento: el lote ya tiene "
        "descargos en vigor en brokertui; su saldo es el del libro de descargos (deshaga primero "
        "las corridas que lo usan)"
    )
    assert inv_db.execute("SELECT * FROM entradas ORDER BY id").fetchall() == before
    kinds = [r[0] for r in inv_db.execute("SELECT kind FROM interface_imports")]
    assert "saldos_iniciales" not in kinds
    discharge.undo_last(inv_db, RFC)  # undone, the lot may take it
    assert load(inv_db, tmp_path, "saldos_iniciales", rows)["rows"] == 2


def test_a_lot_discharged_after_the_check_is_refused_under_the_lock(inv_db, tmp_path, monkeypatch):
    """A run committed between the file's check and its write: the write refuses it whole."""
    load(inv_db, tmp_path, "salidas", [["RT-1", "RT", "2026-02-01", "M", "MAT-A", "50"]])
    discharge.run(inv_db, RFC, hasta=TODAY)
    monkeypatch.setattr(entries, "discharged_lots", lambda db, client_id: set())
    before = inv_db.execute("SELECT * FROM entradas ORDER BY id").fetchall()
    rows = [OPENING, ["26 07 3953 6000010", "1", "MAT-A", "2025-12-01", "40", ""]]
    with pytest.raises(InterfaceError) as refused:
        load(inv_db, tmp_path, "saldos_iniciales", rows)
    assert str(refused.value) == (
        "saldos_iniciales.csv: 1 lote con error; un saldo inicial no puede reemplazar el saldo de "
        "un lote ya descargado en brokertui (deshaga primero las corridas de descargo que lo "
        "usan) ni cambiar su clave; nada se importó:\npedimento 260739536000010 partida 1 MAT-A: "
        "el lote ya tiene "
        "1 asignación de descargo en vigor"
    )
    assert inv_db.execute("SELECT * FROM entradas ORDER BY id").fetchall() == before


def test_the_registry_offers_both_kinds(inv_db, tmp_path):
    assert interface_kinds.get("saldos_iniciales").about.startswith("saldos por lote")
    assert interface_kinds.get("inventarios").headers == interfaces.COLUMNS["inventarios"]
    path = write_csv(tmp_path / "s.csv", interfaces.COLUMNS["saldos_iniciales"], [OPENING])
    assert interface_kinds.load(inv_db, "saldos_iniciales", path, RFC) == (
        "s.csv: 1 lote con saldo inicial, 1 nuevo y 0 existentes con su saldo reemplazado; "
        "el próximo descargo los usa por PEPS."
    )


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (
            ["25 07 3953 5000001", "3", "MAT-A", "2025-11-10", "0", ""],
            "saldo: debe ser mayor que cero",
        ),
        (
            ["25 07 3953 5000001", "3", "MAT-Z", "2025-11-10", "5", ""],
            "numero_parte: MAT-Z no está en materiales",
        ),
        (
            ["25 07 3953 5000001", "0", "MAT-A", "2025-11-10", "5", ""],
            "partida: es un número de partida",
        ),
        (["25 07 3953 5000001", "3", "MAT-A", "10/11/2025x", "5", ""], "fecha_entrada:"),
        (
            ["25 07 3953 5000001", "3", "MAT-A", "2025-11-10", "5", "-1"],
            "valor: no puede ser negativo",
        ),
    ],
)
def test_a_bad_row_names_its_field_and_nothing_is_imported(inv_db, tmp_path, row, problem):
    with pytest.raises(InterfaceError) as refused:
        load(inv_db, tmp_path, "saldos_iniciales", [OPENING, row])
    assert "fila 3: " + problem in str(refused.value)
    assert "nada se importó" in str(refused.value)
    assert inv_db.execute("SELECT count(*) FROM entradas WHERE saldo_inicial").fetchone()[0] == 0


def test_a_repeated_lot_in_the_file_is_refused(inv_db, tmp_path):
    with pytest.raises(InterfaceError, match="fila 3: repetida en el archivo"):
        load(inv_db, tmp_path, "saldos_iniciales", [OPENING, OPENING])


def test_by_value_the_opening_lot_carries_its_value(inv_db, tmp_path):
    """Value mode: MAT-A's average unit value up to 1 February is (24.60 + 82 + 82) / 230 =
    0.82; RT-1's 50 units are USD 41, all from the opening lot's 24.60 first (fracción
    72085101), then 16.40 of ...010."""
    discharge.set_mode(inv_db, RFC, "valor")
    load(inv_db, tmp_path, "saldos_iniciales", [OPENING])
    load(inv_db, tmp_path, "salidas", [["RT-1", "RT", "2026-02-01", "M", "MAT-A", "50"]])
    discharge.run(inv_db, RFC, hasta=TODAY)
    assert ledger(inv_db) == [("RT-1", "5000001", "24.6"), ("RT-1", "6000010", "16.4")]


def test_the_interfaces_declare_both_new_kinds():
    assert interfaces.COLUMNS["saldos_iniciales"] == (
        "pedimento",
        "partida",
        "numero_parte",
        "fecha_entrada",
        "saldo",
        "valor",
    )
    assert {"inventarios", "saldos_iniciales"} <= set(interfaces.KINDS)


# -- opening balances of fixed assets (the optional clave column) -----------------------------
# Anexo 24 follows fixed assets in their own module (Apartado A, fracción II, "Módulo de Activo
# Fijo") and discharges them "al momento de su retorno, transferencia, cambio de régimen o
# donación" (Apartado B, módulo de proceso de descargos, numeral 4), never by the materials'
# PEPS: an opening balance with an AF clave (Apéndice 2, effect entrada_activo) is such a lot.
AF_OPENING = ["25 07 3953 7000009", "1", "MAT-A", "2024-05-20", "2", "18000", "AF"]
SALDOS_AF = (*interfaces.COLUMNS["saldos_iniciales"], "clave")


def load_af(db, tmp_path, rows, name="saldos_af.csv"):
    path = write_csv(tmp_path / name, SALDOS_AF, rows)
    return interfaces.import_file(db, "saldos_iniciales", path, RFC)


def test_an_af_opening_balance_is_a_fixed_asset_out_of_the_peps(inv_db, tmp_path):
    """By hand: 2 presses of MAT-A brought as AF on 20 May 2024 (the oldest MAT-A lot), an
    insumo opening lot of 30 (OPENING) and the interface's 100 + 100. An exit of 150 MAT-A
    takes 30 + 100 + 20 from the insumo lots and nothing from the AF one, which keeps its 2
    in the activo fijo module until its retorno of 1 leaves 1; no dated permanence (while the
    IMMEX program is vigente)."""
    load_af(inv_db, tmp_path, [AF_OPENING, [*OPENING, ""]])
    assert lot(inv_db, "250739537000009") == ("2024-05-20", 2_000_000, "18000", 1, None)
    load(inv_db, tmp_path, "salidas", [["RT-1", "RT", "2026-02-01", "M", "MAT-A", "150"]])
    discharge.run(inv_db, RFC, hasta=TODAY)
    assert ledger(inv_db) == [
        ("RT-1", "5000001", "30"),
        ("RT-1", "6000010", "100"),
        ("RT-1", "6000020", "20"),
    ]
    client = clients.get_client(inv_db, RFC)
    (asset,) = activo_fijo.assets(inv_db, client.id, TODAY)
    assert (asset.pedimento, asset.clave, asset.saldo_micro) == ("250739537000009", "AF", 2_000_000)
    retorno = {"fecha": "2026-03-01", "tipo": "retorno", "pedimento": AF_OPENING[0],
               "partida": "1", "cantidad": "1", "documento": "26 07 3953 8000001"}  # fmt: skip
    activo_fijo.add_movement(inv_db, RFC, retorno)
    heading = reports.heading(inv_db, "activo_fijo", RFC, desde=date(2024, 1, 1), hasta=TODAY)
    assert [(r["movimiento"], str(r["saldo"])) for r in reports.records(inv_db, heading)] == [
        ("saldo inicial AF", "2"),
        ("retorno", "1"),
    ]
    saldos = reports.heading(inv_db, "saldos", RFC, on=TODAY)
    fixed = [r for r in reports.records(inv_db, saldos) if r["tipo"] == "activo fijo"]
    assert [(r["origen"], str(r["saldo"])) for r in fixed] == [("saldo inicial", "1")]


@pytest.mark.parametrize(
    ("clave", "problem"),
    [
        ("ZZ", "clave: «ZZ» no está en el catálogo de claves de pedimento"),
        ("A1", "clave: A1 no es una importación temporal que el Anexo 24 controle"),
        ("RT", "clave: RT no es una importación temporal"),
    ],
)
def test_an_opening_balance_s_clave_is_a_temporary_import(inv_db, tmp_path, clave, problem):
    with pytest.raises(InterfaceError) as refused:
        load_af(inv_db, tmp_path, [[*AF_OPENING[:6], clave]])
    assert "fila 2: " + problem in str(refused.value)
    assert inv_db.execute("SELECT count(*) FROM entradas WHERE saldo_inicial").fetchone()[0] == 0


def test_an_existing_lot_keeps_its_clave_and_a_discharged_asset_its_balance(af_db, tmp_path):
    """The interface's insumo lot ...6000010 cannot become an AF one; the AF asset AF1 (3 units
    of MAT-A, conftest) can take an opening balance of 2 while no movement discharges it, not
    after its retorno of 1 (its balance is then its movements'), which the dry run tells."""
    insumo = ["26 07 3953 6000010", "1", "MAT-A", "2025-12-01", "40", "", "AF"]
    with pytest.raises(InterfaceError) as refused:
        load_af(af_db, tmp_path, [insumo])
    assert (
        "pedimento 260739536000010 partida 1 MAT-A: el lote ya está en brokertui con clave IN"
        in (str(refused.value))
    )
    asset_row = [AF1, "1", "MAT-A", "2026-01-02", "2", "", "AF"]
    assert load_af(af_db, tmp_path, [asset_row])["added"] == 0
    assert lot(af_db, "260739537000001") == ("2026-01-02", 2_000_000, "", 1, None)
    retorno = {"fecha": "2026-03-01", "tipo": "retorno", "pedimento": AF1, "partida": "1",
               "cantidad": "1", "documento": "26 07 3953 8000001"}  # fmt: skip
    activo_fijo.add_movement(af_db, RFC, retorno)
    path = write_csv(tmp_path / "again.csv", SALDOS_AF, [asset_row])
    found = interface_kinds.preview_file(af_db, "saldos_iniciales", path, RFC)
    assert [(e.row, e.field, e.rule) for e in found.errors] == [
        (2, "pedimento", interfaces.DISCHARGED_ASSET)
    ]
    with pytest.raises(InterfaceError, match="fila 2: pedimento: el activo fijo ya tiene"):
        interfaces.import_file(af_db, "saldos_iniciales", path, RFC)


def test_an_asset_discharged_after_the_check_is_refused_under_the_lock(
    af_db, tmp_path, monkeypatch
):
    retorno = {"fecha": "2026-03-01", "tipo": "retorno", "pedimento": AF1, "partida": "1",
               "cantidad": "1", "documento": "26 07 3953 8000001"}  # fmt: skip
    activo_fijo.add_movement(af_db, RFC, retorno)
    monkeypatch.setattr(entries, "discharged_assets", lambda db, client_id: set())
    with pytest.raises(InterfaceError) as refused:
        load_af(af_db, tmp_path, [[AF1, "1", "MAT-A", "2026-01-02", "2", "", ""]])
    assert str(refused.value).endswith(
        "pedimento 260739537000001 partida 1 MAT-A: el activo fijo ya tiene 1 movimiento que "
        "lo descarga"
    )
