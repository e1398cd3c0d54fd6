"""Clean text: what a form, the CLI or a file may store (issue 11, item 1).

Control characters (C0, DEL and C1) never reach the database: a terminal that shows them runs
them (ESC starts escape sequences that clear the screen or fill the clipboard). They are
refused where a person typed or supplied the value, and removed where refusing is impossible
(the ANAM's Data Stage files, see `strip_controls`). A tab is ordinary in free text (a
description pasted from a spreadsheet), so fields named in FREE_TEXT accept it. Lone
surrogates (undecodable bytes of a command line) are refused too: SQLite cannot store them.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePath

FREE_TEXT = frozenset({"descripcion", "motivo", "reason"})  # the fields and options of free text
# Character ranges the patterns below are made of: C0 before the tab, the line feed, C0 after
# it, DEL and C1, the bidi embeddings, overrides and isolates (they reorder text), and lone
# surrogates (the bytes of a file name that is not UTF-8, as Python reads them).
_C0, _TAB, _NEWLINE, _REST = "\x00-\x08", "\x09", "\x0a", "\x0b-\x1f\x7f-\x9f"
_BIDI, _SURROGATES = "\u202a-\u202e\u2066-\u2069", "\ud800-\udfff"
_CONTROL = re.compile(f"[{_C0}{_NEWLINE}{_REST}{_SURROGATES}]")
_CONTROL_OR_TAB = re.compile(f"[{_C0}{_TAB}{_NEWLINE}{_REST}{_SURROGATES}]")
# What a file's name may hold that no message can show as it is.
_UNSHOWABLE = re.compile(f"[{_C0}{_TAB}{_NEWLINE}{_REST}{_BIDI}{_SURROGATES}]")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_SEPARATED = re.compile(r"(?<=[0-9])[\s./-]+(?=[0-9])")  # between digits
# What a terminal must never receive from stored data (a tab is shown as a space).
_UNSAFE = re.compile(f"[{_C0}{_NEWLINE}{_REST}{_BIDI}{_SURROGATES}]")
_UNSAFE_BUT_NEWLINE = re.compile(f"[{_C0}{_REST}{_BIDI}{_SURROGATES}]")
SHOWN_INSTEAD = "\ufffd"  # � where an unsafe character was: one cell, so nothing shifts


def check_text(value: str, *, free_text: bool = False) -> str:
    """`value` unchanged, or ValueError naming its first control character (a tab is
    accepted when `free_text`). Callers attach the field: `free_text=name in FREE_TEXT`."""
    found = (_CONTROL if free_text else _CONTROL_OR_TAB).search(value)
    if found is None:
        return value
    char = ord(found[0])
    what = "un carácter inválido" if 0xD800 <= char <= 0xDFFF else "un carácter de control"
    raise ValueError(f"contiene {what} (U+{char:04X}); no se admite")


def required(value: str) -> str:
    """`value` unchanged, or ValueError when it is empty."""
    if not value:
        raise ValueError("es obligatorio")
    return value


def strip_controls(value: str) -> str:
    """`value` without control characters; a tab, line break or other whitespace control
    becomes a space so that words stay apart."""
    if _CONTROL_OR_TAB.search(value) is None:
        return value
    return _CONTROL_OR_TAB.sub(lambda m: " " if m[0].isspace() else "", value)


def clean(value: object, *, lines: bool = False) -> str:
    """`value` as terminal-safe text, for a screen or the CLI's tables: None is "", a tab a
    space, every other control or bidi character U+FFFD (a newline too, unless `lines`)."""
    if value is None:
        return ""
    unsafe = _UNSAFE_BUT_NEWLINE if lines else _UNSAFE
    return unsafe.sub(SHOWN_INSTEAD, str(value).replace("\t", " "))


def shown_name(name: str | PurePath) -> str:
    """A file's name (a path's last part; a str as it is: a whole path) as every message shows
    it and the database stores it: one line of printable text, each character that cannot be
    shown written as `ls -b` writes it ("a\\nb.csv", a byte that is not UTF-8 as "\\xff",
    U+202E as "\\u202e"), the rest as it is."""
    return _UNSHOWABLE.sub(_escape, name.name if isinstance(name, PurePath) else name)


def _escape(found: re.Match[str]) -> str:
    char = found[0]
    if char in _ESCAPES:
        return _ESCAPES[char]
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's stand-in for the byte code - 0xDC00
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def fold(text: str) -> str:
    """`text` for lenient matching: upper case, without accents or other marks, its whitespace
    runs one space, stripped ("  Querétaro\tnorte" -> "QUERETARO NORTE"). Idempotent: the
    marks are dropped again after upper-casing ("ǰ" has no precomposed upper case)."""
    return " ".join(_unmarked(_unmarked(text).upper()).split())


def joined(text: str) -> str:
    """`text` without the spaces, dashes, dots and slashes that separate digits: a part number
    stored as "3001-0001234" reads "30010001234", as a search for it writes its digits; the
    separators next to a letter stay ("A-B 1")."""
    return _SEPARATED.sub("", text)


def _unmarked(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))
