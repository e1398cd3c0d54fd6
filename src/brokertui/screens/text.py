"""User data on screen: always plain text that cannot drive the terminal.

Stored and imported text is never read as markup, and a control character already in the
database (an old one, a Data Stage delivery) never reaches the terminal: every screen shows
data through `plain`, fills a markup template with `markup`, or (single strings Textual shows
itself: titles, toasts, input values) passes it through `clean`.
"""

from __future__ import annotations

from rich.highlighter import Highlighter
from rich.text import Text
from textual.content import Content

from brokertui.core.text import clean

__all__ = ["SAFE_INPUT", "clean", "markup", "plain"]


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
