"""No English on any screen (issue 16, item 6): the text of every snapshot, scanned for
deny-listed English words (tests/english.py, with its allow-list)."""

from pathlib import Path

import pytest

from tests.english import english_lines, svg_lines

SNAPSHOTS = sorted((Path(__file__).parent / "__snapshots__").glob("*/*.svg"))


def test_there_are_snapshots_to_scan():
    assert len(SNAPSHOTS) > 80


@pytest.mark.parametrize("svg", SNAPSHOTS, ids=lambda p: p.stem)
def test_the_screen_has_no_english(svg):
    assert not english_lines(svg_lines(svg))
