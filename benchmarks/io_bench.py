"""Benchmark: imports and exports against the sqlite3 shell (issue 14, item 4).

- `import entradas` of 500,000 lines x scale (validation included, through the product's
  interfaces.import_file) against the shell's `.import` of the same CSV into a bare table,
  each three times into new databases, alternately: the medians compared. Goal: <= 5x.
- `report descargos --format csv`, `discharge export` and `report saldos` on the big database
  (benchmarks/bigdb.py), through the CLI in-process, against the shell writing the same SELECT
  (the product's own query) as CSV. Goal: <= 1.5x.

If the sqlite3 shell is missing, the floors are Python's sqlite3 + csv (said in the output).

    .venv/bin/python benchmarks/io_bench.py [--scale 0.1]
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import redirect_stdout
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import bigdb
import discharge_bench

from brokertui.cli import main as cli
from brokertui.core import backup
from brokertui.core import db as store
from brokertui.core.anexo24 import entries, interfaces, reports
from brokertui.core.anexo24.ledger import in_force
from brokertui.core.registry import clients

SHELL = shutil.which("sqlite3")
FLOOR = "sqlite3 shell" if SHELL else "Python sqlite3 + csv (no sqlite3 shell here)"


def _timed(fn) -> float:
    began = time.perf_counter()
    fn()
    return time.perf_counter() - began


def _shell(db: Path, script: str, out: Path | None = None) -> None:
    assert SHELL, "only when the sqlite3 shell is there"
    with (out or Path(os.devnull)).open("w") as sink:
        subprocess.run([SHELL, str(db)], input=script, text=True, check=True, stdout=sink)


def _cpu(who: int) -> float:
    """CPU seconds (user and system) of this process (RUSAGE_SELF: all its threads) or of its
    children that ended (RUSAGE_CHILDREN)."""
    used = resource.getrusage(who)
    return used.ru_utime + used.ru_stime


def import_entradas(scale: float, work: Path, rounds: int = 3) -> dict:
    """The import and its floor, each `rounds` times into a new database, alternately (a
    shared machine's drift falls on both); the medians compared."""
    files = discharge_bench.generate(work, 1, round(500_000 * scale))
    ours, floors = [], []
    for n in range(rounds):
        imported = work / f"import-{n}.db"
        ours.append(_our_import(files, imported))
        floors.append(_floor_import(files["entradas"], work / f"bare-{n}.db"))
    (seconds, cpu), (floor, floor_cpu) = _medians(ours), _medians(floors)
    sql = _sql_alone(imported, files["materiales"], work / "sql.db")
    rows = sum(1 for _ in files["entradas"].open()) - 1
    what = (
        f"import entradas, {rows:,} rows (validated; median of {rounds}, CPU {cpu:.2f} s, "
        f"floor's {floor_cpu:.2f}; its SQL alone {sql:.2f} s)"
    )
    return _figure(what, seconds, floor, 5.0)


def _medians(rounds: list[tuple[float, float]]) -> tuple[float, float]:
    """The median seconds and the median CPU seconds of (seconds, CPU seconds) rounds."""
    seconds, cpu = zip(*rounds, strict=True)
    return statistics.median(seconds), statistics.median(cpu)


def _our_import(files: dict[str, Path], path: Path) -> tuple[float, float]:
    """`import entradas` into a new database holding the client and its materiales: seconds
    and CPU seconds."""
    db = store.connect(path)
    clients.add_client(db, {"rfc": bigdb.RFC, "razon_social": "Maquiladora Alfa SA"})
    interfaces.import_file(db, "materiales", files["materiales"], bigdb.RFC)
    began = _cpu(resource.RUSAGE_SELF)
    took = _timed(lambda: interfaces.import_file(db, "entradas", files["entradas"], bigdb.RFC))
    used = _cpu(resource.RUSAGE_SELF) - began
    db.close()
    return took, used


def _floor_import(entradas: Path, bare: Path) -> tuple[float, float]:
    """The floor's import of the same CSV into a new database: seconds and CPU seconds."""
    if SHELL:
        began = _cpu(resource.RUSAGE_CHILDREN)
        took = _timed(lambda: _shell(bare, f".mode csv\n.import {entradas} entradas\n"))
        return took, _cpu(resource.RUSAGE_CHILDREN) - began
    began = _cpu(resource.RUSAGE_SELF)
    took = _timed(lambda: discharge_bench.python_import(bare, {"entradas": entradas}))
    return took, _cpu(resource.RUSAGE_SELF) - began


def _sql_alone(imported: Path, materiales: Path, fresh: Path) -> float:
    """What the import's SQL alone takes (the issue's "staged INSERT ... SELECT into the indexed
    table"): the rows it stored, staged in a scratch table of a new database untimed, then
    stored by entries.add_from_interface in one transaction with the kept balances, as the
    import's writer does (its CHECK constraints and foreign keys left out) without the checks,
    the reading and the turns."""
    db = store.connect(fresh)
    clients.add_client(db, {"rfc": bigdb.RFC, "razon_social": "Maquiladora Alfa SA"})
    interfaces.import_file(db, "materiales", materiales, bigdb.RFC)
    client_id = clients.get_client(db, bigdb.RFC).id
    import_id = db.execute("SELECT max(id) FROM interface_imports").fetchone()[0]
    # entries.INTERFACE_COLUMNS as entradas stores them
    columns = ", ".join(entries.INTERFACE_COLUMNS).replace("cantidad", "cantidad_micro")
    db.execute("ATTACH ? AS done", [str(imported)])
    db.execute(f"CREATE TEMP TABLE staged AS SELECT {columns} FROM done.entradas ORDER BY id")
    db.execute("DETACH done")
    staged = "SELECT * FROM temp.staged"
    with store.known_references(db), store.checked_rows(db), store.transaction(db):
        took = _timed(lambda: entries.add_from_interface(db, client_id, import_id, staged))
    db.close()
    return took


def _select_to_csv(db_path: Path, sql: str, params: dict, out: Path) -> float:
    """The floor of an export: the SELECT alone written as CSV."""
    if SHELL:
        # The shell evaluates a parameter's text as SQL: a date goes in quotes, in quotes.
        sets = "".join(f'.parameter set :{k} "{v!r}"\n' for k, v in params.items())
        script = f".mode csv\n.headers on\n{sets}{' '.join(sql.split())};\n"
        return _timed(lambda: _shell(db_path, script, out))

    def python() -> None:
        conn = sqlite3.connect(db_path)
        with out.open("w", newline="") as f:
            cursor = conn.execute(sql, params)
            writer = csv.writer(f)
            writer.writerow(d[0] for d in cursor.description)
            writer.writerows(cursor)
        conn.close()

    return _timed(python)


def _cli(args: list[str], out: Path) -> float:
    def run() -> None:
        with redirect_stdout(io.StringIO()):
            cli.main([*args, "-o", str(out)], standalone_mode=False)

    return _timed(run)


def exports(scale: float, work: Path) -> list[dict]:
    path = bigdb.build(scale)
    db = store.connect(path)
    backup.set_policy(db, daily=False)  # the CLI's daily backup would copy the whole file
    client_id = clients.get_client(db, bigdb.RFC).id
    hasta = date(2025, 12, 31)
    figures = []
    base = ["--db", str(path), "--today", hasta.isoformat()]
    for name in ("descargos", "saldos"):
        heading = reports.heading(db, name, bigdb.RFC, hasta=hasta)
        params = {"client": client_id, "desde": "2025-01-01", "hasta": hasta.isoformat()}
        params["on"] = hasta.isoformat()
        sql = f"SELECT * FROM ({heading.report.sql}) ORDER BY {heading.report.order}"
        floor = _select_to_csv(path, sql, params, work / f"{name}-floor.csv")
        ours = _cli([*base, "report", name, "--rfc", bigdb.RFC, "--format", "csv"], work / "r.csv")
        figures.append(_figure(f"report {name} --format csv", ours, floor, 1.5))
    sql = in_force.ALLOC_SELECT + " ORDER BY s.fecha, s.id, a.id"
    floor = _select_to_csv(path, sql, {"client": client_id}, work / "export-floor.csv")
    ours = _cli([*base, "discharge", "export", "--rfc", bigdb.RFC], work / "export.csv")
    figures.append(_figure("discharge export (csv)", ours, floor, 1.5))
    db.close()
    return figures


def _figure(name: str, seconds: float, floor: float, goal: float) -> dict:
    return {
        "figure": name,
        "seconds": seconds,
        "floor": floor,
        "floor_what": FLOOR,
        "goal": f"<= {goal:g}x",
        "met": seconds <= goal * floor,
    }


def run(scale: float, part: str = "both") -> list[dict]:
    """The import's figure, the exports' or both (`part`: import, exports or both)."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        found = [import_entradas(scale, work)] if part in ("import", "both") else []
        return found + (exports(scale, work) if part in ("exports", "both") else [])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.1)
    args = parser.parse_args()
    print(f"floor: {FLOOR}")
    for f in run(args.scale):
        print(
            f"{f['figure']:45} {f['seconds']:7.2f} s  floor {f['floor']:6.2f} s  "
            f"{f['seconds'] / f['floor']:5.1f}x  goal {f['goal']}{'' if f['met'] else '  MISSED'}"
        )


if __name__ == "__main__":
    main()
