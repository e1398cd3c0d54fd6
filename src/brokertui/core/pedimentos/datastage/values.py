"""The values of a Data Stage row as ANAM writes them (formats.md §1.2, issue 13, item 1):
numbers, integers and dates, one at a time and a column of them at once (blocks.py).

A column's reading gives None when any of its values is not of its kind: the importer then
reads those rows one by one, which names the line and the rule (importer.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from brokertui.core import identifiers
from brokertui.core.quantities import check_limits

# The ANAM's numbers: no separators, no exponent; the integer or the decimal part may be
# missing (`.00` in 2022-2023 deliveries, `5.`), leading zeros may be written (issue 13).
NUMBER = re.compile(r"^-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)$")
# Already in the stored form (no leading zero but one, no bare point) and surely within
# check_limits: the usual case, kept as it is.
SAFE_NUMBER = re.compile(r"^-?(?:0|[1-9][0-9]{0,11})(?:\.[0-9]{1,6})?$")
DIGITS = re.compile(r"^[0-9]+$")
# A column joined by `|` (one regex call for the whole column) whose values are all SAFE_NUMBER
# or empty; all of at most 9 ASCII digits (surely within 64 bits).
_SAFE = r"(?:-?(?:0|[1-9][0-9]{0,11})(?:\.[0-9]{1,6})?)?"
_SAFE_COLUMN = re.compile(rf"{_SAFE}(?:\|{_SAFE})*\Z")
_SHORT_COLUMN = re.compile(r"[0-9]{1,9}(?:\|[0-9]{1,9})*\Z")
# formats.md §1.2: `YYYY-MM-DD HH:MM:SS` observed; RON writes `yyyy/MM/dd`, other parsers
# accept `YYYYMMDD`, `DDMMYYYY` and `DD/MM/YYYY`; any of them may carry a time (a spreadsheet
# re-saving a member writes `05/01/2026 17:48`, an export `2026-01-05T17:48:15.000`).
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%d/%m/%Y", "%d%m%Y")


@lru_cache(maxsize=8192)
def read_date(text: str) -> date | None:
    """Tolerant Data Stage date (formats.md §1.2: observed `YYYY-MM-DD HH:MM:SS`), in ASCII
    digits and within the app's window (identifiers.DATE_WINDOW); None otherwise. The time,
    when there is one, must be a time of day; only the date is kept."""
    text = identifiers.date_part(text.strip())
    for fmt in _DATE_FORMATS:
        try:
            return identifiers.in_window(datetime.strptime(text, fmt).date())
        except ValueError:
            continue
    return None


@lru_cache(maxsize=8192)
def canonical(text: str) -> str:
    """An ANAM number (NUMBER) in its stored form: one leading zero at most, a zero before a
    bare decimal point, no bare point at the end (`.00` → `0.00`, `5.` → `5`, `007.50` →
    `7.50`); its decimals are kept as delivered."""
    if SAFE_NUMBER.match(text):
        return text
    sign = "-" if text.startswith("-") else ""
    whole, _, decimals = text[len(sign) :].partition(".")
    return sign + (whole.lstrip("0") or "0") + ("." + decimals if decimals else "")


@lru_cache(maxsize=8192)
def number_problem(text: str) -> str | None:
    """Why `text` is not an ANAM number that fits the stored range (the one number parser's
    limits, quantities.check_limits; the sign is the ANAM's), or None."""
    if not NUMBER.match(text):
        return "no es un número"
    try:
        check_limits(abs(Decimal(text)))
    except ValueError as exc:
        return str(exc)
    return None


_BAD = object()  # a value not of its column's kind


@lru_cache(maxsize=8192)
def _stored_number(text: str) -> object:
    if not text:
        return text
    return _BAD if number_problem(text) else canonical(text)


@lru_cache(maxsize=8192)
def _stored_date(text: str) -> str:
    day = read_date(text) if text else None
    return day.isoformat() if day else text


@lru_cache(maxsize=8192)
def _day(text: str) -> str | None:
    day = read_date(text)
    return day.isoformat() if day else None


def numbers(column: Sequence[str]) -> Sequence | None:
    """A column of numbers in their stored form (empty stays empty)."""
    if _SAFE_COLUMN.match("|".join(column)):
        return column
    out = list(map(_stored_number, column))
    return None if _BAD in out else out


def amounts(column: Sequence[str]) -> Sequence | None:
    """A column of amounts in their stored form (empty reads as 0)."""
    return numbers([v or "0" for v in column] if "" in column else column)


def integers(column: Sequence[str]) -> list | None:
    """A column of integers (empty reads as None)."""
    if _SHORT_COLUMN.match("|".join(column)):
        return list(map(int, column))
    if "" in column and _SHORT_COLUMN.match("|".join(v or "0" for v in column)):
        return [int(v) if v else None for v in column]
    return None


def dates(column: Sequence[str]) -> list:
    """A column of dates: ISO when they read as one, else kept as delivered."""
    return list(map(_stored_date, column))


def days(column: Sequence[str]) -> list:
    """A column of dates: ISO when they read as one, else None."""
    return list(map(_day, column))


def codes(column: Sequence[str]) -> Sequence:
    """A column of codes, upper-cased."""
    joined = "|".join(column)
    return column if joined.upper() == joined else list(map(str.upper, column))
