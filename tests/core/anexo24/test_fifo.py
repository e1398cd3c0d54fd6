"""The pure FIFO engine: Anexo 24's two descargo cases by hand, then properties against a small
reference model (hypothesis)."""

from fractions import Fraction
from unittest import mock

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from brokertui.core.anexo24 import fifo
from brokertui.core.anexo24.fifo import (
    Allocation,
    Demand,
    Demands,
    Entries,
    Entry,
    Lot,
    days,
    demand_order,
    discharge,
    exact,
    lot_order,
    prices,
    valued,
)


def lots_of(*specs):
    """(id, part, fecha, pedimento, partida, balance[, vence])."""
    return sorted((Lot(*s) for s in specs), key=lot_order)


def demands_of(*specs):
    """(salida_id, part, fecha, order, quantity)."""
    return sorted((Demand(*s) for s in specs), key=demand_order)


def test_case_1_less_than_the_oldest_balance_takes_it_all_from_that_pedimento():
    # Anexo 24 Apartado A, módulo de salidas, numeral 1.
    lots = lots_of((1, "A", "2026-01-10", "P1", 1, 100), (2, "A", "2026-01-05", "P0", 1, 50))
    result = list(discharge(lots, demands_of((10, "A", "2026-02-01", 1, 30))))
    assert result == [Allocation(10, "A", 2, 30)]  # P0 entered first
    assert [lot.balance for lot in sorted(lots, key=lambda lot: lot.id)] == [100, 20]


def test_case_2_more_than_the_balance_exhausts_it_and_takes_the_rest_from_the_next():
    # Anexo 24 Apartado A, módulo de salidas, numeral 2.
    lots = lots_of((1, "A", "2026-01-05", "P0", 1, 50), (2, "A", "2026-01-10", "P1", 1, 100))
    result = list(discharge(lots, demands_of((10, "A", "2026-02-01", 1, 80))))
    assert result == [Allocation(10, "A", 1, 50), Allocation(10, "A", 2, 30)]


def test_shortfall_is_an_explicit_line_and_no_balance_goes_negative():
    lots = lots_of((1, "A", "2026-01-05", "P0", 1, 50))
    result = list(discharge(lots, demands_of((10, "A", "2026-02-01", 1, 80))))
    assert result == [Allocation(10, "A", 1, 50), Allocation(10, "A", None, 30)]
    assert lots[0].balance == 0


def test_a_lot_entered_after_the_exit_is_not_eligible_and_ties_go_by_pedimento_partida():
    lots = lots_of(
        (1, "A", "2026-03-01", "P9", 1, 100),  # enters after the exit
        (2, "A", "2026-01-05", "P2", 1, 10),
        (3, "A", "2026-01-05", "P1", 2, 10),
        (4, "A", "2026-01-05", "P1", 1, 10),
    )
    result = list(discharge(lots, demands_of((10, "A", "2026-02-01", 1, 25))))
    assert [(a.lot_id, a.quantity) for a in result] == [(4, 10), (3, 10), (2, 5)]


def test_same_date_exits_go_in_import_order_and_vencido_is_flagged():
    lots = lots_of((1, "A", "2024-01-05", "P0", 1, 10, "2025-07-05"))
    demands = demands_of((11, "A", "2026-02-01", 2, 10), (10, "A", "2026-02-01", 1, 10))
    result = list(discharge(lots, demands))
    assert result == [Allocation(10, "A", 1, 10, True), Allocation(11, "A", None, 10)]


# -- properties against a reference model -----------------------------------------------------

PARTS = ("A", "B", "C")
DATES = [f"2026-01-{d:02d}" for d in range(1, 11)]

lot_st = st.tuples(
    st.sampled_from(PARTS),
    st.sampled_from(DATES),
    st.sampled_from(["P1", "P2", "P3"]),
    st.integers(1, 3),
    st.integers(1, 50),
)
demand_st = st.tuples(st.sampled_from(PARTS), st.sampled_from(DATES), st.integers(1, 80))


def build(lot_specs, demand_specs):
    lots = sorted((Lot(i, *s) for i, s in enumerate(lot_specs, start=1)), key=lot_order)
    demands = sorted(
        (Demand(100 + i, p, f, i, q) for i, (p, f, q) in enumerate(demand_specs)), key=demand_order
    )
    return lots, demands


def reference(lot_specs, demand_specs):
    """The rule stated plainly: for each exit in date then import order, take from the oldest
    eligible lot (date, pedimento, partida) that has a balance; the rest is a shortfall."""
    balances = {i: s[4] for i, s in enumerate(lot_specs, start=1)}
    out = []
    order = sorted(range(len(demand_specs)), key=lambda i: (demand_specs[i][1], i))
    for i in order:
        part, fecha, qty = demand_specs[i]
        eligible = sorted(
            (s[1], s[2], s[3], lot_id)
            for lot_id, s in enumerate(lot_specs, start=1)
            if s[0] == part and s[1] <= fecha
        )
        for *_, lot_id in eligible:
            take = min(balances[lot_id], qty)
            if take:
                balances[lot_id] -= take
                qty -= take
                out.append((100 + i, lot_id, take))
        if qty:
            out.append((100 + i, None, qty))
    return sorted(out, key=lambda a: (a[0], a[1] is None, a[1] or 0)), balances


def assert_matches_the_reference(lot_specs, demand_specs):
    lots, demands = build(lot_specs, demand_specs)
    got = sorted(
        ((a.salida_id, a.lot_id, a.quantity) for a in discharge(lots, demands)),
        key=lambda a: (a[0], a[1] is None, a[1] or 0),
    )
    expected, balances = reference(lot_specs, demand_specs)
    # Within one exit, allocations to different lots are distinct, so sorting loses nothing.
    assert got == expected
    assert {lot.id: lot.balance for lot in lots} == balances


@settings(max_examples=300, deadline=None)
@given(st.lists(lot_st, max_size=12), st.lists(demand_st, max_size=12))
def test_matches_the_reference_model(lot_specs, demand_specs):
    assert_matches_the_reference(lot_specs, demand_specs)


@settings(max_examples=150, deadline=None)
@given(st.lists(lot_st, max_size=12), st.lists(demand_st, max_size=12), st.integers(1, 4))
def test_rows_made_a_few_demands_at_a_time_match_the_reference_model(
    lot_specs, demand_specs, chunk
):
    # allocate() makes the rows fifo.CHUNK demands at a time (its scratch columns stay small on
    # a million demands): the chunks' seams change nothing.
    with mock.patch.object(fifo, "CHUNK", chunk):
        assert_matches_the_reference(lot_specs, demand_specs)


@settings(max_examples=150, deadline=None)
@given(st.lists(lot_st, max_size=12), st.lists(demand_st, max_size=12))
def test_the_engine_takes_keys_in_any_order(lot_specs, demand_specs):
    # fifo.Demands: within a key in date then import order, keys in any order (here backwards).
    lots, demands = build(lot_specs, demand_specs)
    backwards = sorted(demands, key=lambda d: d.part, reverse=True)
    taken = fifo.allocate(
        fifo.Lots(
            np.array([lot.part for lot in lots], dtype=object),
            fifo.days([lot.fecha for lot in lots]),
            fifo.exact([lot.balance for lot in lots]),
            fifo.days([lot.vence for lot in lots]),
        ),
        fifo.Demands(
            np.array([d.part for d in backwards], dtype=object),
            fifo.days([d.fecha for d in backwards]),
            fifo.exact([d.quantity for d in backwards]),
        ),
    )
    assert (np.diff(taken.demand) >= 0).all()  # Taken: the demands in their given order
    got = sorted(
        (
            (backwards[d].salida_id, None if lot < 0 else lots[lot].id, quantity)
            for d, lot, quantity in zip(
                taken.demand.tolist(), taken.lot.tolist(), taken.quantity.tolist(), strict=True
            )
        ),
        key=lambda a: (a[0], a[1] is None, a[1] or 0),
    )
    assert got == reference(lot_specs, demand_specs)[0]


@settings(max_examples=100, deadline=None)
@given(st.lists(lot_st, max_size=12), st.lists(demand_st, max_size=12))
def test_sums_past_int64_stay_exact(lot_specs, demand_specs):
    # Quantities near SQLite's limit: the engine's running sums leave int64 for Python integers.
    big = 10**17 + 1
    lot_specs = [(*s[:4], s[4] * big) for s in lot_specs]
    demand_specs = [(p, f, q * big) for p, f, q in demand_specs]
    lots, demands = build(lot_specs, demand_specs)
    got = sorted(
        ((a.salida_id, a.lot_id, a.quantity) for a in discharge(lots, demands)),
        key=lambda a: (a[0], a[1] is None, a[1] or 0),
    )
    expected, balances = reference(lot_specs, demand_specs)
    assert got == expected
    assert {lot.id: lot.balance for lot in lots} == balances


@settings(max_examples=300, deadline=None)
@given(st.lists(lot_st, max_size=12), st.lists(demand_st, max_size=12))
def test_conservation_no_negative_balance_and_determinism(lot_specs, demand_specs):
    lots, demands = build(lot_specs, demand_specs)
    before = {lot.id: lot.balance for lot in lots}
    first = list(discharge(lots, demands))
    for demand in demands:  # allocations + shortfall = demand, exactly
        assert sum(a.quantity for a in first if a.salida_id == demand.salida_id) == (
            demand.quantity
        )
    for lot in lots:
        used = sum(a.quantity for a in first if a.lot_id == lot.id)
        assert lot.balance >= 0 and lot.balance == before[lot.id] - used
    again_lots, again_demands = build(lot_specs, demand_specs)
    assert list(discharge(again_lots, again_demands)) == first


# -- value mode: pricing each demand at the average unit value of the entries so far ----------

entry_st = st.tuples(
    st.sampled_from(PARTS), st.sampled_from(DATES), st.integers(1, 10**9), st.integers(0, 10**9)
)


def test_a_demand_is_priced_at_the_average_of_the_entries_up_to_its_date():
    entries = [Entry("A", "2026-01-05", 100, 82), Entry("A", "2026-01-25", 100, 100)]
    demands = demands_of((1, "A", "2026-01-22", 1, 50), (2, "A", "2026-02-01", 2, 50))
    demands.append(Demand(3, "B", "2026-02-01", 3, 7))  # no entry of B: cannot be priced
    assert [value for _, value in valued(entries, demands)] == [41, 46, None]


@settings(max_examples=300, deadline=None)
@given(st.lists(entry_st, max_size=12), st.lists(demand_st, max_size=12))
def test_valuation_matches_exact_fractions(entry_specs, demand_specs):
    entries = sorted((Entry(*s) for s in entry_specs), key=lambda e: (e.part, e.fecha))
    _, demands = build([], demand_specs)
    for demand, value in valued(entries, demands):
        seen = [e for e in entries if e.part == demand.part and e.fecha <= demand.fecha]
        if not seen:
            assert value is None
            continue
        exact = Fraction(
            demand.quantity * sum(e.value for e in seen), sum(e.quantity for e in seen)
        )
        assert abs(value - exact) <= Fraction(1, 2) and value - exact != Fraction(-1, 2)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(PARTS),
            st.sampled_from(DATES),
            st.integers(0, 10**9),  # a quantity of 0 too: no average until another comes
            st.integers(0, 10**9),
        ),
        max_size=12,
    ),
    st.lists(demand_st, max_size=12),
    st.sampled_from([1, 10**17 + 1]),  # sums and products far past int64 stay exact
    st.randoms(),
)
def test_prices_over_columns_are_the_reference_valuation(entry_specs, demand_specs, big, rnd):
    """`prices` (the run's) gives what `valued` (the reference) gives, entries in any order."""
    entry_specs = [(p, f, q * big, v * big) for p, f, q, v in entry_specs]
    demand_specs = [(p, f, q * big) for p, f, q in demand_specs]
    entries = sorted((Entry(*s) for s in entry_specs), key=lambda e: (e.part, e.fecha))
    _, demands = build([], demand_specs)
    expected = [value for _, value in valued(entries, demands)]
    codes = {part: n for n, part in enumerate(rnd.sample(PARTS, len(PARTS)))}
    shuffled = rnd.sample(entries, len(entries))
    got = prices(
        Entries(
            np.array([codes[e.part] for e in shuffled], dtype=np.int64),
            days([e.fecha for e in shuffled]),
            exact([e.quantity for e in shuffled]),
            exact([e.value for e in shuffled]),
        ),
        Demands(
            np.array([codes[d.part] for d in demands], dtype=np.int64),
            days([d.fecha for d in demands]),
            exact([d.quantity for d in demands]),
        ),
    )
    assert got.tolist() == expected
