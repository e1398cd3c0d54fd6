"""Benchmark: peak RSS of `brokertui import` for each hostile file (issue 11, item 6; target
under 500 MB), next to the floor of `python -c pass`. Each import runs in its own child
process, capped at 4 GiB of address space. Run by hand:

    .venv/bin/python benchmarks/memory_bench.py [--src OTHER_CHECKOUT/src]

`--src` runs the imports with another source tree (e.g. an older commit from `git archive`),
to compare before and after.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.core import hostile_files as hostile

MB = 1 << 20
TIMEOUT = 120  # seconds per import
FILES = [
    ("materiales", "413 KB XLSX, one 400 MB shared string", hostile.xlsx_shared_string_bomb),
    ("materiales", "XLSX claiming A1:XFD1048576", hostile.xlsx_dimension_bomb),
    ("materiales", "XLSX, 3,000,000 cells in one row", hostile.xlsx_sparse_cells),
    ("materiales", "XLSX whose zip directory lies", hostile.xlsx_lying),
    ("materiales", "XLSX, a notes sheet first", hostile.notes_first_workbook),
    ("materiales", "CSV, 1,000,000 bad rows", hostile.million_error_csv),
    ("datastage", "zip bomb, 1 GiB inflated", hostile.datastage_bomb),
    ("datastage", "zip whose directory lies", hostile.datastage_lying),
    ("datastage", "3 MB zip of 600 MB bad lines", hostile.datastage_flood),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--src", help="source tree the imports run with (default: this one)")
    args = parser.parse_args()
    env = dict(os.environ, PYTHONPATH=args.src) if args.src else None
    floor = hostile.floor_rss()
    print(f"floor (python -c pass): {floor:.0f} MB; target: under 500 MB\n")
    print(f"{'file':38} {'disk':>9} {'peak RSS':>9} {'time':>7}  result")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        database = folder / "bench.db"  # made by the tree under test (its schema version)
        hostile.measured_cli(
            "--db",
            database,
            "client",
            "add",
            "--rfc",
            "MAB9307148T4",
            "--razon-social",
            "Alfa",
            env=env,
        )
        for kind, label, build in FILES:
            path = build(folder)
            rfc = ("--rfc", "MAB9307148T4") if kind != "datastage" else ()
            began = time.perf_counter()
            try:
                code, output, peak = hostile.measured_cli(
                    "--db", database, "import", kind, path, *rfc, env=env, timeout=TIMEOUT
                )
            except subprocess.TimeoutExpired:
                code, output, peak = -1, f"still running after {TIMEOUT} s (killed)", 0.0
            took = time.perf_counter() - began
            line = output.splitlines()[0] if output else ""
            size = path.stat().st_size
            print(
                f"{label:38} {size / MB:7.2f}MB {peak:7.0f}MB {took:6.1f}s  "
                f"exit {code}: {line[:90]}{'…' if len(line) > 90 else ''} "
                f"[{len(output):,} chars]"
            )
            path.unlink()


if __name__ == "__main__":
    main()
