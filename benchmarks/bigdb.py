"""The big database the screen and export benchmarks share: one client's year at `scale`
(1.0 = 1,000,000 demands from 200,000 exits over 500,000 lots, about 1.1 M allocations, and
100,000 pedimentos), plus other clients for F3. Built once per scale through the product's
own imports and discharge (discharge_bench.generate's data) and kept in var/bench/, since
building the 1.0 scale takes a few minutes; a newer schema migrates it on open."""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from brokertui.core import db as store
from brokertui.core.anexo24 import interfaces
from brokertui.core.anexo24 import ledger as discharge
from brokertui.core.pedimentos.datastage import build as datastage_build
from brokertui.core.pedimentos.datastage import importer as datastage
from brokertui.core.registry import clients

sys.path.insert(0, str(Path(__file__).parent))
import datastage_bench
import discharge_bench

RFC = discharge_bench.RFC
FOLDER = Path(__file__).resolve().parent.parent / "var" / "bench"
HASTA = date(2027, 1, 1)


def sizes(scale: float) -> dict[str, int]:
    return {
        "exits": round(200_000 * scale),
        "lots": round(500_000 * scale),
        "pedimentos": round(100_000 * scale),
        "clients": max(20, round(2_000 * scale)),
    }


def path(scale: float) -> Path:
    return FOLDER / f"big-{scale:g}.db"


def add_pedimentos(db, work: Path, count: int) -> None:
    """`count` pedimentos of 2 partidas, in Data Stage deliveries of at most 40,000 (the
    importer refuses more than 50,000 in one)."""
    every = datastage_bench.pedimentos(count, 2)
    for start in range(0, count, 40_000):
        folio = f"{1875724 + start // 40_000}"
        zip_path = datastage_build.write_zip(
            work / f"{folio}_Solicitudes.zip", every[start : start + 40_000], folio=folio
        )
        datastage.import_zip(db, zip_path)


def build(scale: float) -> Path:
    """The database at `scale`, built unless already there."""
    target = path(scale)
    if target.exists():
        return target
    n = sizes(scale)
    FOLDER.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    for stale in FOLDER.glob(partial.name + "*"):
        stale.unlink()
    began = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        files = discharge_bench.generate(work, n["exits"], n["lots"])
        db = store.connect(partial)
        clients.add_client(db, {"rfc": RFC, "razon_social": "Maquiladora Alfa SA"})
        for kind, csv_path in files.items():
            interfaces.import_file(db, kind, csv_path, RFC)
        discharge.run(db, RFC, hasta=HASTA)
        add_pedimentos(db, work, n["pedimentos"])
        for k in range(n["clients"]):
            letters = "".join("ABCDEFGHJKLMNPRSTUVWXYZ"[k // 23**i % 23] for i in range(3))
            clients.add_client(
                db,
                {"rfc": f"{letters}9001{k % 28 + 1:02d}AB{k % 10}", "razon_social": f"CLIENTE {k}"},
                force=True,
            )
        db.close()
    for suffix in ("-wal", "-shm", ".lock"):
        Path(str(partial) + suffix).unlink(missing_ok=True)
    shutil.move(partial, target)
    print(f"built {target} in {time.perf_counter() - began:.0f} s", file=sys.stderr)
    return target


if __name__ == "__main__":
    print(build(float(sys.argv[1]) if len(sys.argv) > 1 else 0.1))
