"""The cross-check of the Anexo 24 entradas against Data Stage 551 (issue 13, item 6): a
golden case with one planted difference of every kind (and near misses that are none), and
properties against the pure `compare`: a consistent pair of sides yields no difference, each
single mutation of either side exactly one."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brokertui.core.anexo24 import crosscheck
from brokertui.core.anexo24.crosscheck import Difference, Line
from brokertui.core.errors import InvalidInput
from brokertui.core.pedimentos.datastage import build as datastage_build
from brokertui.core.pedimentos.datastage import importer as datastage
from brokertui.core.registry import clients
from tests.builders import RFC, import_rows, partida, pedimento

MATERIALES = [  # numero_parte, descripcion, fraccion, umc, umt, factor_umt, tipo
    ["P-1", "Interruptor", "85389099", "6", "1", "0.4", "directo"],
    ["P-2", "Tornillo", "73181599", "6", "1", "0.01", "directo"],
]


def number(n: int) -> str:
    return f"2624395360000{n:02d}"


def ds_partida(**changes) -> dict:
    """A 551 partida with no part number (so no entry is made from it): 12 pieces of P-1,
    4.8 kg, USD 1976.88."""
    return partida(parte="", **changes)


def entrada(n: int, sec: int, parte="P-1", cantidad="12", umc="6", usd="1976.88", fr="85389099"):
    return [number(n), str(sec), "IN", "2026-01-04", parte, cantidad, umc, usd, fr, "HUN"]


@pytest.fixture
def planted(db, tmp_path):
    clients.add_client(db, {"rfc": RFC, "razon_social": "Bajío Máquinas SA"})
    import_rows(db, "materiales", MATERIALES)
    ds = [
        # 1: consistent; partida 2 is split over two part numbers in the ERP
        pedimento(
            number(1), partidas=[ds_partida(), ds_partida(umc_qty="112", umt_qty="5.8", usd="2000")]
        ),
        # 2: fracción differs (partida 1); cantidad UMC differs, UMT agrees (partida 2)
        pedimento(number(2), partidas=[ds_partida(), ds_partida(umc_qty="12", umt_qty="4.4")]),
        # 3: UMT differs (1); valor beyond tolerance (2); within tolerance (3); UMC unit (4)
        pedimento(
            number(3),
            partidas=[
                ds_partida(umt_qty="5.00000"),
                ds_partida(usd="1981.88"),
                ds_partida(usd="1977.38"),
                ds_partida(umc="8"),
            ],
        ),
        # 4: only in Data Stage
        pedimento(number(4), partidas=[ds_partida()]),
        # 6: partida 2 only in Data Stage (the ERP has a partida 3 instead)
        pedimento(number(6), partidas=[ds_partida(), ds_partida()]),
        # 7: a definitive import: not an Anexo 24 entry, never compared
        pedimento(number(7), clave="A1", partidas=[ds_partida()]),
        # 8: paid in February, no entries: out of a January period
        pedimento(
            number(8), pagado="2026-02-10 10:00:00", entrada="2026-02-09", partidas=[ds_partida()]
        ),
    ]
    datastage.import_zip(db, datastage_build.write_zip(tmp_path / "1_Solicitudes.zip", ds))
    rows = [
        entrada(1, 1),
        entrada(1, 2, "P-1", "12", usd="1500"),
        entrada(1, 2, "P-2", "100", usd="500"),  # UMT 12 x 0.4 + 100 x 0.01
        entrada(2, 1, fr="85389000"),
        entrada(2, 2, cantidad="11"),
        entrada(3, 1),
        entrada(3, 2),
        entrada(3, 3),
        entrada(3, 4),
        entrada(5, 1),
        entrada(6, 1),
        entrada(6, 3),
    ]
    import_rows(db, "entradas", rows)
    return db


def test_the_golden_case_lists_each_planted_difference_and_nothing_else(planted):
    found = crosscheck.differences(planted, RFC, desde=date(2026, 1, 1), hasta=date(2026, 1, 31))
    assert found == [
        Difference(number(2), "partida", 1, "fraccion", "85389000", "85389099"),
        Difference(number(2), "partida", 2, "cantidad_umc", "11", "12"),
        Difference(number(3), "partida", 1, "cantidad_umt", "4.8", "5"),
        Difference(number(3), "partida", 2, "valor_usd", "1976.88", "1981.88"),
        Difference(number(3), "partida", 4, "umc", "6", "8"),
        Difference(number(4), "solo_datastage"),
        Difference(number(5), "solo_anexo24"),
        Difference(number(6), "partida_solo_datastage", 2),
        Difference(number(6), "partida_solo_anexo24", 3),
    ]
    assert crosscheck.summary(found)["diferencias"] == 9
    everything = crosscheck.differences(planted, RFC)
    assert Difference(number(8), "solo_datastage") in everything and len(everything) == 10


def test_a_tolerance_is_the_clients_else_the_offices_and_refuses_bad_input(planted):
    assert crosscheck.tolerance(planted, RFC) == Decimal("1.00")
    crosscheck.set_tolerance(planted, "10")
    assert crosscheck.tolerance(planted, RFC) == Decimal("10")
    crosscheck.set_tolerance(planted, "0", RFC)
    assert crosscheck.tolerance(planted, RFC) == Decimal("0")
    found = crosscheck.differences(planted, RFC, hasta=date(2026, 1, 31))
    valores = [d.partida for d in found if d.numero == number(3) and d.campo == "valor_usd"]
    assert valores == [2, 3]  # with no tolerance the 0.50 of partida 3 counts too
    for bad in ("-1", "abc", "0.001"):
        with pytest.raises(InvalidInput, match="tolerancia"):
            crosscheck.set_tolerance(planted, bad, RFC)


# -- fixed assets -------------------------------------------------------------------------------
# A fixed asset (clave AF, or E2/E4 out of a depósito fiscal or an exhibition) is a temporary
# import (rules.md §2.1: LA art. 108 fr. III; formats.md §3.1: an entry) that Anexo 24 records
# by pedimento, clave and date in its módulo de activo fijo (anexo24-rgce-2024.txt, Apartado A,
# fracción II, "Módulo de Activo Fijo"): the cross-check compares it like an insumo, on both
# sides.

PRESS = ["AF-1", "Prensa", "84623999", "6", "6", "1", "directo"]


def press(**changes) -> dict:
    """A 551 partida of one press (12 pieces, UMT 12 pieces, USD 1976.88), no part number."""
    return partida(**({"parte": "", "fraccion": "84623999", "umt_qty": "12", "umt": "6"} | changes))


def asset(n: int, sec: int, clave="AF", cantidad="12") -> list[str]:
    row = entrada(n, sec, parte="AF-1", cantidad=cantidad, fr="84623999")
    row[2] = clave
    return row


@pytest.fixture
def fixed_assets(db, tmp_path):
    clients.add_client(db, {"rfc": RFC, "razon_social": "Bajío Máquinas SA"})
    import_rows(db, "materiales", [PRESS])
    ds = [
        # 11: its part number in 551: the pedimento itself makes the lot (source 'pedimento')
        pedimento(number(11), clave="AF", partidas=[press(parte="AF-1")]),
        # 12: the ERP's entradas interface brings its lot
        pedimento(number(12), clave="AF", partidas=[press()]),
        # 13: only in Data Stage
        pedimento(number(13), clave="AF", partidas=[press()]),
        # 14: partida 1's quantity differs (UMC, UMT); 2 only in Data Stage (the ERP has a 3)
        pedimento(number(14), clave="AF", partidas=[press(), press()]),
        # 16: a fixed asset out of a depósito fiscal (E2), on both sides
        pedimento(number(16), clave="E2", partidas=[press()]),
    ]
    datastage.import_zip(db, datastage_build.write_zip(tmp_path / "1_Solicitudes.zip", ds))
    rows = [
        asset(12, 1),
        asset(14, 1, cantidad="11"),
        asset(14, 3),
        asset(15, 1),
        asset(16, 1, "E2"),
    ]
    import_rows(db, "entradas", rows)
    return db


def test_a_fixed_asset_is_compared_on_both_sides_like_an_insumo(fixed_assets):
    lots = fixed_assets.execute(
        "SELECT pedimento, clave, source FROM entradas ORDER BY pedimento, partida"
    ).fetchall()
    assert (number(11), "AF", "pedimento") in lots and (number(16), "E2", "interfaz") in lots
    categories = fixed_assets.execute("SELECT DISTINCT categoria FROM partidas").fetchall()
    assert categories == [("activo_fijo",)]  # Data Stage files them as fixed assets
    assert crosscheck.differences(fixed_assets, RFC) == [
        Difference(number(13), "solo_datastage"),
        Difference(number(14), "partida", 1, "cantidad_umc", "11", "12"),
        Difference(number(14), "partida", 1, "cantidad_umt", "11", "12"),
        Difference(number(14), "partida_solo_datastage", 2),
        Difference(number(14), "partida_solo_anexo24", 3),
        Difference(number(15), "solo_anexo24"),
    ]


# -- properties of `compare` ----------------------------------------------------------------

TOLERANCE = Decimal("1.00")
fracciones = st.sampled_from(["85389099", "73181599", "72085101"])
units = st.sampled_from(["1", "6", "8"])
amounts = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("99999"), places=3)


@st.composite
def lines(draw) -> Line:
    return Line(
        frozenset([draw(fracciones)]),
        frozenset([draw(units)]),
        draw(amounts),
        draw(amounts),
        draw(st.decimals(min_value=Decimal("0"), max_value=Decimal("999999"), places=2)),
    )


sides = st.dictionaries(
    st.integers(1, 99).map(number),
    st.dictionaries(st.integers(1, 20), lines(), min_size=1, max_size=4),
    min_size=1,
    max_size=4,
)


def copy(side):
    return {n: dict(partidas) for n, partidas in side.items()}


@given(sides)
def test_a_consistent_pair_yields_no_difference(side):
    assert crosscheck.compare(copy(side), copy(side), TOLERANCE) == []


def _changed(line: Line, field: str, data) -> Line:
    """`line` with `field` changed enough to count (valor: beyond the tolerance)."""
    if field == "fraccion":
        return replace(line, fracciones=frozenset(["01012101"]))
    if field == "umc":
        return replace(line, umc=frozenset(["99"]))
    if field in ("cantidad_umc", "cantidad_umt"):
        return replace(line, **{field: getattr(line, field) + Decimal("0.001")})
    beyond = data.draw(st.decimals(min_value=Decimal("1.01"), max_value=Decimal("5000"), places=2))
    return replace(line, valor_usd=line.valor_usd + beyond)


MUTATIONS = (*crosscheck.FIELDS, "drop_pedimento", "drop_partida", "add_partida")


@settings(max_examples=300)
@given(sides, st.sampled_from(MUTATIONS), st.booleans(), st.data())
def test_each_single_mutation_yields_exactly_one_difference(side, mutation, on_datastage, data):
    anexo24, datastage = copy(side), copy(side)
    target = datastage if on_datastage else anexo24
    numero = data.draw(st.sampled_from(sorted(target)))
    partidas = target[numero]
    sec = data.draw(st.sampled_from(sorted(partidas)))
    if mutation == "drop_pedimento" or (mutation == "drop_partida" and len(partidas) == 1):
        del target[numero]
    elif mutation == "drop_partida":
        del partidas[sec]
    elif mutation == "add_partida":
        partidas[max(partidas) + 1] = data.draw(lines())
    else:
        partidas[sec] = _changed(partidas[sec], mutation, data)
    found = crosscheck.compare(anexo24, datastage, TOLERANCE)
    assert len(found) == 1, found
    if mutation in crosscheck.FIELDS:
        assert (found[0].numero, found[0].partida, found[0].campo) == (numero, sec, mutation)


@given(sides, st.data())
def test_a_value_within_the_tolerance_is_no_difference(side, data):
    anexo24 = copy(side)
    numero = data.draw(st.sampled_from(sorted(anexo24)))
    sec = data.draw(st.sampled_from(sorted(anexo24[numero])))
    line = anexo24[numero][sec]
    shift = data.draw(st.decimals(min_value=-TOLERANCE, max_value=TOLERANCE, places=2))
    anexo24[numero][sec] = replace(line, valor_usd=line.valor_usd + shift)
    assert crosscheck.compare(anexo24, copy(side), TOLERANCE) == []
