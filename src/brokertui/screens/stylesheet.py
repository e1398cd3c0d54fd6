"""A style sheet parsed again only when something it is parsed from changed (issue 14, item 3).

Textual parses the whole style sheet again each time a screen is shown for the first time
(App.refresh_css), even when no source and no variable changed: about a quarter of F5's first
visit, and more as the sheet grows. Parsing the same sources with the same variables gives the
same rules, so that parse is skipped."""

from __future__ import annotations

from textual.css.stylesheet import Stylesheet


class ParsedOnce(Stylesheet):
    _parsed: tuple | None = None  # (sources, variables) of the rules in use

    def _state(self) -> tuple:
        return tuple(self.source.items()), tuple(self._variables.items())

    def parse(self) -> None:
        state = self._state()
        super().parse()
        self._parsed = state

    def reparse(self) -> None:
        state = self._state()
        if state != self._parsed or self._require_parse:
            super().reparse()
            self._parsed = state
