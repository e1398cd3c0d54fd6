"""Anexo 24 inventory data: the ERP interfaces (CSV or XLSX, header names exactly as agreed,
extra columns ignored), validated row by row and applied all or nothing per file. Owner of
tables interface_imports, materiales, productos, bom, salidas and catalogo_anexo24; the entradas
file goes through the entries (entries.py).

An import never holds the write lock while it reads and checks (issue 12, item 4). A catalog's
rows are all checked and staged first (a scratch table of the connection), then applied in one
short transaction. Entradas and salidas, which can be hundreds of thousands of rows, are
written while the checks go on (issue 14, item 4): the import is claimed 'cargando' first,
which readers leave out (`loaded`), each batch of checked rows is written by a thread with a
connection of its own in turns of short transactions (db.turns), and a last transaction makes
it 'hecho' once every row passed; a bad row found later, or any failure, deletes what was
written. One such import per client and kind at a time; one whose process died is deleted by
the next (core/leases.py).
"""

from __future__ import annotations

import contextlib
import json
import queue
import re
import sqlite3
import threading
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from datetime import date
from functools import lru_cache
from itertools import chain, islice
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple, Protocol, TypeVar

from sqlite_utils import Database

from brokertui.core import catalogs, clock, collector, identifiers, leases, limits, log
from brokertui.core.anexo24 import entries, exit_kinds, inventarios, preview
from brokertui.core.anexo24.preview import Problem, Progress
from brokertui.core.anexo24.reader import (
    Batch,
    InterfaceError,
    batched,
    fingerprint,
    read_batches,
    read_file,
)
from brokertui.core.db import (
    checked_rows,
    checkpoint,
    known_references,
    now,
    os_user,
    patiently,
    snapshot,
    transaction,
    turns,
    worker_connection,
    write,
)
from brokertui.core.pedimentos import numero as pedimento_numero
from brokertui.core.plural import counted
from brokertui.core.quantities import (
    PLAIN_DECIMAL,
    factor_micro,
    parse_decimal,
    parse_integer,
    plain_decimals,
    to_micro,
    to_text,
)
from brokertui.core.registry import clients
from brokertui.core.text import FREE_TEXT, check_text, required, shown_name

COLUMNS = {
    "materiales": ("numero_parte", "descripcion", "fraccion", "umc", "umt", "factor_umt", "tipo"),
    "productos": ("numero_parte", "descripcion", "fraccion", "umc", "umt"),
    "bom": ("producto", "material", "cantidad", "merma_pct"),
    "entradas": entries.INTERFACE_FILE,
    "salidas": ("documento", "clave", "fecha", "tipo_bien", "numero_parte", "cantidad"),
    # The corporate system's inventory per material and period (inventarios.py).
    "inventarios": (
        "numero_parte",
        "periodo_inicio",
        "periodo_fin",
        "inventario_inicial",
        "inventario_final",
    ),
    # The balance of each lot brought from the former system (entries.add_opening).
    "saldos_iniciales": ("pedimento", "partida", "numero_parte", "fecha_entrada", "saldo", "valor"),
}
# The other Anexo 24 catalogs: clave and nombre, then their own columns (kept as JSON).
OTHER_CATALOGS = {
    "proveedores": ("clave", "nombre", "id_fiscal", "pais", "domicilio"),
    "clientes": ("clave", "nombre", "id_fiscal", "pais", "domicilio"),
    "submanufactura": ("clave", "nombre", "rfc", "domicilio", "autorizacion"),
    "agentes": ("clave", "nombre", "rfc", "tipo"),
    "activo_fijo": ("clave", "nombre", "fraccion", "pedimento", "fecha_entrada", "ubicacion"),
}
COLUMNS.update(OTHER_CATALOGS)
# Columns a file may have or not: the kinds of salida's (exit_kinds.OPTIONAL), an entry's IGI
# rate (by value a nivel pedimento, ledger.py), an opening balance's clave (AF: a fixed asset).
OPTIONAL = {
    "salidas": tuple(exit_kinds.OPTIONAL),
    "entradas": ("tasa_igi",),
    "saldos_iniciales": ("clave",),
}
# What an optional column a file lacks stores ('' else).
ABSENT = {"activo_fijo": 0}
KINDS = tuple(COLUMNS)
BATCH = 20_000  # rows checked, staged or applied (catalogs), or written, at a time
BATCH_CHARS = 16 << 20  # or fewer, when their text adds up to this (cells reach 32,767)
STEP = BATCH  # entradas and salidas: rows written per statement, as many as fit in a turn
QUEUED = 2  # entradas and salidas: checked batches waiting for the writer, at most
CHUNKED = ("entradas", "salidas")  # only ever added: written in turns, unseen until done
BATCHED = CHUNKED  # checked a batch at a time while the batches are good (RowChecker.batch)


def loaded(alias: str) -> str:
    """SQL: the entradas or salidas row `alias` is not of an import still being written
    (every reader of those tables leaves such rows out)."""
    return (
        f"({alias}.import_id IS NULL OR {alias}.import_id NOT IN "
        "(SELECT id FROM interface_imports WHERE estado = 'cargando'))"
    )


# -- checks -----------------------------------------------------------------------------------


def _code(catalog: str, value: str, what: str) -> str:
    code = catalogs.load(catalog).lookup(value)
    if code is None:
        raise ValueError(f"«{limits.clip(value)}» no está en el catálogo de {what}")
    return code


@lru_cache(maxsize=4096)
def _fraccion(value: str) -> str:
    digits = re.sub(r"[\s.]", "", value)
    if not re.fullmatch(r"[0-9]{8}", digits):
        raise ValueError("son 8 dígitos")
    return digits


@lru_cache(maxsize=4096)
def iso_date(value: str) -> str:
    return identifiers.parse_date(value).isoformat()


def event_date(value: str) -> str:
    """The date something happened on (iso_date), never after today (clock.today): an entry's
    or exit's is that of a pedimento already presented (anexo24-rgce-2024.txt, Apartado A,
    fracción II, incisos a) and c)), which the SECIIT receives at the latest when it is paid
    (Apartado B, numeral 4); a document's, an ajuste's or a movement's has happened too. As
    pedimento capture refuses a fecha de pago after today (pedimentos/review.py)."""
    iso, today = iso_date(value), clock.today().isoformat()
    if iso > today:
        raise ValueError(f"no puede ser posterior a hoy ({today})")
    return iso


@lru_cache(maxsize=4096)
def pedimento_number(value: str) -> str:
    return pedimento_numero.parse(value).value


def partida_number(value: str) -> int:
    try:
        return parse_integer(value, minimum=1)
    except ValueError:
        raise ValueError("es un número de partida (1, 2, …)") from None


def one_of(options: dict[str, str]) -> Callable[[str], str]:
    def check(value: str) -> str:
        key = value.strip().lower()
        if key not in options:
            raise ValueError(f"debe ser {' o '.join(sorted(set(options.values())))}")
        return options[key]

    return check


def decimal_text(value: str, *, allow_zero: bool = False) -> str:
    """A number checked by the one parser and stored as plain decimal text (no separators or
    exponent: the ledger and the reports read it as an exact number, migration 0009)."""
    if PLAIN_DECIMAL.fullmatch(value) and (allow_zero or value.strip("0.")):
        return value  # as parse_decimal would give it back, without building a Decimal
    return format(parse_decimal(value, positive=not allow_zero), "f")


def _optional_decimal(value: str) -> str:
    return decimal_text(value, allow_zero=True) if value else value


def _rate(value: str) -> str | None:
    """An ad valorem rate in percent (0 or more), or None when not given."""
    return decimal_text(value, allow_zero=True) if value else None


CHECKS: dict[str, dict[str, Callable[[str], object]]] = {
    "materiales": {
        "numero_parte": required,
        "descripcion": required,
        "fraccion": _fraccion,
        "umc": lambda v: _code("unidades", v, "unidades"),
        "umt": lambda v: _code("unidades", v, "unidades"),
        "factor_umt": decimal_text,
        "tipo": one_of(
            {"directo": "directo", "d": "directo", "indirecto": "indirecto", "i": "indirecto"}
        ),
    },
    "productos": {
        "numero_parte": required,
        "descripcion": required,
        "fraccion": _fraccion,
        "umc": lambda v: _code("unidades", v, "unidades"),
        "umt": lambda v: _code("unidades", v, "unidades"),
    },
    "bom": {
        "producto": required,
        "material": required,
        "cantidad": decimal_text,
        "merma_pct": lambda v: decimal_text(v or "0", allow_zero=True),
    },
    "entradas": {
        "pedimento": pedimento_number,
        "partida": partida_number,
        "clave": lambda v: _code("claves", v, "claves de pedimento"),
        "fecha_entrada": event_date,
        "numero_parte": required,
        "cantidad": to_micro,
        "umc": lambda v: _code("unidades", v, "unidades"),
        "valor_usd": _optional_decimal,
        "fraccion": lambda v: _fraccion(v) if v else "",
        "pais_origen": lambda v: _code("paises", v, "países") if v else "",
        "tasa_igi": _rate,
    },
    **{
        name: {c: required if c in ("clave", "nombre") else str for c in columns}
        for name, columns in OTHER_CATALOGS.items()
    },
    "salidas": {
        "documento": required,
        "clave": lambda v: _code("claves", v, "claves de pedimento") if v else "",
        "fecha": event_date,
        "tipo_bien": one_of({"m": "M", "p": "P", "d": "D"}),
        "numero_parte": required,
        "cantidad": to_micro,
        "tipo_salida": exit_kinds.tipo_salida,
        "rfc_receptor": exit_kinds.rfc_receptor,
        "pedimento_receptor": lambda v: pedimento_number(v) if v else "",
        "folio_cfdi": exit_kinds.folio_cfdi,
        "fecha_cfdi": lambda v: event_date(v) if v else "",
        "numero_acta": str,
        "fecha_acta": lambda v: event_date(v) if v else "",
        "periodo": exit_kinds.periodo,
        "activo_fijo": exit_kinds.activo_fijo,
    },
    "inventarios": {
        "numero_parte": required,
        "periodo_inicio": iso_date,
        "periodo_fin": event_date,
        "inventario_inicial": lambda v: to_micro(v, allow_zero=True),
        "inventario_final": lambda v: to_micro(v, allow_zero=True),
    },
    "saldos_iniciales": {
        "pedimento": pedimento_number,
        "partida": partida_number,
        "numero_parte": required,
        "fecha_entrada": event_date,
        "saldo": to_micro,
        "valor": _optional_decimal,
        "clave": entries.opening_clave,
    },
}


def _plain_decimals(values: list[str]) -> list[str]:
    """`_optional_decimal` of each value when every one is empty or already plain decimal text
    (the usual case, checked at once); else one by one."""
    if plain_decimals(values):
        return values
    return list(map(_optional_decimal, values))


# The checks that have a faster form for many values at once (same values, or ValueError).
MANY: dict[Callable, Callable[[list[str]], list]] = {
    pedimento_number: pedimento_numero.values,
    _optional_decimal: _plain_decimals,
}


def _checked_column(column: list[str], check: Callable, *, free_text: bool) -> list | None:
    """A batch's column checked as `_check_row` checks each value (stripped, no control
    characters, then `check`), each distinct value once; None when a value breaks a rule."""
    if check is _optional_decimal and plain_decimals(column):  # mostly distinct: at once
        return column
    distinct = list(set(column))
    stripped = list(map(str.strip, distinct))
    try:
        check_text("".join(stripped), free_text=free_text)  # in one: in any of them
        found = MANY[check](stripped) if check in MANY else list(map(check, stripped))
    except ValueError:
        return None
    if found == distinct:  # each value stored as read: the column as it is
        return column
    if len(found) == 1:
        return found * len(column)
    return list(map(dict(zip(distinct, found, strict=True)).__getitem__, column))


def _file_checks(kind: str, raw: dict) -> tuple[list, dict]:
    """The checks of a file's rows, given one of them: one per column, but the optional
    columns the file does not have, which are empty (their values)."""
    absent = {c: ABSENT.get(c, "") for c in OPTIONAL.get(kind, ()) if c not in raw}
    return [(n, check) for n, check in CHECKS[kind].items() if n not in absent], absent


def _check_row(checks: list, absent: dict, raw: dict) -> tuple[dict, list[Problem]]:
    """The row's values checked one by one (`_file_checks`; no control characters: text.py),
    and its problems as (campo, regla)."""
    values, problems = dict(absent), []
    for name, check in checks:
        try:
            value = check_text(raw.get(name, "").strip(), free_text=name in FREE_TEXT)
            values[name] = check(value)
        except ValueError as exc:
            problems.append((name, str(exc)))
    return values, problems


DISCHARGED_LOT = (
    "el lote ya tiene descargos en vigor en brokertui; su saldo es el del libro de descargos "
    "(deshaga primero las corridas que lo usan)"
)
DISCHARGED_ASSET = (
    "el activo fijo ya tiene movimientos que lo descargan en brokertui; su saldo es el de sus "
    "movimientos"
)
# The kinds whose rows name a material, and the columns that make a row's identity.
_MATERIAL_ROWS = {
    "inventarios": ("numero_parte", "periodo_inicio", "periodo_fin"),
    "saldos_iniciales": ("pedimento", "partida", "numero_parte"),
}


def _material_row(v: dict, key: tuple, known: dict[str, set]) -> list[Problem]:
    """An inventarios or saldos_iniciales row: its material known, its period in order, its
    lot not discharged already (the import checks that again, under the write lock)."""
    problems: list[Problem] = []
    if v["numero_parte"] not in known["materiales"]:
        problems.append(("numero_parte", f"{limits.clip(v['numero_parte'])} no está en materiales"))
    if v.get("periodo_fin", "") < v.get("periodo_inicio", ""):
        problems.append(("periodo_fin", "no puede ser anterior a periodo_inicio"))
    if hash(key) in known.get("descargados", ()):
        problems.append(("pedimento", DISCHARGED_LOT))
    if hash(key) in known.get("activos_descargados", ()):
        problems.append(("pedimento", DISCHARGED_ASSET))
    return problems


T = TypeVar("T")


def fixed_asset_lots(db: Database, client_id: int) -> dict[str, list[list]]:
    """Part number -> the client's fixed assets of it, oldest first (entry date, pedimento,
    partida), each [entrada_id, fecha_entrada, what every movement recorded left of it]: what
    `cover_fixed_asset_exits` takes from."""
    lots: dict[str, list[list]] = {}
    for part, *lot in db.execute(
        "SELECT e.numero_parte, e.id, e.fecha_entrada, e.cantidad_micro - coalesce((SELECT "
        "sum(m.cantidad_micro) FROM activo_fijo_movimientos m WHERE m.entrada_id = e.id), 0) "
        f"FROM entradas e WHERE e.client_id = ? AND {entries.fixed_asset('e')} AND {loaded('e')} "
        "ORDER BY e.fecha_entrada, e.pedimento, e.partida",
        [client_id],
    ):
        lots.setdefault(part, []).append(lot)
    return lots


def cover_fixed_asset_exits(
    lots: dict[str, list[list]], exits: Iterable[tuple[str, int, str, int, T]]
) -> Iterator[tuple[T, list[tuple[int, int]], int]]:
    """The one rule of fixed assets' exits, for the dry run and the import alike (Apartado B,
    módulo de proceso de descargos, numeral 4: "al momento de su retorno, transferencia, cambio
    de régimen o donación"): the exits (fecha, order in the file, part number, cantidad_micro,
    what the caller needs back) by date, then order, each taking from the part's `lots`
    (fixed_asset_lots, consumed) imported on or before its date, oldest first, what they have
    left. Yields each exit's payload, what it took of each lot (entrada_id, taken) and what no
    lot covered."""
    for fecha, _, part, wanted, payload in sorted(exits, key=itemgetter(0, 1)):
        takes = []
        for lot in lots.get(part, []):
            if lot[1] > fecha or not wanted:
                break
            taken = min(wanted, lot[2])
            if taken > 0:
                lot[2] -= taken
                wanted -= taken
                takes.append((lot[0], taken))
        yield payload, takes, wanted


def _uncovered(fixed: list, lots: dict[str, list[list]]) -> list[tuple[int, list[Problem]]]:
    """The rows (number, problems) of a salidas file whose fixed assets' exits (`fixed`, as
    RowChecker collects them) `cover_fixed_asset_exits` cannot cover, in file order."""
    found = []
    for (number, v), _, wanted in cover_fixed_asset_exits(lots, fixed):
        if wanted:
            left = to_text(v["cantidad"] - wanted)
            rule = (
                f"{to_text(v['cantidad'])} excede en {to_text(wanted)} el saldo de activo fijo de "
                f"{limits.clip(v['numero_parte'])} importado hasta el {v['fecha']} ({left})"
            )
            found.append((number, [("cantidad", rule)]))
    return sorted(found, key=itemgetter(0))


def _cross_check(
    kind: str, v: dict, known: dict[str, set], seen: set, extended: bool = False
) -> list[Problem]:
    """Part numbers must be in the catalogs; keys must not repeat within the file; a salida's
    columns must suit its kind (exit_kinds.check; `extended`: the file has the kinds' columns)."""
    problems: list[Problem] = []
    key: Hashable  # the row's identity within the file
    if kind == "bom":
        if v["producto"] not in known["productos"]:
            problems.append(("producto", f"{limits.clip(v['producto'])} no está en productos"))
        if v["material"] not in known["materiales"]:
            problems.append(("material", f"{limits.clip(v['material'])} no está en materiales"))
        try:
            factor_micro(v["cantidad"], v["merma_pct"])
        except ValueError as exc:
            problems.append(("merma_pct", str(exc)))
        key = (v["producto"], v["material"])
    elif kind == "entradas":
        if v["numero_parte"] not in known["materiales"]:
            problems.append(
                ("numero_parte", f"{limits.clip(v['numero_parte'])} no está en materiales")
            )
        key = (v["pedimento"], v["partida"], v["numero_parte"])
    elif kind == "salidas":
        problems += exit_kinds.check(v, extended)
        table = "productos" if v["tipo_bien"] == "P" else "materiales"
        if v["numero_parte"] not in known[table]:
            problems.append(
                ("numero_parte", f"{limits.clip(v['numero_parte'])} no está en {table}")
            )
        key = (v["documento"], v["numero_parte"], v["tipo_bien"])
    elif kind in _MATERIAL_ROWS:
        key = tuple(v[c] for c in _MATERIAL_ROWS[kind])
        problems += _material_row(v, key, known)
    else:
        key = v.get("numero_parte", v.get("clave"))
    fingerprint = hash(key)  # a set of ints, not of tuples: 500,000 rows stay small
    if fingerprint in seen:
        problems.append(("", "repetida en el archivo"))
    seen.add(fingerprint)
    return problems


def headers(kind: str) -> tuple[str, ...]:
    """The columns a file of `kind` must have (merma_pct may be left out: 0)."""
    if kind not in COLUMNS:
        raise InterfaceError(f"tipo: debe ser uno de {', '.join(KINDS)}")
    return tuple(c for c in COLUMNS[kind] if c != "merma_pct")


def import_file(
    db: Database, kind: str, path: Path | str, rfc: str, *, progress: Progress | None = None
) -> dict:
    """Validate every row of an interface file and apply it, all or nothing (`import_rows`)."""
    wanted = headers(kind)
    path = Path(path)
    digest = fingerprint(path)
    return import_batches(
        db, kind, file_batches(kind, path, wanted), rfc, shown_name(path), digest, progress=progress
    )


def file_batches(kind: str, path: Path, wanted: Iterable[str]) -> Iterator[Batch]:
    """The file's rows in the batches its kind is checked by: BATCH rows (read by column:
    reader.read_batches) for the kinds in BATCHED, else one."""
    if kind in BATCHED:
        return read_batches(path, wanted, BATCH, BATCH_CHARS)
    return batched(read_file(path, wanted), 1, BATCH_CHARS)


def part_numbers(db: Database, client_id: int, table: str) -> set[str]:
    """The client's part numbers in `table`, materiales or productos (bajas included)."""
    sql = f"SELECT numero_parte FROM {table} WHERE client_id = ?"
    return {r[0] for r in db.execute(sql, [client_id])}


def import_rows(
    db: Database,
    kind: str,
    rows: Iterable[tuple[int, dict]],
    rfc: str,
    name: str,
    digest: str,
    *,
    progress: Progress | None = None,
) -> dict:
    """Check rows (row number, values by header) and apply them, all or nothing: refused whole
    when any row is bad. A catalog's rows are all checked before anything is written;
    entradas and salidas are written while they are checked, unseen until every row passed
    (module doc). `progress` hears of the rows checked (total 0: not known), then of the rows
    written."""
    size = BATCH if kind in BATCHED else 1
    return import_batches(
        db, kind, batched(rows, size, BATCH_CHARS), rfc, name, digest, progress=progress
    )


def import_batches(
    db: Database,
    kind: str,
    batches: Iterable[Batch],
    rfc: str,
    name: str,
    digest: str,
    *,
    progress: Progress | None = None,
) -> dict:
    """`import_rows` of rows read in batches (`file_batches`)."""
    client = clients.get_client(db, rfc)
    batches = iter(batches)
    first = next(batches, None)
    if first is None:
        raise InterfaceError(
            f"{name}: no tiene filas de datos bajo los encabezados "
            f"{', '.join(COLUMNS[kind])}; nada se importó"
        )
    missing = [c for c in COLUMNS[kind] if c not in first.first() and c != "merma_pct"]
    if missing:
        raise InterfaceError(f"{name}: faltan las columnas {', '.join(missing)}")
    batches = chain([first], batches)
    if kind in CHUNKED:
        import_id, count, added, retomada = _import_chunked(
            db, kind, client, name, digest, batches, progress
        )
    else:
        staged = _Staged(db, kind)
        try:
            # one read transaction: staging it all is one temp transaction
            with snapshot(db), collector.paused():
                _check_all(db, kind, client.id, batches, name, staged, progress)
            if progress:
                progress(0, staged.count, "Guardando")
            import_id, added = patiently(
                lambda: _write_whole(db, kind, client, name, digest, staged),
                waiting=progress and (lambda: progress(0, staged.count, WAITING)),
            )
        finally:
            staged.drop()
        count, retomada = staged.count, None
    return {
        "kind": kind,
        "rows": count,
        "added": added,
        "skipped": count - added,
        "import_id": import_id,
        "retomada": retomada,  # whose import, whose process died, this one took over
    }


WAITING = "En espera: otro usuario escribe en la base; luego se guarda"


def _write_whole(
    db: Database, kind: str, client: clients.Client, name: str, digest: str, staged: _Staged
) -> tuple[int, int]:
    """A kind not written in turns: its checked rows in one transaction; (import id, new)."""
    with write(db, f"import.{kind}", "client", client.rfc, {"file": name}):
        import_id = _new_import(db, client.id, kind, name, digest, staged.count)
        added = sum(APPLY[kind](db, client.id, import_id, b) for b in staged.batches())
        if kind == "materiales":  # pedimento partidas with these part numbers: entries
            entries.sync_from_pedimentos(db, client.id)
    return import_id, added


class Sink(Protocol):
    """Where `_check_all` hands the checked rows, in the file's order: a batch by column
    (`add_columns`, every column of CHECKS[kind]) or one row (`add`), then `flush`."""

    count: int

    def add(self, values: dict) -> None: ...

    def add_columns(self, values: dict[str, list]) -> None: ...

    def flush(self) -> None: ...


class _Staged:
    """The checked rows of a catalog in a scratch table of the connection (temp.staged_rows;
    writing it takes no lock on the database), in batches of at most BATCH rows and
    BATCH_CHARS of text."""

    def __init__(self, db: Database, kind: str):
        self.db = db
        self.columns = list(CHECKS[kind])
        self.ends: list[int] = []  # the last rowid of each batch
        self.pending: list[tuple] = []
        self.count = self.size = 0
        names = ", ".join(f'"{c}"' for c in self.columns)
        db.execute("DROP TABLE IF EXISTS temp.staged_rows")
        db.execute(f"CREATE TEMP TABLE staged_rows ({names})")

    def add(self, values: dict) -> None:
        self.pending.append(tuple(values[c] for c in self.columns))
        self.size += sum(len(v) for v in values.values() if isinstance(v, str))
        if len(self.pending) >= BATCH or self.size >= BATCH_CHARS:
            self.flush()

    def add_columns(self, values: dict[str, list]) -> None:
        self.flush()
        self.pending = list(zip(*(values[c] for c in self.columns), strict=True))
        self.flush()

    def flush(self) -> None:
        if self.pending:
            marks = ", ".join("?" for _ in self.columns)
            self.db.conn.executemany(f"INSERT INTO temp.staged_rows VALUES ({marks})", self.pending)
            self.count += len(self.pending)
            self.ends.append(self.count)
            self.pending, self.size = [], 0

    def batches(self) -> Iterator[list[dict]]:
        """Each batch's rows (values by column), in the file's order, read whole."""
        start = 0
        for end in self.ends:
            cursor = self.db.execute(
                "SELECT * FROM temp.staged_rows WHERE rowid > ? AND rowid <= ? ORDER BY rowid",
                [start, end],
            )
            yield [dict(zip(self.columns, row, strict=True)) for row in cursor.fetchall()]
            start = end

    def drop(self) -> None:
        self.db.execute("DROP TABLE IF EXISTS temp.staged_rows")


def row_check(db: Database, kind: str, client_id: int) -> RowChecker:
    """The check of one row of a file of `kind` for the client: its values one by one, then
    against the catalogs and the rows before it in the same file."""
    return RowChecker(db, kind, client_id)


class RowChecker:
    """`row_check`, and for the kinds in BATCHED the same check of a batch of rows at once."""

    def __init__(self, db: Database, kind: str, client_id: int):
        self.kind = kind
        self.known: dict[str, Any] = {
            table: part_numbers(db, client_id, table) for table in ("materiales", "productos")
        }
        # what each part's fixed assets have left (finish)
        self.lots = fixed_asset_lots(db, client_id) if kind == "salidas" else {}
        self.fixed: list[tuple] = []  # the file's fixed assets' exits, checked at its end
        if kind == "saldos_iniciales":
            self.known["descargados"] = entries.discharged_lots(db, client_id)
            self.known["activos_descargados"] = entries.discharged_assets(db, client_id)
        self.seen: set[int] = set()  # the keys of the rows checked so far
        # an entry's permanence alert date (`batch`; a row's is _Writer's)
        self.vence = entries.expiry(db) if kind == "entradas" else None
        self.plan: tuple[list, dict] | None = None  # from the file's first row: _file_checks

    def _plan(self, raw: dict) -> tuple[list, dict]:
        if self.plan is None:
            self.plan = _file_checks(self.kind, raw)
        return self.plan

    def __call__(self, raw: dict, number: int = 0) -> tuple[dict, list[Problem]]:
        """Row `number`'s values and problems; a good fixed asset's exit is kept for `finish`."""
        checks, absent = self._plan(raw)
        values, problems = _check_row(checks, absent, raw)
        extended = len(absent) < len(OPTIONAL.get(self.kind, ()))  # it has some of them
        problems = problems or _cross_check(self.kind, values, self.known, self.seen, extended)
        if not problems and values.get("activo_fijo"):
            exit_ = (values["fecha"], number, values["numero_parte"], values["cantidad"])
            self.fixed.append((*exit_, (number, values)))
        return values, problems

    def finish(self) -> list[tuple[int, list[Problem]]]:
        """After the last row: the rows (number, problems) of the fixed assets' exits that
        what the part's fixed assets have left by their dates cannot cover, by the rule the
        import writes them with (cover_fixed_asset_exits)."""
        return _uncovered(self.fixed, self.lots) if self.fixed else []

    def batch(self, rows: Batch) -> dict[str, list] | None:
        """The checked values of a batch of rows by column, each distinct value of a column
        checked once by the very check a row gets (issue 14, item 4), an entry's `vence` once
        per clave, fraccion and date; None when any row may be bad (or the kind is not in
        BATCHED), leaving the batch to the row by row check, which names each row, field and
        rule."""
        if self.kind not in BATCHED:
            return None
        checks, absent = self._plan(rows.first())
        values = {name: [value] * len(rows) for name, value in absent.items()}
        for name, check in checks:
            column = _checked_column(rows.column(name), check, free_text=name in FREE_TEXT)
            if column is None:
                return None
            values[name] = column
        if not self._rows_pass(values, len(rows), absent):
            return None
        if self.vence:
            dated = (values["clave"], values["fraccion"], values["fecha_entrada"])
            values["vence"] = self.vence.column(*dated)
        return values

    def _rows_pass(self, values: dict[str, list], count: int, absent: dict) -> bool:
        """Whether every row of a batch passes `_cross_check` (their keys are then seen): its
        part numbers known, a salida's kind from its clave (`_exit_kinds`) and no key seen
        twice (by hash, as `_cross_check`). A salidas file with some of the optional columns
        (not all `absent`) is checked row by row."""
        extended = len(absent) < len(OPTIONAL.get(self.kind, ()))  # as `__call__`
        if self.kind == "entradas":
            if not self.known["materiales"].issuperset(values["numero_parte"]):
                return False
            keys = zip(values["pedimento"], values["partida"], values["numero_parte"], strict=True)
        else:
            if extended or not self._exit_kinds(values, absent) or not self._exit_parts(values):
                return False
            keys = zip(
                values["documento"], values["numero_parte"], values["tipo_bien"], strict=True
            )
        hashes = set(map(hash, keys))
        if len(hashes) < count or not self.seen.isdisjoint(hashes):
            return False
        self.seen |= hashes
        return True

    def _exit_kinds(self, values: dict[str, list], absent: dict) -> bool:
        """The salidas of a file without the optional columns (`absent`, their values): each
        distinct clave's kind, set in values['tipo_salida'] (exit_kinds.check reads only the
        clave and those then); False when a clave breaks a rule."""
        kinds = {}
        for clave in set(values["clave"]):
            probe = absent | {"clave": clave}
            if exit_kinds.check(probe, extended=False):
                return False
            kinds[clave] = probe["tipo_salida"]
        values["tipo_salida"] = list(map(kinds.__getitem__, values["clave"]))
        return True

    def _exit_parts(self, values: dict[str, list]) -> bool:
        """Whether every salida's part number is in productos (tipo_bien P) or materiales."""
        parts: dict[bool, set[str]] = {True: set(), False: set()}
        for bien, part in zip(values["tipo_bien"], values["numero_parte"], strict=True):
            parts[bien == "P"].add(part)
        products, materials = self.known["productos"], self.known["materiales"]
        return products.issuperset(parts[True]) and materials.issuperset(parts[False])


def _check_all(
    db: Database,
    kind: str,
    client_id: int,
    batches: Iterable[Batch],
    name: str,
    staged: Sink,
    progress: Progress | None,
) -> None:
    """Every row checked, outside any write transaction, and staged while none is bad;
    InterfaceError listing the bad ones. The kinds in BATCHED are checked a batch at a time
    while the batches are good (`RowChecker.batch`), a bad batch row by row."""
    check = row_check(db, kind, client_id)
    errors = limits.ErrorList()
    done = 0
    for batch in batches:
        values = check.batch(batch) if kind in BATCHED and not errors else None
        if values is not None:
            staged.add_columns(values)
        for good in preview.good_rows(batch.rows(), check, errors) if values is None else ():
            staged.add(good)
        if errors.full:
            break
        if progress and (done + len(batch)) // preview.REPORT_EVERY > done // preview.REPORT_EVERY:
            progress(done + len(batch), 0, "Revisando")
        done += len(batch)
    for number, problems in check.finish() if not errors.full else ():
        errors.append(preview.line(number, problems))
    if errors:
        raise InterfaceError(
            f"{name}: {errors.heading('fila', 'filas')}; nada se importó:\n{errors.listing()}"
        )
    staged.flush()


def refuse_unless_recorded(
    name: str, errors: limits.ErrorList, count: int, columns: Sequence[str]
) -> None:
    """The end of a file recorded row by row in one transaction: refused whole (raising, so the
    transaction rolls back) when a row was bad or the file had no data row."""
    if errors:
        raise InterfaceError(
            f"{name}: {errors.heading('fila', 'filas')}; nada se registró:\n{errors.listing()}"
        )
    if not count:
        raise InterfaceError(
            f"{name}: no tiene filas de datos bajo los encabezados {', '.join(columns)}; "
            "nada se registró"
        )


def _new_import(
    db: Database,
    client_id: int,
    kind: str,
    name: str,
    digest: str,
    rows: int,
    holder: str | None = None,
) -> int:
    """The import's row: 'cargando' while `holder` writes it, else 'hecho'."""
    cursor = db.execute(
        "INSERT INTO interface_imports (client_id, kind, filename, sha256, rows, imported_at, "
        "imported_by, estado, holder, heartbeat) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            client_id,
            kind,
            name,
            digest,
            rows,
            now(),
            os_user(),
            "cargando" if holder else "hecho",
            holder,
            leases.stamp() if holder else None,
        ],
    )
    assert cursor.lastrowid is not None, "an INSERT has a row id"
    return cursor.lastrowid


def _import_chunked(
    db: Database,
    kind: str,
    client: clients.Client,
    name: str,
    digest: str,
    batches: Iterable[Batch],
    progress: Progress | None,
) -> tuple[int, int, int, str | None]:
    """Entradas or salidas: the import claimed in 'cargando', its rows checked and written as
    they are checked (`_Writer`), then made 'hecho' with its audit row. A bad row or any
    failure deletes what it wrote. Returns the import's id, how many rows the file had, how
    many were new and whose dead import it took over (`_claim`)."""
    holder = leases.take()
    try:
        import_id, stale = _claim(db, kind, client, name, digest, holder)
        try:
            if stale:
                _discard(db, kind, stale[0], holder)
            # the collector off until the rows handed to the writer are gone
            with _Writer(db, kind, client.id, import_id, holder) as sink, collector.paused():
                _check_all(db, kind, client.id, batches, name, sink, progress)
                sink.finish(progress)
            with write(db, f"import.{kind}", "client", client.rfc, {"file": name}):
                _renew(db, import_id, holder)
                for complete in COMPLETING.get(kind, ()):
                    complete(db, client.id, import_id, name)
                db.execute(
                    "UPDATE interface_imports SET estado = 'hecho', rows = ?, holder = NULL, "
                    "heartbeat = NULL WHERE id = ?",
                    [sink.count, import_id],
                )
        except BaseException:
            _abandon(db, kind, import_id, holder)
            raise
    finally:
        leases.drop(holder)
    return import_id, sink.count, sink.added, stale[1] if stale else None


_END = None  # what the checks hand the writer after their last batch


class _Writer:
    """The sink of an entradas or salidas import (`_check_all`): each batch of checked rows
    handed to a thread that writes it while the checks go on, with a connection of its own
    (db.worker_connection; the caller's in memory or when it is within a transaction):
    SQLite writes on the machine's other core, as sqlite3 lets Python run meanwhile. The
    thread loads a batch into a scratch table of its connection (temp.import_rows, its rows
    numbered in the file's order), then copies it STEP rows per statement (COPY) in turns of
    short transactions (db.turns), each of which first checks the claim is still ours; their
    references (the client, the import) are known, so SQLite's lookups of them are left out
    (db.known_references), and every row passed the checks, so its CHECK constraints are too
    (db.checked_rows). Within `with`: a failure, or leaving before `finish`, stops the
    thread and waits for it, leaving the connection to the caller, its constraints checked
    again. The thread's commits leave the WAL as it grows (wal_autocheckpoint 0): the checks'
    side copies what it committed into the database file meanwhile (`_checkpoint`)."""

    def __init__(self, db: Database, kind: str, client_id: int, import_id: int, holder: str):
        self.db, self.client_id = db, client_id
        self.import_id, self.holder = import_id, holder
        self.copy, self.columns = COPY[kind]
        self.select = (  # a statement's rows of the scratch table (`_load`), numbered (first, last]
            f"SELECT {', '.join(self.columns)} FROM temp.import_rows WHERE n > ? AND n <= ? "
            "ORDER BY n"
        )
        self.prepare = entries.expiry(db) if kind == "entradas" else None
        self.queue: queue.Queue = queue.Queue(maxsize=QUEUED)
        self.pending: list[dict] = []  # rows handed one by one, not yet queued
        self.count = self.written = self.added = 0  # rows handed, committed, new
        self.checkpointed = 0  # rows written when the checks' side last checkpointed
        self.left = 0  # statements of the batch loaded still to be written
        self.copied = 0  # rows written in the turn under way and before
        self.failure: BaseException | None = None
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"import {kind}", daemon=True)

    def __enter__(self) -> _Writer:
        with contextlib.ExitStack() as stack:
            # within the caller's transaction (the demo's load), its writes join it
            shared = self.db.conn.in_transaction
            self.own = self.db if shared else stack.enter_context(worker_connection(self.db))
            if self.own is not self.db:
                self.own.execute("PRAGMA wal_autocheckpoint = 0")
            stack.enter_context(known_references(self.own))
            stack.enter_context(checked_rows(self.own))
            names = ", ".join(f'"{c}"' for c in self.columns)
            self.own.execute("DROP TABLE IF EXISTS temp.import_rows")
            self.own.execute(f"CREATE TEMP TABLE import_rows (n INTEGER PRIMARY KEY, {names})")
            stack.callback(self.own.execute, "DROP TABLE IF EXISTS temp.import_rows")
            limit = self.own.conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
            self.per_insert = max(1, min(LOADED, limit // (len(self.columns) + 1)))
            stack.enter_context(collector.quick_handover())
            self.thread.start()
            stack.callback(self._stop)
            self.resources = stack.pop_all()
        return self

    def __exit__(self, *exc_info) -> None:
        self.resources.close()

    def _stop(self) -> None:
        """The thread stopped (at once if it is still writing: its turn rolls back) and
        awaited."""
        self.stop.set()
        while self.thread.is_alive():  # it may wait for a batch, or the queue be full
            with contextlib.suppress(queue.Full):
                self.queue.put_nowait(_END)
            self.thread.join(0.1)

    # -- the checks' side (Sink) --

    def add(self, values: dict) -> None:
        self.pending.append(values)
        if len(self.pending) >= BATCH:
            self.flush()

    def add_columns(self, values: dict[str, list]) -> None:
        self.flush()
        self._hand(values)

    def flush(self) -> None:
        if self.pending:
            rows, self.pending = self.pending, []
            self._hand({c: [r[c] for r in rows] for c in rows[0]})

    def _hand(self, values: dict[str, list]) -> None:
        """A batch (by column) to the thread, its entries' `vence` with it (`entries.expiry`)
        unless the checks gave it (RowChecker.batch does); waits while QUEUED batches wait
        (a failure of the thread is raised here)."""
        if self.prepare and "vence" not in values:
            dated = (values["clave"], values["fraccion"], values["fecha_entrada"])
            values["vence"] = self.prepare.column(*dated)
        size = len(values[self.columns[0]])
        numbers = range(self.count + 1, self.count + size + 1)
        rows = zip(numbers, *(values[c] for c in self.columns), strict=True)
        per = self.per_insert
        parts = [list(chain.from_iterable(islice(rows, per))) for _ in range(0, size, per)]
        self._put((self.count, self.count + size, parts))
        self.count += size
        self._checkpoint()

    def _checkpoint(self) -> None:
        """What the thread committed since the last time, copied into the database file
        (db.checkpoint) while the thread writes on: a commit that checkpoints, as SQLite's do
        past 1,000 pages of WAL, holds the writer meanwhile, and each such copy and fsync
        took 0.15-0.2 s of a 500,000-row import."""
        if self.own is not self.db and self.written > self.checkpointed:
            self.checkpointed = self.written
            checkpoint(self.db)

    def _put(self, item: tuple | None) -> None:
        while True:
            if self.failure is not None:
                raise self.failure
            try:
                return self.queue.put(item, timeout=0.1)
            except queue.Full:
                pass

    def finish(self, progress: Progress | None) -> None:
        """After the checks: every batch written, `progress` hearing of the rows written
        meanwhile; the thread's failure raised."""
        self.flush()
        self._put(_END)
        while self.thread.is_alive():
            if progress:
                progress(self.written, self.count, "Guardando")
            self.thread.join(0.2)
        if self.failure is not None:
            raise self.failure
        if progress:
            progress(self.written, self.count, "Guardando")

    # -- the thread's side --

    def _run(self) -> None:
        try:
            for _ in turns(
                self.own,
                self._steps(),
                self._step,
                first=lambda: _renew(self.own, self.import_id, self.holder, self.copied),
                ready=lambda: self.left > 0 or not self.queue.empty(),
            ):
                self.written = self.copied
        except BaseException as exc:  # raised by the checks' side (_put, finish)
            self.failure = exc

    def _steps(self) -> Iterator[tuple[int, int]]:
        """The (first, last] row numbers of each statement, each batch loaded when its first
        statement is due."""
        for start, end, parts in iter(self.queue.get, _END):
            if self.stop.is_set():
                return
            self._load(parts)
            self.left = -(-(end - start) // STEP)
            for first in range(start, end, STEP):
                self.left -= 1
                yield first, min(first + STEP, end)

    def _load(self, parts: list[list]) -> None:
        """A batch into temp.import_rows: each part one INSERT of its rows, numbered in the
        file's order, their values in one list (`_hand` makes them on the checks' side:
        sqlite3 binds each row of executemany apart, letting Python run between, and the
        thread would then wait for the checks' thread at every row)."""
        self.own.execute("DELETE FROM temp.import_rows")
        width = len(self.columns) + 1
        row = f"({', '.join('?' * width)})"
        for part in parts:
            rows = ", ".join([row] * (len(part) // width))
            self.own.execute(f"INSERT INTO temp.import_rows VALUES {rows}", part)

    def _step(self, rows: tuple[int, int]) -> None:
        if self.stop.is_set():
            raise _Stopped
        self.added += self.copy(self.own, self.client_id, self.import_id, self.select, list(rows))
        self.copied = rows[1]


class _Stopped(Exception):
    """The writer told to stop (the checks failed): its turn rolled back."""


# Rows per INSERT into temp.import_rows, within SQLite's limit of variables: a batch in two. The
# writer waits for the GIL after each call while the checks run Python, so fewer, bigger calls:
# 500,000 entradas took 0.25-0.6 s less than with 2,000 (20 MB more at the peak).
LOADED = 10_000


def _claim(
    db: Database,
    kind: str,
    client: clients.Client,
    name: str,
    digest: str,
    holder: str,
) -> tuple[int, tuple[int, str] | None]:
    """In a short transaction: the new import's id, and the client's import of the same kind
    whose process died (now `holder`'s, to delete), if any: its id and who ran it since when,
    as the user reads it. InterfaceError while a live one is being written, or while a dead
    one is being deleted by a colleague (his next import, his TUI's start or CLI command,
    `discard_abandoned`): a moment later this import can go ahead."""
    with transaction(db):
        loading = db.execute(
            "SELECT id, imported_by, imported_at, holder, heartbeat, rows, discarded_by "
            "FROM interface_imports WHERE client_id = ? AND kind = ? AND estado = 'cargando' "
            "ORDER BY id",
            [client.id, kind],
        ).fetchall()
        live = [r for r in loading if leases.alive(r[3], r[4])]
        writing = next((r for r in live if r[6] is None), None)
        if writing:
            raise InterfaceError(
                f"{name}: importación de {kind} de {client.rfc} en curso por {writing[1]} "
                f"desde {leases.since(writing[2])} (lleva {counted(writing[5], 'fila')}); "
                "espere a que termine"
            )
        if live:  # a dead one, being deleted
            deleting = live[0]
            by = _by(deleting[1], deleting[2])
            dead = Abandoned(deleting[0], kind, deleting[3], client.rfc, by)
            raise InterfaceError(
                f"{name}: {deleting[6]} está borrando {dead} ({dead.why}); importe de nuevo en "
                "un momento, cuando termine de borrarla"
            )
        row = next((r for r in loading if r not in live), None)
        if row:
            _take_to_discard(db, row[0], holder, was=row[3])
        # its rows counted as its turns write them (_renew), all when it is made 'hecho'
        import_id = _new_import(db, client.id, kind, name, digest, 0, holder)
    return import_id, (row[0], _by(row[1], row[2])) if row else None


def _by(user: str, at: str) -> str:
    """Who ran an import since when, as the user reads it: 'ana desde 10:42'."""
    return f"{user} desde {leases.since(at)}"


def _take_to_discard(db: Database, import_id: int, holder: str, was: str | None) -> bool:
    """Inside a write transaction: a dead import's claim, still held by `was`, taken by
    `holder` to delete it, marked with this process's OS user (`_claim` tells a colleague so).
    Whether it was taken."""
    return bool(
        db.execute(
            "UPDATE interface_imports SET holder = ?, heartbeat = ?, discarded_by = ? "
            "WHERE id = ? AND estado = 'cargando' AND holder IS ?",
            [holder, leases.stamp(), os_user(), import_id, was],
        ).rowcount
    )


def _renew(db: Database, import_id: int, holder: str, rows: int | None = None) -> None:
    """Inside a write transaction: the import's heartbeat, after checking it is still ours,
    and the rows of the file its writer went through so far (`rows`, by the turns before;
    what a colleague refused is told, `_claim`)."""
    if not db.execute(
        "UPDATE interface_imports SET heartbeat = ?, rows = coalesce(?, rows) "
        "WHERE id = ? AND holder = ?",
        [leases.stamp(), rows, import_id, holder],
    ).rowcount:
        raise InterfaceError(
            "otro proceso tomó esta importación por abandonada (no dio señales en "
            f"{leases.STALE.seconds // 60} min); nada se importó, impórtela de nuevo"
        )


def _discard(db: Database, kind: str, import_id: int, holder: str) -> None:
    """Delete an unfinished import held by `holder`: its rows, STEP per statement in turns,
    then its row."""
    count = db.execute(f"SELECT count(*) FROM {kind} WHERE import_id = ?", [import_id])
    for _ in turns(
        db,
        range(0, count.fetchone()[0], STEP),
        lambda _: DISCARD[kind](db, import_id, STEP),
        first=lambda: _renew(db, import_id, holder),
    ):
        pass
    with transaction(db):
        db.execute("DELETE FROM interface_imports WHERE id = ? AND holder = ?", [import_id, holder])


class Abandoned(NamedTuple):
    """An import of entradas or salidas whose process died while writing it."""

    id: int
    kind: str
    holder: str | None
    rfc: str
    by: str  # who ran it, since when (leases.since): 'ana desde 10:42'

    def __str__(self) -> str:
        return f"la importación interrumpida de {self.kind} de {self.rfc} de {self.by}"

    @property
    def why(self) -> str:
        """Said after it when it is deleted (the TUI's start, a CLI command)."""
        return "su proceso terminó sin completarla"


def abandoned(db: Database) -> list[Abandoned]:
    """The imports of entradas or salidas whose process died while writing them: 'cargando'
    with a claim no longer alive (leases.alive)."""
    rows = db.execute(
        "SELECT i.id, i.kind, i.holder, i.heartbeat, c.rfc, i.imported_by, i.imported_at "
        "FROM interface_imports i JOIN clients c ON c.id = i.client_id "
        "WHERE i.estado = 'cargando'"
    ).fetchall()
    return [
        Abandoned(r[0], r[1], r[2], r[4], _by(r[5], r[6]))
        for r in rows
        if not leases.alive(r[2], r[3])
    ]


def discard_abandoned(
    db: Database, deleting: Callable[[Abandoned], object] = lambda _: None
) -> list[Abandoned]:
    """Delete the `abandoned` imports as the next import of their kind would (taking their
    claim, then their rows in turns; `deleting` told of each once taken): readers leave them
    out, but while one is there the saldos are read past the kept balances
    (reports._NOT_PRESENT), much slower; so the TUI's start (BrokerApp.on_mount) and the
    CLI's commands on Anexo 24 data (cli/base.py) delete them. One taken meanwhile by a
    colleague's import is his. Returns those deleted."""
    deleted = []
    for found in abandoned(db):
        holder = leases.take()
        try:
            with transaction(db):
                taken = _take_to_discard(db, found.id, holder, was=found.holder)
            if taken:
                deleting(found)
                _discard(db, found.kind, found.id, holder)
                deleted.append(found)
        finally:
            leases.drop(holder)
    return deleted


def _abandon(db: Database, kind: str, import_id: int, holder: str) -> None:
    """After a failure: the import deleted if it is still ours. If that fails too, the next
    import of its kind finds it dead (leases.alive) and deletes it."""
    try:
        _discard(db, kind, import_id, holder)
    except Exception as exc:  # the user is told of the first failure; this one is logged
        log.log_trace(exc, f"importación {import_id}: queda para la siguiente")


def _discard_salidas(db: Database, import_id: int, limit: int) -> int:
    return db.execute(
        "DELETE FROM salidas WHERE id IN "
        "(SELECT id FROM salidas WHERE import_id = ? ORDER BY id DESC LIMIT ?)",  # as entradas
        [import_id, limit],
    ).rowcount


def _apply_catalog(table: str, columns: tuple[str, ...]):
    def apply(db, client_id: int, import_id: int, rows: list[dict]) -> int:
        stamp = now()
        names = ", ".join(columns)
        marks = ", ".join("?" for _ in columns)
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != "numero_parte")
        db.conn.executemany(
            f"INSERT INTO {table} (client_id, {names}, import_id, updated_at) "
            f"VALUES (?, {marks}, ?, ?) ON CONFLICT (client_id, numero_parte) DO UPDATE SET "
            f"{updates}, import_id = excluded.import_id, updated_at = excluded.updated_at, "
            "baja_date = NULL",
            [(client_id, *(r[c] for c in columns), import_id, stamp) for r in rows],
        )
        return len(rows)

    return apply


def _apply_bom(db, client_id: int, import_id: int, rows: list[dict]) -> int:
    """The file replaces the whole BOM of every product it mentions (what an earlier batch of
    the same file stored is kept)."""
    products = {r["producto"] for r in rows}
    db.conn.executemany(
        "DELETE FROM bom WHERE client_id = ? AND producto = ? AND import_id IS NOT ?",
        [(client_id, p, import_id) for p in products],
    )
    db.conn.executemany(
        "INSERT INTO bom (client_id, producto, material, cantidad, merma_pct, factor_micro, "
        "import_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (
                client_id,
                r["producto"],
                r["material"],
                r["cantidad"],
                r["merma_pct"],
                factor_micro(r["cantidad"], r["merma_pct"]),
                import_id,
            )
            for r in rows
        ],
    )
    return len(rows)


# The salidas interface's columns, as stored (cantidad as cantidad_micro).
SALIDAS_COLUMNS = (*COLUMNS["salidas"], *OPTIONAL["salidas"])


def _copy_salidas(
    db: Database, client_id: int, import_id: int, source: str, params: Sequence = ()
) -> int:
    """Exits from checked rows of the salidas interface, as the SELECT `source` gives them
    (SALIDAS_COLUMNS, in order); how many were new."""
    return db.execute(
        f"INSERT OR IGNORE INTO salidas (client_id, {', '.join(SALIDAS_COLUMNS[:5])}, "
        f"cantidad_micro, {', '.join(SALIDAS_COLUMNS[6:])}, import_id) "
        f"SELECT ?, *, ? FROM ({source})",
        [client_id, import_id, *params],
    ).rowcount


def _apply_other(catalogo: str):
    extra = OTHER_CATALOGS[catalogo][2:]

    def apply(db, client_id: int, import_id: int, rows: list[dict]) -> int:
        db.conn.executemany(
            "INSERT INTO catalogo_anexo24 (client_id, catalogo, clave, nombre, datos, import_id, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (client_id, catalogo, clave) "
            "DO UPDATE SET nombre = excluded.nombre, datos = excluded.datos, import_id = "
            "excluded.import_id, updated_at = excluded.updated_at, baja_date = NULL",
            [
                (
                    client_id,
                    catalogo,
                    r["clave"],
                    r["nombre"],
                    json.dumps({k: r[k] for k in extra}, ensure_ascii=False),
                    import_id,
                    now(),
                )
                for r in rows
            ],
        )
        return len(rows)

    return apply


APPLY = {
    "materiales": _apply_catalog("materiales", COLUMNS["materiales"]),
    "productos": _apply_catalog("productos", COLUMNS["productos"]),
    "bom": _apply_bom,
    "inventarios": inventarios.apply,
    "saldos_iniciales": entries.add_opening,
    **{name: _apply_other(name) for name in OTHER_CATALOGS},
}
# The kinds written in turns: how their staged rows are copied, and which columns, in order.
COPY = {
    "entradas": (entries.add_from_interface, entries.INTERFACE_COLUMNS),
    "salidas": (_copy_salidas, SALIDAS_COLUMNS),
}
DISCARD = {"entradas": entries.discard_import, "salidas": _discard_salidas}
# What else an import of entradas or salidas writes in its last transaction, registered by the
# module that owns it (activo_fijo.py: the movements of the fixed assets' exits); it may refuse
# the import (InterfaceError), which then leaves nothing.
COMPLETING: dict[str, list[Callable[[Database, int, int, str], None]]] = {}


def add_ajuste_exit(
    db: Database,
    client_id: int,
    *,
    documento: str,
    fecha: str,
    numero_parte: str,
    cantidad_micro: int,
) -> int | None:
    """The exit an ajuste records (a faltante or merma of a material, clave AJUSTE, of kind
    ajuste); its id."""
    return db.execute(
        "INSERT INTO salidas (client_id, documento, clave, fecha, tipo_bien, numero_parte, "
        "cantidad_micro, tipo_salida) VALUES (?, ?, 'AJUSTE', ?, 'M', ?, ?, ?)",
        [client_id, documento, fecha, numero_parte, cantidad_micro, exit_kinds.AJUSTE],
    ).lastrowid


def mark_baja(db: Database, client_id: int, catalogo: str, clave: str, on: date) -> bool:
    """Give the active record `clave` of a catalog (materiales, productos or one of
    OTHER_CATALOGS) its fecha de baja; False when there is no such active record."""
    if catalogo in ("materiales", "productos"):
        sql = (
            f"UPDATE {catalogo} SET baja_date = ? WHERE client_id = ? AND numero_parte = ? "
            "AND baja_date IS NULL"
        )
        params = [on.isoformat(), client_id, clave]
    else:
        sql = (
            "UPDATE catalogo_anexo24 SET baja_date = ? WHERE client_id = ? AND catalogo = ? "
            "AND clave = ? AND baja_date IS NULL"
        )
        params = [on.isoformat(), client_id, catalogo, clave]
    return db.execute(sql, params).rowcount > 0
