"""Conciliación de inventario: the current client's corporate inventory of a declared period
against the customs data, per material (core/anexo24/conciliacion.py); `a` records the
proposed ajustes after asking, `d` picks another declared period, `x` writes the XLSX. The
conciliation reads the period's exits whole (a big client's year: seconds), so it is worked out,
and the ajustes recorded, in a job off the UI thread (screens/jobs.py)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from brokertui.core import formatting
from brokertui.core import search as find
from brokertui.core.anexo24 import conciliacion, inventarios
from brokertui.core.plural import counted
from brokertui.core.registry import clients
from brokertui.core.text import shown_name
from brokertui.screens import commands
from brokertui.screens.base import Guarded
from brokertui.screens.dialogs import ChoiceScreen, ConfirmScreen
from brokertui.screens.jobs import Jobs, read_later
from brokertui.screens.text import markup
from brokertui.screens.widgets import Column, KeyFooter, PagedTable

# The difference and its proposal first (what 80 columns show whole), then its terms.
COLUMNS = (
    Column("numero_parte", "Número de parte", 16),
    Column("diferencia", "Diferencia", 10),
    Column("propuesta", "Propuesta", 9),
    Column("estado", "Estado", 24),
    Column("inventario_inicial", "Inicial", 10),
    Column("entradas", "Entradas", 10),
    Column("salidas", "Salidas", 10),
    Column("ajustes", "Ajustes", 9),
    Column("calculado", "Calculado", 10),
    Column("inventario_final", "Final", 10),
    Column("saldo_brokertui", "Saldo brokertui", 15),
    Column("diferencia_saldo", "Dif. saldo", 10),
)
LISTED = 8  # proposals named in the confirmation, then how many more


class ConciliacionScreen(Guarded, Screen):
    """Every declared material of the period, paged; the summary counts the differences."""

    CSS_PATH = "pedimentos.tcss"
    BINDINGS = commands.bindings("conciliacion")

    def __init__(self, rfc: str) -> None:
        super().__init__()
        self.rfc = rfc  # the client it reconciles, chosen when it opened
        self.lines: list[conciliacion.Line] = []
        self.period: inventarios.Period | None = None
        self.jobs = Jobs(self)

    def compose(self) -> ComposeResult:
        client = clients.get_client(self.app.db, self.rfc)
        declared = inventarios.periods(self.app.db, client.id)
        self.period = declared[0] if declared else None
        yield Header()
        yield Static(id="ped-summary")
        yield PagedTable(
            COLUMNS,
            lambda offset, limit: self.shown()[offset : offset + limit],
            lambda: len(self.shown()),
            key="numero_parte",
            noun="materiales",
            remember="conciliacion",
        )
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = "Conciliación de inventario (sistema corporativo)"
        self.query_one(DataTable).focus()
        self.refresh_data()

    def refresh_data(self) -> None:
        """The period's conciliation worked out again off the UI thread (a newer one replaces
        one still running: jobs.read_later)."""
        period, rfc = self.period, self.rfc
        if period is None:
            self.show([])
            return
        if not self.lines:  # first shown, or another period picked
            self.query_one("#ped-summary", Static).update(
                markup(
                    "[b]$rfc[/] · del $desde al $hasta · calculando la conciliación…",
                    rfc=rfc,
                    desde=period.desde.isoformat(),
                    hasta=period.hasta.isoformat(),
                )
            )
        read_later(
            self,
            # app.db is the worker's own connection there (app.reading)
            lambda: conciliacion.conciliate(self.app.db, rfc, period.desde, period.hasta),
            self.show,
            group="conciliacion",
        )

    def show(self, lines: list[conciliacion.Line]) -> None:
        self.lines = lines
        self.show_summary()
        self.query_one(PagedTable).reload()

    def show_summary(self) -> None:
        if self.period is None:
            text = markup(
                "[b]$rfc[/] · sin inventarios declarados: importe la interfaz inventarios "
                "(inventario inicial y final por material y periodo)",
                rfc=self.rfc,
            )
        else:
            differing = sum(1 for line in self.lines if line.diferencia)
            undeclared = sum(1 for line in self.lines if not line.declarado)
            proposed = len(self.proposals())
            text = markup(
                "[b]$rfc[/] · del $desde al $hasta · [b]$count[/], $differing con "
                "diferencia$undeclared · $proposed · inicial + entradas − "
                "salidas − ajustes contra el final declarado",
                rfc=self.rfc,
                desde=self.period.desde.isoformat(),
                hasta=self.period.hasta.isoformat(),
                count=counted(len(self.lines), "material", "materiales"),
                differing=formatting.count(differing),
                undeclared=f", {undeclared:,} {conciliacion.UNDECLARED}" if undeclared else "",
                proposed=counted(proposed, "ajuste propuesto", "ajustes propuestos"),
            )
        self.query_one("#ped-summary", Static).update(text)

    def proposals(self) -> list[dict]:
        if self.period is None:
            return []
        return conciliacion.proposals(self.lines, self.period.desde, self.period.hasta)

    def shown(self) -> list[dict]:
        """The lines as rows, those matching the table's search, in its order."""
        view = self.query_one(PagedTable).view
        wanted = find.parse(view.search)
        rows = [
            {k: v if isinstance(v, str) else formatting.quantity(v) for k, v in d.items()}
            for d in (line.as_dict() for line in self.lines)
        ]
        rows = [r for r in rows if find.matches((r[c.key] for c in COLUMNS), wanted)]
        return find.sort_rows(rows, view.sort, view.descending, [c.key for c in COLUMNS])

    def action_period(self) -> None:
        client = clients.get_client(self.app.db, self.rfc)
        declared = inventarios.periods(self.app.db, client.id)[:9]
        if not declared:
            self.notify("No hay inventarios declarados de este cliente.", severity="warning")
            return

        def chosen(key: str | None) -> None:
            if key:
                self.period, self.lines = declared[int(key) - 1], []
                self.refresh_data()

        choices = [
            (str(n), f"{p.label} ({counted(p.materiales, 'material', 'materiales')})")
            for n, p in enumerate(declared, start=1)
        ]
        self.app.push_screen(
            ChoiceScreen("¿Qué periodo declarado concilia?", "Periodo", choices), chosen
        )

    def action_ajustar(self) -> None:
        if self.jobs.running:
            return
        proposed = self.proposals()
        if not proposed or self.period is None:
            self.notify("Sin diferencias que ajustar en este periodo.")
            return
        period = self.period
        named = [
            f"{p['tipo']} {p['numero_parte']} {formatting.quantity(p['cantidad'])}"
            + (f" (pedimento {formatting.pedimento(p['pedimento'])})" if p["pedimento"] else "")
            for p in proposed[:LISTED]
        ]
        more = len(proposed) - LISTED
        question = (
            f"¿Registrar {counted(len(proposed), 'ajuste')} con fecha "
            f"{period.hasta.isoformat()}?\n"
            + "\n".join(named)
            + (f"\ny {more:,} más" if more > 0 else "")
            + "\nEl próximo descargo los aplica."
        )

        def recorded(count: int) -> None:
            done = counted(count, "ajuste registrado", "ajustes registrados")
            self.notify(f"{done}; el próximo descargo los aplica.")
            self.refresh_data()

        def answered(yes: bool | None) -> None:
            rfc = self.rfc
            if yes:
                self.jobs.start(
                    lambda conn, _: conciliacion.confirm(conn, rfc, period.desde, period.hasta),
                    recorded,
                )

        self.app.push_screen(ConfirmScreen(question, "Ajustes de conciliación"), answered)

    def action_export(self) -> None:
        if self.jobs.running or self.period is None:
            return
        rfc, desde, hasta = self.rfc, self.period.desde, self.period.hasta
        self.jobs.export(
            f"{rfc}-conciliacion-{desde.isoformat()}-{hasta.isoformat()}.xlsx",
            lambda conn, path: conciliacion.write_xlsx(conn, rfc, desde, hasta, path),
            lambda count, path: (
                f"Conciliación: {counted(count, 'material', 'materiales')} en "
                f"{shown_name(str(path))}"
            ),
        )
