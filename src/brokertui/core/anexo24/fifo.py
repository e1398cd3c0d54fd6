"""The FIFO (PEPS) discharge, pure: no I/O, integers only (quantities in millionths).

Anexo 24, Apartado A, módulo de salidas (anexo24-rgce-2024.txt; formats.md §1.9): each exit
discharges the temporary import "más antigua que contenga la mercancía"; when the quantity is
less than that pedimento's balance the whole quantity is discharged from it (case 1); when it is
greater, its balance is exhausted and the difference comes from the next pedimento in
chronological order (case 2). What no lot can cover is a shortfall line, never a negative
balance.

Per part number: a lot is eligible for an exit when its entry date is on or before the exit's
date; lots are taken oldest entry date first, ties by pedimento then partida; exits in order of
date, then the order they were imported. Lots and demands arrive grouped by part and sorted, so
the whole run streams in O(lots + demands) with one part in memory at a time.

Discharge by value (same file, the paragraph on certified companies; Apartado B, módulo de
procesos, numeral 5): the same engine runs with the fracción arancelaria as the "part" and USD
millionths as the quantity; `valued` prices each material demand first.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby


@dataclass(slots=True)
class Lot:
    id: int
    part: str
    fecha: str  # ISO date: string order is date order
    pedimento: str
    partida: int
    balance: int
    vence: str | None = None  # permanence alert date; a discharge after it is `vencido`


@dataclass(frozen=True, slots=True)
class Demand:
    salida_id: int
    part: str
    fecha: str
    order: int  # import order of the exit (ties on the same date)
    quantity: int


@dataclass(frozen=True, slots=True)
class Allocation:
    salida_id: int
    part: str
    lot_id: int | None  # None: shortfall
    quantity: int
    vencido: bool = False


def lot_order(lot: Lot) -> tuple:
    return (lot.part, lot.fecha, lot.pedimento, lot.partida)


def demand_order(demand: Demand) -> tuple:
    return (demand.part, demand.fecha, demand.order)


@dataclass(frozen=True, slots=True)
class Entry:
    """An entry's quantity and USD value (millionths), for a part's average unit value."""

    part: str
    fecha: str
    quantity: int
    value: int


def _by_part(items: Iterable, demands: Iterable[Demand]) -> Iterator[tuple[list, Iterator]]:
    """Each part's items (a list) beside its demands (an iterator); both sorted by part."""
    groups = groupby(items, key=lambda item: item.part)
    pending = next(groups, None)
    for part, part_demands in groupby(demands, key=lambda d: d.part):
        while pending is not None and pending[0] < part:
            pending = next(groups, None)
        part_items = list(pending[1]) if pending is not None and pending[0] == part else []
        yield part_items, part_demands


def discharge(lots: Iterable[Lot], demands: Iterable[Demand]) -> Iterator[Allocation]:
    """Allocate demands to lots. Both inputs must be sorted by `lot_order` / `demand_order`
    (the storage layer's queries do it); balances of the given lots are consumed in place."""
    for part_lots, part_demands in _by_part(lots, demands):
        yield from _discharge_part(part_lots, part_demands)


def valued(
    entries: Iterable[Entry], demands: Iterable[Demand]
) -> Iterator[tuple[Demand, int | None]]:
    """Each demand with its USD value in millionths, for the discharge by value: the quantity
    times the weighted-average unit value of the part's entries dated on or before the demand,
    rounded half up; None when the part has no such entry. Entries sorted by part and date,
    demands by `demand_order`."""
    for part_entries, part_demands in _by_part(entries, demands):
        seen = quantity = value = 0
        for demand in part_demands:
            while seen < len(part_entries) and part_entries[seen].fecha <= demand.fecha:
                quantity += part_entries[seen].quantity
                value += part_entries[seen].value
                seen += 1
            if quantity:
                yield demand, (demand.quantity * value * 2 + quantity) // (2 * quantity)
            else:
                yield demand, None


def _discharge_part(lots: list[Lot], demands: Iterable[Demand]) -> Iterator[Allocation]:
    head = 0  # first lot that may still have a balance
    eligible = 0  # lots[:eligible] entered on or before the current exit
    for demand in demands:
        while eligible < len(lots) and lots[eligible].fecha <= demand.fecha:
            eligible += 1
        remaining = demand.quantity
        index = head
        while remaining and index < eligible:
            lot = lots[index]
            if lot.balance:
                taken = min(lot.balance, remaining)  # case 1 (all) or case 2 (the balance)
                lot.balance -= taken
                remaining -= taken
                vencido = lot.vence is not None and lot.vence < demand.fecha
                yield Allocation(demand.salida_id, demand.part, lot.id, taken, vencido)
            if not lot.balance and index == head:
                head += 1
            index += 1
        if remaining:
            yield Allocation(demand.salida_id, demand.part, None, remaining)
