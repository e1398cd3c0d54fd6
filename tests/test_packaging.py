"""The wheel ships the migrations and the package data; the console script is declared."""

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_contains_migrations_and_catalogs(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--quiet",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
    )
    (wheel,) = tmp_path.glob("brokertui-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    migrations = sorted(p.name for p in (ROOT / "migrations").glob("*.sql"))
    assert migrations and {f"brokertui/migrations/{m}" for m in migrations} <= names
    assert "brokertui/core/data/entidades.json" in names
    assert any(n.endswith("screens/form.tcss") for n in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "brokertui = brokertui.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_python_dash_m_runs_the_cli(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "brokertui",
            "--db",
            str(tmp_path / "m.db"),
            "--crear",
            "client",
            "list",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "[]"
