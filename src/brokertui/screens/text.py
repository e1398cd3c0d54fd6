"""User data on screen: always plain text that cannot drive the terminal.

Stored and imported text is never read as markup, and a control character already in the
database (an old one, a Data Stage delivery) never reaches the terminal: every screen shows
data through `plain`, fills a markup template with `markup`, or (single strings Textual shows
itself: titles, toasts, input values) passes it through `clean`.
"""

from __future__ import annotations

import re

from rich.highlighter import Highlighter
from rich.text import Text
from textual.content import Content

# C0 but tab, DEL, C1, the bidi embeddings, overrides and isolates (they reorder text), and
# lone surrogates (a file name that is not UTF-8, as Python reads it: no terminal can show one).
_UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_UNSAFE_BUT_NEWLINE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
SHOWN_INSTEAD = "\ufffd"  # � where an unsafe character was: one cell, so nothing shifts


def clean(value: object, *, lines: bool = False) -> str:
    """`value` as terminal-safe text: None is "", a tab a space, every other control or bidi
    character U+FFFD (a newline too, unless `lines`)."""
    if value is None:
        return ""
    unsafe = _UNSAFE_BUT_NEWLINE if lines else _UNSAFE
    return unsafe.sub(SHOWN_INSTEAD, str(value).replace("\t", " "))


def plain(value: object, *, lines: bool = False, style: str = "") -> Text:
    """`value` as a plain Rich Text (a table cell, a Static, an option), never markup."""
    return Text(clean(value, lines=lines), style=style, end="")


def markup(template: str, **values: object) -> Content:
    """`template` is trusted markup; its `$name` placeholders are filled with `values` as
    plain text (Textual's template variables, which are never parsed)."""
    return Content.from_markup(template, **{k: clean(v) for k, v in values.items()})


class SafeHighlighter(Highlighter):
    """For Input: the value is shown cleaned (same length, so the cursor stays in place) while
    the Input keeps what is stored, for the checks to refuse or the user to correct."""

    def highlight(self, text: Text) -> None:
        text.plain = clean(text.plain)


SAFE_INPUT = SafeHighlighter()
