"""Benchmark: the F4 list's first page and count with a search (issue 16, item 1), on one
client's 3,000 pedimentos of 30 partidas (90,000 partidas), and the palette's jump. Its floor,
measured in the same run on the same data: the first page and count without a search. Run by
hand:

    .venv/bin/python benchmarks/search_bench.py [PEDIMENTOS] [PARTIDAS]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from datastage_bench import RFC, pedimentos  # the same generated deliveries

from brokertui.core import db as store
from brokertui.core.pedimentos import store as pedimento_store
from brokertui.core.pedimentos.datastage import build as datastage_build
from brokertui.core.pedimentos.datastage import importer as datastage
from brokertui.core.registry import clients

SEARCHES = {
    "número, patente y consecutivo": "3953 6001234",
    "número, 7 dígitos": "6001234",
    "fracción": "8544",
    "número de parte": "p-49",
    "proveedor (no está)": "resinas",
    "clave y periodo": "IN 2026-01-05..2026-01-10",
}


def best(action, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return min(times)


def first_page(database, search: str | None) -> None:
    pedimento_store.count_pedimentos(database, rfc=RFC, search=search)
    pedimento_store.list_pedimentos(database, rfc=RFC, search=search, limit=100)


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 3_000
    per = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        database = store.connect(work / "bench.db")
        clients.add_client(database, {"rfc": RFC, "razon_social": "Maquiladora Alfa SA"})
        datastage.import_zip(
            database, datastage_build.write_zip(work / "d.zip", pedimentos(count, per))
        )
        floor = best(lambda: first_page(database, None))
        print(f"{count} pedimentos × {per} partidas; floor (no search): {floor * 1000:.1f} ms")
        for what, text in SEARCHES.items():
            took = best(lambda text=text: first_page(database, text))
            found = pedimento_store.count_pedimentos(database, rfc=RFC, search=text)
            print(
                f"  {what:32} {text!r:28} {found:5} found  {took * 1000:7.1f} ms"
                f"  ({took / floor:.1f}× floor)"
            )
        took = best(lambda: pedimento_store.find_numeros(database, "6001234"))
        print(f"  palette jump '6001234': {took * 1000:.1f} ms ({took / floor:.1f}× floor)")


if __name__ == "__main__":
    main()
