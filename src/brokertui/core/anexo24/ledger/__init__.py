"""The discharge ledger: runs of the FIFO engine (anexo24/fifo.py) over a client's entries and
exits, their append-only allocation rows, undo, and re-running from a date.

Balances are derived from the ledger: a lot's balance is its quantity minus the allocations in
force (`active_allocations`: of committed runs, not reversed by a committed run, found by index
through `allocations.reversed_by`, with no lookup per row among the runs, so that reads cost the
same however many runs were committed (migration 0036); `allocation_reversals` keeps the
history). A run writes its reversals in turns before its commit, which flips its status with
`pending_marks` set: its reversals hide their rows until it has written `reversed_by` on them,
in turns after (migration 0031). An undo sets the flag again, clears `reversed_by` in turns,
then flips the status, and marks the run's own rows reversed_by = their run, out of the index of
rows in force. Marks an interrupted commit or undo (or one a colleague's run raced) left to
write are written by the next commit or undo (`store.tidy_client`), so the index holds only the
rows in force once they are done. Each lot's balance is also kept (lot_balances: what the
allocations in force took from it, and whether that used it up), moved by store's `_balance` in
the transaction that commits or undoes a run, so the saldos reports read their pages by index;
check() compares it with the allocations it sums. A run from a date first reverses every
allocation in force of exits on or after that date, then discharges them again with everything
before it, so a late entry or exit ends as if it had come in order. A run without a date finds
that date itself when late data needs it.

A client's ledger is in one of three modes (`Client.ledger_mode`): `cantidad`, the quantity
per part number, `valor`, the USD value per fracción arancelaria (Anexo 24, Apartado A,
módulo de salidas, the paragraph on certified companies), or `pedimento`, the USD value a
nivel pedimento (Apartado B, módulo de procesos, proceso de descargos, numeral 5). By value
each material consumed is priced at the weighted-average unit value of its temporary entries up
to the exit's date (an open question: neither Anexo 24 nor the issue fixes the rule), the
values of an exit are summed per fracción (or, a nivel pedimento, into one amount), and the
engine discharges them from the oldest lots of that fracción (or the oldest pedimento), whose
amount is the entry's `valor_usd`. A nivel pedimento, "el saldo en pedimentos de importación se
interpretará que corresponde a las mercancías con tasa arancelaria mayor, contenida en el
pedimento" (the paragraph after numeral 5): so within a pedimento its partidas are discharged
lowest IGI rate first (contributions.TASA_IGI; an unknown rate counts as the highest), and what is
left of it is the value of the goods with the highest rate. An exit with a material that has no
valued entry yet stays pending, whole, and is reported.

A run never holds the write lock for long (issue 12): it claims the client (its row, status
'escribiendo', one run per client at a time), computes from one snapshot outside any write
transaction, writes its rows in turns of short transactions (db.turns; nothing reads a run
that is not committed), and commits in a last short transaction that checks the client's data
did not change meanwhile (else the rows are discarded and the run computed again).

The package's modules, each named for what it does: modes (a client's ledger mode), columns
(what the engine reads), compute (what a run computes in its snapshot), balance_deltas (what it
changes in the kept balances), store (the one writer of the ledger's tables: a run's claim,
rows, commit, marks and the undo), runner (a run, whole), in_force, exports and overview (what
F5 and the exports read), checks (the invariants). Callers use the names below.
"""

from brokertui.core.anexo24.ledger.checks import check
from brokertui.core.anexo24.ledger.exports import (
    EXPORT_COLUMNS,
    export_columns,
    export_rows,
    export_table,
)
from brokertui.core.anexo24.ledger.in_force import (
    ALLOCATION_ORDER,
    ALLOCATION_SORTS,
    INDEXED_SORTS,
    allocations,
    count_allocations,
)
from brokertui.core.anexo24.ledger.modes import LOT_AMOUNT, MODES, mode, set_mode
from brokertui.core.anexo24.ledger.overview import (
    PENDING_SORTS,
    count_pending,
    pending,
    runs,
    summary,
)
from brokertui.core.anexo24.ledger.result import RunResult
from brokertui.core.anexo24.ledger.runner import PREVIEW, run
from brokertui.core.anexo24.ledger.store import undo_last
from brokertui.core.progress import Progress

__all__ = [
    "ALLOCATION_ORDER",
    "ALLOCATION_SORTS",
    "EXPORT_COLUMNS",
    "INDEXED_SORTS",
    "LOT_AMOUNT",
    "MODES",
    "PENDING_SORTS",
    "PREVIEW",
    "Progress",
    "RunResult",
    "allocations",
    "check",
    "count_allocations",
    "count_pending",
    "export_columns",
    "export_rows",
    "export_table",
    "mode",
    "pending",
    "run",
    "runs",
    "set_mode",
    "summary",
    "undo_last",
]
