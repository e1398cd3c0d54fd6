"""Broker deliveries (issue 13, item 2): one import routes every pedimento of a multi-RFC zip to
its client by the 501 Rfc; unknown RFCs are kept aside in the stored zip and imported when the
client is registered; idempotency is per pedimento and version, never per zip; `--rfc` is a
filter that never consumes the zip for others. Folder imports (item 7)."""

import zipfile

import pytest

from brokertui.core import db as store
from brokertui.core.pedimentos import store as pedimentos
from brokertui.core.pedimentos.datastage import batch, routes
from brokertui.core.pedimentos.datastage import build as datastage_build
from brokertui.core.pedimentos.datastage import importer as datastage
from brokertui.core.pedimentos.datastage.delivery import DataStageError
from brokertui.core.registry import clients
from tests.builders import MIEMBROS, client_rfc, monthly, partida

A, B, C = client_rfc(1), client_rfc(2), client_rfc(3)  # C is no client until a test adds it


def register(db, *whos: int) -> None:
    for who in whos:
        clients.add_client(db, {"rfc": client_rfc(who), "razon_social": f"Cliente {who} SA"})


@pytest.fixture
def broker_db(db):
    register(db, 1, 2)
    return db


def broker_zip(path, month: int = 1, **extra):
    """A broker's delivery for January 2026: A 2 pedimentos, B 1, C (no client) 3."""
    peds = [
        monthly(1, 2026, month, 0),
        monthly(1, 2026, month, 1),
        monthly(2, 2026, month, 0),
        *(monthly(3, 2026, month, n) for n in range(3)),
    ]
    return datastage_build.write_zip(path, peds, **extra)


def state(db) -> tuple:
    """Everything an import may change: pedimentos per client, rows, zips, audit rows."""
    per_client = db.execute(
        "SELECT c.rfc, count(*) FROM pedimentos p JOIN clients c ON c.id = p.client_id "
        "GROUP BY c.rfc ORDER BY c.rfc"
    ).fetchall()
    tables = ("partidas", "facturas", "datastage_imports", "datastage_versions", "audit_log")
    return tuple(per_client), *(
        db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables
    )


def test_one_import_routes_every_pedimento_and_keeps_unknown_rfcs_aside(broker_db, tmp_path):
    result = datastage.import_zip(broker_db, broker_zip(tmp_path / "1_Solicitudes.zip"))
    assert (result.pedimentos, result.nuevos, result.actualizados, result.sin_cambio) == (
        3,
        3,
        0,
        0,
    )
    assert {(c.rfc, c.nuevos) for c in result.clientes} == {(A, 2), (B, 1)}
    assert [(c.rfc, c.pedimentos, c.razon_social) for c in result.apartados] == [
        (C, 3, "CLIENTE 3 DEL BAJÍO, S.A. DE C.V.")  # the name as the 501 writes it
    ]
    assert state(broker_db)[0] == ((A, 2), (B, 1))
    assert routes.kept_aside(broker_db) == [
        {
            "rfc": C,
            "razon_social": "CLIENTE 3 DEL BAJÍO, S.A. DE C.V.",
            "pedimentos": 3,
            "entregas": "1_Solicitudes.zip",
        }
    ]
    period = broker_db.execute(
        "SELECT periodo_desde, periodo_hasta, pedimentos FROM datastage_imports"
    ).fetchone()
    assert tuple(period) == ("2026-01-10", "2026-01-10", 6)  # every RFC's pedimentos counted


def test_reimport_whole_or_per_client_changes_nothing(broker_db, tmp_path):
    path = broker_zip(tmp_path / "d.zip")
    datastage.import_zip(broker_db, path)
    before = state(broker_db)
    assert datastage.import_zip(broker_db, path).already_imported
    assert datastage.import_zip(broker_db, path, rfc=A).already_imported
    assert datastage.import_zip(broker_db, path, rfc=B).already_imported
    assert state(broker_db) == before


def test_rfc_filter_never_consumes_the_zip_for_other_clients(broker_db, tmp_path):
    path = broker_zip(tmp_path / "d.zip")
    first = datastage.import_zip(broker_db, path, rfc=A)
    assert (first.pedimentos, first.skipped_other_rfc) == (2, 1)
    assert state(broker_db)[0] == ((A, 2),)
    second = datastage.import_zip(broker_db, path, rfc=B)  # the "ya estaba importado"
    assert not second.already_imported and (second.nuevos, second.pedimentos) == (1, 1)
    assert state(broker_db)[0] == ((A, 2), (B, 1))
    before = state(broker_db)
    assert datastage.import_zip(broker_db, path).already_imported  # nothing left to route
    assert state(broker_db) == before
    assert broker_db.execute("SELECT count(*) FROM datastage_imports").fetchone()[0] == 1


def test_a_whole_import_after_a_filtered_one_takes_only_the_rest(broker_db, tmp_path):
    path = broker_zip(tmp_path / "d.zip")
    datastage.import_zip(broker_db, path, rfc=B)
    audits = state(broker_db)[-1]
    result = datastage.import_zip(broker_db, path)
    assert (result.nuevos, result.sin_cambio) == (2, 1)  # A's new, B's unchanged
    assert state(broker_db)[-1] == audits + 1


def test_registering_a_client_later_imports_its_kept_aside_pedimentos(broker_db, tmp_path):
    path = broker_zip(tmp_path / "d.zip")
    datastage.import_zip(broker_db, path)
    path.unlink()  # from the stored zip: the file is not needed again
    register(broker_db, 3)
    summary = batch.import_waiting(broker_db, C)
    assert summary.clientes[C]["nuevos"] == 3 and not summary.rechazados
    assert state(broker_db)[0] == ((A, 2), (B, 1), (C, 3))
    assert routes.kept_aside(broker_db) == []
    assert routes.waiting(broker_db, C) == []
    before = state(broker_db)
    assert batch.import_waiting(broker_db, C).zips == 0
    assert state(broker_db) == before


def test_a_client_registered_later_is_also_picked_up_by_reimporting_the_zip(broker_db, tmp_path):
    path = broker_zip(tmp_path / "d.zip")
    datastage.import_zip(broker_db, path)
    register(broker_db, 3)
    result = datastage.import_zip(broker_db, path)
    assert (result.nuevos, result.sin_cambio, result.apartados) == (3, 3, [])


def test_idempotency_is_per_pedimento_and_version_not_per_zip(broker_db, tmp_path):
    datastage.import_zip(broker_db, broker_zip(tmp_path / "a.zip"))
    # ANAM sends the month again (a reprocess): another zip, one pedimento changed
    peds = [
        monthly(1, 2026, 1, 0),
        monthly(1, 2026, 1, 1, partidas=[partida(usd="2000.00")]),
        monthly(2, 2026, 1, 0),
    ]
    again = datastage_build.write_zip(tmp_path / "b.zip", peds, folio="1900000")
    audits = state(broker_db)[-1]
    result = datastage.import_zip(broker_db, again)
    assert (result.nuevos, result.actualizados, result.sin_cambio) == (0, 1, 2)
    assert result.partidas == 1  # only the changed pedimento's rows were written again
    numero = monthly(1, 2026, 1, 1)["numero"]
    assert pedimentos.get_pedimento(broker_db, numero)["partidas"][0]["valor_usd"] == "2000.00"
    assert state(broker_db)[-1] == audits + 1


def test_an_older_delivery_read_again_never_replaces_a_later_version(broker_db, tmp_path):
    old = broker_zip(tmp_path / "a.zip")
    datastage.import_zip(broker_db, old, rfc=A)  # B's pedimentos left pending in it
    changed = [monthly(2, 2026, 1, 0, partidas=[partida(usd="5.00")])]
    datastage.import_zip(
        broker_db, datastage_build.write_zip(tmp_path / "b.zip", changed, folio="2")
    )
    result = datastage.import_zip(broker_db, old)  # B's route is read from the older zip
    assert (result.nuevos, result.actualizados) == (0, 0)
    numero = monthly(2, 2026, 1, 0)["numero"]
    assert pedimentos.get_pedimento(broker_db, numero)["partidas"][0]["valor_usd"] == "5.00"


def test_resumen_gives_the_period_and_who_asked(broker_db, tmp_path):
    resumen = {
        "Folio": "1875724",
        "RFCoPatenteAduanal": "3953",
        "Fecha_Inicial": "2026-01-01",
        "Fecha_Final": "2026-01-31",
    }
    peds = [monthly(1, 2026, 1, miembros={"RESUMEN": [resumen]}), monthly(3, 2026, 1)]
    path = datastage_build.write_zip(tmp_path / "d.zip", peds)
    datastage.import_zip(broker_db, path)
    row = broker_db.execute(
        "SELECT solicitante, periodo_desde, periodo_hasta FROM datastage_imports"
    ).fetchone()
    assert tuple(row) == ("3953", "2026-01-01", "2026-01-31")
    register(broker_db, 3)
    datastage.import_zip(broker_db, path)  # C's pedimento, read again from the stored zip
    assert broker_db.execute("SELECT count(*) FROM ds_resumen").fetchone()[0] == 1


def test_kept_aside_pedimentos_are_checked_when_their_client_comes(broker_db, tmp_path):
    peds = [monthly(1, 2026, 1), monthly(3, 2026, 1, tipo_cambio="x")]
    datastage.import_zip(broker_db, datastage_build.write_zip(tmp_path / "d.zip", peds))
    register(broker_db, 3)
    summary = batch.import_waiting(broker_db, C)
    [(name, reason)] = summary.rechazados
    assert name == "d.zip" and "1875724_501.asc:3: TipoCambio «x» no es un número" in reason
    assert state(broker_db)[0] == ((A, 1),)
    assert routes.waiting(broker_db, C) != []  # still waiting, in the stored zip


def test_unknown_rfc_filter_is_refused(broker_db, tmp_path):
    with pytest.raises(DataStageError, match=f"no hay un cliente con el RFC {C}"):
        datastage.import_zip(broker_db, broker_zip(tmp_path / "d.zip"), rfc=C)


# -- a folder of deliveries (item 7) -----------------------------------------------------------


def year_folder(root, clients_: int = 50, months: int = 12):
    """One broker zip per month of 2025, each with one pedimento of every client."""
    root.mkdir()
    for month in range(1, months + 1):
        peds = [monthly(who, 2025, month) for who in range(1, clients_ + 1)]
        folio = f"{1_800_000 + month}"
        datastage_build.write_zip(root / f"{folio}_Solicitudes.zip", peds, folio=folio)
    return root


def test_a_year_of_monthly_deliveries_for_50_clients_imports_from_a_folder(db, tmp_path):
    register(db, *range(1, 49))  # clients 49 and 50 not registered yet
    folder = year_folder(tmp_path / "2025")
    (folder / "notas.txt").write_text("no es un zip")
    (folder / "roto.zip").write_bytes(b"PK no zip")
    moves = []
    summary = batch.import_folder(db, folder, progress=lambda d, t, s: moves.append((d, t)))
    assert summary.zips == 12
    assert len(summary.clientes) == 48
    assert {r["nuevos"] for r in summary.clientes.values()} == {12}
    assert sorted(summary.apartados) == [client_rfc(49), client_rfc(50)]
    assert summary.apartados[client_rfc(49)]["pedimentos"] == 12
    assert summary.rechazados == [
        ("notas.txt", "no es un archivo .zip de Data Stage"),
        ("roto.zip", "roto.zip: no es un archivo zip válido"),
    ]
    assert moves[-1][0] == moves[-1][1] and [d for d, _ in moves] == sorted(d for d, _ in moves)
    assert db.execute("SELECT count(*) FROM pedimentos").fetchone()[0] == 48 * 12
    again = batch.import_folder(db, folder)
    assert (again.already, again.totals["nuevos"]) == (12, 0)
    register(db, 49)
    assert batch.import_waiting(db, client_rfc(49)).totals["nuevos"] == 12


def test_folder_that_is_not_one_is_refused(db, tmp_path):
    with pytest.raises(DataStageError, match="no es una carpeta"):
        batch.import_folder(db, tmp_path / "nada")


def test_each_zip_of_a_folder_is_atomic(db, tmp_path):
    register(db, 1)
    folder = tmp_path / "entregas"
    folder.mkdir()
    good = datastage_build.write_zip(folder / "1_Solicitudes.zip", [monthly(1, 2026, 1)])
    bad = [monthly(1, 2026, 2, partidas=[partida(usd="1,0")])]
    datastage_build.write_zip(folder / "2_Solicitudes.zip", bad, folio="2")
    summary = batch.import_folder(db, folder)
    assert [n for n, _ in summary.rechazados] == ["2_Solicitudes.zip"]
    assert "ValorDolares «1,0» no es un número" in summary.rechazados[0][1]
    assert db.execute("SELECT count(*) FROM pedimentos").fetchone()[0] == 1
    assert zipfile.is_zipfile(good)


# -- the "done when": every member, one step, per client changes nothing ---------------


def _full(who: int, n: int, **changes) -> dict:
    members = {k: v for k, v in MIEMBROS.items() if k != "RESUMEN"}
    ped = monthly(who, 2026, 1, n, miembros=members, **changes)
    ped["partidas"] = [partida(usd=".00", parte=""), partida(umt_qty="5.")]
    return ped


def _stored(db) -> dict:
    """Every table a Data Stage import writes (but the routes and the audit), as rows."""
    names = [
        r[0]
        for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND (name LIKE 'ds\\_%' "
            "ESCAPE '\\' OR name IN ('pedimentos', 'partidas', 'facturas', 'identificadores', "
            "'contribuciones', 'datastage_versions', 'entradas'))"
        )
    ]
    drop = {"id", "pedimento_id", "import_id", "created_at", "updated_at", "created_by", "recibido"}
    out = {}
    for name in names:
        cursor = db.execute(f"SELECT * FROM {name}")
        keep = [i for i, d in enumerate(cursor.description) if d[0] not in drop]
        out[name] = sorted(repr([row[i] for i in keep]) for row in cursor)
    return out


def test_all_members_import_in_one_step_and_per_client_changes_nothing(tmp_path):
    peds = [_full(1, 0), _full(1, 1), _full(2, 0), _full(3, 0)]
    peds[0]["miembros"] = {**peds[0]["miembros"], "RESUMEN": MIEMBROS["RESUMEN"]}
    path = datastage_build.write_zip(tmp_path / "1875724_Solicitudes.zip", peds)
    whole = store.connect(tmp_path / "whole.db")
    register(whole, 1, 2, 3)
    result = datastage.import_zip(whole, path)
    assert (result.pedimentos, result.nuevos, result.apartados) == (4, 4, [])
    assert result.partidas == 8
    expected = _stored(whole)
    assert len(expected["ds_transporte"]) == 4 and len(expected["ds_resumen"]) == 1

    steps = store.connect(tmp_path / "steps.db")
    register(steps, 1, 2)
    datastage.import_zip(steps, path, rfc=A)
    datastage.import_zip(steps, path, rfc=B)
    assert datastage.import_zip(steps, path).already_imported
    register(steps, 3)
    assert batch.import_waiting(steps, C).totals["nuevos"] == 1
    assert datastage.import_zip(steps, path, rfc=A).already_imported
    assert _stored(steps) == expected
    whole.close()
    steps.close()
