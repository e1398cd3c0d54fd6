"""Every interface file a client's ERP sends, once: its columns, its dry run and its import.
The TUI's import screen lists them from here, so a kind added to interfaces.COLUMNS, or a file
with its own module registered in `_OWN` below (as ajustes), is offered without screen code."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from sqlite_utils import Database

from brokertui.core import collector
from brokertui.core.anexo24 import ajustes, interfaces, preview
from brokertui.core.anexo24.preview import Progress
from brokertui.core.anexo24.reader import InterfaceError, fingerprint, read_file
from brokertui.core.db import snapshot
from brokertui.core.plural import counted
from brokertui.core.registry import clients
from brokertui.core.text import shown_name

ABOUT = {
    "materiales": "catálogo de materiales; reemplaza los números de parte que trae",
    "productos": "catálogo de productos; reemplaza los números de parte que trae",
    "bom": "lista de materiales; reemplaza la de cada producto que nombra",
    "entradas": "entradas de importación temporal; las ya cargadas se omiten",
    "salidas": "salidas (M material, P producto, D desperdicio); las ya cargadas se omiten",
    "ajustes": "faltantes, mermas, sobrantes y desensamble; el próximo descargo los aplica",
    "inventarios": "inventario inicial y final por material y periodo del sistema corporativo",
    "saldos_iniciales": "saldos por lote traídos de otro sistema; entran al PEPS por fecha",
}


def _inventarios_done(result: dict) -> str:
    declared = counted(
        result["rows"], "inventario de material declarado", "inventarios de material declarados"
    )
    return (
        f"{declared} (un periodo ya declarado se reemplaza); los concilia i en Reportes (F6) o "
        "`brokertui reconcile inventario`."
    )


def _saldos_done(result: dict) -> str:
    lots = counted(result["rows"], "lote con saldo inicial", "lotes con saldo inicial")
    new = counted(result["added"], "nuevo")
    kept = counted(result["skipped"], "existente", "existentes")
    return f"{lots}, {new} y {kept} con su saldo reemplazado; el próximo descargo los usa por PEPS."


# What an import says it did, for the kinds that neither only add nor skip rows.
_DONE = {"inventarios": _inventarios_done, "saldos_iniciales": _saldos_done}


@dataclass(frozen=True)
class Interface:
    kind: str
    columns: tuple[str, ...]  # in the agreed order
    headers: tuple[str, ...]  # those a file must have
    optional: tuple[str, ...]  # those it may have besides
    checker: Callable[[Database, int], preview.RowCheck]  # (db, client id)
    load: Callable[[Database, str, Path, Progress | None], str]  # (db, rfc, file): what it did

    @property
    def name(self) -> str:
        """As the user names it (the CLI's `import` command)."""
        return self.kind.replace("_", "-")

    @property
    def about(self) -> str:
        return ABOUT.get(self.kind, f"interfaz de {self.name}")


def _interface_check(kind: str, db: Database, client_id: int) -> preview.RowCheck:
    return interfaces.row_check(db, kind, client_id)


def _load_interface(kind: str) -> Callable[[Database, str, Path, Progress | None], str]:
    def load(db: Database, rfc: str, path: Path, progress: Progress | None) -> str:
        result = interfaces.import_file(db, kind, path, rfc, progress=progress)
        taken = result["retomada"]
        retaken = f" Retomó la importación interrumpida de {taken}." if taken else ""
        if kind in _DONE:
            return f"{shown_name(path)}: " + _DONE[kind](result) + retaken
        rows, added, skipped = result["rows"], result["added"], result["skipped"]
        existing = f", {counted(skipped, 'ya existía', 'ya existían')}" if skipped else ""
        added_text = counted(added, "nueva")
        done = f"{counted(rows, 'fila')} de {kind}, {added_text}{existing}."
        return f"{shown_name(path)}: {done}{retaken}"

    return load


def _load_ajustes(db: Database, rfc: str, path: Path, progress: Progress | None) -> str:
    if progress:
        progress(0, 0, "Guardando")
    count = ajustes.add_ajustes(db, rfc, read_file(path, ajustes.AJUSTE_HEADERS), shown_name(path))
    done = counted(count, "ajuste registrado", "ajustes registrados")
    return f"{shown_name(path)}: {done}; el próximo descargo los aplica."


_OWN = (
    Interface(
        "ajustes",
        ajustes.AJUSTE_COLUMNS,
        ajustes.AJUSTE_HEADERS,
        (),
        ajustes.row_check,
        _load_ajustes,
    ),
)
INTERFACES = {
    **{
        kind: Interface(
            kind,
            interfaces.COLUMNS[kind],
            interfaces.headers(kind),
            interfaces.OPTIONAL.get(kind, ()),
            partial(_interface_check, kind),
            _load_interface(kind),
        )
        for kind in interfaces.KINDS
    },
    **{interface.kind: interface for interface in _OWN},
}


def get(kind: str) -> Interface:
    if kind not in INTERFACES:
        raise InterfaceError(f"tipo: debe ser uno de {', '.join(INTERFACES)}")
    return INTERFACES[kind]


def preview_file(
    db: Database,
    kind: str,
    path: Path | str,
    rfc: str,
    *,
    head: int = preview.HEAD_ROWS,
    progress: Progress | None = None,
) -> preview.Preview:
    """The dry run of `load`: every row of the file checked as its import checks it, the
    first `head` rows as read and every problem kept; nothing is written."""
    interface, path = get(kind), Path(path)
    client = clients.get_client(db, rfc)
    digest = fingerprint(path)
    with snapshot(db), collector.paused():
        check = interface.checker(db, client.id)
        checker = check if isinstance(check, interfaces.RowChecker) else None
        return preview.run(
            interfaces.file_batches(kind, path, interface.headers),
            check,
            name=shown_name(path),
            digest=digest,
            columns=interface.columns,
            head=head,
            progress=progress,
            batch=checker.batch if checker else None,
            finish=checker.finish if checker else None,
        )


def load(
    db: Database,
    kind: str,
    path: Path | str,
    rfc: str,
    *,
    digest: str | None = None,
    progress: Progress | None = None,
) -> str:
    """Import the file, all or nothing; its summary in Spanish. With `digest` (a preview's),
    a file changed since is refused."""
    interface, path = get(kind), Path(path)
    if digest is not None and fingerprint(path) != digest:
        raise InterfaceError(
            f"{shown_name(path)}: cambió desde la vista previa; nada se importó, revíselo otra vez"
        )
    return interface.load(db, rfc, path, progress)
