"""No interface, ajuste or fixed-asset movement takes a date after today, as pedimento capture
refuses a fecha de pago after it (pedimentos/review.py): each is the date of something that
happened, declared in a pedimento already presented (anexo24-rgce-2024.txt, Apartado A, fracción
II, incisos a) "Fecha de entrada declarada en el pedimento" and c) "Fecha del pedimento") or in a
document already issued; the SECIIT receives it at the latest when the pedimento is paid
(Apartado B, numeral 4). "Today" is the pinned one (--today: clock.pinned_today)."""

import re
from datetime import date, timedelta

import pytest

from brokertui.core import clock
from brokertui.core.anexo24 import activo_fijo, ajustes, interfaces
from brokertui.core.anexo24.interfaces import InterfaceError
from brokertui.core.errors import InvalidInput
from tests.core.anexo24.conftest import AF1, RFC, load

TODAY = date(2026, 7, 1)
FUTURE = "2026-07-02"
REFUSED = "no puede ser posterior a hoy (2026-07-01)"


def entrada(fecha: str) -> list[str]:
    return ["26 07 3953 6000777", "1", "IN", fecha, "MAT-A", "5", "1", "8", "72085101", ""]


def salida(fecha: str) -> list[str]:
    return ["RT-777", "RT", fecha, "M", "MAT-A", "1"]


def saldo(fecha: str) -> list[str]:
    return ["26 07 3953 6000778", "1", "MAT-A", fecha, "4", "3"]


@pytest.mark.parametrize(
    ("kind", "row", "field"),
    [
        ("entradas", entrada, "fecha_entrada"),
        ("salidas", salida, "fecha"),
        ("saldos_iniciales", saldo, "fecha_entrada"),
    ],
)
def test_an_interface_row_dated_after_today_is_refused_naming_the_field(
    inv_db, tmp_path, kind, row, field
):
    with clock.pinned_today(TODAY):
        with pytest.raises(InterfaceError) as refused:
            load(inv_db, tmp_path, kind, [row(FUTURE)])
        assert f"{field}: {REFUSED}" in str(refused.value)
        assert load(inv_db, tmp_path, kind, [row(TODAY.isoformat())])["rows"] == 1


def test_an_ajuste_dated_after_today_is_refused(inv_db):
    merma = {"fecha": FUTURE, "tipo": "merma", "numero_parte": "MAT-A", "cantidad": "1",
             "motivo": "rota"}  # fmt: skip
    with clock.pinned_today(TODAY):
        with pytest.raises(InterfaceError, match=re.escape(f"fecha: {REFUSED}")):
            ajustes.add_ajustes(inv_db, RFC, [(1, merma)], "ajustes.csv")
        assert ajustes.add_ajustes(inv_db, RFC, [(1, merma | {"fecha": "2026-07-01"})], "a") == 1


def test_a_fixed_asset_movement_dated_after_today_is_refused(af_db):
    move = {"pedimento": AF1, "partida": "1", "fecha": FUTURE, "tipo": "cambio_domicilio",
            "domicilio": "Planta Norte"}  # fmt: skip
    with clock.pinned_today(TODAY), pytest.raises(InvalidInput) as refused:
        activo_fijo.add_movement(af_db, RFC, move)
    assert refused.value.field == "fecha" and REFUSED in str(refused.value)


def test_a_date_after_the_real_today_passes_when_today_is_pinned_later(inv_db, tmp_path):
    later = date.today() + timedelta(days=366)  # (replace(year=+1) fails on 29 February)
    with clock.pinned_today(later):
        assert load(inv_db, tmp_path, "entradas", [entrada(later.isoformat())])["rows"] == 1
    with pytest.raises(InterfaceError, match="fecha_entrada: no puede ser posterior a hoy"):
        load(inv_db, tmp_path, "entradas", [entrada(later.isoformat())], "again.csv")


def test_the_check_is_the_interfaces_one():
    with clock.pinned_today(TODAY):
        assert interfaces.event_date("01/07/2026") == "2026-07-01"
        with pytest.raises(ValueError, match=re.escape(REFUSED)):
            interfaces.event_date(FUTURE)
