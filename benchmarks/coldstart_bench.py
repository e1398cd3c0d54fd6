"""Benchmark: cold start of the CLI (issue 14, item 5). Each command is a fresh process; the
figure is the best of `rounds` (the machine's noise only ever adds). Floor, in the same run:
`python -c pass` with the same interpreter. Goal: at most 0.15 s over the floor.

Bytecode is written and used as an installed package would (PYTHONDONTWRITEBYTECODE unset;
one warm-up run first), so the figure is the start-up, not compiling the sources.

    .venv/bin/python benchmarks/coldstart_bench.py [--rounds 10]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from brokertui.core import backup
from brokertui.core import db as store
from brokertui.core.registry import clients

GOAL = 0.15
RFC = "MAB9307148T4"


def _best(command: list[str], env: dict, rounds: int) -> float:
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=True)  # warm-up
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - began)
    return min(times)


def run(rounds: int = 10) -> list[dict]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cli = shutil.which("brokertui", path=str(Path(sys.executable).parent)) or "brokertui"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "start.db"
        db = store.connect(path)
        backup.set_policy(db, daily=False)
        clients.add_client(db, {"rfc": RFC, "razon_social": "Maquiladora Alfa SA"})
        db.close()
        floor = _best([sys.executable, "-c", "pass"], env, rounds)
        commands = {
            "brokertui --help": [cli, "--help"],
            "brokertui client list --format json": [
                cli, "--db", str(path), "client", "list", "--format", "json"
            ],
            "brokertui client show --rfc …": [
                cli, "--db", str(path), "client", "show", "--rfc", RFC
            ],
            "brokertui deadlines --format json": [
                cli, "--db", str(path), "deadlines", "--format", "json"
            ],
        }  # fmt: skip
        return [
            {
                "figure": f"`{name}`, cold start",
                "seconds": (took := _best(command, env, rounds)),
                "floor": floor,
                "floor_what": "python -c pass",
                "goal": f"<= floor + {GOAL} s",
                "met": took - floor <= GOAL,
            }
            for name, command in commands.items()
        ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    for f in run(parser.parse_args().rounds):
        print(
            f"{f['figure']:50} {f['seconds']:6.3f} s  floor {f['floor']:6.3f} s  "
            f"+{f['seconds'] - f['floor']:.3f} s  goal {f['goal']}{'' if f['met'] else '  MISSED'}"
        )


if __name__ == "__main__":
    main()
