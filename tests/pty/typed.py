"""What tests/pty/test_typeahead.py types: random values (hypothesis strategies) and the keys
that type them into a form's fields in one burst, the way a hurried user does.

A field is entered by Tab (or by the form opening) with its text selected, so typing replaces
it and typing nothing keeps it. `field_keys` types a value plainly, or with a typo taken back
(Backspace), or its end first and then Home and its start, or with a character left out and
put back after some Left arrows: the editing keys land in the burst between the letters. A
field with a list may be typed as a prefix and completed with Right (`completed`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from contextlib import closing
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

from brokertui.core import db as store
from tests.pty.harness import Terminal, keys

TAB, SAVE, NEW_ROW = keys("tab"), keys("ctrl+s"), keys("ctrl+n")
LETTERS = "abcdefghijklmnñopqrstuvwxyzáéíóúü"
ALPHABET = LETTERS + LETTERS.upper() + "0123456789.,#-/'&()"
WORD = st.text(ALPHABET, min_size=1, max_size=9)
# Examples per form; BROKERTUI_TYPEAHEAD_EXAMPLES=50 for a long local run, with new values.
EXAMPLES = int(os.environ.get("BROKERTUI_TYPEAHEAD_EXAMPLES", "0"))


def examples(default: int) -> settings:
    """The same values on every run (derandomized) unless BROKERTUI_TYPEAHEAD_EXAMPLES asks for
    a long run, which draws new ones each time; no shrinking (each example drives the one app
    further, so a failure is reported as found, with the screen)."""
    return settings(
        max_examples=EXAMPLES or default,
        derandomize=not EXAMPLES,
        database=None,
        deadline=None,
        phases=(Phase.explicit, Phase.generate),
        suppress_health_check=list(HealthCheck),
    )


def text(low: int, high: int) -> st.SearchStrategy[str]:
    """`low` to `high` words of letters (accents, ñ, ü), digits and punctuation; a word may
    bring a second space before it (the form's check collapses it, and the first's, away)."""
    words = st.lists(st.tuples(st.sampled_from(("", "", " ")), WORD), min_size=low, max_size=high)
    return words.map(lambda items: " ".join(space + word for space, word in items))


def amount(places: int, low: str = "0.01", high: str = "99999") -> st.SearchStrategy[str]:
    """A positive decimal with up to `places` decimals, as text."""
    return st.decimals(Decimal(low), Decimal(high), places=places).map(
        lambda d: format(d.normalize(), "f")
    )


def optional(values: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(st.just(""), values)


def field_keys(draw: Callable, value: str) -> bytes:
    """The keys that type `value` into a field just entered (see the module docstring)."""
    if len(value) < 2:
        return value.encode()
    how = draw(st.sampled_from(("plain", "plain", "typo", "home", "left")))
    cut = draw(st.integers(1, len(value) - 1))
    if how == "typo":
        return (value + draw(WORD)[:1]).encode() + keys("backspace")
    if how == "home":
        return value[cut:].encode() + keys("home") + value[:cut].encode()
    if how == "left":
        back = keys(*["left"] * (len(value) - cut - 1))
        return (value[:cut] + value[cut + 1 :]).encode() + back + value[cut].encode()
    return value.encode()


def completed(draw: Callable, value: str, choices: Sequence[str]) -> bytes:
    """`value` typed whole, or (when it is in `choices`) a prefix of it that the list completes
    to it, then Right to take the completion."""
    if value not in choices or draw(st.booleans()):
        return field_keys(draw, value)
    first = {
        n: next(c for c in choices if c.casefold().startswith(value[:n].casefold()))
        for n in range(1, len(value) + 1)
    }
    shortest = min((n for n, choice in first.items() if choice == value), default=None)
    if shortest is None:  # an entry before it begins with it: Right would not give it
        return field_keys(draw, value)
    prefix = value[: draw(st.integers(shortest, len(value)))]
    return draw(st.sampled_from((prefix, prefix.lower(), prefix.upper()))).encode() + keys("right")


def fields(typed: Sequence[bytes]) -> bytes:
    """A row of fields, Tab between them."""
    return TAB.join(typed)


def wait_stored(
    term: Terminal, db_path: Path, found: Callable[[Any], Any], idle: float = 10, most: float = 600
) -> Any:
    """Poll the database until `found(db)` is truthy and return it; fail with the screen when
    the app has been idle for `idle` seconds without it (under IDLE_CPU of a CPU: its timers
    only; it has handled every key, so what was typed is lost), or after `most` seconds. On a
    loaded machine the app may take minutes to work through a long burst: a fixed timeout took
    slow for lost."""
    started = time.monotonic()
    samples = [(started, _cpu_seconds(term))]
    while True:
        with closing(store.connect(db_path)) as db:
            result = found(db)
        if result:
            return result
        now = time.monotonic()
        samples.append((now, _cpu_seconds(term)))
        while samples[1][0] <= now - idle:
            samples.pop(0)
        window = now - samples[0][0]
        quiet = window >= idle and samples[-1][1] - samples[0][1] < IDLE_CPU * window
        if quiet or now - started > most:
            raise AssertionError(
                f"not stored after {now - started:.0f} s; the screen:\n{term.screen_text()}"
            )
        time.sleep(0.1)


IDLE_CPU = 0.03  # share of a CPU an idle app uses (cursor blink, live poll); typing uses more


def _cpu_seconds(term: Terminal) -> float:
    """CPU time the app's process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{term.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
