"""A block of repeated rows in the capture form (facturas, identificadores, partidas): a grid
of every row and, under it, the fields of the current row. Keys add, duplicate, delete and
move between rows without leaving the keyboard."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import DataTable, Static

from brokertui.screens import commands
from brokertui.screens.text import plain
from brokertui.screens.typeahead import focus_now
from brokertui.screens.widgets import FieldRow, FieldSpec


class BlockEditor(Vertical):
    BINDINGS = commands.bindings("block")

    class Changed(Message):
        """Rows were added, removed or the current row changed (totals, draft)."""

    def __init__(
        self,
        block: str,
        title: str,
        specs: list[FieldSpec],
        grid: list[tuple[str, str, int]],
        rows: list[dict] | None = None,
    ) -> None:
        super().__init__(id=f"block-{block}", classes="block")
        self.block = block
        self.title = title
        self.specs = specs
        self.grid = grid  # (field, label, width) shown in the summary table
        self.rows = [dict(r) for r in rows or []] or [{}]
        self.current = 0
        self._fields: dict[str, FieldRow] = {}

    @property
    def prefix(self) -> str:
        return f"{self.block}-"

    def compose(self) -> ComposeResult:
        yield Static(classes="block-title")
        table: DataTable[str | Text] = DataTable(
            cursor_type="row", zebra_stripes=True, classes="block-grid"
        )
        table.can_focus = False
        yield table
        for spec in self.specs:
            yield FieldRow(spec, self.rows[0].get(spec.name, ""), prefix=self.prefix)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("#", key="n", width=3)
        for name, label, width in self.grid:
            table.add_column(label, key=name, width=width)
        self.refresh_grid()

    def field(self, name: str) -> FieldRow:
        if name not in self._fields:
            self._fields[name] = self.query_one(f"#row-{self.prefix}{name}", FieldRow)
        return self._fields[name]

    def store(self) -> None:
        """Copy the inputs into the current row."""
        self.rows[self.current] = {
            spec.name: self.field(spec.name).input.value for spec in self.specs
        }

    def values(self) -> list[dict]:
        """Every row, numbered from 1 (partidas and their identifiers use the number)."""
        self.store()
        if self.block != "partidas":
            return [dict(row) for row in self.rows]
        return [{**row, "secuencia": str(i)} for i, row in enumerate(self.rows, start=1)]

    def show(self, index: int) -> None:
        """Make row `index` the current one and load its values into the fields."""
        self.current = max(0, min(index, len(self.rows) - 1))
        row = self.rows[self.current]
        for spec in self.specs:
            field = self.field(spec.name)
            field.input.value = row.get(spec.name, "")
            field.show(None)
        self.refresh_grid()
        self.post_message(self.Changed())

    def refresh_grid(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        for i, row in enumerate(self.rows, start=1):
            table.add_row(str(i), *(plain(row.get(name)) for name, _, _ in self.grid))
        table.move_cursor(row=self.current)
        key = {c.id: commands.key_display(self.app, c) for c in commands.of_scopes("block")}
        keys = (  # as the footer and F1 show them (the user's keymap); fits 80 columns
            f"{key['block.add']} nueva {key['block.duplicate']} duplicar "
            f"{key['block.delete']} quitar {key['block.prev']}/{key['block.next']} recorre"
        )
        self.query_one(".block-title", Static).update(
            Text.assemble(
                (self.title, "bold"), f" · {self.current + 1} de {len(self.rows)}  ", (keys, "dim")
            )
        )

    def update_field(self, name: str, value: str) -> None:
        """Keep the current row (and its grid cell) in step as the user types."""
        self.rows[self.current][name] = value
        table = self.query_one(DataTable)
        if name in self.grid_names and table.row_count > self.current:
            row_key = table.coordinate_to_cell_key(Coordinate(self.current, 0)).row_key
            table.update_cell(row_key, name, plain(value))

    @property
    def grid_names(self) -> set[str]:
        return {name for name, _, _ in self.grid}

    def focus_first(self) -> None:
        focus_now(self.field(self.specs[0].name).input)

    def action_add(self) -> None:
        self.store()
        self.rows.insert(self.current + 1, {})
        self.show(self.current + 1)
        self.focus_first()

    def action_duplicate(self) -> None:
        self.store()
        self.rows.insert(self.current + 1, dict(self.rows[self.current]))
        self.show(self.current + 1)
        self.focus_first()

    def action_delete(self) -> None:
        del self.rows[self.current]
        if not self.rows:
            self.rows = [{}]
        self.show(self.current)
        self.focus_first()

    def action_move(self, step: int) -> None:
        self.store()
        self.show(self.current + step)
        self.focus_first()
