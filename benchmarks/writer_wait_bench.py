"""Benchmark: how long colleagues' short writes wait behind a long job (issue 12, item 4).

Four writer processes, each on its own connection, loop over short writes (a client's razón
social, an ajuste of another client) with a 50 ms pause between two, recording how long each
write takes (its wait for the write lock included; one refused after the 10 s busy timeout
counts as refused). While they write, the benchmark process runs each long job on the same
database file: (a) an entradas interface import of 500,000 rows, (b) a discharge run of
1,000,000 demands (200,000 product exits exploded through 5-material BOMs; the data of
discharge_bench.py). The floor is the same writers with no long job, in the same run. Printed
per job: the writes, the refused ones, max and p95 wait against the floor, and the job's own
longest write transaction. Goal: no write waits more than 1 s.

    .venv/bin/python benchmarks/writer_wait_bench.py [--scale 1]

--scale 1 is the sizes above (several minutes); the default, 0.1, runs in one or two.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).parent))

import discharge_bench

from brokertui.core import db as store
from brokertui.core.anexo24 import ajustes, interfaces
from brokertui.core.anexo24 import ledger as discharge
from brokertui.core.errors import DatabaseBusy
from brokertui.core.registry import clients

if TYPE_CHECKING:
    from sqlite_utils import Database

RFC = discharge_bench.RFC  # the client of the long jobs
OTHER = "BMA2211187E1"  # the writers' ajustes go to another client
WRITERS = 4
PAUSE = 0.05  # seconds between two writes of one writer
FLOOR_SECONDS = 10
SPAWN = multiprocessing.get_context("spawn")


def _writer(path: str, number: int, started, stop, results) -> None:
    """Short writes in a loop until `stop`; puts (waits in seconds, refused count)."""
    db = store.connect(path)
    ajuste = {
        "fecha": "2026-03-01",
        "tipo": "faltante",
        "numero_parte": "MAT-W",
        "cantidad": "1",
        "motivo": "benchmark",
    }
    waits, refused, turn = [], 0, 0
    started.release()
    while not stop.is_set():
        turn += 1
        began = time.perf_counter()
        try:
            if turn % 2:
                name = f"Maquiladora Alfa {number}-{turn} SA"
                clients.update_client(db, RFC, {"razon_social": name})
            else:
                ajustes.add_ajustes(db, OTHER, [(1, ajuste)], f"w{number}-{turn}.csv")
            waits.append(time.perf_counter() - began)
        except DatabaseBusy:
            refused += 1
        time.sleep(PAUSE)
    db.close()
    results.put((waits, refused))


def with_writers(path: Path, job) -> tuple[list[float], int, float]:
    """Run `job()` while the writers write; their waits, refused writes and the job's time."""
    started, stop, results = SPAWN.Semaphore(0), SPAWN.Event(), SPAWN.Queue()
    processes = [
        SPAWN.Process(target=_writer, args=(str(path), n, started, stop, results))
        for n in range(WRITERS)
    ]
    for process in processes:
        process.start()
    for _ in processes:
        started.acquire()
    began = time.perf_counter()
    job()
    seconds = time.perf_counter() - began
    stop.set()
    waits, refused = [], 0
    for _ in processes:
        more, failed = results.get()
        waits += more
        refused += failed
    for process in processes:
        process.join()
    return waits, refused, seconds


class Holds:
    """The job's write transactions, BEGIN IMMEDIATE to the end of COMMIT: db.transaction,
    through which the long jobs' turns and last transactions go, timed on the job's
    connection (its claims, a few milliseconds, go through a name imported before)."""

    def __init__(self, db):
        self.db, self.longest, self.count = db, 0.0, 0
        self.original = original = store.transaction

        @contextlib.contextmanager
        def timed(db: Database) -> Iterator[Database]:
            outer, began = db.conn.in_transaction, time.perf_counter()
            with original(db) as joined:
                yield joined
            if db is self.db and not outer:
                self.longest = max(self.longest, time.perf_counter() - began)
                self.count += 1

        store.transaction = timed

    def reset(self) -> None:
        self.longest, self.count = 0.0, 0

    def stop(self) -> None:
        store.transaction, self.db = self.original, None


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] if ordered else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.1, help="1 = 500,000 rows, 1M demands")
    scale = parser.parse_args().scale
    lots, exits = int(500_000 * scale), int(200_000 * scale)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = discharge_bench.generate(folder, exits, lots)
        path = folder / "bench.db"
        db = store.connect(path)
        clients.add_client(db, {"rfc": RFC, "razon_social": "Maquiladora Alfa SA"})
        clients.add_client(db, {"rfc": OTHER, "razon_social": "Bajío Máquinas SA"})
        for kind in ("materiales", "productos", "bom"):
            interfaces.import_file(db, kind, files[kind], RFC)
        material = [["MAT-W", "Material", "72085101", "1", "1", "1", "directo"]]
        interfaces.import_rows(
            db,
            "materiales",
            (
                (n + 2, dict(zip(interfaces.COLUMNS["materiales"], row, strict=True)))
                for n, row in enumerate(material)
            ),
            OTHER,
            "materiales.csv",
            "bench",
        )
        holds = Holds(db)
        rows: list[tuple[str, list[float], int, float, float | None, int]] = []
        waits, refused, seconds = with_writers(path, lambda: time.sleep(FLOOR_SECONDS))
        rows.append(("floor (no long job)", waits, refused, seconds, None, 0))
        holds.reset()
        waits, refused, seconds = with_writers(
            path, lambda: interfaces.import_file(db, "entradas", files["entradas"], RFC)
        )
        rows.append(
            (f"import {lots:,} entradas", waits, refused, seconds, holds.longest, holds.count)
        )
        interfaces.import_file(db, "salidas", files["salidas"], RFC)
        holds.reset()
        outcome = {}

        def run() -> None:
            outcome["result"] = discharge.run(db, RFC, hasta=date(2027, 1, 1))

        waits, refused, seconds = with_writers(path, run)
        demands = outcome["result"].demands
        rows.append(
            (f"discharge {demands:,} demands", waits, refused, seconds, holds.longest, holds.count)
        )
        holds.stop()
        db.close()
    floor_max, floor_p95 = max(rows[0][1]), p95(rows[0][1])
    print(f"{WRITERS} writers, {PAUSE * 1000:.0f} ms between writes; waits in seconds")
    print(
        f"{'job':28} {'time':>7} {'writes':>7} {'refused':>7} {'max':>7} {'p95':>7} "
        f"{'max/floor':>9} {'p95/floor':>9} {'job longest tx':>15}"
    )
    for name, waits, refused, seconds, longest, count in rows:
        held = "" if longest is None else f"{longest:.3f} of {count}"
        print(
            f"{name:28} {seconds:7.1f} {len(waits):7,} {refused:7,} {max(waits):7.3f} "
            f"{p95(waits):7.3f} {max(waits) / floor_max:9.1f} {p95(waits) / floor_p95:9.1f} "
            f"{held:>15}"
        )
    worst = max(max(w) for _, w, *_ in rows)
    refused = sum(r for _, _, r, *_ in rows)
    verdict = "met" if worst <= 1.0 and not refused else "NOT met"
    print(
        f"goal (no write waits more than 1 s): {verdict} (worst {worst:.3f} s, {refused} refused)"
    )


if __name__ == "__main__":
    main()
