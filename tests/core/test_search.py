"""Search without case or accents (issue 16, item 1): the terms of a search, folding, and each
list the core searches (clients, pedimentos, allocations, reports, reconciliation, the
dashboard)."""

import re
import unicodedata
from datetime import date

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from brokertui.core import catalogs, dashboard
from brokertui.core import search as find
from brokertui.core.errors import InvalidInput
from brokertui.core.pedimentos import reconcile
from brokertui.core.pedimentos import store as pedimentos
from brokertui.core.pedimentos.datastage import build as datastage_build
from brokertui.core.pedimentos.datastage import importer as datastage
from brokertui.core.registry import clients
from brokertui.core.text import fold
from tests.builders import RFC, partida, pedimento
from tests.conftest import TODAY

NUMERO = "262434456001234"  # 26 24 3445 6001234: patente 3445, consecutive 6001234


@pytest.fixture
def found_db(db, tmp_path):
    clients.add_client(
        db,
        {
            "rfc": RFC,
            "razon_social": "Plásticos del Bajío, S.A. de C.V.",
            "municipio": "Querétaro",
            "entidad_federativa": "QUE",
        },
    )
    clients.add_client(
        db,
        {
            "rfc": "ACM020202CD2",
            "razon_social": "Aceros de Monterrey",
            "municipio": "Apodaca",
            "entidad_federativa": "NLE",
        },
        force=True,
    )
    peds = [
        pedimento(
            NUMERO,
            partidas=[partida(fraccion="39269099", parte="TAPA-Ñ-7")],
            facturas=[
                ("FAC-2211", "2026-01-02 00:00:00", "FCA", "USD", "1976.88", "Resinas Guadalupe")
            ],
        ),
        pedimento(
            "262439536000098",
            clave="A1",
            pagado="2026-03-10 10:00:00",
            entrada="2026-03-10",
            partidas=[partida(fraccion="85389099", parte="P-1")],
        ),
    ]
    datastage.import_zip(db, datastage_build.write_zip(tmp_path / "d.zip", peds))
    return db


def rfcs(db, text):
    return [c.rfc for c in clients.list_clients(db, search=text)]


def numeros(db, text, **filters):
    return [p["numero"] for p in pedimentos.list_pedimentos(db, search=text, **filters)]


# -- folding and the terms of a search --------------------------------------------------------


def test_fold_drops_case_accents_and_extra_spaces():
    assert fold("  Plásticos\tdel  BAJÍO ") == "PLASTICOS DEL BAJIO"
    assert fold("ÑANDÚ straße") == "NANDU STRASSE"


@given(st.text())
def test_folding_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


ACCENTS = ("\u0301", "\u0300", "\u0308", "\u0303", "\u0302")  # acute, grave, diaeresis, tilde…


@st.composite
def written_otherwise(draw, value: str) -> str:
    """`value` with any mix of upper and lower case and accents added, composed or not."""
    out = []
    for char in value:
        char = char.upper() if draw(st.booleans()) else char.lower()
        if char.isalpha() and draw(st.booleans()):
            char += draw(st.sampled_from(ACCENTS))
        out.append(char)
    form = draw(st.sampled_from(("NFC", "NFD")))
    return unicodedata.normalize(form, "".join(out))


VALUES = st.text(alphabet="abcdefghijklmnopqrstuvwxyz ñ0123456789-.", min_size=1, max_size=20)


@given(st.data(), VALUES)
def test_a_value_finds_itself_written_with_any_case_and_accents(data, value):
    if not value.strip():
        return
    assume(not re.search(r"\d{4}-\d{2}-\d{2}", value))  # a date filters by date (tested apart)
    typed = data.draw(written_otherwise(value))
    assert find.matches([value], find.parse(typed))
    assert find.matches([typed], find.parse(value))


@given(st.data(), st.text(alphabet="abcdefghijklmnñopqrstuvwxyz ", min_size=1, max_size=12))
def test_sql_finds_a_razon_social_however_it_is_typed(db_once, data, value):
    if not value.strip():
        return
    stored = data.draw(written_otherwise(value))
    db_once.execute("UPDATE clients SET razon_social = ?", [stored])
    assert rfcs(db_once, data.draw(written_otherwise(value))) == ["ACM020202CD2"]


@pytest.fixture(scope="module")
def db_once(tmp_path_factory):
    from brokertui.core import db as store

    database = store.connect(tmp_path_factory.mktemp("once") / "t.db")
    clients.add_client(database, {"rfc": "ACM020202CD2", "razon_social": "x"}, force=True)
    yield database
    database.close()


def test_numbers_written_with_spaces_dashes_or_dots_are_one_term():
    search = find.parse("3445 6001234 tapa 8471.30.01")
    assert [(t.text, t.digits) for t in search.terms] == [
        ("3445 6001234", "34456001234"),
        ("TAPA", ""),
        ("8471.30.01", "84713001"),
    ]
    assert find.parse("26-24-3445-6001234").terms[0].digits == NUMERO


def test_dates_and_ranges():
    search = find.parse("2026-01-01..2026-03-31 IN")
    assert (search.desde, search.hasta) == (date(2026, 1, 1), date(2026, 3, 31))
    assert find.parse("..2026-03-31").desde is None
    day = find.parse("2026-02-03")
    assert day.desde == day.hasta == date(2026, 2, 3)
    with pytest.raises(InvalidInput, match="search"):
        find.parse("2026-02-30")


def test_a_search_too_long_is_refused_naming_the_field():
    with pytest.raises(InvalidInput, match="hasta 200 caracteres"):
        find.parse("x" * 201, "buscar")


def test_natural_sort_keeps_numbers_numeric_and_empty_values_last():
    rows = [{"d": "10"}, {"d": ""}, {"d": "9"}, {"d": "-2"}, {"d": "Árbol"}, {"d": "abeto"}]
    assert [r["d"] for r in find.sort_rows(rows, "d", False, ["d"])] == [
        "-2",
        "9",
        "10",
        "abeto",
        "Árbol",
        "",
    ]
    assert [r["d"] for r in find.sort_rows(rows, "d", True, ["d"])][-1] == ""
    with pytest.raises(InvalidInput, match="orden"):
        find.sort_rows(rows, "x", False, ["d"])


# -- clients ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["plast", "PLÁS", "queretaro", "QUERÉTARO", "bajio s.a.", "bma22", "Querétaro plast"],
)
def test_clients_found_without_accents_or_case(found_db, typed):
    assert rfcs(found_db, typed) == [RFC]


def test_clients_found_by_entidad_name_and_like_wildcards_are_literal(found_db):
    assert rfcs(found_db, "nuevo león") == ["ACM020202CD2"]
    assert rfcs(found_db, "%") == rfcs(found_db, "_") == []
    assert clients.count_clients(found_db, search="plast") == 1


def test_clients_sorted_by_any_column_either_way(found_db):
    by_name = clients.list_clients(found_db, sort="razon_social", descending=True)
    assert [c.rfc for c in by_name] == [RFC, "ACM020202CD2"]
    with pytest.raises(InvalidInput, match="orden"):
        clients.list_clients(found_db, sort="id; DROP TABLE clients")


# -- pedimentos -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["3445 6001234", "34456001234", "6001234", "26 24 3445 6001234", "24-3445-600"]
)
def test_a_pedimento_found_by_its_number_in_any_written_form(found_db, typed):
    assert numeros(found_db, typed) == [NUMERO]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("3926", [NUMERO]),  # fracción
        ("tapa-n", [NUMERO]),  # número de parte, accents aside
        ("resinas guadalupe", [NUMERO]),  # proveedor
        ("fac-2211", [NUMERO]),  # factura
        ("A1", ["262439536000098"]),  # clave: the code only, not every text holding "a1"
        ("2026-03-01..2026-03-31", ["262439536000098"]),  # fecha de pago
        ("..2026-02-01", [NUMERO]),
        ("nandu", ["262439536000098"]),  # the builder's proveedor ÑANDÚ SUPPLY
        ("plast", []),  # the razón social is the client's, not searched here
    ],
)
def test_a_pedimento_found_by_its_fields(found_db, typed, expected):
    assert numeros(found_db, typed) == expected
    assert pedimentos.count_pedimentos(found_db, search=typed) == len(expected)


def test_pedimentos_sorted_by_a_column_and_the_palette_jump(found_db):
    assert numeros(found_db, None, sort="clave", descending=False) == ["262439536000098", NUMERO]
    assert [p["numero"] for p in pedimentos.find_numeros(found_db, "6001234")] == [NUMERO]
    assert pedimentos.find_numeros(found_db, "abc") == []


# -- the other lists --------------------------------------------------------------------------


def test_reconciliation_differences_searched_and_sorted(found_db):
    every = reconcile.differences(found_db, RFC)
    assert {r["tipo"] for r in every} == {"solo_datastage"}
    only = reconcile.differences(found_db, RFC, search="6001234")
    assert [r["numero"] for r in only] == [NUMERO]
    assert reconcile.count(found_db, RFC, search="no fue capturado") == len(every)
    assert reconcile.count(found_db, RFC, search="encabezado") == 0
    desc = reconcile.differences(found_db, RFC, sort="numero", descending=True)
    assert [r["numero"] for r in desc] == sorted((r["numero"] for r in every), reverse=True)


def test_dashboard_rows_searched_without_accents(demo_db):
    everything = dashboard.load(demo_db, TODAY).rows
    plast = dashboard.load(demo_db, TODAY, search="plasticos tecnicos").rows
    assert plast and all(row.rfc == "PTQ091125AB2" for row in plast)
    assert len(plast) < len(everything)


# -- numbers stored with punctuation (issue 16, item 1) ---------------------------------------


def sql_finds(db, stored: str, typed: str) -> bool:
    """Whether a text field holding `stored` matches the search `typed`, in SQL."""
    conditions, params = find.where(find.parse(typed), find.Fields(text=("t.v",)))
    sql = f"WITH t(v) AS (VALUES (:stored)) SELECT count(*) FROM t WHERE {' AND '.join(conditions)}"
    return db.execute(sql, {**params, "stored": stored}).fetchone()[0] == 1


@pytest.mark.parametrize(
    ("stored", "typed", "found"),
    [
        ("3001-0001234", "3001 0001234", True),
        ("3001-0001234", "30010001234", True),
        ("3001-0001234", "3001-0001234", True),
        ("3001-0001234", "0001234", True),
        ("PN 3001.0001234/B", "30010001234", True),
        ("3001-0001234", "30010001235", False),
        ("A1-B2", "12", False),  # separators next to a letter are not dropped
        ("TAPA-7", "tapa", True),
    ],
)
def test_a_part_number_is_found_without_its_punctuation(db_once, stored, typed, found):
    assert sql_finds(db_once, stored, typed) is found


GROUPS = st.lists(st.text(alphabet="0123456789", min_size=1, max_size=5), min_size=1, max_size=4)
SEPARATORS = st.sampled_from(["-", ".", " ", "/", " - "])


@given(st.data(), GROUPS)
def test_sql_finds_a_punctuated_number_typed_with_any_separators(db_once, data, groups):
    stored = "".join(g + data.draw(SEPARATORS) for g in groups[:-1]) + groups[-1]
    typed = "".join(g + data.draw(st.sampled_from(["", " ", "-", "."])) for g in groups[:-1])
    typed += groups[-1]
    assume(not re.search(r"\d{4}-\d{2}-\d{2}", typed))  # a date filters by date
    assert sql_finds(db_once, f"PN {stored}", typed)
    assert find.matches([f"PN {stored}"], find.parse(typed))  # the in-memory rows agree


# -- the pedimentos' search text (migration 0030) ---------------------------------------------


@given(st.data(), st.lists(VALUES, min_size=1, max_size=4), VALUES)
def test_a_pedimento_is_found_by_any_part_of_its_parts_and_proveedor(db_once, data, parts, who):
    """Whatever its partidas' parts and its factura's proveedor, a piece of any of them typed
    with any case and accents finds the pedimento, exactly when the in-memory match says so
    (the trigram index agrees with core/search.py's rules)."""
    db = db_once
    db.execute("DELETE FROM pedimentos")
    client_id, rfc = db.execute("SELECT id, rfc FROM clients").fetchone()
    pid = db.execute(
        "INSERT INTO pedimentos (numero, source, client_id, clave, tipo_operacion, fecha_pago, "
        "created_at, created_by, updated_at) VALUES ('262434456001234', 'captura', ?, 'IN', "
        "'1', '2026-01-05', '', '', '')",
        [client_id],
    ).lastrowid
    db.conn.executemany(
        "INSERT INTO partidas (pedimento_id, secuencia, fraccion, numero_parte, descripcion, "
        "valor_usd, cantidad_umc, umc, cantidad_umt, umt) "
        "VALUES (?, ?, '39269099', ?, '', '1', '1', '6', '1', '1')",
        [(pid, n, part) for n, part in enumerate(parts, 1)],
    )
    db.execute(
        "INSERT INTO facturas (pedimento_id, numero, proveedor, valor_usd) "
        "VALUES (?, 'F-1', ?, '1')",
        [pid, who],
    )
    pedimentos.index_search(db, "p.id = ?", [pid])
    value = data.draw(st.sampled_from([*parts, who]))
    start = data.draw(st.integers(0, len(value) - 1))
    piece = value[start : data.draw(st.integers(start + 1, len(value)))]
    typed = data.draw(st.one_of(written_otherwise(piece), VALUES))
    search = find.parse(typed)
    assume(search.terms and not (search.desde or search.hasta))
    # A clave (any of Apéndice 2: "AD" too, not only this one's "IN") finds only by clave.
    claves = catalogs.load("claves").entries
    assume(not any(t.text in claves or len(t.digits) >= 11 for t in search.terms))
    shown = [*parts, who, "39269099", "F-1", "262434456001234", rfc]  # the client's RFC too
    expected = find.matches(shown, search)
    assert (pedimentos.count_pedimentos(db, search=typed) == 1) is expected


def test_the_migration_writes_the_search_text_of_stored_pedimentos(tmp_path):
    from brokertui.core import db as store

    path = tmp_path / "old.db"
    old = store.connect(path, migrate_to=29)
    client_id = old.execute(
        "INSERT INTO clients (rfc, razon_social, created_at, updated_at) "
        "VALUES (?, 'Alfa', '', '')",
        [RFC],
    ).lastrowid
    pid = old.execute(
        "INSERT INTO pedimentos (numero, source, client_id, clave, tipo_operacion, fecha_pago, "
        "created_at, created_by, updated_at) VALUES (?, 'datastage', ?, 'IN', '1', "
        "'2026-01-05', '', '', '')",
        [NUMERO, client_id],
    ).lastrowid
    old.execute(
        "INSERT INTO partidas (pedimento_id, secuencia, fraccion, numero_parte, descripcion, "
        "valor_usd, cantidad_umc, umc, cantidad_umt, umt) "
        "VALUES (?, 1, '39269099', 'Tapa 3001-0001234', '', '1', '1', '6', '1', '1')",
        [pid],
    )
    old.execute(
        "INSERT INTO facturas (pedimento_id, numero, proveedor, valor_usd) "
        "VALUES (?, 'F-1', 'Ñandú', '1')",
        [pid],
    )
    old.close()
    db = store.connect(path)
    stored = db.execute("SELECT texto FROM pedimento_busqueda").fetchall()
    assert sorted(stored[0][0].split("\n")) == [
        "39269099",
        "F-1",
        "NANDU",
        "Tapa 3001-0001234",
        "Tapa 30010001234",
    ]
    for typed in ("tapa", "0001234", "nandu", "3926", "f-1"):
        assert numeros(db, typed) == [NUMERO], typed
    pedimentos.index_search(db, "1", [])  # the store writes the same text
    assert db.execute("SELECT texto FROM pedimento_busqueda").fetchall() == stored
    db.close()
