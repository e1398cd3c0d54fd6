"""Data Stage import: fixture zips built here (Latin-1, CRLF, trailing pipe, empty members),
hostile zips, row errors, atomicity and idempotency (formats.md §1)."""

import stat
import zipfile

import pytest

from brokertui.core.pedimentos import reconcile
from brokertui.core.pedimentos import store as pedimentos
from brokertui.core.pedimentos.datastage import build as datastage_build
from brokertui.core.pedimentos.datastage import importer as datastage
from brokertui.core.pedimentos.datastage.delivery import DataStageError
from brokertui.core.registry import clients
from tests.builders import RFC, partida, pedimento
from tests.conftest import TODAY

OTHER = "MAB9307148T4"


@pytest.fixture
def ds_db(db):
    clients.add_client(db, {"rfc": RFC, "razon_social": "Bajío Máquinas SA"})
    clients.add_client(db, {"rfc": OTHER, "razon_social": "Maquiladora Alfa SA"})
    return db


def counts(db) -> tuple[int, int, int]:
    return tuple(
        db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("pedimentos", "partidas", "datastage_imports")
    )


def test_latin1_crlf_trailing_pipe_and_empty_members(ds_db, tmp_path):
    rect = pedimento(
        "262439536000120",
        pagado="2026-01-09 10:00:00",
        entrada=None,
        rectifica="262439536000098",
        rectifica_pagado="2026-01-05 17:48:15",
    )
    path = datastage_build.write_zip(tmp_path / "1875724_Solicitudes.zip", [pedimento(), rect])
    raw = zipfile.ZipFile(path).read("1875724_551.asc")
    assert raw.endswith(b"|\r\n") and "INTERRUPTOR".encode("latin-1") in raw
    assert zipfile.ZipFile(path).read("1875724_552.asc").count(b"\r\n") == 1  # header only
    result = datastage.import_zip(ds_db, path)
    assert (result.pedimentos, result.partidas, result.rectificaciones) == (2, 2, 1)
    stored = pedimentos.get_pedimento(ds_db, "262439536000098", "datastage")
    assert stored["facturas"][0]["proveedor"] == "ÑANDÚ SUPPLY"  # Latin-1 decoded
    assert stored["fecha_entrada"] == "2026-01-04"  # 506 TipoFecha 1
    assert stored["partidas"][0]["cantidad_umt"] == "4.80000"  # kept exact, as delivered
    assert stored["partidas"][0]["vence_alerta"] == "2027-07-04"
    assert stored["rectificado_por"] == "262439536000120"


def test_utf8_and_lf_also_read(ds_db, tmp_path):
    path = datastage_build.write_zip(
        tmp_path / "d.zip", [pedimento()], encoding="utf-8", newline="\n"
    )
    assert datastage.import_zip(ds_db, path).encoding == "UTF-8"
    assert pedimentos.get_pedimento(ds_db, "262439536000098")["facturas"][0]["proveedor"] == (
        "ÑANDÚ SUPPLY"
    )


def zip_members(path, members: dict, raw: dict | None = None):
    """A delivery from rows per member; `raw` replaces whole members by their text."""
    raw = raw or {}
    with zipfile.ZipFile(path, "w") as z:
        for m, rows in members.items():
            lines = [datastage_build.HEADERS[m], *("|".join(r) for r in rows)]
            text = raw.get(m) or "".join(f"{line}|\r\n" for line in lines)
            z.writestr(f"1875724_{m}.asc", text.encode("latin-1"))
    return path


def test_columns_are_matched_by_header_name_not_position(ds_db, tmp_path):
    header = datastage_build.HEADERS["505"].split("|")
    row = [
        "3953",
        "6000098",
        "240",
        "2026-01-02",
        "F-9",
        "FCA",
        "USD",
        "10.00",
        "10.00",
        "USA",
        "",
        "TAX",
        "PROV",
        "",
        "",
        "",
        "",
        "",
        "2026-01-05 17:48:15",
    ]
    order = list(reversed(range(len(header))))  # every column in reverse order
    text = "|".join(header[i] for i in order) + "|\r\n" + "|".join(row[i] for i in order) + "|"
    members = datastage_build.members_for([pedimento(facturas=[])])
    datastage.import_zip(ds_db, zip_members(tmp_path / "r.zip", members, {"505": text}))
    (factura,) = pedimentos.get_pedimento(ds_db, "262439536000098")["facturas"]
    assert (factura["numero"], factura["valor_usd"], factura["proveedor"]) == (
        "F-9",
        "10.00",
        "PROV",
    )


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_repeated_member_and_missing_column_refused(ds_db, tmp_path):
    path = datastage_build.write_zip(
        tmp_path / "d.zip", [pedimento()], extra={"1875724_505.asc": "x|\r\n"}
    )
    with pytest.raises(DataStageError, match="el miembro 505 viene repetido"):
        datastage.import_zip(ds_db, path)
    members = datastage_build.members_for([pedimento()])
    no_rfc = datastage_build.HEADERS["501"].replace("|Rfc|", "|RFCX|") + "|\r\n"
    with pytest.raises(DataStageError, match=r"1875724_501\.asc: faltan las columnas Rfc$"):
        datastage.import_zip(ds_db, zip_members(tmp_path / "m.zip", members, {"501": no_rfc}))


def test_same_zip_twice_changes_nothing(ds_db, tmp_path):
    path = datastage_build.write_zip(tmp_path / "d.zip", [pedimento()])
    datastage.import_zip(ds_db, path)
    before = counts(ds_db), ds_db.execute("SELECT count(*) FROM audit_log").fetchone()
    again = datastage.import_zip(ds_db, path)
    assert again.already_imported
    assert (counts(ds_db), ds_db.execute("SELECT count(*) FROM audit_log").fetchone()) == before


def test_a_later_delivery_replaces_the_same_pedimento(ds_db, tmp_path):
    datastage.import_zip(ds_db, datastage_build.write_zip(tmp_path / "a.zip", [pedimento()]))
    fixed = pedimento(partidas=[partida(usd="2000.00")])
    datastage.import_zip(ds_db, datastage_build.write_zip(tmp_path / "b.zip", [fixed]))
    assert counts(ds_db) == (1, 1, 2)
    assert pedimentos.get_pedimento(ds_db, "262439536000098")["partidas"][0]["valor_usd"] == (
        "2000.00"
    )


def test_bad_rows_reported_as_member_line_and_nothing_written(ds_db, tmp_path):
    bad = pedimento(partidas=[partida(), partida(usd="1,976.88"), partida(umt_qty="")])
    bad["pagado"] = "2026-01-05 17:48:15"
    path = datastage_build.write_zip(
        tmp_path / "d.zip", [bad, pedimento("262439536000099", tipo_cambio="x")]
    )
    with pytest.raises(DataStageError) as exc:
        datastage.import_zip(ds_db, path)
    text = str(exc.value)
    assert "1875724_551.asc:3: ValorDolares «1,976.88» no es un número" in text
    assert "1875724_501.asc:3: TipoCambio «x» no es un número" in text
    assert "nada se importó" in text
    assert counts(ds_db) == (0, 0, 0)


def test_row_errors_for_unknown_pedimento_and_short_rows(ds_db, tmp_path):
    members = datastage_build.members_for([pedimento()])
    members["554"] = [
        ["3953", "6000555", "240", "85389099", "1", "GI", "F-1", "100", "2026-01-05 17:48:15"],
        ["3953", "6000098", "240", "85389099", "1", "GI", "2026-01-05"],
    ]
    with pytest.raises(DataStageError) as exc:
        datastage.import_zip(ds_db, zip_members(tmp_path / "d.zip", members))
    assert "1875724_554.asc:2: el pedimento 3953-6000555-240 no está en el miembro 501" in str(
        exc.value
    )
    assert "1875724_554.asc:3: tiene 7 campos y el encabezado 9" in str(exc.value)


def test_unknown_rfc_kept_aside_and_filter_leaves_others_pending(ds_db, tmp_path):
    stranger = pedimento("262439536000199", rfc="GODE561231GR8")
    path = datastage_build.write_zip(tmp_path / "d.zip", [pedimento(), stranger])
    result = datastage.import_zip(ds_db, path, rfc=RFC)
    assert (result.pedimentos, result.skipped_other_rfc) == (1, 0)
    assert [(c.rfc, c.pedimentos) for c in result.apartados] == [("GODE561231GR8", 1)]


def _zip_with(path, name, data=b"x", **info):
    with zipfile.ZipFile(path, "w") as z:
        entry = zipfile.ZipInfo(name)
        for key, value in info.items():
            setattr(entry, key, value)
        z.writestr(entry, data)
    return path


@pytest.mark.parametrize(
    ("name", "info", "reason"),
    [
        ("../../etc/1875724_501.asc", {}, "path traversal"),
        ("/abs/1875724_501.asc", {}, "path traversal"),
        ("1875724_501.asc", {"external_attr": (stat.S_IFLNK | 0o777) << 16}, "enlace simbólico"),
    ],
)
def test_hostile_zips_refused(ds_db, tmp_path, name, info, reason):
    path = _zip_with(tmp_path / "h.zip", name, **info)
    with pytest.raises(DataStageError, match=reason):
        datastage.import_zip(ds_db, path)
    assert counts(ds_db) == (0, 0, 0)


def test_zip_bomb_ratio_refused(ds_db, tmp_path):
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("1875724_501.asc", b"0" * (20 << 20))  # 20 MiB of zeros: ratio ~1000:1
    with pytest.raises(DataStageError, match="proporción de compresión"):
        datastage.import_zip(ds_db, path)


def test_not_a_zip_and_no_members(ds_db, tmp_path):
    (tmp_path / "x.zip").write_text("hola")
    with pytest.raises(DataStageError, match="no es un archivo zip válido"):
        datastage.import_zip(ds_db, tmp_path / "x.zip")
    with pytest.raises(DataStageError, match="no contiene miembros"):
        datastage.import_zip(ds_db, _zip_with(tmp_path / "y.zip", "resumen.xlsx"))


def test_a_zip_whose_directory_asks_for_an_unknown_version_is_refused(ds_db, tmp_path):
    # zipfile raises NotImplementedError for it (found by fuzzing: a flipped byte)
    path = _zip_with(tmp_path / "v.zip", "1875724_501.asc")
    data = bytearray(path.read_bytes())
    central = data.rindex(b"PK\x01\x02")
    data[central + 6] = 84  # "version needed to extract": 8.4
    path.write_bytes(bytes(data))
    with pytest.raises(DataStageError, match=r"v\.zip: no es un archivo zip válido"):
        datastage.import_zip(ds_db, path)


def test_reconciliation_finds_each_kind_of_difference(ds_db, tmp_path):
    from brokertui.core.pedimentos import model as pedimento_model

    delivered = [pedimento(), pedimento("262439536000099", partidas=[partida(), partida()])]
    datastage.import_zip(ds_db, datastage_build.write_zip(tmp_path / "d.zip", delivered))

    def captured(numero, **head):
        p = {
            "secuencia": "1",
            "fraccion": "85389099",
            "nico": "99",
            "descripcion": "PARTES",
            "valor_usd": "1976.88",
            "cantidad_umc": "12",
            "umc": "6",
            "cantidad_umt": "4.8",
            "umt": "1",
            "pais": "HUN",
        }
        values = {
            "encabezado": {
                "numero": numero,
                "clave": "IN",
                "tipo_operacion": "1",
                "regimen": "ITE",
                "fecha_pago": "2026-01-05",
                "tipo_cambio": "18.0012",
                "rfc": RFC,
                **head,
            },
            "partidas": [p],
        }
        pedimentos.save(ds_db, pedimento_model.parse(values), today=TODAY, force=True)

    captured("262439536000098", tipo_cambio="18.5")  # header differs; 4.8 == 4.80000
    captured("262439536000099")  # its partida 2 is only in Data Stage
    captured("262439536000300")  # not delivered
    rows = reconcile.differences(ds_db, RFC)
    assert [(r["numero"][-3:], r["tipo"], r["partida"], r["campo"]) for r in rows] == [
        ("098", "encabezado", None, "tipo_cambio"),
        ("099", "partida_solo_datastage", 2, None),
        ("300", "solo_captura", None, None),
    ]
    summary = reconcile.summary(ds_db, RFC)
    assert (summary["captura"], summary["datastage"], summary["diferencias"]) == (3, 2, 3)
