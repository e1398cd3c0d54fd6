"""The dry run of an interface file (issue 16, item 3): the first rows as read and every error
by row, field and rule, exactly those the import refuses, and nothing written; the registry
of interfaces offers every kind; an import refuses a file changed since its preview."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brokertui.core import limits
from brokertui.core.anexo24 import interface_kinds, interfaces, preview
from brokertui.core.anexo24.reader import InterfaceError
from tests.core.anexo24.conftest import RFC, write_csv

TABLES = ("materiales", "productos", "bom", "entradas", "salidas", "ajustes", "interface_imports")


def counts(db) -> dict[str, int]:
    """Rows of every table an import writes, and of the audit log."""
    tables = (*TABLES, "audit_log")
    return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


SALIDAS = interfaces.COLUMNS["salidas"]


def test_every_interface_kind_is_offered_with_its_columns():
    assert set(interfaces.KINDS) | {"ajustes"} == set(interface_kinds.INTERFACES)
    for kind, interface in interface_kinds.INTERFACES.items():
        assert interface.kind == kind and set(interface.headers) <= set(interface.columns)
        assert interface.about  # the screen's line about it, in Spanish
    assert interface_kinds.get("bom").headers == ("producto", "material", "cantidad")
    with pytest.raises(InterfaceError, match="tipo: debe ser uno de materiales"):
        interface_kinds.get("inventario")


def test_a_good_file_previews_its_first_rows_and_writes_nothing(inv_db, tmp_path):
    rows = [[f"F-{n}", "RT", "2026-02-10", "M", "MAT-B", "1"] for n in range(25)]
    path = write_csv(tmp_path / "salidas.csv", SALIDAS, rows)
    before = counts(inv_db)
    found = interface_kinds.preview_file(inv_db, "salidas", path, RFC, head=3)
    assert counts(inv_db) == before
    assert found.ok and found.rows == 25 and not found.errors
    assert found.columns == SALIDAS
    assert [n for n, _ in found.head] == [2, 3, 4]  # row 1 is the header
    assert found.head[0][1]["documento"] == "F-0"  # as read, not as checked
    assert found.summary() == "salidas.csv: 25 filas, sin errores"
    said = interface_kinds.load(inv_db, "salidas", path, RFC, digest=found.digest)
    assert said == "salidas.csv: 25 filas de salidas, 25 nuevas."


def test_errors_are_by_row_field_and_rule_and_match_the_import(inv_db, tmp_path):
    rows = [
        ["F-1", "RT", "2026-02-30", "M", "MAT-B", "1"],  # no such day
        ["F-2", "RT", "2026-02-10", "M", "MAT-Z", "1"],  # unknown part
        ["F-3", "RT", "2026-02-10", "M", "MAT-B", "1"],
        ["F-3", "RT", "2026-02-10", "M", "MAT-B", "2"],  # repeated key
        ["F-4", "ZZ", "2026-02-10", "X", "MAT-B", "-1"],  # three rules at once
    ]
    path = write_csv(tmp_path / "salidas.csv", SALIDAS, rows)
    before = counts(inv_db)
    found = interface_kinds.preview_file(inv_db, "salidas", path, RFC)
    assert counts(inv_db) == before
    assert not found.ok and (found.rows, found.bad_rows, found.problems) == (5, 4, 6)
    got = [(e.row, e.field, e.rule) for e in found.errors]
    assert [(row, name) for row, name, _ in got] == [
        (2, "fecha"),
        (3, "numero_parte"),
        (5, ""),
        (6, "clave"),
        (6, "tipo_bien"),
        (6, "cantidad"),
    ]
    assert got[1][2] == "MAT-Z no está en materiales"
    assert got[2][2] == "repetida en el archivo"
    assert found.summary() == "salidas.csv: 4 de 5 filas con error; nada se importará"
    with pytest.raises(InterfaceError) as refused:
        interface_kinds.load(inv_db, "salidas", path, RFC, digest=found.digest)
    listed = str(refused.value).splitlines()[1:]
    by_row: dict[int, list] = {}
    for row, name, rule in got:
        by_row.setdefault(row, []).append((name, rule))
    assert listed == [preview.line(row, problems) for row, problems in by_row.items()]
    assert counts(inv_db) == before


def test_ajustes_are_previewed_through_their_own_check(inv_db, tmp_path):
    columns = interface_kinds.get("ajustes").columns
    rows = [
        ["2026-03-01", "merma", "MAT-A", "2", "", "", "corte"],
        ["2026-03-01", "sobrante", "MAT-A", "1", "", "", "conteo"],  # needs its pedimento
        ["2026-03-01", "robo", "MAT-A", "1", "", "", "x"],
    ]
    path = write_csv(tmp_path / "ajustes.csv", columns, rows)
    found = interface_kinds.preview_file(inv_db, "ajustes", path, RFC)
    assert [(e.row, e.field) for e in found.errors] == [(3, "pedimento y partida"), (4, "tipo")]
    good = write_csv(tmp_path / "bueno.csv", columns, rows[:1])
    before = counts(inv_db)["ajustes"]
    said = interface_kinds.load(inv_db, "ajustes", good, RFC)
    assert said == "bueno.csv: 1 ajuste registrado; el próximo descargo los aplica."
    assert counts(inv_db)["ajustes"] == before + 1


def test_a_file_changed_since_its_preview_is_refused(inv_db, tmp_path):
    path = write_csv(tmp_path / "productos.csv", interfaces.COLUMNS["productos"], [])
    path.write_text(path.read_text() + "PROD-2,Tapa,85371099,6,6\n", encoding="utf-8")
    found = interface_kinds.preview_file(inv_db, "productos", path, RFC)
    assert found.ok
    path.write_text(path.read_text() + "PROD-3,Base,85371099,6,6\n", encoding="utf-8")
    before = counts(inv_db)
    with pytest.raises(InterfaceError, match="cambió desde la vista previa; nada se importó"):
        interface_kinds.load(inv_db, "productos", path, RFC, digest=found.digest)
    assert counts(inv_db) == before


def test_an_empty_file_previews_as_nothing_to_import(inv_db, tmp_path):
    path = write_csv(tmp_path / "bom.csv", interfaces.COLUMNS["bom"], [])
    found = interface_kinds.preview_file(inv_db, "bom", path, RFC)
    assert not found.ok and found.rows == 0
    assert found.summary() == "bom.csv: no tiene filas de datos; nada se importará"


def test_errors_kept_are_bounded_and_the_rest_counted(inv_db, tmp_path, monkeypatch):
    monkeypatch.setattr(preview, "MAX_LISTED", 4)
    rows = [[f"F-{n}", "RT", "mal", "M", "MAT-B", "1"] for n in range(10)]
    path = write_csv(tmp_path / "salidas.csv", SALIDAS, rows)
    found = interface_kinds.preview_file(inv_db, "salidas", path, RFC)
    assert len(found.errors) == 4 and found.problems == 10 and found.bad_rows == 10
    monkeypatch.setattr(preview.limits, "MAX_COUNTED_ERRORS", 6)
    found = interface_kinds.preview_file(inv_db, "salidas", path, RFC)
    assert found.stopped and found.bad_rows == 6
    assert "(la revisión se detuvo ahí)" in found.summary()


def test_progress_is_reported_while_checking_and_writing(inv_db, tmp_path, monkeypatch):
    monkeypatch.setattr(preview, "REPORT_EVERY", 2)
    monkeypatch.setattr(interfaces, "STEP", 2)
    monkeypatch.setattr(interfaces, "BATCH", 2)  # the import checks a batch at a time
    rows = [[f"F-{n}", "RT", "2026-02-10", "M", "MAT-B", "1"] for n in range(5)]
    path = write_csv(tmp_path / "salidas.csv", SALIDAS, rows)
    heard: list[tuple] = []
    found = interface_kinds.preview_file(
        inv_db, "salidas", path, RFC, progress=lambda *a: heard.append(a)
    )
    assert heard == [(2, 0, "Revisando"), (4, 0, "Revisando")]
    heard.clear()
    interface_kinds.load(
        inv_db, "salidas", path, RFC, digest=found.digest, progress=lambda *a: heard.append(a)
    )
    checked = [h for h in heard if h[2] == "Revisando"]
    written = [h for h in heard if h[2] == "Guardando"]
    assert checked == [(2, 0, "Revisando"), (4, 0, "Revisando")]
    # written while checked: once checked, the rows written so far, up to all of them
    assert {t for _, t, _ in written} == {5} and written[-1] == (5, 5, "Guardando")
    assert [d for d, _, _ in written] == sorted(d for d, _, _ in written)


@settings(max_examples=200)
@given(st.lists(st.booleans(), max_size=12), st.integers(1, 4))
def test_good_rows_yields_the_rows_before_the_first_bad_and_lists_the_bad(goods, most):
    """preview.good_rows, as ajustes and activo fijo record a file: every row is checked after
    the one before it was recorded (a check may depend on it), the good rows are recorded until
    the first bad one, every bad row is listed until `most` are counted, then checking stops."""
    recorded: list[int] = []
    checked: list[int] = []

    def check(raw, number):
        checked.append(number)
        if raw["good"]:
            return {"n": number}, []
        return {}, [("campo", f"regla {number}")]

    errors = limits.ErrorList()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(limits, "MAX_COUNTED_ERRORS", most)
        rows = [(n, {"good": good}) for n, good in enumerate(goods)]
        for values in preview.good_rows(rows, check, errors):
            recorded.append(values["n"])
            assert recorded == checked  # recorded before the next row is checked
    first_bad = goods.index(False) if False in goods else len(goods)
    bad = [n for n, good in enumerate(goods) if not good][:most]
    assert recorded == list(range(first_bad))
    assert list(errors) == [f"fila {n}: campo: regla {n}" for n in bad]
    assert checked == list(range(bad[-1] + 1 if len(bad) == most else len(goods)))
