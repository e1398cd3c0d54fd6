"""Tablero: every client's deadlines, most urgent first, coloured by severity (home, F2)."""

from __future__ import annotations

from datetime import date, timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from brokertui.core.pedimentos import permanence
from brokertui.core.pedimentos.numero import Numero
from brokertui.core.registry import deadlines
from brokertui.core.registry.programs import PROGRAM_TYPES
from brokertui.widgets import Column, NavBar, PagedTable

STATUS_ES = {
    "not_open": "por abrir",
    "open": "abierto",
    "suspended": "suspendido",
    "cancelled": "cancelado",
    "filed": "presentado",
    "not_required": "no aplica",
}
EVENT_ES = {
    "opens": "abre",
    "due": "vence",
    "final": "último día",
    "correction_window_ends": "fin corrección",
    "reactivation": "reactivación",
}
SEVERITY_STYLE = {
    "critical": "bold red",
    "lost": "magenta",
    "warning": "yellow",
    "info": "",
    "ok": "green",
}
SEVERITY_MARK = {"critical": "!!", "lost": "✗", "warning": "!", "info": "·", "ok": "✓"}
TEMPORARY = "Temp."  # permanence of temporary imports (rules.md §2), shown with RAOCE rows
PROGRAM_FILTERS = (None, *PROGRAM_TYPES, TEMPORARY)


class DashboardScreen(Screen):
    """One row per obligation; filters by key; Enter opens the client."""

    CSS_PATH = "dashboard.tcss"
    BINDINGS = [
        Binding("u", "toggle_urgent", "Urgentes", id="dashboard.urgent"),
        Binding("c", "toggle_client", "Cliente", id="dashboard.client"),
        Binding("r", "cycle_program", "Programa", id="dashboard.program"),
        Binding("minus", "year(-1)", "Año -", id="dashboard.prev_year"),
        Binding("plus", "year(1)", "Año +", id="dashboard.next_year"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.title = "Tablero"
        self.urgent_only = False
        self.client_only = False
        self.program: str | None = None
        self.year: int | None = None  # None: the current filing year
        self.shown_for = None
        self.rows: list[dict] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield NavBar()
        yield Static(id="summary")
        yield Static(id="filters")
        yield PagedTable(
            [
                Column("mark", "", 2),
                Column("rfc", "RFC", 13),
                Column("program", "Prog.", 6),
                Column("status", "Estado", 10),
                Column("event", "Próximo", 14),
                Column("date", "Fecha", 10),
                Column("days", "Días", 4),
                Column("bdays", "Háb.", 4),
                Column("name", "Razón social / pedimento", 44),
            ],
            lambda offset, limit: self.rows[offset : offset + limit],
            lambda: len(self.rows),
            key="key",
            noun="obligaciones",
        )
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.set_interval(30, self.check_day)  # rolls over at midnight when left open
        self.query_one(DataTable).focus()

    def check_day(self) -> None:
        if self.app.today != self.shown_for:
            self.load()

    def on_screen_resume(self) -> None:
        self.load()  # also the first time it is shown; data may have changed elsewhere

    def load(self) -> None:
        """Compute the obligations as of today (all, to sort by urgency) and show one page."""
        today = self.app.today
        self.shown_for = today
        year = self.year or today.year
        client = self.app.client
        rfc = client.rfc if self.client_only and client else None
        obligations = deadlines.obligations(self.app.db, year, today, rfc=rfc)
        lots = permanence.expiring(self.app.db, today, rfc=rfc)
        self.show_summary(obligations, lots, today)
        rows = [(deadlines.urgency(ob), ob.program, ob.severity, _row(ob)) for ob in obligations]
        rows += [(_lot_urgency(lot), TEMPORARY, lot["severity"], _lot_row(lot)) for lot in lots]
        rows.sort(key=lambda r: r[0])
        if self.program:
            rows = [r for r in rows if r[1] == self.program]
        if self.urgent_only:
            rows = [r for r in rows if r[2] in ("critical", "warning")]
        self.rows = [r[3] for r in rows]
        self.query_one(PagedTable).reload(first_page=True)
        shown = [
            f"RAOCE {year} (ejercicio {year - 1})",
            "sólo urgentes" if self.urgent_only else "todos",
            {None: "todos los programas", TEMPORARY: "permanencia de temporales"}.get(
                self.program, self.program
            ),
        ]
        if self.client_only:
            shown.append(f"cliente {client.rfc}" if client else "sin cliente elegido")
        self.query_one("#filters", Static).update(" · ".join(shown))

    def show_summary(self, rows: list[deadlines.Obligation], lots: list[dict], today) -> None:
        week_end = today + timedelta(days=6 - today.weekday())
        count = {status: sum(o.status == status for o in rows) for status in deadlines.STATUSES}
        due_week = sum(o.status == "open" and o.due_date <= week_end for o in rows)
        self.query_one("#summary", Static).update(
            f"Abiertos [b]{count['open']}[/] · suspendidos [b red]{count['suspended']}[/] · "
            f"vencen esta semana [b yellow]{due_week}[/] · cancelados "
            f"[magenta]{count['cancelled']}[/] · presentados [green]{count['filed']}[/]\n"
            f"Temporales: vencidos [b red]{sum(lot['days_left'] < 0 for lot in lots)}[/] · "
            f"vencen ≤30 d [b red]{sum(0 <= lot['days_left'] <= 30 for lot in lots)}[/] · "
            f"≤60 d [b yellow]{sum(30 < lot['days_left'] <= 60 for lot in lots)}[/] · "
            f"≤90 d [b]{sum(60 < lot['days_left'] <= 90 for lot in lots)}[/]"
        )

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        rfc, kind, numero = ([*event.row_key.value.split(":"), ""])[:3]
        if kind == TEMPORARY:
            from brokertui.screens.pedimento_detail import PedimentoDetailScreen

            self.app.push_screen(PedimentoDetailScreen(numero))
        else:
            self.app.open_client(rfc)

    def action_toggle_urgent(self) -> None:
        self.urgent_only = not self.urgent_only
        self.load()

    def action_toggle_client(self) -> None:
        if not self.app.client:
            self.notify("Elija un cliente con Ctrl+P o desde Clientes.", severity="warning")
            return
        self.client_only = not self.client_only
        self.load()

    def action_cycle_program(self) -> None:
        index = PROGRAM_FILTERS.index(self.program)
        self.program = PROGRAM_FILTERS[(index + 1) % len(PROGRAM_FILTERS)]
        self.load()

    def action_year(self, step: int) -> None:
        self.year = (self.year or self.app.today.year) + step
        self.load()


def _row(ob: deadlines.Obligation) -> dict:
    """One obligation as table cells, all in its severity's colour."""
    cells = {
        "key": f"{ob.rfc}:{ob.program}",
        "mark": SEVERITY_MARK[ob.severity],
        "rfc": ob.rfc,
        "program": ob.program,
        "status": STATUS_ES[ob.status],
        "event": EVENT_ES.get(ob.next_event, "—"),
        "date": ob.next_event_date.isoformat() if ob.next_event_date else "",
        "days": "" if ob.days_left is None else str(ob.days_left),
        "bdays": "" if ob.business_days_left is None else str(ob.business_days_left),
        "name": ob.razon_social,
    }
    style = SEVERITY_STYLE[ob.severity]
    return {k: v if k == "key" else Text(v, style=style) for k, v in cells.items()}


def _lot_urgency(lot: dict) -> tuple:
    return (
        deadlines.SEVERITY_ORDER.index(lot["severity"]),
        date.fromisoformat(lot["vence_alerta"]),
        lot["rfc"],
        lot["numero"],
    )


def _lot_row(lot: dict) -> dict:
    """A temporary-import lot whose permanence ends soon (or has ended)."""
    cells = {
        "key": f"{lot['rfc']}:{TEMPORARY}:{lot['numero']}:{lot['vence_alerta']}",
        "mark": SEVERITY_MARK[lot["severity"]],
        "rfc": lot["rfc"],
        "program": TEMPORARY,
        "status": lot["bucket"],
        "event": "permanencia",
        "date": lot["vence_alerta"],
        "days": str(lot["days_left"]),
        "bdays": "",
        "name": f"{Numero(lot['numero']).spaced()} · {lot['categoria']} · {lot['partidas']} part.",
    }
    style = SEVERITY_STYLE[lot["severity"]]
    return {k: v if k == "key" else Text(v, style=style) for k, v in cells.items()}
