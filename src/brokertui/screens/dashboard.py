"""Tablero: every client's deadlines, most urgent first, coloured by severity (home, F2)."""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.widgets import DataTable, Header, Static

from brokertui.core import dashboard
from brokertui.core import search as find
from brokertui.core.dashboard import ACTIVO_FIJO, DATASTAGE, OFICIO, TEMPORARY
from brokertui.core.errors import InvalidInput
from brokertui.core.registry import clients
from brokertui.screens import commands
from brokertui.screens.base import YearScreen
from brokertui.screens.text import plain
from brokertui.screens.widgets import Column, KeyFooter, NavBar, PagedTable, View, key_of

SEVERITY_STYLE = {
    "critical": "bold red",
    "lost": "magenta",
    "warning": "yellow",
    "info": "",
    "ok": "green",
}
SEVERITY_RANK = {"critical": 0, "lost": 1, "warning": 2, "info": 3, "ok": 4}
SEVERITY_MARK = {"critical": "!!", "lost": "✗", "warning": "!", "info": "·", "ok": "✓"}
PROGRAM_FILTERS = (None, *dashboard.PROGRAMS)
PROGRAM_LABELS = {
    None: "todos los programas",
    TEMPORARY: "permanencia de temporales",
    OFICIO: "oficios de matriz de seguridad",
    DATASTAGE: "entregas Data Stage atrasadas",
    ACTIVO_FIJO: "permanencia de activo fijo",
}


# What an empty database opens on (issue 16, item 9): the three ways in, with the user's keys
# (commands.markup_with_keys).
GUIDE = (
    "[b]La base está vacía.[/] Para empezar:\n"
    " 1. [b]{nav.clientes}[/], [b]{clients.add}[/]: registre un cliente (RFC y razón social).\n"
    " 2. [b]{nav.pedimentos}[/], [b]{pedimentos.import}[/]: importe el zip mensual de Data Stage "
    "de ANAM.\n"
    " 3. [b]{nav.descargos}[/], [b]{discharge.interfaces}[/]: importe las interfaces del ERP "
    "(materiales, productos, bom, entradas, salidas, ajustes), con vista previa de filas y "
    "errores.\n"
    "Los datos de demostración: brokertui demo. {app.help}: ayuda de cada pantalla."
)


class DashboardScreen(YearScreen):
    """One row per obligation; filters by key; Enter opens the client."""

    CSS_PATH = "dashboard.tcss"
    BINDINGS = commands.bindings("dashboard")

    def __init__(self) -> None:
        super().__init__()
        self.title = "Tablero"
        self.urgent_only = False
        self.client_only = False
        self.program: str | None = None
        self.shown_for: date | None = None
        self.rows: list[dict] = []
        self.rows_view: View | None = None  # the table's view self.rows were made for

    def compose(self) -> ComposeResult:
        yield Header()
        yield NavBar()
        yield Static(id="summary")
        yield Static(id="filters")
        yield PagedTable(
            [
                Column("mark", "", 2, name="Urgencia"),
                Column("rfc", "RFC", 13),
                Column("program", "Prog.", 6),
                Column("status", "Estado", 10),
                Column("event", "Próximo", 14),
                Column("date", "Fecha", 10),
                Column("days", "Días", 4),
                Column("bdays", "Háb.", 4),
                Column("name", "Razón social / pedimento", 44),
            ],
            lambda offset, limit: self.current()[offset : offset + limit],
            lambda: len(self.current()),
            key="key",
            noun="obligaciones",
            load_on_mount=False,  # on_screen_resume loads it
            remember="tablero",
            fixed_columns=2,  # the mark and the RFC
        )
        yield KeyFooter()

    def on_mount(self) -> None:
        self.set_interval(30, self.check_day)  # rolls over at midnight when left open
        self.query_one(DataTable).focus()

    def check_day(self) -> None:
        if self.app.today != self.shown_for:
            self.load()

    def on_screen_resume(self) -> None:
        self.load()  # also the first time it is shown; data may have changed elsewhere

    def refresh_data(self) -> None:
        self.load()

    def current(self) -> list[dict]:
        """The rows for the table's view (made again when its search or sort changed)."""
        if self.rows_view != self.query_one(PagedTable).view:
            self.load()
        return self.rows

    def load(self) -> None:
        """The dashboard as of today with the filters chosen; one page shown."""
        today = self.app.today
        self.shown_for = today
        year = self.year or today.year
        client = self.app.client
        table = self.query_one(PagedTable)
        self.rows_view = table.view
        try:
            board = dashboard.load(
                self.app.db,
                today,
                year=year,
                rfc=client.rfc if self.client_only and client else None,
                program=self.program,
                urgent_only=self.urgent_only,
                search=table.view.search,
            )
        except InvalidInput as exc:  # a search with an impossible date
            self.notify(f"Buscar: {exc.message}", severity="error")
            return
        self.show_summary(board.summary)
        rows = [_sortable(row) | {"row": row} for row in board.rows]
        find.sort_rows(rows, table.view.sort, table.view.descending, list(SORTABLE))
        self.rows = [_cells(row["row"]) for row in rows]
        table.reload(first_page=True)
        shown = [
            f"RAOCE {year} (ejercicio {year - 1})",
            "sólo urgentes" if self.urgent_only else "todos",
            PROGRAM_LABELS.get(self.program) or str(self.program),
        ]
        if self.client_only:
            shown.append(f"cliente {client.rfc}" if client else "sin cliente elegido")
        self.query_one("#filters", Static).update(plain(" · ".join(shown)))

    def show_summary(self, s: dashboard.Summary) -> None:
        if not clients.has_clients(self.app.db):
            self.query_one("#summary", Static).update(commands.markup_with_keys(self.app, GUIDE))
            return
        self.query_one("#summary", Static).update(
            f"Abiertos [b]{s.open}[/] ([b yellow]{s.due_this_week}[/] esta semana) · "
            f"suspendidos [b red]{s.suspended}[/] · cancelados [magenta]{s.cancelled}[/] · "
            f"presentados [green]{s.filed}[/]\n"
            f"Temporales: vencidos [b red]{s.expired}[/] · vencen ≤30 d [b red]{s.within_30}[/] · "
            f"≤60 d [b yellow]{s.within_60}[/] · ≤90 d [b]{s.within_90}[/]"
        )

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        rfc, kind, numero = ([*key_of(event.row_key.value).split(":"), ""])[:3]
        if kind == TEMPORARY:
            from brokertui.screens.pedimento_detail import PedimentoDetailScreen

            self.app.push_screen(PedimentoDetailScreen(numero))
        elif kind in (OFICIO, DATASTAGE) and self.app.set_client(rfc):
            from brokertui.screens.deliveries import DeliveriesScreen

            self.app.push_screen(DeliveriesScreen(rfc))
        else:
            self.app.open_client(rfc)

    def action_toggle_urgent(self) -> None:
        self.urgent_only = not self.urgent_only
        self.load()

    def action_toggle_client(self) -> None:
        if not self.app.client:
            self.tell_no_client()
            return
        self.client_only = not self.client_only
        self.load()

    def action_cycle_program(self) -> None:
        index = PROGRAM_FILTERS.index(self.program)
        self.program = PROGRAM_FILTERS[(index + 1) % len(PROGRAM_FILTERS)]
        self.load()


SORTABLE = ("mark", "rfc", "program", "status", "event", "date", "days", "bdays", "name")


def _sortable(row: dashboard.Row) -> dict:
    """The row's values to sort by, per column (the mark by severity, most urgent first)."""
    return {
        "mark": SEVERITY_RANK[row.severity],
        "rfc": row.rfc,
        "program": row.program,
        "status": row.status,
        "event": row.event,
        "date": row.event_date.isoformat() if row.event_date else "",
        "days": row.days_left,
        "bdays": row.business_days_left,
        "name": row.detail,
    }


def _cells(row: dashboard.Row) -> dict:
    """One dashboard row as table cells, all in its severity's colour."""
    cells = {
        "mark": SEVERITY_MARK[row.severity],
        "rfc": row.rfc,
        "program": row.program,
        "status": row.status,
        "event": row.event,
        "date": row.event_date.isoformat() if row.event_date else "",
        "days": "" if row.days_left is None else str(row.days_left),
        "bdays": "" if row.business_days_left is None else str(row.business_days_left),
        "name": row.detail,
    }
    style = SEVERITY_STYLE[row.severity]
    return {"key": row.key, **{k: plain(v, style=style) for k, v in cells.items()}}
