"""Import of ANAM Data Stage deliveries (formats.md §1): all 26 members are read and stored,
each as members.py declares it (501, 505, 506, 507, 551, 554, 557 and 701 into the pedimento
tables, the others into their `ds_*` tables); the 15-digit number is rebuilt (§1.7);
rectifications linked to their real original or to none (§1.8).

A delivery is stored whole or not at all: any bad row refuses it, reported as
`member:line: reason`. The zip itself is kept unchanged. A broker's delivery holds many RFCs:
each pedimento goes to the client of its 501 Rfc; those of RFCs no client has are kept aside
in the stored zip, as are other clients' when `rfc` filters (routes.py), and imported later
from it. A pedimento is stored again only when its version (a digest of its rows) changed:
importing a delivery again, whole or client by client, changes nothing.

The write lock is held only to store (issue 12, item 4): the whole delivery is read and
checked first, outside any write transaction, its rows ready to store staged in scratch tables
of the connection (temp.staged_<member>); then one transaction stores them, inserts only.

Memory stays bounded whatever the delivery holds: the pedimentos (501, completed by 506 and
701) are kept, at most MAX_PEDIMENTOS of them; the rows of the other members are streamed from
the zip and staged in batches as they are checked. Errors are counted, only the first ones
listed (limits.ErrorList).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import repeat
from operator import itemgetter
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from brokertui.core import catalogs, collector, limits
from brokertui.core.db import now, os_user, snapshot, transaction, write
from brokertui.core.limits import clip
from brokertui.core.pedimentos import numero as pedimento_numero
from brokertui.core.pedimentos import permanence
from brokertui.core.pedimentos import store as pedimento_store
from brokertui.core.pedimentos.datastage import member_tables, routes
from brokertui.core.pedimentos.datastage.blocks import Counts, Heads, Plan
from brokertui.core.pedimentos.datastage.delivery import (
    DataStageError,
    Delivery,
    Member,
    read,
    sha256_of,
    split_line,
)
from brokertui.core.pedimentos.datastage.members import MEMBERS, OWN_TABLES
from brokertui.core.pedimentos.datastage.members import Member as MemberSpec
from brokertui.core.pedimentos.datastage.values import (
    DIGITS,
    SAFE_NUMBER,
    canonical,
)
from brokertui.core.pedimentos.datastage.values import number_problem as _number_problem
from brokertui.core.pedimentos.datastage.values import read_date as _date
from brokertui.core.pedimentos.review import is_temporary_entry
from brokertui.core.plural import counted
from brokertui.core.progress import Progress
from brokertui.core.quantities import parse_integer
from brokertui.core.registry.calendar import calendar_for
from brokertui.core.text import shown_name

Head = dict[str, Any]  # a pedimento of the 501 as read (_parse_501)
Routing = tuple[str | None, dict[str, int]]  # the RFC wanted (None: all), clients' ids by RFC
_SIX = itemgetter(slice(0, 6))  # a fracción's first six digits
# What the importer keeps in memory while it reads a delivery: every pedimento (about 1.5 KB
# each) and a line number per partida (to name a repeated one). A real monthly delivery holds
# about 1,300 pedimentos and 12,853 partidas; a larger period can be asked for by months.
MAX_PEDIMENTOS = 50_000
MAX_PARTIDAS = 1_000_000
MAX_KEPT_CHARS = 20  # a 501 value kept per pedimento (ClaveDocumento, TipoCambio, aduana)
BATCH = 5_000  # rows staged or stored at a time (a line is at most delivery.MAX_LINE_BYTES)
# Members whose rows are staged, then stored: those of the pedimento blocks, then (after the
# 551, which the partida-level ones are checked against) those with a table of their own.
STAGED = ("505", "507", "551", "554", "557", *OWN_TABLES)
KEY = ("patente", "pedimento", "seccionaduanera")
PAID = ("fechapagoreal", "fechavalidacionpagor")  # synonyms (formats.md §1.3 step 8)
REQUIRED = {tipo: tuple(h.lower() for h in m.required) for tipo, m in MEMBERS.items()}


COLUMN_NAMES = {c.header.lower(): c.header for m in MEMBERS.values() for c in m.columns}


@dataclass
class ImportResult:
    """What one import did. `pedimentos` counts those read for the clients imported (new,
    updated or unchanged); `partidas` those stored; `clientes` and `apartados` are the routes
    (routes.Census) of the clients imported and of the RFCs no client has."""

    sha256: str
    already_imported: bool = False
    pedimentos: int = 0
    partidas: int = 0
    rectificaciones: int = 0
    skipped_other_rfc: int = 0
    nuevos: int = 0
    actualizados: int = 0
    sin_cambio: int = 0
    encoding: str = ""
    warnings: list[str] = field(default_factory=list)
    clientes: list[routes.Census] = field(default_factory=list)
    apartados: list[routes.Census] = field(default_factory=list)

    def as_dict(self) -> dict:
        out = dict(self.__dict__)
        out["clientes"] = [c.as_dict() for c in self.clientes]
        out["apartados"] = [c.as_dict() for c in self.apartados]
        return out


class _Columns(dict):
    """Column positions by lower-cased name; an absent column points past the last field,
    where every row carries an empty value."""

    def __init__(self, index: dict[str, int], width: int):
        super().__init__(index)
        self.width = width
        paid = next((index[p] for p in PAID if p in index), None)
        if paid is not None:
            self["fechapagoreal"] = paid

    def __missing__(self, name: str) -> int:
        return self.width


class _Rows:
    """Column access by header name for one member, collecting row errors."""

    def __init__(self, member: Member, errors: limits.ErrorList):
        self.member = member
        self.errors = errors
        index = member.index()
        has_paid = any(p in index for p in PAID)
        missing = [
            c for c in REQUIRED[member.tipo] if c not in index and not (c in PAID and has_paid)
        ]
        if missing:
            names = ", ".join(COLUMN_NAMES.get(c, c) for c in missing)
            raise DataStageError(f"{member.name}: faltan las columnas {names}")
        self.width = len(member.header)
        self.c = _Columns(index, self.width)
        self.key = tuple(self.c[name] for name in KEY)
        self.partidas: dict[tuple[int, int], int] = {}  # the 551's, as Heads.partidas

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        for first, lines, _ in self.member.blocks():
            yield from self.lines(first, lines)

    def lines(self, first: int, lines: list[str]) -> Iterator[tuple[int, list[str]]]:
        """(line number, fields) of a block's rows of the header's width, the others
        recorded as errors."""
        width = self.width
        for line, text in enumerate(lines, first):
            values = split_line(text)
            if values is None:
                continue
            count = len(values)
            if count == width:
                values.append("")  # what an absent optional column reads as (see _Columns)
            elif count != width + 1 or values[-1]:  # a trailing `|` leaves that empty value
                count -= not values[-1]  # a trailing `|` ends no field
                self.fail(line, f"tiene {counted(count, 'campo')} y el encabezado {width}")
                continue
            yield line, values

    def fail(self, line: int, reason: str) -> None:
        self.errors.append(f"{self.member.name}:{line}: {reason}")
        if self.errors.full:
            raise DataStageError(_summary(self.errors))


def _summary(errors: limits.ErrorList) -> str:
    return f"{errors.heading('renglón', 'renglones')}; nada se importó:\n{errors.listing()}"


def import_zip(
    db: Database,
    path: Path | str,
    *,
    rfc: str | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Check a whole delivery outside any write transaction, then store what changed in one
    short transaction; any bad row refuses it whole. `rfc` imports only that client's
    pedimentos, leaving the others pending in the stored zip."""
    report = progress or (lambda done, total, stage: None)
    report(0, 1, "Leyendo el zip")
    digest = sha256_of(path)
    clients = {r["rfc"]: r["id"] for r in db.query("SELECT rfc, id FROM clients")}
    wanted = rfc.strip().upper() if rfc else None
    if wanted and wanted not in clients:
        raise DataStageError(f"rfc: no hay un cliente con el RFC {wanted}")
    if _done(db, digest, wanted, clients):
        return ImportResult(digest, already_imported=True)
    with collector.paused(), read(path, digest) as delivery:
        result = ImportResult(delivery.sha256)
        result.warnings += [f"{name}: miembro desconocido, ignorado" for name in delivery.unknown]
        try:
            with snapshot(db):  # one read transaction: staging is one temp transaction
                heads, census = _check(db, delivery, (wanted, clients), result, report)
            report(1, 1, "Guardando")
            with transaction(db):  # a second import of the zip waits here, then finds it stored
                if _done(db, delivery.sha256, wanted, clients):
                    return ImportResult(delivery.sha256, already_imported=True)
                store = _Store(db, delivery, heads, census, result)
                if store.needed():
                    audit = {"file": shown_name(delivery.path), "sha256": delivery.sha256}
                    with write(db, "datastage.import", "datastage", delivery.folio, audit):
                        store.store()
        finally:
            for name in (*STAGED, "pids"):
                db.execute(f"DROP TABLE IF EXISTS temp.staged_{name}")
    return result


def _import_id(db: Database, digest: str) -> int | None:
    row = db.execute("SELECT id FROM datastage_imports WHERE sha256 = ?", [digest]).fetchone()
    return row[0] if row else None


def _done(db: Database, digest: str, wanted: str | None, clients: dict[str, int]) -> bool:
    """Whether the delivery is stored and reading it again would find nothing to import."""
    import_id = _import_id(db, digest)
    return import_id is not None and routes.complete(db, import_id, wanted, clients)


def _key(values: list[str], rows: _Rows) -> tuple[str, str, str]:
    patente, pedimento, seccion = rows.key
    return values[patente].zfill(4), values[pedimento].zfill(7), values[seccion].zfill(3)


def _check(
    db: Database, delivery: Delivery, routing: Routing, result: ImportResult, report: Progress
) -> tuple[Heads, dict[str, routes.Census]]:
    """Every row of the delivery checked, outside any write transaction; while none is bad,
    the rows to store are staged (`_Staging`). Returns the pedimentos by key and the census
    of the 501's RFCs."""
    errors = limits.ErrorList()
    members = delivery.members
    heads, skipped, census = _pedimentos(delivery, routing, errors)
    result.skipped_other_rfc = sum(
        c.pedimentos for c in census.values() if c.estado == routes.PENDING
    )
    total = sum(m.size for m in members.values()) or 1
    done = members["501"].size
    for tipo in ("506", "701"):  # they complete the pedimentos, which the others need
        if tipo in members:
            for _ in _checked_rows(members[tipo], heads, skipped, errors, result.warnings):
                pass
            done += members[tipo].size
            report(done, total, "Validando")
    staging = _Staging(db, heads)
    for tipo in STAGED:
        if tipo in members:
            _stream(members[tipo], heads, skipped, errors, staging, result.warnings)
            done += members[tipo].size
            report(done, total, "Validando")
    if errors:
        raise DataStageError(_summary(errors))
    return heads, census


def _pedimentos(
    delivery: Delivery, routing: Routing, errors: limits.ErrorList
) -> tuple[Heads, set[tuple[str, str, str]], dict[str, routes.Census]]:
    """The 501 read: the pedimentos to import by key, the keys of those left in the stored
    zip (other RFCs', or other clients' when filtering), and the census of RFCs."""
    members = delivery.members
    if "501" not in members:
        raise DataStageError(f"{shown_name(delivery.path)}: falta el miembro 501 (datos generales)")
    census: dict[str, routes.Census] = {}
    heads, skipped = _parse_501(members["501"], errors, routing, census)
    return heads, skipped, census


def _stream(
    member: Member,
    heads: Heads,
    skipped: set,
    errors: limits.ErrorList,
    staging: _Staging,
    warnings: list[str],
) -> None:
    """Check every row of a member, staging them in batches while no error has been found."""
    batch: list[tuple] = []
    most = MAX_PARTIDAS if member.tipo == "551" else None
    partidas = 0
    for block in _checked_rows(member, heads, skipped, errors, warnings):
        partidas += len(block)
        if most and partidas > most:
            raise DataStageError(
                f"{member.name}: más de {MAX_PARTIDAS:,} partidas; pida a la ANAM la "
                "entrega por periodos más cortos"
            )
        if not errors:
            batch += block
            if len(batch) >= BATCH:
                staging.rows(member.tipo, batch)
                batch = []
    if not errors:
        staging.rows(member.tipo, batch)


def _checked_rows(
    member: Member, heads: Heads, skipped: set, errors: limits.ErrorList, warnings: list[str]
) -> Iterator[list[tuple]]:
    """The member's rows as parsed (their pedimento's ordinal first), for pedimentos of the
    501, in lists (a block of lines at a time); a bad row is recorded as an error and left
    out. A row of a pedimento not in the 501 is an error in the members the pedimento tables
    are built from; in the others (their meaning for the pedimento is only informative) it is
    counted in a warning and left in the zip alone, as is a row of a partida the 551 does not
    have. A plain block is read column by column (blocks.Plan), the others row by row."""
    spec = MEMBERS[member.tipo]
    rows = _Rows(member, errors)
    rows.partidas = heads.partidas
    parser = _PARSERS.get(member.tipo) or _Reader(spec, rows)
    if spec.level == "entrega":  # Resumen: one per delivery, no pedimento key
        parsed = (parser(values, rows, line, {}) for line, values in rows)  # no pedimento
        yield [(0, *p) for p in parsed if p is not None]
        return
    plan = Plan.of(member.tipo, rows.c.__getitem__, rows.width)
    counts = Counts()
    one_by_one = (rows, parser, heads, skipped, counts)
    for first, lines, plain in member.blocks():
        block = plan.rows(lines, first, heads, skipped, counts) if plan and plain else None
        yield block if block is not None else list(_row_by_row(one_by_one, first, lines))
    if counts.strays and spec.own_table:
        warnings.append(
            f"{member.name}: {counted(counts.strays, 'renglón', 'renglones')} de pedimentos "
            "que no están en el miembro 501; se conservan sólo en el zip"
        )
    if counts.orphans:
        warnings.append(
            f"{member.name}: {counted(counts.orphans, 'renglón', 'renglones')} de partidas "
            "que no están en el 551"
        )


def _row_by_row(reading: tuple, first: int, lines: list[str]) -> Iterator[tuple]:
    """A block's rows parsed one by one (see _checked_rows)."""
    rows, parser, heads, skipped, counts = reading
    spec = MEMBERS[rows.member.tipo]
    sequence = spec.names.index("secuencia") if spec.own_table and spec.level == "partida" else None
    prefix = f"{spec.tipo}|"
    for line, values in rows.lines(first, lines):
        key = _key(values, rows)
        if skipped and key in skipped:  # a tuple's hash is not cached: skip it when none are
            continue
        head = heads.get(key)
        if head is None:
            if not spec.own_table:
                rows.fail(line, f"el pedimento {clip('-'.join(key))} no está en el miembro 501")
            counts.strays += 1
            continue
        head["version"].update(f"{prefix}{'|'.join(values)}\n".encode())
        parsed = parser(values, rows, line, head)
        if parsed is None:
            continue
        if sequence is not None and (head["n"], parsed[sequence]) not in rows.partidas:
            counts.orphans += 1
        yield (head["n"], *parsed)


def _parse_501(
    member: Member,
    errors: limits.ErrorList,
    routing: Routing,
    census: dict[str, routes.Census],
) -> tuple[Heads, set[tuple[str, str, str]]]:
    wanted, clients = routing
    rows = _Rows(member, errors)
    c = rows.c
    claves = catalogs.load("claves").entries
    heads = Heads()
    skipped: set[tuple[str, str, str]] = set()
    lines: dict[str, int] = {}  # the line of each rebuilt número
    for line, v in rows:
        key = _key(v, rows)
        if not _is_key(*key):
            rows.fail(
                line, "Patente, Pedimento y SeccionAduanera deben ser numéricos (4, 7 y 3 dígitos)"
            )
            continue
        if len(heads) + len(skipped) >= MAX_PEDIMENTOS:
            raise DataStageError(
                f"{member.name}: más de {MAX_PEDIMENTOS:,} pedimentos; pida a la ANAM la "
                "entrega por periodos más cortos"
            )
        rfc = clip(v[c["rfc"]].upper(), MAX_KEPT_CHARS)
        seen = census.get(rfc)
        if seen is None:
            name = clip(v[c["nombrecontribuyente"]], 120)
            seen = census[rfc] = routes.Census(rfc, name, clients.get(rfc))
        seen.pedimentos += 1
        seen.span(_date(v[c["fechapagoreal"]]))
        if seen.client_id is None or (wanted and rfc != wanted):
            seen.estado = routes.KEPT_ASIDE if seen.client_id is None else routes.PENDING
            skipped.add(key)
            continue
        seen.estado = routes.IMPORTED
        paid = _date(v[c["fechapagoreal"]])
        problems = _head_problems(v, c, paid)
        if key in heads:
            problems.append(f"el pedimento {'-'.join(key)} viene repetido")
        if problems:
            rows.fail(line, "; ".join(problems))
            if key not in heads:  # its rows in the other members are not checked again:
                skipped.add(key)  # each would only say that the 501 does not have it
            continue
        assert paid is not None, "a missing FechaPagoReal is one of the problems"
        numero, warning = pedimento_numero.rebuild(*key, paid)
        if numero in lines:
            rows.fail(
                line,
                f"Patente, Pedimento y SeccionAduanera dan el número {numero}, "
                f"el mismo que el renglón de la línea {lines[numero]}",
            )
        lines.setdefault(numero, line)
        clave = v[c["clavedocumento"]].upper()
        heads[key] = {
            "n": len(heads),  # its ordinal: staged rows name their pedimento by it
            "numero": numero,
            "rfc": rfc,
            "version": _version("501", v),
            "client_id": clients[rfc],
            "clave": clave,
            "tipo_operacion": v[c["tipooperacion"]],
            "fecha_pago": paid.isoformat(),
            "tipo_cambio": canonical(v[c["tipocambio"]]),
            "tipo_pedimento": v[c["tipopedimento"]],
            "aduana_entrada": v[c["seccionaduaneraentrada"]].zfill(3) or key[2],
            "fecha_entrada": None,
            "warnings": [w for w in (warning,) if w]
            + ([f"clave {clave} no está en el Apéndice 2"] if clave not in claves else []),
        }
    return heads, skipped


def _version(tipo: str, values: list[str]) -> hashlib.blake2b:
    """A pedimento's version: a digest of its rows, started with its 501 row and updated with
    each row of the other members read for it (`_checked_rows`)."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{tipo}|{'|'.join(values)}\n".encode())
    return digest


def _head_problems(v: list[str], c: _Columns, paid: date | None) -> list[str]:
    """What is wrong with a 501 row's own values."""
    problems = []
    if paid is None:
        problems.append(f"FechaPagoReal «{clip(v[c['fechapagoreal']])}» no es una fecha")
    if v[c["tipooperacion"]] not in ("1", "2"):
        problems.append(f"TipoOperacion «{clip(v[c['tipooperacion']])}» debe ser 1 o 2")
    if v[c["tipopedimento"]] not in ("1", "2"):
        problems.append(f"TipoPedimento «{clip(v[c['tipopedimento']])}» debe ser 1 o 2")
    tipo_cambio = _number_problem(v[c["tipocambio"]])
    if tipo_cambio:
        problems.append(f"TipoCambio «{clip(v[c['tipocambio']])}» {tipo_cambio}")
    for name in ("clavedocumento", "tipocambio", "seccionaduaneraentrada"):  # kept in memory
        if len(v[c[name]]) > MAX_KEPT_CHARS:
            problems.append(f"{COLUMN_NAMES[name]} tiene más de {MAX_KEPT_CHARS} caracteres")
    return problems


def _is_key(patente: str, pedimento: str, seccion: str) -> bool:
    """Patente, Pedimento and SeccionAduanera in ASCII digits of at most 4, 7 and 3 (§1.5)."""
    parts = ((patente, 4), (pedimento, 7), (seccion, 3))
    return all(len(part) <= width and DIGITS.match(part) for part, width in parts)


def _number(values: list[str], rows: _Rows, line: int, *names: str) -> list[str] | None:
    """The named numeric columns (empty reads as 0), or None after recording the row's error."""
    c = rows.c
    out = [values[c[name]] or "0" for name in names]
    if all(map(SAFE_NUMBER.match, out)):
        return out
    for n, (name, text) in enumerate(zip(names, out, strict=True)):
        problem = _number_problem(text)
        if problem:
            rows.fail(line, f"{rows.member.header[c[name]]} «{clip(text)}» {problem}")
            return None
        out[n] = canonical(text)
    return out


def _p505(v: list[str], rows: _Rows, line: int, head: Head) -> tuple | None:
    foreign = v[rows.c["valormonedaextranjera"]]  # empty in some years: kept empty
    nums = _number(v, rows, line, "valordolares", *(["valormonedaextranjera"] if foreign else []))
    if nums is None:
        return None
    fecha = _date(v[rows.c["fechafacturacion"]])
    return (
        v[rows.c["numerofactura"]],
        fecha.isoformat() if fecha else None,
        v[rows.c["terminofacturacion"]],
        v[rows.c["monedafacturacion"]],
        nums[1] if foreign else "",
        nums[0],
        v[rows.c["proveedormercancia"]],
        v[rows.c["indentfiscalproveedor"]],
    )


def _p506(v: list[str], rows: _Rows, line: int, head: Head) -> tuple | None:
    fecha = _date(v[rows.c["fechaoperacion"]])
    if fecha is None:
        rows.fail(line, f"FechaOperacion «{clip(v[rows.c['fechaoperacion']])}» no es una fecha")
        return None
    if v[rows.c["tipofecha"]] == "1":  # ENTRADA (formats.md §1.5, 506)
        head["fecha_entrada"] = fecha.isoformat()
    return None


def _p507(v: list[str], rows: _Rows, line: int, head: Head) -> tuple | None:
    return (
        None,
        v[rows.c["clavecaso"]].upper(),
        v[rows.c["identificadorcaso"]],
        v[rows.c["complementocaso"]],
        "",
    )


def _sequence(v: list[str], rows: _Rows, line: int) -> int | None:
    text = v[rows.c["secuenciafraccion"]]
    if len(text) < 10 and DIGITS.match(text):  # the usual case, surely within 64 bits
        return int(text)
    try:
        return parse_integer(text)
    except ValueError:
        rows.fail(line, f"SecuenciaFraccion «{clip(text)}» no es un número de partida")
        return None


def _p551(v: list[str], rows: _Rows, line: int, head: Head) -> tuple | None:
    sec = _sequence(v, rows, line)
    nums = _number(
        v,
        rows,
        line,
        "preciounitario",
        "valoraduana",
        "valorcomercial",
        "valordolares",
        "cantidadumcomercial",
        "cantidadumtarifa",
    )
    fraccion = v[rows.c["fraccion"]].zfill(8)
    if sec is None or nums is None:
        return None
    seen, partida = rows.partidas, (head["n"], sec)
    if partida in seen:
        rows.fail(
            line, f"SecuenciaFraccion {sec}: la partida viene repetida (línea {seen[partida]})"
        )
        return None
    seen[partida] = line
    if not (len(fraccion) == 8 and DIGITS.match(fraccion)):
        rows.fail(line, f"Fraccion «{clip(v[rows.c['fraccion']])}» no son 8 dígitos")
        return None
    return (
        sec,
        fraccion,
        v[rows.c["subdivisionfraccion"]],
        v[rows.c["descripcionmercancia"]],
        v[rows.c["codigomercanciaproducto"]],
        *nums[:4],
        nums[4],
        v[rows.c["unidadmedidacomercial"]],
        nums[5],
        v[rows.c["unidadmedidatarifa"]],
        v[rows.c["paisorigendestino"]],
    )


def _p554(v: list[str], rows: _Rows, line: int, head: Head) -> tuple | None:
    sec = _sequence(v, rows, line)
    if sec is None:
        return None
    return (
        sec,
        v[rows.c["clavecaso"]].upper(),
        v[rows.c["identificadorcaso"]],
        v[rows.c["complementocaso"]],
        "",
    )


def _p557(v: list[str], rows: _Rows, line: int, head: Head) -> tuple | None:
    sec = _sequence(v, rows, line)
    nums = _number(v, rows, line, "importepago")
    if sec is None or nums is None:
        return None
    return (sec, v[rows.c["clavecontribucion"]], v[rows.c["formapago"]], nums[0])


def _p701(v: list[str], rows: _Rows, line: int, head: Head) -> tuple | None:
    anterior = _date(v[rows.c["fechaoperacionanterior"]])
    if anterior is None:
        rows.fail(line, "FechaOperacionAnterior no es una fecha")
        return None
    previous = (
        v[rows.c["patenteanterior"]],
        v[rows.c["pedimentoanterior"]],
        v[rows.c["seccionaduaneraanterior"]],
    )
    # Real 701 rows write PedimentoOriginal=0, PatenteAduanalOrig=0 and a blank sección when
    # the anterior is itself the first of the chain: then there is no separate original
    # (issue 13, item 3). A patente or sección not given is the anterior's.
    first = (
        _given(v[rows.c["patenteaduanalorig"]]) or previous[0],
        _given(v[rows.c["pedimentooriginal"]]),
        _given(v[rows.c["seccionaduaneradesporig"]]) or previous[2],
    )
    if not _is_key(*previous) or (first[1] and not _is_key(*first)):
        rows.fail(
            line,
            "PatenteAnterior, PedimentoAnterior y SeccionAduaneraAnterior (y los originales) "
            "deben ser numéricos (4, 7 y 3 dígitos)",
        )
        return None
    numero, _ = pedimento_numero.rebuild(*previous, anterior)
    original = pedimento_numero.rebuild(*first, anterior)[0] if first[1] else None
    head["rectifica"], head["original"] = numero, original if original != numero else None
    return None


def _given(text: str) -> str:
    """A key part of a 701 or 512 original: "" when blank or all zeros (not given)."""
    return "" if not text.strip("0 ") else text


class _Reader:
    """A row of a member stored in a `ds_*` table, read as its spec says (members.Column):
    the stored columns in order, then the derived ones; None after recording its error."""

    def __init__(self, spec: MemberSpec, rows: _Rows):
        c = rows.c
        self.spec = spec
        index = [c[col.header.lower()] for col in spec.stored]
        pick = itemgetter(*index)  # in C: a tuple of them, or the one value
        self.pick = pick if len(index) > 1 else lambda v: (pick(v),)
        kinds = [col.kind for col in spec.stored]
        self.numbers = [n for n, kind in enumerate(kinds) if kind == "number"]
        self.integers = [n for n, kind in enumerate(kinds) if kind == "integer"]
        self.codes = [n for n, kind in enumerate(kinds) if kind == "code"]
        self.dates = [n for n, kind in enumerate(kinds) if kind == "date"]
        self.required = [n for n, col in enumerate(spec.stored) if col.required]
        self.derive = _DERIVED.get(spec.tipo)

    def __call__(self, v: list[str], rows: _Rows, line: int, head: Head) -> list | None:
        out: list = list(self.pick(v))
        for n in self.required:
            if not out[n]:
                rows.fail(line, f"{self.spec.stored[n].header} está vacío")
                return None
        for n in self.numbers:
            text = out[n]
            if text and not SAFE_NUMBER.match(text):
                problem = _number_problem(text)
                if problem:
                    rows.fail(line, f"{self.spec.stored[n].header} «{clip(text)}» {problem}")
                    return None
                out[n] = canonical(text)
        for n in self.integers:
            text = out[n]
            if len(text) < 10 and text.isdigit() and text.isascii():  # surely within 64 bits
                out[n] = int(text)
                continue
            try:
                out[n] = _integer(text)
            except ValueError:
                header = self.spec.stored[n].header
                rows.fail(line, f"{header} «{clip(out[n])}» no es un número entero")
                return None
        for n in self.codes:
            out[n] = out[n].upper()
        for n in self.dates:
            day = _date(out[n]) if out[n] else None
            if day is not None:
                out[n] = day.isoformat()
        if self.derive:
            out += self.derive(out, head)
        return out


def _integer(text: str) -> int | None:
    """An integer column: None when empty; ValueError when not an integer."""
    if not text:
        return None
    if len(text) < 10 and DIGITS.match(text):  # the usual case, surely within 64 bits
        return int(text)
    return parse_integer(text)


def _numero_original(out: list, head: dict) -> list[str]:
    """512: the 15-digit number of the pedimento discharged (formats.md §1.7), its year from
    FechaOperacionOrig (else the descargo's payment); "" when not given (zeros or blank)."""
    patente, pedimento, seccion, _, fecha = out[:5]
    key = (_given(patente), _given(pedimento), _given(seccion))
    if not all(key) or not _is_key(*key):
        return [""]
    day = _date(fecha) or date.fromisoformat(head["fecha_pago"])
    return [pedimento_numero.rebuild(key[0].zfill(4), key[1].zfill(7), key[2].zfill(3), day)[0]]


_DERIVED = {"512": _numero_original}

_PARSERS = {
    "506": _p506,
    "505": _p505,
    "507": _p507,
    "551": _p551,
    "554": _p554,
    "557": _p557,
    "701": _p701,
}


class _Staging:
    """The rows of the staged members as they will be stored, but for their pedimento's id
    (its ordinal in the 501 instead), in scratch tables of the connection: no write lock is
    taken."""

    def __init__(self, db: Database, heads: dict):
        self.db = db
        self.cal = calendar_for(db, "SAT")
        self.expiries: dict = {}
        self.terms = []  # by ordinal: a temporary import's clave and start, else None
        for head in heads.values():
            head["temporal"] = is_temporary_entry(head["clave"], head["tipo_operacion"])
            start = head["fecha_entrada"] or head["fecha_pago"]
            self.terms.append((head["clave"], start) if head["temporal"] else None)

    def rows(self, tipo: str, batch: list[tuple]) -> None:
        """Stage parsed rows of one member (each starts with its pedimento's ordinal)."""
        if not batch:
            return
        if tipo == "551":
            batch = self._partidas(batch)
        width = len(batch[0])
        columns = ", ".join(f"c{n}" for n in range(width))
        self.db.execute(f"CREATE TEMP TABLE IF NOT EXISTS staged_{tipo} ({columns})")
        self.db.conn.executemany(
            f"INSERT INTO temp.staged_{tipo} VALUES ({', '.join('?' * width)})", batch
        )

    def _partidas(self, batch: list[tuple]) -> list[tuple]:
        """Parsed 551 rows as partidas rows but their pedimento's id: tasa and tratado
        unknown, the permanence of temporary imports computed (a term depends on the clave,
        the start and at most 6 digits of the fracción: computed once for each)."""
        if len(self.expiries) > 10 * BATCH:  # a memo, not a record: keep it small
            self.expiries.clear()
        columns = list(zip(*batch, strict=True))
        terms = map(self.terms.__getitem__, columns[0])
        keys = list(zip(terms, map(_SIX, columns[2]), strict=True))
        if not self.expiries.keys() >= set(keys):
            for key, fraccion in zip(keys, columns[2], strict=True):
                if key not in self.expiries:
                    self.expiries[key] = self._dates(key[0], fraccion)
        dates = zip(*map(self.expiries.__getitem__, keys), strict=True)
        blank = (repeat("", len(batch)) for _ in "tt")
        return list(zip(*columns, *blank, *dates, strict=True))

    def _dates(self, term: tuple[str, str] | None, fraccion: str) -> tuple:
        if term is None:  # not a temporary import
            return (None, None, None)
        clave, start = term
        return permanence.dates(clave, fraccion, date.fromisoformat(start), self.cal)


class _Store:
    """Writes one delivery, inside the import's transaction: its import row (the zip copied
    in, the first time), the pedimentos whose version changed, then the staged rows of the
    other members for them, the routes and the counts."""

    def __init__(
        self,
        db: Database,
        delivery: Delivery,
        heads: dict,
        census: dict[str, routes.Census],
        result: ImportResult,
    ) -> None:
        self.db, self.delivery, self.heads, self.result = db, delivery, heads, result
        self.census = census
        self.import_id = _import_id(db, delivery.sha256)
        self.first = False  # whether this import stores the delivery (its import row)
        self.versions = {h["numero"]: h["version"].hexdigest() for h in heads.values()}
        self.plan = routes.plan(db, self.import_id, self.versions)
        self.changed = {k: h for k, h in heads.items() if self.plan.changed(h["numero"])}
        for c in census.values():
            c.nuevos = c.actualizados = c.sin_cambio = 0
        for h in heads.values():
            c = census[h["rfc"]]
            if h["numero"] in self.plan.new:
                c.nuevos += 1
            elif h["numero"] in self.plan.updated:
                c.actualizados += 1
            else:
                c.sin_cambio += 1
        result.clientes = [c for c in census.values() if c.estado == routes.IMPORTED]
        result.apartados = [c for c in census.values() if c.estado == routes.KEPT_ASIDE]
        result.nuevos, result.actualizados = len(self.plan.new), len(self.plan.updated)
        result.sin_cambio = len(self.plan.unchanged)
        result.pedimentos = len(heads)
        result.rectificaciones = sum(1 for h in heads.values() if h.get("rectifica"))
        result.encoding = "/".join(sorted(delivery.encodings))
        for h in self.changed.values():
            result.warnings += [f"{h['numero']}: {w}" for w in h["warnings"]]

    def needed(self) -> bool:
        """Whether anything is to be written: a delivery not stored yet, a pedimento changed,
        or a route changed."""
        if self.import_id is None or self.changed:
            return True
        recorded = dict(
            self.db.execute(
                "SELECT rfc, estado FROM datastage_routes WHERE import_id = ?", [self.import_id]
            ).fetchall()
        )
        return any(recorded.get(rfc) != c.estado for rfc, c in self.census.items())

    def store(self) -> None:
        db, delivery, heads = self.db, self.delivery, self.changed
        stamp, user = now(), os_user()
        solicitante, desde, hasta = _period(delivery, self.census.values())
        count = sum(c.pedimentos for c in self.census.values())
        if self.import_id is None:
            cursor = db.execute(
                "INSERT INTO datastage_imports (sha256, filename, folio, size, content, "
                "encoding, pedimentos, partidas, imported_at, imported_by, solicitante, "
                "periodo_desde, periodo_hasta) "
                "VALUES (?, ?, ?, ?, zeroblob(?), ?, ?, 0, ?, ?, ?, ?, ?)",
                [
                    delivery.sha256,
                    shown_name(delivery.path),
                    delivery.folio,
                    delivery.size,
                    delivery.size,
                    self.result.encoding,
                    count,
                    stamp,
                    user,
                    solicitante,
                    desde,
                    hasta,
                ],
            )
            assert cursor.lastrowid is not None, "an INSERT has a row id"
            self.import_id, self.first = cursor.lastrowid, True
            _copy_zip(db, self.import_id, delivery)
        else:  # stored before: its period may not have been recorded then, nor anything of it
            # by a reader that found no line in it (CR-only members, before they were read as
            # lines): then it is stored whole now, as the first time
            self.first = _read_empty(db, self.import_id)
            db.execute(
                "UPDATE datastage_imports SET solicitante = ?, periodo_desde = ?, "
                "periodo_hasta = ?, pedimentos = ? WHERE id = ?",
                [solicitante, desde, hasta, count, self.import_id],
            )
        pid_of = pedimento_store.replace_datastage(
            db,
            self.import_id,
            (
                (
                    h["numero"],
                    h["client_id"],
                    h["clave"],
                    h["tipo_operacion"],
                    "ITE" if h["temporal"] else "",
                    h["aduana_entrada"],
                    h["fecha_entrada"],
                    h["fecha_pago"],
                    h["tipo_cambio"],
                    h["tipo_pedimento"],
                    h.get("rectifica"),
                    h.get("original"),
                    self.import_id,
                    stamp,
                    user,
                    stamp,
                )
                for h in heads.values()
            ),
        )
        db.execute("CREATE TEMP TABLE staged_pids (c0 INTEGER PRIMARY KEY, pid)")
        db.conn.executemany(
            "INSERT INTO temp.staged_pids VALUES (?, ?)",
            [(h["n"], pid_of[h["numero"]]) for h in heads.values()],
        )
        for tipo in STAGED:
            self.rows(tipo)
        pedimento_store.index_search(db, "p.id IN (SELECT pid FROM temp.staged_pids)", [])
        routes.record(
            db,
            self.import_id,
            self.census.values(),
            self.versions,
            (h["numero"] for h in heads.values()),
        )
        self.finish()

    def rows(self, tipo: str) -> None:
        """Store the staged rows of one member for the changed pedimentos, each with its
        pedimento's id, in one statement (no row passes through Python)."""
        table = f"temp.staged_{tipo}"
        if not self.db.execute(
            "SELECT 1 FROM temp.sqlite_master WHERE name = ?", [f"staged_{tipo}"]
        ).fetchone():
            return
        names = [d[0] for d in self.db.execute(f"SELECT * FROM {table} LIMIT 0").description]
        values = ", ".join(f"s.{name}" for name in names[1:])  # after the pedimento's ordinal
        spec = MEMBERS[tipo]
        if spec.level == "entrega" and not self.first:  # stored with the delivery's first read
            return
        if spec.level == "entrega":
            select = f"SELECT {self.import_id}, {values} FROM {table} s ORDER BY s.rowid"
        else:
            select = (
                f"SELECT k.pid, {values} FROM {table} s JOIN temp.staged_pids k "
                "USING (c0) ORDER BY s.rowid"
            )
        if spec.own_table:
            member_tables.copy(self.db, spec, select)
            return
        copied = pedimento_store.copy_block(self.db, spec.table, select)
        if tipo == "551":
            self.result.partidas += copied

    def finish(self) -> None:
        self.db.execute(
            "UPDATE datastage_imports SET partidas = (SELECT count(*) FROM partidas x "
            "JOIN pedimentos p ON p.id = x.pedimento_id WHERE p.import_id = :id) WHERE id = :id",
            {"id": self.import_id},
        )
        pedimento_store.notify_stored(self.db, {h["client_id"] for h in self.changed.values()})


def _read_empty(db: Database, import_id: int) -> bool:
    """Whether a stored delivery was read without a pedimento or a route: what a reader that
    took each member for one header line stored."""
    empty = db.execute(
        "SELECT pedimentos = 0 AND NOT EXISTS (SELECT 1 FROM datastage_routes "
        "WHERE import_id = :id) FROM datastage_imports WHERE id = :id",
        {"id": import_id},
    ).fetchone()[0]
    return empty == 1


def _period(
    delivery: Delivery, census: Iterable[routes.Census]
) -> tuple[str, str | None, str | None]:
    """Who asked for the delivery and the months it covers: its Resumen member's
    RFCoPatenteAduanal, Fecha_Inicial and Fecha_Final (formats.md §1.5) when it has one,
    else the payment dates of its 501."""
    first = [c.desde for c in census if c.desde]
    last = [c.hasta for c in census if c.hasta]
    desde, hasta = min(first, default=None), max(last, default=None)
    member = delivery.members.get("RESUMEN")
    if member is None:
        return "", desde, hasta
    index = member.index()
    for _, values in member.rows():
        row = {name: values[i] for name, i in index.items() if i < len(values)}
        start = _date(row.get("fecha_inicial", ""))
        end = _date(row.get("fecha_final", ""))
        solicitante = clip(row.get("rfcopatenteaduanal", "").upper(), MAX_KEPT_CHARS)
        if start and end and start <= end:
            return solicitante, start.isoformat(), end.isoformat()
        return solicitante, desde, hasta
    return "", desde, hasta


def _copy_zip(db: Database, import_id: int, delivery: Delivery) -> None:
    """The zip, unchanged, into its import row, in chunks (it is never held whole); a file
    changed since it was checked is refused."""
    digest = hashlib.sha256()
    try:
        with (
            delivery.path.open("rb") as source,
            db.conn.blobopen("datastage_imports", "content", import_id) as blob,
        ):
            while chunk := source.read(1 << 20):
                digest.update(chunk)
                blob.write(chunk)
    except ValueError:  # longer than the blob: the file grew
        pass
    if digest.hexdigest() != delivery.sha256:
        raise DataStageError(
            f"{shown_name(delivery.path)}: el archivo cambió mientras se importaba"
        )
