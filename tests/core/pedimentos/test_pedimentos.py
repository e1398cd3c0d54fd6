"""Pedimento validation golden cases (formats.md §2, rules.md §2-§3), storage and listing."""

from datetime import date
from decimal import Decimal

import pytest

from brokertui.core.errors import Conflict, InvalidInput, NeedsConfirmation
from brokertui.core.models import check_field
from brokertui.core.pedimentos import model as pedimento_model
from brokertui.core.pedimentos import numero as pedimento_numero
from brokertui.core.pedimentos import permanence, restricted
from brokertui.core.pedimentos import review as pedimento_review
from brokertui.core.pedimentos import store as pedimentos
from brokertui.core.registry import calendar, clients

RFC = "MAB9307148T4"
TODAY = date(2026, 4, 15)


def values(**changes) -> dict:
    """A valid IMMEX temporary import with one partida; `partida_x=` changes the partida."""
    head = {
        "numero": "26 24 3953 6000098",
        "clave": "IN",
        "tipo_operacion": "1",
        "regimen": "ITE",
        "fecha_entrada": "2026-01-15",
        "fecha_pago": "2026-01-15",
        "tipo_cambio": "18.00120",
        "rfc": RFC,
    }
    partida = {
        "secuencia": "1",
        "fraccion": "8538.90.99",
        "nico": "99",
        "descripcion": "PARTES PARA INTERRUPTOR",
        "valor_usd": "1976.88",
        "cantidad_umc": "12",
        "umc": "6",
        "cantidad_umt": "4.8",
        "umt": "1",
        "pais": "HUN",
    }
    for key, value in changes.items():
        target, name = (partida, key[8:]) if key.startswith("partida_") else (head, key)
        target[name] = value
    return {
        "encabezado": head,
        "partidas": [partida],
        "facturas": [{"numero": "F-1", "valor_usd": "1976.88", "proveedor": "ACME"}],
    }


@pytest.fixture
def client_db(db):
    clients.add_client(db, {"rfc": RFC, "razon_social": "Maquiladora Alfa SA"})
    return db


# -- the number (formats.md §2) ---------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["262439536000098", "26 24 3953 6000098", "26  24  3953  6000098", "26-24-3953-6000098"],
)
def test_number_accepted_in_every_written_form(typed):
    number = pedimento_numero.parse(typed)
    assert number.value == "262439536000098"
    assert number.official() == "26  24  3953  6000098"  # CFDI pattern, formats.md §2.2
    assert (number.year, number.aduana, number.patente) == (2026, "24", "3953")


@pytest.mark.parametrize(
    ("typed", "rule"),
    [
        ("2624395360000", "son 15 dígitos"),
        ("26 99 3953 6000098", "la aduana 99 no existe en el Apéndice 1"),
        ("26 24 0000 6000098", "la patente 0000 no existe"),
        ("26 24 3953 6000000", "el número progresivo empieza en 000001"),
        ("", "es obligatorio"),
    ],
)
def test_number_errors_name_the_rule(typed, rule):
    with pytest.raises(ValueError, match=rule):
        pedimento_numero.parse(typed)


def test_year_digit_and_old_year_are_warnings_not_errors():
    assert pedimento_numero.parse("25 24 3577 5005723", today=TODAY).warnings == ()
    (digit,) = pedimento_numero.parse("26 24 3953 5000098", today=TODAY).warnings
    assert "dígito de año 5 no corresponde a 2026" in digit
    assert (
        "fuera de los últimos diez"
        in pedimento_numero.parse("12 24 3953 2000098", today=TODAY).warnings[0]
    )


def test_rebuild_from_data_stage_keys_formats_example():
    # formats.md §1.7: 3953 | 6000098 | 240 paid 2026-01-05 -> 262439536000098
    assert pedimento_numero.rebuild("3953", "6000098", "240", date(2026, 1, 5)) == (
        "262439536000098",
        None,
    )
    # A consolidated pedimento opened in 2025 and paid in January 2026 keeps year 25.
    number, warning = pedimento_numero.rebuild("3953", "5000777", "240", date(2026, 1, 5))
    assert number == "252439535000777" and "2025" in warning


# -- fields -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "name", "typed", "stored"),
    [
        (pedimento_model.Partida, "fraccion", "8538.90.99", "85389099"),
        (pedimento_model.Partida, "umc", "Pieza", "6"),
        (pedimento_model.Partida, "pais", "Estados Unidos (USA)", "USA"),
        (pedimento_model.Partida, "pais", "hun", "HUN"),
        (pedimento_model.Partida, "cantidad_umt", "1,250.5", "1250.5"),
        (pedimento_model.Encabezado, "clave", "in", "IN"),
        (pedimento_model.Encabezado, "clave", "IN Importación temporal", "IN"),
        (pedimento_model.Encabezado, "tipo_operacion", "exportación", "2"),
    ],
)
def test_fields_normalize_what_the_user_types(model, name, typed, stored):
    assert check_field(model, name, typed) == stored


@pytest.mark.parametrize(
    ("model", "name", "typed", "rule"),
    [
        (pedimento_model.Partida, "fraccion", "8538.90", "son 8 dígitos"),
        (pedimento_model.Partida, "fraccion", "77010101", "el capítulo 77 no existe"),
        (pedimento_model.Partida, "nico", "9", "el NICO son 2 dígitos"),
        (pedimento_model.Partida, "umt", "99", "no está en el catálogo de unidades"),
        (pedimento_model.Partida, "cantidad_umc", "0", "debe ser mayor que cero"),
        (pedimento_model.Partida, "valor_usd", "-5", "no puede ser negativo"),
        (pedimento_model.Partida, "valor_usd", "1.234", "admite a lo más 2 decimales"),
        (pedimento_model.Partida, "valor_usd", "abc", "no es un número"),
        (pedimento_model.Encabezado, "tipo_operacion", "3", "debe ser 1 o 2"),
        (pedimento_model.Encabezado, "fecha_pago", "2026-02-30", "no es una fecha válida"),
        (pedimento_model.Encabezado, "rfc", "XAXX010101000", "RFC propio"),
    ],
)
def test_field_errors_name_the_rule(model, name, typed, rule):
    with pytest.raises(InvalidInput, match=rule):
        check_field(model, name, typed)


def test_parse_names_block_row_and_field():
    bad = values(partida_umt="kilómetro")
    bad["partidas"].insert(0, dict(bad["partidas"][0], umt="1"))
    with pytest.raises(InvalidInput) as exc:
        pedimento_model.parse(bad)
    where = exc.value.location
    assert (where.block, where.row, where.field) == ("partidas", 2, "umt")
    assert str(exc.value).startswith("partida 2, umt: «kilómetro» no está en el catálogo")


def test_review_error_carries_the_partida_and_field(client_db):
    fuel = values(partida_fraccion="2710.19.99")  # petrolífero: refused on a temporary import
    fuel["partidas"].insert(0, values()["partidas"][0])
    fuel["partidas"][1]["secuencia"] = "2"
    with pytest.raises(InvalidInput) as exc:
        pedimentos.save(client_db, pedimento_model.parse(fuel), today=TODAY)
    where = exc.value.location
    assert (where.block, where.row, where.field) == ("partidas", 2, "fraccion")
    assert str(exc.value).startswith("partida 2, fraccion: petrolífero")


# -- review rules -----------------------------------------------------------------------------


def review(**changes):
    ped = pedimento_model.parse(values(**changes))
    return pedimento_review.review(ped, restricted.defaults(), TODAY)


def test_a_clean_pedimento_has_no_findings():
    assert review() == []


def test_clave_and_operation_type_must_agree():
    (problem,) = review(tipo_operacion="2")
    assert (problem.field, problem.level) == ("tipo_operacion", "error")
    assert problem.message == "la clave IN es de importación (1)"


def test_sensitive_good_shows_sector_and_guarantee():
    # rules.md §3.1 sample row: 7201.20.01 Kg USD 13.9460
    (info,) = review(partida_fraccion="7201.20.01", partida_cantidad_umt="100")
    assert info.level == "info"
    assert "sector B (Acero y sus productos)" in info.message
    assert "garantía USD 1,394.60 = 13.9460 × 100" in info.message


def test_guarantee_rule_requires_the_gi_identifier():
    rules = restricted.defaults() | {"garantia": True}
    ped = pedimento_model.parse(values(partida_fraccion="2402.90.99", partida_cantidad_umt="2"))
    errors = [p for p in pedimento_review.review(ped, rules, TODAY) if p.level == "error"]
    assert errors[0].message.startswith("la regla de garantía del cliente exige el")
    with_gi = values(partida_fraccion="2402.90.99", partida_cantidad_umt="2")
    with_gi["identificadores"] = [
        {"clave": "GI", "secuencia": "1", "complemento1": "F-99", "complemento2": "50.79"}
    ]
    problems = pedimento_review.review(pedimento_model.parse(with_gi), rules, TODAY)
    assert [p.level for p in problems] == ["info"]  # 25.3957 × 2 = 50.79, as declared


def test_petroliferos_refused_on_immex_temporary_import():
    (problem,) = review(partida_fraccion="2710.19.99")
    assert problem.level == "error" and problem.message.startswith("petrolífero")
    # A definitive import of the same fuel is fine (rules.md §3.2).
    assert review(partida_fraccion="2710.19.99", clave="A1", regimen="IMD") == []


def test_textiles_warned_and_rules_switch_off_per_client():
    (problem,) = review(partida_fraccion="6109.10.01")
    assert problem.level == "warning" and "61-63" in problem.message
    ped = pedimento_model.parse(values(partida_fraccion="6109.10.01"))
    assert pedimento_review.review(ped, restricted.defaults() | {"textiles": False}, TODAY) == []


def test_totals_mismatch_and_future_payment():
    found = review(fecha_pago="2026-05-01", partida_valor_usd="100")
    assert {(p.field, p.level) for p in found} == {("fecha_pago", "error"), ("facturas", "warning")}


def test_anexo_ii_counts_match_the_reference_text():
    # 731 distinct fracciones in immex-sensitive-goods-guarantees.txt; apartado G lists 15.
    counts = restricted.sector_counts()
    assert sum(counts.values()) == 731
    assert counts == {"3.3.2": 3, "A": 14, "B": 213, "C": 425, "D": 44, "E": 4, "F": 13, "G": 15}
    assert restricted.sensitive("98020020").usd_por_unidad == Decimal("0.3494")


# -- permanence (rules.md §2.2 golden table) --------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "alerta", "legal"),
    [
        (date(2025, 1, 15), 18, date(2026, 7, 15), date(2026, 7, 15)),
        (date(2024, 8, 31), 18, date(2026, 2, 28), date(2026, 3, 2)),
        (date(2025, 3, 10), 24, date(2027, 3, 10), date(2027, 3, 10)),
    ],
)
def test_permanence_expiry_golden_table(start, months, alerta, legal):
    assert permanence.expiry(start, months, calendar.BusinessCalendar()) == (alerta, legal)


def test_permanence_term_per_category():
    assert permanence.term_for("IN", "85389099") == permanence.Term("insumo", 18)
    assert permanence.term_for("IN", "86090001") == permanence.Term("contenedor", 24)
    assert permanence.term_for("AF", "84623999").months is None


# -- storage ----------------------------------------------------------------------------------


def test_save_stores_blocks_and_expiry_and_refuses_duplicates(client_db):
    ped = pedimento_model.parse(values())
    pedimentos.save(client_db, ped, today=TODAY)
    stored = pedimentos.get_pedimento(client_db, "262439536000098")
    assert stored["partidas"][0]["vence_alerta"] == "2027-07-15"
    assert stored["facturas"][0]["valor_usd"] == "1976.88"
    with pytest.raises(Conflict, match="ya fue capturado"):
        pedimentos.save(client_db, ped, today=TODAY)
    arrived = client_db.execute("SELECT recibido, created_at FROM pedimentos").fetchone()
    assert arrived[0] == arrived[1]  # when it first arrived (the 24-hour rule, timeliness.py)
    client_db.execute("UPDATE pedimentos SET recibido = '2026-01-06T12:00:00+00:00'")
    edited = pedimento_model.parse(values(partida_cantidad_umc="13"))
    pedimentos.save(client_db, edited, today=TODAY, replace=True)
    stored = pedimentos.get_pedimento(client_db, "262439536000098")
    assert stored["partidas"][0]["cantidad_umc"] == "13"
    assert client_db.execute("SELECT recibido FROM pedimentos").fetchone()[0] == (
        "2026-01-06T12:00:00+00:00"
    )  # an edit keeps when it first arrived


@pytest.mark.parametrize(
    ("typed", "stored"), [("", ""), ("0", "0"), ("15", "15"), ("7.5", "7.5"), ("100", "100")]
)
def test_a_partida_s_tasa_igi_is_an_exact_percentage(client_db, typed, stored):
    """The partida's "Tasa del impuesto de importación aplicable a la mercancía" (Anexo 24,
    Apartado B, módulo de aduanas, entradas, numeral 5), optional, stored as typed and given
    back to the form to edit it."""
    pedimentos.save(client_db, pedimento_model.parse(values(partida_tasa_igi=typed)), today=TODAY)
    saved = pedimentos.get_pedimento(client_db, "262439536000098")
    assert saved["partidas"][0]["tasa_igi"] == stored
    assert pedimentos.form_values(saved)["partidas"][0]["tasa_igi"] == stored


@pytest.mark.parametrize(
    ("typed", "rule"),
    [
        ("100.000001", "es un porcentaje de 0 a 100"),
        ("-1", "no puede ser negativo"),
        ("1.0000001", "admite a lo más 6 decimales"),
        ("quince", ""),
    ],
)
def test_a_bad_tasa_igi_names_the_partida_and_field(typed, rule):
    with pytest.raises(InvalidInput) as refused:
        pedimento_model.parse(values(partida_tasa_igi=typed))
    assert str(refused.value).startswith("partida 1, tasa_igi: " + rule)


def test_warnings_need_confirmation_and_errors_write_nothing(client_db):
    with pytest.raises(NeedsConfirmation, match="61-63"):
        pedimentos.save(
            client_db, pedimento_model.parse(values(partida_fraccion="61091001")), today=TODAY
        )
    with pytest.raises(InvalidInput, match="petrolífero"):
        pedimentos.save(
            client_db,
            pedimento_model.parse(values(partida_fraccion="27101999")),
            today=TODAY,
            force=True,
        )
    assert pedimentos.count_pedimentos(client_db) == 0


def test_rectification_links_and_listing(client_db):
    pedimentos.save(client_db, pedimento_model.parse(values()), today=TODAY)
    rect = values(numero="26 24 3953 6000120", fecha_pago="2026-01-20", rectifica="262439536000098")
    pedimentos.save(client_db, pedimento_model.parse(rect), today=TODAY)
    rows = pedimentos.list_pedimentos(client_db, rfc=RFC)
    assert [(r["numero"], r["rectificado_por"]) for r in rows] == [
        ("262439536000120", None),
        ("262439536000098", "262439536000120"),
    ]
    assert pedimentos.list_pedimentos(client_db, desde=date(2026, 1, 16)) == rows[:1]
    with pytest.raises(InvalidInput, match="no está registrado"):
        pedimentos.save(
            client_db,
            pedimento_model.parse(values(numero="26 24 3953 6000121", rectifica="262439536000555")),
            today=TODAY,
        )


def test_a_user_catalog_replaces_the_packaged_one(tmp_path, monkeypatch):
    from brokertui.core import catalogs

    (tmp_path / "claves.json").write_text(
        '{"source": "DOF 2027", "as_of": "2027-01-01", "entries": '
        '[{"code": "IN", "name": "Temporal IMMEX", "tipo_operacion": "1", "efecto": "entrada"},'
        ' {"code": "ZZ", "name": "Clave nueva", "tipo_operacion": "1/2", "efecto": ""}]}'
    )
    monkeypatch.setenv("BROKERTUI_CATALOGS", str(tmp_path))
    catalogs.load.cache_clear()
    try:
        assert catalogs.load("claves").origin == str(tmp_path / "claves.json")
        assert check_field(pedimento_model.Encabezado, "clave", "zz") == "ZZ"
        assert catalogs.load("aduanas").origin == "paquete"  # the others stay packaged
    finally:
        monkeypatch.delenv("BROKERTUI_CATALOGS")
        catalogs.load.cache_clear()


def test_an_edit_is_searched_by_its_new_parts_and_proveedor_only(client_db):
    """The search text (pedimento_busqueda) follows the capture: an edit replaces it."""
    pedimentos.save(
        client_db, pedimento_model.parse(values(partida_numero_parte="TAPA-7")), today=TODAY
    )

    def found(typed: str) -> int:
        return pedimentos.count_pedimentos(client_db, search=typed)

    assert (found("tapa-7"), found("tapa7"), found("acme"), found("7208")) == (1, 0, 1, 0)
    edited = values(partida_numero_parte="3001-0001234", partida_fraccion="7208.51.01")
    edited["facturas"][0]["proveedor"] = "Ñandú Supply"
    pedimentos.save(client_db, pedimento_model.parse(edited), today=TODAY, replace=True)
    assert (found("tapa"), found("acme"), found("nandu"), found("0001234"), found("7208")) == (
        0,
        0,
        1,
        1,
        1,
    )
    assert client_db.execute("SELECT count(*) FROM pedimento_busqueda").fetchone()[0] == 1
