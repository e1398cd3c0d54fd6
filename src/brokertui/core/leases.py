"""Claims on a long job (a discharge run, an interface import), kept in the job's own row so
that a second one is told who runs it.

A claim names its holder, "host:pid:token", and carries a heartbeat the holder renews as it
works. It is alive while its heartbeat is younger than STALE and, on this host, while its
process exists (a killed process frees its claims at once; the token tells this process's own
live claims from ones it left behind). A job that finds a claim that is not alive takes it
over and cleans what it had written.
"""

from __future__ import annotations

import os
import secrets
import socket
from datetime import UTC, datetime, timedelta

from brokertui.core import clock, dates

STALE = timedelta(minutes=10)  # a holder renews its heartbeat far more often than this

_held: set[str] = set()  # the claims this process holds now


def take() -> str:
    """A new holder name for a claim this process is taking."""
    holder = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
    _held.add(holder)
    return holder


def drop(holder: str) -> None:
    """This process no longer holds the claim."""
    _held.discard(holder)


def stamp() -> str:
    """A heartbeat: the current UTC time, ISO-8601 to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def alive(holder: str | None, heartbeat: str | None) -> bool:
    """Whether the process holding a claim may still be working on it."""
    if not holder or not heartbeat:
        return False
    if datetime.now(UTC) - datetime.fromisoformat(heartbeat) > STALE:
        return False
    host, pid, _ = holder.rsplit(":", 2)
    if host != socket.gethostname():
        return True
    if int(pid) == os.getpid():
        return holder in _held
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it exists
        return True
    return True


def since(started_at: str) -> str:
    """When a claim was taken, as the user reads it: Mexico City's 'HH:MM' (the date too if
    not today), as every time shown (core/dates.py), whatever the machine's zone. It was
    stamped by db.now(), so today is the clock's (a pinned day's too)."""
    local = dates.local(started_at)
    if local.date() == clock.today():
        return local.strftime("%H:%M")
    return local.strftime("%Y-%m-%d %H:%M")
