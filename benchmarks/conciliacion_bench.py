"""Benchmark: the inventory conciliation of a big client's year (issue 15, item 3). On a copy of
benchmarks/bigdb.py's database, the corporate system declares 2025's initial and final inventory
of each of its 2,000 materials (`import inventarios`); then `conciliacion.conciliate` for that
year is timed (best of 3). Floor, in the same run: reading the rows it cannot do without (the
year's exits exploded through the BOM, and its lots), with no arithmetic.

    .venv/bin/python benchmarks/conciliacion_bench.py [--scale 0.1]
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import bigdb
import discharge_bench

from brokertui.core import db as store
from brokertui.core.anexo24 import conciliacion, interfaces

DESDE, HASTA = date(2025, 1, 1), date(2025, 12, 31)


def best(work, times: int = 3) -> float:
    seconds = []
    for _ in range(times):
        began = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - began)
    return min(seconds)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.1)
    scale = parser.parse_args().scale
    source = bigdb.build(scale)
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "big.db"
        shutil.copy(source, copy)
        db = store.connect(copy)
        declared = Path(tmp) / "inventarios.csv"
        with declared.open("w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(interfaces.COLUMNS["inventarios"])
            writer.writerows(
                [f"M{m:05d}", DESDE.isoformat(), HASTA.isoformat(), "1000", "900"]
                for m in range(discharge_bench.MATERIALS)
            )
        began = time.perf_counter()
        interfaces.import_file(db, "inventarios", declared, bigdb.RFC)
        imported = time.perf_counter() - began
        client_id = db.execute("SELECT id FROM clients WHERE rfc = ?", [bigdb.RFC]).fetchone()[0]
        params = {"client": client_id, "desde": DESDE.isoformat(), "hasta": HASTA.isoformat()}
        demands = len(db.execute(conciliacion._EXITS, params).fetchall())
        lines: list = []
        took = best(lambda: lines.extend(conciliacion.conciliate(db, bigdb.RFC, DESDE, HASTA)))
        floor = best(
            lambda: (
                db.execute(conciliacion._EXITS, params).fetchall(),
                db.execute(conciliacion._ENTRADAS, params).fetchall(),
            )
        )
        db.close()
    print(
        f"scale {scale:g}: {discharge_bench.MATERIALS:,} materials declared in {imported:.2f} s; "
        f"conciliation of {DESDE.year} ({demands:,} exploded demands): {took:.2f} s, floor "
        f"(reading those demands and the year's lots) {floor:.2f} s, ratio {took / floor:.1f}x"
    )


if __name__ == "__main__":
    main()
