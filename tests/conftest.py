import os
from datetime import date

import pytest
from hypothesis import HealthCheck, settings

import brokertui.core.anexo24  # noqa: F401  (the pedimentos -> entries seam, as in the app)
from brokertui.core import db as store
from brokertui.core import log
from brokertui.core.demo import clients as demo
from tests.fuzz.report import (  # noqa: F401  (hooks: fuzz input counts per surface)
    pytest_sessionfinish,
    pytest_terminal_summary,
    pytest_testnodedown,
)

TODAY = date(2026, 4, 15)

# No property's outcome depends on the machine's speed: Hypothesis's default deadline (200 ms
# an example) and its too_slow health check fail a test on a loaded CI machine, not on a bug.
# Nor on luck: each property tries the same examples on every run (derandomized, from the test
# itself and the pinned Hypothesis), so a suite that passed passes again. BROKERTUI_EXPLORE=1
# draws new ones each run, to look for bugs (README, Tests). Loaded here, before any test
# module builds its own settings (which inherit from it).
settings.register_profile(
    "brokertui",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=not os.environ.get("BROKERTUI_EXPLORE"),
)
settings.load_profile("brokertui")


@pytest.fixture
def db(tmp_path):
    database = store.connect(tmp_path / "test.db")
    yield database
    database.close()


@pytest.fixture
def demo_db(db):
    demo.load(db, TODAY)
    return db


@pytest.fixture
def log_file(tmp_path, monkeypatch):
    """The log of unexpected errors (core/log.py) moved into the test's own folder."""
    path = tmp_path / "logs" / "brokertui.log"
    monkeypatch.setattr(log, "LOG_FILE", path)
    return path


@pytest.fixture(autouse=True)
def own_config(tmp_path, monkeypatch):
    """Each test has its own preferences file (never the user's ~/.config/brokertui)."""
    monkeypatch.setenv("BROKERTUI_CONFIG", str(tmp_path / "config.toml"))


@pytest.fixture(autouse=True)
def steady_cursor(monkeypatch):
    """Keep the input cursor visible: a blink landing on a snapshot under load made it flaky."""
    from textual.widgets import Input

    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
