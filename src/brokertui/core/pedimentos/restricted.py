"""Restricted goods on temporary imports (rules.md §3): Anexo II sensitive goods and their
guarantee (Anexo 3.3.3), petrolíferos and Anexo I textiles. The lists are package data."""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from importlib import resources

RULES = ("sensibles", "garantia", "petroliferos", "textiles")


@cache
def config() -> dict:
    text = (resources.files("brokertui.core") / "data" / "pedimento_rules.toml").read_text("utf-8")
    return tomllib.loads(text)


def defaults() -> dict[str, bool]:
    return {name: config()["rules"][name]["default"] for name in RULES}


@dataclass(frozen=True)
class Sensitive:
    fraccion: str  # as listed (pre-2020 TIGIE)
    sector: str
    sector_name: str
    umt: str | None  # Apéndice 7 code of the amount's unit, when published
    usd_por_unidad: Decimal | None
    by_subheading: bool  # matched on the 6-digit subheading only

    def guarantee(self, cantidad_umt: Decimal) -> Decimal | None:
        """Anexo 3.3.3 amount × quantity in the tariff unit, in USD to the cent."""
        if self.usd_por_unidad is None:
            return None
        return (self.usd_por_unidad * cantidad_umt).quantize(Decimal("0.01"), ROUND_HALF_UP)


@cache
def _anexo_ii() -> tuple[dict, dict[str, dict], dict[str, list[dict]]]:
    data = json.loads(
        (resources.files("brokertui.core") / "data" / "anexo_ii.json").read_text("utf-8")
    )
    exact = {e["fraccion"]: e for e in data["entries"]}
    by_sub: dict[str, list[dict]] = {}
    for entry in data["entries"]:
        by_sub.setdefault(entry["fraccion"][:6], []).append(entry)
    return data["sectors"], exact, by_sub


def sensitive(fraccion: str) -> Sensitive | None:
    """The Anexo II entry for a fracción; on no exact match, its subheading's entry when all
    of them share sector and amount (the list uses pre-2020 fracciones, rules.md §3.1)."""
    sectors, exact, by_sub = _anexo_ii()
    entry = exact.get(fraccion)
    approximate = entry is None
    if entry is None:
        siblings = by_sub.get(fraccion[:6], [])
        kinds = {(e["sector"], e["usd_por_unidad"], e["umt"]) for e in siblings}
        if len(kinds) != 1:
            return None
        entry = siblings[0]
    amount = entry["usd_por_unidad"]
    return Sensitive(
        entry["fraccion"],
        entry["sector"],
        sectors[entry["sector"]],
        entry["umt"],
        Decimal(amount) if amount else None,
        approximate,
    )


def matches(rule: str, fraccion: str, on: date) -> bool:
    """Whether a prefix rule (petrolíferos, textiles) applies to the fracción on a date."""
    spec = config()["rules"][rule]
    since = spec.get("since")
    if since and on < since:
        return False
    return any(fraccion.startswith(prefix) for prefix in spec["prefixes"])


def sector_counts() -> dict[str, int]:
    counts: dict[str, int] = {}
    for entry in _anexo_ii()[1].values():
        counts[entry["sector"]] = counts.get(entry["sector"], 0) + 1
    return counts
