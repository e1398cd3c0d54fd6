"""Every figure of issue 14 in one run, each beside its floor (measured in the same run) and
the ratio, then saved to var/bench/results-<scale>.json; `--readme` rewrites README's
Performance table from it (between the `perf-table` markers), with the machine noted.

    .venv/bin/python benchmarks/run.py [--scale 0.1] [--only screens,io,...] [--readme]

--scale 1 is the issue's size: 1,000,000 demands (200,000 exits, 500,000 lots, about
1.1 M allocations) and 100,000 pedimentos; 0.1 is a tenth of it. A benchmark module takes
part by a `run(scale) -> list[figure]` function, a figure being a dict with: figure (what),
seconds, floor (seconds), floor_what, goal (text) and met (bool); with a `unit` (such as
rows), seconds and floor are counts of it. Each suite runs in a process of its own, as a
user's command does: one suite's leftovers do not weigh on the next (after the screens' Textual
apps, the import took 0.15 s and 0.3 s of CPU more in the same process).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BEGIN, END = "<!-- perf-table:begin -->", "<!-- perf-table:end -->"
SUITES = ("discharge", "corrections", "screens", "import", "exports", "coldstart")


def _suite(name: str, scale: float) -> list[dict]:
    if name == "coldstart":
        import coldstart_bench

        return coldstart_bench.run()
    if name == "screens":
        import screens_bench

        return screens_bench.run(scale, rounds=1 if scale >= 1 else 3)
    if name in ("import", "exports"):
        import io_bench

        return io_bench.run(scale, name)
    if name == "corrections":
        import corrections_bench

        return corrections_bench.figures(scale)
    import discharge_bench

    return discharge_bench.figures(scale)


def _in_a_process(name: str, scale: float) -> list[dict]:
    """The suite's figures, measured by a new Python process running this script."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "figures.json"
        command = [sys.executable, __file__, "--scale", str(scale), "--suite", name]
        subprocess.run([*command, "--out", str(out)], check=True)
        return json.loads(out.read_text())


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
        f"SQLite {__import__('sqlite3').sqlite_version}, {platform.system()}; "
        f"load average at the end {load}"
    )


def table(results: dict) -> str:
    lines = [
        f"`benchmarks/run.py --scale {results['scale']:g}` on {results['date']}, "
        f"{results['machine']}.",
        "",
        "| Figure | Measured | Floor (same run) | Ratio | Goal | Met |",
        "|---|---|---|---|---|---|",
    ]
    for f in results["figures"]:
        ratio = f["seconds"] / f["floor"] if f["floor"] else float("inf")
        lines.append(
            f"| {f['figure']} | {_shown(f['seconds'], f)} | {_shown(f['floor'], f)} "
            f"({f['floor_what']}) | {ratio:.1f}× | {f['goal']} | "
            f"{'yes' if f['met'] else '**no**'} |"
        )
    return "\n".join(lines)


def _shown(value: float, figure: dict) -> str:
    if "unit" in figure:
        return f"{value:,.0f} {figure['unit']}"
    if value < 0.01:  # a few milliseconds: tenths tell 1.5x from 2x
        return f"{value * 1000:.1f} ms"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def write_readme(results: dict) -> None:
    text = README.read_text()
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    README.write_text(text[:start] + "\n" + table(results) + "\n" + text[end:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--only", help=f"comma-separated, of: {', '.join(SUITES)}")
    parser.add_argument("--readme", action="store_true", help="rewrite README's table")
    parser.add_argument(
        "--from-saved", action="store_true", help="no measuring: the saved results only"
    )
    parser.add_argument("--suite", help=argparse.SUPPRESS)  # run by _in_a_process
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    saved = ROOT / "var" / "bench" / f"results-{args.scale:g}.json"
    results = json.loads(saved.read_text()) if saved.exists() else {"figures": []}
    if args.suite:  # a child of the run below: one suite's figures, as JSON
        Path(args.out).write_text(json.dumps(_suite(args.suite, args.scale)))
        return
    for name in [] if args.from_saved else args.only.split(",") if args.only else SUITES:
        began = time.perf_counter()
        found = [f | {"suite": name} for f in _in_a_process(name, args.scale)]
        print(f"[{name}: {time.perf_counter() - began:.0f} s]", file=sys.stderr)
        # Saved after each suite, replacing that suite's figures of an earlier run.
        kept = [f for f in results["figures"] if f.get("suite") != name]
        order = {s: n for n, s in enumerate(SUITES)}
        figures = sorted(kept + found, key=lambda f: order.get(f.get("suite"), 99))
        results = {
            "scale": args.scale,
            "date": time.strftime("%Y-%m-%d"),
            "machine": machine(),
            "figures": figures,
        }
        saved.parent.mkdir(parents=True, exist_ok=True)
        saved.write_text(json.dumps(results, indent=1))
    print(table(results))
    if args.readme:
        write_readme(results)


if __name__ == "__main__":
    main()
