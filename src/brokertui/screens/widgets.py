"""Widgets shared by several screens: a validated field row and a table paged from SQLite."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events, getters
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.css.styles import RulesMap
from textual.message import Message
from textual.screen import ModalScreen
from textual.strip import Strip
from textual.style import Style
from textual.suggester import SuggestFromList
from textual.timer import Timer
from textual.visual import RenderOptions, Visual
from textual.widgets import DataTable, Footer, Input, Label, OptionList, Select, Static
from textual.widgets._select import SelectCurrent, SelectOverlay
from textual.widgets.option_list import Option

from brokertui.core import preferences
from brokertui.core import search as find
from brokertui.core.errors import InvalidInput
from brokertui.core.plural import counted, singular
from brokertui.screens import commands
from brokertui.screens.jobs import read_later
from brokertui.screens.text import SAFE_INPUT, clean, plain

if TYPE_CHECKING:
    from brokertui.screens.base import BrokerApp


class KeyFooter(Footer):
    """Every screen's footer: Textual's Footer (compact), rebuilt only when the keys it shows
    change and its screen is in front. Textual's rebuilds all its keys whenever the screen's
    bindings may have changed (each focus move, each time a screen goes or comes back, the
    footers of the main screens left behind too): several times per key press, 10-100 ms each,
    for the same keys. A screen coming back refreshes its bindings, so its footer catches up
    then."""

    def __init__(self) -> None:
        super().__init__(compact=True)
        self._shown: tuple | None = None

    def _keys(self) -> tuple:
        """What compose() would show: each key shown, its label, action and state."""
        keys = [
            (key.key, self.app.get_key_display(key), key.description, key.action, on, tip)
            for (_, key, on, tip) in self.screen.active_bindings.values()
            if key.show
        ]
        return (*keys, self.compact, self.show_command_palette)

    async def recompose(self) -> None:
        if not (self.is_attached and self.screen.is_current):  # gone, or behind another
            return
        keys = self._keys() if self._bindings_ready else None
        if keys is not None and keys == self._shown:
            return
        self._shown = keys
        await super().recompose()


class Hanging(Visual):
    """Lines of a Static, each wrapped under its own text: a line that does not fit goes on
    `indent` cells in (Textual starts it at column 0, under the line's leading spaces or mark).
    `str()` is the lines unwrapped."""

    def __init__(self, lines: Sequence[tuple[int, Content]]) -> None:
        self.lines = lines

    def __str__(self) -> str:
        return "\n".join(line.plain for _, line in self.lines)

    def wrapped(self, width: int) -> Content:
        shown: list[Content] = []
        for indent, line in self.lines:
            first, *rest = line.wrap(width) or [line]
            shown.append(first)
            if rest:  # the rest, from its first word, wrapped in the room left by the indent
                plain, at = line.plain, len(first.plain)
                while at < len(plain) and plain[at] == " ":
                    at += 1
                shown += [part.pad_left(indent) for part in line[at:].wrap(max(width - indent, 1))]
        return Content("\n").join(shown)

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        return self.wrapped(width).render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return (
            Content("\n")
            .join(line for _, line in self.lines)
            .get_optimal_width(rules, container_width)
        )

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self.wrapped(width).get_height(rules, width)


class NavBar(Static):
    """The function-key bar under the header: every main screen, the current one highlighted."""

    DEFAULT_CSS = """
    NavBar { height: 1; background: $panel; color: $text-muted; }
    """

    if TYPE_CHECKING:
        app = getters.app(BrokerApp)

    def on_mount(self) -> None:
        current = self.app.current_mode
        self.update(
            key_menu(
                [(commands.key_of(self.app, "app.help"), "Ayuda", False)]
                + [
                    (commands.key_of(self.app, f"nav.{i.mode}"), i.label, i.mode == current)
                    for i in self.app.NAV
                ]
            )
        )


def key_menu(entries: Iterable[tuple[str, str, bool]]) -> str:
    """Markup of keys and what each shows (key, label, shown now), the one shown reversed. A
    space after every key: the text read off the screen (tmux capture-pane, a screen reader)
    says "F2 Tablero", not "F2Tablero". Labels are the app's own words, not data."""
    return " ".join(
        f"[b $accent]{key}[/] [reverse bold]{label}[/]" if now else f"[b $accent]{key}[/] {label}"
        for key, label, now in entries
    )


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

    def __init__(self, choices: Sequence[str], *args: Any, **kwargs: Any) -> None:  # Input's
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


class FormStatus(Static):
    """The line under a form: what saving it said, in the error colour when it failed."""

    def __init__(self) -> None:
        super().__init__("", id="form-status")

    def say(self, message: object, *, error: bool = False) -> None:
        self.update(plain(message, lines=True))
        self.set_class(error, "-error")


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
    name: str = ""  # what the column picker calls it when the header is blank

    @property
    def title(self) -> str:
        return self.label or self.name


@dataclass(frozen=True)
class View:
    """How a user looks at a list: what it searches (core/search.py), the column it is sorted
    by (None: the list's own order) and the direction. Kept per user and list."""

    search: str = ""
    sort: str | None = None
    descending: bool = False

    @classmethod
    def stored(cls, value: dict) -> View:
        """A view from its stored preference, whatever that holds."""
        search, sort = value.get("search"), value.get("sort")
        return cls(
            clean(search) if isinstance(search, str) else "",
            sort if isinstance(sort, str) else None,
            value.get("descending") is True,
        )


SEARCH_PAUSE = 0.25  # seconds of no typing before a list is searched


class SearchBar(Input):
    """The list's search line: shown by `/`, Enter goes back to the table, Esc clears it."""

    BINDINGS = commands.bindings("search")

    def action_clear(self) -> None:
        self.value = ""
        self.post_message(self.Submitted(self, ""))


class PagedTable(Vertical):
    """A DataTable that holds one page of rows fetched from SQLite, never the whole table,
    searched and sorted as its `view` says (`/` and `o`), the view kept per user when the
    table is named (`remember`).

    A page is shown as soon as its own query returns (it fetches one row more to know whether
    another page follows). The total is known at once when everything fits on the first
    page; otherwise `count` runs in the background on a connection of its own
    (jobs.read_later) and the pager says "≥ N … contando" until it is known. Turning a page
    runs the page's query only: the total stays until the next reload.

    Keyset paging (core/paging.py): when the rows `fetch` returns carry their `_after`, the
    next page is fetched with `after=` the last row's, so page N costs what page 1 does; the
    keys of the pages shown are kept for going back and for reloading the page in place.

    A view whose order no index gives (`slow(view)`: the page's query sorts or sums the whole
    list, up to seconds on a big client) is read in the background too: the pager says
    "ordenando…" (or "leyendo…" in the list's own order), the rows shown stay until the page
    comes, and every other key keeps working (the page keys wait for it). `fetch` then runs
    off the UI thread: it reads `app.db` and builds cells, it touches no widget."""

    DEFAULT_CSS = """
    PagedTable { height: 1fr; }
    PagedTable DataTable { height: 1fr; }
    PagedTable .pager { height: 1; padding: 0 1; color: $text-muted; }
    PagedTable SearchBar { display: none; margin: 0 1; }
    PagedTable SearchBar.-shown { display: block; }
    """

    BINDINGS = commands.bindings("table")
    if TYPE_CHECKING:
        app = getters.app(BrokerApp)

    class PageShown(Message):
        """A page was put in the table (its rows may be none)."""

    def __init__(
        self,
        columns: Sequence[Column],
        fetch: Callable[..., list[dict]],  # (offset, limit), and after= for keyset paging
        count: Callable[[], int],
        *,
        key: str,
        noun: str = "registros",
        page_size: int = 100,
        load_on_mount: bool = True,
        fixed_columns: int = 1,
        id: str | None = None,
        remember: str | None = None,
        sorts: Sequence[str] | None = None,
        focus: bool = False,
        slow: Callable[[View], bool] | None = None,
    ) -> None:
        """`fixed_columns`: the key columns that stay in view while ← → scroll the others;
        `focus`: the table takes the focus when mounted (before its first frame, which a
        later focus would draw again)."""
        super().__init__(id=id, classes="paged-table")
        self.focus_on_mount = focus
        self.load_on_mount = load_on_mount  # False: the screen loads it (on_screen_resume)
        self.fixed_columns = fixed_columns
        self.columns = list(columns)
        self.fetch = fetch
        self.count = count
        self.key = key
        self.noun = noun
        self.page_size = page_size
        self.page = 0
        self.total: int | None = 0  # None while counting
        self.more = False  # another page follows the one shown
        self._afters: list[tuple | None] = [None]  # per page shown: the key it starts after
        self.keep_page = False  # live refresh (screens/live.py): first_page keeps the page
        self.remember = remember  # the preference's name: vista.<remember>
        self.sorts = [c.key for c in self.columns] if sorts is None else list(sorts)
        self.view = View()
        self.slow = slow
        self.sorting = False  # a page of a slow view is being read
        self._typing: Timer | None = None

    def compose(self) -> ComposeResult:
        yield SearchBar(
            placeholder="Buscar (sin acentos; número, fecha AAAA-MM-DD..AAAA-MM-DD)",
            compact=True,
            highlighter=SAFE_INPUT,
        )
        yield DataTable(cursor_type="row", zebra_stripes=True, fixed_columns=self.fixed_columns)
        yield Static("", classes="pager")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for column in self.columns:
            table.add_column(column.label, key=column.key, width=column.width)
        if self.remember:
            view = View.stored(preferences.get(self.app.db, f"vista.{self.remember}"))
            self.view = view if view.sort in (None, *self.sorts) else View(view.search)
            with self.search_bar.prevent(Input.Changed):
                self.search_bar.value = self.view.search
            self.search_bar.set_class(bool(self.view.search), "-shown")
        if self.load_on_mount:
            self.reload()
        if self.focus_on_mount:
            self.screen.set_focus(table)

    @property
    def table(self) -> DataTable:
        return self.query_one(DataTable)

    @property
    def search_bar(self) -> SearchBar:
        return self.query_one(SearchBar)

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
            self._afters = [None]
        self._load(self._reloaded)

    def _reloaded(self, rows: list[dict]) -> None:
        if self.page and not rows:  # the data shrank under the page shown
            self.page = 0
            self._afters = [None]
            self._load(self._reloaded)
            return
        if self.page == 0 and not self.more:
            self.total = len(rows)
            self._write_pager(len(rows))
            return
        self.total = None
        self._write_pager(len(rows))
        read_later(self, self.count, self._counted, group="count")

    def _load(self, then: Callable[[list[dict]], object]) -> None:
        """Fetch and show the current page, then `then(rows)`: now, or in the background for
        a slow view (the total is not known meanwhile)."""
        offset, after = self.page * self.page_size, self._afters[self.page]

        def read() -> list[dict]:
            if after is None:
                return self.fetch(offset, self.page_size + 1)
            return self.fetch(offset, self.page_size + 1, after=after)

        if self.slow is None or not self.slow(self.view):
            self.workers.cancel_group(self, "page")  # a slow page still coming is dropped
            self.sorting = False
            try:
                rows = read()
            except InvalidInput as exc:  # a search with an impossible date: said, list kept
                self.notify(f"Buscar: {exc.message}", severity="error")
                return
            then(self._show_page(rows))
            return
        self.sorting, self.total = True, None
        self._write_pager(self.table.row_count)

        def done(rows: list[dict]) -> None:
            self.sorting = False
            if self.is_attached and self.display:  # not being removed (F6 mounts a new one)
                then(self._show_page(rows))

        read_later(self, read, done, group="page")

    def _show_page(self, rows: list[dict]) -> list[dict]:
        """Put the page `rows` (one more than a page: another follows) in the table."""
        self.more = len(rows) > self.page_size
        rows = rows[: self.page_size]
        del self._afters[self.page + 1 :]
        self._afters.append(rows[-1].get("_after") if rows else None)
        table = self.table
        table.clear()
        for row in rows:
            table.add_row(*(_cell(row.get(c.key)) for c in self.columns), key=str(row[self.key]))
        _settle(table)
        self._write_pager(len(rows))
        self.post_message(self.PageShown())
        return rows

    def _counted(self, total: int) -> None:
        if not self.is_attached:  # removed while counting (F6 shows another report)
            return
        self.total = total
        self._write_pager(self.table.row_count)

    def _write_pager(self, shown: int) -> None:
        first = self.page * self.page_size
        start, end = first + (1 if shown else 0), first + shown
        if self.sorting:
            text = f"{'ordenando' if self.view.sort else 'leyendo'}… (página {self.page + 1})"
        elif self.total is None:
            text = (
                f"{start:,}–{end:,} de ≥ {end + self.more:,} {self.noun} · página {self.page + 1:,}"
                " · contando…"
            )
        elif not self.total:
            text = counted(0, singular(self.noun), self.noun)  # "0 pedimentos"
        else:
            total = counted(self.total, singular(self.noun), self.noun)
            text = f"{start:,}–{end:,} de {total} · página {self.page + 1:,} de {self.pages:,}"
        self.query_one(".pager", Static).update(plain(text + self._shown()))

    def _shown(self) -> str:
        """The view, when it is not the list's own: ' · orden Fecha ▼ · «plast»'."""
        parts = []
        if self.view.sort:
            label = next(c.title for c in self.columns if c.key == self.view.sort)
            parts.append(f"orden {label} {'▼' if self.view.descending else '▲'}")
        if self.view.search and not self.search_bar.has_class("-shown"):
            parts.append(f"«{self.view.search}»")
        return "".join(f" · {part}" for part in parts)

    def set_view(self, view: View, *, keep: bool = True) -> None:
        """Show the list as `view` says from its first page, and remember it (`keep`)."""
        self.view = view
        if keep and self.remember:
            preferences.put(
                self.app.db,
                f"vista.{self.remember}",
                {"search": view.search, "sort": view.sort, "descending": view.descending},
            )
        if self.is_attached and self.display:  # not being replaced (F6 back from the picker)
            self.reload(first_page=True)

    def on_input_changed(self, event: Input.Changed) -> None:
        # The list searches once typing pauses (a search of a large list reads every row of
        # it); the search is kept when the user is done (Enter, Esc).
        event.stop()
        self._stop_typing()
        search = replace(self.view, search=event.value)
        self._typing = self.set_timer(SEARCH_PAUSE, lambda: self.set_view(search, keep=False))

    def _stop_typing(self) -> None:
        if self._typing is not None:
            self._typing.stop()
            self._typing = None

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._stop_typing()
        self.search_bar.set_class(bool(event.value), "-shown")
        self.table.focus()
        self.set_view(replace(self.view, search=event.value))

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        if event.widget is self.search_bar and not self.search_bar.value:
            self.search_bar.remove_class("-shown")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A list whose screen does not pass its view to the core (none named by `remember`
        yet) offers no search or sort; one with no column to sort by, no sort."""
        if action in ("sort", "reverse") and not self.sorts:
            return False  # a list with no sort leaves o to its screen (Entregas: oficio)
        return self.remember is not None or action not in ("search", "sort", "reverse")

    def action_search(self) -> None:
        self.search_bar.add_class("-shown")
        self.search_bar.focus()

    def action_sort(self) -> None:
        choices = [c for c in self.columns if c.key in self.sorts]
        self.app.push_screen(SortScreen(choices, self.view), self._sorted)

    def _sorted(self, view: View | None) -> None:
        if view is not None:
            self.set_view(view)

    def action_reverse(self) -> None:
        if self.view.sort is None:
            key = commands.key_of(self.app, "table.sort")
            self.notify(f"Elija primero la columna del orden ({key}).", severity="warning")
            return
        self.set_view(replace(self.view, descending=not self.view.descending))

    def action_page(self, step: int) -> None:
        target = self.page + step
        if not self.sorting and 0 <= target < self.pages:
            self.page = target
            self._load(lambda rows: None)

    def selected_key(self) -> str | None:
        table = self.table
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value


def key_of(key: str | None) -> str:
    """The key a table's row (RowKey.value) or a list's option (Option.id) was added with:
    every row and option the screens add has one."""
    assert key is not None, "a row or option added without its key"
    return key


def in_view(
    rows: list[dict], view: View, columns: Sequence[Column], date_key: str | None = None
) -> list[dict]:
    """Rows held in memory (a list the core computes whole) as `view` shows them: those
    matching its search (core/search.py: every column's text, `date_key`'s date for a date
    range), in its order."""
    wanted = find.parse(view.search)
    keys = [c.key for c in columns]
    if wanted:
        rows = [
            r for r in rows if find.matches((r.get(k) for k in keys), wanted, _day(r.get(date_key)))
        ]
    return find.sort_rows(list(rows), view.sort, view.descending, keys)


def _day(value: object) -> date | None:
    text = str(value or "")[:10]
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


class SortScreen(ModalScreen[View | None]):
    """The column picker: Enter sorts the list by a column, the same column again reverses
    it; the first line goes back to the list's own order."""

    DEFAULT_CSS = """
    SortScreen { align: center middle; }
    SortScreen > OptionList { width: 44; max-width: 100%; height: auto; max-height: 20;
                              border: thick $accent; background: $surface; }
    """
    BINDINGS = commands.bindings("sort_picker")

    def __init__(self, columns: Sequence[Column], view: View) -> None:
        super().__init__()
        self.columns = columns
        self.view = view

    def compose(self) -> ComposeResult:
        options = [Option("Orden de la lista", id="")]
        for column in self.columns:
            mark = ""
            if column.key == self.view.sort:  # Intro: the list's own key (Textual's OptionList)
                mark = "  ▼ (Intro: ▲)" if self.view.descending else "  ▲ (Intro: ▼)"
            options.append(Option(plain(f"{column.title}{mark}"), id=column.key))
        picker = OptionList(*options)
        picker.border_title = "Ordenar por (Intro)"
        yield picker
        yield KeyFooter()

    def on_mount(self) -> None:
        picker = self.query_one(OptionList)
        keys = ["", *(c.key for c in self.columns)]
        picker.highlighted = keys.index(self.view.sort or "")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        key = event.option.id or None
        if key is None:
            self.dismiss(View(self.view.search))
        elif key == self.view.sort:
            self.dismiss(replace(self.view, descending=not self.view.descending))
        else:
            self.dismiss(replace(self.view, sort=key, descending=False))

    def action_close(self) -> None:
        self.dismiss(None)


def _settle(table: DataTable) -> None:
    """Size `table` for the rows just added, now. Textual's DataTable does it when it is next
    idle, after a first frame drawn with the old size, and then draws the whole page again:
    on a page of 100 rows that second drawing is as long as the first (issue 14, item 3).
    Cells are measured only for a column sized by its content; the others have their width.
    These are the DataTable's own steps (textual is pinned in pyproject.toml)."""
    measured = any(column.auto_width for column in table.columns.values())
    new_rows = list(table._new_rows) if measured else []
    table._new_rows.clear()
    table._require_update_dimensions = False
    table._update_dimensions(new_rows)


def _cell(value: object) -> Text:
    if isinstance(value, Text):  # already styled (and cleaned) by the screen
        return value
    return plain(value)


class ChoiceList(SelectOverlay):
    """A Select's open list, its keys from the command table (Textual's says "Dismiss menu")."""

    BINDINGS = commands.bindings("select")


class ChoiceSelect(Select):
    """A Select whose open list speaks Spanish in the footer, F1 and the palette."""

    def compose(self) -> ComposeResult:
        yield SelectCurrent(self.prompt)
        yield ChoiceList(type_to_search=self._type_to_search).data_bind(compact=Select.compact)
