"""A generic keyboard form: each field is checked as the user leaves it, Ctrl+S saves."""

from __future__ import annotations

from functools import partial
from typing import Any

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Input

from brokertui.core.errors import (
    BrokerError,
    Conflict,
    InvalidInput,
    NeedsConfirmation,
    StaleRecord,
)
from brokertui.core.models import Record, check_field
from brokertui.screens import commands
from brokertui.screens.base import Guarded
from brokertui.screens.dialogs import ConfirmScreen, LeaveScreen
from brokertui.screens.live import LiveNote
from brokertui.screens.stale import resolve
from brokertui.screens.typeahead import focus_now
from brokertui.screens.widgets import FieldRow, FieldSpec, FormStatus, KeyFooter


class FormScreen(Guarded, Screen[Any]):
    """Subclasses set `model`, `fields` and implement `submit`; dismisses with its result."""

    CSS_PATH = "form.tcss"
    BINDINGS = commands.bindings("form")
    model: type[Record]
    fields: list[FieldSpec]
    version: int | None = None  # editing: the stored version the values were read at
    confirmed = False  # the user just said yes to confirmation()

    def __init__(self, values: dict | None = None) -> None:
        super().__init__()
        self.initial = values or {}

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="form-body"):
            for spec in self.fields:
                yield FieldRow(spec, _text(self.initial.get(spec.name)))
        yield LiveNote()
        yield FormStatus()
        yield KeyFooter()

    def on_mount(self) -> None:
        first = next(spec for spec in self.fields if not spec.locked)
        self.row(first.name).input.focus()

    def row(self, name: str) -> FieldRow:
        return self.query_one(f"#row-{name}", FieldRow)

    def values(self) -> dict[str, str]:
        return {spec.name: self.row(spec.name).input.value for spec in self.fields}

    def warning(self, name: str, value: Any) -> str | None:
        """A non-blocking remark on a valid value (shown in yellow). None by default."""
        return None

    def check(self, name: str, left: str | None = None) -> bool:
        """Validate one field, normalize what the user typed, show the message. `left`: the
        value the field was left with (see FieldRow.normalize)."""
        row = self.row(name)
        if row.spec.locked:
            return True
        try:
            value = check_field(self.model, name, row.input.value if left is None else left)
        except InvalidInput as exc:
            row.show(exc.message)
            return False
        row.normalize(_text(value), left)
        row.show(self.warning(name, value), level="warning")
        return True

    def on_input_blurred(self, event: Input.Blurred) -> None:
        if event.input.id and event.input.id.startswith("f-"):
            self.check(event.input.id.removeprefix("f-"), event.value)

    def submit(self, values: dict[str, str], force: bool) -> Any:
        raise NotImplementedError

    def confirmation(self, values: dict[str, str]) -> str | None:
        """A question to ask before saving `values` (None by default: saved at once)."""
        return None

    def action_save(self) -> None:
        results = [self.check(spec.name) for spec in self.fields]
        if not all(results):
            bad = self.fields[results.index(False)].name
            focus_now(self.row(bad).input)
            self.query_one(FormStatus).say(
                "Corrija los campos marcados antes de guardar.", error=True
            )
            return
        self.save(force=False)

    def warning_answered(self, field: str, yes: bool | None) -> None:
        """A warning's answer: save anyway, or back to the field it is about."""
        if yes:
            self.save(force=True)
        else:
            self.row(field).input.focus()

    def save(self, force: bool) -> None:
        question = None if self.confirmed else self.confirmation(self.values())
        self.confirmed = False  # one yes, one save: what a refused save leads to is asked anew
        if question:

            def answered(yes: bool | None) -> None:
                if yes:
                    self.confirmed = True
                    self.save(force)

            self.app.push_screen(ConfirmScreen(question), answered)
            return
        try:
            result = self.submit(self.values(), force)
        except StaleRecord as exc:
            typed = self.values()
            opened = {name: _text(self.initial.get(name)) for name in exc.current}
            mine = {name: typed[name] for name in exc.current}
            resolve(self, exc, opened, mine, partial(self.rebase, exc))
            return
        except NeedsConfirmation as exc:
            field = exc.field
            self.app.push_screen(
                ConfirmScreen(f"{exc.message}.\n\n¿Guardar de todos modos?", "Advertencia"),
                partial(self.warning_answered, field),
            )
            return
        except (InvalidInput, Conflict) as exc:
            labels = {spec.name: spec.label for spec in self.fields}
            if exc.field in labels:  # named as the form labels it, not by its field's id
                self.row(exc.field).show(exc.message)
                focus_now(self.row(exc.field).input)
                self.query_one(FormStatus).say(f"{labels[exc.field]}: {exc.message}", error=True)
                return
            self.query_one(FormStatus).say(str(exc), error=True)
            return
        except BrokerError as exc:
            self.query_one(FormStatus).say(str(exc), error=True)
            return
        self.dismiss(result)

    def rebase(self, stale: StaleRecord, values: dict[str, str], save: bool) -> None:
        """Go on from the record as stored now (after a stale save): `values` in the fields,
        the stored ones as those opened, its version as the one read; then save them, or say
        that the stored record was loaded."""
        for name, value in values.items():
            self.row(name).input.value = value
        self.initial = {**self.initial, **stale.current}
        self.version = stale.version
        if save:
            self.save(force=False)
        else:
            self.query_one(FormStatus).say(
                f"Se cargó lo guardado (versión {stale.version}); lo que usted escribió se "
                "descartó."
            )

    def action_cancel(self) -> None:
        """Close; with values changed since the form opened, ask first (discard them or keep
        editing)."""
        opened = {spec.name: _text(self.initial.get(spec.name)) for spec in self.fields}
        leave(self, self.values() != opened)


def leave(screen: Screen, changed: bool) -> None:
    """Close `screen` (dismissing None); when `changed`, ask first: discard the changes or
    keep editing (also Esc: back to the form, the focus where it was)."""
    if not changed:
        screen.dismiss(None)
        return

    async def chosen(discard: bool | None) -> None:
        if discard:
            await screen.dismiss(None)

    screen.app.push_screen(LeaveScreen(), chosen)


def _text(value: Any) -> str:
    return "" if value is None else str(value)
