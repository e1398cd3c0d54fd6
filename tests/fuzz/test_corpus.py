"""The regression corpus: every input that once crashed a surface (tests/fuzz/corpus/), replayed
with the same assertions as the fuzz suites. A file's name says its surface and kind:
`csv/<kind>--<what>.csv`, `xlsx/<kind>--<what>.xlsx`, `datastage/<what>.zip`; `forms.jsonl`
holds {"form", "data"} lines (test_forms.FORMS) and `cli.jsonl` argument lists (run in the
pool folder of test_cli)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from brokertui.cli import main
from brokertui.core import db as store
from brokertui.core.pedimentos.datastage import importer
from tests.fuzz.guard import attempt
from tests.fuzz.test_cli import TODAY, _check, _hash
from tests.fuzz.test_csv import import_csv
from tests.fuzz.test_forms import FORMS

CORPUS = Path(__file__).parent / "corpus"


def _files(surface: str) -> list[Path]:
    return sorted((CORPUS / surface).iterdir())


def _lines(name: str) -> list:
    return [json.loads(line) for line in (CORPUS / name).read_text().splitlines()]


@pytest.mark.parametrize("path", _files("csv") + _files("xlsx"), ids=lambda p: p.name)
def test_interface_files_that_crashed(inventory_db, path):
    kind = path.name.split("--")[0]
    attempt(path.parent.name, inventory_db, lambda: import_csv(inventory_db, kind, path))


@pytest.mark.parametrize("path", _files("datastage"), ids=lambda p: p.name)
def test_datastage_zips_that_crashed(inventory_db, path):
    attempt("datastage", inventory_db, lambda: importer.import_zip(inventory_db, path))


@pytest.mark.parametrize("entry", _lines("forms.jsonl"), ids=lambda e: e["form"])
def test_form_values_that_crashed(demo_path, entry):
    db = store.connect(demo_path)
    data = tuple(entry["data"]) if entry["form"] == "filing" else entry["data"]
    try:
        attempt("forms", db, lambda: FORMS[entry["form"]][1](db, data, False))
    finally:
        db.close()


@pytest.mark.parametrize("args", _lines("cli.jsonl"), ids=lambda a: " ".join(a)[:40])
def test_command_lines_that_crashed(cli_folder, demo_path, args):
    before = _hash(demo_path)
    env = {"BROKERTUI_DB": str(demo_path), "BROKERTUI_TODAY": TODAY}
    result = CliRunner(env=env).invoke(main, args)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    _check(result.exit_code, result.output, result.stderr, before, demo_path)
