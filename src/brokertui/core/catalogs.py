"""Code lists shipped as package data (core/data/*.json), each with its source and date."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Catalog:
    name: str
    source: str
    as_of: str
    entries: dict[str, str]  # code -> name, in file order

    def lookup(self, text: str) -> str | None:
        """The code for `text`, given as a code or a name (case and accents ignored)."""
        wanted = fold(text)
        for code, name in self.entries.items():
            if wanted in (fold(code), fold(name)):
                return code
        return None


def fold(text: str) -> str:
    """Upper-case without accents, for lenient matching ("Querétaro" == "QUERETARO")."""
    decomposed = unicodedata.normalize("NFKD", text.strip())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).upper()


@cache
def load(name: str) -> Catalog:
    raw = json.loads(
        (resources.files("brokertui.core") / "data" / f"{name}.json").read_text("utf-8")
    )
    entries = {e["code"]: e["name"] for e in raw["entries"]}
    return Catalog(name, raw["source"], raw["as_of"], entries)
