"""One exit in words, for the line under the Descargos list (F5): its kind (exit_kinds.py), the
good it takes out and what its kind records (the receiving company and its pedimento, the
constancia's CFDI, the acta of a destruction, the month of a repair consumption)."""

from __future__ import annotations

from sqlite_utils import Database

from brokertui.core import formatting

BIEN = {"M": "material", "P": "producto", "D": "desperdicio"}
AJUSTE = "AJUSTE"  # the clave stored for an ajuste's exit (faltante, merma): no pedimento's


def describe(db: Database, salida_id: int) -> str:
    """'RT-0007: transferencia de producto TC-900 (clave V5) a RFC · pedimento receptor … ·
    CFDI … del …' ('' for an exit that is gone)."""
    found = list(db.query("SELECT * FROM salidas WHERE id = ?", [salida_id]))
    if not found:
        return ""
    s = found[0]
    head = f"{s['documento']}: {s['tipo_salida']} de {BIEN[s['tipo_bien']]} {s['numero_parte']}"
    words = [
        head
        + (f" (clave {s['clave']})" if s["clave"] not in ("", AJUSTE) else "")
        + (f" a {s['rfc_receptor']}" if s["rfc_receptor"] else "")
    ]
    if s["pedimento_receptor"]:
        words.append(f"pedimento receptor {formatting.pedimento(s['pedimento_receptor'])}")
    if s["folio_cfdi"]:
        words.append(f"CFDI {s['folio_cfdi']} del {s['fecha_cfdi']}")
    if s["numero_acta"]:
        words.append(f"acta {s['numero_acta']} del {s['fecha_acta']}")
    if s["periodo"]:
        words.append(f"consumo de {s['periodo']}")
    return " · ".join(words)
