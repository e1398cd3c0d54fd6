"""Issue 11, item 1: stored text is clean. The one check (text.py) and every surface that takes
text: the models (forms, CLI and JSON go through them), the ERP interface files and ajustes, the
Data Stage importer (which removes what it cannot refuse) and the CLI's own options. A tab is
accepted only in free text."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from brokertui.core import db as store
from brokertui.core import text
from brokertui.core.anexo24 import ajustes, interfaces
from brokertui.core.errors import InvalidInput
from brokertui.core.models import check_field
from brokertui.core.pedimentos import model as pedimento_model
from brokertui.core.pedimentos import store as pedimentos
from brokertui.core.pedimentos.datastage import build as datastage_build
from brokertui.core.pedimentos.datastage import importer as datastage
from brokertui.core.registry import client_data, clients
from tests.builders import RFC, cli_runner, partida, pedimento
from tests.core.anexo24.conftest import write_csv

OSC52 = "\x1b]52;c;cm0gLXJmIH4=\x07"  # puts `rm -rf ~` in the viewer's clipboard
ESC = "contiene un carácter de control (U+001B); no se admite"
TAB = "contiene un carácter de control (U+0009); no se admite"


# -- the check --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "char", ["\x00", "\x07", "\n", "\r", "\x0b", "\x1b", "\x1f", "\x7f", "\x85", "\x9b", "\x9f"]
)
def test_control_characters_are_refused_with_their_code(char):
    code = f"(U+{ord(char):04X})"
    with pytest.raises(ValueError, match=re.escape(f"contiene un carácter de control {code}")):
        text.check_text(f"Acme{char}SA")
    with pytest.raises(ValueError, match=re.escape(code)):
        text.check_text(f"Acme{char}SA", free_text=True)


def test_a_tab_only_in_free_text():
    with pytest.raises(ValueError, match=re.escape(TAB)):
        text.check_text("A\tB")
    assert text.check_text("A\tB", free_text=True) == "A\tB"
    assert {"descripcion", "motivo"} <= text.FREE_TEXT and "razon_social" not in text.FREE_TEXT


def test_printable_unicode_is_kept():
    value = "Ñandú «Grupo» — 株式会社 \u00a0 e\u0301 🚚 ‮"
    assert text.check_text(value) is value


def test_a_lone_surrogate_is_refused():
    with pytest.raises(ValueError, match=r"carácter inválido \(U\+DCFF\)"):
        text.check_text("Acme\udcff")


def test_strip_controls():
    assert text.strip_controls(f"PARTES{OSC52} PARA\x00 INTERRUPTOR\x9b2J") == (
        "PARTES]52;c;cm0gLXJmIH4= PARA INTERRUPTOR2J"
    )
    assert text.strip_controls("A\tB\r\nC") == "A B  C"
    clean = "Lámina rolada"
    assert text.strip_controls(clean) is clean


def test_required_refuses_only_an_empty_value():
    """The one 'es obligatorio' check of models (forms, CLI) and interfaces (ERP files)."""
    assert text.required(" ") == " "  # stripping is the field's own rule, before this one
    with pytest.raises(ValueError, match=r"^es obligatorio$"):
        text.required("")


@given(st.text())
def test_stripped_text_always_passes_the_check(value):
    text.check_text(text.strip_controls(value), free_text=False)


# -- models: forms, CLI and JSON --------------------------------------------------------------


def test_model_refuses_a_control_character_naming_the_field(db):
    data = {"rfc": "MAB9307148T4", "razon_social": f"Alfa{OSC52} SA"}
    with pytest.raises(InvalidInput, match=re.escape(f"razon_social: {ESC}")):
        clients.add_client(db, data)
    with pytest.raises(InvalidInput, match=r"^calle: contiene un carácter de control"):
        clients.add_client(db, {**data, "razon_social": "Alfa SA", "calle": "Uno\x9b2J"})
    assert db.execute("SELECT count(*) FROM clients").fetchone()[0] == 0


def test_form_fields_refuse_control_characters_and_a_tab_outside_free_text():
    with pytest.raises(InvalidInput, match=r"^razon_social: contiene un carácter de control"):
        check_field(client_data.ClientData, "razon_social", "Alfa\x1b[2J")
    with pytest.raises(InvalidInput, match=re.escape(f"razon_social: {TAB}")):
        check_field(client_data.ClientData, "razon_social", "Alfa\tSA")
    with pytest.raises(InvalidInput, match=r"^numero_parte: contiene"):
        check_field(pedimento_model.Partida, "numero_parte", "P\t1")
    assert check_field(pedimento_model.Partida, "descripcion", "Partes\tpara") == "Partes para"


def test_pedimento_blocks_name_the_row_of_the_bad_value():
    values = {
        "encabezado": header_values(),
        "partidas": [partida_values(), partida_values(descripcion=f"Tornillo{OSC52}")],
    }
    with pytest.raises(InvalidInput) as exc:
        pedimento_model.parse(values)
    assert str(exc.value) == f"partida 2, descripcion: {ESC}"


def test_stored_rows_are_read_back_without_the_entry_check(db):
    """Text stored before this check (or by another tool) still loads: the screens must be
    able to show it (item 2 renders it inert)."""
    clients.add_client(db, {"rfc": "MAB9307148T4", "razon_social": "Alfa SA"})
    db.execute("UPDATE clients SET razon_social = ?, calle = ?", [f"Alfa{OSC52}", "\x1b[2J"])
    assert clients.get_client(db, "MAB9307148T4").razon_social == f"Alfa{OSC52}"


# -- files: ERP interfaces and ajustes --------------------------------------------------------


@pytest.fixture
def client_db(db):
    clients.add_client(db, {"rfc": "MAB9307148T4", "razon_social": "Maquiladora Alfa SA"})
    return db


def _materiales(db, tmp_path, *rows):
    path = write_csv(tmp_path / "materiales.csv", interfaces.COLUMNS["materiales"], rows)
    return interfaces.import_file(db, "materiales", path, "MAB9307148T4")


def test_interface_row_refuses_a_control_character(client_db, tmp_path):
    with pytest.raises(interfaces.InterfaceError) as exc:
        _materiales(
            client_db,
            tmp_path,
            ["MAT-A", "Lámina", "72085101", "1", "1", "1", "directo"],
            [f"MAT{OSC52}", "Tornillo", "73181599", "6", "1", "1", "directo"],
            ["MAT-C", "Tuerca\x00", "73181599", "6", "1", "1", "directo"],
        )
    message = str(exc.value)
    assert f"fila 3: numero_parte: {ESC}" in message
    assert "fila 4: descripcion: contiene un carácter de control (U+0000)" in message
    assert client_db.execute("SELECT count(*) FROM materiales").fetchone()[0] == 0


def test_interface_row_takes_a_tab_only_in_free_text(client_db, tmp_path):
    with pytest.raises(interfaces.InterfaceError, match=re.escape(f"fila 2: numero_parte: {TAB}")):
        _materiales(client_db, tmp_path, ["MAT\tA", "Lámina", "72085101", "1", "1", "1", "d"])
    _materiales(client_db, tmp_path, ["MAT-A", "Lámina\trolada", "72085101", "1", "1", "1", "d"])
    stored = client_db.execute("SELECT descripcion FROM materiales").fetchone()[0]
    assert stored == "Lámina\trolada"


def test_ajuste_motivo_takes_a_tab_but_no_escape(client_db, tmp_path):
    _materiales(client_db, tmp_path, ["MAT-A", "Lámina", "72085101", "1", "1", "1", "d"])
    row = {"fecha": "2026-03-20", "tipo": "merma", "numero_parte": "MAT-A", "cantidad": "2"}
    with pytest.raises(interfaces.InterfaceError, match=re.escape(f"fila 1: motivo: {ESC}")):
        ajustes.add_ajustes(client_db, "MAB9307148T4", [(1, {**row, "motivo": OSC52})], "x")
    ajustes.add_ajustes(client_db, "MAB9307148T4", [(1, {**row, "motivo": "rota\tal cortar"})], "x")
    assert client_db.execute("SELECT motivo FROM ajustes").fetchone()[0] == "rota\tal cortar"


# -- Data Stage: removed, not refused ---------------------------------------------------------


def test_data_stage_text_is_imported_without_its_control_characters(db, tmp_path):
    clients.add_client(db, {"rfc": RFC, "razon_social": "Bajío Máquinas SA"})
    ped = pedimento(
        partidas=[partida(descripcion=f"PARTES{OSC52} PARA\x00 INTERRUPTOR", parte="P-1\x7f")],
        facturas=[("F-1\x1b[2J", "2026-01-02 00:00:00", "FCA", "USD", "1976.88", "ÑANDÚ\x07")],
    )
    path = datastage_build.write_zip(tmp_path / "d.zip", [ped], encoding="utf-8")
    assert datastage.import_zip(db, path).partidas == 1
    stored = pedimentos.get_pedimento(db, "262439536000098", "datastage")
    assert stored["partidas"][0]["descripcion"] == "PARTES]52;c;cm0gLXJmIH4= PARA INTERRUPTOR"
    assert stored["partidas"][0]["numero_parte"] == "P-1"
    assert stored["facturas"][0]["numero"] == "F-1[2J"
    assert stored["facturas"][0]["proveedor"] == "ÑANDÚ"


# -- the CLI's own options --------------------------------------------------------------------


@pytest.fixture
def run(tmp_path):
    return cli_runner(tmp_path / "cli.db")


def test_cli_option_refuses_a_control_character(run):
    result = run("client", "list", "--search", f"Alfa{OSC52}")
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: --search: {ESC}"
    result = run("client", "add", "--rfc", "MAB9307148T4", "--razon-social", "Alfa\x1b[2J")
    assert result.exit_code == 1 and ESC in result.output and "\x1b" not in result.output
    assert run("client", "list", "--format", "csv").output.strip() == (
        "rfc,razon_social,entidad_federativa,programas,baja_date"
    )


def test_cli_takes_a_tab_only_in_free_text_options(run, tmp_path):
    assert run("client", "add", "--rfc", "MAB9307148T4", "--razon-social", "Alfa SA").exit_code == 0
    path = write_csv(
        tmp_path / "m.csv",
        interfaces.COLUMNS["materiales"],
        [["MAT-A", "Lámina", "72085101", "1", "1", "1", "d"]],
    )
    assert run("import", "materiales", str(path), "--rfc", "MAB9307148T4").exit_code == 0
    ajuste = ["ajuste", "--rfc", "MAB9307148T4", "--fecha", "2026-03-20", "--tipo", "merma"]
    result = run(*ajuste, "--parte", "MAT\tA", "--cantidad", "2", "--motivo", "rota")
    assert result.exit_code == 1 and f"--parte: {TAB}" in result.output
    result = run(*ajuste, "--parte", "MAT-A", "--cantidad", "2", "--motivo", "rota\tal cortar")
    assert result.exit_code == 0, result.output


def partida_values(**changes) -> dict:
    return {
        "secuencia": 1,
        "fraccion": "8538.90.99",
        "nico": "99",
        "descripcion": "Partes",
        "valor_usd": "1976.88",
        "cantidad_umc": "12",
        "umc": "6",
        "cantidad_umt": "4.8",
        "umt": "1",
        "pais": "HUN",
    } | changes


def header_values() -> dict:
    return {
        "numero": "26 24 3953 6000098",
        "clave": "IN",
        "tipo_operacion": "1",
        "regimen": "ITE",
        "fecha_pago": "2026-01-05",
        "tipo_cambio": "18.0012",
        "rfc": RFC,
    }


# -- file names in messages and in the database -------------------------------------------------


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("entradas año 2026.csv", "entradas año 2026.csv"),
        ("entr\udcffadas.csv", "entr\\xffadas.csv"),  # b"entr\xffadas.csv", as Python reads it
        ("mal\nnombre.csv", "mal\\nnombre.csv"),
        ("a\tb\rc\x1b[2J.csv", "a\\tb\\rc\\x1b[2J.csv"),
        ("fdp.\u202eexe.csv", "fdp.\\u202eexe.csv"),
        ("x\x85y", "x\\x85y"),
    ],
)
def test_a_file_name_is_shown_on_one_line_with_its_odd_characters_escaped(name, shown):
    assert text.shown_name(name) == shown


UNSHOWABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


@given(st.text())
def test_a_shown_name_is_storable_one_line_text_and_plain_names_are_unchanged(name):
    shown = text.shown_name(name)
    assert text.check_text(shown) == shown  # no control character or surrogate: storable
    if not UNSHOWABLE.search(name):
        assert shown == name


ODD_NAMES = [("entr\udcffadas.csv", "entr\\xffadas.csv"), ("entr\nadas.csv", "entr\\nadas.csv")]
LOT = ["26 07 3953 6000901", "1", "IN", "2026-02-01", "MAT-A", "10", "1", "8", "72085101", ""]


@pytest.mark.parametrize(("name", "shown"), ODD_NAMES)
def test_a_file_with_an_odd_name_imports_and_is_named_on_one_line(run, tmp_path, name, shown):
    """A name that is not UTF-8 (a file copied from an old Windows share) or holds a newline
    imports from the CLI as any other; the messages and the import's record name it escaped
    (text.shown_name), on one line."""
    assert run("client", "add", "--rfc", RFC, "--razon-social", "Alfa SA").exit_code == 0
    materiales = [["MAT-A", "Lámina", "72085101", "1", "1", "1", "d"]]
    write_csv(tmp_path / "m.csv", interfaces.COLUMNS["materiales"], materiales)
    assert run("import", "materiales", tmp_path / "m.csv", "--rfc", RFC).exit_code == 0
    bad = write_csv(
        tmp_path / f"mal-{name}",
        interfaces.COLUMNS["entradas"],
        [[*LOT[:3], "2026-13-01", *LOT[4:]]],
    )
    result = run("import", "entradas", bad, "--rfc", RFC)
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: mal-{shown}: 1 fila con error; nada se importó:\n")
    path = write_csv(tmp_path / name, interfaces.COLUMNS["entradas"], [LOT])
    result = run("import", "entradas", path, "--rfc", RFC)
    assert result.exit_code == 0, result.output
    assert result.output == f"{shown}: 1 fila de entradas, 1 nueva.\n"
    db = store.connect(tmp_path / "cli.db")
    stored = db.execute("SELECT filename FROM interface_imports WHERE kind = 'entradas'")
    assert stored.fetchall() == [(shown,)]
