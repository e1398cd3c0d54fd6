"""Bootstrap and run brokertui from a fresh clone with nothing but Python 3.11+.

    python3 dev.py run    # opens the TUI on a ready demo database (var/demo.db)
    python3 dev.py run --today 2026-06-15   # ... with the demo built around that day
    python3 dev.py test   # runs the whole test suite (extra arguments go to pytest)

Each command creates `.venv` from pyproject.toml on first use and reinstalls only when
pyproject.toml changes.
"""

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".brokertui-installed"
DEMO_DB = ROOT / "var" / "demo.db"


def ensure_venv() -> None:
    """Create the virtual environment and install the project (editable, with dev extras)."""
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not (BIN / "python").exists():
        print("Creating .venv …", flush=True)
        venv.create(VENV, with_pip=True)
    print("Installing brokertui and its dependencies into .venv …", flush=True)
    pip = [str(BIN / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "--editable", f"{ROOT}[dev]"], check=True)
    STAMP.write_text(wanted)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "test"}:
        print(__doc__)
        return 2
    ensure_venv()
    command, rest = argv[0], argv[1:]
    if command == "test":
        return subprocess.call([str(BIN / "python"), "-m", "pytest", *rest], cwd=ROOT)
    brokertui = [str(BIN / "brokertui"), "--db", str(DEMO_DB)]
    today = demo_today(rest)
    demo = []
    if today:  # the demo's dates are relative to its today: rebuild it around this one
        brokertui += ["--today", today]
        demo = ["demo", "--reset"] if DEMO_DB.exists() else ["demo"]
    elif not DEMO_DB.exists():
        demo = ["demo"]
    if demo and (code := subprocess.call([*brokertui, *demo])):
        return code  # refused (e.g. a bad --today): the CLI said why, no traceback here
    return subprocess.call([*brokertui, *rest])


def demo_today(args: list[str]) -> str | None:
    """Take `--today D` (or `--today=D`) out of `args`: main passes it before the command, to
    the demo and to the TUI alike."""
    for n, arg in enumerate(args):
        if arg == "--today" and n + 1 < len(args):
            day = args[n + 1]
            del args[n : n + 2]
            return day
        if arg.startswith("--today="):
            del args[n]
            return arg.partition("=")[2]
    return None


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
