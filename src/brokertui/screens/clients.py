"""Clientes: the client list (sortable, paged from SQLite) and a client's detail."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from functools import partial

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Header, Label, Static

from brokertui.core import catalogs
from brokertui.core.anexo24 import catalog_list
from brokertui.core.pedimentos import rules as pedimento_rules
from brokertui.core.pedimentos.datastage import batch, oficios, routes
from brokertui.core.plural import counted
from brokertui.core.registry import clients, deadlines, programs
from brokertui.screens import commands
from brokertui.screens.base import Guarded
from brokertui.screens.catalogs import CatalogsScreen
from brokertui.screens.client_forms import (
    BajaFormScreen,
    ClientFormScreen,
    OficioFormScreen,
    ProgramFormScreen,
    ProgramStatusScreen,
    SiteFormScreen,
)
from brokertui.screens.client_rules import ClientRulesScreen
from brokertui.screens.deliveries import DeliveriesScreen
from brokertui.screens.jobs import Jobs
from brokertui.screens.live import Here, LiveNote
from brokertui.screens.text import clean, markup, plain
from brokertui.screens.widgets import Column, KeyFooter, NavBar, PagedTable, View, key_of

# The pedimento rules' ids (core/pedimentos/restricted.py) as the summary writes them.
RULE_NAMES = {"garantia": "garantía", "petroliferos": "petrolíferos"}


class ClientsScreen(Guarded, Screen):
    """Every client, filtered by RFC or name, sorted by a column, one page at a time."""

    CSS_PATH = "clients.tcss"
    BINDINGS = commands.bindings("clients")
    AUTO_FOCUS = "PagedTable DataTable"  # focused before the first frame: drawn once

    def __init__(self) -> None:
        super().__init__()
        self.include_baja = False
        self.title = "Clientes"
        self.jobs = Jobs(self)

    def compose(self) -> ComposeResult:
        yield Header()
        yield NavBar()
        yield Static("", id="list-info")
        yield PagedTable(
            [
                Column("rfc", "RFC", 13),
                Column("razon_social", "Razón social", 34),
                Column("entidad_federativa", "Ent.", 4),
                Column("programas", "Programas", 14),
                Column("baja_date", "Baja", 10),
            ],
            self._fetch,
            self._count,
            key="rfc",
            noun="clientes",
            load_on_mount=False,  # on_screen_resume loads it
            remember="clientes",
        )
        yield KeyFooter()

    def on_mount(self) -> None:
        self._describe()

    @property
    def view(self) -> View:
        return self.query_one(PagedTable).view

    def _fetch(self, offset: int, limit: int) -> list[dict]:
        rows = clients.list_clients(
            self.app.db,
            search=self.view.search,
            include_baja=self.include_baja,
            sort=self.view.sort,
            descending=self.view.descending,
            limit=limit,
            offset=offset,
        )
        return [asdict(c) for c in rows]

    def _count(self) -> int:
        return clients.count_clients(
            self.app.db, search=self.view.search, include_baja=self.include_baja
        )

    def refresh_list(self, *, first_page: bool = False) -> None:
        self.query_one(PagedTable).reload(first_page=first_page)
        self._describe()

    def _describe(self) -> None:
        bajas = "Con bajas" if self.include_baja else "Sin bajas"
        self.query_one("#list-info", Static).update(
            commands.with_keys(
                self.app,
                f"{bajas} ({{clients.bajas}}) · {{table.search}} busca por RFC, razón social, "
                "municipio o entidad · {table.sort} ordena",
            )
        )

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.app.open_client(key_of(event.row_key.value))

    def action_toggle_bajas(self) -> None:
        self.include_baja = not self.include_baja
        self.refresh_list(first_page=True)

    def action_add(self) -> None:
        def added(client: clients.Client | None) -> None:
            if client:
                self.refresh_list()
                self.app.open_client(client.rfc)
                self.take_waiting(client.rfc)

        self.app.push_screen(ClientFormScreen(), added)

    def take_waiting(self, rfc: str) -> None:
        """A client just registered: import its pedimentos kept aside in stored Data Stage
        deliveries (from the zips in the database), in a worker, and say so."""
        if routes.waiting(self.app.db, rfc):
            self.jobs.start(
                lambda conn, progress: batch.import_waiting(conn, rfc, progress=progress),
                partial(self.took_waiting, rfc),
            )

    def took_waiting(self, rfc: str, summary: batch.Summary) -> None:
        lines = [summary.waited(rfc), *summary.lines()]
        self.notify(clean("\n".join(lines[:12]), lines=True), timeout=12, markup=False)

    def on_screen_resume(self) -> None:
        self.refresh_list()

    def refresh_data(self) -> None:
        self.refresh_list()


class ClientDetailScreen(Guarded, Screen):
    """One client: domicilio fiscal, programs, plantas and bodegas."""

    CSS_PATH = "clients.tcss"
    BINDINGS = commands.bindings("client_detail")

    def __init__(self, rfc: str) -> None:
        super().__init__()
        self.rfc = rfc

    def compose(self) -> ComposeResult:
        yield Header()
        yield NavBar()
        with VerticalScroll(id="detail"):
            yield Static(id="summary")
            yield LiveNote()
            yield Label("Programas", id="programs-label", classes="section")
            yield DataTable(id="programs", cursor_type="row", zebra_stripes=True)
            yield Label("Plantas y bodegas", classes="section")
            yield DataTable(id="sites", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#programs", DataTable).add_columns(
            "Programa", "Número", "Autorizado", "Estatus", "Modalidad/sectores"
        )
        self.query_one("#sites", DataTable).add_columns("Tipo", "Nombre", "Domicilio", "Baja")
        key = commands.key_display(self.app, commands.BY_ID["client_detail.program_status"])
        self.query_one("#programs-label", Label).update(
            f"Programas ({key}: estatus y fecha de autorización del elegido)"
        )
        self.load()
        self.query_one("#programs", DataTable).focus()

    def on_screen_resume(self) -> None:
        self.follow_client()

    def follow_client(self) -> None:
        """Show the current client when it changed since this detail was shown (Ctrl+P, Enter
        on the dashboard): the detail is the one the header names, and Clientes keeps one."""
        client = self.app.client
        if client is not None and client.rfc != self.rfc:
            self.rfc = client.rfc
            self.load()

    def load(self) -> None:
        db = self.app.db
        client = clients.get_client(db, self.rfc)
        self.client = client
        self.title = "Cliente"
        estado = "[b red]BAJA desde $baja[/]" if client.baja_date else "activo"
        warning = (
            "  [yellow](dígito verificador no coincide; aceptado)[/]"
            if client.rfc_check_warning
            else ""
        )
        entidades = catalogs.load("entidades").entries
        lines = [
            markup("[b]$name[/]", name=client.razon_social),
            markup(f"RFC [b]$rfc[/]{warning} · {estado}", rfc=client.rfc, baja=client.baja_date),
            markup(
                "Domicilio fiscal: $address",
                address=_address(
                    _street(
                        client.calle,
                        client.numero_exterior,
                        client.numero_interior and f"int. {client.numero_interior}",
                    ),
                    client.colonia,
                    client.municipio,
                    client.codigo_postal and f"C.P. {client.codigo_postal}",
                    entidades.get(client.entidad_federativa, ""),
                ),
            ),
            markup(
                "Reglas de pedimento: $rules",
                rules=" · ".join(
                    f"{RULE_NAMES.get(name, name)} {'sí' if on else 'no'}"
                    for name, on in pedimento_rules.client_rules(db, client.id).items()
                ),
            ),
            markup("Oficio de matriz de seguridad: $oficio", oficio=self.oficio_text()),
            markup("Catálogos Anexo 24: $catalogs", catalogs=self.catalogs_text()),
        ]
        self.query_one("#summary", Static).update(Content("\n").join(lines))
        table = self.query_one("#programs", DataTable)
        table.clear()
        lapsed = self.lapsed()
        for p in programs.list_programs(db, rfc=self.rfc):
            extra = p.modalidad or (f"sectores {p.sectors}" if p.sectors else "")
            status = p.status + lapsed.get((p.type, p.number), "")
            table.add_row(
                *map(plain, (p.type, p.number, p.authorized_on, status, extra)), key=str(p.id)
            )
        table = self.query_one("#sites", DataTable)
        table.clear()
        for s in clients.list_sites(db, self.rfc):
            where = _address(
                _street(s.calle, s.numero), s.colonia, s.codigo_postal, s.entidad_federativa
            )
            table.add_row(*map(plain, (s.kind, s.nombre, where, s.baja_date)), key=str(s.id))

    def oficio_text(self) -> str:
        """The latest oficio and its countdown; without a vigente one ANAM sends nothing."""
        found = oficios.of_client(self.app.db, self.client.id)
        today = self.app.today
        if not found or not found[0].vigente(today):
            return "ninguno vigente (sin él no llega Data Stage)"
        return f"{found[0].numero}, vence el {found[0].vence} ({found[0].countdown(today)})"

    def catalogs_text(self) -> str:
        sizes = [
            counted(catalog_list.count(self.app.db, self.rfc, kind), one, many)
            for kind, one, many in (
                ("materiales", "material", "materiales"),
                ("productos", "producto", "productos"),
                ("bom", "renglón de BOM", "renglones de BOM"),
            )
        ]
        key = commands.key_display(self.app, commands.BY_ID["client_detail.catalogs"])
        return f"{', '.join(sizes)} ({key} los muestra)"

    def refresh_data(self) -> None:
        self.load()

    def here(self) -> Here:
        return Here(self.rfc, ("client", self.rfc), ("client.", "site."))

    def _reload_after(self, result: object) -> None:  # any form's: None, not saved
        if result:
            self.load()

    def action_edit(self) -> None:
        self.app.push_screen(ClientFormScreen(self.client), self._reload_after)

    def action_add_program(self) -> None:
        self.app.push_screen(ProgramFormScreen(self.client.rfc, self.app.today), self._reload_after)

    def lapsed(self) -> dict[tuple[str, str], str]:
        """(type, number) -> what the RAOCE rules make of a program still registered vigente
        (the state Activo fijo and the dashboard show; rules.md §1): ' (RAOCE: cancelado el
        2026-09-01)', ' (RAOCE: suspendido)'."""
        today = self.app.today
        return {
            (ob.program, ob.program_number): (
                f" (RAOCE: cancelado el {ob.cancellation_date})"
                if ob.status == "cancelled"
                else " (RAOCE: suspendido)"
            )
            for ob in deadlines.obligations(self.app.db, today.year, today, rfc=self.rfc)
            if ob.status in ("cancelled", "suspended")
        }

    def action_program_status(self) -> None:
        table = self.query_one("#programs", DataTable)
        if not table.row_count:
            self.notify("El cliente no tiene programas: agregue uno con g.", severity="warning")
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        program = programs.get_program(self.app.db, int(key_of(key)))
        self.app.push_screen(ProgramStatusScreen(program, self.app.today), self._reload_after)

    def action_add_site(self) -> None:
        self.app.push_screen(SiteFormScreen(self.client.rfc), self._reload_after)

    def action_oficio(self) -> None:
        self.app.push_screen(OficioFormScreen(self.client.rfc), self._reload_after)

    def action_catalogs(self) -> None:
        self.app.push_screen(CatalogsScreen(self.client.rfc), lambda _: self.load())

    def action_deliveries(self) -> None:
        self.app.push_screen(DeliveriesScreen(self.client.rfc))

    def action_rules(self) -> None:
        self.app.push_screen(ClientRulesScreen(self.client.rfc), lambda _: self.load())

    def action_baja(self) -> None:
        client = self.client
        if client.baja_date:
            self.notify(f"{client.rfc} ya está dado de baja.", severity="warning")
            return

        def baja(on: date) -> clients.Client:
            return clients.baja_client(self.app.db, client.rfc, on)

        def done(result: clients.Client | None) -> None:
            if result:
                self.load()
                self.notify(
                    f"{client.rfc} dado de baja el {result.baja_date}; su historial se conserva."
                )

        self.app.push_screen(
            BajaFormScreen(f"{client.rfc} ({client.razon_social})", self.app.today, baja), done
        )


def _address(*parts: str) -> str:
    return ", ".join(p for p in parts if p) or "—"


def _street(*parts: str) -> str:
    """Calle, número and interior as a Mexican address writes them: "Av. Juárez 120 int. 4",
    "Carretera Saltillo-Monterrey km 7.5" (no comma before the number)."""
    return " ".join(p for p in parts if p)
