"""Benchmark: a year of Data Stage deliveries for 50 clients imported in one go from a folder
(issue 13, item 7): 12 monthly zips per client (600 zips; by default 20 pedimentos of 10
partidas each, all 26 members filled as in datastage_bench.py), each client's zips in its own
subfolder, imported by `batch.import_folder` (what `brokertui import datastage CARPETA`
runs) with one progress report for the whole folder, side by side with its floor, measured in
the same run: the sqlite3 shell's `.import` of every member file of every zip into bare tables
(one shell, one transaction). Run by hand (needs the `sqlite3` shell on PATH):

    .venv/bin/python benchmarks/datastage_folder_bench.py [clients] [pedimentos_a_month] [partidas]

Both are timed by wall clock and by CPU (on a loaded machine the wall clock mostly measures
the wait for a CPU). Then the folder is imported again: every zip is recognised, nothing
changes.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import date
from itertools import pairwise
from pathlib import Path

from stdnum.mx.rfc import calc_check_digit

from brokertui.core import db as store
from brokertui.core.anexo24 import entries  # noqa: F401  (its listener runs after each zip, as in the CLI)
from brokertui.core.pedimentos.datastage import batch
from brokertui.core.pedimentos.datastage import build as datastage_build
from brokertui.core.registry import clients

sys.path.insert(0, str(Path(__file__).parent))
import datastage_bench  # the pedimentos and members as that benchmark fills them

MONTHS = 12


def rfc(client: int) -> str:
    body = f"MAQ{(client % 28) + 1:02d}0101{chr(65 + client // 26 % 26)}{chr(65 + client % 26)}"
    return body + calc_check_digit(body)


def delivery(client: int, month: int, count: int, per: int) -> list[dict]:
    """One client's month: `count` pedimentos paid that month, numbered apart from all others."""
    peds = datastage_bench.pedimentos(count, per)
    for n, p in enumerate(peds):
        paid = date(2026, month + 1, 1 + n % 28)
        sequence = (client * MONTHS + month) * count + n + 1
        p |= {
            "numero": f"26243953{6_000_000 + sequence:07d}",
            "rfc": rfc(client),
            "nombre": f"MAQUILADORA {client:02d}",
            "pagado": f"{paid} 10:00:00",
            "entrada": str(paid),
        }
    return peds


def write_folder(folder: Path, count_clients: int, count: int, per: int) -> int:
    """The year's zips, a subfolder per client; how many rows they hold in all."""
    rows = 0
    for client in range(count_clients):
        for month in range(MONTHS):
            folio = 1_000_000 + client * MONTHS + month
            path = folder / rfc(client) / f"{folio}_Solicitudes.zip"
            path.parent.mkdir(parents=True, exist_ok=True)
            datastage_build.write_zip(path, delivery(client, month, count, per), folio=str(folio))
            with zipfile.ZipFile(path) as archive:
                rows += sum(archive.read(n).count(b"\n") - 1 for n in archive.namelist())
    return rows


def floor(folder: Path, work: Path, db: Path) -> tuple[float, float]:
    """Every member file of every zip into its member's bare table with the sqlite3 shell's
    `.import` (the zips extracted first, not timed), one transaction: wall and CPU seconds."""
    script = [".mode list", ".separator |", "BEGIN;"]
    created: set[str] = set()
    for n, path in enumerate(sorted(folder.rglob("*.zip"))):
        target = work / f"z{n}"
        with zipfile.ZipFile(path) as archive:
            archive.extractall(target)
        for member in sorted(target.iterdir()):
            table = f"m{member.stem.split('_')[1]}"
            skip = "--skip 1 " if table in created else ""  # the header: once, as the columns
            script.append(f".import {skip}{member} {table}")
            created.add(table)
    script.append("COMMIT;")
    began, cpu = time.perf_counter(), datastage_bench.cpu_children()
    subprocess.run(
        ["sqlite3", str(db)], input="\n".join(script), text=True, check=True, capture_output=True
    )
    return time.perf_counter() - began, datastage_bench.cpu_children() - cpu


def ours(folder: Path, db_path: Path, count_clients: int):
    """The folder imported into a new database with its clients registered: wall and CPU
    seconds, the summary, the progress reports' totals and whether they only went forward."""
    db = store.connect(db_path)
    for client in range(count_clients):
        clients.add_client(db, {"rfc": rfc(client), "razon_social": f"Maquiladora {client:02d}"})
    seen: list[tuple[int, int]] = []
    began, cpu = time.perf_counter(), time.process_time()
    summary = batch.import_folder(db, folder, progress=lambda d, t, s: seen.append((d, t)))
    wall, cpu = time.perf_counter() - began, time.process_time() - cpu
    forward = all(a[0] <= b[0] for a, b in pairwise(seen))
    began = time.perf_counter()
    again = batch.import_folder(db, folder)
    repeat = time.perf_counter() - began
    db.close()
    return wall, cpu, summary, ({t for _, t in seen}, forward), (repeat, again)


def main() -> None:
    count_clients = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    per = int(sys.argv[3]) if len(sys.argv) > 3 else 10
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        rows = write_folder(work / "entregas", count_clients, count, per)
        wall, cpu, summary, (totals, forward), (repeat, again) = ours(
            work / "entregas", work / "bench.db", count_clients
        )
        low = floor(work / "entregas", work / "members", work / "floor.db")
    t = summary.totals
    print(
        f"folder: {summary.zips} zips ({count_clients} clients x {MONTHS} months), {rows:,} rows "
        f"in all members, {t['nuevos']:,} pedimentos, {t['nuevos'] * per:,} partidas; "
        f"refused {len(summary.rechazados)}"
    )
    print(f"progress: {len(totals)} total(s) reported (one bar), only forward: {forward}")
    print(f"brokertui import datastage CARPETA: {wall:.2f} s, CPU {cpu:.2f} s")
    print(f"floor, sqlite3 shell .import of every member file: {low[0]:.2f} s, CPU {low[1]:.2f} s")
    print(f"ratio: {wall / low[0]:.2f}x wall, {cpu / low[1]:.2f}x CPU")
    print(
        f"same folder again: {repeat * 1000:.0f} ms, {again.already} of {again.zips} zips "
        f"recognised, nuevos {again.totals['nuevos']}"
    )


if __name__ == "__main__":
    main()
