"""Keyset paging (core/paging.py): a list read page after page, each from just after the last
row of the one before, is the whole list in its order, with NULLs and ties in its sort
columns, going up or down."""

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brokertui.core import paging
from brokertui.core import search as find
from brokertui.core.errors import InvalidInput

SORTS = {"a": "t.a", "b": "t.b", "c": "(t.a IS NULL) * 2 + t.c", "n": "n"}  # n: an alias
TIES = ["t.id", "t.id DESC", "t.b, t.id", "t.a DESC, t.id DESC"]

rows = st.lists(
    st.tuples(
        st.none() | st.integers(0, 3),  # few values: many ties
        st.none() | st.sampled_from(["", "x", "X", "y", "ñ"]),
        st.integers(0, 1),
    ),
    max_size=40,
)


def table(values) -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.row_factory = sqlite3.Row
    db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b TEXT, c INTEGER)")
    db.execute("CREATE INDEX t_a ON t (a, id)")
    db.executemany("INSERT INTO t (a, b, c) VALUES (?, ?, ?)", values)
    return db


def read(db, order, where: str = "", params=None, limit: int | None = None) -> list:
    sql = f"SELECT t.id, t.c - t.a AS n{paging.key_columns(order)} FROM t {where} ORDER BY "
    sql += paging.order_sql(order) + (f" LIMIT {limit}" if limit else "")
    return list(db.execute(sql, params or {}))


@settings(max_examples=300, deadline=None)
@given(
    rows,
    st.sampled_from([*SORTS, None]),
    st.booleans(),
    st.sampled_from(TIES),
    st.integers(1, 7),
)
def test_the_pages_one_after_another_are_the_whole_list(values, sort, descending, tie, size):
    db = table(values)
    order = paging.ordering(sort, descending, SORTS, tie)
    whole = [r["id"] for r in read(db, order)]
    pages, key = [], None
    while True:
        where, params = paging.after(order, key) if key is not None else ("", {})
        page = read(db, order, f"WHERE {where}" if where else "", params, size)
        pages += [r["id"] for r in page]
        if len(page) < size:
            break
        key = paging.key_of(page[-1], order)
    assert pages == whole  # none skipped, none twice, in order


def test_the_order_is_the_one_search_writes():
    order = paging.ordering("b", True, SORTS, "t.b, t.id DESC")
    # The sort column again among the ties would stop SQLite from reading the order past it
    # from an index: it is left out (search.ties).
    assert paging.order_sql(order) == "t.b DESC, t.id DESC"
    assert find.order_by("b", True, SORTS, "t.b, t.id DESC") == paging.order_sql(order)
    assert paging.order_sql(paging.ordering("c", False, SORTS, "t.a DESC, t.id")) == (
        "(t.a IS NULL) * 2 + t.c ASC, t.a DESC, t.id ASC"
    )
    assert paging.ordering(None, False, SORTS, "t.id")[0] == ("t.a", False)
    with pytest.raises(InvalidInput):
        paging.ordering("z", False, SORTS, "t.id")


def test_the_next_page_starts_in_the_index():
    db = table([(k % 50, "x", 0) for k in range(5000)])
    order = paging.ordering("a", False, SORTS, "t.id")
    where, params = paging.after(order, (40, 4000))
    plan = " ".join(
        r[3] for r in db.execute(f"EXPLAIN QUERY PLAN SELECT id FROM t WHERE {where}", params)
    )
    assert "USING" in plan and "INDEX t_a" in plan and "a>?" in plan


def test_a_list_sorted_by_its_tie_column_reads_its_order_from_the_index():
    """F5's list sorts by the exit's date and then by its ties, the date first among them: an
    index by date and id gives that order whole, with no sort of any part of it."""
    db = table([(k % 50, "x", 0) for k in range(5000)])
    order = paging.ordering("a", False, SORTS, "t.a, t.id")
    sql = f"SELECT id FROM t ORDER BY {paging.order_sql(order)} LIMIT 3"
    plan = [r[3] for r in db.execute(f"EXPLAIN QUERY PLAN {sql}")]
    assert plan == ["SCAN t USING COVERING INDEX t_a"]
