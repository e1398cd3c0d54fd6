"""Counts in messages (core/plural.py): singular for one, thousands separators, and no message
of src writing a count before a plural noun by hand (stop 20 review: '1 diferencias',
'1 asignaciones', 'con 1 partidas')."""

import ast
import re
from pathlib import Path

from brokertui.core import plural

SRC = Path(plural.__file__).parents[1]
# '{x} word' where word looks like a Spanish plural noun
_PLURAL_AFTER = re.compile(r"^(?:\[/[^\]]*\])? ([a-záéíóúñ]+s)\b")  # after markup's [/] too
_CONSTANT = re.compile(r"\b[A-Z][A-Z_0-9]+\b")
_NOT_NOUNS = {"es", "los", "las", "más", "mientras", "is", "miles"}
# A constant ('{MAX_ROWS:,} filas') is a limit, never one; these counts are never one either:
# a limit, or something beyond one ('{sheets:,} hojas, más de MAX_SHEETS').
_NEVER_ONE = {
    ("core/anexo24/reader.py", "caracteres"),
    ("core/anexo24/reader.py", "partes"),
    ("core/anexo24/reader.py", "hojas"),
    ("core/pedimentos/datastage/delivery.py", "archivos"),
    ("core/limits.py", "bytes"),
    ("core/models.py", "caracteres"),
    ("core/quantities.py", "decimales"),
    ("core/identifiers.py", "letras"),
}


def test_one_is_singular_and_counts_have_thousands_separators():
    assert plural.counted(1, "diferencia") == "1 diferencia"
    assert plural.counted(0, "diferencia") == "0 diferencias"
    assert plural.counted(3011, "fila") == "3,011 filas"
    assert plural.counted(1, "asignación", "asignaciones") == "1 asignación"
    assert plural.counted(2, "asignación", "asignaciones") == "2 asignaciones"
    many = "salidas quedan pendientes"
    assert plural.counted(1, "salida queda pendiente", many) == "1 salida queda pendiente"
    assert plural.counted(1_000_000, "salida queda pendiente", many) == f"1,000,000 {many}"


def _hand_written_counts() -> list[str]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        name = path.relative_to(SRC).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.JoinedStr):
                continue
            for value, after in zip(node.values, node.values[1:], strict=False):
                if not (isinstance(value, ast.FormattedValue) and isinstance(after, ast.Constant)):
                    continue
                word = _PLURAL_AFTER.match(str(after.value))
                if _CONSTANT.search(ast.unparse(value.value)):
                    continue
                if word and word[1] not in _NOT_NOUNS and (name, word[1]) not in _NEVER_ONE:
                    found.append(f"{name}:{node.lineno}: {{{ast.unparse(value.value)}}} {word[1]}")
    return found


def test_no_message_writes_a_count_before_a_plural_noun_by_hand():
    """Every count of a message goes through plural.counted, which says '1 fila'."""
    assert _hand_written_counts() == []
