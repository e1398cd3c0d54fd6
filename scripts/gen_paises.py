"""Generate core/data/paises.json (Anexo 22 Apéndice 4 uses ISO 3166 alpha-3 codes).

The code list comes from the `holidays` package registry (all 250 ISO 3166 countries); names
are Spanish for the usual trading partners and the registry's English name otherwise.
Run: python scripts/gen_paises.py
"""

import json
import re
from pathlib import Path

from holidays import registry

SPANISH = {
    "USA": "Estados Unidos",
    "CAN": "Canadá",
    "MEX": "México",
    "CHN": "China",
    "JPN": "Japón",
    "KOR": "Corea del Sur",
    "TWN": "Taiwán",
    "DEU": "Alemania",
    "FRA": "Francia",
    "ITA": "Italia",
    "ESP": "España",
    "GBR": "Reino Unido",
    "NLD": "Países Bajos",
    "BEL": "Bélgica",
    "CHE": "Suiza",
    "AUT": "Austria",
    "SWE": "Suecia",
    "POL": "Polonia",
    "CZE": "Chequia",
    "HUN": "Hungría",
    "IRL": "Irlanda",
    "PRT": "Portugal",
    "DNK": "Dinamarca",
    "FIN": "Finlandia",
    "NOR": "Noruega",
    "ROU": "Rumania",
    "SVK": "Eslovaquia",
    "TUR": "Turquía",
    "ISR": "Israel",
    "IND": "India",
    "VNM": "Vietnam",
    "THA": "Tailandia",
    "MYS": "Malasia",
    "SGP": "Singapur",
    "IDN": "Indonesia",
    "PHL": "Filipinas",
    "HKG": "Hong Kong",
    "AUS": "Australia",
    "NZL": "Nueva Zelanda",
    "BRA": "Brasil",
    "ARG": "Argentina",
    "CHL": "Chile",
    "COL": "Colombia",
    "PER": "Perú",
    "URY": "Uruguay",
    "PRY": "Paraguay",
    "BOL": "Bolivia",
    "ECU": "Ecuador",
    "VEN": "Venezuela",
    "GTM": "Guatemala",
    "HND": "Honduras",
    "SLV": "El Salvador",
    "NIC": "Nicaragua",
    "CRI": "Costa Rica",
    "PAN": "Panamá",
    "CUB": "Cuba",
    "DOM": "República Dominicana",
    "RUS": "Rusia",
    "UKR": "Ucrania",
    "ZAF": "Sudáfrica",
    "EGY": "Egipto",
    "MAR": "Marruecos",
    "SAU": "Arabia Saudita",
    "ARE": "Emiratos Árabes Unidos",
    "PAK": "Pakistán",
    "BGD": "Bangladés",
    "LKA": "Sri Lanka",
}


def english(name: str) -> str:
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name)


def main() -> None:
    entries = sorted(
        (
            {"code": a3, "name": SPANISH.get(a3, english(cls))}
            for cls, _a2, a3, *_ in registry.COUNTRIES.values()
        ),
        key=lambda e: e["code"],
    )
    data = {
        "source": "ISO 3166-1 alfa-3 (Anexo 22 Apéndice 4), lista del paquete holidays",
        "as_of": "2025-01-01",
        "entries": entries,
    }
    target = Path(__file__).parents[1] / "src/brokertui/core/data/paises.json"
    target.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(entries)} países -> {target}")


if __name__ == "__main__":
    main()
