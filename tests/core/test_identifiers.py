"""RFC rules: formats.md §4 (structure, date, check digit, generic RFCs)."""

import pytest

from brokertui.core.identifiers import parse_codigo_postal, parse_date, parse_entidad, parse_rfc


# formats.md §4.2, test vectors table.
@pytest.mark.parametrize(
    ("rfc", "persona", "check_ok"),
    [
        ("MAB9307148T4", "moral", True),
        ("GODE561231GR8", "física", True),
        ("BMA2211187E1", "moral", True),
        ("TMM120927FL0", "moral", True),
        ("VACE460910SX6", "física", False),  # real RFC with a bad digit: warning only
    ],
)
def test_golden_vectors(rfc, persona, check_ok):
    parsed = parse_rfc(rfc)
    assert (parsed.value, parsed.persona, parsed.check_digit_ok) == (rfc, persona, check_ok)
    assert (parsed.warning is None) == check_ok


def test_warning_names_the_expected_digit():
    assert "se esperaba 5" in parse_rfc("VACE460910SX6").warning


def test_normalizes_case_spaces_and_dashes():
    assert parse_rfc(" mab-930714 8t4 ").value == "MAB9307148T4"


@pytest.mark.parametrize("rfc", ["XAXX010101000", "XEXX010101000"])
def test_generic_rfcs_are_refused_for_clients(rfc):
    with pytest.raises(ValueError, match="genérico"):
        parse_rfc(rfc)
    assert parse_rfc(rfc, allow_generic=True).check_digit_ok


@pytest.mark.parametrize(
    ("rfc", "rule"),
    [
        ("", "obligatorio"),
        ("MAB930714", "12 caracteres"),
        ("MAB9307148T4XX", "12 caracteres"),
        ("MA19307148T4", "formato"),  # 2 letters + 10 more
        ("MAB9313148T4", "931314"),  # month 13
        ("MAB9302308T4", "930230"),  # 30 February
        ("GODE561231GRZ", "formato"),  # check character must be a digit or A
        ("PUTO561231GR8", "letras iniciales"),  # SAT's inconvenient words
    ],
)
def test_structural_errors(rfc, rule):
    with pytest.raises(ValueError, match=rule):
        parse_rfc(rfc)


def test_leap_day_of_2000_is_real():
    assert parse_rfc("ABC000229AB" + "1").value.startswith("ABC000229")


def test_codigo_postal_and_entidad():
    assert parse_codigo_postal("64000") == "64000"
    with pytest.raises(ValueError, match="5 dígitos"):
        parse_codigo_postal("6400")
    assert parse_entidad("nuevo leon") == "NLE"
    assert parse_entidad("Querétaro") == "QUE"
    assert parse_entidad("cmx") == "CMX"
    with pytest.raises(ValueError, match="entidad federativa"):
        parse_entidad("Texas")


def test_dates():
    assert parse_date("2026-05-29").isoformat() == "2026-05-29"
    assert parse_date("29/05/2026").isoformat() == "2026-05-29"
    with pytest.raises(ValueError, match="AAAA-MM-DD"):
        parse_date("2026-02-30")
