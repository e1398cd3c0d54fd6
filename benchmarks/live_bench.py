"""Benchmark: a colleague's commit -> the live screen showing it (issue 12, item 3). The app
runs headless (run_test) on benchmarks/bigdb.py's database, on F5 Descargos of its big client;
a second connection (another process, as far as SQLite knows) commits: first about another
client (F5 should not reload: its refreshes are counted and timed), then one entrada of the big
client (timed from the commit to F5's summary counting it), on a copy of the database. The
floor is the same on the 0.01 scale database, same run."""

from __future__ import annotations

import asyncio
import csv
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from brokertui.app import BrokerApp
from brokertui.core import db as store
from brokertui.core.anexo24 import interfaces
from brokertui.core.pedimentos import restricted, rules
from brokertui.screens.discharges import DischargeScreen

sys.path.insert(0, str(Path(__file__).parent))
import bigdb
from screens_bench import TODAY


def one_entrada(folder: Path, n: int) -> Path:
    """An entradas interface of one new line (pedimento `n`, not in the database yet)."""
    path = folder / f"entrada-{n}.csv"
    with path.open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(interfaces.COLUMNS["entradas"])
        out.writerow(
            [
                f"26 07 3953 {n:07d}",
                "1",
                "IN",
                "2026-02-01",
                "M00001",
                "5",
                "6",
                "12.00",
                "",
                "USA",
            ]
        )
    return path


async def until(pilot, condition, timeout: float = 120.0) -> float:
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > timeout:
            raise TimeoutError("not shown")
        await pilot.pause(0.02)
    return time.monotonic() - start


def copy(source: Path, target: Path) -> Path:
    with sqlite3.connect(source) as old, sqlite3.connect(target) as new:
        old.backup(new)
    return target


async def measure(source: Path, rounds: int) -> dict:
    tmp = tempfile.TemporaryDirectory()
    path = copy(source, Path(tmp.name) / "live.db")
    db = store.connect(path)
    other = store.connect(path)
    other_rfc = other.execute(
        "SELECT rfc FROM clients WHERE rfc != ? LIMIT 1", [bigdb.RFC]
    ).fetchone()[0]
    rule = next(iter(restricted.RULES))
    refreshes: list[float] = []
    latencies: list[float] = []
    with tmp:
        app = BrokerApp(db, today=TODAY)
        async with app.run_test(size=(120, 40)) as pilot:
            app.set_client(bigdb.RFC)
            await pilot.press("f5")
            screen = app.screen
            assert isinstance(screen, DischargeScreen)
            summary = screen.query_one("#dis-summary")
            await until(pilot, lambda: "entradas …" not in str(summary.render()))
            original = screen.refresh_data

            def timed() -> None:
                began = time.perf_counter()
                original()
                refreshes.append(time.perf_counter() - began)

            screen.refresh_data = timed  # type: ignore[method-assign]
            for k in range(rounds):  # commits about another client
                rules.set_client_rule(other, other_rfc, rule, bool(k % 2))
                await pilot.pause(2.5)
            other_refreshes = len(refreshes)
            fresh = 9_000_000 + other.execute("SELECT count(*) FROM entradas").fetchone()[0]
            for k in range(rounds):  # one entrada of the big client
                before = str(summary.render())
                interfaces.import_file(
                    other, "entradas", one_entrada(Path(tmp.name), fresh + k), bigdb.RFC
                )
                committed = time.monotonic()
                await until(
                    pilot,
                    lambda b=before: "…" not in (s := str(summary.render())) and s != b,
                )
                latencies.append(time.monotonic() - committed)
                await pilot.pause(1.5)
        db.close()
        other.close()
    return {"other_refreshes": other_refreshes, "refresh_s": refreshes, "latency_s": latencies}


def main(scale: float, rounds: int = 3) -> None:
    for label, s in (("floor", 0.01), ("big", scale)):
        r = asyncio.run(measure(bigdb.build(s), rounds))
        lat = statistics.median(r["latency_s"])
        print(
            f"{label} scale {s:g}: commit -> F5 shows it, median {lat:.2f} s "
            f"(all {', '.join(f'{x:.2f}' for x in r['latency_s'])}); reloads after "
            f"{rounds} commits about another client: {r['other_refreshes']}; refresh_data "
            f"{', '.join(f'{x * 1000:.0f} ms' for x in r['refresh_s'])}"
        )


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 0.1)
