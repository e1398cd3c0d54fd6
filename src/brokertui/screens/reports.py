"""Reportes (F6): the Anexo 24 reports of the current client, headed with its razón social, RFC
and period, paged from SQLite; `x` writes the report shown to an XLSX file."""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Header, Input, Label, Static

from brokertui.core import identifiers
from brokertui.core.anexo24 import reports
from brokertui.core.text import shown_name
from brokertui.screens import commands
from brokertui.screens.base import ClientScreen
from brokertui.screens.jobs import Jobs
from brokertui.screens.report_table import report_table
from brokertui.screens.text import SAFE_INPUT, markup
from brokertui.screens.widgets import KeyFooter, NavBar, PagedTable, key_menu


class ReportsScreen(ClientScreen):
    CSS_PATH = "reports.tcss"
    BINDINGS = commands.bindings("reports")

    def __init__(self) -> None:
        super().__init__()
        self.name_shown = "saldos"
        self.jobs = Jobs(self)

    def compose(self) -> ComposeResult:
        yield Header()
        yield NavBar()
        yield Static(id="rep-menu")
        with Horizontal(id="rep-period"):
            yield Label("Desde")
            yield Input(
                placeholder="1 de enero", id="rep-desde", compact=True, highlighter=SAFE_INPUT
            )
            yield Label("Hasta / al")
            yield Input(placeholder="hoy", id="rep-hasta", compact=True, highlighter=SAFE_INPUT)
        yield Static(id="rep-heading")
        yield Vertical(id="rep-table")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = "Reportes Anexo 24"
        self.show_menu()

    async def on_screen_resume(self) -> None:
        await self.action_show(self.name_shown)

    def refresh_data(self) -> None:
        for table in self.query(PagedTable):
            if table.is_mounted and table.display:  # not one action_show is replacing
                table.reload()

    def show_menu(self) -> None:
        self.query_one("#rep-menu", Static).update(
            key_menu(
                (key, reports.REPORTS[name].title.split(" (")[0], name == self.name_shown)
                for key, name in commands.REPORT_KEYS.items()
            )
        )

    def _date(self, ident: str) -> date | None:
        text = self.query_one(ident, Input).value.strip()
        if not text:
            return None
        try:
            return identifiers.parse_date(text)
        except ValueError as exc:
            self.notify(f"{'Desde' if 'desde' in ident else 'Hasta'}: {exc}", severity="error")
            return None

    def heading(self, rfc: str) -> reports.Heading:
        hasta = self._date("#rep-hasta") or self.app.today
        return reports.heading(
            self.app.db,
            self.name_shown,
            rfc,
            desde=self._date("#rep-desde"),
            hasta=hasta,
            on=hasta,
        )

    async def action_show(self, name: str) -> None:
        self.name_shown = name
        self.show_menu()
        heading = self.heading(self.rfc) if self.rfc else None
        holder = self.query_one("#rep-table", Vertical)
        await holder.remove_children()
        if heading is None:
            self.query_one("#rep-heading", Static).update(
                f"Elija un cliente ({commands.choose_client(self.app)}) para ver sus reportes."
            )
            return
        self.query_one("#rep-heading", Static).update(
            markup(
                "[b]$nombre[/] · RFC [b]$rfc[/] · $title · $period",
                nombre=heading.razon_social,
                rfc=heading.rfc,
                title=heading.report.title,
                period=heading.period,
            )
        )
        table = report_table(lambda: self.app.db, heading, remember=f"reportes.{name}", focus=True)
        await holder.mount(table)

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        await self.action_show(self.name_shown)

    def action_period(self) -> None:
        self.query_one("#rep-desde", Input).focus()

    def action_export(self) -> None:
        if not (rfc := self.chosen_rfc()) or self.jobs.running:
            return
        heading = self.heading(rfc)
        self.jobs.export(
            f"{heading.rfc}-{heading.report.name}-{heading.hasta.isoformat()}.xlsx",
            lambda conn, path: reports.write_xlsx(conn, heading, path),
            lambda _, path: f"{heading.report.title}: {shown_name(str(path))}",
        )

    def action_conciliacion(self) -> None:
        if not (rfc := self.chosen_rfc()):
            return
        from brokertui.screens.conciliacion import ConciliacionScreen

        self.app.push_screen(ConciliacionScreen(rfc))

    def action_ajuste(self) -> None:
        if not (rfc := self.chosen_rfc()):
            return
        from brokertui.screens.ajuste_form import AjusteFormScreen

        parts = reports.part_numbers(self.app.db, rfc)

        def done(count: int | None) -> None:  # None: closed without saving
            if count:
                self.notify("Ajuste registrado; el próximo descargo lo aplica.")
                # On this screen's queue, as its resume's: the callback runs on the app's, and
                # two action_show at once removed each other's table ("Error interno").
                self.name_shown = "ajustes"
                self.call_later(self.action_show, "ajustes")

        self.app.push_screen(AjusteFormScreen(rfc, self.app.today, parts), done)

    def action_activo_fijo(self) -> None:
        if not (rfc := self.chosen_rfc()):
            return
        from brokertui.screens.activo_fijo import ActivoFijoScreen

        self.app.push_screen(ActivoFijoScreen(rfc))
