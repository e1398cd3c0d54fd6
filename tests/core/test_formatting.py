"""The one formatter (issue 16, item 8)."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from brokertui.core import formatting


@pytest.mark.parametrize(
    ("numero", "shown"),
    [
        ("250739535000959", "25 07 3953 5000959"),
        ("25  07  3953  5000959", "25 07 3953 5000959"),
        ("25-07-3953-5000959", "25 07 3953 5000959"),
        ("123", "123"),
        (None, ""),
    ],
)
def test_pedimento(numero, shown):
    assert formatting.pedimento(numero) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("1800", "1,800"),
        ("4810.00", "4,810"),
        (Decimal("4810.50"), "4,810.5"),
        ("0.000125", "0.000125"),
        ("-1234567.25", "-1,234,567.25"),
        (None, ""),
        ("[b]x", "[b]x"),  # stored text that is no number: as it is (the screen cleans it)
        ("NaN", "NaN"),
    ],
)
def test_quantity(value, shown):
    assert formatting.quantity(value) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("5191256.83", "USD 5,191,256.83"),
        ("84500", "USD 84,500.00"),
        ("0.005", "USD 0.01"),  # half up
        (Decimal("12.344"), "USD 12.34"),
    ],
)
def test_money(value, shown):
    assert formatting.money(value) == shown
    assert formatting.amount(value) == shown.removeprefix("USD ")


def test_moment_is_mexico_city_time():
    assert formatting.moment("2026-11-22T15:05:00+00:00") == "2026-11-22 09:05"
    assert formatting.moment("2026-06-01T03:00:00") == "2026-05-31 21:00"  # naive = UTC


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=6, allow_nan=False))
def test_quantity_reads_back_as_the_same_number(value):
    assert Decimal(formatting.quantity(value).replace(",", "")) == value


def test_a_period_reads_alike_on_the_report_screen_and_in_every_export_header():
    assert formatting.period(date(2026, 1, 1), date(2026, 3, 31)) == "del 2026-01-01 al 2026-03-31"
    assert formatting.period(None, date(2026, 3, 31)) == "desde el inicio al 2026-03-31"
    assert formatting.period(date(2026, 1, 1), None) == "del 2026-01-01 hasta hoy"
    lines = formatting.heading("Manufacturas, S.A.", "MNB050315K70", "Entradas", "del x al y")
    assert [label for label, _ in lines] == ["Razón social", "RFC", "Reporte", "Periodo"]
