"""Benchmark: the multi-user soak of tests/pty/soak.py for minutes (issue 12, item 6). App
processes on ptys create clients through the form, typed as one burst each (or a burst per
field, --pace seconds apart), while CLI writers add and edit clients, import an interface,
run and undo a discharge and draw reports, all on one demo database.

First the floor, in the same run and on the same database: one app alone, then one writer
alone (--floor seconds each). Prints the save latencies (app: Ctrl+S to the saved client on
screen; CLI: the command's wall time) of the floor and of the soak, their ratio, and the
checks: lost keystrokes, lost writes, tracebacks and raw lock errors, failed commands. Exits
1 when a check fails. Run by hand:

    .venv/bin/python benchmarks/soak_bench.py --minutes 5 --apps 3 --writers 4
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.pty.soak

from tests.pty import soak as workload

TODAY = date(2026, 4, 15)
FLOOR_WORKER = 90  # the floor's RFCs differ from the soak's (workers 0..89)
ASLEEP_GOAL = 1.0  # seconds a save may spend asleep (a lock, the disk), at most (issue 12)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--apps", type=int, default=2)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--floor", type=float, default=30.0, help="seconds of each floor run")
    parser.add_argument("--pace", type=float, default=0.0, help="seconds after each field")
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    if args.apps + args.writers > FLOOR_WORKER:
        parser.error(f"at most {FLOOR_WORKER} apps and writers")

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "soak.db"
        workload.prepare(path, TODAY)
        common = dict(seed=args.seed, pace=args.pace)
        floor = workload.run_soak(
            path, TODAY, apps=1, writers=0, seconds=args.floor, first_worker=FLOOR_WORKER, **common
        )
        workload.run_soak(
            path,
            TODAY,
            apps=0,
            writers=1,
            seconds=args.floor,
            first_worker=FLOOR_WORKER + 1,
            soak=floor,
            **common,
        )
        started = time.monotonic()
        soak = workload.run_soak(
            path,
            TODAY,
            apps=args.apps,
            writers=args.writers,
            seconds=args.minutes * 60,
            **common,
        )
        elapsed = time.monotonic() - started
        checks = {  # of the floor and the soak
            "lost keystrokes": [
                *workload.lost_keystrokes(path, floor),
                *workload.lost_keystrokes(path, soak),
            ],
            "lost writes": [*workload.lost_writes(path, floor), *workload.lost_writes(path, soak)],
            "tracebacks, lock or internal errors": floor.problems + soak.problems,
            "other failures": floor.failures + soak.failures,
            f"saves asleep (locks, disk) {ASLEEP_GOAL} s or more": [
                f"{face}: {seconds:.2f} s"
                for face, parts in (("app", soak.app_time), ("CLI", soak.cli_time))
                for seconds in parts[workload.TIME_PARTS[2]]
                if seconds >= ASLEEP_GOAL
            ],
        }

    typing = f"a burst per field, {args.pace} s apart" if args.pace else "one burst per form"
    print(
        f"soak: {args.apps} apps ({typing}) + {args.writers} CLI writers, "
        f"{elapsed / 60:.1f} min on one database"
    )
    print(f"{'save latency (s)':<30}{'n':>6}{'p50':>8}{'p95':>8}{'max':>8}{'p95/floor':>11}")
    _row("app, floor (alone)", floor.app_saves)
    _row("app, soak", soak.app_saves, floor.app_saves)
    _row("CLI, floor (alone)", floor.cli_latencies())
    _row("CLI, soak", soak.cli_latencies(), floor.cli_latencies())
    print("CLI, soak, by operation:")
    for operation, times in sorted(soak.cli_saves.items()):
        _row(f"  {operation}", times)
    for face, parts in (("app (main thread)", soak.app_time), ("CLI", soak.cli_time)):
        print(f"{face}, soak, where a save's time went:")
        for part, seconds in parts.items():
            _row(f"  {part}", seconds)
    print(
        f"forms typed: {len(floor.typed) + len(soak.typed)}, "
        f"not saved: {len(floor.unsaved) + len(soak.unsaved)}; "
        f"discharges refused (told why): {len(floor.refusals) + len(soak.refusals)}"
    )
    for name, found in checks.items():
        print(f"{name}: {len(found)}")
        for item in found[:5]:
            print("   ", item.replace("\n", "\n    ")[:2000])
    return 1 if any(checks.values()) else 0


def _row(label: str, seconds: list[float], floor: list[float] | None = None) -> None:
    """One line of figures: n, p50, p95, max and, given the floor, p95 over the floor's."""
    row = workload.percentiles(seconds)
    ratio = ""
    if row["n"] and floor and (base := workload.percentiles(floor)["p95"]):
        ratio = f"{row['p95'] / base:.1f}x"
    figures = f"{row['n']:>6}{row['p50']:>8.2f}{row['p95']:>8.2f}{row['max']:>8.2f}"
    print(f"{label:<30}{figures}{ratio:>11}")


if __name__ == "__main__":
    sys.exit(main())
