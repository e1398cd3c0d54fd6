"""Benchmark: import a Data Stage zip of 100,000 partidas (10,000 pedimentos x 10), side by
side with loading the same rows with the sqlite3 shell's `.import`. Target (issue 4): no more
than 3x the shell. Run by hand (needs the `sqlite3` shell on PATH):

    .venv/bin/python benchmarks/datastage_bench.py [pedimentos] [partidas_per_pedimento]
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import date, timedelta
from pathlib import Path

from brokertui.core import db as store
from brokertui.core.pedimentos.datastage import build as datastage_build
from brokertui.core.pedimentos.datastage import importer as datastage
from brokertui.core.registry import clients

RFC = "MAB9307148T4"
PARTS = [
    ("85389099", "PARTES PARA INTERRUPTOR"),
    ("39269099", "SOPORTE PLASTICO"),
    ("72085101", "LAMINA DE ACERO"),
    ("85444204", "CABLE CONDUCTOR"),
]


def pedimentos(count: int, per: int) -> list[dict]:
    start = date(2026, 1, 2)
    result = []
    for n in range(count):
        paid = start + timedelta(days=n % 28)
        partidas = [
            dict(
                fraccion=PARTS[i % 4][0],
                nico="99",
                descripcion=PARTS[i % 4][1],
                parte=f"P-{i % 50}",
                precio="12.50000",
                aduana="2281.00",
                comercial="2281.00",
                usd=f"{125 + i}.00",
                umc_qty="10.000",
                umc="6",
                umt_qty="1.25000",
                umt="1",
                pais="USA",
            )
            for i in range(per)
        ]
        result.append(
            dict(
                numero=f"2624{n // 900000 + 3953:04d}6{n % 900000 + 1:06d}",
                rfc=RFC,
                nombre="MAQUILADORA ALFA",
                clave="IN",
                tipo_operacion="1",
                tipo_cambio="18.00120",
                pagado=f"{paid} 10:00:00",
                entrada=str(paid),
                facturas=[(f"F-{n}", f"{paid} 00:00:00", "FCA", "USD", "1250.00", "ACME")],
                identificadores=[("IM", "1204-2006", "")],
                partidas=partidas,
            )
        )
    return result


def shell_import(zip_path: Path, work: Path) -> float:
    """Load every member of the zip into its own table with the sqlite3 shell's .import."""
    members = work / "members"
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(members)
    script = [".mode list", ".separator |"]
    for member in sorted(members.iterdir()):
        script.append(f".import {member} m{member.stem.split('_')[1]}")
    db = work / "shell.db"
    began = time.perf_counter()
    subprocess.run(
        ["sqlite3", str(db)], input="\n".join(script), text=True, check=True, capture_output=True
    )
    return time.perf_counter() - began


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    per = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    if not shutil.which("sqlite3"):
        sys.exit("The sqlite3 shell is needed for the side-by-side measure.")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        zip_path = datastage_build.write_zip(
            work / "1875724_Solicitudes.zip", pedimentos(count, per)
        )
        rows = 0
        with zipfile.ZipFile(zip_path) as archive:
            for name in archive.namelist():
                rows += archive.read(name).count(b"\n") - 1
        database = store.connect(work / "bench.db")
        clients.add_client(database, {"rfc": RFC, "razon_social": "Maquiladora Alfa SA"})
        began = time.perf_counter()
        result = datastage.import_zip(database, zip_path)
        ours = time.perf_counter() - began
        began = time.perf_counter()
        again = datastage.import_zip(database, zip_path)
        repeat = time.perf_counter() - began
        shell = shell_import(zip_path, work)
        size = zip_path.stat().st_size
    print(
        f"zip: {size / 1e6:.1f} MB, {rows:,} rows in all members, "
        f"{result.pedimentos:,} pedimentos, {result.partidas:,} partidas"
    )
    print(f"brokertui import (validated, one transaction): {ours:.2f} s")
    print(f"sqlite3 shell .import (raw text, no checks):   {shell:.2f} s")
    print(f"ratio: {ours / shell:.2f}x (target <= 3x)")
    print(f"same zip again: {repeat * 1000:.0f} ms, already_imported={again.already_imported}")


if __name__ == "__main__":
    main()
