"""Benchmark: 500 clients with 1,500 programs; `deadlines --format json` and the dashboard's
first screen. Targets (issue 3): each under 1 s. Run by hand:

    .venv/bin/python benchmarks/deadlines_bench.py
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from stdnum.mx.rfc import calc_check_digit
from textual.widgets import DataTable

from brokertui.app import BrokerApp
from brokertui.core import db as store
from brokertui.core.registry import deadlines

TODAY = date(2026, 6, 15)
COMBOS = [("IMMEX", "PROSEC", "ECEX"), ("IMMEX", "PROSEC", "ALTEX"), ("PROSEC", "ECEX", "IMMEX")]


def build(path: Path, clients: int = 500) -> None:
    """Insert the dataset in one transaction (the benchmark measures reads, not loading)."""
    database = store.connect(path)
    now = "2026-01-01T00:00:00+00:00"
    with store.write(database, "bench.load", "bench", "bench"):
        for n in range(clients):
            body = f"BEN{date(1990, 1, 1) + timedelta(days=n):%y%m%d}A1"
            rfc = body + calc_check_digit(body)
            client_id = (
                database.table("clients")
                .insert(
                    {
                        "rfc": rfc,
                        "razon_social": f"Empresa {n:03d}, S.A. de C.V.",
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                .last_pk
            )
            for kind in COMBOS[n % 3]:
                database.table("programs").insert(
                    {
                        "client_id": client_id,
                        "type": kind,
                        "number": f"{kind}-{n:04d}",
                        "authorized_on": "2015-03-01",
                        "status": "vigente",
                        "modalidad": "industrial" if kind == "IMMEX" else None,
                        "sectors": "XIX" if kind == "PROSEC" else "",
                        "created_at": now,
                        "updated_at": now,
                    }
                )
            if n % 4 == 0:
                database.table("raoce_filings").insert(
                    {
                        "program_id": database.execute("SELECT max(id) FROM programs").fetchone()[
                            0
                        ],
                        "filing_year": 2026,
                        "folio": "1" * 25,
                        "filed_on": "2026-05-20",
                        "created_at": now,
                    }
                )
    database.close()


def time_cli(path: Path) -> tuple[float, int]:
    start = time.perf_counter()
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "brokertui",
            "--db",
            str(path),
            "--today",
            TODAY.isoformat(),
            "deadlines",
            "--format",
            "json",
        ],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    return time.perf_counter() - start, len(json.loads(out))


def time_core(path: Path) -> float:
    database = store.connect(path)
    start = time.perf_counter()
    deadlines.obligations(database, 2026, TODAY)
    return time.perf_counter() - start


async def time_dashboard(path: Path) -> tuple[float, int]:
    database = store.connect(path)
    start = time.perf_counter()
    app = BrokerApp(database, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        elapsed = time.perf_counter() - start
        rows = app.screen.query_one(DataTable).row_count
    return elapsed, rows


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        build(path)
        core = min(time_core(path) for _ in range(3))
        cli, count = min(time_cli(path) for _ in range(3))
        dash, rows = min(asyncio.run(time_dashboard(path)) for _ in range(3))
        print(f"obligations: {count} rows (500 clients, 1,500 programs)")
        print(f"core obligations():            {core * 1000:7.0f} ms")
        print(f"brokertui deadlines --format json (process, end to end): {cli * 1000:7.0f} ms")
        print(f"dashboard first screen ({rows} rows): {dash * 1000:7.0f} ms")


if __name__ == "__main__":
    main()
