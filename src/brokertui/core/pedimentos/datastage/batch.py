"""Data Stage imports of many deliveries at once (issue 13, items 2 and 7): a folder of zips
(a year of monthly deliveries for many clients, in one go), and the pedimentos a newly
registered client has waiting in stored zips (imported from the database, no zip needed).

Each zip is imported on its own (importer.import_zip: all of it or nothing); a refused one is
listed with its reason and the others go on. One progress report covers the whole folder.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from brokertui.core.errors import BrokerError
from brokertui.core.pedimentos.datastage import importer, routes
from brokertui.core.pedimentos.datastage.delivery import DataStageError
from brokertui.core.pedimentos.datastage.importer import Progress
from brokertui.core.plural import counted

MAX_FILES = 5_000  # a folder: 50 clients x 12 months x a few years


@dataclass
class Summary:
    """What a folder import (or a client's waiting pedimentos) did: per client pedimentos
    new / updated / unchanged, the RFCs kept aside, the files refused and why."""

    zips: int = 0
    already: int = 0
    clientes: dict[str, dict] = field(default_factory=dict)
    apartados: dict[str, dict] = field(default_factory=dict)
    rechazados: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def read(self, folder: object) -> str:
        """The folder's head line: '/ruta: 12 zips leídos, 1 ya importado.'"""
        read = counted(self.zips, "zip leído", "zips leídos")
        return f"{folder}: {read}, {counted(self.already, 'ya importado', 'ya importados')}."

    def waited(self, rfc: str) -> str:
        """The head line of a new client's waiting pedimentos."""
        found = counted(
            self.zips,
            "entrega Data Stage guardada tenía pedimentos suyos",
            "entregas Data Stage guardadas tenían pedimentos suyos",
        )
        return f"{rfc}: {found}."

    def add(self, name: str, result: importer.ImportResult) -> None:
        self.zips += 1
        self.already += result.already_imported
        self.warnings += [f"{name}: {w}" for w in result.warnings]
        for c in result.clientes:
            row = self.clientes.setdefault(
                c.rfc,
                {"rfc": c.rfc, "razon_social": c.razon_social, "nuevos": 0, "actualizados": 0},
            )
            row["nuevos"] += c.nuevos
            row["actualizados"] += c.actualizados
            row["sin_cambio"] = row.get("sin_cambio", 0) + c.sin_cambio
        for c in result.apartados:
            row = self.apartados.setdefault(
                c.rfc, {"rfc": c.rfc, "razon_social": c.razon_social, "pedimentos": 0, "zips": 0}
            )
            row["pedimentos"] += c.pedimentos
            row["zips"] += 1

    @property
    def totals(self) -> dict[str, int]:
        rows = self.clientes.values()
        return {k: sum(r.get(k, 0) for r in rows) for k in ("nuevos", "actualizados", "sin_cambio")}

    def lines(self) -> list[str]:
        """The summary as the CLI and the TUI show it (Spanish)."""
        t = self.totals
        out = [
            f"Pedimentos nuevos {t['nuevos']:,}, actualizados {t['actualizados']:,}, "
            f"sin cambio {t['sin_cambio']:,}."
        ]
        if len(self.clientes) > 1:
            out.append("Por cliente (nuevos / actualizados / sin cambio):")
        if self.clientes:
            out += [
                f"  {r['rfc']:13} {r['nuevos']:>6,} {r['actualizados']:>6,} "
                f"{r.get('sin_cambio', 0):>6,}"
                for r in sorted(self.clientes.values(), key=lambda r: r["rfc"])
            ]
        if self.apartados:
            count = sum(r["pedimentos"] for r in self.apartados.values())
            out.append(kept_aside(count, len(self.apartados)) + ":")
            out += [
                f"  {r['rfc']:13} {r['pedimentos']:>6,} ped.  {r['razon_social']}"
                for r in sorted(self.apartados.values(), key=lambda r: r["rfc"])
            ]
        if self.rechazados:
            rejected = counted(len(self.rechazados), "archivo rechazado", "archivos rechazados")
            out.append(f"{rejected} (nada se importó de ellos):")
            out += [
                f"  {name}: {reason}".replace("\n", "\n    ") for name, reason in self.rechazados
            ]
        return out

    def as_dict(self) -> dict:
        return {
            "zips": self.zips,
            "ya_importados": self.already,
            "clientes": sorted(self.clientes.values(), key=lambda r: r["rfc"]),
            "apartados": sorted(self.apartados.values(), key=lambda r: r["rfc"]),
            "rechazados": [{"archivo": n, "motivo": m} for n, m in self.rechazados],
            "avisos": self.warnings,
        }


def kept_aside(pedimentos: int, rfcs: int) -> str:
    """What waits in stored zips for clients not registered yet."""
    return (
        f"{counted(pedimentos, 'pedimento apartado', 'pedimentos apartados')} de "
        f"{counted(rfcs, 'RFC', 'RFC')} que no son clientes; al registrar el cliente se importan "
        "del zip guardado"
    )


def zip_lines(name: str, result: importer.ImportResult) -> list[str]:
    """What one zip's import did, in Spanish (the CLI and the TUI)."""
    if result.already_imported:
        return [f"{name} ya estaba importado (sha256 {result.sha256[:12]}…); nada cambió."]
    summary = Summary()
    summary.add(name, result)
    out = [
        f"{name}: {counted(result.pedimentos, 'pedimento')}, "
        f"{counted(result.partidas, 'partida')}, "
        f"{counted(result.rectificaciones, 'rectificación', 'rectificaciones')}, "
        f"de {counted(len(result.clientes), 'cliente')} ({result.encoding})."
    ]
    out += summary.lines()
    if result.skipped_other_rfc:
        out.append(
            counted(
                result.skipped_other_rfc,
                "pedimento de otro cliente queda pendiente",
                "pedimentos de otros clientes quedan pendientes",
            )
            + " en el zip guardado (impórtelo sin RFC para tomarlos)."
        )
    return out + [f"Aviso: {w}" for w in result.warnings]


def _natural(path: Path) -> list:
    """Sort key: digits by value (folio 999 before 1000), so deliveries go oldest first."""
    return [int(p) if p.isdigit() else p.lower() for p in re.split(r"(\d+)", str(path))]


def files_of(folder: Path) -> list[Path]:
    """The files of a folder and its subfolders (hidden ones left out), in natural order."""
    if not folder.is_dir():
        raise DataStageError(f"{folder}: no es una carpeta")
    found = []
    for path in folder.rglob("*"):
        parts = path.relative_to(folder).parts
        if path.is_file() and not any(p.startswith(".") for p in parts):
            found.append(path)
            if len(found) > MAX_FILES:
                raise DataStageError(f"{folder}: más de {MAX_FILES:,} archivos")
    return sorted(found, key=_natural)


def import_folder(db: Database, folder: Path | str, *, progress: Progress | None = None) -> Summary:
    """Import every zip of `folder`, oldest name first, each atomically; other files are
    listed as refused. One progress report for the whole folder, by bytes."""
    folder = Path(folder)
    report = progress or (lambda done, total, stage: None)
    files = files_of(folder)
    sizes = [p.stat().st_size or 1 for p in files]
    total, before = sum(sizes) or 1, 0
    summary = Summary()
    for path, size in zip(files, sizes, strict=True):
        name = str(path.relative_to(folder))
        if path.suffix.lower() != ".zip":
            summary.rechazados.append((name, "no es un archivo .zip de Data Stage"))
        else:
            _one(db, path, name, summary, report, before, size, total)
        before += size
        report(before, total, f"{counted(len(summary.rechazados), 'rechazado')} · {name}")
    return summary


def _one(
    db: Database,
    path: Path,
    name: str,
    summary: Summary,
    report: Progress,
    before: int,
    size: int,
    total: int,
) -> None:
    def within(done: int, of: int, stage: str) -> None:
        report(before + size * done // max(of, 1), total, f"{name}: {stage}")

    try:
        summary.add(name, importer.import_zip(db, path, progress=within))
    except BrokerError as exc:  # a refused zip leaves nothing behind; the next one goes on
        summary.rechazados.append((name, str(exc)))


def import_waiting(db: Database, rfc: str, *, progress: Progress | None = None) -> Summary:
    """Import the pedimentos of `rfc` kept aside or pending in stored deliveries (a client
    registered after its broker's delivery came), each from the zip kept in the database."""
    rfc = rfc.strip().upper()
    summary = Summary()
    waiting = routes.waiting(db, rfc)
    for n, import_id in enumerate(waiting):
        filename = db.execute(
            "SELECT filename FROM datastage_imports WHERE id = ?", [import_id]
        ).fetchone()[0]
        with tempfile.TemporaryDirectory(prefix="brokertui-ds-") as tmp:
            path = Path(tmp) / Path(filename).name
            _extract(db, import_id, path)
            try:
                summary.add(filename, importer.import_zip(db, path, rfc=rfc))
            except BrokerError as exc:
                summary.rechazados.append((filename, str(exc)))
        if progress:
            progress(n + 1, len(waiting), filename)
    return summary


def _extract(db: Database, import_id: int, path: Path) -> None:
    """A stored zip back to a file, in chunks."""
    with (
        db.conn.blobopen("datastage_imports", "content", import_id, readonly=True) as blob,
        path.open("wb") as out,
    ):
        while chunk := blob.read(1 << 20):
            out.write(chunk)
