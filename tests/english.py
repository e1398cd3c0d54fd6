"""English words a Spanish screen or help text must not show (issue 16, item 6).

A deny-list of common English words that are not also Spanish words ("sale", "once", "real",
"total" and the like are left out), so a text is flagged only for a word no Spanish sentence
uses. ALLOWED holds the English words brokertui shows on purpose: identifiers the user types
(format names, program names) and terms the authority itself writes in English."""

from __future__ import annotations

import html
import re
from collections import defaultdict
from pathlib import Path

_DENIED = """
    about above add added after again all already also an and another any are as at available
    back be because been before being below between both but by can cancel cannot change
    changed changes choose clear click close command commands copy could current date
    default delete deleted did do does done down each edit else empty enter exit export
    failed file filed files filter find first focus following for found from get go has have
    help here hide how if in into invalid is it item items its just keys last leave left less
    line list load loaded maximize minimize missing more most move must name need new next
    not nothing now number of off on one only open option options or other out over page paste
    please press previous quit read record remove replace required right row rows run save
    saved screen screenshot search see select selected set should show since some start
    still such than that the their them then there these they this those through to today
    toggle too type under undo up update updated used user value values version view want
    was we were what when where which while who will with without would yes you your
"""
WORDS = frozenset(_DENIED.split())
# English a screen or help text shows on purpose.
ALLOWED = frozenset({"json", "csv", "xlsx", "table"})


def english(text: str) -> set[str]:
    """The deny-listed English words in `text`: lower-case or capitalised words (an all-caps
    token is a code: clave IN, unit CAN)."""
    words = {w.lower() for w in re.findall(r"[^\W\d_]+", text) if not (w.isupper() and len(w) > 1)}
    return (words & WORDS) - ALLOWED


# A line where English is on purpose: the README's section titles (F1 points at them).
ALLOWED_LINES = re.compile(r"README\.md § ")


def svg_lines(path: Path) -> list[str]:
    """The text of a Textual snapshot (SVG), one string per terminal line."""
    rows: dict[float, list[tuple[float, str]]] = defaultdict(list)
    svg = path.read_text(encoding="utf-8")
    for x, y, text in re.findall(
        r'<text class="terminal-[^"]*" x="([\d.]+)" y="([\d.]+)"[^>]*>([^<]*)</text>', svg
    ):
        rows[float(y)].append((float(x), html.unescape(text).replace("\xa0", " ")))
    return [" ".join(t for _, t in sorted(parts)) for _, parts in sorted(rows.items())]


def english_lines(lines: list[str]) -> list[tuple[str, set[str]]]:
    """(line, its English words) for each line with some, outside ALLOWED_LINES."""
    found = [(line, english(line)) for line in lines if not ALLOWED_LINES.search(line)]
    return [(line, words) for line, words in found if words]
