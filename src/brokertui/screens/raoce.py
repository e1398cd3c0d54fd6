"""RAOCE (F7): the worksheet of the current client for a filing year, as VUCEM asks for it:
figures in miles de pesos, saldo and porcentaje computed, the export cross-check against the
client's pedimentos, the threshold checks per program, and filing (folio of the acuse)."""

from __future__ import annotations

from functools import partial

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Input, Static

from brokertui.core import catalogs
from brokertui.core.dashboard import STATUS_ES
from brokertui.core.errors import BrokerError, FieldError, InvalidInput, StaleRecord
from brokertui.core.formatting import quantity
from brokertui.core.plural import counted
from brokertui.core.raoce import worksheet as raoce
from brokertui.core.registry import deadlines
from brokertui.screens import commands
from brokertui.screens.base import Guarded, YearScreen
from brokertui.screens.dialogs import ChoiceScreen
from brokertui.screens.form import leave
from brokertui.screens.live import Here, LiveNote
from brokertui.screens.raoce_bienes import BienesScreen
from brokertui.screens.stale import resolve
from brokertui.screens.text import markup
from brokertui.screens.typeahead import focus_now
from brokertui.screens.widgets import (
    FieldRow,
    FieldSpec,
    FormStatus,
    Hanging,
    KeyFooter,
    NavBar,
)

FIELDS = [
    FieldSpec("ventas", "Ventas totales (a)", "miles de pesos"),
    FieldSpec("exportaciones", "Exportaciones (b)", "miles de pesos"),
    FieldSpec("importaciones", "Importaciones (c)", "miles de pesos"),
    FieldSpec("tipo_cambio", "T. cambio promedio", "MXN por USD del ejercicio"),
]
SHEET_KEYS = {
    "ventas": "ventas_totales",
    "exportaciones": "exportaciones",
    "importaciones": "importaciones",
    "tipo_cambio": "tipo_cambio_promedio",
}


def importaciones_hint(types: set[str]) -> str:
    """The Importaciones field's hint for a client's programs (`types`), after the Guía RAOCE
    2026, "Datos de reporte anual" (raoce-2026-guide.txt, the IMMEX and PROSEC notes): IMMEX
    with PROSEC, ECEX or ALTEX ligados does not capture it (VUCEM disables it); PROSEC alone
    captures it too; otherwise the worksheet takes it if given."""
    if not raoce.importaciones_enabled(types):
        return "no se captura con IMMEX y PROSEC, ECEX o ALTEX"
    if "PROSEC" in types:
        return "miles de pesos (obligatorio con PROSEC)"
    return "miles de pesos (opcional)"


class RaoceScreen(YearScreen):
    CSS_PATH = ["form.tcss", "raoce.tcss"]
    BINDINGS = commands.bindings("raoce")

    def __init__(self) -> None:
        super().__init__()
        self.loaded: tuple[str, int] | None = None  # (RFC, year) of the worksheet shown
        self.opened: dict[str, str] = {}  # its figures as loaded, by field
        self.version = 0  # its stored version when loaded (0: none yet)

    def compose(self) -> ComposeResult:
        yield Header()
        yield NavBar()
        with VerticalScroll(id="raoce-body"):
            yield Static(id="raoce-head")
            for spec in FIELDS:
                yield FieldRow(spec)
            yield Static(id="raoce-computed")
            yield Static(id="raoce-checks")
        yield LiveNote()
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = "RAOCE"

    def on_screen_resume(self) -> None:
        client = self.app.client
        shown = (client.rfc if client else "", self.year or self.app.today.year)
        if self.loaded == shown and self.values() != self.opened:
            return  # what the user typed is never replaced behind him (a stale save keeps it)
        self.load()

    def values(self) -> dict[str, str]:
        return {s.name: self.query_one(f"#row-{s.name}", FieldRow).input.value for s in FIELDS}

    def here(self) -> Here:
        """A worksheet is a form: never reloaded behind the user, its note says who changed it."""
        client = self.app.client
        if client is None or self.year is None:
            return Here()
        return Here(client.rfc, ("raoce_worksheet", f"{client.rfc} {self.year}"))

    def load(self) -> None:
        client = self.app.client
        self.year = self.year or self.app.today.year
        head = self.query_one("#raoce-head", Static)
        if client is None:
            choose = commands.choose_client(self.app)
            head.update(f"Elija un cliente ({choose}) para preparar su RAOCE.")
            return
        sheet = raoce.show(self.app.db, client.rfc, self.year)
        for spec in FIELDS:
            row = self.query_one(f"#row-{spec.name}", FieldRow)
            row.input.value = sheet[SHEET_KEYS[spec.name]] or ""
        self.loaded, self.version = (client.rfc, self.year), sheet["version"]
        self.opened = self.values()
        importaciones = self.query_one("#row-importaciones", FieldRow)
        importaciones.input.disabled = not sheet["importaciones_habilitado"]
        importaciones.input.placeholder = importaciones_hint(
            raoce.held_types(self.app.db, client.rfc)
        )
        importaciones.show(
            None
            if sheet["importaciones_habilitado"]
            else "VUCEM no lo habilita para IMMEX con PROSEC, ECEX o ALTEX",
            level="warning",
        )
        head.update(
            markup(
                f"[b]$nombre[/] · RFC [b]$rfc[/] · RAOCE [b]{self.year}[/] (ejercicio "
                f"{self.year - 1}) · programas $programas · cifras en miles de pesos",
                nombre=sheet["razon_social"],
                rfc=sheet["rfc"],
                programas=", ".join(sheet["programas"]) or "ninguno",
            )
        )
        self.show_sheet(sheet)
        self.query_one("#f-ventas", Input).focus()

    def show_sheet(self, sheet: dict) -> None:
        """The computed figures and the checks; a line too long for the screen goes on under
        its own text (2 cells in, a check's under its rule past the mark)."""
        ped = sheet["exportaciones_pedimentos"]
        lines = [
            (0, markup("[b]Como se captura en VUCEM[/]")),
            *(
                (2, markup(f"  {label:40} [b]$value[/]", value=sheet[key] or "—"))
                for label, key in raoce.VUCEM_FIELDS
            ),
            (
                2,
                markup(
                    "  Pedimentos de exportación del ejercicio: directas $directas, "
                    "indirectas $indirectas (miles de pesos)",
                    **ped,
                ),
            ),
        ]
        if "PROSEC" in sheet["programas"]:
            key = commands.key_display(self.app, commands.BY_ID["raoce.bienes"])
            bienes = sheet["bienes_producidos"]
            lines.append(
                (
                    0,
                    markup(
                        f"[b]Relación de bienes producidos (PROSEC)[/]: $n · {key} la captura",
                        n=counted(len(bienes), "bien", "bienes"),
                    ),
                )
            )
            units = catalogs.load("unidades").entries
            lines += [
                (
                    2,
                    markup(
                        "  $sector $fraccion $descripcion · $volumen $unidad",
                        **b | {"volumen": quantity(b["volumen"]), "unidad": units.get(b["unidad"])},
                    ),
                )
                for b in bienes
            ]
        self.query_one("#raoce-computed", Static).update(Hanging(lines))
        marks = {True: "[green]✓[/]", False: "[red]✗[/]", None: "[yellow]?[/]"}
        self.query_one("#raoce-checks", Static).update(
            Hanging(
                [(0, markup("[b]Verificaciones[/]"))]
                + [
                    (4, markup(f"  {marks[c['passed']]} $rule: $detail", **c))
                    for c in sheet["checks"]
                ]
            )
        )

    def on_input_blurred(self, event: Input.Blurred) -> None:
        name = (event.input.id or "").removeprefix("f-")
        if name in SHEET_KEYS and event.value.strip():
            try:
                raoce.parse_amount(name, event.value)
            except InvalidInput as exc:
                self.query_one(f"#row-{name}", FieldRow).show(exc.message)
                return
            self.query_one(f"#row-{name}", FieldRow).show(None)

    def action_save(self) -> None:
        client = self.app.client
        if client is None:
            return
        values = self.values()
        if self.query_one("#row-importaciones", FieldRow).input.disabled:
            values["importaciones"] = ""
        try:
            sheet = raoce.set_worksheet(
                self.app.db,
                client.rfc,
                self.year or self.app.today.year,
                expected_version=self.version,
                **values,
            )
        except StaleRecord as exc:
            resolve(self, exc, self.opened, values, partial(self.rebase, exc))
            return
        except InvalidInput as exc:
            told = str(exc)
            if exc.field in SHEET_KEYS:
                row = self.query_one(f"#row-{exc.field}", FieldRow)
                row.show(exc.message)
                focus_now(row.input)  # typing goes on in the field to correct
                label = next(spec.label for spec in FIELDS if spec.name == exc.field)
                told = f"{label}: {exc.message}"  # as labelled, never the field's id
            self.notify(told, severity="error")
            return
        self.version, self.opened = sheet["version"], self.values()
        self.notify(f"Hoja RAOCE {self.year} guardada.")
        self.show_sheet(sheet)

    def rebase(self, stale: StaleRecord, values: dict[str, str], save: bool) -> None:
        """Go on from the worksheet as stored now (after a stale save), as FormScreen.rebase."""
        for name, value in values.items():
            self.query_one(f"#row-{name}", FieldRow).input.value = value
        self.opened = {k: "" if v is None else v for k, v in stale.current.items()}
        self.version = stale.version
        if save:
            self.action_save()
        else:
            self.notify(f"Se cargó la hoja guardada (versión {stale.version}); la suya se descartó")

    def action_bienes(self) -> None:
        client = self.app.client
        if client is None:
            return
        if "PROSEC" not in raoce.held_types(self.app.db, client.rfc):
            self.notify(
                f"{client.rfc} no tiene PROSEC: la relación de bienes es sólo del PROSEC.",
                severity="warning",
            )
            return
        year = self.year or self.app.today.year
        self.app.push_screen(
            BienesScreen(client.rfc, year),
            lambda _: self.show_sheet(raoce.show(self.app.db, client.rfc, year)),
        )

    def action_file(self) -> None:
        client = self.app.client
        if client is None:
            return
        types = sorted(raoce.held_types(self.app.db, client.rfc))
        choices = [(str(n), t) for n, t in enumerate(types, start=1)]
        year = self.year or self.app.today.year

        async def chosen(key: str | None) -> None:
            if key:
                await self.app.push_screen(
                    FilingScreen(client.rfc, dict(choices)[key], year),
                    lambda filed: self.load() if filed else None,
                )

        self.app.push_screen(
            ChoiceScreen(
                "¿Qué programa presenta? (el folio y la fecha se piden después)",
                "Presentar RAOCE",
                choices,
            ),
            chosen,
        )


class FilingScreen(Guarded, Screen):
    """Folio (25 digits) and date of the VUCEM acuse for one program."""

    CSS_PATH = "form.tcss"
    BINDINGS = commands.bindings("filing")

    def __init__(self, rfc: str, program: str, year: int) -> None:
        super().__init__()
        self.rfc, self.program, self.year = rfc, program, year

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="form-body"):
            yield Static(
                markup(
                    "Acuse del RAOCE $year de $program · $rfc",
                    year=self.year,
                    program=self.program,
                    rfc=self.rfc,
                )
            )
            yield FieldRow(FieldSpec("folio", "Folio del acuse", "25 dígitos"))
            yield FieldRow(FieldSpec("date", "Fecha de presentación", "AAAA-MM-DD"))
        yield FormStatus()
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = "Presentar RAOCE"
        self.query_one("#f-folio", Input).focus()

    def action_save(self) -> None:
        values = {n: self.query_one(f"#f-{n}", Input).value for n in ("folio", "date")}
        try:
            ob = deadlines.record_filing(
                self.app.db,
                self.rfc,
                self.program,
                self.year,
                values["folio"],
                values["date"],
                today=self.app.today,
            )
        except BrokerError as exc:
            field = exc.field if isinstance(exc, FieldError) else ""
            if isinstance(exc, FieldError) and field in values:
                self.query_one(f"#row-{field}", FieldRow).show(exc.message)
                focus_now(self.query_one(f"#f-{field}", Input))  # typing goes on there
            elif self.focused is None:
                focus_now(self.query_one("#f-folio", Input))
            # a field's message is under its field; the status line never shows the field's
            # internal name ("date: ...")
            told = "Revise el campo marcado." if field in values else exc
            self.query_one(FormStatus).say(told, error=True)
            return
        self.app.notify(
            f"RAOCE {self.year} de {self.program}: {STATUS_ES[ob.status]} el "
            f"{ob.filed_on}; corrección de errores hasta el {ob.correction_until}."
        )
        self.dismiss(True)

    def action_cancel(self) -> None:
        """Close; with a folio or date typed, ask first (as every form)."""
        leave(self, any(self.query_one(f"#f-{n}", Input).value for n in ("folio", "date")))
