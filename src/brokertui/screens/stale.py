"""Saving a record another user changed since it was opened (issue 12, item 2): the dialog that
shows who changed what (from the audit) and the three ways on: reload (discard mine, show
theirs), overwrite (save mine anyway) or merge field by field. Nothing is lost silently."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from brokertui.core import clock as core_clock
from brokertui.core import dates
from brokertui.core.db import merge_fields
from brokertui.core.errors import StaleRecord, at_most, quoted
from brokertui.screens import commands
from brokertui.screens.dialogs import ChoiceScreen
from brokertui.screens.text import markup, plain

Apply = Callable[[dict[str, str], bool], None]
SHOWN_CHANGES = 8  # lines of changes the dialog lists (it fits 80x24 with its choices)


def clock() -> datetime:
    """Now, for "hace 12 s": the clock audit times are stamped with (core/clock.py, so also
    under --today); tests freeze it."""
    return core_clock.moment()


def ago(at: str, now: datetime) -> str:
    """How long ago an audit time (UTC ISO-8601) was: "hace 12 s", "hace 3 min", "hace 2 h",
    or its date and time in Mexico City after a day (core/dates.py)."""
    seconds = max(0, int((now - datetime.fromisoformat(at)).total_seconds()))
    if seconds < 60:
        return f"hace {seconds} s"
    if seconds < 3600:
        return f"hace {seconds // 60} min"
    if seconds < 86400:
        return f"hace {seconds // 3600} h"
    return f"el {dates.local_time(at)}"


def change_lines(stale: StaleRecord, now: datetime) -> list[str]:
    """One line per field changed: "ana cambió calle: 'Av. Uno' → 'Av. Dos' hace 12 s" (the
    first SHOWN_CHANGES, and how many more)."""
    lines = [
        f"{change.os_user} cambió {line} {ago(change.at, now)}"
        for change in stale.changes
        for line in change.field_lines()
    ]
    return at_most(lines, SHOWN_CHANGES) or [
        f"Otro usuario lo guardó (versión {stale.version}) sin cambios en estos campos."
    ]


class StaleScreen(ModalScreen[str | None]):
    """Who changed the record since it was opened; dismisses with "reload", "overwrite",
    "merge", or None (back to the form, nothing saved)."""

    DEFAULT_CSS = """
    StaleScreen { align: center middle; }
    StaleScreen > Vertical {
        width: 76; height: auto; max-width: 95%; max-height: 90%;
        border: thick $warning; background: $surface; padding: 1 2;
    }
    StaleScreen #stale-changes { margin-bottom: 1; }
    StaleScreen .choice { color: $text-muted; }
    """
    BINDINGS = commands.bindings("stale")

    def __init__(self, stale: StaleRecord) -> None:
        super().__init__()
        self.stale = stale

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Otro usuario cambió este registro"
            yield Static(
                plain("\n".join(change_lines(self.stale, clock())), lines=True),
                id="stale-changes",
            )
            yield Static("Lo que usted escribió aún no se ha guardado.", classes="question")
            for command in commands.of_scopes("stale"):
                key = commands.key_display(self.app, command)
                yield Static(
                    markup(
                        "[b]$key[/]  $label — $help",
                        key=key,
                        label=command.label,
                        help=command.help,
                    ),
                    classes="choice",
                )

    def action_choose(self, answer: str | None) -> None:
        self.dismiss(answer)


def resolve(screen: Screen, stale: StaleRecord, base: dict, mine: dict, apply: Apply) -> None:
    """After a save refused as stale: ask the user, then `apply(values, save)` puts `values`
    in the form, now based on the stored record (stale.current at stale.version), and saves
    them when `save`. `base` are the values as opened, `mine` as typed, by the field names of
    stale.current (a field missing on one side: a row of a block that side does not have)."""
    theirs = {name: "" if value is None else str(value) for name, value in stale.current.items()}

    def chosen(answer: str | None) -> None:
        if answer == "reload":
            apply(theirs, False)
        elif answer == "overwrite":
            apply(mine, True)
        elif answer == "merge":
            merged, clashes = merge_fields(base, mine, theirs)
            _settle(screen, stale, merged, theirs, clashes, apply)

    screen.app.push_screen(StaleScreen(stale), chosen)


def _settle(
    screen: Screen,
    stale: StaleRecord,
    merged: dict,
    theirs: dict,
    clashes: list[str],
    apply: Apply,
) -> None:
    """Ask, one field at a time, which value stays where both sides changed it; then save the
    merge. Esc leaves the form as typed, nothing saved."""
    if not clashes:
        apply(merged, True)
        return
    name, rest = clashes[0], clashes[1:]
    who = ", ".join(dict.fromkeys(c.os_user for c in stale.changes if name in c.fields))

    def chosen(key: str | None) -> None:
        if key is None:
            return
        if key == "s":
            merged[name] = theirs.get(name)
        _settle(screen, stale, merged, theirs, rest, apply)

    screen.app.push_screen(
        ChoiceScreen(
            f"Ambos cambiaron {name}. ¿Cuál se queda?",
            f"Combinar: {name}",
            [
                ("m", f"el mío: {quoted(merged.get(name))}"),
                ("s", f"el de {who or 'otro usuario'}: {quoted(theirs.get(name))}"),
            ],
        ),
        chosen,
    )
