"""Widgets shared by several screens: a validated field row and a table paged from SQLite."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.suggester import SuggestFromList
from textual.widgets import DataTable, Input, Label, Static

from brokertui.screens import commands
from brokertui.screens.jobs import read_later
from brokertui.screens.text import SAFE_INPUT, clean, plain


class NavBar(Static):
    """The function-key bar under the header: every main screen, the current one highlighted."""

    DEFAULT_CSS = """
    NavBar { height: 1; background: $panel; color: $text-muted; }
    """

    def on_mount(self) -> None:
        keys = [("F1", "Ayuda", None)] + [(i.key.upper(), i.label, i.mode) for i in self.app.NAV]
        current = self.app.current_mode
        parts = []
        for key, label, mode in keys:
            style = "reverse bold" if mode == current else ""
            parts.append(
                f"[b $accent]{key}[/][{style}]{label}[/]"
                if style
                else f"[b $accent]{key}[/] {label}"
            )
        self.update(" ".join(parts))


@dataclass(frozen=True)
class FieldSpec:
    """One form field: its model field name, label, hint and autocomplete list."""

    name: str
    label: str
    placeholder: str = ""
    suggestions: Sequence[str] = field(default_factory=tuple)
    locked: bool = False  # shown but not editable (e.g. the RFC when editing)


class FieldInput(Input):
    """A field's input: its list completes the text only when asked, by Right or End with the
    cursor at the end (the entry shown in grey), never on its own when the field is left."""

    def __init__(self, choices: Sequence[str], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.choices = choices

    def completion(self) -> str | None:
        """The first entry of the list the text begins (case aside), if any."""
        typed = self.value.casefold()
        return next((c for c in self.choices if typed and c.casefold().startswith(typed)), None)

    def accept(self) -> bool:
        option = self.completion() if self.cursor_at_end else None
        if option is None or option == self.value:
            return False
        self.value = option
        self.cursor_position = len(option)
        return True

    def action_cursor_right(self, select: bool = False) -> None:
        if select or not self.accept():
            super().action_cursor_right(select)

    def action_end(self, select: bool = False) -> None:
        if select or not self.accept():
            super().action_end(select)


class FieldRow(Vertical):
    """A label and an input on one line, with the field's message under them."""

    def __init__(self, spec: FieldSpec, value: str = "", prefix: str = "") -> None:
        super().__init__(id=f"row-{prefix}{spec.name}", classes="field-row")
        self.spec = spec
        self.initial = value
        self.prefix = prefix

    def compose(self) -> ComposeResult:
        suggester = (
            SuggestFromList([clean(s) for s in self.spec.suggestions], case_sensitive=False)
            if self.spec.suggestions
            else None
        )
        self._input = FieldInput(
            self.spec.suggestions,
            self.initial,
            placeholder=self.spec.placeholder,
            id=f"f-{self.prefix}{self.spec.name}",
            suggester=suggester,
            disabled=self.spec.locked,
            compact=True,
            highlighter=SAFE_INPUT,
        )
        with Horizontal(classes="field-line"):
            yield Label(self.spec.label, classes="field-label")
            yield self._input
        yield Static("", classes="field-message")

    @property
    def input(self) -> FieldInput:
        return self._input

    def normalize(self, text: str, left: str | None = None) -> None:
        """Show a checked value as stored (`text`), unless the user is back in the field or
        changed it since leaving it with `left` (a check never rewrites what is being typed)."""
        field = self.input
        back = field.screen.focused is field or field.value != left
        if text != field.value and (left is None or not back):
            field.value = text

    def show(self, message: str | None, level: str = "error") -> None:
        """Show (or clear, with None) the message beside the field."""
        note = self.query_one(".field-message", Static)
        note.update(plain(message, lines=True))
        note.set_class(bool(message), "-shown")
        for name in ("error", "warning"):
            note.set_class(name == level and bool(message), f"-{name}")
        self.set_class(bool(message) and level == "error", "-invalid")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int | None = None


class PagedTable(Vertical):
    """A DataTable that holds one page of rows fetched from SQLite, never the whole table.

    A page is shown as soon as its own query returns (it fetches one row more to know whether
    another page follows). The total is known at once when everything fits on the first
    page; otherwise `count` runs in the background on a connection of its own
    (jobs.read_later) and the pager says "≥ N … contando" until it is known. Turning a page
    runs the page's query only: the total stays until the next reload."""

    DEFAULT_CSS = """
    PagedTable { height: 1fr; }
    PagedTable DataTable { height: 1fr; }
    PagedTable .pager { height: 1; padding: 0 1; color: $text-muted; }
    """

    BINDINGS = commands.bindings("table")

    def __init__(
        self,
        columns: Sequence[Column],
        fetch: Callable[[int, int], list[dict]],
        count: Callable[[], int],
        *,
        key: str,
        noun: str = "registros",
        page_size: int = 100,
        load_on_mount: bool = True,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id, classes="paged-table")
        self.load_on_mount = load_on_mount  # False: the screen loads it (on_screen_resume)
        self.columns = list(columns)
        self.fetch = fetch
        self.count = count
        self.key = key
        self.noun = noun
        self.page_size = page_size
        self.page = 0
        self.total: int | None = 0  # None while counting
        self.more = False  # another page follows the one shown
        self.keep_page = False  # live refresh (screens/live.py): first_page keeps the page

    def compose(self) -> ComposeResult:
        yield DataTable(cursor_type="row", zebra_stripes=True)
        yield Static("", classes="pager")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for column in self.columns:
            table.add_column(column.label, key=column.key, width=column.width)
        if self.load_on_mount:
            self.reload()

    @property
    def table(self) -> DataTable:
        return self.query_one(DataTable)

    @property
    def pages(self) -> int:
        """Pages in all (while counting: the pages known to exist)."""
        if self.total is None:
            return self.page + 1 + self.more
        return max(1, -(-self.total // self.page_size))

    def relabel(self, labels: dict[str, str]) -> None:
        """New header labels for some columns (shown from the next reload)."""
        for column in self.table.columns.values():
            if column.key.value in labels:
                column.label = Text(labels[column.key.value])

    def reload(self, *, first_page: bool = False) -> None:
        """Fetch the current page again (after a change, a new filter or sort) and count anew."""
        if first_page and not self.keep_page:
            self.page = 0
        rows = self._show_page()
        if self.page and not rows:  # the data shrank under the page shown
            self.page = 0
            rows = self._show_page()
        if self.page == 0 and not self.more:
            self.total = len(rows)
            self._write_pager(len(rows))
            return
        self.total = None
        self._write_pager(len(rows))
        read_later(self, self.count, self._counted, group="count")

    def _show_page(self) -> list[dict]:
        rows = self.fetch(self.page * self.page_size, self.page_size + 1)
        self.more = len(rows) > self.page_size
        rows = rows[: self.page_size]
        table = self.table
        table.clear()
        for row in rows:
            table.add_row(*(_cell(row.get(c.key)) for c in self.columns), key=str(row[self.key]))
        self._write_pager(len(rows))
        return rows

    def _counted(self, total: int) -> None:
        if not self.is_attached:  # removed while counting (F6 shows another report)
            return
        self.total = total
        self._write_pager(self.table.row_count)

    def _write_pager(self, shown: int) -> None:
        first = self.page * self.page_size
        start, end = first + (1 if shown else 0), first + shown
        if self.total is None:
            text = (
                f"{start}–{end} de ≥ {end + self.more} {self.noun} · página {self.page + 1}"
                " · contando…"
            )
        else:
            text = (
                f"{start}–{end} de {self.total} {self.noun} · página {self.page + 1} de "
                f"{self.pages}"
            )
        self.query_one(".pager", Static).update(text)

    def action_page(self, step: int) -> None:
        target = self.page + step
        if 0 <= target < self.pages:
            self.page = target
            self._show_page()

    def selected_key(self) -> str | None:
        table = self.table
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value


def _cell(value) -> Text:
    if isinstance(value, Text):  # already styled (and cleaned) by the screen
        return value
    return plain(value)
