"""What a user types in a list's search (`/` in the TUI, `--search` in the CLI), matched without
regard to case or accents (issue 16, item 1), and the sort of a list.

A search is words, numbers and dates; a row matches when every term matches one of its fields.
- A word matches a text field that contains it, both folded (core/text.fold): "plast" finds
  "Plásticos", "queretaro" finds "Querétaro".
- A number is digits, in groups separated by spaces, dashes or dots, and consecutive numbers are
  one: "3445 6001234", "34-456001234" and "34456001234" are the same number; it matches a digit
  field (a pedimento número, a fracción) containing its digits, or a text field containing it as
  written or as digits, the field's own separators between digits left out: "3001 0001234"
  and "30010001234" find the part number "3001-0001234".
- A date (AAAA-MM-DD) or a range (AAAA-MM-DD..AAAA-MM-DD, either end optional) bounds the list's
  date field.

In SQL the folding is the function `fold` (registered on every connection by core/db.py), called
only for values with a character outside printable ASCII: for the others SQLite's own LIKE,
case-insensitive for ASCII, already matches the folded term. Likewise `joined`
(core/text.joined), for a number, only for values with a separator after a digit. So a search
costs a LIKE per field of the rows the list's own WHERE (client, period) has bounded, and a
Python call only for the accented or punctuated ones. Related rows (a pedimento's partidas and
facturas) are searched in a text kept per row (`Fields.indexed`), through its trigram index.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from brokertui.core import identifiers
from brokertui.core.errors import InvalidInput
from brokertui.core.text import fold

MAX_SEARCH = 200  # characters; SQLite refuses LIKE patterns past 50,000 bytes
_NUMBER = re.compile(r"[0-9]+(?:[-.][0-9]+)*")
_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_RANGE = re.compile(rf"({_DATE})?\.\.({_DATE})?|({_DATE})")
_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
# GLOB: a value LIKE cannot match folded: a character outside printable ASCII, or two spaces.
_UNFOLDED = "GLOB '*[^ -~]*' OR {column} GLOB '*  *'"
# GLOB: a value whose digits LIKE cannot match joined: a digit then a separator.
_SEPARATED = "GLOB '*[0-9][./ -]*'"


@dataclass(frozen=True)
class Term:
    """One thing searched: as written (folded), and its digits when it is a number."""

    text: str
    digits: str = ""


@dataclass(frozen=True)
class Search:
    terms: tuple[Term, ...] = ()
    desde: date | None = None
    hasta: date | None = None

    def __bool__(self) -> bool:
        return bool(self.terms) or self.desde is not None or self.hasta is not None


def parse(text: str | None, name: str = "search") -> Search:
    """The terms of `text`; InvalidInput naming `name` for an impossible date or a search
    over MAX_SEARCH characters."""
    text = (text or "").strip()
    if len(text) > MAX_SEARCH:
        raise InvalidInput(
            name, f"una búsqueda admite hasta {MAX_SEARCH} caracteres; tiene {len(text):,}"
        )
    terms: list[Term] = []
    desde = hasta = None
    number: list[str] = []  # consecutive numeric tokens, as written

    def close_number() -> None:
        if number:
            written = " ".join(number)
            terms.append(Term(fold(written), _digits(written)))
            number.clear()

    for token in text.split():
        if found := _RANGE.fullmatch(token):
            close_number()
            first, last, day = (_day(v, name) for v in found.groups())
            desde, hasta = (day, day) if day else (first or desde, last or hasta)
        elif _NUMBER.fullmatch(token):
            number.append(token)
        else:
            close_number()
            terms.append(Term(fold(token)))
    close_number()
    return Search(tuple(t for t in terms if t.text), desde, hasta)


def _digits(text: str) -> str:
    return re.sub(r"[^0-9]", "", text)


def _day(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return identifiers.parse_date(value)
    except ValueError as exc:
        raise InvalidInput(name, str(exc)) from None


# -- SQL --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fields:
    """Where a list's rows are searched: SQL expressions of text fields, of digit fields, the
    date field, and `indexed`: a search text of the row's related rows, kept apart."""

    text: Sequence[str] = ()
    digits: Sequence[str] = ()
    date: str | None = None
    exact: Sequence[tuple[str, Callable[[str], bool]]] = ()  # (column, is this term a code)
    coded: Sequence[tuple[str, Mapping[str, str]]] = ()  # (column of codes, code -> name)
    own_digits_from: int | None = None  # a number this long matches the digit fields only
    # (row id column, FTS5 trigram table): the row's folded search text, in the table's
    # `texto` at the same rowid, holding its related fields as stored and, for those with a
    # separator after a digit, joined (core/pedimentos/store.py, index_search)
    indexed: Sequence[tuple[str, str]] = ()


def where(search: Search, fields: Fields, prefix: str = "q") -> tuple[list[str], dict]:
    """SQL conditions (to AND) and named parameters for `search` over `fields`."""
    conditions, params = [], {}
    if search.desde and fields.date:
        conditions.append(f"{fields.date} >= :{prefix}_desde")
        params[f"{prefix}_desde"] = search.desde.isoformat()
    if search.hasta and fields.date:
        conditions.append(f"{fields.date} <= :{prefix}_hasta")
        params[f"{prefix}_hasta"] = search.hasta.isoformat()
    for n, term in enumerate(search.terms):
        name = f"{prefix}{n}"
        params[name] = _pattern(term.text)
        params[f"{name}x"] = term.text
        if term.digits:
            params[f"{name}d"] = _pattern(term.digits)
        conditions.append(_any(term, fields, name))
    return conditions, params


def _any(term: Term, fields: Fields, name: str) -> str:
    """One term over every field: an exact code when it is one, else any field matching."""
    codes = [f"{column} = :{name}x" for column, is_code in fields.exact if is_code(term.text)]
    if codes:  # "IN" is the clave, not every proveedor containing "in"
        return "(" + " OR ".join(codes) + ")"
    if fields.own_digits_from and len(term.digits) >= fields.own_digits_from:
        return "(" + " OR ".join(_digits_like(c, name) for c in fields.digits) + ")"
    options = [_text_like(column, name) for column in fields.text]
    for column, names in fields.coded:  # "queretaro" finds the clients of QUE
        codes = sorted(code for code, label in names.items() if term.text in fold(label))
        if codes:
            options.append(f"{column} IN ({', '.join(map(_literal, codes))})")
    if term.digits:
        options += [_joined_like(column, name) for column in fields.text]
        options += [_digits_like(column, name) for column in fields.digits]
    for key, table in fields.indexed:
        options.append(_indexed_like(key, table, name, term.text))
        if term.digits:
            options.append(_indexed_like(key, table, f"{name}d", term.digits))
    return "(" + " OR ".join(options) + ")" if options else "0"


def _indexed_like(key: str, table: str, param: str, value: str) -> str:
    """`key` among the rowids of `table` whose text contains `value`: the trigram index
    answers a LIKE without ESCAPE, so one is written only when `value` needs it."""
    escape = " ESCAPE '\\'" if any(c in value for c in "%_\\") else ""
    return f"{key} IN (SELECT rowid FROM {table} WHERE texto LIKE :{param}{escape})"


def _digits_like(column: str, name: str) -> str:
    return f"{column} LIKE :{name}d ESCAPE '\\'"


def _joined_like(column: str, name: str) -> str:
    return (
        f"({_digits_like(column, name)} OR ({column} {_SEPARATED} "
        f"AND joined({column}) LIKE :{name}d ESCAPE '\\'))"
    )


def _text_like(column: str, name: str) -> str:
    unfolded = _UNFOLDED.format(column=column)
    return (
        f"({column} LIKE :{name} ESCAPE '\\' OR (({column} {unfolded}) "
        f"AND fold({column}) LIKE :{name} ESCAPE '\\'))"
    )


def _literal(code: str) -> str:
    """A catalog's code as an SQL string (catalog data, quoted all the same)."""
    return "'" + code.replace("'", "''") + "'"


def _pattern(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def order_by(sort: str | None, descending: bool, sorts: Mapping[str, str], tie: str) -> str:
    """ORDER BY for the list's column `sort` (a key of `sorts`, None: the first), then `tie`
    (but that column: ties); InvalidInput naming "orden" for a column the list has not."""
    first = sorts[_sort_column(sort or next(iter(sorts)), sorts)]
    return ", ".join([f"{first} {'DESC' if descending else 'ASC'}", *ties(first, tie)])


def ties(first: str, tie: str) -> list[str]:
    """The columns of `tie` ("a.x, a.y DESC") but `first`, which the list is sorted by before
    them: sorting by it again changes nothing, but SQLite then no longer sees that an index
    gives the order past it and sorts every row of its first value before the first page (F5's
    first page sorted a whole day of allocations: 1.4 ms of SQL at 1,000,000, 0.3 without)."""
    parts = [part.strip() for part in tie.split(",")]
    return [part for part in parts if _without_direction(part) != first]


def _without_direction(part: str) -> str:
    column, _, direction = part.rpartition(" ")
    return column if direction.upper() in ("ASC", "DESC") else part


def _sort_column(sort: str, columns: Iterable[str]) -> str:
    if sort not in columns:
        raise InvalidInput("orden", f"se ordena por {', '.join(columns)}; no por {sort!r}")
    return sort


# -- rows in memory ---------------------------------------------------------------------------


def matches(values: Iterable[object], search: Search, day: date | None = None) -> bool:
    """Whether a row of `values` (its text fields) and date `day` match `search`."""
    if search.desde and (day is None or day < search.desde):
        return False
    if search.hasta and (day is None or day > search.hasta):
        return False
    texts = [fold(str(v)) for v in values if v is not None and v != ""]
    digits = [_digits(t) for t in texts]
    return all(
        any(term.text in t for t in texts)
        or (term.digits and any(term.digits in d for d in digits))
        for term in search.terms
    )


def sort_rows(
    rows: list[dict], sort: str | None, descending: bool, columns: Sequence[str]
) -> list[dict]:
    """`rows` (in memory) sorted in place by the column `sort` (None: left as they are), in
    their order on ties; InvalidInput naming "orden" for a column not in `columns`."""
    if sort:
        key = _sort_column(sort, columns)
        filled = [row for row in rows if row.get(key) not in (None, "")]
        filled.sort(key=lambda row: sort_key(row[key]), reverse=descending)
        rows[:] = filled + [row for row in rows if row.get(key) in (None, "")]  # empty last
    return rows


def sort_key(value: object) -> tuple:
    """Sort a column naturally: numbers by value, then text folded, empty values last."""
    if value is None or value == "":
        return (2, Decimal(0), "")
    text = str(value)
    if _DECIMAL.fullmatch(number := text.replace(",", "")):
        return (0, Decimal(number), "")
    return (1, Decimal(0), fold(text))
