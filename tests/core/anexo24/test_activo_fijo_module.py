"""The módulo de activo fijo (issue 15, item 1): movements that follow each fixed asset from its
import to its retorno, transferencia, cambio de régimen, donación or destrucción and discharge
it, moves between plants that keep its pedimento, its permanence and the activo fijo report.

Golden cases worked by hand from anexo24-rgce-2024.txt: Apartado A, fracción II, "Módulo de
Activo Fijo" (its imports, exports, retornos, transferencias, donaciones, destrucciones and
cambios de régimen are recorded) and Apartado B, módulo de proceso de descargos, numeral 4
("Efectuar el descargo de los bienes de activo fijo importados temporalmente, al momento de su
retorno, transferencia, cambio de régimen o donación"); permanence from rules.md §2.1 (LA art.
108 fr. III: while the IMMEX program is valid) and §2.4 (Decreto IMMEX art. 28: 60 days after
the cancellation).

`af_db`: inv_db (conftest: MAT-A insumo lots of 100 on 5 and 20 January) plus AF imports of
MAT-A, 3 units on 2 January (...7000001 partida 1), and PRENSA-1, 1 unit on 10 January
(...7000002 partida 1), and the plants "Planta Norte" and "Planta Sur".
"""

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brokertui.core import clock, dashboard
from brokertui.core import db as store
from brokertui.core.anexo24 import activo_fijo, interfaces, reports
from brokertui.core.anexo24 import ledger as discharge
from brokertui.core.registry import clients, deadlines, programs
from tests.core.anexo24.conftest import AF1, AF2, RFC, TODAY, fixed_assets, inventory, load

RT = "26 07 3953 8000001"


def move(db, **values):
    row = {"pedimento": AF1, "partida": "1"} | values
    return activo_fijo.add_movements(db, RFC, [(1, row)], "prueba")


def asset(db, numero, on=TODAY, part=None):
    client = clients.get_client(db, RFC)
    (found,) = [
        a
        for a in activo_fijo.assets(db, client.id, on)
        if a.pedimento.endswith(numero) and part in (None, a.numero_parte)
    ]
    return found


def immex(db):
    program = {"type": "IMMEX", "number": "2024-123", "authorized_on": "2024-03-01"}
    programs.add_program(db, RFC, program | {"modalidad": "industrial"}, today=TODAY)


def refused(db, **values) -> str:
    with pytest.raises(interfaces.InterfaceError) as info:
        move(db, **values)
    return str(info.value).split("\n", 1)[1]


def test_each_kind_discharges_the_asset_and_a_move_keeps_its_pedimento(af_db):
    """Numeral 4: the asset is discharged at its retorno, transferencia, cambio de régimen or
    donación (and a destrucción, which the módulo records too). By hand: 3 units; a move to
    Planta Norte on 1 Feb discharges nothing; a retorno of 1 on 1 Mar leaves 2; a cambio de
    régimen of 0.5 on 1 Apr leaves 1.5; a destrucción of 1.5 on 1 May leaves 0."""
    move(af_db, fecha="2026-02-01", tipo="cambio de domicilio", domicilio="planta norte")
    assert (asset(af_db, "7000001").saldo_micro, asset(af_db, "7000001").domicilio) == (
        3_000_000,
        "Planta Norte",
    )
    move(af_db, fecha="2026-03-01", tipo="retorno", cantidad="1", documento=RT)
    move(af_db, fecha="2026-04-01", tipo="Cambio de Régimen", cantidad="0.5", documento=RT)
    move(af_db, fecha="2026-05-01", tipo="destruccion", cantidad="1.5", documento="ACTA-7")
    assert asset(af_db, "7000001", date(2026, 3, 31)).saldo_micro == 2_000_000
    assert asset(af_db, "7000001", date(2026, 4, 1)).saldo_micro == 1_500_000
    done = asset(af_db, "7000001")
    assert (done.saldo_micro, done.domicilio, done.ultimo, done.pedimento) == (
        0,
        "Planta Norte",
        "destrucción",
        "260739537000001",
    )


def test_a_discharge_is_never_more_than_the_balance_and_says_so(af_db):
    move(af_db, fecha="2026-03-01", tipo="retorno", cantidad="2.5", documento=RT)
    assert refused(
        af_db, fecha="2026-03-02", tipo="donacion", cantidad="0.500001", documento="D-1"
    ) == (
        "fila 1: cantidad: 0.500001 excede el saldo del activo fijo (0.5): un activo se "
        "descarga a lo más por lo que le queda"
    )
    # two rows of one file add up: the second one is refused and nothing is written
    rows = [
        (1, {"pedimento": AF1, "partida": "1", "fecha": "2026-03-03", "tipo": "transferencia",
             "cantidad": "0.3", "documento": RT}),
        (2, {"pedimento": AF1, "partida": "1", "fecha": "2026-03-04", "tipo": "transferencia",
             "cantidad": "0.3", "documento": RT}),
    ]  # fmt: skip
    with pytest.raises(interfaces.InterfaceError, match=r"fila 2: cantidad: 0\.3 excede"):
        activo_fijo.add_movements(af_db, RFC, rows, "af.csv")
    assert asset(af_db, "7000001").saldo_micro == 500_000


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"pedimento": "26 07 3953 6000010"},
            "pedimento: no hay un activo fijo (entrada con clave AF, E2, E4) con ese "
            "pedimento y partida",
        ),
        ({"fecha": "2026-01-01"},
         "fecha: es anterior a la importación del activo fijo (2026-01-02)"),
        ({"tipo": "venta"}, "tipo: debe ser retorno, transferencia, cambio de régimen, donación, "
         "destrucción o cambio de domicilio"),
        ({"cantidad": ""}, "cantidad: es obligatorio"),
        ({"cantidad": "1.0000001"}, "cantidad: admite a lo más 6 decimales"),
        ({"cantidad": "0"}, "cantidad: debe ser mayor que cero"),
        ({"documento": ""}, "documento: es obligatorio: el pedimento del retorno"),
        ({"documento": "ABC"}, "documento: el pedimento del retorno: "),
        ({"domicilio": "Planta Sur"},
         "domicilio: sólo un cambio de domicilio lo lleva, no un(a) retorno"),
        ({"tipo": "cambio_domicilio", "cantidad": ""}, "domicilio: es obligatorio"),
        ({"tipo": "cambio_domicilio", "cantidad": "1", "domicilio": "Planta Sur"},
         "cantidad: un cambio de domicilio mueve el activo entero"),
        ({"tipo": "cambio_domicilio", "cantidad": "", "domicilio": "Bodega X"},
         "domicilio: «Bodega X» no es una planta o bodega vigente del cliente"),
    ],
)  # fmt: skip
def test_bad_movements_name_the_field_and_the_rule(af_db, values, message):
    row = {"fecha": "2026-03-01", "tipo": "retorno", "cantidad": "1", "documento": RT} | values
    assert refused(af_db, **row).startswith(f"fila 1: {message}")
    assert asset(af_db, "7000001").descargado_total_micro == 0


def test_a_partida_with_two_assets_needs_the_part_number(af_db, tmp_path):
    load(
        af_db,
        tmp_path,
        "entradas",
        [[AF2, "1", "AF", "2026-01-10", "MAT-A", "2", "1", "10", "72085101", "USA"]],
        "af2.csv",
    )
    row = {"pedimento": AF2, "fecha": "2026-03-01", "tipo": "retorno", "cantidad": "1"}
    assert refused(af_db, **row, documento=RT) == (
        "fila 1: numero_parte: la partida tiene varios activos fijos (MAT-A, PRENSA-1): "
        "indique cuál"
    )
    move(af_db, **row, documento=RT, numero_parte="PRENSA-1")
    assert asset(af_db, "7000002", part="PRENSA-1").saldo_micro == 0
    assert asset(af_db, "7000002", part="MAT-A").saldo_micro == 2_000_000


def test_a_moved_or_emptied_asset_cannot_move_again_there(af_db):
    move(af_db, fecha="2026-02-01", tipo="cambio_domicilio", domicilio="Planta Sur")
    assert "domicilio: el activo fijo ya está en Planta Sur" in refused(
        af_db, fecha="2026-02-02", tipo="cambio_domicilio", domicilio="PLANTA SUR"
    )
    move(af_db, fecha="2026-03-01", tipo="retorno", cantidad="3", documento=RT)
    assert "cantidad: el activo fijo ya no tiene saldo en esa fecha" in refused(
        af_db, fecha="2026-03-02", tipo="cambio_domicilio", domicilio="Planta Norte"
    )
    # before its retorno it still had its balance there: a late record of that move is fine
    move(af_db, fecha="2026-02-15", tipo="cambio_domicilio", domicilio="Planta Norte")
    assert asset(af_db, "7000001").domicilio == "Planta Norte"


def test_the_report_names_each_row_s_kind_with_the_balance_after_it(af_db):
    move(af_db, fecha="2026-02-01", tipo="cambio_domicilio", domicilio="Planta Norte")
    move(af_db, fecha="2026-03-01", tipo="retorno", cantidad="1", documento=RT, motivo="garantía")
    move(af_db, pedimento=AF2, fecha="2026-04-01", tipo="donacion", cantidad="1", documento="D-9")
    heading = reports.heading(af_db, "activo_fijo", RFC, desde=date(2026, 1, 1), hasta=TODAY)
    rows = [
        (str(r["fecha"]), r["movimiento"], r["pedimento"][-7:], str(r["cantidad"] or ""),
         str(r["saldo"]), r["domicilio"] or "", r["documento"] or "")
        for r in reports.records(af_db, heading)
    ]  # fmt: skip
    assert rows == [
        ("2026-01-02", "importación AF", "7000001", "3", "3", "", ""),
        ("2026-01-10", "importación AF", "7000002", "1", "1", "", ""),
        ("2026-02-01", "cambio de domicilio", "7000001", "", "3", "Planta Norte", ""),
        ("2026-03-01", "retorno", "7000001", "1", "2", "Planta Norte", "260739538000001"),
        ("2026-04-01", "donación", "7000002", "1", "0", "", "D-9"),
    ]
    # a period keeps the balance its rows had
    march = reports.heading(af_db, "activo_fijo", RFC, desde=date(2026, 3, 1), hasta=TODAY)
    assert [str(r["saldo"]) for r in reports.records(af_db, march)] == ["2", "0"]


def test_a_movement_carries_the_serie_marca_and_modelo_of_its_goods(af_db):
    """Apartado A, fracción II, "Módulo de Activo Fijo", numeral 1: "una descripción de la
    mercancía que incluya la marca y modelo, en el caso de maquinaria y equipo" (refacciones,
    herramientas, instrumentos y moldes need none, so every one is optional). By hand: the 3
    units of ...7000001; the retorno of the one of serie SN-0002 names it, a donación of a
    mould names nothing; the report shows each movement's, the imports none."""
    move(af_db, fecha="2026-03-01", tipo="retorno", cantidad="1", documento=RT,
         serie=" SN-0002 ", marca="Haas", modelo="VF-2")  # fmt: skip
    move(af_db, pedimento=AF2, fecha="2026-04-01", tipo="donacion", cantidad="1", documento="D-9")
    heading = reports.heading(af_db, "activo_fijo", RFC, desde=date(2026, 1, 1), hasta=TODAY)
    assert [
        (r["movimiento"], *(r[c] or "" for c in ("serie", "marca", "modelo")))
        for r in reports.records(af_db, heading)
    ] == [
        ("importación AF", "", "", ""),
        ("importación AF", "", "", ""),
        ("retorno", "SN-0002", "Haas", "VF-2"),
        ("donación", "", "", ""),
    ]
    assert refused(
        af_db, fecha="2026-03-02", tipo="retorno", cantidad="1", documento=RT, serie="X" * 121
    ).startswith("fila 1: serie: admite a lo más 120 caracteres")
    assert "modelo: contiene un carácter de control" in refused(
        af_db, fecha="2026-03-02", tipo="retorno", cantidad="1", documento=RT, modelo="A\x1bB"
    )


@pytest.mark.parametrize("later_exit", [False, True], ids=["mantenidos", "sumados"])
def test_the_saldos_report_discharges_fixed_assets_by_their_movements(af_db, tmp_path, later_exit):
    """Both ways the saldos are read: the ledger's kept balances (lot_balances) and, with an
    exit discharged after the date, the allocations summed up to it."""
    move(af_db, fecha="2026-03-01", tipo="retorno", cantidad="1", documento=RT)
    move(af_db, pedimento=AF2, fecha="2026-03-01", tipo="retorno", cantidad="1", documento=RT)
    if later_exit:
        load(af_db, tmp_path, "salidas", [["RT-9", "RT", "2026-06-29", "M", "MAT-A", "5"]])
        discharge.run(af_db, RFC, hasta=TODAY)
    on = date(2026, 6, 28)
    saldos = reports.heading(af_db, "saldos", RFC, on=on)
    fixed = [r for r in reports.records(af_db, saldos) if r["tipo"] == "activo fijo"]
    assert [(r["pedimento"][-7:], str(r["descargado"]), str(r["saldo"])) for r in fixed] == [
        ("7000001", "1", "2")  # the prensa is all returned: no balance, no row
    ]
    assert reports.count(af_db, saldos) == 4  # three insumo lots and the AF one
    before = reports.heading(af_db, "saldos", RFC, on=date(2026, 2, 28))
    assert len([r for r in reports.records(af_db, before) if r["tipo"] == "activo fijo"]) == 2


def test_by_value_the_saldos_discharge_the_same_share_of_the_asset_s_value(af_db):
    discharge.set_mode(af_db, RFC, "valor")
    move(af_db, fecha="2026-03-01", tipo="retorno", cantidad="1", documento=RT)
    saldos = reports.heading(af_db, "saldos", RFC, on=TODAY)
    (fixed,) = [
        r for r in reports.records(af_db, saldos) if r["numero_parte"] == "MAT-A" and
        r["tipo"] == "activo fijo"
    ]  # fmt: skip
    assert (str(fixed["descargado"]), str(fixed["saldo"])) == ("3000", "6000")  # 1/3 of 9000


# -- permanence (rules.md §2.1, §2.4) ---------------------------------------------------------


def test_while_the_immex_program_is_vigente_fixed_assets_have_no_dated_limit(af_db):
    immex(af_db)
    term = activo_fijo.permanence(af_db, RFC, date(2026, 3, 1))
    assert term == activo_fijo.Permanence(
        None, "mientras el IMMEX 2024-123 esté vigente (Ley Aduanera art. 108 fr. III)"
    )
    assert activo_fijo.expiring(af_db, date(2026, 3, 1)) == []


def test_without_an_immex_program_there_is_no_term(af_db):
    assert activo_fijo.permanence(af_db, RFC, TODAY).limite is None


@pytest.mark.parametrize(
    "recorded",
    [
        "2026-06-10T17:00:00+00:00",
        "2026-06-11T01:00:00+00:00",  # 19:00 of 10 June in Mexico City, the office's day
    ],
)
def test_a_cancelled_program_gives_60_days_and_the_dashboard_counts_them(af_db, recorded):
    immex(af_db)
    programs.update_program(
        af_db, programs.find_program(af_db, RFC, "IMMEX").id, status="cancelado"
    )
    af_db.execute("UPDATE programs SET updated_at = ?", [recorded])
    af_db.conn.commit()
    term = activo_fijo.permanence(af_db, RFC, TODAY)
    # 10 June + 60 calendar days = 9 August (Decreto IMMEX art. 28)
    assert term.limite == date(2026, 8, 9)
    assert "IMMEX 2024-123 cancelado (registrado el 2026-06-10)" in term.nota
    move(af_db, pedimento=AF2, fecha="2026-03-01", tipo="retorno", cantidad="1", documento=RT)
    found = activo_fijo.expiring(af_db, TODAY)
    assert [(f["asset"].pedimento[-7:], f["term"].limite) for f in found] == [
        ("7000001", date(2026, 8, 9))  # the returned prensa no longer counts
    ]
    assert activo_fijo.expiring(af_db, date(2026, 5, 10)) == []  # more than 90 days before


def test_the_dashboard_counts_down_each_asset_to_its_limit(af_db):
    """A suspended IMMEX (RAOCE of 2026 not filed by its due date, rules.md §1) is cancelled on
    1 September 2026 if the report is still missing (the RAOCE rules' cancellation date), so
    its fixed assets have until 31 October (Decreto IMMEX art. 28: 60 days): on 15 September
    46 days are left, a warning (≤60 días)."""
    immex(af_db)
    on = date(2026, 9, 15)
    (ob,) = [o for o in deadlines.obligations(af_db, 2026, on, rfc=RFC) if o.program == "IMMEX"]
    assert (ob.status, ob.cancellation_date) == ("cancelled", date(2026, 9, 1))
    move(af_db, pedimento=AF2, fecha="2026-03-01", tipo="retorno", cantidad="1", documento=RT)
    board = dashboard.load(af_db, on, program=dashboard.ACTIVO_FIJO)
    shown = [(r.pedimento, r.status, r.severity, r.event_date, r.days_left) for r in board.rows]
    assert shown == [("260739537000001", "≤60 días", "warning", date(2026, 10, 31), 46)]
    assert board.rows[0].detail.startswith(
        "26 07 3953 7000001 · MAT-A · saldo 3 · IMMEX 2024-123 cancelado el 2026-09-01 por no "
        "presentar el RAOCE 2026"
    )
    # once returned, it leaves the dashboard
    move(af_db, fecha="2026-09-10", tipo="retorno", cantidad="3", documento=RT)
    assert dashboard.load(af_db, on, program=dashboard.ACTIVO_FIJO).rows == []


# -- the property: insumo exits never discharge an AF lot -------------------------------------

EXIT = st.tuples(
    st.sampled_from(["MAT-A", "PRENSA-1"]),
    st.integers(1, 365),  # day of 2026
    st.integers(1, 400),  # units
)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(exits=st.lists(EXIT, min_size=1, max_size=8), mode=st.sampled_from(discharge.MODES))
def test_insumo_exits_never_discharge_a_fixed_asset(tmp_path_factory, exits, mode):
    """Whatever the history of material exits (of the part numbers the AF assets carry too),
    no allocation in force takes an AF lot, each asset keeps its whole balance, and the ledger
    checks clean: the reference model is that AF lots are simply not there."""
    folder = tmp_path_factory.mktemp("af")
    db = store.connect(folder / "af.db")
    fixed_assets(inventory(db, folder), folder)
    discharge.set_mode(db, RFC, mode)
    rows = [
        [f"S-{n}", "RT", date.fromordinal(date(2026, 1, 1).toordinal() + day - 1).isoformat(),
         "M", part, str(units)]
        for n, (part, day, units) in enumerate(exits)
    ]  # fmt: skip
    with clock.pinned_today(date(2026, 12, 31)):  # any day of 2026 is past
        load(db, folder, "salidas", rows)
    discharge.run(db, RFC, hasta=date(2026, 12, 31))
    taken = db.execute(
        "SELECT count(*) FROM active_allocations a JOIN entradas e ON e.id = a.entrada_id "
        "WHERE e.clave = 'AF'"
    ).fetchone()[0]
    assert taken == 0
    assert [a.saldo_micro for a in activo_fijo.assets(db, 1, date(2026, 12, 31))] == [
        3_000_000,
        1_000_000,
    ]
    assert discharge.check(db, RFC) == []
    db.close()
