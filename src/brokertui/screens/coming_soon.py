"""Placeholder for the main screens of capabilities still being built."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from brokertui.widgets import NavBar


class ComingSoonScreen(Screen):
    DEFAULT_CSS = """
    ComingSoonScreen .notice { margin: 2 4; }
    """

    def __init__(self, title: str, description: str) -> None:
        super().__init__()
        self.title = title
        self.description = description

    def compose(self) -> ComposeResult:
        yield Header()
        yield NavBar()
        yield Static(f"[b]{self.title}[/] — próximamente.\n\n{self.description}", classes="notice")
        yield Footer(compact=True)
