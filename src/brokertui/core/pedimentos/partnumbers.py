"""Part numbers of Data Stage partidas (issue 13, item 5). 551 CodigoMercanciaProducto is often
empty in real deliveries, and importers write the part number in the partida's observaciones
(member 558, `formats.md` §1.5), e.g. `No. De parte: 5HYV-355080-9000`. A partida without one in
551 takes the first match of its client's pattern (rules.part_pattern) in its 558 text, the
observaciones joined in their order, one per line; without either, the ERP's entradas interface
gives it. The match ignores case and accents; the part number is the pattern's first group, as
written, trailing punctuation (`.,;:`) dropped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from sqlite_utils import Database

from brokertui.core.errors import InvalidInput

DEFAULT_PATTERN = r"No\.? ?de parte:?\s*(\S+)"
FIELD = "patron_numero_parte"
MAX_PATTERN = 200


def _unaccented(text: str) -> str:
    """`text` without accents, character for character (a match's span holds in `text`)."""
    out = []
    for char in text:
        base = "".join(
            c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)
        )
        out.append(base if len(base) == 1 else char)
    return "".join(out)


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """The pattern as used (accents ignored, any case); a bad one raises InvalidInput naming
    the field and the rule, in Spanish."""
    if not pattern.strip():
        raise InvalidInput(FIELD, "es obligatorio (el predeterminado es " + DEFAULT_PATTERN + ")")
    if len(pattern) > MAX_PATTERN:
        raise InvalidInput(FIELD, f"a lo más {MAX_PATTERN} caracteres")
    try:
        compiled = re.compile(_unaccented(pattern), re.IGNORECASE)
    except re.error as exc:
        raise InvalidInput(FIELD, f"no es una expresión regular válida ({exc.msg})") from None
    if compiled.groups < 1:
        raise InvalidInput(
            FIELD, "debe tener un grupo entre paréntesis que capture el número de parte"
        )
    return compiled


def extract(pattern: re.Pattern[str], texts: Iterable[str]) -> str | None:
    """The part number the observaciones `texts` give by `pattern` (compile_pattern), or None."""
    text = "\n".join(texts)
    for match in pattern.finditer(_unaccented(text)):
        start, end = match.span(1)
        found = text[start:end].strip().rstrip(".,;:") if start >= 0 else ""
        if found:
            return found
    return None


def from_observaciones(
    db: Database, client_id: int, pattern: re.Pattern[str]
) -> dict[tuple[int, int], str]:
    """(pedimento id, partida) -> part number, for the client's Data Stage partidas without
    one in 551 whose observaciones give one by `pattern`."""
    return _parts(db, "p.client_id = ?", client_id, pattern)


def of_pedimento(db: Database, pedimento_id: int, pattern: re.Pattern[str]) -> dict[int, str]:
    """Partida -> part number, for one pedimento's partidas without one in 551 whose 558
    observaciones give one by `pattern` (the pedimento detail shows them, marked as such)."""
    found = _parts(db, "p.id = ?", pedimento_id, pattern)
    return {secuencia: part for (_, secuencia), part in found.items()}


def _parts(
    db: Database, where: str, value: int, pattern: re.Pattern[str]
) -> dict[tuple[int, int], str]:
    rows = db.execute(
        f"""
        SELECT o.pedimento_id, o.secuencia, o.texto
        FROM ds_observaciones_partida o
        JOIN partidas x ON x.pedimento_id = o.pedimento_id AND x.secuencia = o.secuencia
        JOIN pedimentos p ON p.id = o.pedimento_id
        WHERE {where} AND x.numero_parte = ''
        ORDER BY o.pedimento_id, o.secuencia, o.secuencia_obs, o.id
        """,
        [value],
    )
    texts: dict[tuple[int, int], list[str]] = {}
    for pid, sec, texto in rows:
        texts.setdefault((pid, sec), []).append(texto)
    found = {key: extract(pattern, lines) for key, lines in texts.items()}
    return {key: part for key, part in found.items() if part}
