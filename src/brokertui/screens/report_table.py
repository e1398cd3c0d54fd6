"""The paged table of an Anexo 24 report (core/anexo24/reports.py), its cells formatted as every
screen shows them: Reportes (F6) and Activo fijo show their reports through it."""

from __future__ import annotations

from collections.abc import Callable

from sqlite_utils import Database

from brokertui.core import formatting
from brokertui.core.anexo24 import reports
from brokertui.screens.widgets import Column, PagedTable

# The columns that hold a pedimento number, shown spaced as F4 does (18 columns wide).
NUMEROS = ("pedimento", "rectifica", "rectificado_por")


def report_table(
    db_of: Callable[[], Database],
    heading: reports.Heading,
    *,
    remember: str | None = None,
    focus: bool = False,
) -> PagedTable:
    """The report's rows, paged from SQLite (`db_of()`: the connection to read, that of the
    background read when the page is read there), searched and sorted by the table's view
    when it is `remember`ed; focused when mounted (`focus`)."""
    columns = [
        Column(c.key, c.label, max(c.width, len(c.label), 18 if c.key in NUMEROS else 0))
        for c in heading.report.columns
    ]
    kinds = {c.key: c.kind for c in heading.report.columns}

    def fetch(offset: int, limit: int, after: tuple | None = None) -> list[dict]:
        rows = reports.records(
            db_of(),
            heading,
            offset=offset,
            limit=limit,
            search=table.view.search,
            sort=table.view.sort,
            descending=table.view.descending,
            after=after,
        )
        return [
            {
                "_key": str(offset + i),
                **{k: v if k == "_after" else _shown(k, kinds[k], v) for k, v in row.items()},
            }
            for i, row in enumerate(rows)
        ]

    table = PagedTable(
        columns,
        fetch,
        lambda: reports.count(db_of(), heading, search=table.view.search),
        key="_key",
        noun="filas",
        remember=remember,
        focus=focus,
        # read in the background: a costly report, and any sorted by a column (a report of a
        # big client's year sorts hundreds of thousands of rows for it)
        slow=lambda view: heading.report.costly or view.sort is not None,
    )
    return table


def _shown(key: str, kind: str, value: object) -> str:
    """A report cell as every screen shows it (core/formatting.py); the exports keep the
    plain values."""
    if key in NUMEROS:
        return formatting.pedimento(value)
    if kind == "qty":
        return formatting.quantity(value)
    if kind == "money":
        return formatting.amount(value)
    return reports.text(value)
