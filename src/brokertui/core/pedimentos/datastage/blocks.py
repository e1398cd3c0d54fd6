"""Checking a block of a member's lines at once, column by column (issue 13, item 7).

A plain block (delivery.Member.blocks) whose lines all have the header's width is split,
turned into columns and each column read by its kind in one pass of C code (values.py), so
no Python runs per row but for a partida's bookkeeping. The result is exactly the rows the
importer's row-by-row reading gives (importer._checked_rows), and each pedimento's version
digest gets the same bytes in the same order. Anything unusual in a block (a row of another
width, a value not of its kind, a pedimento not in the 501, a repeated partida) gives None:
the importer then reads that block row by row, which names the line and the rule.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from itertools import compress, repeat
from operator import itemgetter

from brokertui.core.pedimentos.datastage import values
from brokertui.core.pedimentos.datastage.members import MEMBERS

_ORDINAL, _VERSION = itemgetter("n"), itemgetter("version")
_UPDATE = type(hashlib.blake2b()).update
_BLANK = "blank"  # a constant "" (a column the pedimento tables fill later)
_NONE = "none"  # a constant None
_FRACCION = "fraccion"  # 8 ASCII digits once zero-filled


def _fraccion(column: list[str]) -> list | None:
    out = list(map(str.zfill, column, repeat(8)))
    joined = "".join(out)
    if len(joined) == 8 * len(out) and joined.isdigit() and joined.isascii():
        return out
    return None


_READ: dict[str, Callable] = {
    "text": lambda column: column,
    "code": values.codes,
    "number": values.numbers,
    "amount": values.amounts,
    "integer": values.integers,
    "date": values.dates,
    "day": values.days,
    _FRACCION: _fraccion,
}

# The members the importer parses into the pedimento tables, as (header, kind, required) in
# the order of their parsers' rows (importer._p505, _p507, _p551, _p554, _p557); the 506's
# dates complete their pedimentos (importer._p506), no row of it is stored.
_CASO = (("ClaveCaso", "code", False), ("IdentificadorCaso", "text", False))
_SEQUENCE = ("SecuenciaFraccion", "integer", True)
_PEDIMENTO_TABLES = {
    "505": (
        ("NumeroFactura", "text", False),
        ("FechaFacturacion", "day", False),
        ("TerminoFacturacion", "text", False),
        ("MonedaFacturacion", "text", False),
        ("ValorMonedaExtranjera", "number", False),
        ("ValorDolares", "amount", False),
        ("ProveedorMercancia", "text", False),
        ("IndentFiscalProveedor", "text", False),
    ),
    "506": (("TipoFecha", "text", False), ("FechaOperacion", "day", False)),
    "507": (("", _NONE, False), *_CASO, ("ComplementoCaso", "text", False), ("", _BLANK, False)),
    "551": (
        _SEQUENCE,
        ("Fraccion", _FRACCION, False),
        ("SubdivisionFraccion", "text", False),
        ("DescripcionMercancia", "text", False),
        ("CodigoMercanciaProducto", "text", False),
        ("PrecioUnitario", "amount", False),
        ("ValorAduana", "amount", False),
        ("ValorComercial", "amount", False),
        ("ValorDolares", "amount", False),
        ("CantidadUMComercial", "amount", False),
        ("UnidadMedidaComercial", "text", False),
        ("CantidadUMTarifa", "amount", False),
        ("UnidadMedidaTarifa", "text", False),
        ("PaisOrigenDestino", "text", False),
    ),
    "554": (_SEQUENCE, *_CASO, ("ComplementoCaso", "text", False), ("", _BLANK, False)),
    "557": (
        _SEQUENCE,
        ("ClaveContribucion", "text", False),
        ("FormaPago", "text", False),
        ("ImportePago", "amount", False),
    ),
}


class Heads(dict):
    """The pedimentos of the 501 to import, by key; `partidas`: the line of each partida
    read from the 551, by (pedimento's ordinal, SecuenciaFraccion)."""

    def __init__(self) -> None:
        super().__init__()
        self.partidas: dict[tuple[int, int], int] = {}


@dataclass
class Counts:
    """Rows left out of a member's import: of pedimentos not in the 501 (`strays`) and of
    partidas not in the 551 (`orphans`)."""

    strays: int = 0
    orphans: int = 0


class Plan:
    """How a member's rows are read column by column: the key's positions, each parsed
    column's position (None for a constant), kind and whether it may be empty."""

    def __init__(self, tipo: str, positions: Callable[[str], int], width: int):
        spec = MEMBERS[tipo]
        self.tipo, self.width, self.own = tipo, width, spec.own_table
        self.prefix = f"{tipo}|"
        self.key = tuple(positions(h) for h in ("patente", "pedimento", "seccionaduanera"))
        own = tuple((c.header, c.kind, c.required) for c in spec.stored)
        columns = own if spec.own_table else _PEDIMENTO_TABLES[tipo]
        self.columns = [
            (positions(h.lower()) if h else None, kind, required) for h, kind, required in columns
        ]
        names = [h for h, _, _ in columns]
        at = names.index("SecuenciaFraccion") if "SecuenciaFraccion" in names else None
        self.sequence = at if spec.level == "partida" else None
        self.partidas = tipo == "551"  # records each partida, refuses a repeated one

    @classmethod
    def of(cls, tipo: str, positions: Callable[[str], int], width: int) -> Plan | None:
        """The plan of a member that has one: its rows are only parsed (no head but 551's
        partidas changed, nothing derived) and it has a pedimento key."""
        spec = MEMBERS[tipo]
        if spec.level == "entrega" or spec.derived:
            return None
        if not spec.own_table and tipo not in _PEDIMENTO_TABLES:
            return None
        return cls(tipo, positions, width)

    def rows(
        self, lines: list[str], first: int, heads: Heads, skipped: set, counts: Counts
    ) -> list[tuple] | None:
        """The parsed rows of a plain block (each with its pedimento's ordinal first), its
        rows' bytes added to their pedimentos' versions; None to read it row by row."""
        split = self._split(lines)
        if split is None:
            return None
        columns, end = split
        a, b, c = self.key
        keys = list(
            zip(
                map(str.zfill, columns[a], repeat(4)),
                map(str.zfill, columns[b], repeat(7)),
                map(str.zfill, columns[c], repeat(3)),
                strict=False,  # the repeats are endless
            )
        )
        block = _Block(columns, keys, lines, range(first, first + len(lines)))
        if skipped and not skipped.isdisjoint(keys):
            block = block.kept([k not in skipped for k in keys])
        found: list = list(map(heads.get, block.keys))
        strays = 0
        if None in found:
            if not self.own:
                return None  # an error: the row-by-row reading names it
            block = block.kept([h is not None for h in found])
            strays = len(found) - len(block.keys)
            found = [h for h in found if h is not None]
        parsed = self._parsed(block.columns, len(block.keys))
        if parsed is None:
            return None
        if self.tipo == "506":
            if None in parsed[1]:
                return None  # not a date: an error
            entries = compress(zip(found, parsed[1], strict=True), map("1".__eq__, parsed[0]))
            for head, day in entries:  # TipoFecha 1: ENTRADA (formats.md §1.5, 506)
                head["fecha_entrada"] = day
            parsed = []
        ordinals = list(map(_ORDINAL, found))
        if self.sequence is not None:
            partidas = list(zip(ordinals, parsed[self.sequence], strict=True))
            if self.partidas:  # each recorded with its line; a repeated one is an error
                if len(set(partidas)) < len(partidas) or not heads.partidas.keys().isdisjoint(
                    partidas
                ):
                    return None
                heads.partidas.update(zip(partidas, block.numbers, strict=True))
            elif self.own:
                counts.orphans += len(partidas) - sum(map(heads.partidas.__contains__, partidas))
        counts.strays += strays
        # Each row's bytes, as the row-by-row reading gives them, in one encoding: no line
        # holds a line break (delivery.Member.blocks), so they split back by line.
        text = self.prefix + (end + self.prefix).join(block.lines) + end
        rows = text.encode().splitlines(keepends=True)
        deque(map(_UPDATE, map(_VERSION, found), rows), maxlen=0)  # each row's update, in C
        return list(zip(ordinals, *parsed, strict=True)) if parsed else []

    def _split(self, lines: list[str]) -> tuple[list, str] | None:
        """The block's columns (with an empty one where absent columns point) and the end
        its rows get in the version (the absent last field read as empty, as _Rows does);
        None when a row's width is not the header's. The lines are split at once: with as
        many `|` each, the fields of one column are every width-th."""
        width, count = self.width, len(lines)
        pipes = set(map(str.count, lines, repeat("|")))
        if pipes == {width} and all(map(str.endswith, lines, repeat("|"))):
            fields, end = "".join(lines).split("|"), "\n"  # a trailing `|` ends each row
        elif pipes == {width - 1}:
            fields, end = "|".join(lines).split("|"), "|\n"
        else:
            return None
        last = count * width
        columns = [fields[at:last:width] for at in range(width)]
        return [*columns, [""] * count], end

    def _parsed(self, columns: list, count: int) -> list | None:
        """The parsed columns in order, or None when a value is not of its kind."""
        parsed: list = []
        for at, kind, required in self.columns:
            if at is None:
                parsed.append(repeat(None if kind == _NONE else "", count))
                continue
            column = columns[at]
            if required and "" in column:
                return None
            out = _READ[kind](column)
            if out is None:
                return None
            parsed.append(out)
        return parsed


@dataclass
class _Block:
    """A block's columns, keys, lines and line numbers."""

    columns: list
    keys: list
    lines: list
    numbers: range | list

    def kept(self, keep: list[bool]) -> _Block:
        """The block of the rows kept."""
        return _Block(
            [tuple(compress(c, keep)) for c in self.columns],
            list(compress(self.keys, keep)),
            list(compress(self.lines, keep)),
            list(compress(self.numbers, keep)),
        )
