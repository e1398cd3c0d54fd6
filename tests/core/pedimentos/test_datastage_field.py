"""Data Stage deliveries as they reach a broker after passing through other hands (field
trial): members re-saved with classic Mac line ends, a delivery re-zipped in a folder by
Windows tools (backslash separators), dates rewritten by a spreadsheet. Each must import
exactly as the delivery ANAM wrote (formats.md §1.2, §1.3)."""

import json
import zipfile

import pytest

from brokertui.core import db as store
from brokertui.core.pedimentos import store as pedimentos
from brokertui.core.pedimentos.datastage import build, delivery
from brokertui.core.pedimentos.datastage import importer as datastage
from brokertui.core.pedimentos.datastage.delivery import DataStageError
from brokertui.core.pedimentos.datastage.values import read_date
from brokertui.core.registry import clients
from tests.builders import RFC, partida, pedimento

PEDIMENTOS = [
    pedimento(partidas=[partida(), partida(parte="P-2", descripcion="TORNILLO ÑANDÚ")]),
    pedimento("264739536000200", clave="A1", entrada=None),
]


def stored(db) -> str:
    """Every stored pedimento, without the moments it was stored."""
    rows = [pedimentos.get_pedimento(db, n) for n in ("262439536000098", "264739536000200")]
    moments = {"created_at", "updated_at", "recibido", "import_id"}
    return json.dumps([{k: v for k, v in r.items() if k not in moments} for r in rows])


def delivered(tmp_path, name, *, newline="\r\n", member=None) -> str:
    """Import a delivery of PEDIMENTOS into a new database; its stored pedimentos."""
    db = pedimentos_db(tmp_path / f"{name}.db")
    path = tmp_path / f"{name}.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for tipo, rows in build.members_for(PEDIMENTOS).items():
            lines = [build.HEADERS[tipo], *("|".join(r) for r in rows)]
            text = "".join(f"{line}|{newline}" for line in lines)
            base = f"1875724_{build.file_tipo(tipo)}.asc"
            archive.writestr(member(base) if member else base, text.encode("latin-1"))
    result = datastage.import_zip(db, path)
    assert (result.pedimentos, result.partidas) == (2, 3)
    return stored(db)


def pedimentos_db(path):
    db = store.connect(path)
    clients.add_client(db, {"rfc": RFC, "razon_social": "Bajío Máquinas SA"})
    return db


def test_classic_mac_line_ends_read_as_lines(tmp_path):
    # A member re-saved with CR alone: it used to read as one header line, so the delivery
    # "imported" 0 pedimentos without a word.
    assert delivered(tmp_path, "cr", newline="\r") == delivered(tmp_path, "crlf")


def test_a_delivery_rezipped_by_windows_with_backslash_folders(tmp_path):
    # PowerShell 5's Compress-Archive writes `folder\member` names: refused before as
    # "no contiene miembros .asc de Data Stage".
    def inside(base: str) -> str:
        return f"1875724_Solicitudes\\{base}"

    assert delivered(tmp_path, "win", member=inside) == delivered(tmp_path, "plain")


@pytest.mark.parametrize(
    "text",
    [
        "2026-01-05 17:48:15",  # observed (formats.md §1.2)
        "2026/01/05 17:48:15",  # RON
        "20260105",
        "05012026",  # DDMMYYYY, accepted by DSP's parseDateOnly (formats.md §1.2)
        "05/01/2026",
        "5/1/2026",
        "05/01/2026 17:48:15",  # a spreadsheet's day-first date with its time
        "05/01/2026 17:48",
        "2026-01-05T17:48:15",
        "2026-01-05 17:48:15.000",
        "2026/01/05",
    ],
)
def test_dates_in_the_forms_real_files_show(text):
    assert read_date(text).isoformat() == "2026-01-05"


@pytest.mark.parametrize(
    "text", ["", "2026-13-05", "31/02/2026", "2026-01-05 25:00:00", "5 ene 2026", "hoy"]
)
def test_not_a_date(text):
    assert read_date(text) is None


def test_a_delivery_zipped_again_says_which_zip_it_holds(tmp_path):
    # An e-mail attachment saved inside another zip: the message named no member before.
    inner = build.write_zip(tmp_path / "1875724_Solicitudes.zip", PEDIMENTOS)
    outer = tmp_path / "correo.zip"
    with zipfile.ZipFile(outer, "w") as archive:
        archive.write(inner, "adjuntos/1875724_Solicitudes.zip")
    db = pedimentos_db(tmp_path / "z.db")
    with pytest.raises(DataStageError) as refused:
        datastage.import_zip(db, outer)
    assert str(refused.value) == (
        "correo.zip: no contiene miembros .asc de Data Stage sino otro zip "
        "(adjuntos/1875724_Solicitudes.zip); extráigalo e impórtelo"
    )


def test_a_refused_501_row_is_one_error_not_one_per_row_of_its_pedimento(tmp_path):
    # Its rows in the other members each said "no está en el miembro 501": seven lines for
    # one bad TipoCambio, and the 50 listed could all be that echo, hiding the other errors.
    bad = pedimento(tipo_cambio="18,00120", partidas=[partida(), partida(parte="P-2")])
    other = pedimento("264739536000200", partidas=[partida(usd="1,976.88")])
    path = build.write_zip(tmp_path / "1875724_Solicitudes.zip", [bad, other])
    db = pedimentos_db(tmp_path / "e.db")
    with pytest.raises(DataStageError) as refused:
        datastage.import_zip(db, path)
    assert str(refused.value).splitlines() == [
        "2 renglones con error; nada se importó:",
        "1875724_501.asc:2: TipoCambio «18,00120» no es un número",
        "1875724_551.asc:4: ValorDolares «1,976.88» no es un número",
    ]


def test_a_cr_only_delivery_stored_empty_by_the_old_reader_imports_again(tmp_path, monkeypatch):
    """The reader before CR-only members were read as lines stored such a delivery with no
    pedimento and no route (it read each member as one header line): importing the zip again
    reads it whole, as a first import would, instead of 'ya estaba importado'."""
    expected = delivered(tmp_path, "crlf")
    db = pedimentos_db(tmp_path / "old.db")
    path = tmp_path / "cr.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for tipo, rows in build.members_for(PEDIMENTOS).items():
            lines = [build.HEADERS[tipo], *("|".join(r) for r in rows)]
            text = "".join(f"{line}|\r" for line in lines)
            archive.writestr(f"1875724_{build.file_tipo(tipo)}.asc", text.encode("latin-1"))
    with monkeypatch.context() as old:
        old.setattr(delivery, "_cr_only", lambda start: False)
        assert datastage.import_zip(db, path).pedimentos == 0
    result = datastage.import_zip(db, path)
    assert not result.already_imported
    assert (result.pedimentos, result.nuevos, result.partidas) == (2, 2, 3)
    assert stored(db) == expected
    counts = db.execute("SELECT count(*), sum(pedimentos), sum(partidas) FROM datastage_imports")
    assert counts.fetchone() == (1, 2, 3)
    assert datastage.import_zip(db, path).already_imported
