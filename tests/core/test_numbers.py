"""Issue 11, item 4: the one number parser (quantities.py) and the one date parser
(identifiers.py) every entry point uses: golden cases for each rule and properties over any
text (a Decimal that round-trips, or a Spanish ValueError; never another exception)."""

import re
from datetime import date, datetime
from decimal import Decimal
from functools import partial

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from brokertui.cli import main
from brokertui.core import identifiers
from brokertui.core.anexo24 import ajustes, interfaces
from brokertui.core.errors import InvalidInput
from brokertui.core.models import check_field
from brokertui.core.pedimentos import model as pedimento_model
from brokertui.core.pedimentos import numero as pedimento_numero
from brokertui.core.pedimentos.datastage import build as datastage_build
from brokertui.core.pedimentos.datastage import importer as datastage
from brokertui.core.pedimentos.datastage.delivery import DataStageError
from brokertui.core.quantities import (
    INT64_MAX,
    MAX_NUMBER,
    PLAIN_DECIMAL,
    factor_micro,
    parse_decimal,
    parse_integer,
    plain_decimals,
    to_micro,
)
from brokertui.core.registry import clients
from tests.builders import RFC, partida, pedimento
from tests.core.anexo24.conftest import write_csv

COMMA = "usa punto decimal; la coma no se admite"
NOT_A_NUMBER = "no es un número (p. ej. 1234.56)"
DIGITS_ONLY = "no es un número: sólo dígitos 0-9"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1234.5", "1234.5"),
        ("1,234", "1234"),
        ("1,234,567.5", "1234567.5"),
        ("123,456.25", "123456.25"),
        (".5", "0.5"),
        ("5.", "5"),
        ("0", "0"),
        ("+3", "3"),
        ("  7 ", "7"),
        ("007.10", "7.10"),
        (12, "12"),
        (Decimal("2.50"), "2.50"),
    ],
)
def test_numbers_accepted(text, expected):
    assert parse_decimal(text) == Decimal(expected)
    assert format(parse_decimal(text), "f") == format(Decimal(expected), "f")


@pytest.mark.parametrize("text", ["1,5", "12,34", "1,2345", ",5", "1,234,56", "1,,234", "1.234,5"])
def test_a_comma_is_refused_unless_it_groups_thousands(text):
    with pytest.raises(ValueError, match=f"«{text}»: {COMMA}"):
        parse_decimal(text)


@pytest.mark.parametrize(
    "text",
    [
        "١٢",  # Arabic-Indic
        "۱۲",  # Extended Arabic-Indic (Persian)
        "１２",  # fullwidth
        "१२",  # Devanagari
        "1２.5",  # one fullwidth digit among ASCII ones
        "²",  # a superscript is a digit to Python, not to an invoice
    ],
)
def test_digits_other_than_ascii_are_refused(text):
    with pytest.raises(ValueError, match=DIGITS_ONLY):
        parse_decimal(text)


@pytest.mark.parametrize(
    "text",
    [
        "1_000",
        "1e3",
        "1E+2",
        "1e309",
        "nan",
        "NaN",
        "sNaN",
        "inf",
        "-inf",
        "Infinity",
        "abc",
        ".",
        "+",
        "-",
        "1 000",
        "0x10",
        "1.2.3",
        "--1",
    ],
)
def test_what_is_not_a_plain_decimal_is_refused(text):
    with pytest.raises(ValueError, match=re.escape(f"«{text}» {NOT_A_NUMBER}")):
        parse_decimal(text)


def test_empty_sign_places_and_limits():
    for empty in ("", "   ", None):
        with pytest.raises(ValueError, match=r"^es obligatorio$"):
            parse_decimal(empty)
    with pytest.raises(ValueError, match="no puede ser negativo"):
        parse_decimal("-5")
    with pytest.raises(ValueError, match="debe ser mayor que cero"):
        parse_decimal("0", positive=True)
    with pytest.raises(ValueError, match="debe ser mayor que cero"):
        parse_decimal("-1", positive=True)
    with pytest.raises(ValueError, match="admite a lo más 6 decimales"):
        parse_decimal("1.1234567")
    with pytest.raises(ValueError, match="admite a lo más 2 decimales"):
        parse_decimal("1.234", places=2)
    assert parse_decimal("1.23", places=2) == Decimal("1.23")


def test_the_limit_is_the_micro_range_of_sqlite_integers():
    assert Decimal("9223372036854.775807") == MAX_NUMBER
    assert to_micro(str(MAX_NUMBER)) == INT64_MAX  # the largest value still fits
    assert to_micro("9,223,372,036,854.775807") == INT64_MAX
    for text in ("9223372036854.775808", "9223372036855", "99999999999999999999", "1" * 5000):
        with pytest.raises(ValueError, match=r"excede el máximo admitido \(9,223,372,036,854"):
            parse_decimal(text)


def test_a_refused_long_value_is_quoted_short():
    with pytest.raises(ValueError) as exc:
        parse_decimal("x" * 60_000)
    message = str(exc.value)  # the value clipped to 40 characters, then the rule
    assert message.startswith(f"«{'x' * 40}…» ") and "no es un número" in message


def test_to_micro():
    assert to_micro("12.5") == 12_500_000
    assert to_micro(".000001") == 1
    assert to_micro("1,000") == 1_000_000_000
    assert to_micro("0", allow_zero=True) == 0
    with pytest.raises(ValueError, match="debe ser mayor que cero"):
        to_micro("0")
    with pytest.raises(ValueError, match=COMMA):
        to_micro("1,5")  # was stored as 15


def test_parse_integer():
    assert parse_integer("12") == 12
    assert parse_integer(" 007 ") == 7
    assert parse_integer(str(INT64_MAX)) == INT64_MAX
    for text in ("١٢", "１２", "1_000", "+1", "-1", "1.0", "1,000", "²", "x"):
        with pytest.raises(ValueError, match="no es un número entero"):
            parse_integer(text)
    for text in ("0", str(INT64_MAX + 1), "9" * 5000, "0" * 30 + "9" * 30):
        with pytest.raises(ValueError, match="debe estar entre 1 y"):
            parse_integer(text, minimum=1)
    assert parse_integer("0" * 30 + "5", minimum=1) == 5
    with pytest.raises(ValueError, match="es obligatorio"):
        parse_integer("")


def test_factor_micro_out_of_range_is_a_value_error():
    assert factor_micro("2.5", "4") == 2_600_000
    with pytest.raises(ValueError, match="excede el máximo admitido"):
        factor_micro(str(MAX_NUMBER), "1")


@given(st.text())
def test_any_text_is_a_number_that_round_trips_or_a_value_error(text):
    _round_trip_or_value_error(text)


@given(st.text(alphabet="0123456789,.+-_eE ١２nafi\t", max_size=30))
def test_number_like_text_is_a_number_that_round_trips_or_a_value_error(text):
    _round_trip_or_value_error(text)


def _round_trip_or_value_error(text):
    try:
        number = parse_decimal(text)
    except ValueError as exc:
        assert str(exc)  # a rule to show, never an empty message
        return
    assert isinstance(number, Decimal) and number.is_finite()
    assert 0 <= number <= MAX_NUMBER
    assert parse_decimal(format(number, "f")) == number
    assert to_micro(format(number, "f"), allow_zero=True) == int(number * 1_000_000)


def _outcome(convert, text):
    try:
        return convert(text)
    except ValueError as exc:
        return f"ValueError: {exc}"


@given(
    st.text(alphabet="0123456789.,+- ", max_size=22) | st.from_regex(r"[0-9]{1,14}(\.[0-9]{0,8})?"),
    st.booleans(),
)
def test_the_plain_form_is_read_as_decimal_reads_it(text, allow_zero):
    """to_micro reads '123.45' without Decimal (issue 14, item 4): the same number, or the
    same refusal, as through parse_decimal; so does an interface's decimal_text."""
    decimal_way = partial(_decimal_micro, allow_zero=allow_zero)
    assert _outcome(partial(to_micro, allow_zero=allow_zero), text) == _outcome(decimal_way, text)
    text_way = partial(interfaces.decimal_text, allow_zero=allow_zero)
    assert _outcome(text_way, text) == _outcome(partial(_decimal_text, allow_zero=allow_zero), text)


def _decimal_micro(text, *, allow_zero):
    return int(parse_decimal(text, positive=not allow_zero) * 1_000_000)


def _decimal_text(text, *, allow_zero):
    return format(parse_decimal(text, positive=not allow_zero), "f")


_PLAIN_OR_NOT = (
    st.from_regex(r"(0|[1-9][0-9]{0,11})(\.[0-9]{1,6})?", fullmatch=True)
    | st.sampled_from(
        ["", "007", "5.", ".5", "1,000", "1e3", " 1", "-1", "1000000000000", "1\x002"]
    )
    | st.text(alphabet="0123456789.\x00", max_size=8)
)


@given(st.lists(_PLAIN_OR_NOT, max_size=6))
def test_a_column_is_plain_decimals_when_each_value_is(values):
    """quantities.plain_decimals, the import's test of a whole column at once (interfaces:
    _checked_column and MANY), says what testing each value says, a value holding the NUL
    that joins them too; and a plain value is one the import stores as read."""
    each = all(v == "" or PLAIN_DECIMAL.fullmatch(v) for v in values)
    assert plain_decimals(values) == each
    if each:
        assert [interfaces.decimal_text(v, allow_zero=True) if v else v for v in values] == values


@given(st.decimals(min_value=0, max_value=MAX_NUMBER, places=6))
def test_every_number_in_range_is_read_back_with_or_without_thousands_commas(number):
    assert parse_decimal(format(number, "f")) == number
    assert parse_decimal(f"{number:,f}") == number


# -- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-01-05", date(2026, 1, 5)),
        ("2026-1-5", date(2026, 1, 5)),
        ("05/01/2026", date(2026, 1, 5)),
        ("05-01-2026", date(2026, 1, 5)),
        (" 2024-02-29 ", date(2024, 2, 29)),
        ("1990-01-01", date(1990, 1, 1)),
        ("2100-12-31", date(2100, 12, 31)),
        (date(2026, 4, 15), date(2026, 4, 15)),
        (datetime(2026, 4, 15, 10, 30), date(2026, 4, 15)),
        # ERP and database exports write date columns with a time of day (field trial)
        ("2026-01-05 00:00:00", date(2026, 1, 5)),
        ("2026-01-05T14:32", date(2026, 1, 5)),
        ("05/01/2026 23:59:59.123", date(2026, 1, 5)),
    ],
)
def test_dates_accepted(text, expected):
    assert identifiers.parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2026-02-30",
        "2025-02-29",
        "٢٠٢٦-٠١-٠٥",
        "２０２６-01-05",
        "2026_01_05",
        "20260105",
        20260105,
        "hoy",
        "2026-01-05 24:00:00",
        "2026-01-05 10",
        "2026-01-0500:00",
    ],
)
def test_what_is_not_a_real_date_is_refused(text):
    with pytest.raises(ValueError, match="no es una fecha válida"):
        identifiers.parse_date(text)


@pytest.mark.parametrize(
    "value", ["9999-12-31", "1989-12-31", "2101-01-01", "0001-01-01", date(9999, 1, 1)]
)
def test_dates_outside_the_window_are_refused(value):
    with pytest.raises(ValueError, match=r"fuera de las fechas admitidas \(1990-01-01 a 2100"):
        identifiers.parse_date(value)


def test_a_date_is_mandatory():
    for empty in ("", "  ", None):
        with pytest.raises(ValueError, match=r"^es obligatoria"):
            identifiers.parse_date(empty)


@given(st.text(alphabet="0123456789-/ ٢", max_size=12) | st.text())
def test_any_text_is_a_date_in_the_window_or_a_value_error(text):
    try:
        day = identifiers.parse_date(text)
    except ValueError as exc:
        assert str(exc)
        return
    first, last = identifiers.DATE_WINDOW
    assert first <= day <= last


# -- the entry points use them ----------------------------------------------------------------

RFC_ALFA = "MAB9307148T4"


@pytest.fixture
def alfa(db):
    clients.add_client(db, {"rfc": RFC_ALFA, "razon_social": "Maquiladora Alfa SA"})
    return db


def _import(db, tmp_path, kind, *rows):
    path = write_csv(tmp_path / f"{kind}.csv", interfaces.COLUMNS[kind], rows)
    return interfaces.import_file(db, kind, path, RFC_ALFA)


def test_interface_numbers_and_dates(alfa, tmp_path):
    material = ["MAT-A", "Lámina", "72085101", "1", "1", "1,000.5", "d"]
    _import(
        alfa,
        tmp_path,
        "materiales",
        material,
        ["MAT-B", "Tornillo", "73181599", "6", "1", ".5", "d"],
    )
    assert alfa.execute("SELECT factor_umt FROM materiales ORDER BY 1").fetchall() == [
        ("0.5",),
        ("1000.5",),  # stored as plain decimal text, the reports read it exactly
    ]
    _import(alfa, tmp_path, "productos", ["PROD-1", "Gabinete", "85371099", "6", "6"])
    _import(alfa, tmp_path, "bom", ["PROD-1", "MAT-A", "1,000", "5."])  # was a traceback
    assert alfa.execute("SELECT cantidad, merma_pct, factor_micro FROM bom").fetchone() == (
        "1000",
        "5",
        1_050_000_000,
    )
    with pytest.raises(interfaces.InterfaceError) as exc:
        _import(
            alfa,
            tmp_path,
            "salidas",
            ["S-1", "RT", "2026-02-10", "M", "MAT-A", "1,5"],
            ["S-2", "RT", "2026-02-10", "M", "MAT-A", "1_000"],
            ["S-3", "RT", "2026-02-10", "M", "MAT-A", "١٠"],
            ["S-4", "RT", "2026-02-10", "M", "MAT-A", "1e309"],
            ["S-5", "RT", "9999-12-31", "M", "MAT-A", "99999999999999999999"],
            ["S-6", "RT", "", "M", "MAT-A", "1"],
        )
    message = str(exc.value)
    assert f"fila 2: cantidad: «1,5»: {COMMA}" in message  # was stored as 15
    assert f"fila 3: cantidad: «1_000» {NOT_A_NUMBER}" in message
    assert f"fila 4: cantidad: «١٠» {DIGITS_ONLY}" in message
    assert f"fila 5: cantidad: «1e309» {NOT_A_NUMBER}" in message
    assert (
        "fila 6: fecha: 9999-12-31 está fuera de las fechas admitidas (1990-01-01 a 2100-12-31); "
        "cantidad: excede el máximo admitido (9,223,372,036,854.775807)" in message
    )
    assert "fila 7: fecha: es obligatoria" in message
    assert alfa.execute("SELECT count(*) FROM salidas").fetchone()[0] == 0


def test_bom_whose_consumption_does_not_fit_is_refused_by_row(alfa, tmp_path):
    _import(alfa, tmp_path, "materiales", ["MAT-A", "Lámina", "72085101", "1", "1", "1", "d"])
    _import(alfa, tmp_path, "productos", ["PROD-1", "Gabinete", "85371099", "6", "6"])
    with pytest.raises(interfaces.InterfaceError, match="fila 2: merma_pct: cantidad × merma"):
        _import(alfa, tmp_path, "bom", ["PROD-1", "MAT-A", "9000000000000", "200"])


def test_ajuste_fecha_is_mandatory_and_numbers_follow_the_rules(alfa, tmp_path):
    _import(alfa, tmp_path, "materiales", ["MAT-A", "Lámina", "72085101", "1", "1", "1", "d"])
    base = {"fecha": "2026-03-20", "tipo": "merma", "numero_parte": "MAT-A", "motivo": "rota"}
    rows = [
        (1, {**base, "fecha": "", "cantidad": "2"}),
        (2, {**base, "cantidad": "1,5"}),
        (
            3,
            {
                **base,
                "tipo": "sobrante",
                "cantidad": "1",
                "pedimento": "26 07 3953 6000010",
                "partida": "١",
            },
        ),
    ]
    with pytest.raises(interfaces.InterfaceError) as exc:
        ajustes.add_ajustes(alfa, RFC_ALFA, rows, "ajustes.csv")
    message = str(exc.value)
    assert "fila 1: fecha: es obligatoria" in message
    assert f"fila 2: cantidad: «1,5»: {COMMA}" in message
    assert "fila 3: partida: es un número de partida" in message
    assert alfa.execute("SELECT count(*) FROM ajustes").fetchone()[0] == 0


def test_pedimento_amounts():
    check = partial(check_field, pedimento_model.Partida)
    assert check("valor_usd", "1,976.88") == "1976.88"
    assert check("valor_usd", ".5") == "0.5"
    assert check("cantidad_umt", "5.") == "5"
    for value, rule in [
        ("1,5", COMMA),
        ("1e309", NOT_A_NUMBER),
        ("nan", NOT_A_NUMBER),
        ("１２", DIGITS_ONLY),
        ("9223372036855", "excede el máximo admitido"),
    ]:
        with pytest.raises(InvalidInput, match=re.escape("valor_usd: ")):
            check("valor_usd", value)
        with pytest.raises(InvalidInput, match=re.escape(rule)):
            check("valor_usd", value)
    with pytest.raises(InvalidInput, match="fecha_pago: 9999-01-01 está fuera"):
        check_field(pedimento_model.Encabezado, "fecha_pago", "9999-01-01")


def test_data_stage_numbers_and_dates_within_the_stored_range(db, tmp_path):
    clients.add_client(db, {"rfc": RFC, "razon_social": "Bajío Máquinas SA"})
    bad = [
        pedimento(partidas=[partida(usd="99999999999999999999"), partida(umc_qty="١٢")]),
        pedimento("262439536000099", pagado="9999-01-05 10:00:00"),
        pedimento("262439536000100", tipo_cambio="18.1234567"),
    ]
    path = datastage_build.write_zip(tmp_path / "d.zip", bad, encoding="utf-8")
    with pytest.raises(DataStageError) as exc:
        datastage.import_zip(db, path)
    message = str(exc.value)
    assert "ValorDolares «99999999999999999999» excede el máximo admitido" in message
    assert "CantidadUMComercial «١٢» no es un número" in message
    assert "FechaPagoReal «9999-01-05 10:00:00» no es una fecha" in message
    assert "TipoCambio «18.1234567» admite a lo más 6 decimales" in message
    assert db.execute("SELECT count(*) FROM pedimentos").fetchone()[0] == 0


@pytest.fixture
def run(tmp_path):
    env = {"BROKERTUI_DB": str(tmp_path / "cli.db"), "BROKERTUI_TODAY": "2026-04-15"}
    return lambda *args: CliRunner(env=env).invoke(main, list(args))


def test_cli_ajuste_with_an_empty_fecha_is_refused(run, tmp_path):
    run("client", "add", "--rfc", RFC_ALFA, "--razon-social", "Alfa SA")
    path = write_csv(
        tmp_path / "m.csv",
        interfaces.COLUMNS["materiales"],
        [["MAT-A", "Lámina", "72085101", "1", "1", "1", "d"]],
    )
    assert run("import", "materiales", str(path), "--rfc", RFC_ALFA).exit_code == 0
    args = ["ajuste", "--rfc", RFC_ALFA, "--tipo", "merma", "--parte", "MAT-A", "--motivo", "x"]
    result = run(*args, "--fecha", "", "--cantidad", "2")
    assert result.exit_code == 1 and "fecha: es obligatoria" in result.output
    result = run(*args, "--fecha", "2026-03-20", "--cantidad", "1,5")
    assert result.exit_code == 1 and COMMA in result.output


@pytest.mark.parametrize("year", ["٢٠٢٦", "1_000", "99999", "2026.0"])
def test_cli_year_options_take_ascii_years_in_the_window(run, year):
    result = run("deadlines", "--year", year)
    assert result.exit_code != 0
    assert "--year" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("option", [["--today", "٢٠٢٦-٠٤-١٥"], ["--today", "9999-12-31"]])
def test_cli_date_options_use_the_one_date_parser(run, option):
    result = run(*option, "deadlines")
    assert result.exit_code != 0 and "--today" in result.output


@pytest.mark.parametrize(
    "check, value, rule",
    [
        (identifiers.parse_rfc, "MAB９３０７１４8T4", "formato inválido"),
        (identifiers.parse_rfc, "MAB٩٣٠٧١٤8T4", "formato inválido"),
        (identifiers.parse_codigo_postal, "٢٥٠٠٠", "5 dígitos"),
        (pedimento_numero.parse, "٢٦ 24 3953 6000098", "son 15 dígitos"),
        (pedimento_numero.parse, "２６ 24 3953 6000098", "son 15 dígitos"),
        (partial(check_field, pedimento_model.Partida, "fraccion"), "８５３８.90.99", "8 dígitos"),
        (partial(check_field, pedimento_model.Partida, "nico"), "٩٩", "2 dígitos"),
        (interfaces.partida_number, "٣", "número de partida"),
    ],
)
def test_identifiers_made_of_digits_take_ascii_digits_only(check, value, rule):
    with pytest.raises((ValueError, InvalidInput), match=rule):
        check(value)
