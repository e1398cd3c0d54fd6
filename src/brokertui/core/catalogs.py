"""Code lists shipped as package data (core/data/*.json), each with its source and date.

A user can replace any catalog by putting a file of the same name and shape in the catalogs
directory (`BROKERTUI_CATALOGS`, or `catalogs/` in the user data directory): a newer Anexo 22
does not need a new release.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from pathlib import Path

import platformdirs

from brokertui.core.text import fold

NAMES = (
    "aduanas",
    "claves",
    "unidades",
    "identificadores",
    "paises",
    "regimenes",
    "incoterms",
    "monedas",
    "tasas",
    "tratados",
    "entidades",
    "prosec_sectores",
)


@dataclass(frozen=True)
class Catalog:
    name: str
    source: str
    as_of: str
    entries: dict[str, str]  # code -> name, in file order
    extra: dict[str, dict] = field(default_factory=dict)  # code -> other attributes
    origin: str = "paquete"

    def lookup(self, text: str) -> str | None:
        """The code for `text`, given as a code or a name (case and accents ignored)."""
        # Text already in folded form (most codes, e.g. "IN", "USA") skips the folding.
        return self._index.get(text) or self._index.get(fold(text))

    @cached_property
    def _index(self) -> dict[str, str]:
        index = {}
        for code, name in reversed(self.entries.items()):  # the first entry wins on clashes
            index[fold(name)] = code
        for code in reversed(self.entries):  # codes win over names
            index[fold(code)] = code
        return index

    def choices(self) -> list[str]:
        """Autocomplete strings: 'CODE Name' for each entry, then 'Name (CODE)'."""
        return [f"{code} {name}" for code, name in self.entries.items()] + [
            f"{name} ({code})" for code, name in self.entries.items()
        ]


def user_dir() -> Path:
    """Where user replacements of catalogs live."""
    configured = os.environ.get("BROKERTUI_CATALOGS")
    if configured:
        return Path(configured)
    return Path(platformdirs.user_data_dir("brokertui", appauthor=False)) / "catalogs"


def raw(name: str) -> tuple[dict, str]:
    """The catalog file's JSON and where it came from (a user replacement wins)."""
    override = user_dir() / f"{name}.json"
    if override.is_file():
        return json.loads(override.read_text("utf-8")), str(override)
    packaged = resources.files("brokertui.core") / "data" / f"{name}.json"
    return json.loads(packaged.read_text("utf-8")), "paquete"


@cache
def load(name: str) -> Catalog:
    data, origin = raw(name)
    entries = {e["code"]: e["name"] for e in data["entries"]}
    extra = {
        e["code"]: {k: v for k, v in e.items() if k not in ("code", "name")}
        for e in data["entries"]
    }
    return Catalog(name, data["source"], data["as_of"], entries, extra, origin)
