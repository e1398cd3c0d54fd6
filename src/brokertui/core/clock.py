"""The one "today" (today()) and the moment records are stamped with (db.now()): the real
ones, unless "today" is pinned.

Today is the office's date, Mexico City's, never the machine's: several users share one
database over SSH on a server that may run in UTC or any zone, and the dates brokertui decides
on are Mexican legal dates (core/dates.py). At 19:00 in Mexico City a UTC server is already
on the next day; today() is not.

`--today D` (cli/base.py) pins the day for the whole process with `pinned_today(D)`, a
BrokerApp made with `today=D` for its run (app.py): `today()` is D, and every stamp keeps the
real time of day and moves to day D in Mexico City time, so what a session of the demo or a
test of a past day records arrived on that day, never after it. The demo builder dates each
arrival it plants with `at(moment)` (core/demo), so a demo built for a given today has its
files, captures and deliveries stamped on or before it. Liveness (session heartbeats, leases,
backups) keeps the real clock: it is compared between processes and with the files' own
times; so does the trace log, read beside the system's logs (both name their times in Mexico
City's, core/backup.py, core/log.py).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from brokertui.core.dates import MEXICO


@dataclass(frozen=True, eq=False)
class _Pin:
    day: date
    offset: timedelta  # the pinned day minus the real one, in whole days


_pins: tuple[_Pin, ...] = ()  # the pins in force, the newest (the one read) last
_pinning = threading.Lock()
_fixed: ContextVar[datetime | None] = ContextVar("fixed_moment", default=None)


def _pin() -> _Pin | None:
    pins = _pins  # read once: another thread may replace it
    return pins[-1] if pins else None


def moment() -> datetime:
    """Now, in UTC (aware): the instant set by `at`, else the real time moved to the pinned
    day."""
    fixed = _fixed.get()
    if fixed is not None:
        return fixed.astimezone(UTC)
    pin = _pin()
    return datetime.now(UTC) + (pin.offset if pin else timedelta(0))


@contextlib.contextmanager
def pinned_today(day: date | None) -> Iterator[None]:
    """Within it (the process, threads included), `today()` is `day` and `moment()` falls on
    it in Mexico City at the real time of day; None changes nothing. The offset is whole days,
    so stamps keep their order and the time between them. Pins may end in any order (two
    apps in one process): the newest still in force is the one read."""
    global _pins
    if day is None:
        yield
        return
    pin = _Pin(day, timedelta(days=(day - datetime.now(MEXICO).date()).days))
    with _pinning:
        _pins = (*_pins, pin)
    try:
        yield
    finally:
        with _pinning:
            _pins = tuple(p for p in _pins if p is not pin)


def today() -> date:
    """Today as the user sets it (`--today`, BrokerApp's `today`), else the date of `moment()`
    in Mexico City (so within `at`, that moment's): the one "today" of the CLI, the TUI and
    the checks of dates typed or imported, whatever the machine's time zone (module doc)."""
    pin = _pin()
    return pin.day if pin else moment().astimezone(MEXICO).date()


@contextlib.contextmanager
def at(when: datetime) -> Iterator[None]:
    """Within it (this thread or task), `moment()` is `when` (aware), and today() its day in
    Mexico City unless pinned: the demo builder dates each arrival it plants."""
    if when.tzinfo is None:
        raise ValueError("clock.at needs an aware datetime")
    token = _fixed.set(when)
    try:
        yield
    finally:
        _fixed.reset(token)
