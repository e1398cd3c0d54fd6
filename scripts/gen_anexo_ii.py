"""Generate core/data/anexo_ii.json: sensitive goods (Decreto IMMEX Anexo II) and their
guarantee amounts (RCSE Anexo 3.3.3, "MG en dlls."), from the reference text.

Source: ../shared/reference/immex-sensitive-goods-guarantees.txt (IDC, Dec 2018), digested in
rules.md §3.1. The text lists the apartado G fracciones (copper and lead) and an excerpt of
Anexo 3.3.3 grouped by industry; sectors are assigned from those groups and chapters:
  Azucarero, Cacao, Preparaciones alimenticias -> A; acero (72, 73) -> B; textiles -> C;
  aluminio (76) -> D; desperdicios de minerales -> E; tabaco -> F; cobre y plomo -> G;
  hule 4004 -> Anexo 3.3.2 (same regime, not an Anexo II apartado).
Run: python scripts/gen_anexo_ii.py [path/to/immex-sensitive-goods-guarantees.txt]
"""

import json
import re
import sys
from pathlib import Path

FRACCION = re.compile(r"\b(\d{4})\.(\d{2})\.(\d{2})\b")
AMOUNT = re.compile(r"^\d+\.\d{4}$")
UNITS = {"Kg": "1", "Pza": "6", "M2": "4"}  # Anexo 22 Apéndice 7 codes
SECTORS = {
    "A": "Azúcar y sus derivados",
    "B": "Acero y sus productos",
    "C": "Textiles",
    "D": "Aluminio y derivados",
    "E": "Desperdicios y desechos de minerales",
    "F": "Tabaco y derivados",
    "G": "Cobre y plomo (apartado G, reforma 2018) [unconfirmed]",
    "3.3.2": "Anexo 3.3.2 RCSE (hule)",
}
SECTION_SECTOR = {
    "Azucarero": "A",
    "Cacao": "A",
    "Preparaciones alimenticias": "A",
    "Tabacos y cigarros": "F",
    "Desechos y desperdicios": "3.3.2",
    "Textiles y manufacturas": "C",
    "Desperdicios": "E",
    "Operaciones especiales": "C",
}
METAL = {"72": "B", "73": "B", "74": "G", "76": "D"}


def parse(text: str) -> list[dict]:
    lines = [line.strip().replace("\xa0", " ").strip() for line in text.splitlines()]
    entries: dict[str, dict] = {}
    start = lines.index("Se tratará de los siguientes:")
    for line in lines[start : lines.index("Exenciones")]:
        if m := FRACCION.fullmatch(line):
            entries["".join(m.groups())] = _entry("".join(m.groups()), "G", None, None, "G")
    head = next(i for i, line in enumerate(lines) if line.startswith("Anexo 3.3.3"))
    section, pending, unit = None, None, None
    for line in lines[head + 1 : lines.index("Comentario Final")]:
        if not line or line in ("UM", "MG en dlls.") or line.startswith("Fracción"):
            if not line and pending is not None and unit is None:
                unit = ""  # an empty unit cell
            continue
        if FRACCION.search(line):
            pending, unit = ["".join(m) for m in FRACCION.findall(line)], None
        elif line in UNITS:
            unit = line
        elif AMOUNT.match(line) and pending:
            for code in pending:
                sector = SECTION_SECTOR.get(section) or METAL[code[:2]]
                entries[code] = _entry(code, sector, unit or None, line, section)
            pending, unit = None, None
        elif not FRACCION.search(line):
            section = line
    return sorted(entries.values(), key=lambda e: e["fraccion"])


def _entry(code, sector, unit, amount, section):
    return {
        "fraccion": code,
        "sector": sector,
        "umt": UNITS.get(unit) if unit else None,
        "usd_por_unidad": amount,
        "grupo": section,
    }


def main() -> None:
    default = Path(__file__).parents[2] / "shared/reference/immex-sensitive-goods-guarantees.txt"
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    entries = parse(source.read_text(encoding="utf-8"))
    data = {
        "source": "Decreto IMMEX Anexo II y RCSE Anexo 3.3.3 (extracto), según IDC 'Reforma IMMEX "
        "para sensibles', dic. 2018 (immex-sensitive-goods-guarantees.txt; rules.md §3.1). "
        "Fracciones TIGIE anteriores a 2020.",
        "as_of": "2018-12-07",
        "sectors": SECTORS,
        "entries": entries,
    }
    target = Path(__file__).parents[1] / "src/brokertui/core/data/anexo_ii.json"
    target.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    counts = {}
    for e in entries:
        counts[e["sector"]] = counts.get(e["sector"], 0) + 1
    print(f"{len(entries)} fracciones {dict(sorted(counts.items()))} -> {target}")


if __name__ == "__main__":
    main()
