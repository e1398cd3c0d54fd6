"""The moment records are stamped with (db.now()): the real time, unless "today" is pinned.

`--today D` (cli/base.py) pins the day for the whole process with `pinned_today(D)`: every
stamp keeps the real time of day and moves to day D in Mexico City time, so what a session of
the demo or a test of a past day records arrived on that day, never after it. The demo builder
dates each arrival it plants with `at(moment)` (core/demo), so a demo built for a given today
has its files, captures and deliveries stamped on or before it. Liveness (session heartbeats,
leases, backups) keeps the real clock: it is compared between processes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import UTC, date, datetime, timedelta

from brokertui.core.dates import MEXICO

_offset = timedelta(0)  # the pinned day minus the real one, in whole days
_pinned: date | None = None  # the day `--today` gives, if any
_fixed: ContextVar[datetime | None] = ContextVar("fixed_moment", default=None)


def moment() -> datetime:
    """Now, in UTC (aware): the instant set by `at`, else the real time moved to the pinned
    day."""
    fixed = _fixed.get()
    if fixed is not None:
        return fixed.astimezone(UTC)
    return datetime.now(UTC) + _offset


@contextlib.contextmanager
def pinned_today(day: date | None) -> Iterator[None]:
    """Within it (the process, threads included), `moment()` falls on `day` in Mexico City at
    the real time of day; None changes nothing. The offset is whole days, so stamps keep their
    order and the time between them."""
    global _offset, _pinned
    before = _offset, _pinned
    if day is not None:
        _offset = timedelta(days=(day - datetime.now(MEXICO).date()).days)
        _pinned = day
    try:
        yield
    finally:
        _offset, _pinned = before


def today() -> date:
    """Today as the user sets it (`--today`), else the machine's, as the CLI's and the TUI's
    own `today`: what the checks of dates typed or imported compare with."""
    return _pinned or date.today()


@contextlib.contextmanager
def at(when: datetime) -> Iterator[None]:
    """Within it (this thread or task), `moment()` is `when` (aware): the demo builder dates
    each arrival it plants."""
    if when.tzinfo is None:
        raise ValueError("clock.at needs an aware datetime")
    token = _fixed.set(when)
    try:
        yield
    finally:
        _fixed.reset(token)
