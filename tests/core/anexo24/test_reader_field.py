"""Interface CSVs as ERP and spreadsheet exports write them (field trial): classic Mac line
ends, a BOM, Windows-1252, and the separator a spreadsheet uses where the comma is the decimal
mark."""

import pytest

from brokertui.core.anexo24 import reader

HEADER = ("numero_parte", "descripcion", "fraccion")


def rows(path) -> list[tuple[int, dict]]:
    return list(reader.read_file(path, HEADER))


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [
        ("numero_parte,descripcion,fraccion\rNP-1,Tornillo Ñandú,73181599\r", "utf-8"),
        ("\ufeffnumero_parte,descripcion,fraccion\r\nNP-1,Tornillo Ñandú,73181599\r\n", "utf-8"),
        ("numero_parte,descripcion,fraccion\nNP-1,Tornillo Ñandú,73181599\n", "cp1252"),
    ],
)
def test_line_ends_bom_and_encoding_of_the_field(tmp_path, raw, encoding):
    path = tmp_path / "materiales.csv"
    path.write_bytes(raw.encode(encoding))
    assert rows(path) == [
        (2, {"numero_parte": "NP-1", "descripcion": "Tornillo Ñandú", "fraccion": "73181599"})
    ]


@pytest.mark.parametrize(("separator", "shown"), [(";", "«;»"), ("\t", "tabuladores")])
def test_a_file_separated_otherwise_says_so(tmp_path, separator, shown):
    # It said only "faltan las columnas numero_parte, descripcion, fraccion".
    path = tmp_path / "materiales.csv"
    path.write_text(separator.join(HEADER) + "\nNP-1" + separator + "x" + separator + "1\n")
    with pytest.raises(reader.InterfaceError) as refused:
        rows(path)
    assert str(refused.value) == (
        f"materiales.csv: sus columnas están separadas por {shown}, no por comas; "
        "guárdelo como CSV delimitado por comas (o como XLSX)"
    )
