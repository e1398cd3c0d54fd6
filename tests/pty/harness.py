"""The app as a real process on a pseudo-terminal, driven like a user over SSH.

`Terminal` starts `python -m brokertui --db DB --today D` on a pty (xterm-256color, 80×24 unless
told), drains its output on a thread of its own (the app never blocks on a full pty buffer) and
feeds it to pyte, a VT100 emulator, so tests read the screen as the user sees it:

    with Terminal(db_path, today=TODAY) as term:
        term.wait_for("Tablero")
        term.press("f3")
        term.wait_for("Clientes")
        term.send("ABC010101AB1", keys("tab"), "Razón", keys("tab", "ctrl+s"))
        term.wait_for(lambda screen: "ABC010101AB1" in screen)
    assert term.returncode == 0

`send` writes everything it is given as ONE write, with no pause: str parts are typed literally,
bytes parts are raw (`keys(...)` turns key names into their xterm sequences). An Esc followed at
once by a key is read by the app as Esc and that key (typeahead.EscapeFirstParser).

The output is watched for FORBIDDEN texts (a traceback, a raw SQLite lock error, the app's
"Error interno") with escape sequences removed; `problems` lists what was seen and
`close()` (or leaving the `with`) fails the test when any was.
"""

from __future__ import annotations

import codecs
import contextlib
import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pyte

# xterm sequences of the keys tests use (what Textual's parser reads back as those keys).
KEYS: dict[str, bytes] = {
    "tab": b"\t",
    "shift+tab": b"\x1b[Z",
    "enter": b"\r",
    "escape": b"\x1b",
    "backspace": b"\x7f",
    "delete": b"\x1b[3~",
    "insert": b"\x1b[2~",
    "space": b" ",
    "up": b"\x1b[A",
    "down": b"\x1b[B",
    "right": b"\x1b[C",
    "left": b"\x1b[D",
    "home": b"\x1b[H",
    "end": b"\x1b[F",
    "pageup": b"\x1b[5~",
    "pagedown": b"\x1b[6~",
    "f1": b"\x1bOP",
    "f2": b"\x1bOQ",
    "f3": b"\x1bOR",
    "f4": b"\x1bOS",
    "f5": b"\x1b[15~",
    "f6": b"\x1b[17~",
    "f7": b"\x1b[18~",
    "f8": b"\x1b[19~",
    "f9": b"\x1b[20~",
    "f10": b"\x1b[21~",
    "f11": b"\x1b[23~",
    "f12": b"\x1b[24~",
}
# Textual asks whether the terminal has synchronized output (mode 2026); told yes, it wraps each
# frame in BEGIN_FRAME ... END_FRAME, and the screen is updated a whole frame at a time.
SYNC_QUERY = "\x1b[?2026$p"
SYNC_REPLY = b"\x1b[?2026;2$y"
BEGIN_FRAME = "\x1b[?2026h"
END_FRAME = "\x1b[?2026l"
FORBIDDEN = ("Traceback", "database is locked", "Error interno")
_ESCAPES = re.compile(
    r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|.)"
)
# Seconds before a wait for the app (a screen, its exit) gives up: only a broken test waits this
# long; a loaded CI machine may take seconds to start the app or draw a screen.
PATIENCE = 60.0
_TAIL = 64  # characters kept between chunks so a forbidden text split across reads is found
_RAW_LIMIT = 2_000_000  # raw output kept for diagnostics (the last bytes)


def keys(*names: str) -> bytes:
    """The bytes a terminal sends for these keys: names of KEYS, "ctrl+<letter>" or one
    character (sent as it is)."""
    out = b""
    for name in names:
        if name in KEYS:
            out += KEYS[name]
        elif name.startswith("ctrl+") and len(name) == 6 and name[5].isalpha():
            out += bytes([ord(name[5].lower()) - ord("a") + 1])
        elif len(name) == 1:
            out += name.encode()
        else:
            raise ValueError(f"unknown key {name!r}")
    return out


def command(db_path: Path, today: date | None, *args: str) -> list[str]:
    """The command line of brokertui on `db_path` (the app when no args)."""
    line = [sys.executable, "-m", "brokertui", "--db", str(db_path)]
    if today:
        line += ["--today", today.isoformat()]
    return [*line, *args]


class Terminal:
    """brokertui running on a pty; see the module docstring."""

    def __init__(
        self,
        db_path: Path,
        *,
        today: date | None = None,
        size: tuple[int, int] = (80, 24),
        env: dict[str, str] | None = None,
        forbidden: tuple[str, ...] = FORBIDDEN,
    ) -> None:
        self.columns, self.lines = size
        self.forbidden = forbidden
        self.problems: list[str] = []
        self.screen = pyte.Screen(self.columns, self.lines)
        self._stream = pyte.Stream(self.screen)
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._raw = bytearray()
        self._tail = ""
        self._held = ""  # output of a frame not yet ended (see _whole_frames)
        self._synced = False
        self._changed = threading.Condition()
        self._version = 0
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", self.lines, self.columns, 0, 0))
        child_env = {
            **os.environ,
            "TERM": "xterm-256color",
            "COLUMNS": str(self.columns),
            "LINES": str(self.lines),
            **(env or {}),
        }
        child_env.pop("TEXTUAL", None)  # never the devtools console
        try:
            self.process = subprocess.Popen(
                command(db_path, today),
                stdin=slave,
                stdout=slave,
                stderr=slave,
                env=child_env,
                start_new_session=True,
                close_fds=True,
            )
        finally:
            os.close(slave)
        self.master = master
        self._reader = threading.Thread(target=self._drain, name="pty-reader", daemon=True)
        self._reader.start()

    # Output -------------------------------------------------------------------------------

    def _drain(self) -> None:
        """Read everything the app writes, as soon as it writes it, until the pty closes."""
        while True:
            try:
                ready, _, _ = select.select([self.master], [], [], 0.5)
                if not ready:
                    if self.process.poll() is not None and not self._pending():
                        break
                    continue
                chunk = os.read(self.master, 65536)
            except OSError:  # EIO: the app closed the terminal
                break
            if not chunk:
                break
            self._feed(chunk)
        with self._changed:
            self._version += 1
            self._changed.notify_all()

    def _pending(self) -> bool:
        ready, _, _ = select.select([self.master], [], [], 0)
        return bool(ready)

    def _feed(self, chunk: bytes) -> None:
        text = self._decoder.decode(chunk)
        if not self._synced and SYNC_QUERY in self._held + text:
            self._synced = True
            self._write(SYNC_REPLY)
        with self._changed:
            self._raw += chunk
            if len(self._raw) > _RAW_LIMIT:
                del self._raw[: len(self._raw) - _RAW_LIMIT]
            self._watch(text)
            frames, self._held = _whole_frames(self._held + text)
            self._stream.feed(frames)
            self._version += 1
            self._changed.notify_all()

    def _watch(self, text: str) -> None:
        plain = self._tail + _ESCAPES.sub("", text)
        for word in self.forbidden:  # an occurrence not already wholly in the tail
            start = plain.find(word, max(0, len(self._tail) - len(word) + 1))
            if start >= 0:
                self.problems.append(plain[max(0, start - 200) : start + 600])
        self._tail = plain[-_TAIL:]

    @property
    def raw_output(self) -> bytes:
        """The last bytes the app wrote (up to 2 MB), escape sequences and all."""
        with self._changed:
            return bytes(self._raw)

    def screen_lines(self) -> list[str]:
        """The screen as the user sees it, one string per line (trailing spaces removed)."""
        with self._changed:
            return [line.rstrip() for line in self.screen.display]

    def screen_text(self) -> str:
        return "\n".join(self.screen_lines())

    def wait_for(self, expected: str | Callable[[str], bool], timeout: float = PATIENCE) -> str:
        """Wait until the screen shows `expected` (a text, or a predicate on the screen's
        text) and return the screen; fail with the screen shown after `timeout` seconds."""
        check = expected if callable(expected) else lambda screen: expected in screen
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                screen = "\n".join(line.rstrip() for line in self.screen.display)
                if check(screen):
                    return screen
                left = deadline - time.monotonic()
                if left <= 0 or (self.process.poll() is not None and not self._reader.is_alive()):
                    raise AssertionError(
                        f"the screen never showed {expected!r} in {timeout} s; it shows:\n{screen}"
                        + (f"\nproblems: {self.problems}" if self.problems else "")
                    )
                self._changed.wait(min(left, 0.2))

    # Input --------------------------------------------------------------------------------

    def send(self, *parts: str | bytes) -> None:
        """Type `parts` as one burst (str: text typed as it is; bytes: raw, e.g. keys(...))."""
        self._write(b"".join(part.encode() if isinstance(part, str) else part for part in parts))

    def press(self, *names: str) -> None:
        """Press these keys (names as in `keys`) as one burst."""
        self.send(keys(*names))

    def _write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            written = os.write(self.master, view)
            view = view[written:]

    # End ----------------------------------------------------------------------------------

    @property
    def returncode(self) -> int | None:
        return self.process.poll()

    def close(self, timeout: float = PATIENCE) -> int:
        """Quit with Ctrl+Q; kill the app if it has not ended within `timeout` seconds.
        Returns its exit status (closing twice is harmless)."""
        if self.process.poll() is None:
            with contextlib.suppress(OSError):  # the app already closed its terminal
                self.press("ctrl+q")
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        self._reader.join(5)
        if self.master >= 0:
            os.close(self.master)
            self.master = -1
        return self.process.returncode

    def assert_clean(self) -> None:
        """Fail when a forbidden text (traceback, lock error, "Error interno") was shown."""
        assert not self.problems, "the app showed:\n" + "\n-----\n".join(self.problems)

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()
        if exc_info[0] is None:
            self.assert_clean()


def _whole_frames(text: str) -> tuple[str, str]:
    """`text` cut into what can be shown (up to the end of its last whole frame, and what
    follows when no frame begins) and what is held until its frame ends."""
    end = text.rfind(END_FRAME)
    cut = end + len(END_FRAME) if end >= 0 else 0
    begin = text.find(BEGIN_FRAME, cut)
    if begin < 0:  # hold a tail that may be the start of BEGIN_FRAME
        begin = next(
            (
                i
                for i in range(max(cut, len(text) - len(BEGIN_FRAME) + 1), len(text))
                if BEGIN_FRAME.startswith(text[i:])
            ),
            len(text),
        )
    return text[:begin], text[begin:]
