"""Fixtures for tests that run the app as a process on a pseudo-terminal (harness.py)."""

from __future__ import annotations

import pytest

from brokertui.core import db as store
from brokertui.core.demo import clients as demo
from tests.conftest import TODAY
from tests.pty.harness import Terminal


@pytest.fixture
def demo_path(tmp_path):
    """A demo database file, closed, for processes to open."""
    path = tmp_path / "demo.db"
    database = store.connect(path)
    demo.load(database, TODAY)
    database.close()
    return path


@pytest.fixture
def terminal():
    """Start apps on ptys: `terminal(db_path, **options)`; each one still running is closed
    (Ctrl+Q, killed on timeout) at the end of the test, and none may have shown a traceback or
    a raw lock error."""
    started: list[Terminal] = []

    def start(db_path, **options) -> Terminal:
        options.setdefault("today", TODAY)
        term = Terminal(db_path, **options)
        started.append(term)
        return term

    yield start
    for term in started:
        term.close()
    for term in started:
        term.assert_clean()
