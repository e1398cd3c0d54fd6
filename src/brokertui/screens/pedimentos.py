"""Pedimentos (F4): the current client's pedimentos paged from SQLite, their detail, and the
ways in: capture, drafts, Data Stage import and reconciliation."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import ModalScreen
from textual.widgets import DataTable, Header, OptionList, Static
from textual.widgets.option_list import Option

from brokertui.core import dates
from brokertui.core.errors import BrokerError
from brokertui.core.pedimentos import drafts
from brokertui.core.pedimentos import store as pedimentos
from brokertui.core.plural import counted
from brokertui.screens import commands
from brokertui.screens.base import ClientScreen, Guarded
from brokertui.screens.crosscheck import CrossCheckScreen
from brokertui.screens.dialogs import ConfirmScreen
from brokertui.screens.pedimento_detail import ORIGEN, PedimentoDetailScreen, edit_captured, spaced
from brokertui.screens.pedimento_form import PedimentoFormScreen
from brokertui.screens.reconcile import ReconcileScreen
from brokertui.screens.text import markup, plain
from brokertui.screens.widgets import Column, KeyFooter, NavBar, PagedTable, View, key_of


class PedimentosScreen(ClientScreen):
    CSS_PATH = "pedimentos.tcss"
    BINDINGS = commands.bindings("pedimentos")
    AUTO_FOCUS = "PagedTable DataTable"  # focused before the first frame: drawn once

    def compose(self) -> ComposeResult:
        yield Header()
        yield NavBar()
        yield Static(id="ped-summary")
        yield PagedTable(
            [
                Column("numero", "Número", 18),
                Column("clave", "Cve", 3),
                Column("tipo", "Op.", 4),
                Column("fecha_pago", "Pago", 10),
                Column("partidas", "Part", 4),
                Column("rectificado_por", "Rectificado por", 18),
                Column("origen", "Origen", 10),
                Column("rfc", "RFC", 13),
            ],
            self.fetch,
            self.count,
            key="numero_key",
            noun="pedimentos",
            load_on_mount=False,  # on_screen_resume loads it
            remember="pedimentos",
            slow=lambda view: view.sort not in (None, *pedimentos.INDEXED_SORTS),
        )
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = "Pedimentos"

    def on_screen_resume(self) -> None:
        self.reload()

    def refresh_data(self) -> None:
        self.reload()

    @property
    def view(self) -> View:
        return self.query_one(PagedTable).view

    def fetch(self, offset: int, limit: int, after: tuple | None = None) -> list[dict]:
        view = self.view
        rows = pedimentos.list_pedimentos(
            self.app.db,
            rfc=self.rfc,
            search=view.search,
            sort=view.sort,
            descending=view.descending if view.sort else True,  # newest first
            offset=offset,
            limit=limit,
            after=after,
        )
        return [
            {
                "_after": r["_after"],
                "numero_key": r["numero"],
                "numero": spaced(r["numero"]),
                "clave": r["clave"],
                "tipo": "imp." if r["tipo_operacion"] == "1" else "exp.",
                "fecha_pago": r["fecha_pago"],
                "partidas": r["partidas"],
                "origen": ORIGEN[r["origen"]],
                "rectificado_por": spaced(r["rectificado_por"]),
                "rfc": r["rfc"],
            }
            for r in rows
        ]

    def count(self) -> int:
        return pedimentos.count_pedimentos(self.app.db, rfc=self.rfc, search=self.view.search)

    def reload(self) -> None:
        client = self.app.client
        who = "[b]$rfc[/] $name" if client else "todos los clientes"
        pending = len(drafts.list_drafts(self.app.db, self.client_id)) if client else 0
        drafts_key = commands.key_of(self.app, "pedimentos.drafts")
        note = (
            f" · [b $warning]{counted(pending, 'borrador', 'borradores')}[/] ($drafts)"
            if pending
            else ""
        )
        self.query_one("#ped-summary", Static).update(
            markup(
                f"Pedimentos de {who}{note}",
                rfc=client and client.rfc,
                name=client and client.razon_social,
                drafts=drafts_key,
            )
        )
        self.query_one(PagedTable).reload()

    def selected(self) -> str | None:
        return self.query_one(PagedTable).selected_key()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.app.push_screen(PedimentoDetailScreen(key_of(event.row_key.value)))

    def action_capture(self) -> None:
        if self.needs_client():
            return
        self.app.push_screen(PedimentoFormScreen(), lambda _: self.reload())

    def action_edit(self) -> None:
        numero = self.selected()
        if numero:
            edit_captured(self, numero, self.reload)

    @property
    def client_id(self) -> int | None:
        return self.app.client.id if self.app.client else None

    def action_drafts(self) -> None:
        if self.needs_client():
            return
        found = drafts.list_drafts(self.app.db, self.client_id)
        if not found:
            self.notify(f"No tiene borradores de captura de {self.rfc}.")
            return
        self.app.push_screen(DraftsScreen(found, self.client_id), self.resume_draft)

    def resume_draft(self, draft_id: int | None) -> None:
        if draft_id is None:
            self.reload()
            return
        values = drafts.load_draft(self.app.db, draft_id)
        self.app.push_screen(
            PedimentoFormScreen(values, draft_id=draft_id), lambda _: self.reload()
        )

    def action_import(self) -> None:
        from brokertui.screens.datastage_import import DataStageImportScreen

        self.app.push_screen(DataStageImportScreen(), lambda _: self.reload())

    def action_deliveries(self) -> None:
        from brokertui.screens.deliveries import DeliveriesScreen

        self.app.push_screen(DeliveriesScreen(self.app.client.rfc if self.app.client else None))

    def action_reconcile(self) -> None:
        if rfc := self.chosen_rfc():
            self.app.push_screen(ReconcileScreen(rfc))

    def action_crosscheck(self) -> None:
        if rfc := self.chosen_rfc():
            self.app.push_screen(CrossCheckScreen(rfc))


class DraftsScreen(Guarded, ModalScreen[int | None]):
    """Pick a capture draft to continue; Supr deletes one."""

    DEFAULT_CSS = """
    DraftsScreen { align: center middle; }
    DraftsScreen > OptionList { width: 76; max-width: 100%; height: auto; max-height: 16;
                                border: thick $accent; background: $surface; }
    """
    BINDINGS = commands.bindings("drafts")

    def __init__(self, found: list[dict], client_id: int | None) -> None:
        super().__init__()
        self.found = found
        self.client_id = client_id  # the client they are drafts of

    def compose(self) -> ComposeResult:
        options = OptionList(*(Option(plain(_draft_label(d)), id=str(d["id"])) for d in self.found))
        # Intro: the list's own key (Textual's OptionList), not remappable
        options.border_title = "Borradores de captura (Intro continúa)"
        yield options
        yield KeyFooter()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(key_of(event.option.id)))

    def action_delete(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is None:
            return
        option = options.get_option_at_index(options.highlighted)
        draft = next(d for d in self.found if str(d["id"]) == option.id)
        self.app.push_screen(
            ConfirmScreen(f"¿Borrar el borrador {_draft_label(draft)}?", "Borrar borrador"),
            lambda yes: self.delete(draft) if yes else None,
        )

    def delete(self, draft: dict) -> None:
        """Delete `draft` (asked first); only the user's own draft of this client."""
        options = self.query_one(OptionList)
        try:
            drafts.delete_draft(self.app.db, draft["id"], self.client_id)
        except BrokerError as exc:
            self.notify(str(exc), severity="error")
            return
        options.remove_option(str(draft["id"]))
        if not options.option_count:
            self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)


def _draft_label(draft: dict) -> str:
    """Número, client (RFC and razón social) and when it was last written, Mexico City time."""
    numero = draft["numero"] or "(sin número)"
    client = f"{draft['rfc'] or '':13} {(draft['razon_social'] or '')[:16]:16}"
    return f"{numero:20}  {client}  {dates.local_time(draft['updated_at'])}"
