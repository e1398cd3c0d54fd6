"""Keyset paging (issue 14, item 3): a list's next page is read from just after the last row
shown, by the index of its order, instead of reading and skipping every row before it with
OFFSET (at offset 100,000 of the allocations that took over a second; after a row, as long as
the first page).

An order is a list of (SQL expression, descending), the last ones unique together (the
list's tie columns), so a row's values of them (its key) place it exactly. SQLite puts NULL
first going up and last going down; `after` follows it, so rows with NULLs or ties in the
sort column are neither skipped nor repeated."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from brokertui.core import search as find

Order = list[tuple[str, bool]]


def ordering(sort: str | None, descending: bool, sorts: Mapping[str, str], tie: str) -> Order:
    """The order search.order_by writes, as (expression, descending) pairs: the list's column
    `sort` (None: the first of `sorts`), then the tie columns ("a.x, a.y DESC") but that one
    (search.ties)."""
    find.order_by(sort, descending, sorts, tie)  # the same check of `sort`
    first = sorts[sort or next(iter(sorts))]
    return [(first, descending)] + [
        (part[: -len(" DESC")], True) if part.upper().endswith(" DESC") else (part, False)
        for part in find.ties(first, tie)
    ]


def order_sql(order: Order) -> str:
    return ", ".join(f"{expr} {'DESC' if desc else 'ASC'}" for expr, desc in order)


def key_columns(order: Order) -> str:
    """The order's values as columns _k0, _k1, … of a SELECT (with a leading comma); a bare
    name is a column of the SELECT already (an alias SQLite would not let another column
    use), read by its name."""
    return "".join(
        f", {expr} AS _k{i}" for i, (expr, _) in enumerate(order) if not expr.isidentifier()
    )


def key_of(row: Mapping, order: Order) -> tuple:
    """A row's key: its values of the order (read with key_columns)."""
    return tuple(
        row[expr if expr.isidentifier() else f"_k{i}"] for i, (expr, _) in enumerate(order)
    )


def after(order: Order, key: Sequence) -> tuple[str, dict]:
    """A condition (and its parameters) for the rows that come after `key` in `order`: equal
    on the first columns and beyond it on the next, for some number of first columns. The
    first column's bound comes first on its own, so SQLite can start at it in an index."""
    params = {f"_after{i}": value for i, value in enumerate(key)}
    terms = []
    for k, (expr, desc) in enumerate(order):
        beyond = _beyond(expr, desc, key[k], f":_after{k}")
        if beyond is not None:
            same = [f"{e} IS :_after{i}" for i, (e, _) in enumerate(order[:k])]
            terms.append(" AND ".join([*same, beyond]))
    condition = " OR ".join(f"({term})" for term in terms) or "0"
    expr, desc = order[0]
    if key[0] is not None:
        start = f"({expr} <= :_after0 OR {expr} IS NULL)" if desc else f"{expr} >= :_after0"
        condition = f"{start} AND ({condition})"
    return f"({condition})", params


def _beyond(expr: str, desc: bool, value: object, name: str) -> str | None:
    """`expr` placed after `value` in its direction (None: nothing is, NULL being last)."""
    if value is None:
        return None if desc else f"{expr} IS NOT NULL"
    return f"({expr} < {name} OR {expr} IS NULL)" if desc else f"{expr} > {name}"


@dataclass(frozen=True)
class Page:
    """One page of a list in `order`: `limit` rows from `offset`, or after the row whose key
    is `after` (then the offset only numbers the rows). No limit: the whole list, unkeyed."""

    order: Order
    offset: int = 0
    limit: int | None = None
    after: tuple | None = None

    @property
    def columns(self) -> str:
        """The key columns to select (a paged list's rows carry their key)."""
        return key_columns(self.order) if self.limit is not None else ""

    def where(self) -> tuple[str, dict]:
        """' AND <after the key>' and its parameters (nothing without a key)."""
        if self.after is None:
            return "", {}
        condition, params = after(self.order, self.after)
        return f" AND {condition}", params

    def tail(self) -> tuple[str, dict]:
        """' ORDER BY … LIMIT …' and its parameters."""
        sql = f" ORDER BY {order_sql(self.order)}"
        if self.limit is None:
            return sql, {}
        if self.after is not None:
            return sql + " LIMIT :_limit", {"_limit": self.limit}
        return sql + " LIMIT :_limit OFFSET :_offset", {
            "_limit": self.limit,
            "_offset": self.offset,
        }

    def keyed(self, rows: list[dict]) -> list[dict]:
        """`rows` read with `columns`, each with its key as `_after` (for the next page)."""
        if self.limit is not None:
            names = [f"_k{i}" for i in range(len(self.order))]
            for row in rows:
                row["_after"] = key_of(row, self.order)
                for name in names:
                    row.pop(name, None)
        return rows
