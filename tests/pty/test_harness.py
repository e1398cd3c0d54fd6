"""The pty harness itself: the app runs as a process on a real terminal and quits cleanly."""

from __future__ import annotations

import pytest

from tests.pty.harness import KEYS, _split_after_escapes, _whole_frames, keys


def test_app_on_a_pty_opens_clientes_and_quits(demo_path, terminal):
    term = terminal(demo_path)
    term.wait_for("F3 Clientes", timeout=30)
    term.press("f3")
    screen = term.wait_for(lambda s: "Clientes —" in s and "ASM980127HN4" in s)
    assert "Autopartes Sierra Madre" in screen
    assert term.close() == 0
    term.assert_clean()


def test_a_form_burst_lands_in_its_fields(demo_path, terminal):
    """Text typed in one burst, Tab included, reaches the fields in order (no pause)."""
    term = terminal(demo_path, size=(120, 40))
    term.wait_for("F3 Clientes", timeout=30)
    term.press("f3")
    term.wait_for("ASM980127HN4")
    term.wait_quiet()  # F3 and "a" in one burst type the "a" into the search (see report)
    term.press("a")
    term.wait_for("Cliente nuevo")
    term.send("XAXX", keys("tab"), "Hola")
    screen = term.wait_for(lambda s: "XAXX" in s and "Hola" in s)
    rfc_line = next(line for line in screen.splitlines() if line.lstrip().startswith("RFC"))
    assert "XAXX" in rfc_line
    term.send(keys("escape"), keys("ctrl+q"))
    assert term.close() == 0


def test_a_traceback_in_the_output_is_a_problem(demo_path, terminal):
    term = terminal(demo_path, forbidden=("Clientes",))
    term.wait_for("F3 Clientes", timeout=30)
    term.close()
    assert term.problems
    with pytest.raises(AssertionError, match="Clientes"):
        term.assert_clean()
    term.problems.clear()  # the fixture's own check


def test_keys_are_xterm_sequences():
    assert keys("tab", "enter", "ctrl+s", "f4", "down", "x") == b"\t\r\x13\x1bOS\x1b[Bx"
    with pytest.raises(ValueError, match="unknown key"):
        keys("hyper+z")


def test_a_burst_pauses_only_after_a_lone_escape():
    assert _split_after_escapes(b"ab" + KEYS["f4"] + b"c") == [b"ab\x1bOSc"]
    assert _split_after_escapes(b"a\x1bb\x1b") == [b"a\x1b", b"b\x1b"]


def test_a_frame_is_shown_whole():
    assert _whole_frames("x\x1b[?2026hab") == ("x", "\x1b[?2026hab")
    assert _whole_frames("\x1b[?2026hab\x1b[?2026ly\x1b[?20") == (
        "\x1b[?2026hab\x1b[?2026ly",
        "\x1b[?20",
    )
