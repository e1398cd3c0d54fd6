"""Pytest hooks (imported by tests/conftest.py) that print how many fuzz inputs ran per
surface, adding up the counts of every xdist worker."""

from __future__ import annotations

import json

import pytest

from tests.fuzz.guard import COUNTS


def pytest_sessionfinish(session: pytest.Session) -> None:
    output = getattr(session.config, "workeroutput", None)
    if output is not None:  # an xdist worker: hand the counts to the controller
        output["fuzz_counts"] = json.dumps([[*key, n] for key, n in COUNTS.items()])


@pytest.hookimpl(optionalhook=True)  # an xdist hook
def pytest_testnodedown(node, error) -> None:
    for surface, outcome, n in json.loads(node.workeroutput.get("fuzz_counts", "[]")):
        COUNTS[surface, outcome] += n


def pytest_terminal_summary(terminalreporter) -> None:
    surfaces = sorted({surface for surface, _ in COUNTS})
    if not surfaces:
        return
    terminalreporter.section("fuzz inputs per surface")
    for surface in surfaces:
        accepted, refused = COUNTS[surface, "accepted"], COUNTS[surface, "refused"]
        terminalreporter.write_line(
            f"{surface:<10} {accepted + refused:>7,} inputs: {accepted:,} accepted, "
            f"{refused:,} refused with a clean message"
        )
