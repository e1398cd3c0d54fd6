"""The pty harness itself: the app runs as a process on a real terminal and quits cleanly."""

from __future__ import annotations

import pytest

from tests.pty.harness import _whole_frames, keys


def test_app_on_a_pty_opens_clientes_and_quits(demo_path, terminal):
    term = terminal(demo_path)
    term.wait_for("F3 Clientes")
    term.press("f3")
    # The dashboard lists the same RFC: wait for the Clientes table's own row (RFC and name).
    screen = term.wait_for(lambda s: "Clientes —" in s and "Autopartes Sierra Madre" in s)
    assert "ASM980127HN4" in screen
    assert term.close() == 0
    term.assert_clean()


def _client_form(terminal, demo_path):
    term = terminal(demo_path, size=(120, 40))
    term.wait_for("F3 Clientes")
    term.press("f3")
    term.wait_for("o ordena")
    term.press("a")
    term.wait_for("Cliente nuevo")
    return term


def _field(screen: str, label: str) -> str:
    """The value shown right of a form field's label."""
    line = next(line for line in screen.splitlines() if line.startswith(f" {label}  "))
    return line.removeprefix(f" {label}").strip()


def test_keys_reach_the_focused_field(demo_path, terminal):
    """Text in one burst arrives whole (accents too), editing keys do what they say; after the
    Tab has moved the focus, the next burst goes to the next field."""
    term = _client_form(terminal, demo_path)
    term.send("XAXX ñé")
    term.wait_for("XAXX ñé")
    term.press("left", "left", "backspace")
    term.wait_for("XAXXñé")
    term.send("Ü", keys("tab"))
    term.wait_for("debe tener 12 caracteres")  # the RFC was checked as the focus left it
    term.send("Hola Peñón")
    screen = term.wait_for("Hola Peñón")
    assert _field(screen, "RFC") == "XAXXÜñé"
    assert _field(screen, "Razón social") == "Hola Peñón"
    assert term.close() == 0


def test_editing_keys_in_a_burst_apply_in_order(demo_path, terminal):
    term = _client_form(terminal, demo_path)
    term.send("XAXX ñé", keys("left", "left", "backspace"), "Ü")
    term.wait_for(lambda screen: _field(screen, "RFC") == "XAXXÜñé")  # fails with the screen


def test_a_traceback_in_the_output_is_a_problem(demo_path, terminal):
    term = terminal(demo_path, forbidden=("Clientes",))
    term.wait_for("F3 Clientes")
    term.close()
    assert term.problems
    with pytest.raises(AssertionError, match="Clientes"):
        term.assert_clean()
    term.problems.clear()  # the fixture's own check


def test_keys_are_xterm_sequences():
    assert keys("tab", "enter", "ctrl+s", "f4", "down", "x") == b"\t\r\x13\x1bOS\x1b[Bx"
    with pytest.raises(ValueError, match="unknown key"):
        keys("hyper+z")


def test_a_frame_is_shown_whole():
    assert _whole_frames("x\x1b[?2026hab") == ("x", "\x1b[?2026hab")
    assert _whole_frames("\x1b[?2026hab\x1b[?2026ly\x1b[?20") == (
        "\x1b[?2026hab\x1b[?2026ly",
        "\x1b[?20",
    )
