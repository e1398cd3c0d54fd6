"""Captura de pedimento (F4 → a): the pedimento in the order a broker reads it, each field
checked as the user leaves it, live totals, drafts saved as the user types, Ctrl+S saves."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import partial

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, Input, Static

from brokertui.core import catalogs, formatting
from brokertui.core.errors import (
    BrokerError,
    FieldError,
    InvalidInput,
    Location,
    NeedsConfirmation,
    StaleRecord,
)
from brokertui.core.models import Record, check_field
from brokertui.core.pedimentos import drafts, restricted, review
from brokertui.core.pedimentos import model as pedimento_model
from brokertui.core.pedimentos import numero as pedimento_numero
from brokertui.core.pedimentos import store as pedimentos
from brokertui.core.quantities import parse_decimal
from brokertui.screens import commands
from brokertui.screens.base import Guarded
from brokertui.screens.block_editor import BlockEditor
from brokertui.screens.dialogs import ChoiceScreen, ConfirmScreen
from brokertui.screens.live import Here, LiveNote
from brokertui.screens.stale import resolve
from brokertui.screens.typeahead import focus_now
from brokertui.screens.widgets import FieldRow, FieldSpec, FormStatus, KeyFooter

DRAFT_DELAY = 0.8  # seconds of quiet typing before the draft is written


def _choices(name: str) -> tuple[str, ...]:
    return tuple(catalogs.load(name).choices())


HEADER = [
    FieldSpec("numero", "Núm. pedimento", "26 24 3953 6000098"),
    FieldSpec("tipo_operacion", "Tipo operación", "1 importación · 2 exportación"),
    FieldSpec("clave", "Clave", "IN, AF, RT, V1…", _choices("claves")),
    FieldSpec("regimen", "Régimen", "ITE, IMD, EXD…", _choices("regimenes")),
    FieldSpec("tipo_cambio", "Tipo de cambio", "18.00120"),
    FieldSpec("aduana_entrada", "Aduana E/S (sección)", "p. ej. 240", _choices("aduanas")),
    FieldSpec("rfc", "RFC importador/exp.", "RFC del cliente"),
    FieldSpec("fecha_entrada", "Fecha de entrada", "AAAA-MM-DD"),
    FieldSpec("fecha_pago", "Fecha de pago", "AAAA-MM-DD"),
    FieldSpec("rectifica", "Rectifica a", "número del pedimento rectificado (si aplica)"),
]
FACTURA = [
    FieldSpec("numero", "Factura", "número de la factura"),
    FieldSpec("fecha", "Fecha factura", "AAAA-MM-DD"),
    FieldSpec("incoterm", "Incoterm", "FCA, EXW, DAP…", _choices("incoterms")),
    FieldSpec("moneda", "Moneda", "USD", _choices("monedas")),
    FieldSpec("valor_moneda", "Valor en moneda", "0.00"),
    FieldSpec("valor_usd", "Valor USD", "0.00"),
    FieldSpec("proveedor", "Proveedor", "razón social del proveedor"),
    FieldSpec("id_fiscal", "ID fiscal proveedor", "número fiscal del extranjero"),
]
IDENTIFICADOR = [
    FieldSpec("clave", "Identificador", "IM, GI, EB, AF…", _choices("identificadores")),
    FieldSpec("secuencia", "Partida", "vacío: del pedimento; número: de la partida"),
    FieldSpec("complemento1", "Complemento 1", "p. ej. folio GI o núm. IMMEX"),
    FieldSpec("complemento2", "Complemento 2", "p. ej. monto GI"),
    FieldSpec("complemento3", "Complemento 3", ""),
]
UNITS = _choices("unidades")
COUNTRIES = _choices("paises")


def partida_specs(fracciones: tuple[str, ...]) -> list[FieldSpec]:
    return [
        FieldSpec("fraccion", "Fracción", "8 dígitos, p. ej. 8538.90.99", fracciones),
        FieldSpec("nico", "NICO", "2 dígitos"),
        FieldSpec("umc", "UMC", "unidad comercial (Apéndice 7)", UNITS),
        FieldSpec("cantidad_umc", "Cantidad UMC", "0.000"),
        FieldSpec("umt", "UMT", "unidad de la tarifa (Apéndice 7)", UNITS),
        FieldSpec("cantidad_umt", "Cantidad UMT", "0.000"),
        FieldSpec("pais", "País origen/destino", "USA, CHN…", COUNTRIES),
        FieldSpec("descripcion", "Descripción", "descripción de la mercancía"),
        FieldSpec("numero_parte", "Número de parte", "del catálogo del cliente"),
        FieldSpec("valor_aduana", "Valor aduana", "MXN"),
        FieldSpec("valor_comercial", "Valor comercial", "MXN"),
        FieldSpec("precio_unitario", "Precio unitario", "MXN"),
        FieldSpec("valor_usd", "Valor USD", "0.00"),
        FieldSpec("tasa", "Tasa", "TG general, TP preferencial, PS, R8", _choices("tasas")),
        FieldSpec("tratado", "Tratado (si TP)", "TMEC, TLCUEM…", _choices("tratados")),
        FieldSpec("tasa_igi", "Tasa IGI %", "ad valorem, 0 a 100 (opcional)"),
    ]


_MODELS: dict[str, type[Record]] = {
    "facturas": pedimento_model.Factura,
    "identificadores": pedimento_model.Identificador,
    "partidas": pedimento_model.Partida,
}


class PedimentoFormScreen(Guarded, Screen[str | None]):
    """Dismisses with the saved pedimento's number (None when left without saving)."""

    CSS_PATH = ["form.tcss", "pedimento_form.tcss"]
    BINDINGS = commands.bindings("pedimento_form")

    def __init__(
        self,
        values: dict | None = None,
        *,
        draft_id: int | None = None,
        editing: bool = False,
        version: int | None = None,
    ) -> None:
        super().__init__()
        self.initial = values or {}
        self.draft_id = draft_id
        self.resumed_draft = draft_id  # kept when left unchanged
        self.editing = editing
        self.version = version  # editing: the stored version the values were read at
        self._draft_timer: Timer | None = None
        self.left = False
        self._blocks: dict[str, BlockEditor] = {}

    def compose(self) -> ComposeResult:
        app = self.app
        head = dict(self.initial.get("encabezado", {}))
        if not head.get("rfc") and app.client:
            head["rfc"] = app.client.rfc
        self.draft_client = app.client.id if app.client else None  # the drafts' client
        fracciones = tuple(pedimentos.used_fracciones(app.db, app.client.id)) if app.client else ()
        yield Header()
        with VerticalScroll(id="form-body"):
            yield Static("[b]Encabezado[/]", classes="block-title")
            for spec in HEADER:
                locked = self.editing and spec.name == "numero"
                yield FieldRow(
                    FieldSpec(spec.name, spec.label, spec.placeholder, spec.suggestions, locked),
                    head.get(spec.name, ""),
                    prefix="encabezado-",
                )
            yield BlockEditor(
                "facturas",
                "Facturas",
                FACTURA,
                [
                    ("numero", "Factura", 14),
                    ("valor_usd", "USD", 12),
                    ("proveedor", "Proveedor", 30),
                ],
                self.initial.get("facturas"),
            )
            yield BlockEditor(
                "identificadores",
                "Identificadores",
                IDENTIFICADOR,
                [
                    ("clave", "Id.", 4),
                    ("secuencia", "Part.", 5),
                    ("complemento1", "Compl. 1", 20),
                    ("complemento2", "Compl. 2", 14),
                ],
                self.initial.get("identificadores"),
            )
            yield BlockEditor(
                "partidas",
                "Partidas",
                partida_specs(fracciones),
                [
                    ("fraccion", "Fracción", 10),
                    ("cantidad_umc", "Cant. UMC", 10),
                    ("cantidad_umt", "Cant. UMT", 10),
                    ("pais", "País", 4),
                    ("valor_usd", "USD", 12),
                    ("descripcion", "Descripción", 28),
                ],
                self.initial.get("partidas"),
            )
        yield Static(id="totals")
        yield LiveNote()
        yield FormStatus()
        yield KeyFooter()

    def here(self) -> Here:
        head = self.initial.get("encabezado", {})
        rfc = head.get("rfc") or (self.app.client.rfc if self.app.client else None)
        if not self.editing:
            return Here(rfc)
        numero = head["numero"]
        label = f"Pedimento {pedimento_numero.Numero(numero).spaced()}"
        return Here(rfc, ("pedimento", numero), label=label)

    def on_mount(self) -> None:
        self.title = "Editar pedimento" if self.editing else "Captura de pedimento"
        first = "tipo_operacion" if self.editing else "numero"
        self.query_one(f"#f-encabezado-{first}", Input).focus()
        self.show_totals()
        self.opened = self.values()  # leaving asks only when something differs

    # -- values -------------------------------------------------------------------------------

    def header_row(self, name: str) -> FieldRow:
        return self.query_one(f"#row-encabezado-{name}", FieldRow)

    def block(self, name: str) -> BlockEditor:
        if name not in self._blocks:
            self._blocks[name] = self.query_one(f"#block-{name}", BlockEditor)
        return self._blocks[name]

    def values(self) -> dict:
        return {
            "encabezado": {s.name: self.header_row(s.name).input.value for s in HEADER},
            **{name: self.block(name).values() for name in _MODELS},
        }

    # -- as the user types --------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        block, _, name = (event.input.id or "").removeprefix("f-").partition("-")
        if block in _MODELS and event.value == event.input.value:  # else a later one comes
            self.block(block).update_field(name, event.value)
            if name in ("valor_usd", "valor_aduana"):
                self.show_totals()
        self.schedule_draft()

    def on_block_editor_changed(self, event: BlockEditor.Changed) -> None:
        self.show_totals()
        self.schedule_draft()

    def schedule_draft(self) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_DELAY, self.write_draft)

    def write_draft(self) -> None:
        if self.left:  # a timer or change still queued when the user left writes nothing
            return
        self.draft_id = drafts.save_draft(
            self.app.db, self.draft_id, self.draft_client, self.values()
        )

    def show_totals(self) -> None:
        t = review.totals(self.block("partidas").rows)
        facturas = review.totals(self.block("facturas").rows)["valor_usd"]
        differs = abs(facturas - t["valor_usd"]) > 1 and facturas
        mark = f" [b $warning]≠ facturas USD {_money(facturas)}[/]" if differs else ""
        self.query_one("#totals", Static).update(
            f"Partidas [b]{t['partidas']}[/] · Valor USD [b]{_money(t['valor_usd'])}[/] · "
            f"Valor aduana [b]{_money(t['valor_aduana'])}[/]{mark}"
        )

    # -- field checks -------------------------------------------------------------------------

    def on_input_blurred(self, event: Input.Blurred) -> None:
        ident = (event.input.id or "").removeprefix("f-")
        block, _, name = ident.partition("-")
        if block == "encabezado":
            self.check_field(self.header_row(name), pedimento_model.Encabezado, name, event.value)
        elif block in _MODELS:
            editor = self.block(block)
            self.check_field(editor.field(name), _MODELS[block], name, event.value, editor)

    def check_field(
        self,
        row: FieldRow,
        model: type[Record],
        name: str,
        left: str,
        editor: BlockEditor | None = None,
    ) -> bool:
        """Check the value a field was left with; normalize it unless the user is back in it
        (FieldRow.normalize)."""
        if row.spec.locked:
            return True
        if (
            not left.strip()
            and editor is not None
            and not any(str(v).strip() for v in editor.rows[editor.current].values())
        ):
            row.show(None)  # an untouched row is ignored when saving
            return True
        try:
            value = check_field(model, name, left)
            # ISO dates compare as text
            if editor is None and name == "fecha_pago" and str(value) > str(self.app.today):
                raise InvalidInput(name, review.FUTURE_PAYMENT)
        except InvalidInput as exc:
            row.show(exc.message)
            return False
        text = "" if value is None else str(value)
        if editor is None and name in ("numero", "rectifica") and text:
            text = pedimento_numero.Numero(text).spaced()  # as brokers write it
        row.normalize(text, left)
        row.show(self.remark(name, value, editor), level="warning")
        return True

    def remark(self, name: str, value: object, editor: BlockEditor | None) -> str | None:
        """A non-blocking note beside a valid field: number warnings, sensitive goods."""
        if name == "numero" and editor is None:
            warnings = pedimento_numero.parse(str(value), today=self.app.today).warnings
            return "; ".join(warnings) or None
        if (
            editor is not None
            and editor.block == "partidas"
            and name in ("fraccion", "cantidad_umt")
        ):
            row = editor.rows[editor.current]
            found = restricted.sensitive(re.sub(r"\D", "", row.get("fraccion", "")))
            if found:
                text = f"Sensible Anexo II sector {found.sector} ({found.sector_name})"
                try:
                    amount = found.guarantee(parse_decimal(row.get("cantidad_umt") or "0"))
                except ValueError:
                    amount = None
                return text + (f"; garantía USD {_money(amount)}" if amount else "")
        return None

    # -- save ---------------------------------------------------------------------------------

    def action_save(self, force: bool = False) -> None:
        try:
            ped = pedimento_model.parse(self.values())
            problems = pedimentos.save(
                self.app.db,
                ped,
                today=self.app.today,
                force=force,
                replace=self.editing,
                expected_version=self.version,
            )
        except NeedsConfirmation as exc:
            self.app.push_screen(
                ConfirmScreen(
                    exc.message.replace("; ", "\n") + "\n\n¿Guardar de todos modos?", "Advertencias"
                ),
                lambda yes: self.action_save(force=True) if yes else None,
            )
            return
        except StaleRecord as exc:
            opened = pedimentos.flat_values(self.initial)
            typed = pedimentos.flat_values(self.values())
            resolve(self, exc, opened, typed, partial(self.rebase, exc))
            return
        except BrokerError as exc:
            shown = str(exc)
            if isinstance(exc, FieldError):
                self.point_at(exc.location, exc.message)
                label = self.label_of(exc.location)
                shown = f"{label}: {exc.message}" if label else shown
            self.query_one(FormStatus).say(shown, error=True)
            return
        if self.draft_id is not None:
            drafts.delete_draft(self.app.db, self.draft_id, self.draft_client)
        if self._draft_timer is not None:
            self._draft_timer.stop()
        notes = [str(p) for p in problems if p.level == "info"]
        numero = formatting.pedimento(ped.encabezado.numero)
        self.app.notify(
            "\n".join([f"Pedimento {numero} guardado.", *notes]),
            timeout=8 if notes else 4,
        )
        self.dismiss(ped.encabezado.numero)

    def rebase(self, stale: StaleRecord, values: dict, save: bool) -> None:
        """Go on from the pedimento as stored now (after a stale save), as FormScreen.rebase:
        `values` (flat_values) in the header and the blocks' rows."""
        shown = pedimentos.nested_values(values)
        for spec in HEADER:
            self.header_row(spec.name).input.value = shown["encabezado"].get(spec.name, "")
        for name in _MODELS:
            editor = self.block(name)
            editor.rows = [dict(row) for row in shown[name]] or [{}]
            editor.show(0)
        self.initial = pedimentos.nested_values(stale.current)
        self.version = stale.version
        if save:
            self.action_save()
        else:
            self.query_one(FormStatus).say(
                f"Se cargó lo guardado (versión {stale.version}); lo que usted escribió se "
                "descartó."
            )

    def label_of(self, where: Location) -> str | None:
        """The field as the form labels it ('Partida 2, Fracción'; not its id 'partida 2,
        fraccion'), None when the form shows no such field."""
        if where.block in _MODELS and where.row is not None:
            specs = self.block(where.block).specs
            prefix = f"{(where.noun or where.block).capitalize()} {where.row}, "
        elif where.block is None:
            specs, prefix = HEADER, ""
        else:
            return None
        label = next((spec.label for spec in specs if spec.name == where.field), None)
        return prefix + label if label else None

    def point_at(self, where: Location, message: str) -> None:
        """Show an error beside its field (in its block row) and put the cursor there."""
        if where.block in _MODELS and where.row is not None:
            editor = self.block(where.block)
            editor.store()
            editor.show(where.row - 1)
            names = {s.name for s in editor.specs}
            target = editor.field(where.field) if where.field in names else None
        elif where.block is None and where.field in {s.name for s in HEADER}:
            target = self.header_row(where.field)
        else:
            return
        if target is not None:
            self.call_after_refresh(target.show, message)
            focus_now(target.input)

    def action_leave(self) -> None:
        """Leave; as the other forms, ask only when something changed since it opened."""

        def answer(choice: str | None, keep: int | None = None) -> None:
            if choice is None:
                return
            if self._draft_timer is not None:
                self._draft_timer.stop()
            if choice == "c":
                self.write_draft()
            elif self.draft_id is not None and self.draft_id != keep:
                drafts.delete_draft(self.app.db, self.draft_id, self.draft_client)
            self.left = True
            self.dismiss(None)

        if self.values() == self.opened:  # a draft written meanwhile holds the same: dropped
            answer("d", keep=self.resumed_draft)
            return

        self.app.push_screen(
            ChoiceScreen(
                "El pedimento no se ha guardado.",
                "Salir de la captura",
                [
                    ("c", "conservar el borrador (Pedimentos → b para continuar)"),
                    ("d", "descartar la captura"),
                ],
            ),
            answer,
        )


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"
