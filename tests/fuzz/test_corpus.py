"""The regression corpus: every input that once crashed a surface (tests/fuzz/corpus/), replayed
with the same assertions as the fuzz suites. A file's name says its surface and kind:
`csv/<kind>--<what>.csv`, `xlsx/<kind>--<what>.xlsx`, `datastage/<what>.zip`."""

from __future__ import annotations

from pathlib import Path

import pytest

from brokertui.core.pedimentos.datastage import importer
from tests.fuzz.guard import attempt
from tests.fuzz.test_csv import import_csv

CORPUS = Path(__file__).parent / "corpus"


def _files(surface: str) -> list[Path]:
    return sorted((CORPUS / surface).iterdir())


@pytest.mark.parametrize("path", _files("csv") + _files("xlsx"), ids=lambda p: p.name)
def test_interface_files_that_crashed(inventory_db, path):
    kind = path.name.split("--")[0]
    attempt(path.parent.name, inventory_db, lambda: import_csv(inventory_db, kind, path))


@pytest.mark.parametrize("path", _files("datastage"), ids=lambda p: p.name)
def test_datastage_zips_that_crashed(inventory_db, path):
    attempt("datastage", inventory_db, lambda: importer.import_zip(inventory_db, path))
