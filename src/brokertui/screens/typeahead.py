"""Type-ahead: keys typed faster than the screen answers (a burst over SSH) land, in order,
where the user typed them.

Textual 8 hands a key to the focused widget through that widget's message queue and runs a
key's bindings only once the key has bubbled back up to the app, while the app goes on handing
out the keys behind it; `Widget.focus` moves the focus only after the keys already waiting in
the app's queue, and a screen just opened gets its focus after the keys typed behind the key
that opened it. So in a burst the keys after a Tab went to the field the Tab left, an Input's
Backspace or arrow ran after the letters typed behind it, Ctrl+S saved before the last letters
reached their field, and the letters typed after the key that opens a form were lost. The app
therefore takes each key from the terminal itself, in order (`TypeAhead.take`):

- a printable key for a focused Input is handed to it, behind the keys before it and the
  focus it was given;
- any other key first waits until the focused widget (and the Input typed into before it)
  has handled what it was handed, then runs its binding at once (priority bindings, then the
  focused widget's and its ancestors'; without one it is handed to the focused widget), and
  waits until the widget and its ancestors have handled what that sent them (a row selected);
- the keys behind it are held until the app has run what that queued (a `Widget.focus`) and,
  when the screen changed, until the new screen has mounted and asked for its focus. A key
  arriving after the screen changed otherwise (a save closed the form) is held the same way.

Code that moves the focus in answer to a key may use `focus_now`, which needs no waiting.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterable
from dataclasses import dataclass

from textual import events, on
from textual._xterm_parser import XTermParser
from textual.app import App
from textual.command import CommandPalette
from textual.drivers import linux_driver
from textual.message import Message
from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input
from textual.worker import WorkerCancelled, WorkerFailed

CHECK_EVERY = 0.5  # seconds between checks that what is waited for can still answer
GIVE_UP = 30.0  # seconds; a widget that never answers (none seen so far) is not waited for longer


def focus_now(widget: Widget) -> None:
    """Give `widget` the focus now, before the next key is handled."""
    widget.screen.set_focus(widget)


@dataclass(eq=False)
class Wait:
    """One wait of the held keys for `screen` to settle, given up at `until` (monotonic)."""

    screen: Screen
    until: float


class TypeAhead:
    """The app's handling of the keys from the terminal (see the module docstring)."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.typed_into: Input | None = None  # handed keys not yet known to be handled
        self.seen: Screen | None = None  # the screen the last key was handled on
        self.held: list[events.Event] | None = None  # keys waiting for the app to settle
        self.holding: Wait | None = None  # what they wait for
        self.timer: Timer | None = None

    async def take(self, event: events.Event) -> bool:
        """Handle a key or paste from the terminal as above; False leaves it to Textual."""
        app = self.app
        if not isinstance(event, events.Key | events.Paste) or event.is_forwarded:
            return False
        if not app.screen_stack or not app.app_focus or app.screen.maximized is not None:
            return False
        if self.held is not None or app.screen is not self.seen:
            self.hold(event)
            return True
        focused = app.focused
        if isinstance(event, events.Paste):
            if isinstance(focused, Input):
                self.typed_into = focused  # Textual hands it to the Input, behind the keys
            return False
        if isinstance(focused, Input) and focused.check_consume_key(event.key, event.character):
            focused._forward_event(event)
            self.typed_into = focused
            return True
        await self.settle()
        target = focused or app.screen
        await _handled(target)
        if not (
            await app._check_bindings(event.key, priority=True)
            or await app._check_bindings(event.key)
        ):
            target._forward_event(event)
        for node in target.ancestors_with_self:
            if node is app:
                break
            await _handled(node)
        self.hold(None)
        return True

    async def settle(self) -> None:
        """Wait until the Input last typed into has handled the keys it was handed."""
        typed_into, self.typed_into = self.typed_into, None
        if typed_into is not None:
            await _handled(typed_into)

    def hold(self, event: events.Event | None) -> None:
        """Hold `event` (None: the keys from now on) until the app and the screen settle."""
        if self.held is None:
            self.held = []
            self._wait_for_screen()
        if event is not None:
            self.held.append(event)

    def _wait_for_screen(self) -> None:
        """Release the held keys once the current screen has handled what it was sent so far
        (its mounting: the focus it asks for is then in the app's queue, ahead of the release)."""
        app, screen = self.app, self.app.screen
        self.holding = wait = Wait(screen, time.monotonic() + GIVE_UP)
        if not screen.call_later(app.call_later, self.release, wait):
            app.call_later(self.release, wait)
        if self.timer is None:
            self.timer = app.set_interval(CHECK_EVERY, self._check)

    async def _check(self) -> None:
        """Every CHECK_EVERY s: held keys whose screen can no longer answer wait for the one in
        front instead, and after GIVE_UP s they go on."""
        wait = self.holding
        if self.held is None or wait is None:
            return
        if time.monotonic() > wait.until:
            await self.release(wait, force=True)
        elif _gone(wait.screen):
            await self.release(wait, force=self.app.screen is wait.screen)

    async def release(self, wait: Wait, force: bool = False) -> None:
        """Handle the held keys, in order (unless the screen changed again meanwhile)."""
        if self.held is None or wait is not self.holding:
            return
        if self.app.screen is not wait.screen and not force:
            self._wait_for_screen()
            return
        held, self.held, self.seen = self.held, None, self.app.screen
        for event in held:  # a key among them that changes the screen holds those behind it
            await self.app.on_event(event)


def _gone(node: MessagePump) -> bool:
    """`node` will never handle what is in its queue (its message loop has ended)."""
    return node._closed or (node._closing and not node.is_running)


async def _handled(node: MessagePump) -> None:
    """Wait until `node` (a widget or a screen) has handled every message already sent to it
    (on a busy machine that may take seconds: the wait ends early only if it never will)."""
    done = asyncio.Event()
    if not node.call_later(done.set):
        return
    until = time.monotonic() + GIVE_UP
    while not done.is_set() and not _gone(node) and time.monotonic() < until:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(done.wait(), CHECK_EVERY)


# An Esc typed just before another key ----------------------------------------------------------

# What may follow ESC in what a terminal sends (CSI, SS3, the OSC, DCS and APC replies to the
# app's queries, their ST, and ESC itself): any other character after ESC is a key of its own.
SEQUENCE_STARTS = frozenset("[O]P_\\\x1b")
PASTE_START, PASTE_END = "\x1b[200~", "\x1b[201~"


class EscapeFirstParser(XTermParser):
    """Textual's terminal parser, except that Esc followed at once by a key (in one read, as
    keys typed fast arrive over SSH) is the Escape key and then that key. Textual takes ESC
    and the next characters for one escape sequence until ESCDELAY (100 ms) passes with no
    input; when the next key came before, it turned the pair into '^' and the key: Esc then
    'd' typed fast put '^d' into the field instead of leaving it. The app binds no Alt+key, the
    other meaning of ESC and a key. Inside a bracketed paste nothing is split."""

    def __init__(self, debug: bool = False) -> None:
        super().__init__(debug)
        self.escape_pending = False  # the last character fed was ESC
        self.pasting = False

    def feed(self, data: str) -> Iterable[events.Event | Message]:
        start = 0
        for index, character in enumerate(data):
            if character == "\x1b" and data.startswith((PASTE_START, PASTE_END), index):
                self.pasting = data.startswith(PASTE_START, index)
            if self.escape_pending and not self.pasting and character not in SEQUENCE_STARTS:
                if start < index:
                    yield from super().feed(data[start:index])
                start = index
                if self._timeout_time is not None:  # still waiting after the ESC: Escape
                    self._timeout_time = 0.0
                    yield from self.tick()
            self.escape_pending = character == "\x1b"
        if start < len(data) or not data:
            yield from super().feed(data[start:])


def read_escape_first() -> None:
    """Make the app's terminal input (Linux driver) use EscapeFirstParser."""
    linux_driver.XTermParser = EscapeFirstParser  # type: ignore[misc]


# The command palette ---------------------------------------------------------------------------


class Palette(CommandPalette):
    """Textual's command palette, except that Enter typed before the search of what was typed
    has finished waits for it: Textual chose among the hits of the text as it was a moment
    before (Ctrl+P, an RFC and Enter typed fast ran 'Keys', the first hit of the empty text)."""

    @on(Input.Submitted)
    async def _after_the_search(self, event: Input.Submitted) -> None:
        event.prevent_default()  # CommandPalette's own handler runs below, once
        for worker in list(self.workers):
            if worker.group == self._GATHER_COMMANDS_GROUP and not worker.is_finished:
                with contextlib.suppress(WorkerCancelled, WorkerFailed):
                    await worker.wait()
        self._select_or_command(event)
