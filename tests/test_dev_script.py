"""dev.py, the quick start of README: a bad `--today` is the CLI's Spanish message and a
non-zero exit, never a Python traceback of the bootstrap script."""

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def dev(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("dev", ROOT / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "ensure_venv", lambda: None)  # this venv is the one in use
    monkeypatch.setattr(module, "BIN", Path(sys.executable).parent)
    monkeypatch.setattr(module, "DEMO_DB", tmp_path / "var" / "demo.db")
    return module


@pytest.mark.parametrize("today", ["mañana", "2026-02-30", "1900-01-01"])
def test_a_bad_today_is_refused_without_a_traceback(dev, capfd, today):
    assert dev.main(["run", "--today", today]) != 0
    err = capfd.readouterr().err
    assert "Valor no válido para '--today'" in err
    assert "Traceback" not in err
    assert not dev.DEMO_DB.exists()
