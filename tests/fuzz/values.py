"""Hostile values shared by the fuzz suites: what a file, a form or a command line may carry."""

from __future__ import annotations

from hypothesis import strategies as st

ESC, BEL = "\x1b", "\x07"
NUMBERS = (
    "0",
    "-1",
    "-0",
    "1,5",
    "1,234.5",
    "1,23",
    "1_000",
    "１２",  # fullwidth digits
    "٣٤",  # Arabic-Indic digits
    "1e309",
    "1E5",
    "-1e-400",
    "nan",
    "inf",
    "Infinity",
    ".5",
    "5.",
    ".",
    "0.0000001",
    "0.1234567",
    "9" * 19,
    "9223372036854775807",
    "9223372036854775808",
    "18446744073709551616",
    "9" * 30,
    "9" * 400,
    "9223372036854.775807",
    "9223372036854.775808",
    "1" + "0" * 4300,  # past Python's int-from-string digit limit
    "0x10",
    "1 000",
    "+5",
    "12.5 kg",
)
DATES = (
    "9999-12-31",
    "9999-12-31 23:59:59",
    "9998-01-01",
    "0001-01-01",
    "0001-01-01 00:00:00",
    "1899-12-31",
    "2026-02-30",
    "2026-13-01",
    "31/12/9999",
    "01/01/0001",
    "2026-01-05 17:48:15",
    "20260105",
    "2026/01/05 10:00:00",
    "10000-01-01",
    "2026-1-5",
    "２０２６-０１-０５",
    "2100-12-31",
    "2101-01-01",
    "1989-12-31",
)
TEXT = (
    "",
    " ",
    "Cierre [/] suelto",
    "[bold]x[/bold",
    "[@click=app.quit]x[/]",
    f"{ESC}]52;c;cm0gLXJmIH4={BEL}",
    f"{ESC}[2J",
    "C1 \x9b31m \x85",
    "nul\x00byte",
    "tab\tcr\rlf\nx",
    "bidi \u202egnp.exe",
    "宽字符 ＡＢＣ 🇲🇽",
    "e\u0301\u0301\u0301",
    '=HYPERLINK("http://x","y")',
    "=1+2",
    "+1",
    "@SUM(A1)",
    "-2+3",
    "ñandú Ñ",
    "x" * 300,
    "y" * 10_000,
    "NULL",
    "null",
    "None",
    "'; DROP TABLE clients;--",
    "%",
    "_",
    "\\",
    '"',
    "'",
    "|",
    ",",
    ";",
    "\ufeff",
    "\u2028",
    "\U0010ffff",
)
# Lone surrogates: what an undecodable byte of a command line becomes (os.fsdecode).
SURROGATES = ("\udcff", "a\udc80b", "\ud800")
HOSTILE = NUMBERS + DATES + TEXT


@st.composite
def mostly(draw, usual: str, *others: str) -> str:
    """`usual` about three times in four, else one of `others` (hypothesis's sampled_from and
    one_of do not keep the weight of a repeated choice)."""
    return usual if draw(st.integers(0, 3)) else draw(st.sampled_from(others))


@st.composite
def field_value(draw, valid: tuple[str, ...]) -> str:
    """Mostly a valid value of the field (so that rows and forms reach the deeper checks and
    the writes), about one time in six a hostile value or a random string. (The branch is an
    integer: hypothesis's one_of does not weigh repeated branches.)"""
    pick = draw(st.integers(0, 11))
    if pick == 0:
        return draw(st.sampled_from(HOSTILE))
    if pick == 1:
        return draw(st.text(max_size=8))
    return draw(st.sampled_from(valid))
