"""Issue 14, item 4: the checks a batch runs over a whole column give what the row check gives
value by value. Properties: pedimento numbers (numero.values against numero.parse, formats.md
§2.3) and an entry's permanence alert date (entries.Expiry.column against the call per row,
rules.md §2.2)."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brokertui.core.anexo24 import entries
from brokertui.core.pedimentos import numero

# Good numbers in their written forms, and numbers breaking each rule of formats.md §2.3.
PEDIMENTOS = [
    "26 24 3953 6000098",
    "262439536000098",
    "26-24-3953-6000099",
    "26  07  3953  6000001",
    "26\t07 3953 6000002",
    "26 99 3953 6000001",  # no aduana 99
    "26 24 0000 6000001",  # patente 0000
    "26 24 3953 6000000",  # progressive 000000
    "26 24 3953 600009",  # 14 digits
    "",
    "26 24 3953 60000９8",  # a digit that is not ASCII
    "26\x0024 3953 6000098",
]


def _parsed(texts):
    try:
        return [numero.parse(t).value for t in texts]
    except ValueError:
        return "refused"


def _values(texts):
    try:
        return numero.values(texts)
    except ValueError:
        return "refused"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PEDIMENTOS), min_size=1, max_size=6))
def test_a_column_of_pedimento_numbers_is_read_as_each_one(texts):
    assert _values(texts) == _parsed(texts)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["IN", "AF", "A1", "IN"]),
            st.sampled_from(["72085101", "84713001", ""]),
            st.sampled_from(["2026-01-05", "2025-12-31", "2024-02-29", "2026-03-21"]),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_a_column_of_expiry_dates_is_each_rows(db, rows):  # the database is only read
    columns = [list(c) for c in zip(*rows, strict=True)]
    assert entries.expiry(db).column(*columns) == [entries.expiry(db)(*row) for row in rows]
