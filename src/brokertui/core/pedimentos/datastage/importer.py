"""Import of ANAM Data Stage deliveries (formats.md §1): members 501, 505, 506, 507, 551, 554,
557 and 701 are stored; the 15-digit number is rebuilt (§1.7); rectifications linked (§1.8).

One zip is one transaction: any bad row refuses the whole delivery, reported as
`member:line: reason`. The zip itself is kept unchanged; importing it again changes nothing.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from sqlite_utils import Database

from brokertui.core import catalogs, identifiers
from brokertui.core.db import now, os_user, transaction, write
from brokertui.core.pedimentos import numero as pedimento_numero
from brokertui.core.pedimentos import permanence
from brokertui.core.pedimentos import store as pedimento_store
from brokertui.core.pedimentos.datastage.build import HEADERS
from brokertui.core.pedimentos.datastage.delivery import (
    DataStageError,
    Delivery,
    Member,
    read,
    sha256_of,
)
from brokertui.core.pedimentos.review import is_temporary_entry
from brokertui.core.quantities import check_limits, parse_integer
from brokertui.core.registry.calendar import calendar_for
from brokertui.core.text import strip_controls

Progress = Callable[[int, int, str], None]
NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")  # the ANAM's numbers: no separators, no exponent
SAFE_NUMBER = re.compile(r"^-?[0-9]{1,12}(\.[0-9]{1,6})?$")  # surely within check_limits
DIGITS = re.compile(r"^[0-9]+$")
MAX_ERRORS = 50
KEY = ("patente", "pedimento", "seccionaduanera")
PAID = ("fechapagoreal", "fechavalidacionpagor")  # synonyms (formats.md §1.3 step 8)
REQUIRED = {
    "501": (*KEY, "tipooperacion", "clavedocumento", "rfc", "tipocambio", "tipopedimento"),
    "505": (*KEY, "numerofactura", "valordolares"),
    "506": (*KEY, "tipofecha", "fechaoperacion"),
    "507": (*KEY, "clavecaso"),
    "551": (
        *KEY,
        "fraccion",
        "secuenciafraccion",
        "descripcionmercancia",
        "valordolares",
        "cantidadumcomercial",
        "unidadmedidacomercial",
        "cantidadumtarifa",
        "unidadmedidatarifa",
    ),
    "554": (*KEY, "secuenciafraccion", "clavecaso"),
    "557": (*KEY, "secuenciafraccion", "clavecontribucion", "importepago"),
    "701": (
        *KEY,
        "pedimentoanterior",
        "patenteanterior",
        "seccionaduaneraanterior",
        "fechaoperacionanterior",
    ),
}


COLUMN_NAMES = {c.lower(): c for h in HEADERS.values() for c in h.split("|")}


@dataclass
class ImportResult:
    sha256: str
    already_imported: bool = False
    pedimentos: int = 0
    partidas: int = 0
    rectificaciones: int = 0
    skipped_other_rfc: int = 0
    encoding: str = ""
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return dict(self.__dict__)


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

    def __init__(self, member: Member, errors: list[str]):
        self.member = member
        self.errors = errors
        index = member.index()
        missing = [c for c in REQUIRED[member.tipo] if c not in index]
        if not any(p in index for p in PAID) and member.tipo != "506":
            missing.append("FechaPagoReal")
        if missing:
            names = ", ".join(COLUMN_NAMES.get(c, c) for c in missing)
            raise DataStageError(f"{member.name}: faltan las columnas {names}")
        self.width = len(member.header)
        self.c = _Columns(index, self.width)
        self.key = tuple(self.c[name] for name in KEY)

    def __iter__(self):
        for line, values in self.member.rows:
            if len(values) != self.width:
                self.fail(line, f"tiene {len(values)} campos y el encabezado {self.width}")
                continue
            # Control characters are removed, not refused: the ANAM's delivery cannot be
            # corrected by the user, and the zip is kept unchanged (datastage_imports.content).
            joined = "|".join(values)
            cleaned = strip_controls(joined)
            if cleaned is not joined:  # fields never hold "|", the member's separator
                values[:] = [v.strip() for v in cleaned.split("|")]
            values.append("")  # what an absent optional column reads as (see _Columns)
            yield line, values

    def fail(self, line: int, reason: str) -> None:
        self.errors.append(f"{self.member.name}:{line}: {reason}")
        if len(self.errors) >= MAX_ERRORS:
            raise DataStageError(_summary(self.errors))


def _summary(errors: list[str]) -> str:
    more = f" (y otros; se muestran los primeros {MAX_ERRORS})" if len(errors) >= MAX_ERRORS else ""
    return f"{len(errors)} renglones con error{more}; nada se importó:\n" + "\n".join(errors)


@lru_cache(maxsize=8192)
def _date(text: str) -> date | None:
    """Tolerant Data Stage date (formats.md §1.2: observed `YYYY-MM-DD HH:MM:SS`), in ASCII
    digits and within the app's window (identifiers.DATE_WINDOW); None otherwise."""
    text = text.strip()
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%Y/%m/%d %H:%M:%S", "%Y%m%d", "%d/%m/%Y"):
        try:
            return identifiers.in_window(datetime.strptime(text, fmt).date())
        except ValueError:
            continue
    return None


def import_zip(
    db: Database,
    path: Path | str,
    *,
    rfc: str | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Validate a whole delivery, then store it in one transaction."""
    report = progress or (lambda done, total, stage: None)
    report(0, 1, "Leyendo el zip")
    digest = sha256_of(path)
    if _imported(db, digest):
        return ImportResult(digest, already_imported=True)
    with _bulk():
        delivery = read(path)
        result = ImportResult(delivery.sha256, encoding="/".join(sorted(delivery.encodings)))
        result.warnings += [f"{name}: miembro desconocido, ignorado" for name in delivery.unknown]
        parsed = _parse(db, delivery, rfc, result, report)
        with transaction(db):  # a second import of the zip waits here, then finds it stored
            if _imported(db, delivery.sha256):
                return ImportResult(delivery.sha256, already_imported=True)
            _store(db, delivery, parsed, result, report)
    return result


def _imported(db: Database, digest: str) -> bool:
    return bool(db.execute("SELECT 1 FROM datastage_imports WHERE sha256 = ?", [digest]).fetchone())


@contextmanager
def _bulk():
    """Pause the cyclic garbage collector while millions of small lists are built: nothing
    here makes cycles, and repeated full scans of a growing heap tripled the import time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass
class _Parsed:
    heads: dict[tuple, dict]  # key -> header values
    blocks: dict[str, list[tuple]]  # table -> rows whose first item is the key


def _key(values: list[str], rows: _Rows) -> tuple[str, str, str]:
    patente, pedimento, seccion = rows.key
    return values[patente].zfill(4), values[pedimento].zfill(7), values[seccion].zfill(3)


def _parse(db, delivery: Delivery, rfc, result: ImportResult, report: Progress) -> _Parsed:
    errors: list[str] = []
    members = delivery.members
    if "501" not in members:
        raise DataStageError(f"{delivery.path.name}: falta el miembro 501 (datos generales)")
    clients = {r["rfc"]: r["id"] for r in db.query("SELECT rfc, id FROM clients")}
    wanted = rfc.strip().upper() if rfc else None
    if wanted and wanted not in clients:
        raise DataStageError(f"rfc: no hay un cliente con el RFC {wanted}")
    total = sum(len(m.rows) for m in members.values()) or 1
    done = 0
    heads, skipped, unknown_rfc = _parse_501(members["501"], errors, clients, wanted)
    result.skipped_other_rfc = len(skipped)
    if unknown_rfc:
        errors.append(
            f"{members['501'].name}: RFC no registrados como clientes: "
            f"{', '.join(sorted(unknown_rfc))} (regístrelos o use --rfc)"
        )
    done += len(members["501"].rows)
    report(done, total, "Validando")
    blocks: dict[str, list[tuple]] = {}
    for tipo, parser in _PARSERS.items():
        member = members.get(tipo)
        if member is None:
            continue
        rows = _Rows(member, errors)
        blocks[tipo] = []
        for line, values in rows:
            key = _key(values, rows)
            if key in skipped:
                continue
            if key not in heads:
                rows.fail(line, f"el pedimento {'-'.join(key)} no está en el miembro 501")
                continue
            parsed = parser(values, rows, line, heads[key])
            if parsed is not None:
                blocks[tipo].append((key, *parsed))
        done += len(member.rows)
        report(done, total, "Validando")
    if errors:
        raise DataStageError(_summary(errors))
    return _Parsed(heads, blocks)


def _parse_501(member: Member, errors, clients, wanted):
    rows = _Rows(member, errors)
    c = rows.c
    claves = catalogs.load("claves").entries
    heads, skipped, unknown = {}, set(), set()
    lines: dict[str, int] = {}  # the line of each rebuilt número
    for line, v in rows:
        key = _key(v, rows)
        if not all(DIGITS.match(part) for part in key):
            rows.fail(line, "Patente, Pedimento y SeccionAduanera deben ser numéricos")
            continue
        rfc = v[c["rfc"]].upper()
        if wanted and rfc != wanted:
            skipped.add(key)
            continue
        paid = _date(v[c["fechapagoreal"]])
        problems = []
        if paid is None:
            problems.append(f"FechaPagoReal «{v[c['fechapagoreal']]}» no es una fecha")
        if v[c["tipooperacion"]] not in ("1", "2"):
            problems.append(f"TipoOperacion «{v[c['tipooperacion']]}» debe ser 1 o 2")
        if v[c["tipopedimento"]] not in ("1", "2"):
            problems.append(f"TipoPedimento «{v[c['tipopedimento']]}» debe ser 1 o 2")
        tipo_cambio = _number_problem(v[c["tipocambio"]])
        if tipo_cambio:
            problems.append(f"TipoCambio «{v[c['tipocambio']]}» {tipo_cambio}")
        if rfc not in clients:
            unknown.add(rfc)
        if key in heads:
            problems.append(f"el pedimento {'-'.join(key)} viene repetido")
        if problems:
            rows.fail(line, "; ".join(problems))
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
            "numero": numero,
            "client_id": clients.get(rfc),
            "clave": clave,
            "tipo_operacion": v[c["tipooperacion"]],
            "fecha_pago": paid.isoformat(),
            "tipo_cambio": v[c["tipocambio"]],
            "tipo_pedimento": v[c["tipopedimento"]],
            "aduana_entrada": v[c["seccionaduaneraentrada"]].zfill(3) or key[2],
            "fecha_entrada": None,
            "warnings": [w for w in (warning,) if w]
            + ([f"clave {clave} no está en el Apéndice 2"] if clave not in claves else []),
        }
    return heads, skipped, unknown


def _number(values, rows, line, *names) -> list[str] | None:
    """The named numeric columns (empty reads as 0), or None after recording the row's error."""
    c = rows.c
    out = [values[c[name]] or "0" for name in names]
    if all(map(SAFE_NUMBER.match, out)):
        return out
    for name, text in zip(names, out, strict=True):
        problem = _number_problem(text)
        if problem:
            rows.fail(line, f"{rows.member.header[c[name]]} «{text}» {problem}")
            return None
    return out


@lru_cache(maxsize=8192)
def _number_problem(text: str) -> str | None:
    """Why `text` is not an ANAM number that fits the stored range (the one number parser's
    limits, quantities.check_limits; the sign is the ANAM's), or None."""
    if not NUMBER.match(text):
        return "no es un número"
    try:
        check_limits(abs(Decimal(text)))
    except ValueError as exc:
        return str(exc)
    return None


def _p505(v, rows, line, head):
    nums = _number(v, rows, line, "valordolares")
    if nums is None:
        return None
    fecha = _date(v[rows.c["fechafacturacion"]])
    return (
        v[rows.c["numerofactura"]],
        fecha.isoformat() if fecha else None,
        v[rows.c["terminofacturacion"]],
        v[rows.c["monedafacturacion"]],
        v[rows.c["valormonedaextranjera"]],
        nums[0],
        v[rows.c["proveedormercancia"]],
        v[rows.c["indentfiscalproveedor"]],
    )


def _p506(v, rows, line, head):
    fecha = _date(v[rows.c["fechaoperacion"]])
    if fecha is None:
        rows.fail(line, f"FechaOperacion «{v[rows.c['fechaoperacion']]}» no es una fecha")
        return None
    if v[rows.c["tipofecha"]] == "1":  # ENTRADA (formats.md §1.5, 506)
        head["fecha_entrada"] = fecha.isoformat()
    return None


def _p507(v, rows, line, head):
    return (
        None,
        v[rows.c["clavecaso"]].upper(),
        v[rows.c["identificadorcaso"]],
        v[rows.c["complementocaso"]],
        "",
    )


def _sequence(v, rows, line) -> int | None:
    text = v[rows.c["secuenciafraccion"]]
    if len(text) < 10 and DIGITS.match(text):  # the usual case, surely within 64 bits
        return int(text)
    try:
        return parse_integer(text)
    except ValueError:
        rows.fail(line, f"SecuenciaFraccion «{text}» no es un número de partida")
        return None


def _p551(v, rows, line, head):
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
    seen = head.setdefault("partida_lines", {})
    if sec in seen:
        rows.fail(line, f"SecuenciaFraccion {sec}: la partida viene repetida (línea {seen[sec]})")
        return None
    seen[sec] = line
    if not (len(fraccion) == 8 and DIGITS.match(fraccion)):
        rows.fail(line, f"Fraccion «{v[rows.c['fraccion']]}» no son 8 dígitos")
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


def _p554(v, rows, line, head):
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


def _p557(v, rows, line, head):
    sec = _sequence(v, rows, line)
    nums = _number(v, rows, line, "importepago")
    if sec is None or nums is None:
        return None
    return (sec, v[rows.c["clavecontribucion"]], v[rows.c["formapago"]], nums[0])


def _p701(v, rows, line, head):
    anterior = _date(v[rows.c["fechaoperacionanterior"]])
    if anterior is None:
        rows.fail(line, "FechaOperacionAnterior no es una fecha")
        return None
    numero, _ = pedimento_numero.rebuild(
        v[rows.c["patenteanterior"]],
        v[rows.c["pedimentoanterior"]],
        v[rows.c["seccionaduaneraanterior"]],
        anterior,
    )
    original = None
    if v[rows.c["pedimentooriginal"]]:
        original, _ = pedimento_numero.rebuild(
            v[rows.c["patenteaduanalorig"]] or v[rows.c["patenteanterior"]],
            v[rows.c["pedimentooriginal"]],
            v[rows.c["seccionaduaneradesporig"]] or v[rows.c["seccionaduaneraanterior"]],
            anterior,
        )
    head["rectifica"], head["original"] = numero, original or numero
    return None


_PARSERS = {
    "506": _p506,
    "505": _p505,
    "507": _p507,
    "551": _p551,
    "554": _p554,
    "557": _p557,
    "701": _p701,
}


def _store(db, delivery: Delivery, parsed: _Parsed, result: ImportResult, report) -> None:
    heads, blocks = parsed.heads, parsed.blocks
    stamp, user = now(), os_user()
    cal = calendar_for(db, "SAT")
    expiries: dict = {}
    for head in heads.values():
        head["temporal"] = is_temporary_entry(head["clave"], head["tipo_operacion"])
    partidas = blocks.get("551", [])
    total = len(heads) + len(partidas) or 1
    with write(
        db,
        "datastage.import",
        "datastage",
        delivery.folio,
        {"file": delivery.path.name, "sha256": delivery.sha256},
    ):
        import_id = db.execute(
            "INSERT INTO datastage_imports (sha256, filename, folio, size, content, encoding, "
            "pedimentos, partidas, imported_at, imported_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                delivery.sha256,
                delivery.path.name,
                delivery.folio,
                delivery.size,
                delivery.content,
                result.encoding,
                len(heads),
                len(partidas),
                stamp,
                user,
            ],
        ).lastrowid
        pid_of = pedimento_store.replace_datastage(
            db,
            import_id,
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
                    import_id,
                    stamp,
                    user,
                    stamp,
                )
                for h in heads.values()
            ),
        )
        pid = {key: pid_of[h["numero"]] for key, h in heads.items()}
        report(len(heads), total, "Guardando")
        pedimento_store.insert_facturas(db, [(pid[r[0]], *r[1:]) for r in blocks.get("505", [])])
        pedimento_store.insert_identificadores(
            db, [(pid[r[0]], *r[1:]) for r in blocks.get("507", []) + blocks.get("554", [])]
        )
        pedimento_store.insert_contribuciones(
            db, [(pid[r[0]], *r[1:]) for r in blocks.get("557", [])]
        )
        step = 10_000
        for start in range(0, len(partidas), step):
            pedimento_store.insert_partidas(
                db,
                [
                    _partida_row(pid[r[0]], heads[r[0]], r[1:], expiries, cal)
                    for r in partidas[start : start + step]
                ],
            )
            report(len(heads) + min(start + step, len(partidas)), total, "Guardando")
        pedimento_store.notify_stored(db, {h["client_id"] for h in heads.values()})
    result.pedimentos = len(heads)
    result.partidas = len(partidas)
    result.rectificaciones = sum(1 for h in heads.values() if h.get("rectifica"))
    for h in heads.values():
        result.warnings += [f"{h['numero']}: {w}" for w in h["warnings"]]


def _partida_row(pid: int, head: dict, r: tuple, expiries: dict, cal) -> tuple:
    """A parsed 551 row as a partidas row: tasa and tratado unknown, permanence computed."""
    dates = (None, None, None)
    if head["temporal"]:
        fraccion, start = r[1], head["fecha_entrada"] or head["fecha_pago"]
        memo = (head["clave"], fraccion[:6], start)  # the term depends on at most 6 digits
        if memo not in expiries:
            expiries[memo] = permanence.dates(
                head["clave"], fraccion, date.fromisoformat(start), cal
            )
        dates = expiries[memo]
    return (pid, *r, "", "", *dates)
