"""Entregas Data Stage: each client's months (or the current client's), whether ANAM's
delivery came, is due or late, and the oficio de matriz de seguridad without which none comes
(anam-pedimento-data-request.txt §2; core/pedimentos/datastage/schedule.py)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from brokertui.core.pedimentos.datastage import batch, routes, schedule
from brokertui.core.plural import counted
from brokertui.screens import commands
from brokertui.screens.base import Guarded
from brokertui.screens.client_forms import OficioFormScreen
from brokertui.screens.text import plain
from brokertui.screens.widgets import Column, KeyFooter, PagedTable, in_view

STYLE = {
    schedule.RECEIVED: "green",
    schedule.DUE: "yellow",
    schedule.LATE: "bold red",
    schedule.NO_OFICIO: "dim",
}


COLUMNS = (
    Column("rfc", "RFC", 13),
    Column("mes", "Mes", 7),
    Column("estado", "Estado", 10),
    Column("limite", "Límite", 10),
    Column("pedimentos", "Ped.", 5),
    Column("entregas", "Entregas", 24),
)


class DeliveriesScreen(Guarded, Screen):
    """The months of the client given (else of every client), newest first."""

    CSS_PATH = "pedimentos.tcss"
    BINDINGS = commands.bindings("deliveries")

    def __init__(self, rfc: str | None = None) -> None:
        super().__init__()
        self.rfc = rfc
        self.rows: list[dict] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="ds-oficio")
        yield Static(id="ds-kept")
        yield PagedTable(
            COLUMNS,
            lambda offset, limit: self.shown()[offset : offset + limit],
            lambda: len(self.shown()),
            key="key",
            noun="meses",
            remember="entregas",
            sorts=(),  # o records an oficio here; the months stay newest first
        )
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = "Entregas Data Stage"
        self.load()
        self.query_one(DataTable).focus()

    def refresh_data(self) -> None:
        self.load()

    def shown(self) -> list[dict]:
        """The months the search lets through (RFC, month, status, deliveries; a date range
        bounds the limit date), in the order chosen."""
        return in_view(self.rows, self.query_one(PagedTable).view, COLUMNS, "limite")

    def load(self) -> None:
        today = self.app.today
        found = schedule.load(self.app.db, today, rfc=self.rfc)
        self.rows = [
            {
                "key": f"{c.rfc}:{m.month:%Y-%m}",
                "rfc": plain(c.rfc),
                "mes": plain(f"{m.month:%Y-%m}"),
                "estado": plain(m.estado, style=STYLE[m.estado]),
                "limite": plain(m.due.isoformat()),
                "pedimentos": plain(str(m.pedimentos)),
                "entregas": plain(", ".join(m.entregas) or "—"),
            }
            for c in found
            for m in c.months
        ]
        self.query_one("#ds-oficio", Static).update(plain(self.heading(found), lines=True))
        kept = routes.kept_aside(self.app.db)
        self.query_one("#ds-kept", Static).update(
            plain(
                batch.kept_aside(sum(k["pedimentos"] for k in kept), len(kept)) + "."
                if kept
                else ""
            )
        )
        self.query_one(PagedTable).reload()

    def heading(self, found: list[schedule.ClientDeliveries]) -> str:
        """The oficio of the client shown (ANAM sends nothing without a vigente one), or the
        counts of every client's."""
        today = self.app.today
        rule = "ANAM envía cada mes en los primeros 15 días del siguiente."
        if self.rfc is None:
            without = sum(1 for c in found if not ((o := c.oficio()) and o.vigente(today)))
            late = sum(len(c.late) for c in found)
            return (
                f"Todos los clientes · {counted(late, 'mes atrasado', 'meses atrasados')} · "
                f"{without:,} sin oficio de matriz de seguridad vigente.\n{rule}"
            )
        client = found[0] if found else None
        name = f"{self.rfc} · {client.razon_social}" if client else self.rfc
        oficio = client.oficio() if client else None
        if oficio is None or not oficio.vigente(today):
            past = f" (el {oficio.numero} venció el {oficio.vence})" if oficio else ""
            return (
                f"{name}\nSin oficio de matriz de seguridad vigente{past}: ANAM no envía "
                "Data Stage sin él. Registre uno con o."
            )
        return (
            f"{name}\nOficio {oficio.numero} del {oficio.fecha}, vence el {oficio.vence} "
            f"({oficio.countdown(today)}). {rule}"
        )

    def action_oficio(self) -> None:
        rfc = self.rfc or (self.app.client.rfc if self.app.client else None)
        if rfc is None:
            self.tell_no_client()
            return
        self.app.push_screen(OficioFormScreen(rfc), lambda saved: self.load() if saved else None)
