"""Benchmark: import a Data Stage zip of 100,000 partidas (10,000 pedimentos x 10) with all 26
members filled as in a real IMMEX delivery (per pedimento: transporte, guía, contenedor, two
tasas, two contribuciones, an observación, a selección; per partida: its contribución, two
tasas, an observación with its part number, a permiso every fifth, a serie every tenth), side
by side with loading the same member files with the sqlite3 shell's `.import` (the floor, in
the same run). Target (issue 13, item 7): no more than 3x the shell. Run by hand (needs the
`sqlite3` shell on PATH, else see below):

    .venv/bin/python benchmarks/datastage_bench.py [pedimentos] [partidas_per_pedimento] [runs]

Without the shell, the floor is Python's csv + executemany into bare tables (it says so).
Both are timed by wall clock and by CPU (on a loaded machine the wall clock mostly measures
the wait for a CPU); the best of the runs of each is kept.
"""

from __future__ import annotations

import csv
import resource
import shutil
import sqlite3
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


def members(per: int) -> dict[str, list[dict]]:
    """The rows of the members with tables of their own for one pedimento of `per` partidas."""
    rows: dict[str, list[dict]] = {
        "502": [{"RfcTransportista": "TRA010101AAA", "NombreTransportista": "FLETES DEL NORTE"}],
        "503": [{"NumeroGuia": "MAWB-0001", "TipoGuia": "M"}],
        "504": [{"NumContenedor": "MSKU1234567", "TipoContenedor": "3"}],
        "509": [
            {"ClaveContribucion": c, "TasaContribucion": "16.00", "TipoTasa": "1"}
            for c in ("3", "6")
        ],
        "510": [
            {"ClaveContribucion": c, "FormaPago": "0", "ImportePago": "352"} for c in ("1", "15")
        ],
        "511": [{"SecuenciaObservacion": "1", "Observaciones": "MERCANCIA NUEVA"}],
        "SEL": [{"ConsecutivoRemesa": "1", "FechaSeleccion": "2026-01-05", "SemaforoFiscal": "1"}],
    }
    for sec in range(1, per + 1):
        partida = {"Fraccion": PARTS[(sec - 1) % 4][0], "SecuenciaFraccion": str(sec)}
        for clave in ("6", "3"):
            rows.setdefault("556", []).append(
                partida | {"ClaveContribucion": clave, "TasaContribucion": ".00", "TipoTasa": "1"}
            )
        rows.setdefault("558", []).append(
            partida | {"SecuenciaObservacion": "1", "Observaciones": f"No. De parte: P-{sec}"}
        )
        if sec % 5 == 0:
            rows.setdefault("553", []).append(
                partida
                | {"ClavePermiso": "C1", "NumeroPermiso": "1234", "ValorComercialDolares": "5."}
            )
        if sec % 10 == 0:
            rows.setdefault("552", []).append(partida | {"VinNumeroSerie": f"SN-{sec}"})
    return rows


def pedimentos(count: int, per: int) -> list[dict]:
    extra = members(per)
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
                miembros=extra,
            )
        )
    return result


def cpu_children() -> float:
    """CPU seconds of the finished child processes (the sqlite3 shell of the floor)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def shell_import(members: Path, db: Path) -> tuple[float, float]:
    """The floor: every member file into its own bare table with the sqlite3 shell's .import
    (wall and CPU seconds)."""
    script = [".mode list", ".separator |"]
    for member in sorted(members.iterdir()):
        script.append(f".import {member} m{member.stem.split('_')[1]}")
    began, cpu = time.perf_counter(), cpu_children()
    subprocess.run(
        ["sqlite3", str(db)], input="\n".join(script), text=True, check=True, capture_output=True
    )
    return time.perf_counter() - began, cpu_children() - cpu


def python_floor(members: Path, db: Path) -> tuple[float, float]:
    """The floor when the shell is missing: csv + executemany into bare tables, one
    transaction (wall and CPU seconds)."""
    began, cpu = time.perf_counter(), time.process_time()
    connection = sqlite3.connect(db)
    with connection:
        for member in sorted(members.iterdir()):
            with member.open(encoding="latin-1", newline="") as stream:
                reader = csv.reader(stream, delimiter="|", quoting=csv.QUOTE_NONE)
                header = next(reader)
                columns = ", ".join(f'"c{n}"' for n in range(len(header)))
                table = f"m{member.stem.split('_')[1]}"
                connection.execute(f"CREATE TABLE {table} ({columns})")
                marks = ", ".join("?" * len(header))
                connection.executemany(f"INSERT INTO {table} VALUES ({marks})", reader)
    connection.close()
    return time.perf_counter() - began, time.process_time() - cpu


def ours(zip_path: Path, db: Path):
    """brokertui's import of the zip into a new database (wall and CPU seconds, result)."""
    database = store.connect(db)
    clients.add_client(database, {"rfc": RFC, "razon_social": "Maquiladora Alfa SA"})
    began, cpu = time.perf_counter(), time.process_time()
    result = datastage.import_zip(database, zip_path)
    wall, cpu = time.perf_counter() - began, time.process_time() - cpu
    began = time.perf_counter()
    again = datastage.import_zip(database, zip_path)
    repeat = time.perf_counter() - began
    database.close()
    return wall, cpu, result, (repeat, again)


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    per = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    shell = shutil.which("sqlite3")
    floor, floor_name = (
        (shell_import, "sqlite3 shell .import")
        if shell
        else (python_floor, "csv + executemany (no sqlite3 shell on PATH)")
    )
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        zip_path = datastage_build.write_zip(
            work / "1875724_Solicitudes.zip", pedimentos(count, per)
        )
        with zipfile.ZipFile(zip_path) as archive:
            archive.extractall(work / "members")
            rows = sum(archive.read(n).count(b"\n") - 1 for n in archive.namelist())
        mine, base = [], []
        for run in range(runs):  # alternated, so both see the same load of the machine
            wall, cpu, result, (repeat, again) = ours(zip_path, work / f"bench{run}.db")
            mine.append((wall, cpu))
            base.append(floor(work / "members", work / f"floor{run}.db"))
        size = zip_path.stat().st_size
    best = [min(m[i] for m in mine) for i in (0, 1)]
    low = [min(b[i] for b in base) for i in (0, 1)]
    print(
        f"zip: {size / 1e6:.1f} MB, 26 members, {rows:,} rows in all, "
        f"{result.pedimentos:,} pedimentos, {result.partidas:,} partidas; best of {runs}"
    )
    print(f"brokertui import (validated, one transaction): {best[0]:.2f} s, CPU {best[1]:.2f} s")
    print(f"floor, {floor_name}: {low[0]:.2f} s, CPU {low[1]:.2f} s")
    print(f"ratio: {best[0] / low[0]:.2f}x wall, {best[1] / low[1]:.2f}x CPU (target <= 3x)")
    print(f"same zip again: {repeat * 1000:.0f} ms, already_imported={again.already_imported}")


if __name__ == "__main__":
    main()
