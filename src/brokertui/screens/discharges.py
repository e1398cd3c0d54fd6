"""Descargos (F5): the current client's FIFO (PEPS) discharge: pending exits, a run in a
worker with a progress bar, the allocations in force paged from SQLite with filters, undo, and
the ledger's mode (quantity per part number or USD value per fracción)."""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import DataTable, Header, Input, Static

from brokertui.core import formatting, identifiers
from brokertui.core.anexo24 import exit_detail
from brokertui.core.anexo24 import ledger as discharge
from brokertui.core.errors import BrokerError
from brokertui.core.plural import counted
from brokertui.core.registry import clients
from brokertui.screens import commands
from brokertui.screens.base import ClientScreen
from brokertui.screens.dialogs import ConfirmScreen
from brokertui.screens.jobs import JobBar, Jobs, read_later
from brokertui.screens.pedimentos import spaced
from brokertui.screens.text import SAFE_INPUT, markup, plain
from brokertui.screens.widgets import Column, KeyFooter, NavBar, PagedTable, View, in_view


class DischargeScreen(ClientScreen):
    CSS_PATH = "discharges.tcss"
    BINDINGS = commands.bindings("discharge")
    AUTO_FOCUS = "PagedTable DataTable"  # focused before the first frame: drawn once

    def __init__(self) -> None:
        super().__init__()
        self.only_problems = False
        self.show_pending = False  # the exits still to discharge instead of the allocations
        self.simulated: discharge.RunResult | None = None  # `v`: the rows a run would write
        self.page_rows: dict[str, dict] = {}  # the page's rows as read, by row key (the detail)
        self.jobs = Jobs(self, bar="#dis-progress")
        self.told: tuple[str | None, str, str] | None = None  # rfc, what its last job did, level

    def compose(self) -> ComposeResult:
        yield Header()
        yield NavBar()
        yield Static(id="dis-summary")
        with Horizontal(id="dis-filters"):
            yield Input(
                placeholder="Hasta AAAA-MM-DD (hoy)",
                id="dis-hasta",
                compact=True,
                highlighter=SAFE_INPUT,
            )
        yield JobBar(id="dis-progress")
        yield Static(id="dis-result")
        yield PagedTable(
            [
                Column("documento", "Documento", 9),
                Column("fecha", "Fecha", 10),
                Column("tipo_salida", "Salida", 13),
                Column("numero_parte", "Parte", 9),
                Column("cantidad", "Cantidad", 10),
                Column("estado", "Estado", 9),
                Column("pedimento", "Pedimento", 18),
                Column("partida", "Pda", 3),
                Column("fecha_entrada", "Entrada", 10),
                Column("origen", "Origen", 13),
            ],
            self.fetch,
            self.count,
            key="id",
            noun="asignaciones",
            load_on_mount=False,  # on_screen_resume loads it
            remember="descargos",
            slow=self.slow,
        )
        yield Static(id="dis-detail")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = "Descargos PEPS"

    def on_screen_resume(self) -> None:
        self.simulated = None
        self.reload()

    def refresh_data(self) -> None:
        self.reload()

    @property
    def view(self) -> View:
        return self.query_one(PagedTable).view

    def slow(self, view: View) -> bool:
        """The allocations in force in an order no index gives (read in the background)."""
        return not (self.simulated or self.show_pending) and view.sort not in (
            None,
            *discharge.INDEXED_SORTS,
        )

    def fetch(self, offset: int, limit: int, after: tuple | None = None) -> list[dict]:
        rows = self.read(offset, limit, after)
        if self.simulated:
            shown = [_row(r, simulated=True) for r in rows]
        elif self.show_pending:
            shown = [_pending_row(r) for r in rows]
        else:
            shown = [_row(r) for r in rows]
        self.page_rows = {str(cells["id"]): r for cells, r in zip(shown, rows, strict=True)}
        return shown

    def on_paged_table_page_shown(self) -> None:
        if not self.query_one(PagedTable).table.row_count:
            self.detail("")  # a page with rows tells its highlighted row's

    def read(self, offset: int, limit: int, after: tuple | None = None) -> list[dict]:
        """The page's rows as the core reads them: the simulated, pending or stored ones."""
        if not self.rfc:
            return []
        if self.simulated:
            return self.simulated_rows()[offset : offset + limit]
        view = self.view
        if self.show_pending:
            sort = view.sort if view.sort in discharge.PENDING_SORTS else None
            return discharge.pending(
                self.app.db,
                self.rfc,
                self.hasta() or self.app.today,
                offset=offset,
                limit=limit,
                search=view.search,
                sort=sort,
                descending=view.descending,
            )
        return discharge.allocations(
            self.app.db,
            self.rfc,
            offset=offset,
            limit=limit,
            search=view.search,
            sort=view.sort,
            descending=view.descending,
            after=after,
            faltantes=self.only_problems,
        )

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The line under the list: the highlighted row's exit in words (its kind, good and
        what the kind records) and the lot it took, an opening balance named so."""
        row = self.page_rows.get(str(event.row_key.value))
        if row is None:
            self.detail("")
            return
        pending = self.show_pending and not self.simulated
        text = exit_detail.describe(self.app.db, row["id"] if pending else row["salida_id"])
        self.detail(text if pending else f"{text} · {_lot(row)}")

    def detail(self, text: str) -> None:
        """The line under the list (hidden while there is nothing to say)."""
        line = self.query_one("#dis-detail", Static)
        line.update(plain(text))
        line.display = bool(text)

    def simulated_rows(self) -> list[dict]:
        """The rows a run would write (`v`) that the list's search lets through, in its order:
        `/` and `o` work on a simulation as on the stored rows."""
        assert self.simulated is not None
        table = self.query_one(PagedTable)
        return in_view(self.simulated.preview, table.view, table.columns, "fecha")

    def count(self) -> int:
        if self.simulated:
            return len(self.simulated_rows())
        if not self.rfc:
            return 0
        search = self.view.search
        if self.show_pending:
            hasta = self.hasta() or self.app.today
            return discharge.count_pending(self.app.db, self.rfc, hasta, search=search)
        return discharge.count_allocations(
            self.app.db, self.rfc, search=search, faltantes=self.only_problems
        )

    def reload(self) -> None:
        modo = self.mode(self.rfc) if self.rfc else None
        by_value = modo in ("valor", "pedimento") and not self.show_pending
        self.query_one(PagedTable).relabel(
            {"numero_parte": "Fracción" if modo == "valor" else "Nivel", "cantidad": "Valor USD"}
            if by_value
            else {"numero_parte": "Parte", "cantidad": "Cantidad"}
        )
        table = self.query_one(PagedTable)
        table.reload(first_page=True)
        self.summarize(modo, later=table.total is None)
        self.show_told()

    def tell(self, text: str, level: str = "") -> None:
        """Say on the line where the bar was what the last job did (for this client only)."""
        self.told = (self.rfc, text, level) if text else None
        self.show_told()

    def show_told(self) -> None:
        line = self.query_one("#dis-result", Static)
        told = self.told if self.told and self.told[0] == self.rfc else None
        line.update(plain(told[1]) if told else "")
        line.display = told is not None
        for level in ("warning", "error"):
            line.set_class(told is not None and told[2] == level, f"-{level}")

    def failed(self, text: str) -> None:
        self.tell(text, "error")
        self.notify(text, severity="error", timeout=8)

    def summarize(self, modo: str | None, *, later: bool) -> None:
        """The line above the table. Its counts (entradas, salidas, pendientes: a pass over
        the client's exits) come, when the ledger is `later` (more than a page), from a
        background read, shown as … until then."""
        summary = self.query_one("#dis-summary", Static)
        if not self.rfc:
            summary.update(
                f"Elija un cliente ({commands.choose_client(self.app)}) para ver y correr sus "
                "descargos."
            )
            return
        rfc, today = self.rfc, self.app.today
        shown = (
            "[b $warning]SIMULACIÓN[/] (lo que escribiría d; nada se guardó)"
            if self.simulated
            else "salidas pendientes"
            if self.show_pending
            else "sólo faltantes y vencidos"
            if self.only_problems
            else "todas"
        )

        key = commands.key_display(self.app, commands.BY_ID["discharge.interfaces"])

        def write(s: dict) -> None:
            empty = s["entradas"] == 0 and s["salidas"] == 0  # a new client: where to start
            summary.update(
                markup(
                    f"[b]$rfc[/] · descargo por [b]$modo[/] · entradas {s['entradas']} · "
                    f"salidas {s['salidas']} · "
                    f"[b $warning]pendientes {s['pendientes']}[/] (hasta hoy) · "
                    f"corridas {s['corridas']} · asignaciones: {shown}"
                    + (" · [b]$key[/] importa las interfaces del ERP" if empty else ""),
                    rfc=rfc,
                    modo=modo,
                    key=key,
                )
            )

        write(dict.fromkeys(("entradas", "salidas", "pendientes", "corridas"), "…"))
        read_later(
            self,
            lambda: discharge.summary(self.app.db, rfc, today),
            lambda s: write(s) if rfc == self.rfc else None,
            group="summary",
            now=not later,
        )

    def mode(self, rfc: str) -> str:
        return clients.get_client(self.app.db, rfc).ledger_mode

    def hasta(self) -> date | None:
        """The period's end: the date typed, or today."""
        text = self.query_one("#dis-hasta", Input).value.strip()
        if not text:
            return self.app.today
        try:
            return identifiers.parse_date(text)
        except ValueError as exc:
            self.notify(f"Hasta: {exc}", severity="error")
            return None

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one(DataTable).focus()

    def action_toggle_pending(self) -> None:
        self.show_pending, self.simulated = not self.show_pending, None
        self.reload()

    def action_toggle_faltantes(self) -> None:
        self.only_problems, self.simulated = not self.only_problems, None
        self.reload()

    def action_run(self) -> None:
        self.start(dry_run=False)

    def action_interfaces(self) -> None:
        from brokertui.screens.interface_import import InterfaceImportScreen

        if not self.needs_client():
            self.app.push_screen(InterfaceImportScreen())

    def action_preview(self) -> None:
        self.start(dry_run=True)

    def start(self, *, dry_run: bool) -> None:
        if not (rfc := self.chosen_rfc()) or self.jobs.running:
            return
        hasta = self.hasta()
        if hasta is not None and self.jobs.start(
            lambda conn, progress: discharge.run(
                conn, rfc, hasta=hasta, dry_run=dry_run, progress=progress
            ),
            self.ran,
            failed=self.failed,
        ):
            self.tell("")

    def ran(self, result: discharge.RunResult) -> None:
        text = " ".join(filter(None, [result.summary(), result.pending()]))
        self.tell(text, "warning" if result.shortfalls or result.sin_valor else "")
        self.simulated = result if result.dry_run else None
        self.reload()

    def action_mode(self) -> None:
        if not (rfc := self.chosen_rfc()) or self.jobs.running:
            return
        modo = self.mode(rfc)
        modes = discharge.MODES
        other = modes[(modes.index(modo) + 1) % len(modes)]  # cantidad, valor, pedimento
        if in_force := discharge.count_allocations(self.app.db, rfc):
            self.notify(
                f"Modo: hay {counted(in_force, 'asignación', 'asignaciones')} por {modo} en "
                "vigor; deshaga las "
                f"corridas ({commands.key_of(self.app, 'discharge.undo')}) antes de descargar "
                f"por {other}.",
                severity="error",
                timeout=8,
            )
            return

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            try:
                discharge.set_mode(self.app.db, rfc, other)
            except BrokerError as exc:
                self.notify(str(exc), severity="error", timeout=8)
                return
            self.notify(f"Descargo por {other} desde la próxima corrida.")
            self.reload()

        what = {
            "valor": "por valor: el valor en USD por fracción arancelaria (empresas "
            "certificadas, Anexo 24)",
            "pedimento": "por valor a nivel pedimento: el valor en USD del pedimento más "
            "antiguo; su saldo es de las mercancías con tasa arancelaria mayor (Anexo 24)",
            "cantidad": "por cantidad: la cantidad por número de parte",
        }[other]
        self.app.push_screen(ConfirmScreen(f"¿Descargar {what}?"), confirmed)

    def action_undo(self) -> None:
        if not (rfc := self.chosen_rfc()) or self.jobs.running:
            return

        def confirmed(yes: bool | None) -> None:
            if yes and self.jobs.start(
                lambda conn, _: discharge.undo_last(conn, rfc), self.undone, failed=self.failed
            ):
                self.tell("")

        self.app.push_screen(
            ConfirmScreen(
                "¿Deshacer la última corrida de descargo? Sus asignaciones dejan de "
                "contar (quedan en el libro como deshechas)."
            ),
            confirmed,
        )

    def undone(self, run: dict) -> None:
        self.tell(f"Corrida {run['run_id']} deshecha.")
        self.simulated = None
        self.reload()


def _row(r: dict, *, simulated: bool = False) -> dict:
    """An allocation's cells; a simulated one (`v`) says so in Estado, in italics."""
    if r["faltante"]:
        estado, style = "FALTANTE", "bold red"
    elif r["vencido"]:
        estado, style = "vencido", "yellow"
    else:
        estado, style = "simulado" if simulated else "", ""
    if simulated:
        style = f"{style} italic".strip()
    cells = {
        "documento": r["documento"],
        "fecha": r["fecha"],
        "tipo_salida": _kind(r),
        "numero_parte": r["numero_parte"],
        "pedimento": spaced(r["pedimento"]),
        "partida": "" if r["partida"] is None else str(r["partida"]),
        "fecha_entrada": r["fecha_entrada"] or "",
        "cantidad": formatting.quantity(r["cantidad"]),
        "estado": estado,
        "origen": "saldo inicial" if r["saldo_inicial"] else "",
    }
    shown = {k: plain(v, style=style) for k, v in cells.items()}
    return {"id": r["id"], **shown} | ({"_after": r["_after"]} if "_after" in r else {})


def _pending_row(r: dict) -> dict:
    cells = {
        "documento": r["documento"],
        "fecha": r["fecha"],
        "tipo_salida": _kind(r),
        "numero_parte": r["numero_parte"],
        "cantidad": formatting.quantity(r["cantidad"]),
        "estado": "pendiente",
        "pedimento": {"P": "producto (BOM)", "D": "desperdicio"}.get(r["tipo_bien"], ""),
        "partida": "",
        "fecha_entrada": "",
        "origen": "",
    }
    return {"id": f"s{r['id']}", **{k: plain(v, style="cyan") for k, v in cells.items()}}


NBSP = "\u00a0"  # keeps the lot's pedimento and partida on one line of the line under the list
# The kinds whose name does not fit the Salida column (the line under the list says it whole).
SHORT_KINDS = {"cambio de régimen": "cambio rég.", "consumo de reparación": "reparación"}


def _kind(r: dict) -> str:
    return SHORT_KINDS.get(r["tipo_salida"], r["tipo_salida"])


def _lot(r: dict) -> str:
    """The lot an allocation took, in words."""
    if r["faltante"]:
        return "sin lote: FALTANTE"
    lot = NBSP.join(["lote", *spaced(r["pedimento"]).split(), "pda", str(r["partida"])])
    return f"{lot}, entrada {r['fecha_entrada']}" + (
        " (saldo inicial)" if r["saldo_inicial"] else ""
    )
