"""Anexo 24 inventory data: the ERP interfaces (CSV or XLSX, header names exactly as agreed,
extra columns ignored), validated row by row and applied all or nothing per file. Owner of
tables interface_imports, materiales, productos, bom, salidas and catalogo_anexo24; the entradas
file goes through the entries (entries.py).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
import zlib
from collections.abc import Callable, Hashable, Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from itertools import chain
from pathlib import Path
from xml.etree.ElementTree import ParseError

from sqlite_utils import Database

from brokertui.core import catalogs, identifiers
from brokertui.core.anexo24 import entries
from brokertui.core.db import now, os_user, write
from brokertui.core.errors import BrokerError
from brokertui.core.pedimentos import numero as pedimento_numero
from brokertui.core.quantities import factor_micro, parse_decimal, parse_integer, to_micro
from brokertui.core.registry import clients
from brokertui.core.text import FREE_TEXT, check_text

COLUMNS = {
    "materiales": ("numero_parte", "descripcion", "fraccion", "umc", "umt", "factor_umt", "tipo"),
    "productos": ("numero_parte", "descripcion", "fraccion", "umc", "umt"),
    "bom": ("producto", "material", "cantidad", "merma_pct"),
    "entradas": (
        "pedimento",
        "partida",
        "clave",
        "fecha_entrada",
        "numero_parte",
        "cantidad",
        "umc",
        "valor_usd",
        "fraccion",
        "pais_origen",
    ),
    "salidas": ("documento", "clave", "fecha", "tipo_bien", "numero_parte", "cantidad"),
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
KINDS = tuple(COLUMNS)
MAX_ERRORS = 50
BATCH = 20_000


class InterfaceError(BrokerError):
    """A file was refused; the message lists its bad rows."""


# -- reading ----------------------------------------------------------------------------------


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number, values by lower-cased header) from a CSV or XLSX file; row 1 is the header."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        yield from _xlsx_rows(path)
        return
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(reader, [])]
    for number, values in enumerate(reader, start=2):
        if any(v.strip() for v in values):
            yield number, dict(zip(header, (v.strip() for v in values), strict=False))


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):  # no exponent: 1e-05 is the number 0.00001 (parse_decimal)
        return format(Decimal(repr(value)), "f")
    return str(value).strip()


def _xlsx_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        if not book.worksheets:
            raise InterfaceError(f"{path.name}: el libro no tiene hojas de cálculo")
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = [_cell(h).lower() for h in next(rows, ())]
        for number, values in enumerate(rows, start=2):
            cells = [_cell(v) for v in values]
            if any(cells):
                yield number, dict(zip(header, cells, strict=False))
    finally:
        book.close()


# -- checks -----------------------------------------------------------------------------------


def _code(catalog: str, value: str, what: str) -> str:
    code = catalogs.load(catalog).lookup(value)
    if code is None:
        raise ValueError(f"«{value}» no está en el catálogo de {what}")
    return code


@lru_cache(maxsize=4096)
def _fraccion(value: str) -> str:
    digits = re.sub(r"[\s.]", "", value)
    if not re.fullmatch(r"[0-9]{8}", digits):
        raise ValueError("son 8 dígitos")
    return digits


def required(value: str) -> str:
    if not value:
        raise ValueError("es obligatorio")
    return value


@lru_cache(maxsize=4096)
def iso_date(value: str) -> str:
    return identifiers.parse_date(value).isoformat()


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
    return format(parse_decimal(value, positive=not allow_zero), "f")


def _optional_decimal(value: str) -> str:
    return decimal_text(value, allow_zero=True) if value else value


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
        "fecha_entrada": iso_date,
        "numero_parte": required,
        "cantidad": to_micro,
        "umc": lambda v: _code("unidades", v, "unidades"),
        "valor_usd": _optional_decimal,
        "fraccion": lambda v: _fraccion(v) if v else "",
        "pais_origen": lambda v: _code("paises", v, "países") if v else "",
    },
    **{
        name: {c: required if c in ("clave", "nombre") else str for c in columns}
        for name, columns in OTHER_CATALOGS.items()
    },
    "salidas": {
        "documento": required,
        "clave": lambda v: _code("claves", v, "claves de pedimento"),
        "fecha": iso_date,
        "tipo_bien": one_of({"m": "M", "p": "P", "d": "D"}),
        "numero_parte": required,
        "cantidad": to_micro,
    },
}


def _check_row(kind: str, raw: dict) -> tuple[dict, list[str]]:
    """The row's values checked one by one (no control characters: text.py), and its problems
    as 'campo: regla'."""
    values, problems = {}, []
    for name, check in CHECKS[kind].items():
        try:
            value = check_text(raw.get(name, "").strip(), free_text=name in FREE_TEXT)
            values[name] = check(value)
        except ValueError as exc:
            problems.append(f"{name}: {exc}")
    return values, problems


def _cross_check(kind: str, v: dict, known: dict[str, set], seen: set) -> list[str]:
    """Part numbers must be in the catalogs; keys must not repeat within the file."""
    problems = []
    key: Hashable  # the row's identity within the file
    if kind == "bom":
        if v["producto"] not in known["productos"]:
            problems.append(f"producto: {v['producto']} no está en productos")
        if v["material"] not in known["materiales"]:
            problems.append(f"material: {v['material']} no está en materiales")
        try:
            factor_micro(v["cantidad"], v["merma_pct"])
        except ValueError as exc:
            problems.append(f"merma_pct: {exc}")
        key = (v["producto"], v["material"])
    elif kind == "entradas":
        if v["numero_parte"] not in known["materiales"]:
            problems.append(f"numero_parte: {v['numero_parte']} no está en materiales")
        key = (v["pedimento"], v["partida"], v["numero_parte"])
    elif kind == "salidas":
        table = "productos" if v["tipo_bien"] == "P" else "materiales"
        if v["numero_parte"] not in known[table]:
            problems.append(f"numero_parte: {v['numero_parte']} no está en {table}")
        key = (v["documento"], v["numero_parte"], v["tipo_bien"])
    else:
        key = v.get("numero_parte", v.get("clave"))
    fingerprint = hash(key)  # a set of ints, not of tuples: 500,000 rows stay small
    if fingerprint in seen:
        problems.append("repetida en el archivo")
    seen.add(fingerprint)
    return problems


def import_file(db: Database, kind: str, path: Path | str, rfc: str) -> dict:
    """Validate every row of an interface file and apply it, all in one transaction."""
    if kind not in COLUMNS:
        raise InterfaceError(f"tipo: debe ser uno de {', '.join(KINDS)}")
    path = Path(path)
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise InterfaceError(f"{path}: no se puede leer ({exc.strerror})") from None
    return import_rows(db, kind, read_file(path), rfc, path.name, digest)


def read_file(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """`read_rows`, a file it cannot read refused as InterfaceError (every import of an
    interface-shaped file, ajustes included, reads through this)."""
    try:
        yield from read_rows(path)
    except csv.Error as exc:
        reason = str(exc)
        if "field limit" in reason:
            reason = f"un campo tiene más de {csv.field_size_limit():,} caracteres"
        raise InterfaceError(f"{path.name}: no es un CSV legible: {reason}") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        # zipfile's ways to say a package is damaged, encrypted or of an unknown method
        raise InterfaceError(
            f"{path.name}: no es un XLSX legible: el zip está dañado o cifrado ({exc})"
        ) from None
    except (UnicodeError, OSError, ValueError, KeyError, TypeError, ParseError) as exc:
        # a corrupt XLSX (a zip of XML) fails in many ways; none is the user's row
        raise InterfaceError(f"{path.name}: no es un CSV o XLSX legible ({exc})") from None


def part_numbers(db: Database, client_id: int, table: str) -> set[str]:
    """The client's part numbers in `table`, materiales or productos (bajas included)."""
    sql = f"SELECT numero_parte FROM {table} WHERE client_id = ?"
    return {r[0] for r in db.execute(sql, [client_id])}


def import_rows(
    db: Database, kind: str, rows: Iterable[tuple[int, dict]], rfc: str, name: str, digest: str
) -> dict:
    """Check rows (row number, values by header) and apply them: one transaction, refused
    whole (rolled back) when any row is bad. Rows stream through in batches."""
    client = clients.get_client(db, rfc)
    rows = iter(rows)
    first = next(rows, None)
    missing = [c for c in COLUMNS[kind] if first and c not in first[1] and c != "merma_pct"]
    if missing:
        raise InterfaceError(f"{name}: faltan las columnas {', '.join(missing)}")
    known = {table: part_numbers(db, client.id, table) for table in ("materiales", "productos")}
    errors: list[str] = []
    seen: set[int] = set()
    count = added = 0
    with write(db, f"import.{kind}", "client", client.rfc, {"file": name}):
        import_id = db.execute(
            "INSERT INTO interface_imports (client_id, kind, filename, sha256, rows, "
            "imported_at, imported_by) VALUES (?, ?, ?, ?, 0, ?, ?)",
            [client.id, kind, name, digest, now(), os_user()],
        ).lastrowid
        pending: list[dict] = []
        for number, raw in chain([first] if first else [], rows):
            values, problems = _check_row(kind, raw)
            if not problems:
                problems = _cross_check(kind, values, known, seen)
            if problems:
                errors.append(f"fila {number}: " + "; ".join(problems))
                if len(errors) >= MAX_ERRORS:
                    break
                continue
            count += 1
            if not errors:
                pending.append(values)
            if len(pending) >= BATCH and kind != "bom":  # a BOM is replaced per product: whole
                added += APPLY[kind](db, client.id, import_id, pending)
                pending = []
        if errors:
            more = " (se muestran los primeros)" if len(errors) >= MAX_ERRORS else ""
            raise InterfaceError(
                f"{name}: {len(errors)} filas con error{more}; nada se importó:\n"
                + "\n".join(errors)
            )
        added += APPLY[kind](db, client.id, import_id, pending)
        db.execute("UPDATE interface_imports SET rows = ? WHERE id = ?", [count, import_id])
        if kind == "materiales":  # pedimento partidas with these part numbers become entries
            entries.sync_from_pedimentos(db, client.id)
    return {
        "kind": kind,
        "rows": count,
        "added": added,
        "skipped": count - added,
        "import_id": import_id,
    }


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
    """The file replaces the whole BOM of every product it mentions."""
    products = {r["producto"] for r in rows}
    db.conn.executemany(
        "DELETE FROM bom WHERE client_id = ? AND producto = ?", [(client_id, p) for p in products]
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


def _apply_salidas(db, client_id: int, import_id: int, rows: list[dict]) -> int:
    return db.conn.executemany(
        "INSERT OR IGNORE INTO salidas (client_id, documento, clave, fecha, tipo_bien, "
        "numero_parte, cantidad_micro, import_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                client_id,
                r["documento"],
                r["clave"],
                r["fecha"],
                r["tipo_bien"],
                r["numero_parte"],
                r["cantidad"],
                import_id,
            )
            for r in rows
        ],
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
    "entradas": entries.add_from_interface,
    "salidas": _apply_salidas,
    **{name: _apply_other(name) for name in OTHER_CATALOGS},
}


def add_ajuste_exit(
    db: Database,
    client_id: int,
    *,
    documento: str,
    fecha: str,
    numero_parte: str,
    cantidad_micro: int,
) -> int | None:
    """The exit an ajuste records (a faltante or merma of a material, clave AJUSTE); its id."""
    return db.execute(
        "INSERT INTO salidas (client_id, documento, clave, fecha, tipo_bien, numero_parte, "
        "cantidad_micro) VALUES (?, ?, 'AJUSTE', ?, 'M', ?, ?)",
        [client_id, documento, fecha, numero_parte, cantidad_micro],
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
