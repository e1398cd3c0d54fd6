"""The FIFO (PEPS) discharge, pure: no I/O, integers only (quantities in millionths).

Anexo 24, Apartado A, módulo de salidas (anexo24-rgce-2024.txt; formats.md §1.9): each exit
discharges the temporary import "más antigua que contenga la mercancía"; when the quantity is
less than that pedimento's balance the whole quantity is discharged from it (case 1); when it is
greater, its balance is exhausted and the difference comes from the next pedimento in
chronological order (case 2). What no lot can cover is a shortfall line, never a negative
balance.

Per part number: a lot is eligible for an exit when its entry date is on or before the exit's
date; lots are taken oldest entry date first, ties by pedimento then partida; exits in order of
date, then the order they were imported.

The engine (`allocate`) works on columns (numpy arrays of integers; Python integers in an
object array when sums could pass 2**62, so it stays exact): within a part, FIFO consumes the
lots as one line, so the point up to which they are consumed after exit j is
P_j = min(P_{j-1} + q_j, E_j), E_j the end of the lots eligible on its date. With S_j the
exits' running sum, P_j - S_j is the running minimum of E_j - S_j (capped at the part's start),
so the whole run is a few cumulative sums and binary searches; each exit's rows are the lots
its stretch [P_{j-1}, P_j) crosses, then its shortfall q_j - (P_j - P_{j-1}). `discharge` is
the same engine over Lot and Demand objects.

Discharge by value (same file, the paragraph on certified companies; Apartado B, módulo de
procesos, numeral 5): the same engine runs with the fracción arancelaria as the "part" and USD
millionths as the quantity; `valued` prices each material demand first (`prices`, the same
over columns: running sums of each key's entries and a binary search per demand).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import groupby

import numpy as np


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
    """Allocate demands to lots (`allocate` over objects). Both inputs sorted by `lot_order` /
    `demand_order`; balances of the given lots are consumed in place."""
    lots, demands = list(lots), list(demands)
    taken = allocate(
        Lots(
            np.array([lot.part for lot in lots], dtype=object),
            days([lot.fecha for lot in lots]),
            exact([lot.balance for lot in lots]),
            days([lot.vence for lot in lots]),
        ),
        Demands(
            np.array([d.part for d in demands], dtype=object),
            days([d.fecha for d in demands]),
            exact([d.quantity for d in demands]),
        ),
    )
    rows = [
        Allocation(
            demands[d].salida_id,
            demands[d].part,
            None if lot < 0 else lots[lot].id,
            int(quantity),
            bool(vencido),
        )
        for d, lot, quantity, vencido in zip(
            taken.demand.tolist(),
            taken.lot.tolist(),
            taken.quantity.tolist(),
            taken.vencido.tolist(),
            strict=True,
        )
    ]
    for row, lot in zip(rows, taken.lot.tolist(), strict=True):
        if lot >= 0:
            lots[lot].balance -= row.quantity
    yield from rows


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


# -- the engine over columns ------------------------------------------------------------------

NEVER = np.iinfo(np.int64).max  # the day of a lot without a permanence date: never vencido
SAFE = 2**62  # sums below it fit int64; above, Python integers (object arrays) keep them exact


@dataclass(frozen=True)
class Lots:
    """Lots as columns: within a key, in FIFO order (lot_order); keys in any order."""

    key: np.ndarray  # the part (or fracción): objects, or small integer codes (int64)
    fecha: np.ndarray  # int64 day numbers (`days`)
    balance: np.ndarray  # int64 or object (`exact`)
    vence: np.ndarray  # int64 day numbers, NEVER when none


@dataclass(frozen=True)
class Demands:
    """Demands as columns: within a key, in date then import order (demand_order)."""

    key: np.ndarray
    fecha: np.ndarray
    quantity: np.ndarray


@dataclass(frozen=True)
class Taken:
    """The allocations, as columns: each demand's rows together (its lots oldest first, then
    its shortfall), demands in their given order; `lot` -1 is a shortfall."""

    demand: np.ndarray  # index into the demands given
    lot: np.ndarray  # index into the lots given, -1: shortfall
    quantity: np.ndarray
    vencido: np.ndarray  # bool


def days(isos: Sequence[str | None] | np.ndarray) -> np.ndarray:
    """ISO dates as day numbers (int64); None as NEVER."""
    values = np.array(isos, dtype="datetime64[D]")
    out = values.astype(np.int64)
    out[np.isnat(values)] = NEVER
    return out


def exact(values: Sequence[int] | np.ndarray) -> np.ndarray:
    """Integers as int64, or as Python integers when they could add up past SAFE."""
    column = values if isinstance(values, np.ndarray) else np.array(values, dtype=object)
    if len(column) and max(-int(column.min()), int(column.max())) * len(column) >= SAFE:
        return column.astype(object)
    return column.astype(np.int64)


def allocate(lots: Lots, demands: Demands) -> Taken:
    """Allocate the demands to the lots by key, FIFO (module doc); lots' balances <= 0 are
    skipped."""
    lot_code, demand_code = _codes(lots.key, demands.key)
    lot_at = np.argsort(lot_code, kind="stable")
    lot_at = lot_at[lots.balance[lot_at] > 0]
    demand_at = np.argsort(demand_code, kind="stable")
    lot_code, demand_code = lot_code[lot_at], demand_code[demand_at]
    balance, wanted = lots.balance[lot_at], demands.quantity[demand_at]
    fecha = demands.fecha[demand_at]
    if balance.dtype == object or wanted.dtype == object:
        balance, wanted = balance.astype(object), wanted.astype(object)
    end = np.cumsum(balance)  # lot i is the stretch [line[i], end[i]) of one line of all lots
    line = np.concatenate((np.zeros(1, dtype=end.dtype), end))
    since, upto = _stretches(line, lot_code, lots.fecha[lot_at], demand_code, fecha, wanted)
    del lot_code, demand_code, balance
    lot_end, vence = np.append(end, line[-1]), np.append(lots.vence[lot_at], NEVER)
    lot_at = np.append(lot_at, -1)
    # Each demand's rows: the lots its stretch [since, upto) crosses, then its shortfall;
    # CHUNK demands at a time, so that the rows' scratch columns stay small.
    parts = []
    for begin in range(0, max(len(wanted), 1), CHUNK):
        at = slice(begin, begin + CHUNK)
        row_demand, lot, quantity = _rows(end, line, lot_end, since[at], upto[at], wanted[at])
        row_demand += begin
        vencido = vence[lot] < fecha[row_demand]  # a shortfall's stand-in lot: NEVER
        parts.append((demand_at[row_demand], lot_at[lot], quantity, vencido))
    del since, upto, wanted, fecha, lot_end, line, end
    demand, lot, quantity, vencido = (np.concatenate(c) for c in zip(*parts, strict=True))
    if np.any(demand[1:] < demand[:-1]):  # demands not given key by key
        order = np.argsort(demand, kind="stable")
        demand, lot, quantity, vencido = demand[order], lot[order], quantity[order], vencido[order]
    return Taken(demand, lot, quantity, vencido)


CHUNK = 65_536  # demands whose rows allocate() makes at a time


def _stretches(
    line: np.ndarray,
    lot_code: np.ndarray,
    lot_fecha: np.ndarray,
    demand_code: np.ndarray,
    fecha: np.ndarray,
    wanted: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Each demand's stretch [since, upto) of the line of lots (module doc: P_j)."""
    # Where its key's lots begin on the line, and where the lots eligible on its date end
    # (lot dates are ordered within a key).
    base = min(lot_fecha.min(initial=0), fecha.min(initial=0))
    width = max(lot_fecha.max(initial=0), fecha.max(initial=0)) - base + 1
    begins = line[np.searchsorted(lot_code, demand_code, "left")]
    reach = line[
        np.searchsorted(
            lot_code * width + (lot_fecha - base), demand_code * width + (fecha - base), "right"
        )
    ]
    # P_j: the key's start + its running demand + the capped running minimum.
    first = np.flatnonzero(np.diff(demand_code, prepend=-1))  # each key's first demand
    sizes = np.diff(np.append(first, len(wanted)))
    running = np.cumsum(wanted)
    running -= np.repeat((running - wanted)[first], sizes)
    slack = reach - begins
    del reach
    slack -= running
    np.minimum(slack, 0, out=slack)
    if len(first):
        for key in np.flatnonzero(np.minimum.reduceat(slack, first) < 0).tolist():
            stretch = slack[first[key] : first[key] + sizes[key]]
            stretch[:] = np.minimum.accumulate(stretch)
    upto = begins + running + slack
    del running, slack
    since = np.empty_like(upto)
    since[1:] = upto[:-1]
    since[first] = begins[first]
    return since, upto


def _rows(
    end: np.ndarray,
    line: np.ndarray,
    lot_end: np.ndarray,
    since: np.ndarray,
    upto: np.ndarray,
    wanted: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rows of demands with stretches [since, upto): (demand, lot, quantity) columns, the
    demand an index into these, the lot len(end) for a shortfall."""
    short = wanted - (upto - since)
    first_lot = np.searchsorted(end, since, "right")
    lots_crossed = np.where(upto > since, np.searchsorted(end, upto, "left") - first_lot + 1, 0)
    counts = lots_crossed + (short > 0)
    row_demand = np.repeat(np.arange(len(wanted)), counts)
    within = np.arange(len(row_demand)) - np.repeat(np.cumsum(counts) - counts, counts)
    from_lot = within < lots_crossed[row_demand]
    # Lot n, past the last, stands in for a shortfall's lot in the arithmetic below.
    lot = np.where(from_lot, first_lot[row_demand] + within, len(end))
    quantity = np.where(
        from_lot,
        np.minimum(upto[row_demand], lot_end[lot]) - np.maximum(since[row_demand], line[lot]),
        short[row_demand],
    )
    return row_demand, lot, quantity


@dataclass(frozen=True)
class Entries:
    """Valued entries as columns, for the average unit values: any order."""

    key: np.ndarray  # the part, as an int64 code shared with the demands'
    fecha: np.ndarray  # int64 day numbers
    quantity: np.ndarray  # int64 or object (`exact`)
    value: np.ndarray  # USD millionths, int64 or object


def prices(entries: Entries, demands: Demands) -> np.ndarray:
    """`valued` over columns (keys as int64 codes shared by both): each demand's USD value in
    millionths, Python integers in an object array (None when its key has no entry dated on or
    before it with a quantity): its quantity times the weighted-average unit value of those
    entries, rounded half up."""
    order = np.lexsort((entries.fecha, entries.key))
    key, fecha = entries.key[order], entries.fecha[order]
    # Each entry's key's running sums up to it, as Python integers (exact however large).
    sums = []
    first = np.flatnonzero(np.diff(key, prepend=-1)) if len(key) else np.zeros(0, np.int64)
    starts = np.repeat(first, np.diff(np.append(first, len(key))))
    for column in (entries.quantity, entries.value):
        running = np.concatenate(([0], np.cumsum(column[order].astype(object))))
        sums.append(running[1:] - running[starts])
    # The last entry of the demand's key dated on or before it (keys and dates ordered).
    base = min(fecha.min(initial=0), demands.fecha.min(initial=0))
    width = max(fecha.max(initial=0), demands.fecha.max(initial=0)) - base + 1
    at = (
        np.searchsorted(
            key * width + (fecha - base), demands.key * width + (demands.fecha - base), "right"
        )
        - 1
    )
    found = at >= 0
    found[found] = key[at[found]] == demands.key[found]
    quantity, value = (np.append(column, 0)[np.where(found, at, -1)] for column in sums)
    found &= quantity != 0
    out = np.full(len(at), None, dtype=object)
    wanted = demands.quantity[found].astype(object)
    out[found] = (wanted * value[found] * 2 + quantity[found]) // (2 * quantity[found])
    return out


def _codes(lot_keys: np.ndarray, demand_keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each key as a small integer (int64), the same for lots and demands: integer keys are
    codes already; other keys get their rank among all keys."""
    if lot_keys.dtype != object and demand_keys.dtype != object:
        return lot_keys, demand_keys
    rank = {key: n for n, key in enumerate(sorted(set(lot_keys) | set(demand_keys)))}
    return tuple(
        np.fromiter(map(rank.__getitem__, keys), dtype=np.int64, count=len(keys))
        for keys in (lot_keys, demand_keys)
    )  # type: ignore[return-value]
