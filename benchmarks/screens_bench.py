"""Benchmark: key -> rows on the big database (issue 14, item 3). The app runs headless
(run_test) on benchmarks/bigdb.py's database with its big client chosen; each screen's key is
sent as the terminal would send it, and the time is taken until the screen in front has the
page in its table and has drawn a frame with it (the compositor's update; headless, it is not
written to a terminal). Then `n` (next page), until the next page is drawn. Nothing else runs
meanwhile: before each key the app is idle (its background counts done).

Two floors, in the same run: the page's own query alone (the table's fetch of that page, no
count, no drawing), and Textual's own cost of the same step on a trivial app (FloorApp: a
header, a DataTable of the same page size and 8 columns filled on the screen's resume, a
footer; its key -> rows drawn, first visit, again, and next page). The floor a figure is
compared with is their sum. Goal: first page <= 200 ms, next page <= 100 ms.

    .venv/bin/python benchmarks/screens_bench.py [--scale 0.1] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

sys.path.insert(0, str(Path(__file__).parent))
import bigdb

from brokertui.app import BrokerApp
from brokertui.core import db as store
from brokertui.screens import commands
from brokertui.screens.widgets import PagedTable

TODAY = date(2025, 12, 31)  # the reports' default period, 2025, holds most of the data
FIRST_GOAL, NEXT_GOAL = 0.200, 0.100
SIZE = (120, 40)
PAGE = 100

SHOWN: list[tuple[float, PagedTable]] = []  # each page a table put in its DataTable, when
DRAWN: list[tuple[float, float, Screen]] = []  # each frame shown: when, the UI thread's CPU
# time then, and of which screen


def _watch() -> None:
    """Record each PagedTable page shown and each frame drawn, with the time."""
    show = PagedTable._show_page

    def shown(table: PagedTable, rows: list[dict]) -> list[dict]:
        rows = show(table, rows)
        SHOWN.append((time.perf_counter(), table))
        return rows

    PagedTable._show_page = shown  # type: ignore[method-assign, assignment]
    for app_class in (BrokerApp, FloorApp):
        _watch_frames(app_class)


def _watch_frames(app_class: type[App]) -> None:
    display = app_class._display

    def drawn(app, screen, renderable):
        if renderable is not None and not app._batch_count:  # a batched frame is not shown
            DRAWN.append((time.perf_counter(), time.thread_time(), screen))
        return display(app, screen, renderable)

    app_class._display = drawn  # type: ignore[method-assign]


async def _until(condition, timeout: float = 120.0):
    end = time.perf_counter() + timeout
    while not (found := condition()):
        if time.perf_counter() > end:
            raise TimeoutError("the screen never showed its rows")
        await asyncio.sleep(0.001)
    return found


async def _idle(app: App) -> None:
    """Until the app's workers (background counts) are done and its queue is quiet."""
    await app.workers.wait_for_complete()
    await asyncio.sleep(0.05)


def _press(app: App, key: str) -> None:
    """`key` sent to the app as the terminal driver sends it."""
    assert app._driver is not None, "the app runs"
    app._driver.send_message(events.Key(key, None))


async def _key_to_rows(
    app: App, key: str, shows_page: PagedTable | None = None
) -> tuple[float, float, PagedTable]:
    """Send `key` and wait until a page is in a table of the screen then in front (or the
    table `shows_page`) and a frame of that screen drawn after it: (seconds, the UI thread's
    CPU seconds meanwhile, table). The app's UI runs on this thread."""
    await _idle(app)
    shown_from, drawn_from = len(SHOWN), len(DRAWN)
    began, cpu = time.perf_counter(), time.thread_time()
    _press(app, key)

    def page_in():
        return next(
            (
                (at, table)
                for at, table in SHOWN[shown_from:]
                if (table is shows_page if shows_page else table.screen is app.screen)
            ),
            None,
        )

    rows_at, table = await _until(page_in)
    screen = table.screen
    drawn_at, cpu_then = await _until(
        lambda: next(
            ((at, c) for at, c, s in DRAWN[drawn_from:] if at > rows_at and s is screen), None
        )
    )
    return drawn_at - began, cpu_then - cpu, table


# -- Textual's floor -------------------------------------------------------------------------


class _Blank(Screen):
    def compose(self):
        yield Header()
        yield Static("")
        yield Footer()


class _TableScreen(Screen):
    def compose(self):
        yield Header()
        yield DataTable(cursor_type="row", zebra_stripes=True)
        yield Static("", id="pager")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for c in range(8):
            table.add_column(f"Columna {c}", key=str(c), width=10)

    def on_screen_resume(self) -> None:
        self.page = 0
        self.show()

    def show(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        first = self.page * PAGE
        for r in range(first, first + PAGE):
            table.add_row(*(f"{r:06d}-{c}" for c in range(8)), key=str(r))
        self.query_one("#pager", Static).update(f"página {self.page + 1}")
        SHOWN.append((time.perf_counter(), self))  # type: ignore[arg-type]

    def action_next(self) -> None:
        self.page += 1
        self.show()


class FloorApp(App):
    """Textual alone: F5 shows a table screen filled with a page of rows, F2 a blank one."""

    MODES = {"blank": _Blank, "table": _TableScreen}
    DEFAULT_MODE = "blank"
    BINDINGS = [
        Binding("f2", "switch_mode('blank')"),
        Binding("f5", "switch_mode('table')"),
        Binding("n", "screen.next"),
    ]


async def textual_floor(rounds: int) -> dict[str, tuple[float, float]]:
    """Textual's key -> rows drawn on FloorApp, first visit, again and next page: median
    (seconds, UI CPU seconds) over at least 5 rounds."""
    found: dict[str, list[tuple[float, float]]] = {"first visit": [], "again": [], "next": []}
    for _ in range(max(rounds, 5)):
        app = FloorApp()
        async with app.run_test(size=SIZE):
            for visit in ("first visit", "again"):
                took, cpu, screen = await _key_to_rows(app, "f5")
                found[visit].append((took, cpu))
                took, cpu, _ = await _key_to_rows(app, "n", shows_page=screen)
                found["next"].append((took, cpu))
                _press(app, "f2")
                await _idle(app)
    return {kind: _medians(times) for kind, times in found.items()}


def _medians(pairs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)


# -- the product -----------------------------------------------------------------------------


async def _query_alone(table: PagedTable, offset: int = 0) -> float:
    await _idle(table.app)
    began = time.perf_counter()
    table.fetch(offset, table.page_size + 1)
    return time.perf_counter() - began


def screens(again: bool) -> list[tuple[str, str]]:
    """Each main screen by its key (F6 opens on saldos), then every other report by its key;
    `again`: the screens are open already (their second visit)."""
    visit = "again" if again else "first visit"
    shown = [
        (f"F3 Clientes ({visit})", "f3"),
        (f"F4 Pedimentos ({visit})", "f4"),
        (f"F5 Descargos ({visit})", "f5"),
        (f"F6 Reportes: saldos ({visit})", "f6"),
    ]
    if again:
        return shown
    return shown + [
        (f"F6 Reportes: {name}", key)
        for key, name in commands.REPORT_KEYS.items()
        if name != "saldos"
    ]


async def measure(path: Path, rounds: int) -> list[dict]:
    results: dict[str, dict] = {}
    for _ in range(rounds):
        db = store.connect(path)
        app = BrokerApp(db, today=TODAY)
        async with app.run_test(size=SIZE):
            app.set_client(bigdb.RFC)
            for label, key in screens(False) + screens(True):
                took, cpu, table = await _key_to_rows(app, key)
                row = results.setdefault(
                    label,
                    {"label": label, "first": [], "next": [], "query": [], "next_query": []},
                )
                row["first"].append((took, cpu))
                row["query"].append(await _query_alone(table))
                if table.more:
                    took, cpu, _ = await _key_to_rows(app, "n", shows_page=table)
                    row["next"].append((took, cpu))
                    row["next_query"].append(await _query_alone(table, table.page_size))
                    await _key_to_rows(app, "p", shows_page=table)
        db.close()
    return list(results.values())


def report(results: list[dict], textual: dict[str, tuple[float, float]]) -> list[dict]:
    """One figure per screen and page: the median UI work (CPU seconds of the UI thread from
    the key to the rows drawn; the wall time in the figure's name), the floor (Textual's own
    work for the step on a trivial screen + the page's query alone) and the ratio."""
    figures = []
    for row in results:
        visit = "again" if "(again)" in row["label"] else "first visit"
        for kind, goal, drawing in (
            ("first", FIRST_GOAL, textual[visit][1]),
            ("next", NEXT_GOAL, textual["next"][1]),
        ):
            if not row[kind]:
                continue
            wall, work = _medians(row[kind])
            query = statistics.median(row["query" if kind == "first" else "next_query"])
            figures.append(
                {
                    "figure": f"{row['label']}, {kind} page: work from the key to the rows "
                    f"drawn (wall {wall * 1000:.0f} ms)",
                    "seconds": work,
                    "wall": wall,
                    "floor": drawing + query,
                    "floor_what": (
                        f"Textual's trivial table {drawing * 1000:.0f} ms + the page's query "
                        f"{query * 1000:.0f} ms"
                    ),
                    "goal": f"<= {goal * 1000:.0f} ms",
                    "met": work <= goal,
                }
            )
    return figures


def run(scale: float, rounds: int = 3) -> list[dict]:
    _watch()
    path = bigdb.build(scale)
    textual = asyncio.run(textual_floor(rounds))
    return report(asyncio.run(measure(path, rounds)), textual)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"{'':60} {'work':>7} {'wall':>7} {'floor':>6}  ratio")
    for f in run(args.scale, args.rounds):
        print(
            f"{f['figure'].split(': work')[0]:60} {f['seconds'] * 1000:4.0f} ms "
            f"{f['wall'] * 1000:4.0f} ms {f['floor'] * 1000:3.0f} ms  "
            f"{f['seconds'] / f['floor']:4.1f}x  ({f['floor_what']}) goal {f['goal']}"
            f"{'' if f['met'] else '  MISSED'}"
        )
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"load average at the end: {load}")


if __name__ == "__main__":
    main()
