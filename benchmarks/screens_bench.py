"""Benchmark: key -> rows on the big database (issue 14, item 3). The app runs headless
(run_test) on benchmarks/bigdb.py's database with its big client chosen; each screen's key is
pressed and the time taken until its table holds the first page (its pager written) is measured,
then `n` (next page) until the pager shows page 2. Floor, in the same run: the page's own
query alone (the table's fetch of that page, no count, no drawing). Goal: first page
<= 200 ms, next page <= 100 ms.

    .venv/bin/python benchmarks/screens_bench.py [--scale 0.1]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import bigdb

from brokertui.app import BrokerApp
from brokertui.core import db as store
from brokertui.screens import commands
from brokertui.screens.widgets import PagedTable

TODAY = date(2025, 12, 31)  # the reports' default period, 2025, holds most of the data
FIRST_GOAL, NEXT_GOAL = 0.200, 0.100


def _pager(table: PagedTable) -> str:
    return str(table.query_one(".pager").visual)


async def _until(condition, timeout: float = 120.0) -> None:
    end = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > end:
            raise TimeoutError("the screen never showed its rows")
        await asyncio.sleep(0.002)


LOADED: list[PagedTable] = []  # every table that finished loading a page, in order


def _watch_loads() -> None:
    """Record each PagedTable.reload as it ends: the page's rows are in its DataTable."""
    reload = PagedTable.reload

    def recorded(table, *args, **kwargs):
        reload(table, *args, **kwargs)
        LOADED.append(table)

    PagedTable.reload = recorded  # type: ignore[method-assign]


async def _first_page(app, pilot, keys: list[str]):
    """Press `keys`; the seconds until a table of the screen then in front has its rows."""
    mark = len(LOADED)
    began = time.perf_counter()
    for key in keys:
        await pilot.press(key)

    def shown() -> list[PagedTable]:
        return [
            t for t in LOADED[mark:] if t.is_mounted and t.is_attached and t.screen is app.screen
        ]

    await _until(shown)
    took = time.perf_counter() - began
    return shown()[0], took


async def _next_page(pilot, table: PagedTable) -> float | None:
    before = _pager(table)
    if table.table.row_count < table.page_size:
        return None
    began = time.perf_counter()
    await pilot.press("n")
    await _until(lambda: _pager(table) != before)
    took = time.perf_counter() - began
    await pilot.press("p")
    await _until(lambda: _pager(table) == before or "página 1 " in _pager(table))
    return took


def _floor(table: PagedTable, offset: int = 0) -> float:
    began = time.perf_counter()
    table.fetch(offset, table.page_size)
    return time.perf_counter() - began


def screens(again: bool) -> list[tuple[str, list[str]]]:
    """Each main screen by its key (F6 opens on saldos), then every other report by its key;
    `again`: the screens are open already (their second visit)."""
    visit = "again" if again else "first visit"
    shown = [
        (f"F3 Clientes ({visit})", ["f3"]),
        (f"F4 Pedimentos ({visit})", ["f4"]),
        (f"F5 Descargos ({visit})", ["f5"]),
        (f"F6 Reportes: saldos ({visit})", ["f6"]),
    ]
    if again:
        return shown
    return shown + [
        (f"F6 Reportes: {name}", [key])
        for key, name in commands.REPORT_KEYS.items()
        if name != "saldos"
    ]


async def measure(path: Path, rounds: int) -> list[dict]:
    results: dict[str, dict] = {}
    for _ in range(rounds):
        db = store.connect(path)
        app = BrokerApp(db, today=TODAY)
        async with app.run_test(size=(120, 40)) as pilot:
            app.set_client(bigdb.RFC)
            await pilot.pause()
            for label, keys in screens(False) + screens(True):
                table, took = await _first_page(app, pilot, keys)
                row = results.setdefault(label, {"label": label, "first": [], "next": []})
                row["first"].append(took)
                row.setdefault("floor", []).append(_floor(table))
                row["rows"] = table.table.row_count
                step = await _next_page(pilot, table)
                if step is not None:
                    row["next"].append(step)
                    row.setdefault("next_floor", []).append(_floor(table, table.page_size))
        db.close()
    return list(results.values())


def report(results: list[dict]) -> list[dict]:
    """One figure per screen and page: median seconds, floor and ratio."""
    figures = []
    for row in results:
        for kind, goal in (("first", FIRST_GOAL), ("next", NEXT_GOAL)):
            if not row[kind]:
                continue
            took = statistics.median(row[kind])
            floor = statistics.median(row["floor" if kind == "first" else "next_floor"])
            figures.append(
                {
                    "figure": f"{row['label']}, {'first' if kind == 'first' else 'next'} page "
                    "(key -> rows)",
                    "seconds": took,
                    "floor": floor,
                    "floor_what": "the page's query alone",
                    "goal": f"<= {goal * 1000:.0f} ms",
                    "met": took <= goal,
                }
            )
    return figures


def run(scale: float, rounds: int = 3) -> list[dict]:
    _watch_loads()
    return report(asyncio.run(measure(bigdb.build(scale), rounds)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    for f in run(args.scale, args.rounds):
        print(
            f"{f['figure']:58} {f['seconds'] * 1000:8.0f} ms  floor {f['floor'] * 1000:7.1f} ms"
            f"  {f['seconds'] / f['floor']:6.1f}x  goal {f['goal']}{'' if f['met'] else '  MISSED'}"
        )


if __name__ == "__main__":
    main()
