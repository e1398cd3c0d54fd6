"""Benchmark: the FIFO discharge end to end, from interface files to the committed ledger.

Realistic data for one client: 2,000 materials, 1,000 products with 5-material BOMs,
500,000 entry lines (lots) and 200,000 product exits, which the BOM explodes into 1,000,000
demands. Goals (issue 14, item 4): the run <= 2x its floor (read + engine + write, measured on
the same database right after it); CSV files to ledger <= 20 s on a 2-core machine and peak RSS
<= 500 MB. Side by side, a naive discharge (one query per demand for the oldest lot with a
balance, one UPDATE per allocation), timed on the first demands and extrapolated. `--valor`
runs the client's ledger by value (USD per fracción; materials spread over 250 fracciones).
`figures(scale)` gives benchmarks/run.py the run, the end to end and the peak RSS, from a
process of its own. Run by hand:

    .venv/bin/python benchmarks/discharge_bench.py [exits] [lots] [--valor]
"""

from __future__ import annotations

import csv
import json
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from brokertui.core import db as store
from brokertui.core.anexo24 import fifo, interfaces
from brokertui.core.anexo24 import ledger as discharge
from brokertui.core.quantities import times
from brokertui.core.registry import clients

RFC = "MAB9307148T4"
MATERIALS, PRODUCTS, PER_BOM = 2_000, 1_000, 5
START = date(2024, 1, 2)
SHELL = shutil.which("sqlite3")
FLOOR = "sqlite3 shell" if SHELL else "Python sqlite3 + csv (no sqlite3 shell here)"


def fraccion(material: int) -> str:
    return f"{84000000 + material % 250 * 101:08d}"


def generate(folder: Path, exits: int, lots: int) -> dict[str, Path]:
    rng = random.Random(7)
    files = {}

    def write(kind, rows):
        path = folder / f"{kind}.csv"
        with path.open("w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(interfaces.COLUMNS[kind])
            writer.writerows(rows)
        files[kind] = path

    write(
        "materiales",
        (
            [f"M{m:05d}", f"MATERIAL {m}", fraccion(m), "6", "1", "0.01", "directo"]
            for m in range(MATERIALS)
        ),
    )
    write(
        "productos", ([f"P{p:04d}", f"PRODUCTO {p}", "85371099", "6", "6"] for p in range(PRODUCTS))
    )
    write(
        "bom",
        (
            [
                f"P{p:04d}",
                f"M{(p * PER_BOM + k) % MATERIALS:05d}",
                str(rng.randint(1, 4)),
                rng.choice(["0", "1.5", "3"]),
            ]
            for p in range(PRODUCTS)
            for k in range(PER_BOM)
        ),
    )
    lines_per = 10

    def entrada(n: int) -> list[str]:
        material = rng.randrange(MATERIALS)
        return [
            f"26 07 3953 {6000001 + n // lines_per:07d}",
            str(n % lines_per + 1),
            "IN",
            (START + timedelta(days=n * 700 // lots)).isoformat(),
            f"M{material:05d}",
            str(rng.randint(50, 400)),
            "6",
            f"{rng.randint(500, 50_000) / 100:.2f}",
            fraccion(material),
            "USA",
        ]

    write("entradas", (entrada(n) for n in range(lots)))
    # Keys must be unique per documento + part; each exit is one product on its own document.
    write(
        "salidas",
        (
            [
                f"RT-{n:07d}",
                "RT",
                (START + timedelta(days=30 + n * 700 // exits)).isoformat(),
                "P",
                f"P{rng.randrange(PRODUCTS):04d}",
                str(rng.randint(1, 20)),
            ]
            for n in range(exits)
        ),
    )
    return files


def naive(db, client_id: int, limit: int) -> tuple[int, float]:
    """One query per demand for the oldest eligible lot with a balance, one UPDATE per take."""
    db.execute(
        "CREATE TEMP TABLE naive_balance AS SELECT id, numero_parte, fecha_entrada, "
        "pedimento, partida, cantidad_micro AS balance FROM entradas WHERE client_id = ?",
        [client_id],
    )
    db.execute(
        "CREATE INDEX temp.nb ON naive_balance (numero_parte, fecha_entrada, pedimento, partida)"
    )
    demands = db.execute(
        "SELECT s.id, b.material, s.fecha, s.cantidad_micro, b.factor_micro FROM salidas s "
        "JOIN bom b ON b.client_id = s.client_id AND b.producto = s.numero_parte "
        "WHERE s.client_id = ? ORDER BY s.fecha, s.id LIMIT ?",
        [client_id, limit],
    ).fetchall()
    began = time.perf_counter()
    db.execute("BEGIN")
    for _sid, part, fecha, qty, factor in demands:
        remaining = times(qty, factor)
        while remaining:
            lot = db.execute(
                "SELECT id, balance FROM naive_balance WHERE numero_parte = ? AND "
                "fecha_entrada <= ? AND balance > 0 ORDER BY fecha_entrada, pedimento, partida "
                "LIMIT 1",
                [part, fecha],
            ).fetchone()
            if lot is None:
                break
            take = min(lot[1], remaining)
            db.execute(
                "UPDATE naive_balance SET balance = balance - ? WHERE id = ?", [take, lot[0]]
            )
            remaining -= take
    db.execute("ROLLBACK")
    return len(demands), time.perf_counter() - began


def floors(db, client_id: int) -> tuple[float, float, float]:
    """The least a full run does, measured on the same data (read, compute, write seconds):
    read the lots and the demands exploded through the BOM, sorted, as plain rows; the
    product's engine (fifo.allocate) over them as columns; write its allocations, exit by exit,
    into a bare copy of the ledger's table (no foreign keys) and its indexes in one
    transaction."""
    began = time.perf_counter()
    lot_rows = db.execute(
        "SELECT id, numero_parte, fecha_entrada, cantidad_micro, vence FROM entradas "
        "WHERE client_id = ? ORDER BY numero_parte, fecha_entrada, pedimento, partida",
        [client_id],
    ).fetchall()
    demand_rows = db.execute(
        "SELECT s.id, b.material, s.fecha, s.cantidad_micro, b.factor_micro FROM salidas s "
        "JOIN bom b ON b.client_id = s.client_id AND b.producto = s.numero_parte "
        "WHERE s.client_id = ? ORDER BY b.material, s.fecha, s.id",
        [client_id],
    ).fetchall()
    read = time.perf_counter()
    ids, parts, entered, balances, vence = (
        np.array(c, dtype=object) for c in zip(*lot_rows, strict=True)
    )
    lots = fifo.Lots(parts, fifo.days(entered), fifo.exact(balances), fifo.days(vence))
    sids, materials, dated, quantities, factors = (
        np.array(c, dtype=object) for c in zip(*demand_rows, strict=True)
    )
    demands = fifo.Demands(materials, fifo.days(dated), fifo.exact(times(quantities, factors)))
    taken = fifo.allocate(lots, demands)
    order = np.argsort(sids[taken.demand], kind="stable")  # the ledger's write order
    rows = list(
        zip(
            sids[taken.demand][order].tolist(),
            materials[taken.demand][order].tolist(),
            np.append(ids, [None])[taken.lot][order].tolist(),
            taken.quantity[order].tolist(),
            taken.vencido[order].astype(int).tolist(),
            strict=True,
        )
    )
    del lots, demands, lot_rows, demand_rows
    computed = time.perf_counter()
    db.execute(
        "CREATE TABLE floor_allocations (id INTEGER PRIMARY KEY, run_id INTEGER, "
        "salida_id INTEGER, numero_parte TEXT, entrada_id INTEGER, cantidad_micro INTEGER, "
        "vencido INTEGER, reversed_by INTEGER)"
    )
    for (sql,) in db.execute(  # the ledger's own indexes, as its migrations left them
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'allocations' "
        "AND sql IS NOT NULL"
    ).fetchall():
        db.execute(
            sql.replace("INDEX allocations", "INDEX floor").replace(
                "ON allocations", "ON floor_allocations"
            )
        )
    with store.transaction(db):
        db.conn.executemany(
            "INSERT INTO floor_allocations (run_id, salida_id, numero_parte, entrada_id, "
            "cantidad_micro, vencido) VALUES (1, ?, ?, ?, ?, ?)",
            rows,
        )
    written = time.perf_counter()
    db.execute("DROP TABLE floor_allocations")
    return read - began, computed - read, written - computed


def loaded(folder: Path, files: dict[str, Path], modo: str = "cantidad"):
    """A database in `folder` with the client's interface `files` imported; (database,
    [(kind, seconds its import took)])."""
    database = store.connect(folder / "bench.db")
    clients.add_client(database, {"rfc": RFC, "razon_social": "Maquiladora Alfa SA"})
    discharge.set_mode(database, RFC, modo)
    marks = []
    for kind, path in files.items():
        began = time.perf_counter()
        interfaces.import_file(database, kind, path, RFC)
        marks.append((kind, time.perf_counter() - began))
    return database, marks


def import_floor(folder: Path, files: dict[str, Path]) -> float:
    """Seconds the sqlite3 shell takes to `.import` the interface files into bare tables (or,
    without the shell, Python's csv + executemany)."""
    bare = folder / "bare.db"
    began = time.perf_counter()
    if SHELL:
        script = "".join(f".import {path} {kind}\n" for kind, path in files.items())
        subprocess.run([SHELL, str(bare)], input=".mode csv\n" + script, text=True, check=True)
    else:
        python_import(bare, files)
    return time.perf_counter() - began


def python_import(db_path: Path, files: dict[str, Path]) -> None:
    """The shell's `.import` done with Python's csv + executemany: each file into a bare table
    named for its kind."""
    conn = sqlite3.connect(db_path)
    for kind, path in files.items():
        with path.open(newline="") as f:
            reader = csv.reader(f)
            header = next(reader)
            conn.execute(f"CREATE TABLE {kind} ({', '.join(header)})")
            marks = ", ".join("?" * len(header))
            conn.executemany(f"INSERT INTO {kind} VALUES ({marks})", reader)
    conn.commit()
    conn.close()


def _rss_mb() -> float:
    """The process's resident memory now (Linux), MB."""
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def end_to_end(exits: int, lots: int, modo: str = "cantidad", *, extras: bool = True) -> dict:
    """From the CSV files to the committed ledger in this process: each import's seconds, the
    run's, their sum, the process's CPU seconds and peak RSS (MB) over them, its RSS before
    (the interpreter with the product loaded); by quantity the run's floor (`floors`) and the
    shell's import of the same files; with `extras` the check and the naive discharge."""
    out: dict = {"modo": modo, "baseline_mb": _rss_mb()}
    with tempfile.TemporaryDirectory() as tmp:
        files = generate(Path(tmp), exits, lots)
        cpu = time.process_time()
        database, marks = loaded(Path(tmp), files, modo)
        ran = time.perf_counter()
        result = discharge.run(database, RFC, hasta=date(2027, 1, 1))
        out["run"] = time.perf_counter() - ran
        out["cpu"] = time.process_time() - cpu
        out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        out["imports"] = marks
        out["total"] = sum(seconds for _, seconds in marks) + out["run"]
        out["result"] = result.as_dict() | {"preview": []}
        client_id = clients.get_client(database, RFC).id
        if modo == "cantidad":
            out["floor"] = floors(database, client_id)
            out["import_floor"] = import_floor(Path(tmp), files)
        if extras:
            checked = time.perf_counter()
            out["problems"] = len(discharge.check(database, RFC))
            out["check"] = time.perf_counter() - checked
            out["naive"] = naive(database, client_id, 1_000)
        database.close()
    return out


def figures(scale: float) -> list[dict]:
    """benchmarks/run.py's figures, from one end-to-end run (1,000,000 demands x scale) in a
    process of its own (its peak RSS is the run's alone): the full run by quantity against
    its floor (`floors`, on the same database right after it); CSV to ledger against that
    floor plus the shell's import of the same files; the peak RSS against the process's
    before any work."""
    exits, lots = round(200_000 * scale), round(500_000 * scale)
    child = subprocess.run(
        [sys.executable, __file__, str(exits), str(lots), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    e2e = json.loads(child.stdout.splitlines()[-1])
    result, floor = e2e["result"], sum(e2e["floor"])
    return [
        {
            "figure": f"discharge run, {result['demands']:,} demands "
            f"({result['allocations']:,} allocations)",
            "seconds": e2e["run"],
            "floor": floor,
            "floor_what": "read + engine + write in one transaction",
            "goal": "<= 2x",
            "met": e2e["run"] <= 2 * floor,
        },
        {
            "figure": f"end to end, CSV files to the committed ledger ({exits:,} exits, "
            f"{lots:,} lots; CPU {e2e['cpu']:.2f} s)",
            "seconds": e2e["total"],
            "floor": floor + e2e["import_floor"],
            "floor_what": f"the run's floor + the {FLOOR}'s import of the files",
            "goal": f"<= {20 * scale:g} s",
            "met": e2e["total"] <= 20 * scale,
        },
        {
            "figure": "peak RSS, CSV files to the committed ledger",
            "seconds": e2e["peak_mb"],
            "floor": e2e["baseline_mb"],
            "floor_what": "the process before any work",
            "goal": "<= 500 MB",
            "met": e2e["peak_mb"] <= 500,
            "unit": "MB",
        },
    ]


def main() -> None:
    numbers = [int(a) for a in sys.argv[1:] if a.isdigit()]
    exits = numbers[0] if numbers else 200_000
    lots = numbers[1] if len(numbers) > 1 else 500_000
    modo = "valor" if "--valor" in sys.argv else "cantidad"
    if "--json" in sys.argv:  # figures(): no check or naive discharge
        print(json.dumps(end_to_end(exits, lots, modo, extras=False)))
        return
    e2e = end_to_end(exits, lots, modo)
    result, run_seconds = e2e["result"], e2e["run"]
    for kind, seconds in e2e["imports"]:
        print(f"import {kind:10}: {seconds:6.1f} s")
    print(
        f"discharge run   : {run_seconds:6.1f} s  by {modo} ({result['demands']:,} demands, "
        f"{result['allocations']:,} allocations, {result['shortfalls']:,} shortfalls, "
        f"{result['sin_valor']:,} exits without a valued entry)"
    )
    if "floor" in e2e:
        floor = e2e["floor"]
        least = sum(floor)
        print(
            f"  floor         : {least:6.1f} s = read {floor[0]:.1f} + compute {floor[1]:.1f} "
            f"+ write {floor[2]:.1f} (engine over plain rows); ratio {run_seconds / least:.1f}x "
            "(target <= 2x)"
        )
    scaled = 20 * exits / 200_000
    print(
        f"end to end      : {e2e['total']:6.1f} s, CPU {e2e['cpu']:.1f} s (target <= "
        f"{scaled:g} s: 20 s for 200,000 exits); peak RSS {e2e['peak_mb']:,.0f} MB "
        f"(target <= 500 MB; {e2e['baseline_mb']:,.0f} MB before any work); load average "
        + ", ".join(f"{x:.1f}" for x in os.getloadavg())
    )
    if "import_floor" in e2e:
        print(
            f"  floor         : {least + e2e['import_floor']:6.1f} s = the run's + {FLOOR}'s "
            f"import of the files {e2e['import_floor']:.1f}"
        )
    verdict = "ok" if not e2e["problems"] else f"{e2e['problems']} problems"
    print(f"check           : {verdict} in {e2e['check']:.1f} s")
    sample, naive_seconds = e2e["naive"]
    rate = sample / naive_seconds
    print(
        f"naive, one query per demand: {sample:,} demands in {naive_seconds:.1f} s = "
        f"{rate:,.0f}/s -> {result['demands'] / rate:,.0f} s for all; the engine's run: "
        f"{result['demands'] / run_seconds:,.0f}/s"
    )


if __name__ == "__main__":
    main()
